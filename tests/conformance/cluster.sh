#!/usr/bin/env bash
# A multi-node Docker Swarm on one machine, for the engine conformance suite.
#
# Each node is a network namespace with its own address on a private bridge (itself in a
# namespace of its own, so nothing touches the host's network) and its own dockerd: data root,
# exec root, socket, pid file, containerd and cgroup parent. Nothing is pulled: the image the
# services run is imported from Debian's static busybox.
#
#   cluster.sh up      start 3 managers (m1..m3) and 2 workers (w1, w2), joined and labelled
#   cluster.sh down    stop every daemon, remove namespaces, mounts and files (idempotent)
#   cluster.sh stop N | start N | cut N | heal N | status
#   cluster.sh docker N ARGS...   run the docker CLI against node N
#   cluster.sh host N             print node N's DOCKER_HOST
set -euo pipefail

DIR=${SP_ENGINE_DIR:-/tmp/swarmproof-engine}
PREFIX=${SP_ENGINE_PREFIX:-spe}
SUBNET=10.213.7
IMAGE=swarmproof/busybox:1
MANAGERS=(m1 m2 m3)
WORKERS=(w1 w2)
NODES=("${MANAGERS[@]}" "${WORKERS[@]}")

# Node facts: address suffix, labels, generic resources (capacity differences for the scheduler cases).
declare -A ADDR=([m1]=11 [m2]=12 [m3]=13 [w1]=21 [w2]=22)
declare -A ZONE=([m1]=a [m2]=b [m3]=c [w1]=a [w2]=b)
declare -A GENERIC=([m1]="" [m2]="" [m3]="" [w1]="gpu=2" [w2]="gpu=1")
declare -A SSD=([m1]=false [m2]=false [m3]=false [w1]=true [w2]=false)

ns() { echo "$PREFIX-$1"; }
sock() { echo "unix://$DIR/$1/docker.sock"; }
ip_of() { echo "$SUBNET.${ADDR[$1]}"; }
d() { local n=$1; shift; docker -H "$(sock "$n")" "$@"; }
log() { echo "cluster: $*" >&2; }

wait_for() { # seconds, command...
    local t=$1; shift
    for _ in $(seq 1 $((t * 5))); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.2
    done
    return 1
}

start_daemon() {
    local n=$1 root="$DIR/$1"
    mkdir -p "$root/data" "$root/exec"
    [ -f "$root/daemon.json" ] || echo '{}' >"$root/daemon.json"
    local args=(--config-file "$root/daemon.json" --data-root "$root/data" --exec-root "$root/exec"
        --pidfile "$root/docker.pid" -H "$(sock "$n")" --storage-driver vfs
        --iptables=false --ip-masq=false --bridge=none --cgroup-parent "$PREFIX-$n"
        --label "zone=${ZONE[$n]}")
    local g
    for g in ${GENERIC[$n]}; do args+=(--node-generic-resource "$g"); done
    # Never pull: tasks run the locally imported image.
    # nsenter enters the network namespace only: `ip netns exec` would also remount /sys and hide
    # the cgroup hierarchies dockerd needs.
    # A UTS namespace of its own gives the node its name (Swarm names nodes by the host name).
    nsenter --net="/run/netns/$(ns "$n")" unshare --uts sh -c 'hostname "$0"; exec "$@"' "$n" \
        env DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 dockerd "${args[@]}" >"$root/dockerd.log" 2>&1 &
    echo $! >"$root/launcher.pid"
    local pid=$!
    for _ in $(seq 1 300); do
        d "$n" version >/dev/null 2>&1 && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    log "dockerd on $n did not start; the end of $root/dockerd.log:"
    tail -5 "$root/dockerd.log" >&2
    return 1
}

stop_daemon() {
    local n=$1 root="$DIR/$1" pid
    for f in "$root/docker.pid" "$root/launcher.pid"; do
        [ -f "$f" ] || continue
        pid=$(cat "$f")
        kill "$pid" 2>/dev/null || true
    done
    for f in "$root/docker.pid" "$root/launcher.pid"; do
        [ -f "$f" ] || continue
        pid=$(cat "$f")
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$f"
    done
    # containerd and shims started by that dockerd
    pkill -9 -f -- "$root/exec" 2>/dev/null || true
}

