#!/usr/bin/env bash
# Makes a Docker engine available for the real-Docker test lane (test/docker/).
#
#   bash test/docker/setup-docker.sh && REQUIRE_DOCKER=1 npm run test:docker
#
# Idempotent. When something is missing it installs, with apt-get (Debian/Ubuntu):
#   docker.io       the engine (dockerd, containerd, runc) and a CLI
#   busybox-static  the shell and tools of the lane's locally made base image
#                   (no registry is reachable here, so the lane cannot pull node:20-alpine)
#   docker-compose  Compose v1.29.2, the one Debian 12 ships (no v2 plugin there), for
#                   test/docker/compose.test.ts
# then starts dockerd in the background when no daemon answers, logging to $DOCKERD_LOG,
# and waits for `docker info` until $DOCKER_START_TIMEOUT seconds have passed.
# Exits non-zero with one clear line when it cannot.
set -euo pipefail

DEADLINE_S=${DOCKER_START_TIMEOUT:-90}
DOCKERD_LOG=${DOCKERD_LOG:-/var/log/dockerd-test.log}

say() { printf 'setup-docker: %s\n' "$*"; }
die() { printf 'setup-docker: ERROR: %s\n' "$*" >&2; exit 1; }

have() { command -v "$1" >/dev/null 2>&1; }

daemon_answers() { have docker && timeout 10 docker info >/dev/null 2>&1; }

# pgrep is in procps, which minimal images lack; dockerd's pid file is the fallback.
dockerd_running() {
  if have pgrep; then pgrep -x dockerd >/dev/null 2>&1
  else [ -f /var/run/docker.pid ] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null
  fi
}

show_log_tail() {
  echo "setup-docker: last lines of $DOCKERD_LOG:" >&2
  tail -n 20 "$DOCKERD_LOG" >&2 2>/dev/null || true
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif have sudo; then sudo -n "$@" || die "needs root for: $* (sudo -n failed; run this script as root)"
  else die "needs root for: $* (run this script as root)"
  fi
}

missing=()
have dockerd || missing+=(docker.io)
have docker-compose || missing+=(docker-compose)
# The lane copies busybox into its base image, so it must be the static build (ldd fails on it).
{ [ -x /bin/busybox ] && ! LC_ALL=C ldd /bin/busybox >/dev/null 2>&1; } || missing+=(busybox-static)

if [ ${#missing[@]} -gt 0 ]; then
  have apt-get || die "missing ${missing[*]} and apt-get is not available; install Docker Engine by hand (https://docs.docker.com/engine/install/)"
  say "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq >/dev/null || die "apt-get update failed"
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    die "apt-get install ${missing[*]} failed"
fi
have docker || die "no docker CLI on PATH after installing docker.io"

if daemon_answers; then
  say "Docker daemon already running ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
  exit 0
fi

if dockerd_running; then
  say "dockerd is running but not answering yet; waiting"
else
  # A stale pid file from a killed daemon makes dockerd refuse to start.
  if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    as_root rm -f /var/run/docker.pid
  fi
  say "starting dockerd in the background (log: $DOCKERD_LOG)"
  as_root mkdir -p "$(dirname "$DOCKERD_LOG")"
  # setsid + nohup: the daemon outlives this script and the CI step that ran it.
  as_root setsid nohup dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
fi

started=$(date +%s)
until daemon_answers; do
  if [ $(( $(date +%s) - started )) -ge "$DEADLINE_S" ]; then
    show_log_tail
    die "Docker daemon did not answer within ${DEADLINE_S}s (see $DOCKERD_LOG)"
  fi
  # Give a fresh dockerd a moment to write its pid file before concluding it died.
  if [ $(( $(date +%s) - started )) -ge 3 ] && ! dockerd_running; then
    show_log_tail
    die "dockerd exited during start-up (see $DOCKERD_LOG)"
  fi
  sleep 1
done
say "Docker daemon ready after $(( $(date +%s) - started ))s ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
