#!/usr/bin/env bash
# Stages the build context of the Dockerfile: the swarmproof binary, every shared library it
# loads (ldd: libz3, libstdc++, libc, ...) and the dynamic loader, under CONTEXT/rootfs, so
# that the image is built FROM scratch and nothing is pulled from a registry.
# Usage: scripts/docker-context.sh BINARY CONTEXT_DIR
set -euo pipefail
bin="$1"
ctx="$2"
cd "$(dirname "$0")/.."
[ -x "$bin" ] || { echo "docker-context: $bin is not an executable" >&2; exit 2; }
rm -rf "$ctx"
mkdir -p "$ctx/rootfs/usr/local/bin" "$ctx/rootfs/tmp" "$ctx/rootfs/src"
cp "$bin" "$ctx/rootfs/usr/local/bin/swarmproof"
command -v strip >/dev/null && strip "$ctx/rootfs/usr/local/bin/swarmproof"
# `ldd` lists `name => /path (addr)` for libraries and `/path (addr)` for the loader.
ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u |
    while read -r lib; do
        mkdir -p "$ctx/rootfs$(dirname "$lib")"
        cp -L "$lib" "$ctx/rootfs$lib"
    done
cp Dockerfile "$ctx/Dockerfile"
