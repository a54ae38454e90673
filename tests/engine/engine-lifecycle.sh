#!/bin/bash
# An ordinary day on a real engine, watched by `heapwatch serve` over OpenSSH on loopback (engine-env.sh,
# sshd's default MaxSessions): five containers on one host. Steps: stop/start, restart, rm -f then run later
# (new id), pause (the target must say so) and unpause, sshd killed with its sessions and started again 5 s
# later, engine restart.
#
# After each step every target must carry fresh container stats and fresh app samples, and heapwatch's count
# of app samples must equal the Memory lines the app printed (APP_OUT/NAME) up to the latest sample heapwatch
# has: none missing, none twice. At the end the apps are stopped and the counts must be equal outright. sshd
# may have refused about one channel a second at most, and after serve stops no docker process started by it
# is left. Then three `check --watch 20s` runs in a row with each docker CLI there is must all carry container
# stats. Usage: engine-lifecycle.sh HEAPWATCH_BINARY. Needs root.
HW=$1
. "$(dirname "$0")/engine-env.sh"
engine_setup
engine_private_events # another engine test's containers of the same names must not show up in ours
NAMES=(hw1 hw2 hw3 hw4 hw5)
for c in "${NAMES[@]}"; do run_container "$c"; done
T0=$(date +%s)

HP=$(free_port)
urls=()
for c in "${NAMES[@]}"; do urls+=("ssh://root@127.0.0.1:$SP/$c"); done
# HW_DEBUG=1: serve.log also gets the SSH layer's debug lines (channels started, finished, refused).
QT_LOGGING_RULES=${HW_DEBUG:+heapwatch.ssh.debug=true} QT_MESSAGE_PATTERN=${HW_DEBUG:+"%{time hh:mm:ss.zzz} %{message}"} \
    QT_QPA_PLATFORM=offscreen "$HW" serve --listen "127.0.0.1:$HP" -i "$KEY" --known-hosts "$KNOWN_HOSTS" \
    --engine docker "${urls[@]}" 2>"$T/serve.log" &
SERVE=$!
PIDS+=("$SERVE")

