#!/usr/bin/env bash
# Builds (once) and prints the path of simc, the simulator's fast client (main.go), as the last
# line of stdout:
#
#   bash sim/client/build.sh
#
# The binary is cached outside the work tree in
# $TODO_CACHE_DIR/sim-client/<first 16 hex of sha256(go.mod + main.go)>/simc (default
# ~/.cache/todo-chatbot-k8s), so a warm call takes milliseconds and an edited client gets a new
# key. Concurrent first callers wait on one lock instead of building twice.
# Exits 2 with one line when Go is missing (the simulator still works, through Node alone);
# 1 when the build fails.
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# sha256sum is coreutils; macOS has shasum instead.
if command -v sha256sum >/dev/null 2>&1; then sha=(sha256sum); else sha=(shasum -a 256); fi
key=$(cat "$src/go.mod" "$src/main.go" | "${sha[@]}" | cut -c1-16)
dir=${TODO_CACHE_DIR:-$HOME/.cache/todo-chatbot-k8s}/sim-client/$key
bin=$dir/simc

if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
if ! command -v go >/dev/null 2>&1; then
  echo 'sim-client: Go is not installed; the simulator works without its fast client (install Go >= 1.22 to speed it up)' >&2
  exit 2
fi

mkdir -p "$dir"
# flock is util-linux (Linux); without it (macOS) parallel first builds just race to the same rename.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$dir/.lock"
  flock 9
fi
if [ ! -x "$bin" ]; then
  # Into a temporary file, then one rename: a half-written binary is never found.
  tmp=$(mktemp "$dir/.build.XXXXXX")
  trap 'rm -f "$tmp"' EXIT
  (cd "$src" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false nice -n 10 go build -trimpath -ldflags='-s -w' -o "$tmp" .) >&2 ||
    { echo "sim-client: go build failed (go's own message is above)" >&2; exit 1; }
  mv -f "$tmp" "$bin"
fi
echo "$bin"
