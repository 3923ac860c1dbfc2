# Configuration files of the node's components, written into $NODE_STATE/etc at every start
# (they hold only paths and addresses, never secrets). Sourced by start.sh.
# shellcheck shell=bash

# put FILE: stdin becomes FILE only if it differs, so a running component that watches its
# configuration (kube-proxy exits when the file changes) is not disturbed by a second start.
put() {
  local tmp
  tmp=$(mktemp "$1.XXXXXX")
  cat > "$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv -f "$tmp" "$1"; fi
}

write_configs() {
  local etc=$NODE_STATE/etc pki=$NODE_STATE/pki
  mkdir -p "$etc" "$etc/cni" "$NODE_STATE/containerd"

  # A containerd of the node's own (own root, state and socket), so stopping the node never
  # touches the Docker daemon's containerd. cgroupfs because there is no systemd; the sandbox
  # image is the locally made pause image, since no registry can be reached.
  put "$etc/containerd.toml" <<TOML
version = 2
root = "$NODE_STATE/containerd/root"
state = "$NODE_STATE/containerd/state"
[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$NODE_STATE/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  enable_selinux = false
  # These machines withhold CAP_SYS_RESOURCE even from root, so the kubelet's negative
  # oom_score_adj (-998 for sandboxes) would make runc fail ("failed to update
  # /proc/self/oom_score_adj: Permission denied"): containerd clamps it to its own instead.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$etc/cni"
TOML

  # One bridge for every pod, addresses from the node's podCIDR, no masquerading (nothing leaves
  # the machine) and the IPAM's leases kept in the node's own state.
  put "$etc/cni/10-todo-chatbot-node.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "todo-chatbot-node",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$NODE_STATE/cni-ipam",
        "ranges": [[{ "subnet": "$NODE_POD_SUBNET", "gateway": "$NODE_IP" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    }
  ]
}
JSON

  put "$etc/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $pki/ca.crt }
authorization:
  mode: Webhook
tlsCertFile: $pki/kubelet-serving.crt
tlsPrivateKeyFile: $pki/kubelet-serving.key
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
clusterDNS: [$DNS_SERVICE_IP]
clusterDomain: cluster.local
resolvConf: $etc/resolv.conf
failSwapOn: false
podCIDR: $NODE_POD_SUBNET
# The host is shared with other work: evict only when it is really short, and never for disk
# usage the node did not cause.
evictionHard:
  memory.available: 100Mi
  nodefs.available: 2%
  imagefs.available: 2%
imageGCHighThresholdPercent: 100
serializeImagePulls: false
shutdownGracePeriod: 0s
YAML
  # Pods with dnsPolicy Default and CoreDNS's upstream: no resolver outside the cluster.
  put "$etc/resolv.conf" </dev/null

  put "$etc/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: $pki/kube-proxy.kubeconfig
hostnameOverride: $NODE_PROFILE
mode: iptables
clusterCIDR: $POD_CIDR
# NodePorts answer on loopback only (kube-proxy then sets net.ipv4.conf.all.route_localnet=1).
nodePortAddresses: ["127.0.0.1/32"]
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
conntrack:
  # Leave the host's conntrack sysctls as they are.
  maxPerCore: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
YAML
}
