#!/bin/bash
# The cgroup stats loop on a real engine (engine-env.sh: podman's Docker API, the docker CLI, sshd on loopback):
# `heapwatch check` must read the container's figures from its cgroup (the connection says "cgroup v…"), and
# its memory must match `docker stats` within 1 %, for a container that holds 200 MiB and 64 MiB of page cache
# (podman counts the cache, Docker does not: heapwatch must count as the engine does) and for the small test
# app. Then the same through `HEAPWATCH_STATS=docker` (the `docker stats` path), and nothing may be left
# running on the server. Usage: cgroup-stats.sh HEAPWATCH_BINARY. Needs root.
HW=$1
. "$(dirname "$0")/engine-env.sh"
engine_setup
engine_private_events
run_container hw1
# 200 MiB of touched memory: docker stats' two decimals of MiB are then far finer than 1 %. And 64 MiB written
# to a file once: page cache charged to the container and left on the inactive list, which podman's docker stats
# counts (its API sends no memory.stat figures for the CLI to subtract) and Docker's would not: a loop that
# counted as Docker does here would be 64 MiB (19 %) short.
"${P[@]}" run -d --name hwbig --memory 860m --rootfs "$R" /usr/bin/node -e '
    global.b = Buffer.alloc(200 * 1048576, 1);
    require("fs").writeFileSync("/hwbig.cache", Buffer.alloc(64 * 1048576, 2));
    setInterval(() => {}, 1000)' >/dev/null 2>"$T/run.err" ||
    fail "podman run hwbig: $(cat "$T/run.err")"
CONTAINERS+=(hwbig)
sleep 3

# MiB as docker stats prints it ("201.4MiB / 860MiB" → 201.4).
docker_mib() {
    docker stats --no-stream --format '{{.MemUsage}}' "$1" | python3 -c '
import re, sys
m = re.match(r"\s*([0-9.]+)\s*([KMG]i?B|B)", sys.stdin.read())
f = {"B": 1 / 1048576, "KiB": 1 / 1024, "kB": 1e3 / 1048576, "MiB": 1, "MB": 1e6 / 1048576, "GiB": 1024, "GB": 1e9 / 1048576}
print(float(m.group(1)) * f[m.group(2)])'
}

# The two tools must read the same moment. The small app's memory moves by up to 0.2 MiB a second (3 % of its
# 7 MiB: node's heap and the file it appends to), the big one's by 2 MiB steps now and then (node settling after
# a thaw; the kernel writing the file's pages back and dropping some of them, which it does to a paused container
# too), and docker stats can only run after heapwatch's last sample. So the container is paused 4 s into the
# watch: heapwatch's samples from then on (the cgroup loop's every second, podman's `docker stats` stream's every
# 5 s) see the figure docker stats reads meanwhile, which is read every second from the pause to the end of the
# watch and once after it; heapwatch's figure must be within 1 % of one of those readings (the page cache the
# kernel drops while paused moves the figure by 0.6 % a step, counting as Docker does would be 19 % short). The
# watch lasts 14 s: the stream's last sample comes after the pause even when connecting takes 4 s (the ASan build
# on a busy machine).
check_one() { # CONTAINER EXPECTED_SOURCE_PREFIX [ENV…]
    local name=$1 want=$2 out watcher
    shift 2
    rm -f "$T/watched" "$T/readings"
    (
        sleep 4
        "${P[@]}" pause "$name" >/dev/null 2>"$T/pause.err" || exit 1
        until [ -e "$T/watched" ]; do
            docker_mib "$name" >>"$T/readings" || exit 2
            sleep 1
        done
        docker_mib "$name" >>"$T/readings" || exit 2
    ) &
    watcher=$!
    env "$@" "$HW" check --watch 14s --json -i "$KEY" --known-hosts "$KNOWN_HOSTS" --engine docker \
        "ssh://root@127.0.0.1:$SP/$name" >"$T/check.json" 2>>"$T/check.log"
    touch "$T/watched"
    wait "$watcher"
    case $? in
    0) ;;
    1) fail "podman pause $name: $(cat "$T/pause.err")" ;;
    *) fail "docker stats $name" ;;
    esac
    "${P[@]}" unpause "$name" >/dev/null 2>"$T/pause.err" || fail "podman unpause $name: $(cat "$T/pause.err")"
    out=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c, n = d.get("container", {}), d.get("connection", {})
mine, want = c.get("mem_usage_mib"), sys.argv[3]
readings = [float(x) for x in open(sys.argv[2]).read().split()]
source = n.get("stats_source", "")
if mine is None:
    print("no container memory from heapwatch (%s)" % source); sys.exit(1)
if not readings:
    print("no docker stats reading while paused"); sys.exit(1)
theirs = min(readings, key=lambda r: abs(mine - r))
diff = abs(mine - theirs) / theirs * 100
line = "heapwatch %.2f MiB, docker stats %.2f MiB (%.2f %%; %d readings while paused: %s), stats from %s" % (
    mine, theirs, diff, len(readings), " ".join("%.2f" % r for r in readings), source)
if not source.startswith(want):
    print(line + ": expected stats from " + want); sys.exit(1)
if diff > 1.0:
    print(line + ": more than 1 % apart"); sys.exit(1)
print(line)' "$T/check.json" "$T/readings" "$want" 2>&1) || { tail -5 "$T/check.log"; fail "$name: $out"; }
    echo "ok: $name: $out"
}

check_one hwbig "cgroup v"
check_one hw1 "cgroup v"
check_one hwbig "docker stats" HEAPWATCH_STATS=docker
sleep 0.5
left=$(engine_processes_left)
[ -z "$left" ] || fail "docker processes left on the server:$left"
for p in $(pgrep -f heapwatch-stats); do
    grep -qz "HEAPWATCH_ENGINE_TAG=$T" "/proc/$p/environ" 2>/dev/null && fail "the cgroup loop $p is left running"
done
echo "ok: nothing left on the server"
