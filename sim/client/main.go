// simc forwards one simulated tool call (kubectl, helm, …) to the per-machine simulator server
// (sim/lib/simd.mjs) over a unix socket, so that a call costs a few milliseconds instead of a
// whole Node start-up. When no server answers, it becomes the Node shim itself (exec), so the
// simulator works the same with or without the server.
//
//	simc <tool> <node-path> <shim-path> [tool args...]
//
// Frames in both directions: 1 type byte, 4-byte big-endian payload length, payload.
// Client → server: H (hello, JSON, first and once), I (stdin bytes, only after W), E (stdin EOF),
// S (signal name). Server → client: O (stdout), R (stderr), W (start sending stdin),
// F (first frame only: serve yourself), X (int32 exit code). docs/simulator.md has the details.
//
// Standard library only: the binary is built on the user's machine by sim/client/build.sh.
package main

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"unsafe"
)

const chunk = 64 << 10 // stdin bytes per I frame

func main() {
	if len(os.Args) < 4 {
		os.Stderr.WriteString("sim-client: usage: simc <tool> <node-path> <shim-path> [tool args...]\n")
		os.Exit(2)
	}
	tool, node, shim, args := os.Args[1], os.Args[2], os.Args[3], os.Args[4:]

	// The raw getcwd, not os.Getwd (which prefers $PWD through symlinks): Node's process.cwd()
	// is the physical path, and the server must see what the shim would have seen. A cwd that
	// cannot be read (deleted) is the shim's business: let it meet the same error.
	cwd, err := syscall.Getwd()
	if err != nil {
		fallback(node, shim, args)
	}
	sock, err := connect(socketPath(cwd))
	if err != nil {
		fallback(node, shim, args) // no server (yet, or any more): the shim does the call
	}
	c := &conn{f: sock, sigs: make(chan os.Signal, 8)}

	// Caught, not ignored: an ignored signal would stay ignored in a fallback exec'd shim.
	// The server decides what a signal means for the call; we only forward it and wait for X.
	signal.Notify(c.sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	// Notified SIGPIPE makes a write to a closed stdout/stderr return EPIPE instead of killing
	// the process (os/signal docs): the reader of our output may leave early, the call goes on.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)

	hello, _ := json.Marshal(map[string]any{
		"tool": tool, "argv": args, "env": environ(), "cwd": cwd,
		"tty": map[string]bool{"stdin": isTTY(0), "stdout": isTTY(1), "stderr": isTTY(2)},
	})
	if c.send('H', hello) != nil {
		c.selfServe(node, shim, args) // the server closed at once: it never took the call
	}
	go c.forwardSignals()

	var pumpOnce sync.Once
	head := make([]byte, 5)
	for frames := 0; ; frames++ {
		if _, err := io.ReadFull(sock, head); err != nil {
			// Nothing at all came back (EOF, or a reset because the server closed with our
			// hello unread): the server was exiting and never ran the call, so run it ourselves.
			if frames == 0 && (err == io.EOF || errors.Is(err, syscall.ECONNRESET)) {
				c.selfServe(node, shim, args)
			}
			wentAway()
		}
		n := binary.BigEndian.Uint32(head[1:])
		if n > 1<<30 {
			wentAway() // not our protocol
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(sock, payload); err != nil {
			wentAway()
		}
		switch head[0] {
		// Written at once and in order (the server already decided the buffering). os.File.Write
		// loops over short writes; a closed reader (EPIPE) only loses that output, the call
		// still ends with X.
		case 'O':
			os.Stdout.Write(payload)
		case 'R':
			os.Stderr.Write(payload)
		case 'W':
			pumpOnce.Do(func() { go c.pumpStdin() })
		case 'F':
			// Only meaningful before the call started; a late F is ignored, since running the
			// shim now would repeat what the server already did.
			if frames == 0 {
				c.selfServe(node, shim, args)
			}
		case 'X':
			if n != 4 {
				wentAway()
			}
			code := int(int32(binary.BigEndian.Uint32(payload)))
			if code < 0 {
				dieOf(syscall.Signal(-code))
			}
			os.Exit(code & 0xff)
		}
		// Unknown frame types are skipped: a newer server may say more than this client knows.
	}
}

// socketPath is the server's socket, the scheme of daemonSocketPath in sim/lib/machine-daemon.mjs:
// <os.tmpdir()>/todo-chatbot-sim-call-<first 20 hex of sha256(path.resolve(stateDir))>.sock,
// with the state dir of stateDirFromEnv in sim/lib/state.mjs.
func socketPath(cwd string) string {
	dir := os.Getenv("SIM_STATE_DIR")
	if dir == "" {
		dir = filepath.Join(tmpdir(), "todo-chatbot-sim")
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(cwd, dir) // path.resolve joins with process.cwd()
	}
	sum := sha256.Sum256([]byte(filepath.Clean(dir)))
	return filepath.Join(tmpdir(), "todo-chatbot-sim-call-"+hex.EncodeToString(sum[:])[:20]+".sock")
}

// tmpdir is Node's os.tmpdir() on POSIX (lib/os.js): the first non-empty of TMPDIR, TMP, TEMP,
// else /tmp, without one trailing slash.
func tmpdir() string {
	for _, k := range []string{"TMPDIR", "TMP", "TEMP"} {
		if v := os.Getenv(k); v != "" {
			if len(v) > 1 && strings.HasSuffix(v, "/") {
				v = v[:len(v)-1]
			}
			return v
		}
	}
	return "/tmp"
}

// connect opens a unix stream socket with raw syscalls: the net package would double the binary
// and its start-up for nothing we need. Close-on-exec, so a fallback shim does not inherit it.
func connect(path string) (*os.File, error) {
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	if err := syscall.Connect(fd, &syscall.SockaddrUnix{Name: path}); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), "simulator-server"), nil
}

