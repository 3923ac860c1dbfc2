#!/usr/bin/env bash
# Starts the single-node Kubernetes cluster (or finds it running) and writes its kubeconfig.
#
#   bash cluster/start.sh            # NODE_PROFILE=minikube by default
#
# Runs, as root and in the background with pid files and logs under $NODE_STATE/{run,logs}:
# containerd, etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy
# and the host-path provisioner; then applies the node's add-ons (CoreDNS, the `standard`
# StorageClass) and waits until the node is Ready and cluster DNS answers. Binaries and images
# come from cluster/build.sh's cache; the first start also makes the PKI. cluster/stop.sh undoes
# all of it. Idempotent: components already running are left alone.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$CLUSTER_DIR/pki.sh"
source "$CLUSTER_DIR/config.sh"

START_TIMEOUT=${NODE_START_TIMEOUT:-180}
[ "$(id -u)" -eq 0 ] || die "the node needs root (it runs containers, mounts volumes and writes iptables rules); run as root"
for b in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy etcd crictl hostpath-provisioner kubectl; do
  [ -x "$NODE_BIN/$b" ] || die "missing $NODE_BIN/$b; build the node first: bash cluster/build.sh"
done
for b in containerd containerd-shim-runc-v2 runc ctr iptables /usr/lib/cni/bridge /usr/lib/cni/host-local /usr/lib/cni/loopback; do
  command -v "$b" >/dev/null 2>&1 || die "missing $b; build the node first (it installs it): bash cluster/build.sh"
done
export PATH="$NODE_BIN:$PATH"
mkdir -p "$NODE_STATE"/{run,logs}
started_at=$(date +%s)

# start_process NAME ARGV...: runs ARGV in its own session, logging to logs/NAME.log.
start_process() {
  local name=$1; shift
  if running "$name"; then return 0; fi
  setsid "$@" >>"$NODE_STATE/logs/$name.log" 2>&1 </dev/null &
  echo $! > "$NODE_STATE/run/$name.pid"
}

# wait_until WHAT COMMAND...: polls COMMAND until it succeeds or the start deadline passes.
wait_until() {
  local what=$1; shift
  until "$@" >/dev/null 2>&1; do
    if [ $(( $(date +%s) - started_at )) -ge "$START_TIMEOUT" ]; then
      local log=${what%% *}
      echo "--- last lines of $NODE_STATE/logs/$log.log" >&2
      tail -n 25 "$NODE_STATE/logs/$log.log" >&2 2>/dev/null || true
      die "$what not ready within ${START_TIMEOUT}s (logs: $NODE_STATE/logs)"
    fi
    sleep 1
  done
}

make_pki
write_configs

# Kernel settings the node needs; the previous values are kept so stop.sh can restore them.
if [ ! -f "$NODE_STATE/run/sysctl.saved" ]; then
  for key in "${NODE_SYSCTLS[@]}"; do
    echo "$key=$(sysctl -n "$key")"
  done > "$NODE_STATE/run/sysctl.saved"
fi
sysctl -q -w net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1

# The pod bridge exists before the kubelet, since its address is the node's InternalIP.
if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
  ip link add "$BRIDGE" type bridge
  ip addr add "$NODE_IP/24" dev "$BRIDGE"
fi
ip link set "$BRIDGE" up
# The apiserver listens on every address (pods reach it on the bridge); only loopback and the
# bridge may reach it and the kubelet: a chain of the node's own, jumped to from INPUT.
if ! iptables -w -n -L "$GUARD_CHAIN" >/dev/null 2>&1; then
  iptables -w -N "$GUARD_CHAIN"
  iptables -w -A "$GUARD_CHAIN" -i lo -j RETURN
  iptables -w -A "$GUARD_CHAIN" -i "$BRIDGE" -j RETURN
  iptables -w -A "$GUARD_CHAIN" -j DROP
fi
guard_jump=(INPUT -p tcp -m multiport --dports "$APISERVER_PORT,10250" -j "$GUARD_CHAIN")
iptables -w -C "${guard_jump[@]}" 2>/dev/null || iptables -w -I "${guard_jump[@]}"
# Pod traffic crosses the host's FORWARD chain (br_netfilter), whose policy Docker sets to DROP:
# let the bridge's own traffic through, as CNI's firewall plugin would per pod.
if ! iptables -w -n -L "$FORWARD_CHAIN" >/dev/null 2>&1; then
  iptables -w -N "$FORWARD_CHAIN"
  iptables -w -A "$FORWARD_CHAIN" -i "$BRIDGE" -j ACCEPT
  iptables -w -A "$FORWARD_CHAIN" -o "$BRIDGE" -j ACCEPT
fi
iptables -w -C FORWARD -j "$FORWARD_CHAIN" 2>/dev/null || iptables -w -I FORWARD -j "$FORWARD_CHAIN"

start_process containerd containerd --config "$NODE_STATE/etc/containerd.toml"
wait_until "containerd socket" ctr_node version

# Images the node itself runs, from the build cache (containerd cannot pull: no registry),
# imported again whenever the build made a new tarball.
for image in "$PAUSE_IMAGE" "$COREDNS_IMAGE" "$METRICS_SERVER_IMAGE" "$POSTGRES_IMAGE"; do
  name=$(basename "${image%%:*}")
  tarball="$NODE_IMAGES/$name.tar"
  [ -f "$tarball" ] || die "missing $tarball; build the node first: bash cluster/build.sh"
  mark="$NODE_STATE/containerd/imported-$name"
  [ "$(cat "$mark" 2>/dev/null)" = "$(stat -c %s-%Y "$tarball")" ] && continue
  ctr_node images import "$tarball" >/dev/null
  stat -c %s-%Y "$tarball" > "$mark"