# Judges /api/v1/targets. MODE "fresh": every target connected with its container running (PAUSED: that one
# paused instead), container memory known, a stats sample and a Memory line that arrived after SINCE (Unix
# seconds), at least RECONNECTS reconnects (environment, default 0), and as many app samples as the app
# printed lines up to heapwatch's latest sample. MODE "final": the apps are stopped; as many samples as
# lines, all of them, and no gap but for the recreated hw3. Prints what is wrong.
judge() { # MODE SINCE [PAUSED]
    curl -s "http://127.0.0.1:$HP/api/v1/targets" |
        MODE=$1 SINCE=$2 PAUSED=${3:-} APP_OUT=$APP_OUT COUNT=${#NAMES[@]} RECONNECTS=${RECONNECTS:-0} python3 -c '
import json, os, sys, datetime
mode, since, paused = os.environ["MODE"], float(os.environ["SINCE"]), os.environ["PAUSED"]
def at(t):
    return datetime.datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp() if t else 0
def printed(name):
    # The app writes each Memory line it prints: "<ISO time> [info]: Memory: …".
    try:
        with open(os.path.join(os.environ["APP_OUT"], name)) as f:
            return [at(l.split(" ", 1)[0]) for l in f if l.strip()]
    except FileNotFoundError:
        return []
bad, counts = [], []
try:
    targets = json.load(sys.stdin)
except Exception as e:
    print("no answer from serve:", e); sys.exit(1)
for t in targets:
    c = t.get("connection", {})
    s = c.get("streams", {})
    name = t.get("target", "").rsplit("/", 1)[-1]
    p = t.get("process", {})
    samples, last = p.get("samples"), at(p.get("last_sample_at"))
    lines = printed(name)
    if mode == "final":
        gaps = t.get("input", {}).get("gaps", {}).get("count")
        counts.append("%s %s/%d%s" % (name, samples, len(lines), " (%s gaps)" % gaps if gaps else ""))
        # Every outage but the recreate was read back whole: a gap there would be a false alarm.
        if gaps and name != "hw3":
            bad.append("%s: %s gaps reported, none was left unread" % (name, gaps))
        if samples != len(lines):
            bad.append("%s: %s app samples, the app printed %d lines" % (name, samples, len(lines)))
        continue
    # Lines up to the latest sample. heapwatch keeps the engine time of a line, which podman gives in
    # whole seconds: the line printed within that second is the latest one.
    upto = sum(1 for x in lines if x < last + 1)
    want = "paused" if name == paused else "running"
    problems = []
    # podman writes its events to a file here: read on the server, without an events client polling it.
    if c.get("events_source") != "events file":
        problems.append("events from %s" % c.get("events_source"))
    if (c.get("reconnects") or 0) < int(os.environ["RECONNECTS"]):
        problems.append("%s reconnects" % c.get("reconnects"))
    if c.get("state") != "connected" or c.get("container") != want:
        problems.append("%s %s, %s" % (c.get("state"), c.get("container"), c.get("message", "")))
    if samples != upto:
        problems.append("%s app samples up to %s, the app printed %d lines by then" % (samples,
                        p.get("last_sample_at"), upto))
    if name != paused:
        if t.get("container", {}).get("mem_usage_mib") is None:
            problems.append("no container memory")
        if at(s.get("stats", {}).get("last_data_at")) < since or at(s.get("logs", {}).get("last_data_at")) < since:
            problems.append("stale %s" % s)
    if problems:
        bad.append("%s: %s" % (name, "; ".join(problems)))
if len(targets) != int(os.environ["COUNT"]):
    bad.append("%d targets" % len(targets))
print("\n".join(bad) if bad else ", ".join(counts))
sys.exit(1 if bad else 0)'
}
# HW_KEEP=DIR: the logs and the apps' lines are copied there at the end or on a failure, for a look.
keep() { [ -z "${HW_KEEP:-}" ] || { mkdir -p "$HW_KEEP" && cp -r "$T"/*.log "$APP_OUT" "$HW_KEEP"; }; }
wait_for() { # STEP MODE SINCE [PAUSED]
    local out step=$1 started=$SECONDS
    shift
    for _ in $(seq 90); do
        out=$(judge "$@") && {
            echo "ok: $step ($((SECONDS - started)) s, at $(($(date +%s) - T0)) s)${out:+: }$out"
            return
        }
        sleep 1
    done
    echo "--- serve.log"; tail -30 "$T/serve.log"
    keep
    fail "after $step:
$out"
}
wait_fresh() { wait_for "$1" fresh "$2"; } # STEP SINCE

# SINCE is taken once the step is done: only data that arrived afterwards counts as resumed.
now() { date +%s.%N; }
wait_fresh "start" "$(now)"
"${P[@]}" stop -t 1 hw2 >/dev/null 2>&1 || fail "stop hw2"
sleep 5 # stopped for a while: the stats stream shows "--" meanwhile
"${P[@]}" start hw2 >/dev/null || fail "start hw2"
wait_fresh "stop and start of hw2" "$(now)"
"${P[@]}" restart -t 1 hw4 >/dev/null 2>&1 || fail "restart hw4"
wait_fresh "restart of hw4" "$(now)"
"${P[@]}" rm -f -t 1 hw3 >/dev/null || fail "rm hw3" # SIGTERM first: see the app in engine-env.sh
sleep 8 # absent for a while: heapwatch waits for it
run_container hw3
wait_fresh "rm -f then run of hw3 (new id)" "$(now)"
"${P[@]}" pause hw5 >/dev/null || fail "pause hw5"
wait_for "pause of hw5" fresh "$(now)" hw5
sleep 3
"${P[@]}" unpause hw5 >/dev/null || fail "unpause hw5"
wait_fresh "unpause of hw5" "$(now)"
stop_sshd_and_sessions
sleep 5 # no sshd: serve retries with backoff meanwhile
start_sshd
RECONNECTS=1 wait_fresh "sshd restart (every target reconnected)" "$(now)"
stop_engine
sleep 2
start_engine
for c in "${NAMES[@]}"; do "${P[@]}" start "$c" >/dev/null 2>&1; done
wait_fresh "engine restart" "$(now)"

# The apps stop; what they printed last reaches heapwatch within a few seconds.
"${P[@]}" stop -t 1 "${NAMES[@]}" >/dev/null 2>&1 || fail "stop all"
sleep 4
wait_for "samples equal the lines printed" final 0

elapsed=$(($(date +%s) - T0))
refused=$(grep -c "no more sessions" "$T/sshd.log")
[ "$refused" -le "$elapsed" ] || fail "sshd refused $refused channels in $elapsed s"

kill -TERM "$SERVE"
wait "$SERVE"
# serve waits (up to 3 s) for the commands it started to end before it exits: nothing is left by then (a
# quarter of a second allowed for sshd to reap them).
for i in 1 2; do
    left=$(engine_processes_left)
    [ -z "$left" ] && break
    sleep 0.25
done
[ -z "$left" ] || fail "docker processes left on the server after serve stopped:$left"
echo "ok: nothing left on the server $((i * 250 - 250)) ms after serve stopped"
watched=$elapsed

# Short checks in a row against one undisturbed container over the same sshd, with Debian's docker CLI and,
# where installed, the one in /usr/local/bin (28.x: its stats lines once parsed without reaching the model):
# every run must carry container stats and app samples, and leave nothing running on the server.
"${P[@]}" start hw1 >/dev/null || fail "start hw1"
check_runs() { # CLI_BINARY
    local i rc out started version
    server_docker_cli "$1"
    version=$("$1" version --format '{{.Client.Version}}' 2>/dev/null)
    for i in 1 2 3; do
        started=$SECONDS
        "$HW" check --watch 20s --json -i "$KEY" --known-hosts "$KNOWN_HOSTS" --engine docker \
            "ssh://root@127.0.0.1:$SP/hw1" >"$T/check.json" 2>>"$T/check.log"
        rc=$?
        out=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c, p, i, n = d.get("container", {}), d.get("process", {}), d.get("input", {}), d.get("connection", {})
bad = []
if c.get("mem_usage_mib") is None or c.get("cpu_percent") is None:
    bad.append("no container stats (%s stats lines, %s malformed)" % (i.get("stats_lines"), i.get("stats_malformed")))
if not p.get("samples"):
    bad.append("no app samples")
if n.get("state") != "connected" or n.get("container") != "running":
    bad.append("%s %s" % (n.get("state"), n.get("container")))
print("; ".join(bad) if bad else "%s MiB, %s stats lines, %s app samples" % (c.get("mem_usage_mib"),
      i.get("stats_lines"), p.get("samples")))
sys.exit(1 if bad else 0)' "$T/check.json" 2>&1) ||
            { tail -5 "$T/check.log"; keep; fail "check $i with docker CLI $version (exit $rc): $out"; }
        [ "$rc" -le 2 ] || fail "check $i with docker CLI $version: exit $rc (unknown)"
        echo "ok: check $i with docker CLI $version ($((SECONDS - started)) s): $out"
    done
    sleep 0.25 # check, like serve, waits for its commands to end before it exits
    left=$(engine_processes_left)
    [ -z "$left" ] || fail "docker processes left on the server after check with docker CLI $version:$left"
}
check_runs /usr/bin/docker
[ ! -x /usr/local/bin/docker ] || check_runs /usr/local/bin/docker

keep
echo "PASS ($watched s of serve, $refused channels refused; $(($(date +%s) - T0)) s in all)"
