#!/usr/bin/env bash
# Runs fuzz targets one after the other, each for SECONDS (default 30), from the seeds of
# seed.sh, with the dictionaries; keeps going after a crash (fork mode) so that one run finds
# every crash, and leaves each target's log in fuzz/logs/<target>.log and crashing inputs in
# fuzz/artifacts/<target>/. Exit status 1 when any target left a crash, timeout or OOM.
# Usage: fuzz/run.sh [SECONDS] [TARGET…]   (after `cargo fuzz build --sanitizer none -O`)
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(stack render inventory constraint values interpolate check)
bin=target/x86_64-unknown-linux-gnu/release
[ -d corpus/stack ] || ./seed.sh >/dev/null
mkdir -p logs
found=0
for t in "${targets[@]}"; do
    dict=dict/compose.dict
    [ "$t" = inventory ] && dict=dict/inventory.dict
    # A slow input is a hang: no input of these targets should take seconds.
    per_input=10
    [ "$t" = check ] && per_input=30
    mkdir -p "corpus/$t" "artifacts/$t"
    "$bin/$t" "corpus/$t" -dict="$dict" -max_total_time="$seconds" -timeout="$per_input" \
        -rss_limit_mb=2048 -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -artifact_prefix="artifacts/$t/" >"logs/$t.log" 2>&1 || true
    last=$(grep -E '^#[0-9]+: cov' "logs/$t.log" | tail -1 || true)
    echo "$t: ${last:-no progress line (see fuzz/logs/$t.log)}"
    if ls "artifacts/$t"/* >/dev/null 2>&1; then
        echo "$t: crashing inputs in fuzz/artifacts/$t/:"
        ls "artifacts/$t"
        found=1
    fi
done
exit $found
