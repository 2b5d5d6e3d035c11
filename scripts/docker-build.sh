#!/usr/bin/env bash
# Builds the swarmproof image from local sources only: the release binary, then an image
# FROM scratch holding it and the libraries it needs (scripts/docker-context.sh).
# Usage: scripts/docker-build.sh [TAG]   (default: swarmproof:latest)
set -euo pipefail
cd "$(dirname "$0")/.."
tag="${1:-swarmproof:latest}"
cargo build --release --bin swarmproof
ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
scripts/docker-context.sh target/release/swarmproof "$ctx"
docker build --pull=false -t "$tag" "$ctx"
