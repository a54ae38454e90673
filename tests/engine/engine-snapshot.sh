#!/bin/bash
# Heap snapshots of a real Node process in a real container, taken by `heapwatch snapshot` over OpenSSH on
# loopback (engine-env.sh): the app leaks objects of the class LeakyRecord (the shape of
# tests/fixtures/heapsnap/leak.js) beside a fixed ballast. Two snapshots a few seconds apart: the diff names
# LeakyRecord first. After every path (done, refused by the preflight, a second snapshot while one runs, the
# heapwatch process killed mid-transfer, the helper's time limit, local/CONTAINER) nothing listens on the inspector's port inside the container, no
# helper runs in it, its lock file is gone and no `docker exec` is left on the host. A container with too
# little headroom is refused with the numbers. Then the console's dialog (tst_snapshot_dialog): two
# snapshots, the comparison, a chart marker, a cancel while the app is paused, and again nothing left.
# Usage: engine-snapshot.sh HEAPWATCH_BINARY [TST_SNAPSHOT_DIALOG_BINARY]. Needs root.
HW=$1
DIALOG_TEST=${2:-}
. "$(dirname "$0")/engine-env.sh"
engine_setup

cat >"$R/app/leak.js" <<'JS'
'use strict';
class LeakyRecord {
    constructor(i) {
        this.id = i; this.a = i + 1; this.b = i + 2; this.c = i + 3;
        this.d = i + 4; this.e = i + 5; this.f = i + 6; this.g = i + 7;
    }
}
class Ballast {
    constructor(i) { this.i = i; this.next = null; }
}
const ballast = [];
for (let i = 0; i < Number(process.env.BALLAST || 0); i++) ballast.push(new Ballast(i));
globalThis.ballast = ballast;
globalThis.leak = [];
if (process.env.LEAK !== '0')
    setInterval(() => { for (let i = 0; i < 5000; i++) leak.push(new LeakyRecord(leak.length)); }, 1000);
// The longest stall of the event loop: what a snapshot really costs the app (printed with the heap).
let last = Date.now(), stall = 0;
setInterval(() => { const now = Date.now(); stall = Math.max(stall, now - last - 100); last = now; }, 100);
setInterval(() => console.log('heap', process.memoryUsage().heapUsed, 'records', leak.length, 'stall_ms', stall), 1000);
JS
# LEAK: a roomy container; TIGHT: a heap of ~40 MB in a 96 MB container, far less free than a snapshot needs.
run_app() { # NAME MEMORY BALLAST [LEAK=1|0]
    "${P[@]}" run -d --name "$1" --memory "$2" --env "BALLAST=$3" --env "LEAK=${4:-1}" --rootfs "$R" /usr/bin/node /app/leak.js \
        >/dev/null 2>"$T/run.err" || fail "podman run $1 failed: $(cat "$T/run.err")"
    CONTAINERS+=("$1")
}
# A snapshot needs about 1 KB of memory per object on the heap (SnapshotPreflight): the leaking app holds about
# a million objects by the last snapshots of a slow (sanitizer) build.
run_app leak 2g 400000
run_app tight 96m 700000 0 # no leak: at its limit it would get itself OOM-killed before its turn
sleep 3

