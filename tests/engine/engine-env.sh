#!/bin/bash
# A real container engine on this machine, reachable the way an operator's host is: Debian's podman serves
# the Docker API on a unix socket, Debian's docker CLI talks to it (DOCKER_HOST, passed by sshd's SetEnv),
# containers run /usr/bin/node from a root directory built from this machine's node, and OpenSSH's sshd
# listens on loopback with its default MaxSessions. Sourced by the engine tests; needs root.
#
# After engine_setup: T (scratch directory), P (the podman command), SP (sshd port), KEY and KNOWN_HOSTS
# (client key and known_hosts for heapwatch), APP_OUT (directory where each container's app also writes
# every Memory line it prints, one file per container name: the ground truth for sample counts).
# Functions: run_container NAME, start_engine, stop_engine, start_sshd, stop_sshd, stop_sshd_and_sessions,
# server_docker_cli BINARY, engine_processes_left, free_port, fail.
set -u
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
CONTAINERS=()
P=(podman --root "$T/storage" --runroot "$T/runroot" --cgroup-manager cgroupfs --runtime runc --events-backend file)
engine_cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    stop_sshd
    [ ${#CONTAINERS[@]} -gt 0 ] && "${P[@]}" rm -f -t 0 "${CONTAINERS[@]}" >/dev/null 2>&1
    [ -n "${SVC:-}" ] && kill "$SVC" 2>/dev/null
    sleep 1
    rm -rf "$T"
}
trap engine_cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_engine() {
    rm -f "$T/podman.sock"
    "${P[@]}" system service --time=0 "unix://$T/podman.sock" >>"$T/podman.log" 2>&1 &
    SVC=$!
    for _ in $(seq 50); do [ -S "$T/podman.sock" ] && break; sleep 0.2; done
    [ -S "$T/podman.sock" ] || fail "podman system service did not start: $(tail -5 "$T/podman.log")"
}
stop_engine() {
    kill "$SVC"
    wait "$SVC" 2>/dev/null
    SVC=
}

run_container() { # NAME
    "${P[@]}" run -d --name "$1" --env "HW_NAME=$1" --memory 860m --rootfs "$R" /usr/bin/node /app/app.js \
        >/dev/null 2>"$T/run.err" || fail "podman run $1 failed: $(cat "$T/run.err")"
    [[ " ${CONTAINERS[*]} " == *" $1 "* ]] || CONTAINERS+=("$1")
}

start_sshd() {
    mkdir -p /run/sshd
    /usr/sbin/sshd -f "$T/sshd_config" -E "$T/sshd.log" || fail "sshd did not start"
    for _ in $(seq 50); do [ -s "$T/sshd.pid" ] && break; sleep 0.1; done
}
stop_sshd() {
    [ -f "$T/sshd.pid" ] || return 0
    kill "$(cat "$T/sshd.pid")" 2>/dev/null
    rm -f "$T/sshd.pid"
}

engine_setup() {
    cat >"$T/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
    export CONTAINERS_CONF=$T/containers.conf
    start_engine
    export DOCKER_HOST=unix://$T/podman.sock
    docker version >/dev/null 2>"$T/docker.err" ||
        fail "the docker CLI cannot use podman's Docker API: $(cat "$T/docker.err")"

    # The container's root: node and the libraries ldd lists for it. The app prints a Memory line every
    # second and appends the same line to APP_OUT/NAME (the root is a host directory). It ends on SIGTERM
    # between two lines: as the container's PID 1 without a handler it would ignore SIGTERM and be killed when
    # `stop -t 1` times out, now and then between printing a line and appending it (a line in the log that
    # APP_OUT lacks, which the tests would count as a sample heapwatch made up).
    R=$T/rootfs
    APP_OUT=$R/app/out
    local node lib
    node=$(readlink -f "$(command -v node)")
    mkdir -p "$R/usr/bin" "$APP_OUT" "$R/tmp"
    cp "$node" "$R/usr/bin/node"
    for lib in $(ldd "$node" | grep -o '/[^ ]*'); do
        mkdir -p "$R$(dirname "$lib")"
        cp -L "$lib" "$R$lib"
    done
    cat >"$R/app/app.js" <<'JS'
const fs = require('fs');
const out = '/app/out/' + (process.env.HW_NAME || 'app');
const mb = (b) => (b / 1048576).toFixed(1) + 'MB';
setInterval(() => {
    const m = process.memoryUsage();
    const line = `${new Date().toISOString()} [info]: Memory: RSS=${mb(m.rss)}, Heap=${mb(m.heapUsed)}/${mb(m.heapTotal)}, External=${mb(m.external)}, ArrayBuffers=${mb(m.arrayBuffers)}`;
    console.log(line);
    fs.appendFileSync(out, line + '\n');
}, 1000);
process.on('SIGTERM', () => process.exit(0));
JS

    ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey" && ssh-keygen -q -t ed25519 -N '' -f "$T/clientkey" ||
        fail "ssh-keygen"
    KEY=$T/clientkey
    cp "$T/clientkey.pub" "$T/authorized_keys"
    SP=$(free_port)
    # OpenSSH's defaults otherwise: MaxSessions 10. SHLVL=1: Debian's bash reads the account's ~/.bashrc for a
    # command sshd runs only at shell level 1, and this machine's root runs pyenv there (seconds a command, with
    # five targets' sessions queueing on its lock: stats silent past the liveness timeout).
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
SetEnv DOCKER_HOST=unix://$T/podman.sock CONTAINERS_CONF=$T/containers.conf HEAPWATCH_ENGINE_TAG=$T SHLVL=1
CONF
    start_sshd
    KNOWN_HOSTS=$T/known_hosts
    echo "[127.0.0.1]:$SP $(cut -d' ' -f1,2 "$T/hostkey.pub")" >"$KNOWN_HOSTS"
}

# Docker or podman processes started through sshd carry HEAPWATCH_ENGINE_TAG in their environment.
engine_processes_left() {
    local p left=""
    for p in $(pgrep -f '(docker|podman) (stats|logs|events|inspect)'); do
        grep -qz "HEAPWATCH_ENGINE_TAG=$T" "/proc/$p/environ" 2>/dev/null && left="$left $p"
    done
    echo "$left"
}

# podman's file backend writes the events of every podman on the machine to one log
# (/run/libpod/events/events.log), whatever its --root: `docker events --filter container=hw2` then also
# reports another engine test's hw2 (a start while ours is stopped). After engine_setup, before any container
# runs: this test's events go to a log of its own, and the engine restarts to read that.
engine_private_events() {
    echo "events_logfile_path = \"$T/events.log\"" >>"$T/containers.conf"
    stop_engine
    start_engine
}

# sshd goes down with the connections it serves (a host reboot, sshd killed with its sessions): stop_sshd
# alone leaves established connections up, as `systemctl restart ssh` does.
stop_sshd_and_sessions() {
    [ -f "$T/sshd.pid" ] || return 0
    local sessions
    sessions=$(pgrep -P "$(cat "$T/sshd.pid")")
    stop_sshd
    [ -z "$sessions" ] || kill $sessions 2>/dev/null
}

# The docker CLI that sessions opened from now on run: a wrapper directory first in their PATH, whose
# `docker` execs BINARY (without it sshd's PATH gives /usr/local/bin/docker before Debian's /usr/bin/docker).
# The first call restarts the listening sshd to add the directory; established connections stay up.
server_docker_cli() { # BINARY
    [ -x "$1" ] || fail "no docker CLI at $1"
    if [ ! -x "$T/cli/docker" ]; then
        mkdir -p "$T/cli"
        printf '#!/bin/sh\nexec "$(cat %s/cli/binary)" "$@"\n' "$T" >"$T/cli/docker"
        chmod +x "$T/cli/docker"
        # sshd takes the first SetEnv line only: PATH joins it.
        sed -i "s|^SetEnv |SetEnv PATH=$T/cli:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin |" \
            "$T/sshd_config"
        local old
        old=$(cat "$T/sshd.pid" 2>/dev/null)
        stop_sshd
        while [ -n "$old" ] && kill -0 "$old" 2>/dev/null; do sleep 0.1; done
        start_sshd
    fi
    echo "$1" >"$T/cli/binary"
}
