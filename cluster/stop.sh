#!/usr/bin/env bash
# Stops the node and removes everything start.sh made at run time, like powering a node off:
#
#   bash cluster/stop.sh             # stop; the cluster's data (etcd, volumes, images) stays
#   bash cluster/stop.sh --delete    # and remove the node's data and kubeconfig too
#
# Order: the kubelet first (so nothing restarts pods), then every pod through the runtime (CRI
# StopPodSandbox/RemovePodSandbox, which tears down each pod's network namespace and veth),
# then kube-proxy with its iptables rules, the control plane, etcd and containerd. Afterwards it
# sweeps what a crash could leave: shims of the node's containerd, mounts under the node's
# state, the pods' cgroups, KUBE-* iptables chains, the guard chain, the bridge, and it restores
# the kernel settings start.sh changed. Safe to run when nothing is running.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

delete=false
case "${1:-}" in
  --delete) delete=true ;;
  '') ;;
  *) printf 'stop.sh: unknown argument "%s"; use: bash cluster/stop.sh [--delete]\n' "$1" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] || die "the node needs root to stop; run as root"

# stop_process NAME: SIGTERM, up to 20 s to exit, then SIGKILL.
stop_process() {
  local name=$1 pid i
  pid=$(pid_of "$name")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$NODE_STATE/run/$name.pid"
}

stop_process hostpath-provisioner
stop_process kubelet
if running containerd && [ -x "$NODE_BIN/crictl" ]; then
  # Each pod's network namespace, remembered in case the runtime cannot remove one.
  for pod in $(crictl_node pods -q 2>/dev/null); do
    crictl_node inspectp "$pod" 2>/dev/null | grep -o '"/var/run/netns/[^"]*"\|"/run/netns/[^"]*"' | tr -d '"' | head -1
  done | sort -u > "$NODE_STATE/run/netns" || true
  crictl_node stopp $(crictl_node pods -q 2>/dev/null) >/dev/null 2>&1 || true
  crictl_node rmp --force --all >/dev/null 2>&1 || true
fi
if running kube-proxy; then
  stop_process kube-proxy
fi
[ -x "$NODE_BIN/kube-proxy" ] && "$NODE_BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
for name in kube-scheduler kube-controller-manager kube-apiserver etcd containerd; do stop_process "$name"; done

# Anything of the node still running (a process whose pid file was lost, a shim and so its
# containers), found by its command name and the node's paths on its command line.
NODE_COMMANDS=" containerd containerd-shim etcd kube-apiserver kube-controller kube-scheduler kubelet kube-proxy hostpath-provis "
for cmdline in /proc/[0-9]*/cmdline; do
  pid=${cmdline#/proc/}; pid=${pid%/cmdline}
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || continue
  [[ $NODE_COMMANDS == *" $comm "* ]] || continue
  tr '\0' ' ' < "$cmdline" 2>/dev/null | grep -qF -- "$NODE_STATE/" && kill -KILL "$pid" 2>/dev/null || true
done

# Network namespaces the runtime left behind.
if [ -f "$NODE_STATE/run/netns" ]; then
  while read -r ns; do
    [ -n "$ns" ] || continue
    umount "$ns" 2>/dev/null || true
    rm -f "$ns"
  done < "$NODE_STATE/run/netns"
  rm -f "$NODE_STATE/run/netns"
fi

# Mounts under the node's state (secrets, tokens, overlay root filesystems), deepest first.
if [ -d "$NODE_STATE" ]; then
  { findmnt -rn -o TARGET | grep -F "$NODE_STATE/" || true; } | sort -r | while read -r target; do
    umount "$target" 2>/dev/null || umount -l "$target" 2>/dev/null || true
  done
fi

# The pods' cgroups (cgroupfs driver: /kubepods in every v1 hierarchy), deepest first.
for hierarchy in /sys/fs/cgroup/*/; do
  [ -d "$hierarchy/kubepods" ] && find "$hierarchy/kubepods" -depth -type d -exec rmdir {} \; 2>/dev/null || true
done

# iptables: the node's guard and forward chains, then any KUBE-* chain the kubelet or kube-proxy left.
remove_chains() {
  local tool=$1 table chain rule rules chains
  for table in filter nat mangle; do
    rules=$("$tool" -w -t "$table" -S 2>/dev/null || true)
    # Jumps from the built-in chains into the node's chains, then the chains themselves.
    while read -r rule; do
      [ -n "$rule" ] && eval "\"$tool\" -w -t \"$table\" ${rule/-A/-D}" 2>/dev/null || true
    done < <(grep -E -- "-j (KUBE-[A-Z0-9-]+|$GUARD_CHAIN|$FORWARD_CHAIN)( |$)" <<<"$rules" | grep -E '^-A (INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING) ' || true)
    chains=$(awk -v g="$GUARD_CHAIN" -v f="$FORWARD_CHAIN" '$1=="-N" && ($2 ~ /^KUBE-/ || $2==g || $2==f) {print $2}' <<<"$rules")
    for chain in $chains; do "$tool" -w -t "$table" -F "$chain" 2>/dev/null || true; done
    for chain in $chains; do "$tool" -w -t "$table" -X "$chain" 2>/dev/null || true; done
  done
}
remove_chains iptables
command -v ip6tables >/dev/null 2>&1 && remove_chains ip6tables

ip link show "$BRIDGE" >/dev/null 2>&1 && ip link del "$BRIDGE"

if [ -f "$NODE_STATE/run/sysctl.saved" ]; then
  while IFS= read -r setting; do sysctl -q -w "$setting" >/dev/null 2>&1 || true; done < "$NODE_STATE/run/sysctl.saved"
  rm -f "$NODE_STATE/run/sysctl.saved"
fi
rm -f "$NODE_STATE/run/started"

if $delete; then
  rm -rf "$NODE_STATE"
  rm -f "$KUBECONFIG_OUT"
  say "node $NODE_PROFILE stopped and deleted"
else
  say "node $NODE_PROFILE stopped"
fi
