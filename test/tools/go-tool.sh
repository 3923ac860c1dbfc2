#!/usr/bin/env bash
# Builds (once) and prints the path of a Go command-line tool the tests run for real:
#
#   bash test/tools/go-tool.sh actionlint     # lints .github/workflows (test/unit/workflow-lint.test.ts)
#   bash test/tools/go-tool.sh kustomize      # renders deploy/kustomize overlays (test/chart/kustomize.test.ts)
#   bash test/tools/go-tool.sh registry       # the Distribution registry the cluster lane pushes to and pulls from
#
# Each tool is `go install`ed from the Go module proxy at the version pinned below into
# $TODO_CACHE_DIR/tools/<name>-<version>/ (default ~/.cache/todo-chatbot-k8s), outside the work
# tree. A cached binary is reused as is, so a warm call takes milliseconds; Go's own module and
# build caches make a rebuild after a version bump incremental. Concurrent callers (test files
# run in parallel) wait on one lock instead of building twice. The path is the last line of stdout.
# Exits 2 with one line and a remedy for an unknown tool or a missing Go; 1 when the build fails.
set -euo pipefail

die() { printf 'go-tool: ERROR: %s\n' "$1" >&2; exit "${2:-1}"; }

# name -> module package@version. Bump a version here; the cache key follows it.
case "${1:-}" in
  actionlint) pkg=github.com/rhysd/actionlint/cmd/actionlint version=v1.7.12 ;;
  kustomize) pkg=sigs.k8s.io/kustomize/kustomize/v5 version=v5.8.1 ;;
  registry) pkg=github.com/distribution/distribution/v3/cmd/registry version=v3.1.2 ;;
  *) die "unknown tool '${1:-}'; choose actionlint, kustomize or registry" 2 ;;
esac
name=$1
dir=${TODO_CACHE_DIR:-$HOME/.cache/todo-chatbot-k8s}/tools/$name-$version
bin=$dir/$name

if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
command -v go >/dev/null 2>&1 ||
  die "Go is needed to build $name $version (install Go >= 1.25 from https://go.dev/dl, or your package manager's golang)" 2

mkdir -p "$dir"
# flock is util-linux (Linux); without it (macOS) parallel first builds just race to the same rename.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$dir/.lock"
  flock 9
fi
if [ ! -x "$bin" ]; then
  started=$(date +%s)
  printf 'go-tool: building %s %s with go install (once; cached in %s)\n' "$name" "$version" "$dir" >&2
  # GOBIN into a temporary folder, then one rename: a half-written binary is never found.
  tmp=$(mktemp -d "$dir/.build.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  GOBIN=$tmp CGO_ENABLED=0 GOFLAGS=-buildvcs=false nice -n 10 go install -trimpath -ldflags='-s -w' "$pkg@$version" >&2 ||
    die "go install $pkg@$version failed (go's own message is above; GOPROXY=$(go env GOPROXY))"
  mv -f "$tmp/$name" "$bin"
  printf 'go-tool: built %s in %ss\n' "$name" "$(( $(date +%s) - started ))" >&2
fi
echo "$bin"
