#!/bin/bash
# An ordinary day on a real engine, watched by `heapwatch serve` over OpenSSH on loopback (sshd with its
# default MaxSessions): Debian's podman serves the Docker API on a unix socket, Debian's docker CLI talks to
# it (DOCKER_HOST, passed by sshd's SetEnv), four containers run /usr/bin/node from a root directory built
# from this machine's node. Steps: stop/start, restart, rm -f then run later (new id), engine restart.
# After each step every target must carry fresh container stats and fresh app samples; after serve stops no
# docker process started by it is left. Usage: engine-lifecycle.sh HEAPWATCH_BINARY. Needs root.
set -u
HW=$1
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
[ "$(id -u)" = 0 ] || fail "run as root (podman with runc and cgroupfs, sshd on loopback)"
for b in podman runc docker node curl python3 ssh-keygen /usr/sbin/sshd; do
    command -v "$b" >/dev/null || fail "$b is missing: installer/dev.sh installs podman runc docker.io nodejs"
done

T=$(mktemp -d /tmp/hw-engine.XXXXXX)
PIDS=()
P=(podman --root "$T/storage" --runroot "$T/runroot" --cgroup-manager cgroupfs --runtime runc --events-backend file)
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    [ -f "$T/sshd.pid" ] && kill "$(cat "$T/sshd.pid")" 2>/dev/null
    "${P[@]}" rm -f -t 0 hw1 hw2 hw3 hw4 >/dev/null 2>&1
    [ -n "${SVC:-}" ] && kill "$SVC" 2>/dev/null
    sleep 1
    rm -rf "$T"
}
trap cleanup EXIT

cat >"$T/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_CONF=$T/containers.conf

start_engine() {
    "${P[@]}" system service --time=0 "unix://$T/podman.sock" >>"$T/podman.log" 2>&1 &
    SVC=$!
    for _ in $(seq 50); do [ -S "$T/podman.sock" ] && break; sleep 0.2; done
    [ -S "$T/podman.sock" ] || fail "podman system service did not start: $(tail -5 "$T/podman.log")"
}
start_engine
export DOCKER_HOST=unix://$T/podman.sock
docker version >/dev/null 2>"$T/docker.err" || fail "the docker CLI cannot use podman's Docker API: $(cat "$T/docker.err")"

# The container's root: node and the libraries ldd lists for it; the app prints a Memory line every second.
R=$T/rootfs
NODE=$(readlink -f "$(command -v node)")
mkdir -p "$R/usr/bin" "$R/app" "$R/tmp"
cp "$NODE" "$R/usr/bin/node"
for lib in $(ldd "$NODE" | grep -o '/[^ ]*'); do
    mkdir -p "$R$(dirname "$lib")"
    cp -L "$lib" "$R$lib"
done
cat >"$R/app/app.js" <<'JS'
const mb = (b) => (b / 1048576).toFixed(1) + 'MB';
setInterval(() => {
    const m = process.memoryUsage();
    console.log(`${new Date().toISOString()} [info]: Memory: RSS=${mb(m.rss)}, Heap=${mb(m.heapUsed)}/${mb(m.heapTotal)}, External=${mb(m.external)}, ArrayBuffers=${mb(m.arrayBuffers)}`);
}, 1000);
JS
run_container() {
    "${P[@]}" run -d --name "$1" --memory 860m --rootfs "$R" /usr/bin/node /app/app.js >/dev/null 2>"$T/run.err" ||
        fail "podman run $1 failed: $(cat "$T/run.err")"
}
for c in hw1 hw2 hw3 hw4; do run_container "$c"; done

# sshd on loopback with OpenSSH's default MaxSessions.
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey" && ssh-keygen -q -t ed25519 -N '' -f "$T/clientkey" || fail "ssh-keygen"
cp "$T/clientkey.pub" "$T/authorized_keys"
SP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$T/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $SP
HostKey $T/hostkey
PidFile $T/sshd.pid
AuthorizedKeysFile $T/authorized_keys
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
LogLevel VERBOSE
SetEnv DOCKER_HOST=unix://$T/podman.sock CONTAINERS_CONF=$T/containers.conf HEAPWATCH_ENGINE_TAG=$T
CONF
/usr/sbin/sshd -f "$T/sshd_config" -E "$T/sshd.log" || fail "sshd did not start"
echo "[127.0.0.1]:$SP $(cut -d' ' -f1,2 "$T/hostkey.pub")" >"$T/known_hosts"

HP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
QT_QPA_PLATFORM=offscreen "$HW" serve --listen "127.0.0.1:$HP" -i "$T/clientkey" --known-hosts "$T/known_hosts" \
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
kill "$SVC"
wait "$SVC" 2>/dev/null
sleep 2
start_engine
for c in hw1 hw2 hw3 hw4; do "${P[@]}" start "$c" >/dev/null 2>&1; done
wait_fresh "engine restart" "$(now)"

refused=$(grep -c "no more sessions" "$T/sshd.log")
[ "$refused" -le 10 ] || fail "sshd refused $refused channels"

kill -TERM "$SERVE"
wait "$SERVE"
sleep 3
# Processes started through sshd carry HEAPWATCH_ENGINE_TAG in their environment.
left=""
for p in $(pgrep -f 'docker (stats|logs|events|inspect)'); do
    grep -qz "HEAPWATCH_ENGINE_TAG=$T" "/proc/$p/environ" 2>/dev/null && left="$left $p"
done
[ -z "$left" ] || fail "docker processes left on the server after serve stopped:$left"
echo "PASS"
