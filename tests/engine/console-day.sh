#!/bin/bash
# An ordinary day on a real engine, watched through the console (tst_console_day, offscreen): three containers
# of one host over OpenSSH on loopback (engine-env.sh, sshd's default MaxSessions). The test drives podman
# itself (stop/start, pause, rm -f then run, a restart of the engine's service, a restart of sshd with its
# sessions) and checks the sidebar and the header; this script sets everything up, passes it on, and
# afterwards checks that no docker process started by the console is left on the server and that sshd refused
# (almost) no channel. Usage: console-day.sh TST_CONSOLE_DAY_BINARY. Needs root.
TST=$1
. "$(dirname "$0")/engine-env.sh"
engine_setup
engine_private_events # another engine test's hw2 must not show up in ours
for c in hw1 hw2 hw3; do run_container "$c"; done

# The test restarts the engine's service and writes the new one's pid here; stopped at exit whatever happens.
echo "$SVC" >"$T/engine.pid"
console_day_cleanup() {
    local svc
    svc=$(cat "$T/engine.pid" 2>/dev/null)
    [ -n "$svc" ] && [ "$svc" != "${SVC:-}" ] && kill "$svc" 2>/dev/null
    engine_cleanup
}
trap console_day_cleanup EXIT

export HEAPWATCH_ENGINE_SSH_PORT=$SP HEAPWATCH_ENGINE_KEY=$KEY HEAPWATCH_ENGINE_KNOWN_HOSTS=$KNOWN_HOSTS
export HEAPWATCH_ENGINE_PODMAN="${P[*]}" HEAPWATCH_ENGINE_ROOTFS=$R
export HEAPWATCH_ENGINE_SOCKET=$T/podman.sock HEAPWATCH_ENGINE_PIDFILE=$T/engine.pid
export HEAPWATCH_ENGINE_SSHD_CONFIG=$T/sshd_config HEAPWATCH_ENGINE_SSHD_PIDFILE=$T/sshd.pid
export HEAPWATCH_ENGINE_SSHD_LOG=$T/sshd.log
export HEAPWATCH_SCREENSHOT=${HEAPWATCH_SCREENSHOT:-$T/console-day.png}
export QT_QPA_PLATFORM=offscreen
"$TST" -maxwarnings 0 || {
    echo "--- sshd.log (last lines)"
    tail -15 "$T/sshd.log"
    fail "the console did not get through the day"
}

sleep 3
left=$(engine_processes_left)
[ -z "$left" ] || fail "docker processes left on the server after the console closed:$left"
refused=$(grep -c "no more sessions" "$T/sshd.log")
echo "sshd refused $refused channels; $(grep -c 'Accepted publickey' "$T/sshd.log") SSH logins in all"
[ "$refused" -le 10 ] || fail "sshd refused $refused channels"
echo "PASS"
