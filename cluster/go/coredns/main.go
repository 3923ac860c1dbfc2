// CoreDNS with a small plugin set. CoreDNS's own main (coredns.go) imports core/plugin, which
// registers every plugin (cloud DNS back-ends included); importing only the ones the node's
// Corefile names keeps the build to the Kubernetes client. coremain still orders them by
// dnsserver.Directives (core/dnsserver/zdirectives.go), so the Corefile behaves as upstream.
package main

import (
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/core/dnsserver"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"
)

func main() {
	coremain.Run()
}