net_up() {
    ip netns add "$(ns hub)"
    ip -n "$(ns hub)" link add br0 type bridge
    ip -n "$(ns hub)" link set br0 up
    ip -n "$(ns hub)" link set lo up
    local n
    for n in "${NODES[@]}"; do
        ip netns add "$(ns "$n")"
        ip link add "$PREFIX-$n" type veth peer name eth0 netns "$(ns "$n")"
        ip link set "$PREFIX-$n" netns "$(ns hub)"
        ip -n "$(ns hub)" link set "$PREFIX-$n" master br0 up
        ip -n "$(ns "$n")" addr add "$(ip_of "$n")/24" dev eth0
        ip -n "$(ns "$n")" link set eth0 up
        ip -n "$(ns "$n")" link set lo up
    done
}

image() {
    local root="$DIR/rootfs" n
    if [ ! -x "$root/bin/busybox" ]; then
        local bb
        bb=$(command -v busybox || true)
        [ -n "$bb" ] && ! ldd "$bb" >/dev/null 2>&1 || { log "a static busybox is needed: apt-get install busybox-static"; return 1; }
        mkdir -p "$root/bin" "$root/tmp" "$root/etc"
        cp "$bb" "$root/bin/busybox"
        for a in sh sleep true false echo cat nc wget ls touch test; do ln -sf busybox "$root/bin/$a"; done
    fi
    for n in "${NODES[@]}"; do
        tar -C "$root" -c . | d "$n" import -c 'CMD ["sleep","3600"]' - "$IMAGE" >/dev/null
    done
}

join() {
    d m1 swarm init --advertise-addr "$(ip_of m1)" --listen-addr "$(ip_of m1):2377" >/dev/null
    local mt wt n
    mt=$(d m1 swarm join-token -q manager)
    wt=$(d m1 swarm join-token -q worker)
    for n in m2 m3; do d "$n" swarm join --advertise-addr "$(ip_of "$n")" --listen-addr "$(ip_of "$n"):2377" --token "$mt" "$(ip_of m1):2377" >/dev/null; done
    for n in "${WORKERS[@]}"; do d "$n" swarm join --advertise-addr "$(ip_of "$n")" --token "$wt" "$(ip_of m1):2377" >/dev/null; done
    for n in "${NODES[@]}"; do
        wait_for 60 ready "$n" || { log "node $n never became ready"; return 1; }
        d m1 node update --label-add "zone=${ZONE[$n]}" --label-add "ssd=${SSD[$n]}" "$n" >/dev/null
    done
}

ready() { [ "$(d m1 node inspect -f '{{.Status.State}}' "$1" 2>/dev/null)" = ready ]; }

up() {
    [ "$(id -u)" -eq 0 ] || { log "must run as root (network namespaces, dockerd)"; exit 2; }
    down quiet
    mkdir -p "$DIR"
    net_up
    local n
    for n in "${NODES[@]}"; do start_daemon "$n"; done
    image
    join
    log "up: ${NODES[*]} ($(date +%T))"
}

down() {
    local n
    for n in "${NODES[@]}"; do stop_daemon "$n" & done
    wait
    # mounts left under the state folder (vfs layers, netns bind mounts, shm)
    if [ -d "$DIR" ]; then
        { grep -o " $DIR[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    fi
    for n in "${NODES[@]}" hub; do ip netns del "$(ns "$n")" 2>/dev/null || true; done
    for n in "${NODES[@]}"; do ip link del "$PREFIX-$n" 2>/dev/null || true; done
    rm -rf "$DIR"
    [ "${1:-}" = quiet ] || log "down"
}

status() {
    local left=0
    ip netns list | grep -q "^$PREFIX-" && { log "namespaces left: $(ip netns list | grep "^$PREFIX-" | tr '\n' ' ')"; left=1; }
    pgrep -f -- "$DIR/" >/dev/null && { log "processes left: $(pgrep -f -- "$DIR/" | tr '\n' ' ')"; left=1; }
    grep -q " $DIR" /proc/mounts && { log "mounts left"; left=1; }
    [ -e "$DIR" ] && { log "folder left: $DIR"; left=1; }
    [ $left -eq 0 ] && log "nothing left running"
    return $left
}

case "${1:-}" in
up) up ;;
down) down ;;
status) status ;;
stop) stop_daemon "$2" ;;
start) start_daemon "$2" ;;
cut) ip -n "$(ns hub)" link set "$PREFIX-$2" down ;;
heal) ip -n "$(ns hub)" link set "$PREFIX-$2" up ;;
docker) n=$2; shift 2; d "$n" "$@" ;;
host) sock "$2" ;;
*) echo "usage: $0 up|down|status|stop N|start N|cut N|heal N|docker N ARGS...|host N" >&2; exit 2 ;;
esac
