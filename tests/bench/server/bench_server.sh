#!/bin/bash
# What watching one container costs the server: a real engine (tests/engine/engine-env.sh: Debian's podman
# serving the Docker API through `podman system service`, the docker CLI, OpenSSH's sshd on loopback) and one
# container running the test app (a Memory line a second). Runs of SECONDS each (default 60): nothing
# watching (the idle baseline), `heapwatch check --watch` (cgroup loop, the log file and podman's events file
# read on the server), the same with HEAPWATCH_EVENTS=docker (the events from `docker events`, which podman's
# service answers by polling its events file), with HEAPWATCH_LOGS=docker (the log followed by `docker logs -f`),
# with HEAPWATCH_STATS=docker (the `docker stats` path heapwatch used before), and a plain `docker stats` over
# ssh. For each: the CPU of
# the engine service plus every process started through sshd (sshd's own included), idle subtracted, in % of
# one core, and the bytes sshd wrote to the client per minute (/proc/PID/io). Each heapwatch run gets 10 s to
# connect and read the log history before the window opens.
# Usage: bench_server.sh HEAPWATCH_BINARY [SECONDS]. Needs root.
HW=$1
SECS=${2:-60}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../../engine/engine-env.sh"
engine_setup
engine_private_events
run_container hw1
sleep 5
HZ=$(getconf CLK_TCK)
LISTENER=$(cat "$T/sshd.pid")

usage() { python3 "$HERE/proc-usage.py" "$SVC" "$LISTENER"; }
# Prints "TICKS BYTES" used over SECS seconds.
window() {
    local a b
    a=$(usage)
    sleep "$SECS"
    b=$(usage)
    echo "$((${b% *} - ${a% *})) $((${b#* } - ${a#* }))"
}

IDLE=$(window)
IDLE_TICKS=${IDLE% *}
report() { # LABEL "TICKS BYTES"
    python3 -c '
import sys
label, ticks, sent, idle, hz, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
cpu = (ticks - idle) / hz / secs * 100
print("%-48s %6.2f %% of one core  %8.1f KB/min  (%d ticks, idle %d)" % (label, cpu, sent / 1000 / secs * 60, ticks, idle))
' "$1" "${2% *}" "${2#* }" "$IDLE_TICKS" "$HZ" "$SECS"
}

heapwatch_run() { # LABEL [ENV…]
    local label=$1 pid w
    shift
    env "$@" "$HW" check --watch "$((SECS + 15))s" --json -i "$KEY" --known-hosts "$KNOWN_HOSTS" --engine docker \
        "ssh://root@127.0.0.1:$SP/hw1" >"$T/check.json" 2>"$T/check.log" &
    pid=$!
    sleep 10
    w=$(window)
    wait "$pid"
    report "$label" "$w"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); n,i=d.get("connection",{}),d.get("input",{}); print("   stats from: %s; log from: %s; events from: %s; %s stats lines and %s log lines in the whole run" % (n.get("stats_source"), n.get("logs_source"), n.get("events_source"), i.get("stats_lines"), i.get("log_lines")))' "$T/check.json"
}

echo "server cost of one watched container over ${SECS} s (podman $(podman --version | awk '{print $3}'), $(nproc) cores)"
report "idle (nothing watching)" "$IDLE"
heapwatch_run "heapwatch (cgroup loop, log and events files)"
heapwatch_run "heapwatch (HEAPWATCH_EVENTS=docker)" HEAPWATCH_EVENTS=docker
heapwatch_run "heapwatch (HEAPWATCH_LOGS=docker)" HEAPWATCH_LOGS=docker
heapwatch_run "heapwatch (HEAPWATCH_STATS=docker)" HEAPWATCH_STATS=docker
ssh -i "$KEY" -o UserKnownHostsFile="$KNOWN_HOSTS" -o BatchMode=yes -p "$SP" root@127.0.0.1 \
    docker stats --format "'{{.ID}}\t{{.CPUPerc}}\t{{.MemUsage}}'" hw1 >/dev/null 2>"$T/ssh.err" </dev/null &
SSH=$!
sleep 3
w=$(window)
kill "$SSH"
report "plain docker stats over ssh" "$w"
