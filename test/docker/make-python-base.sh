#!/usr/bin/env bash
# Makes the Docker lane's local Python base image: Debian bookworm (python3 3.11, venv, a `python`
# command) from Debian's own packages, because no registry is reachable here to pull
# python:3.11-slim. The lane passes it to the templates as --build-arg PYTHON_IMAGE=<ref>.
#
#   bash test/docker/make-python-base.sh            # prints the image reference on its last line
#
# Idempotent and cached: the root file system is built once with debootstrap and kept as a tarball
# under $TODO_CACHE_DIR (default ~/.cache/todo-chatbot-k8s), so later runs (and CI on the same
# machine) only `docker import` it. debootstrap uses the Debian mirror apt already uses.
# Installs debootstrap with apt-get when it is missing. Exits non-zero with one clear line.
set -euo pipefail

REF=${PYTHON_BASE_REF:-todo-local-python:3.11-bookworm}
CACHE_DIR=${TODO_CACHE_DIR:-$HOME/.cache/todo-chatbot-k8s}
TARBALL=$CACHE_DIR/bookworm-python3.11-rootfs.tar
# python3-venv brings ensurepip (pip inside every venv); python-is-python3 gives `python`, which
# the templates call; ca-certificates for TLS. Nothing else: the templates add the rest.
PACKAGES=python3,python3-venv,python-is-python3,ca-certificates

say() { printf 'make-python-base: %s\n' "$*" >&2; }
die() { printf 'make-python-base: ERROR: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

if docker image inspect "$REF" >/dev/null 2>&1; then echo "$REF"; exit 0; fi

# The mirror apt uses (deb822 sources or the one-line format), so no other host is needed.
mirror() {
  local m
  m=$(grep -hsE '^URIs:.*/debian/?$' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | head -n1 || true)
  [ -n "$m" ] || m=$(grep -hsE '^deb .*/debian/? bookworm' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}' | head -n1 || true)
  echo "${m:-http://deb.debian.org/debian}"
}

if [ ! -s "$TARBALL" ]; then
  if ! have debootstrap; then
    have apt-get || die "debootstrap is missing and apt-get is not available"
    say "installing debootstrap with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null || die "apt-get install debootstrap failed"
  fi
  mkdir -p "$CACHE_DIR"
  work=$(mktemp -d "${TMPDIR:-/tmp}/todo-python-rootfs.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  say "debootstrap bookworm ($PACKAGES) from $(mirror) — once; cached at $TARBALL"
  nice -n 10 debootstrap --variant=minbase --include="$PACKAGES" bookworm "$work/rootfs" "$(mirror)" \
    >"$work/debootstrap.log" 2>&1 || { tail -n 20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
  # The host's CA bundle: it is what lets pip reach PyPI through a TLS-inspecting proxy the host
  # trusts (pip reads PIP_CERT, set at import below). Apt lists and caches are not needed.
  cp /etc/ssl/certs/ca-certificates.crt "$work/rootfs/etc/ssl/certs/ca-certificates.crt"
  rm -rf "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/var/cache/apt/"*.bin "$work/rootfs/var/cache/apt/archives/"*.deb
  tar --numeric-owner -C "$work/rootfs" -cf "$TARBALL.part" . && mv "$TARBALL.part" "$TARBALL"
fi

say "docker import $TARBALL as $REF"
docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' \
  --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["python3"]' \
  --message 'local Debian bookworm + python3.11 base for the todo-chatbot docker test lane' \
  "$TARBALL" "$REF" >/dev/null
echo "$REF"
