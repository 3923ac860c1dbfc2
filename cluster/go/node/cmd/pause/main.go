// The pod sandbox process: it holds the pod's namespaces and does nothing else. Kubernetes' own
// pause is a small C program (build/pause/linux/pause.c) that no Go module ships, so this one
// does the same three things in Go: sleep, exit 0 on SIGINT/SIGTERM, reap orphaned children
// (it is PID 1 of the pod when the process namespace is shared).
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s == syscall.SIGCHLD {
			for {
				pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
				if pid <= 0 || err != nil {
					break
				}
			}
			continue
		}
		os.Exit(0)
	}
}