done
# The sandbox image must never be garbage-collected by the kubelet.
ctr_node images label "$PAUSE_IMAGE" io.cri-containerd.pinned=pinned >/dev/null

start_process etcd "$NODE_BIN/etcd" --name "$NODE_PROFILE" --data-dir "$NODE_STATE/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "$NODE_PROFILE=http://127.0.0.1:$ETCD_PEER_PORT" --log-level warn
wait_until "etcd health" curl -fsS "http://127.0.0.1:$ETCD_CLIENT_PORT/health"

pki=$NODE_STATE/pki
start_process kube-apiserver "$NODE_BIN/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --bind-address 0.0.0.0 --secure-port "$APISERVER_PORT" --advertise-address "$NODE_IP" \
  --service-cluster-ip-range "$SERVICE_CIDR" --service-node-port-range 30000-32767 \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --client-ca-file "$pki/ca.crt" \
  --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority "$pki/ca.crt" --kubelet-preferred-address-types InternalIP \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction --allow-privileged=true \
  --requestheader-client-ca-file "$pki/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
  --requestheader-extra-headers-prefix X-Remote-Extra- --requestheader-group-headers X-Remote-Group \
  --requestheader-username-headers X-Remote-User \
  --proxy-client-cert-file "$pki/front-proxy-client.crt" --proxy-client-key-file "$pki/front-proxy-client.key" \
  --enable-aggregator-routing=true --profiling=false
wait_until "kube-apiserver readyz" kubectl_node get --raw /readyz

start_process kube-controller-manager "$NODE_BIN/kube-controller-manager" \
  --kubeconfig "$pki/controller-manager.kubeconfig" \
  --authentication-kubeconfig "$pki/controller-manager.kubeconfig" --authorization-kubeconfig "$pki/controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --leader-elect=false --use-service-account-credentials=true \
  --allocate-node-cidrs=true --cluster-cidr "$POD_CIDR" --node-cidr-mask-size 24 --service-cluster-ip-range "$SERVICE_CIDR" \
  --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
  --root-ca-file "$pki/ca.crt" --service-account-private-key-file "$pki/sa.key" \
  --cluster-name "$NODE_PROFILE" --profiling=false
start_process kube-scheduler "$NODE_BIN/kube-scheduler" \
  --kubeconfig "$pki/scheduler.kubeconfig" \
  --authentication-kubeconfig "$pki/scheduler.kubeconfig" --authorization-kubeconfig "$pki/scheduler.kubeconfig" \
  --bind-address 127.0.0.1 --leader-elect=false --profiling=false

start_process kubelet "$NODE_BIN/kubelet" --config "$NODE_STATE/etc/kubelet.yaml" \
  --kubeconfig "$pki/kubelet.kubeconfig" --hostname-override "$NODE_PROFILE" --node-ip "$NODE_IP" \
  --root-dir "$NODE_STATE/kubelet" --cert-dir "$NODE_STATE/kubelet/pki"

# Add-ons, applied at every start (kubectl apply is idempotent).
sed -e "s|@COREDNS_IMAGE@|$COREDNS_IMAGE|g" -e "s|@DNS_SERVICE_IP@|$DNS_SERVICE_IP|g" \
  "$CLUSTER_DIR/manifests/coredns.yaml" | kubectl_node apply -f - >/dev/null
kubectl_node apply -f "$CLUSTER_DIR/manifests/storage.yaml" >/dev/null
mkdir -p "$NODE_STATE/hostpath-provisioner"
start_process hostpath-provisioner "$NODE_BIN/hostpath-provisioner" --kubeconfig "$pki/hostpath-provisioner.kubeconfig" \
  --dir "$NODE_STATE/hostpath-provisioner" --identity "todo-chatbot-node-$NODE_PROFILE"

wait_until "kubelet (node $NODE_PROFILE Ready)" kubectl_node wait --for=condition=Ready "node/$NODE_PROFILE" --timeout=5s
# kube-proxy after the Node exists: it takes the node's address from it.
start_process kube-proxy "$NODE_BIN/kube-proxy" --config "$NODE_STATE/etc/kube-proxy.yaml"
# minikube labels its node with kubectl after kubeadm (the kubelet may not set k8s.io labels).
kubectl_node label node "$NODE_PROFILE" --overwrite "minikube.k8s.io/name=$NODE_PROFILE" minikube.k8s.io/primary=true >/dev/null
wait_until "kube-proxy healthz" curl -fsS http://127.0.0.1:10256/healthz
wait_until "coredns (kube-system/coredns available)" kubectl_node -n kube-system wait --for=condition=Available deployment/coredns --timeout=5s

mkdir -p "$(dirname "$KUBECONFIG_OUT")"
install -m 600 "$pki/admin.kubeconfig" "$KUBECONFIG_OUT"
echo "$(date +%s)" > "$NODE_STATE/run/started"
say "node $NODE_PROFILE ready in $(( $(date +%s) - started_at ))s: Kubernetes $K8S_VERSION, kubeconfig $KUBECONFIG_OUT (context $NODE_PROFILE)"
