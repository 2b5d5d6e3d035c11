#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds from the shared corpus of real stack files
# (../shared/corpus beside the repository, or $SWARMPROOF_CORPUS), models/ and tests/fixtures.
# The seeds are copies made on demand, never committed. Idempotent: libFuzzer names the inputs
# it adds by their hash, the seeds here by their origin.
set -euo pipefail
cd "$(dirname "$0")"
root=..
shared=${SWARMPROOF_CORPUS:-$root/../shared/corpus}
out=corpus
mkdir -p "$out"/{stack,render,inventory,constraint,values,interpolate,check}

stacks=()
for f in "$shared"/*.yml "$root"/models/*/*.yml "$root"/tests/fixtures/*.yml; do
    [ -f "$f" ] || continue
    case "$(basename "$f")" in nodes.yml) continue ;; esac
    stacks+=("$f")
done
# Seed name: the path with / turned into _, so that every origin stays distinct.
name() {
    case "$1" in
    "$shared"/*) echo "corpus_$(basename "$1")" ;;
    *) echo "${1#"$root"/}" | tr '/' '_' ;;
    esac
}

for f in "${stacks[@]}"; do
    cp "$f" "$out/stack/$(name "$f")"
    cp "$f" "$out/render/$(name "$f")"
done
# Two files merged as `-f a -f b` (split at NUL): each model's stack after the previous one.
prev=""
for f in "$root"/models/*/stack.yml; do
    if [ -n "$prev" ]; then
        { cat "$prev"; printf '\0'; cat "$f"; } > "$out/stack/merge_$(name "$f")"
    fi
    prev=$f
    # The render target reads a stack, NUL, an inventory.
    nodes="$(dirname "$f")/nodes.yml"
    [ -f "$nodes" ] && { cat "$f"; printf '\0'; cat "$nodes"; } > "$out/render/with-nodes_$(name "$f")"
done

for f in "$root"/models/*/nodes.yml "$root"/tests/fixtures/*.json; do
    [ -f "$f" ] && cp "$f" "$out/inventory/$(name "$f")"
done

i=0
seed() { printf "$2" > "$out/$1/seed-$i"; i=$((i + 1)); }
for c in 'node.role == manager' 'node.role!=worker' 'node.labels.zone == a' \
    'engine.labels.disk != hdd' 'node.hostname==m1' 'node.id == abc' 'node.platform.os == linux' \
    'node.platform.arch==x86_64' 'node.ip == 10.0.0.0/8' 'node.labels.x.y==z' 'NODE.ROLE == Manager'; do
    seed constraint "$c\0node.labels.zone"
done
seed constraint 'node.labels.zone==a\0node.labels.rack'
# values: the first byte picks the parser (0 duration, 1 size, 2 CPUs, 3 Go float, 4 shell words, 5 ports).
for v in '\0001h30m' '\000-1.5us' '\0000' '\001512M' '\0011.5gb' '\001 1k' '\0020.5' '\0021e-9' \
    '\002.000000001' '\0031e3' '\0030x1p-2' '\0031_000.5' '\003-Inf' '\004sh -c "a b" '"'"'c'"'"'' \
    '\0058080:80/udp' '\005127.0.0.1:8080-8081:80-81' '\005[::1]:80:80/sctp' '\00580'; do
    seed values "$v"
done
for t in 'A=1\nB\n# comment\nexport C=3\0${A:-x}$$ ${B?err}' '\0${A:?missing} ${TAG}' \
    'X=${A}\0${X-y}/${EMPTY:-d}' '\0$$${A}$A_b${'; do
    seed interpolate "$t"
done
echo "seeds: $(find "$out" -type f | wc -l) files in $out/"
