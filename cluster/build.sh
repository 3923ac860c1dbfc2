#!/usr/bin/env bash
# Builds what the node needs and is not yet in the cache ($NODE_CACHE, outside the work tree):
#
#   bash cluster/build.sh
#
#  - Debian packages: containerd, runc, the CNI plugins, iptables, debootstrap (apt-get), and a
#    Docker engine to build the images (test/docker/setup-docker.sh);
#  - Go binaries from the official modules pinned in cluster/go/*/go.mod: kube-apiserver,
#    kube-controller-manager, kube-scheduler, kubelet, kube-proxy, kubectl (k8s.io/kubernetes),
#    etcd, CoreDNS, metrics-server, crictl, and the node's own pause and host-path provisioner;
#  - images saved as tarballs for the node's containerd: pause, CoreDNS, metrics-server, and
#    PostgreSQL from Debian's packages.
# Each product is rebuilt only when the files it is made from change (a stamp holds their hash),
# so a second run takes seconds. Go's own module and build caches make a rebuild incremental.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || die "run as root (it installs Debian packages and builds images)"
built_at=$(date +%s)
mkdir -p "$NODE_BIN" "$NODE_IMAGES"

# --- Debian packages -----------------------------------------------------------------------
missing=()
for pair in containerd:containerd runc:runc /usr/lib/cni/bridge:containernetworking-plugins \
            iptables:iptables debootstrap:debootstrap; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || die "apt-get update failed"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
fi
bash "$CLUSTER_DIR/../test/docker/setup-docker.sh" >/dev/null || die "no Docker engine to build the node's images (test/docker/setup-docker.sh failed)"

# stamp NAME FILES...: the hash of the inputs; fresh NAME FILES... succeeds when it is unchanged.
stamp() { shift; cat "$@" | sha256sum | cut -c1-16; }
fresh() { local name=$1; [ -f "$NODE_CACHE/.stamp-$name" ] && [ "$(cat "$NODE_CACHE/.stamp-$name")" = "$(stamp "$@")" ]; }
mark() { stamp "$@" > "$NODE_CACHE/.stamp-$1"; }

