# Shared settings of the node scripts (build.sh, start.sh, stop.sh). Sourced, never run.
# Every path the node writes is under $NODE_STATE; every binary and image it runs is under
# $NODE_CACHE, keyed by version, so a second build finds everything and does nothing.
# shellcheck shell=bash

K8S_VERSION=v1.34.4
ETCD_VERSION=v3.6.16
COREDNS_VERSION=v1.14.7
METRICS_SERVER_VERSION=v0.8.0
CRICTL_VERSION=v1.34.0
# The PostgreSQL image is Debian 12's postgresql package; its tag names both.
POSTGRES_IMAGE_TAG=15-debian12

CLUSTER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NODE_CACHE=${NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/todo-chatbot-k8s/$K8S_VERSION}
NODE_BIN=$NODE_CACHE/bin
NODE_IMAGES=$NODE_CACHE/images
# One node per profile, like minikube; the profile names the node and the kube-context.
NODE_PROFILE=${NODE_PROFILE:-minikube}
NODE_STATE=${NODE_STATE:-/var/lib/todo-chatbot-k8s/$NODE_PROFILE}

# Addresses. The apiserver answers on loopback (the kubeconfig's server) and on the pod bridge's
# gateway, which is the node's InternalIP: pods reach the apiserver and the kubelet there.
POD_CIDR=10.244.0.0/16
NODE_POD_SUBNET=10.244.0.0/24
NODE_IP=10.244.0.1
SERVICE_CIDR=10.96.0.0/12
KUBERNETES_SERVICE_IP=10.96.0.1
DNS_SERVICE_IP=10.96.0.10
BRIDGE=tcnode0
APISERVER_PORT=8443
ETCD_CLIENT_PORT=12379
ETCD_PEER_PORT=12380

# The chain that keeps the apiserver and kubelet ports to loopback and the bridge.
GUARD_CHAIN=TCNODE-GUARD
# The chain that lets pod traffic through the host's FORWARD chain.
FORWARD_CHAIN=TCNODE-FORWARD
# Kernel settings the node changes (kube-proxy sets route_localnet for loopback NodePorts);
# start.sh saves their values first and stop.sh puts them back.
NODE_SYSCTLS=(net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables net.ipv4.conf.all.route_localnet)

LOCAL_REGISTRY=localhost/todo-chatbot-node
PAUSE_IMAGE=$LOCAL_REGISTRY/pause:3.10
COREDNS_IMAGE=$LOCAL_REGISTRY/coredns:$COREDNS_VERSION
METRICS_SERVER_IMAGE=$LOCAL_REGISTRY/metrics-server:$METRICS_SERVER_VERSION
POSTGRES_IMAGE=$LOCAL_REGISTRY/postgresql:$POSTGRES_IMAGE_TAG

CONTAINERD_SOCK=$NODE_STATE/containerd/containerd.sock
KUBECONFIG_OUT=${NODE_KUBECONFIG:-$NODE_STATE/kubeconfig}

# The processes of a running node, in start order (stop goes the other way).
NODE_PROCESSES=(containerd etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy hostpath-provisioner)

say() { printf '%s: %s\n' "$(basename "$0")" "$*"; }
die() { printf '%s: ERROR: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

pid_of() { cat "$NODE_STATE/run/$1.pid" 2>/dev/null || true; }
running() { local pid; pid=$(pid_of "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

ctr_node() { ctr --address "$CONTAINERD_SOCK" --namespace k8s.io "$@"; }
crictl_node() { "$NODE_BIN/crictl" --runtime-endpoint "unix://$CONTAINERD_SOCK" --image-endpoint "unix://$CONTAINERD_SOCK" --timeout 30s "$@"; }
kubectl_node() { kubectl --kubeconfig "$NODE_STATE/pki/admin.kubeconfig" --request-timeout=20s "$@"; }