SSH_OPTS=(-i "$KEY" --known-hosts "$KNOWN_HOSTS" --engine docker)
snapshot() { # NAME OUTFILE [options...]: heapwatch's exit status in $?
    local name=$1 out=$2
    shift 2
    "$HW" snapshot "ssh://root@127.0.0.1:$SP/$name" -o "$out" "${SSH_OPTS[@]}" "$@"
}
# In the container: is anything listening on 127.0.0.1:9229? Prints "open" or "closed".
inspector_state() { # NAME
    docker exec "$1" node -e "require('net').connect(9229, '127.0.0.1')
        .on('connect', () => { console.log('open'); process.exit(0); })
        .on('error', () => console.log('closed'))"
}
# Helpers still running in the container, the lock file, and `docker exec` processes on the host.
leftovers() { # NAME
    docker exec "$1" node -e "const fs = require('fs');
        const helpers = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)
            .filter((p) => { try { return fs.readFileSync('/proc/' + p + '/cmdline', 'latin1')
                .includes('heapwatch-snapshot'); } catch (e) { return false; } });
        if (helpers.length) console.log('helper processes: ' + helpers.join(' '));
        if (fs.existsSync('/tmp/heapwatch-snapshot.lock')) console.log('lock file left');"
    local p
    for p in $(pgrep -f "exec -i $1 node"); do echo "host process $p: $(tr '\0' ' ' <"/proc/$p/cmdline" | cut -c1-60)"; done
}
# Waits up to 20 s for the container to be clean; fails with what is left.
expect_clean() { # NAME WHEN
    local state left
    for _ in $(seq 40); do
        state=$(inspector_state "$1")
        left=$(leftovers "$1")
        [ "$state" = closed ] && [ -z "$left" ] && return 0
        sleep 0.5
    done
    fail "$2: inspector $state in $1; $left; the container: $("${P[@]}" inspect "$1" --format \
        '{{.State.Status}} exit {{.State.ExitCode}} oom {{.State.OOMKilled}} {{.State.Error}}' 2>&1);
        its last lines: $("${P[@]}" logs --tail 5 "$1" 2>&1)"
}

# 1. Without --yes and without a terminal: refused before anything is run.
snapshot leak "$T/none.heapsnapshot" </dev/null 2>"$T/noyes.err"
rc=$?
[ $rc = 1 ] || fail "no --yes: exit $rc, expected 1: $(cat "$T/noyes.err")"
grep -q -- "--yes" "$T/noyes.err" || fail "no --yes: no hint at --yes: $(cat "$T/noyes.err")"
[ ! -e "$T/none.heapsnapshot" ] || fail "no --yes: a file was written"

# 2. Two snapshots a few seconds apart; the diff names the leaking class first.
snapshot leak "$T/1.heapsnapshot" --yes >"$T/1.out" 2>"$T/1.err" || fail "snapshot 1: $(cat "$T/1.err")"
cat "$T/1.out"
expect_clean leak "after snapshot 1"
sleep 5
snapshot leak "$T/2.heapsnapshot" --yes >"$T/2.out" 2>"$T/2.err" || fail "snapshot 2: $(cat "$T/2.err")"
cat "$T/2.out"
# The app's own view of the pause: its longest event-loop stall so far (both snapshots).
docker logs --tail 1 leak 2>&1
expect_clean leak "after snapshot 2"
"$HW" snapshot --diff "$T/1.heapsnapshot" "$T/2.heapsnapshot" --json --top 3 >"$T/diff.json" ||
    fail "diff failed"
top=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["constructors"][0]; print(r["constructor"], r["count_delta"])' "$T/diff.json")
echo "diff top: $top"
[[ "$top" == "LeakyRecord "* ]] || fail "the diff's first constructor is not LeakyRecord: $(head -c 600 "$T/diff.json")"
[ "${top#LeakyRecord }" -ge 10000 ] || fail "LeakyRecord grew by ${top#LeakyRecord } only"
# Every snapshot heapwatch takes is the first of a numbering (the helper's inspector session ends with it, and
# V8 numbers the next session's objects afresh, from the same first id, in the order its walk meets them): the
# ids of two snapshots do not name the same objects even where most of them meet an object of the same class.
# The diff says so and counts net changes: no class both new and freed (the app frees no record).
"$HW" snapshot --diff "$T/1.heapsnapshot" "$T/2.heapsnapshot" --json >"$T/diffall.json" || fail "diff failed"
python3 - "$T/diffall.json" <<'PY' || fail "the diff of two sessions' snapshots: $(head -c 600 "$T/diffall.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ids_matched"] is False, "ids_matched is not false"
both = [r["constructor"] for r in d["constructors"] if r["count_added"] > 0 and r["count_removed"] > 0]
assert not both, "both new and freed: " + ", ".join(both[:5])
r = next(r for r in d["constructors"] if r["constructor"] == "LeakyRecord")
assert r["count_removed"] == 0 and r["count_added"] >= 10000, "LeakyRecord %d new, %d freed" % (r["count_added"], r["count_removed"])
PY