# --- Go binaries -------------------------------------------------------------------------
# go_build MODULE OUTPUTS PACKAGES...: builds static binaries into the cache, nicely (2 cores).
go_build() {
  local module=$1 outputs=$2 dir ldflags=${LDFLAGS:--s -w} tmp; shift 2
  dir=$CLUSTER_DIR/go/$module
  local inputs=("$dir"/go.mod "$dir"/go.sum)
  while IFS= read -r f; do inputs+=("$f"); done < <(find "$dir" -name '*.go' | sort)
  local have=true
  for out in $outputs; do [ -x "$NODE_BIN/$out" ] || have=false; done
  if $have && fresh "go-$module" "${inputs[@]}"; then return 0; fi
  say "building $outputs (module cluster/go/$module; the first build takes many minutes)"
  tmp=$(mktemp -d)
  # One package: name the binary (a module path ending in /v3 would otherwise name it "server").
  local target="$tmp/"
  [ $# -eq 1 ] && target="$tmp/$outputs"
  (cd "$dir" && CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$target" "$@") ||
    die "go build in cluster/go/$module failed"
  for out in $outputs; do mv -f "$tmp/$out" "$NODE_BIN/$out"; done
  rm -rf "$tmp"
  mark "go-$module" "${inputs[@]}"
}

# The version the binaries report (kubectl version, the node's kubeletVersion), set the way
# Kubernetes' own build does (hack/lib/version.sh: kube::version::ldflags).
k8s_ldflags="-s -w"
minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  k8s_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
LDFLAGS=$k8s_ldflags go_build kubernetes "kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler \
  k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy k8s.io/kubernetes/cmd/kubectl
LDFLAGS="-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_VERSION" go_build etcd etcd go.etcd.io/etcd/server/v3
LDFLAGS="-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL_VERSION" go_build node "crictl pause hostpath-provisioner" \
  sigs.k8s.io/cri-tools/cmd/crictl ./cmd/pause ./cmd/hostpath-provisioner
LDFLAGS="-s -w -X github.com/coredns/coredns/coremain.GitCommit=$COREDNS_VERSION" go_build coredns coredns .
LDFLAGS="-s -w -X sigs.k8s.io/metrics-server/pkg/version.gitVersion=$METRICS_SERVER_VERSION" go_build metrics-server metrics-server \
  sigs.k8s.io/metrics-server/cmd/metrics-server

# --- images --------------------------------------------------------------------------------
# image NAME REF DOCKERFILE BINARY: a one-binary image from scratch, saved for containerd.
image() {
  local name=$1 ref=$2 dockerfile=$3 binary=$4 ctx
  local tarball=$NODE_IMAGES/$name.tar
  if [ -f "$tarball" ] && fresh "image-$name" "$dockerfile" "$NODE_BIN/$binary"; then return 0; fi
  say "building image $ref"
  ctx=$(mktemp -d)
  cp "$NODE_BIN/$binary" "$ctx/"
  docker build -q -t "$ref" -f "$dockerfile" "$ctx" >/dev/null || die "docker build of $ref failed"
  docker save -o "$tarball.tmp" "$ref" && mv -f "$tarball.tmp" "$tarball"
  rm -rf "$ctx"
  mark "image-$name" "$dockerfile" "$NODE_BIN/$binary"
}
image pause "$PAUSE_IMAGE" "$CLUSTER_DIR/images/pause.Dockerfile" pause
image coredns "$COREDNS_IMAGE" "$CLUSTER_DIR/images/coredns.Dockerfile" coredns
image metrics-server "$METRICS_SERVER_IMAGE" "$CLUSTER_DIR/images/metrics-server.Dockerfile" metrics-server

# PostgreSQL: a Debian 12 root filesystem with the postgresql package, imported as the base.
pg_inputs=("$CLUSTER_DIR/images/postgresql/Dockerfile" "$CLUSTER_DIR/images/postgresql/entrypoint.sh")
if ! { [ -f "$NODE_IMAGES/postgresql.tar" ] && fresh image-postgresql "${pg_inputs[@]}"; }; then
  base=$LOCAL_REGISTRY/debian-postgresql-base:bookworm
  if ! docker image inspect "$base" >/dev/null 2>&1; then
    say "making a Debian 12 root filesystem with postgresql-15 (debootstrap, a few minutes)"
    rootfs=$(mktemp -d)
    mirror=$(awk '/^URIs:/ {print $2; exit} /^deb / {print $2; exit}' /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list 2>/dev/null | head -1)
    nice -n 10 debootstrap --variant=minbase --include=postgresql-15 bookworm "$rootfs" "${mirror:-http://deb.debian.org/debian}" \
      > "$NODE_CACHE/debootstrap.log" 2>&1 || die "debootstrap failed (log: $NODE_CACHE/debootstrap.log)"
    # Package caches and documentation are of no use in a container.
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log \
      "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
    # The JIT provider and the LLVM it needs (130 MB): without them PostgreSQL runs with JIT off.
    rm -rf "$rootfs"/usr/lib/postgresql/15/lib/llvmjit* "$rootfs"/usr/lib/postgresql/15/lib/bitcode \
      "$rootfs"/usr/lib/x86_64-linux-gnu/libLLVM-*.so* "$rootfs"/usr/lib/x86_64-linux-gnu/libz3.so*
    tar -C "$rootfs" -c . | docker import - "$base" >/dev/null
    rm -rf "$rootfs"
  fi
  say "building image $POSTGRES_IMAGE"
  docker build -q --build-arg "BASE=$base" -t "$POSTGRES_IMAGE" "$CLUSTER_DIR/images/postgresql" >/dev/null ||
    die "docker build of $POSTGRES_IMAGE failed"
  docker save -o "$NODE_IMAGES/postgresql.tar.tmp" "$POSTGRES_IMAGE" && mv -f "$NODE_IMAGES/postgresql.tar.tmp" "$NODE_IMAGES/postgresql.tar"
  mark image-postgresql "${pg_inputs[@]}"
fi

say "node $K8S_VERSION built in $(( $(date +%s) - built_at ))s (cache: $NODE_CACHE)"