type conn struct {
	f      *os.File
	mu     sync.Mutex // the stdin pump, the signal forwarder and main all write frames
	sigs   chan os.Signal
	caught sync.Map // signals taken from sigs, by the forwarder
}

func (c *conn) send(kind byte, payload []byte) error {
	frame := make([]byte, 5+len(payload))
	frame[0] = kind
	binary.BigEndian.PutUint32(frame[1:5], uint32(len(payload)))
	copy(frame[5:], payload)
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := c.f.Write(frame)
	return err
}

// pumpStdin starts only when the server asks (W): before that stdin belongs to whoever else
// reads it (a terminal shared with a prompting program, a `while read` loop around the call).
func (c *conn) pumpStdin() {
	buf := make([]byte, chunk)
	for {
		n, err := os.Stdin.Read(buf)
		if n > 0 && c.send('I', buf[:n]) != nil {
			return // the server is gone; main sees it on the read side
		}
		if err != nil {
			c.send('E', nil) // EOF, or a stdin we cannot read: either way there is no more
			return
		}
	}
}

func (c *conn) forwardSignals() {
	for s := range c.sigs {
		c.caught.Store(0, s) // before sending: selfServe must know it even if the send waits
		c.send('S', []byte(signalName(s)))
	}
}

// selfServe leaves the server (it said F, or closed before answering) and runs the shim. A
// signal that arrived meanwhile was meant for the call: with the default actions restored it
// ends this process as it would have ended the shim not yet started, instead of being lost.
func (c *conn) selfServe(node, shim string, args []string) {
	c.mu.Lock() // no frame may follow; the forwarder waits here until the exec
	c.f.Close()
	signal.Reset()
	s, ok := c.caught.Load(0)
	if !ok {
		select {
		case s, ok = <-c.sigs:
		default:
		}
	}
	if ok {
		// To this very thread, so that it is handled before tgkill returns. If the signal
		// was ignored when we started (signal.Reset restores that), the shim would ignore it
		// too: go on.
		runtime.LockOSThread()
		syscall.Tgkill(os.Getpid(), syscall.Gettid(), s.(syscall.Signal))
	}
	fallback(node, shim, args)
}

// dieOf ends this process by the signal the call died of (X with -N), as the call's own process
// would have ended: its parent sees the signal, not an exit code. A signal that does not kill
// (ignored when we started) falls back to the shell's convention, 128 + N.
func dieOf(s syscall.Signal) {
	os.Stdout.Sync()
	signal.Reset()
	runtime.LockOSThread()
	syscall.Tgkill(os.Getpid(), syscall.Gettid(), s)
	os.Exit((128 + int(s)) & 0xff)
}

// fallback becomes `node shim args...` with this process's fds, cwd and environment, plus
// SIM_CLIENT_FALLBACK=1 so the shim (and tests) can tell it was not started by hand.
func fallback(node, shim string, args []string) {
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SIM_CLIENT_FALLBACK=") {
			env = append(env, kv)
		}
	}
	env = append(env, "SIM_CLIENT_FALLBACK=1")
	err := syscall.Exec(node, append([]string{node, shim}, args...), env)
	os.Stderr.WriteString("sim-client: cannot run " + node + ": " + err.Error() + "\n")
	os.Exit(127)
}

func wentAway() {
	os.Stderr.WriteString("sim-client: the simulator server went away during the call\n")
	os.Exit(70) // EX_SOFTWARE
}

// environ is the environment as Node's process.env sees it: for a name given twice, the first
// (what getenv(3) returns); entries without '=' are dropped.
func environ() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			if _, seen := env[k]; !seen {
				env[k] = v
			}
		}
	}
	return env
}

// isTTY is isatty(3): a terminal answers the TCGETS ioctl.
func isTTY(fd uintptr) bool {
	var t syscall.Termios
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TCGETS, uintptr(unsafe.Pointer(&t)))
	return errno == 0
}

func signalName(s os.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return "SIGHUP"
}