# 3. A second snapshot while one runs is refused; the first, killed mid-transfer (the SSH connection cut),
#    leaves nothing behind.
snapshot leak "$T/3.heapsnapshot" --yes >"$T/3.out" 2>"$T/3.err" &
HWPID=$!
PIDS+=("$HWPID")
for _ in $(seq 200); do grep -q "progress" "$T/3.err" && break; sleep 0.1; done
grep -q "progress" "$T/3.err" || fail "snapshot 3 never reported progress: $(cat "$T/3.err")"
snapshot leak "$T/4.heapsnapshot" --yes >"$T/4.out" 2>"$T/4.err"
rc=$?
[ $rc = 1 ] && grep -q "another snapshot" "$T/4.err" || fail "concurrent snapshot: exit $rc: $(cat "$T/4.err")"
kill -KILL "$HWPID"
wait "$HWPID" 2>/dev/null
ls "$T" | grep -q '^3\.heapsnapshot$' && fail "a killed snapshot left a complete-looking file"
expect_clean leak "after heapwatch was killed mid-transfer"
echo "killed mid-transfer: inspector closed, nothing left"

# 4. Too little headroom: refused with the numbers, the inspector closed again.
snapshot tight "$T/tight.heapsnapshot" --yes >"$T/tight.out" 2>"$T/tight.err"
rc=$?
cat "$T/tight.err" | grep -v progress
[ $rc = 1 ] || fail "tight container: exit $rc, expected 1: $(cat "$T/tight.err")"
grep -q "refused: .* free (limit .* usage .*) is less than the .* a snapshot would take (at least 4 × the heap used .*, before its objects are counted" "$T/tight.err" ||
    fail "tight: no numbers"
[ ! -e "$T/tight.heapsnapshot" ] || fail "tight: a file was written"
expect_clean tight "after the refusal"

# 5. The heap cap: a lower --max-heap refuses the roomy container too.
snapshot leak "$T/cap.heapsnapshot" --yes --max-heap 1 >"$T/cap.out" 2>"$T/cap.err"
rc=$?
[ $rc = 1 ] && grep -q "over the 1.00 MiB a snapshot may take" "$T/cap.err" || fail "--max-heap 1: exit $rc: $(cat "$T/cap.err")"
expect_clean leak "after the --max-heap refusal"

# 6. An error mid-snapshot: the helper's own time limit (--timeout 5) runs out while the app is paused
#    writing the snapshot (5 s and more here); the helper closes the inspector once the app listens again.
snapshot leak "$T/slow.heapsnapshot" --yes --timeout 5 >"$T/slow.out" 2>"$T/slow.err"
rc=$?
grep -v progress "$T/slow.err"
if [ $rc = 0 ]; then
    echo "note: the snapshot finished within 5 s, the timeout path was not taken"
else
    [ $rc = 2 ] && grep -q "timeout" "$T/slow.err" || fail "--timeout 5: exit $rc: $(cat "$T/slow.err")"
    [ ! -e "$T/slow.heapsnapshot" ] || fail "--timeout 5: a file was written"
fi
expect_clean leak "after the helper's timeout"

# 7. On this machine (local/CONTAINER): the same helper through the local docker CLI.
snapshot_local_rc=0
"$HW" snapshot local/leak -o "$T/local.heapsnapshot" --yes --engine docker >"$T/local.out" 2>"$T/local.err" ||
    snapshot_local_rc=$?
[ $snapshot_local_rc = 0 ] && grep -q "inspector closed" "$T/local.out" ||
    fail "local/leak: exit $snapshot_local_rc: $(cat "$T/local.err")"
expect_clean leak "after the local snapshot"

# 8. The console's dialog, over the same SSH path (HW_SCREENSHOTS=DIR: it saves the README's pictures).
if [ -n "$DIALOG_TEST" ]; then
    HW_SCREENSHOTS=${HW_SCREENSHOTS:-} HW_TARGET="ssh://root@127.0.0.1:$SP/leak" HW_KEY=$KEY HW_KNOWN_HOSTS=$KNOWN_HOSTS "$DIALOG_TEST" ||
        fail "tst_snapshot_dialog failed"
    expect_clean leak "after the dialog's snapshots and its cancel"
fi

[ -z "$(engine_processes_left)" ] || fail "engine processes left: $(engine_processes_left)"
echo "PASS"
