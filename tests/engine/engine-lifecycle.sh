#!/bin/bash
# An ordinary day on a real engine, watched by `heapwatch serve` over OpenSSH on loopback (engine-env.sh):
# four containers on one host. Steps: stop/start, restart, rm -f then run later (new id), engine restart.
# After each step every target must carry fresh container stats and fresh app samples; after serve stops no
# docker process started by it is left. Usage: engine-lifecycle.sh HEAPWATCH_BINARY. Needs root.
HW=$1
. "$(dirname "$0")/engine-env.sh"
engine_setup
for c in hw1 hw2 hw3 hw4; do run_container "$c"; done

HP=$(free_port)
QT_QPA_PLATFORM=offscreen "$HW" serve --listen "127.0.0.1:$HP" -i "$KEY" --known-hosts "$KNOWN_HOSTS" \
    --engine docker "ssh://root@127.0.0.1:$SP/hw1" "ssh://root@127.0.0.1:$SP/hw2" "ssh://root@127.0.0.1:$SP/hw3" \
    "ssh://root@127.0.0.1:$SP/hw4" 2>"$T/serve.log" &
SERVE=$!
PIDS+=("$SERVE")

# Every target: connected, container running, container memory known, a stats sample and a Memory line
# that arrived after SINCE (Unix seconds). Prints what is missing.
check_fresh() { # SINCE
    curl -s "http://127.0.0.1:$HP/api/v1/targets" | SINCE=$1 python3 -c '
import json, os, sys, datetime
since = float(os.environ["SINCE"])
def at(t):
    return datetime.datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp() if t else 0
bad = []
try:
    targets = json.load(sys.stdin)
except Exception as e:
    print("no answer from serve:", e); sys.exit(1)
for t in targets:
    c = t.get("connection", {})
    s = c.get("streams", {})
    name = t.get("target")
    if c.get("state") != "connected" or c.get("container") != "running":
        bad.append("%s: %s %s %s" % (name, c.get("state"), c.get("container"), c.get("message", "")))
    elif t.get("container", {}).get("mem_usage_mib") is None:
        bad.append("%s: no container memory" % name)
    elif at(s.get("stats", {}).get("last_data_at")) < since or at(s.get("logs", {}).get("last_data_at")) < since:
        bad.append("%s: stale %s" % (name, s))
print("\n".join(bad))
sys.exit(1 if bad or len(targets) != 4 else 0)'
}
wait_fresh() { # STEP SINCE
    local out
    for _ in $(seq 90); do
        out=$(check_fresh "$2") && { echo "ok: $1"; return; }
        sleep 1
    done
    echo "--- serve.log"; tail -20 "$T/serve.log"
    fail "after $1 not every target carries fresh stats and app samples:
$out"
}

# SINCE is taken once the step is done: only data that arrived afterwards counts as resumed.
now() { date +%s.%N; }
wait_fresh "start" "$(now)"
"${P[@]}" stop -t 1 hw2 >/dev/null 2>&1 || fail "stop hw2"
sleep 5 # stopped for a while: the stats stream shows "--" meanwhile
"${P[@]}" start hw2 >/dev/null || fail "start hw2"
wait_fresh "stop and start of hw2" "$(now)"
"${P[@]}" restart -t 1 hw4 >/dev/null 2>&1 || fail "restart hw4"
wait_fresh "restart of hw4" "$(now)"
"${P[@]}" rm -f -t 0 hw3 >/dev/null || fail "rm hw3"
sleep 8 # absent for a while: heapwatch waits for it
run_container hw3
wait_fresh "rm -f then run of hw3 (new id)" "$(now)"
stop_engine
sleep 2
start_engine
for c in hw1 hw2 hw3 hw4; do "${P[@]}" start "$c" >/dev/null 2>&1; done
wait_fresh "engine restart" "$(now)"

refused=$(grep -c "no more sessions" "$T/sshd.log")
[ "$refused" -le 10 ] || fail "sshd refused $refused channels"

kill -TERM "$SERVE"
wait "$SERVE"
sleep 3
left=$(engine_processes_left)
[ -z "$left" ] || fail "docker processes left on the server after serve stopped:$left"
echo "PASS"
