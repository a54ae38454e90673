#!/bin/bash
# A stand-in for the docker CLI on the test "server", replaying the real captures of tests/fixtures with their
# timing. SshdFixture puts a `docker` that execs this script first in the PATH of every SSH session and sets
# FAKE_DOCKER_STATE to a directory it prepared:
#   container.log   the container's log, one line per log line: o|TIMESTAMP|TEXT (stdout) or e|… (stderr);
#                   the fixture writes the captured history, `fake-docker.sh __container` appends live lines
#   stats-rows.txt  stats rows in DockerStatsParser::kTemplate form, from the captured stream
#   inspect.json    the `inspect --format` answer with @TOKENS@ for the state below
#   status started_at restart_count epoch   the container's state (epoch changes when it stops)
#   events.log      `docker events --format '{{json .}}'` lines, appended by the container process
#   invocations.log one line per invocation: PID EPOCHREALTIME ARGS… (the tests check these are all gone)
#   restart-request created by a test: the container process stops and restarts the container
#   absent          exists while the container does not (after `__lifecycle rm`, until `__lifecycle run`)
#   aliases         further names (one a line) that answer as this same container: several targets on one host
#   stats-paused    created by a test: `stats` stays alive but prints nothing
#   flood           "RATE SECONDS", written by a test: the container process appends nothing while it exists
#                   (the flood is then the only live input, so its line count is exact)
#   flood-go        created by a test: the next pass of a `logs -f` claims it (flood.claimed) and writes
#                   RATE lines a second for SECONDS seconds to stdout, then goes on following; flood.done
#                   then holds "LINES ELAPSED_SECONDS" (lines actually written: fewer if the reader was slower)
# Like the real CLI, the streaming commands ignore SIGTERM (docker/cli: SIGTERM is ignored while streaming),
# so only a KILL ends them: a process left behind by heapwatch shows up in the tests.
set -u
S=${FAKE_DOCKER_STATE:?FAKE_DOCKER_STATE is not set}
NAME=$(cat "$S/name")
case "${1:-}" in __container | __lifecycle) ;; *) echo "$$ $EPOCHREALTIME $*" >>"$S/invocations.log" ;; esac

# The container's own name or one of its aliases.
is_ours() { [ "$1" = "$NAME" ] || grep -qxF -- "$1" "$S/aliases" 2>/dev/null; }
exists() { [ ! -e "$S/absent" ]; }

# A sleep without a child process (a killed script must not leave a `sleep` behind).
exec {SNOOZE_FD}<> <(:)
snooze() { read -r -t "$1" -u "$SNOOZE_FD" _ || true; }

now_rfc3339nano() {
    local r=$EPOCHREALTIME
    TZ=UTC printf '%(%Y-%m-%dT%H:%M:%S)T.%s000Z' "${r%.*}" "${r#*.}"
}

no_such() {
    echo "Error response from daemon: No such container: $1" >&2
    exit 1
}

# Normalised "YYYY-MM-DDTHH:MM:SS.nnnnnnnnn" for --since: RFC 3339 (any precision) or a duration (3600s, 5m, 1h).
since_key() {
    local v=$1 secs
    case "$v" in
    *[smh])
        case "$v" in
        *s) secs=${v%s} ;;
        *m) secs=$((${v%m} * 60)) ;;
        *h) secs=$((${v%h} * 3600)) ;;
        esac
        TZ=UTC printf '%(%Y-%m-%dT%H:%M:%S)T.000000000' "$((${EPOCHREALTIME%.*} - secs))"
        ;;
    *)
        echo "$v" | awk '{ sub(/Z$/, "", $0); n = split($0, a, "."); f = (n > 1) ? a[2] : "";
                           printf "%s.%s\n", a[1], substr(f "000000000", 1, 9) }'
        ;;
    esac
}

# Prints container.log lines FROM..TO (1-based, inclusive) with key >= SINCE, stdout/stderr apart.
print_lines() {
    local from=$1 to=$2 since=$3 tail=$4
    awk -F'|' -v from="$from" -v to="$to" -v since="$since" '
        function key(ts,   a, n, f) { sub(/Z$/, "", ts); n = split(ts, a, "."); f = (n > 1) ? a[2] : "";
                                      return a[1] "." substr(f "000000000", 1, 9) }
        NR >= from && NR <= to && key($2) >= since { print }' "$S/container.log" |
        { if [ "$tail" -ge 0 ]; then tail -n "$tail"; else cat; fi; } |
        awk -F'|' '{ line = $2 " " substr($0, length($1) + length($2) + 3);
                     if ($1 == "e") { print line > "/dev/stderr" } else { print line } }'
}

cmd_logs() {
    local since="" tail=-1 follow=0 name=""
    while [ $# -gt 0 ]; do
        case "$1" in
        -t | --timestamps) ;;
        -f | --follow) follow=1 ;;
        --since) since=$2; shift ;;
        --tail | -n) tail=$2; shift ;;
        -*) echo "unknown flag: $1" >&2; exit 125 ;;
        *) name=$1 ;;
        esac
        shift
    done
    is_ours "$name" && exists || no_such "$name"
    local key="0000"
    [ -n "$since" ] && key=$(since_key "$since")
    local epoch printed
    epoch=$(cat "$S/epoch")
    printed=$(wc -l <"$S/container.log")
    print_lines 1 "$printed" "$key" "$tail"
    [ "$follow" = 1 ] || exit 0
    [ "$(cat "$S/status")" = running ] || exit 0
    trap '' TERM
    while :; do
        snooze 0.2
        local total
        total=$(wc -l <"$S/container.log")
        if [ "$total" -gt "$printed" ]; then
            print_lines $((printed + 1)) "$total" "$key" -1
            printed=$total
        fi
        if [ -e "$S/flood-go" ] && mkdir "$S/flood.claimed" 2>/dev/null; then
            flood
        fi
        # docker logs -f ends when the container stops (docker/cli#5305).
        [ "$(cat "$S/epoch")" = "$epoch" ] || exit 0
    done
}

# The log flood: a realistic mix of the lines the server-side filter lets through (per 20 lines: 10 Memory,
# 4 Cache stats with Hits 1000000 + line number, 3 [warn], 2 [error], 1 audit-buffer overflow), every line unique, docker timestamps 1/RATE s
# apart. bash manages a few thousand lines a second; perl writes 100 000 and more. It stops at the deadline
# even when the reader holds it back, and when this script dies (no writer is left behind).
flood() {
    local rate seconds
    read -r rate seconds <"$S/flood"
    perl - "$rate" "$seconds" "$S/flood.done" <<'PERL'
use strict;
use warnings;
use POSIX qw(strftime);
use Time::HiRes qw(time sleep);
my ($rate, $seconds, $done) = @ARGV;
my $total = int($rate * $seconds);
my $step = int(1e9 / $rate) || 1;
my $parent = getppid();
my $t0 = time();
my $sec0 = int($t0);
my $ns0 = int(($t0 - $sec0) * 1e9);
my ($cachedSec, $date) = (-1, '');
my $i = 0;
while ($i < $total) {
    my $elapsed = time() - $t0;
    last if $elapsed > $seconds + 0.5 || getppid() != $parent;
    my $due = int($elapsed * $rate) + 1;
    $due = $total if $due > $total;
    $due = $i + 4096 if $due > $i + 4096;
    if ($due <= $i) {
        sleep(0.002);
        next;
    }
    my $buf = '';
    for (; $i < $due; ++$i) {
        my $off = $ns0 + $i * $step;
        my $s = $sec0 + int($off / 1000000000);
        if ($s != $cachedSec) {
            $cachedSec = $s;
            $date = strftime('%Y-%m-%dT%H:%M:%S', gmtime($s));
        }
        my $frac = sprintf('%09d', $off % 1000000000);
        my $k = $i % 20;
        my $text;
        if ($k < 10) {
            my $rss = 3000 + $i % 700;
            $text = sprintf('[info]: Memory: RSS=%d.%dMB, Heap=212.7MB/218.0MB, External=17.6MB, ArrayBuffers=13.6MB',
                            $rss / 10, $rss % 10);
        } elsif ($k < 14) {
            # Counters of a long-running app: as many digits all along (a label that widens re-lays out the
            # window; that is not what this flood measures).
            $text = sprintf('[info]: Cache stats - Keys: %d, Hits: %d, Misses: %d, Hit rate: 75.00%%',
                            200 + $i % 97, 1000000 + $i, 1000000 + int($i / 3));
        } elsif ($k < 17) {
            $text = "[warn]: Slow query #$i on /api/v1/resource/" . ($i * 7919 % 100000) . ' took ' . ($i % 5000) . ' ms';
        } elsif ($k < 19) {
            $text = "[error]: Failed to flush audit logs: SQLITE_BUSY: database is locked (attempt $i)";
        } else {
            $text = '[warn]: Audit log buffer overflow - dropped 4 entries (' . (4 * (int($i / 20) + 1)) . ' total dropped)';
        }
        $buf .= "$date.${frac}Z $date." . substr($frac, 0, 3) . "Z $text\n";
    }
    print STDOUT $buf or last;
}
STDOUT->flush();
my $elapsed = time() - $t0;
open(my $fh, '>', "$done.tmp") or die "flood: $done.tmp: $!";
printf $fh "%d %.3f\n", $i, $elapsed;
close($fh);
rename("$done.tmp", $done);
PERL
}

cmd_stats() {
    local name=""
    while [ $# -gt 0 ]; do
        case "$1" in
        --format) shift ;;
        --no-stream | --no-trunc | -a | --all) ;;
        *) name=$1 ;;
        esac
        shift
    done
    is_ours "$name" && exists || no_such "$name"
    trap '' TERM
    local rows i=0 id
    mapfile -t rows <"$S/stats-rows.txt"
    # docker >= 27.4 frames: ESC[H, each line twice ending ESC[K, then ESC[J (docker/cli#6876).
    while :; do
        # A test can make the stream go quiet without ending it (a half-open link looks like this).
        if [ -e "$S/stats-paused" ]; then
            snooze 0.5
            continue
        fi
        local row=${rows[$((i % ${#rows[@]}))]}
        # Like the real CLI (docker/cli collect(): no update within 2 s resets the row), a container that
        # stopped or went away shows "--" for ever: `stats` neither ends nor re-attaches when it is back.
        if [ "$(cat "$S/status")" != running ] || ! exists || { [ -n "${id:-}" ] && [ "$id" != "$(cat "$S/id")" ]; }; then
            row="${row%%$'\t'*}"$'\t--\t-- / --\t--\t--\t--\t--'
        fi
        [ -n "${id:-}" ] || id=$(cat "$S/id")
        printf '\033[H%s\033[K\n%s\033[K\n\033[J' "$row" "$row"
        i=$((i + 1))
        snooze 0.5
    done
}

cmd_inspect() {
    local name=""
    while [ $# -gt 0 ]; do
        case "$1" in
        --format | -f | --type) shift ;;
        *) name=$1 ;;
        esac
        shift
    done
    if ! is_ours "$name" || ! exists; then
        echo "Error: No such object: $name" >&2
        exit 1
    fi
    local status running=true
    status=$(cat "$S/status")
    [ "$status" = running ] || running=false
    sed -e "s/@STATUS@/$status/" -e "s/@RUNNING@/$running/" -e "s/@STARTED_AT@/$(cat "$S/started_at")/" \
        -e "s/@RESTART_COUNT@/$(cat "$S/restart_count")/" "$S/inspect.json"
}

cmd_events() {
    local want=""
    while [ $# -gt 0 ]; do
        case "$1" in
        --filter) case "$2" in container=*) want=${2#container=} ;; esac; shift ;;
        --format | --since | --until) shift ;;
        esac
        shift
    done
    is_ours "$want" || { snooze 3600; exit 0; }
    trap '' TERM
    local printed
    printed=$(wc -l <"$S/events.log")
    while :; do
        snooze 0.2
        local total
        total=$(wc -l <"$S/events.log")
        if [ "$total" -gt "$printed" ]; then
            sed -n "$((printed + 1)),${total}p" "$S/events.log"
            printed=$total
        fi
    done
}

event_json() { # ACTION EXITCODE
    local r=$EPOCHREALTIME
    printf '{"status":"%s","id":"%s","from":"pangolin:latest","Type":"container","Action":"%s","Actor":{"ID":"%s","Attributes":{"exitCode":"%s","name":"%s"}},"scope":"local","time":%s,"timeNano":%s%s000}\n' \
        "$1" "$(cat "$S/id")" "$1" "$(cat "$S/id")" "$2" "$NAME" "${r%.*}" "${r%.*}" "${r#*.}"
}

# The container itself: a Node app printing a Memory line every second (RSS grows by 0.1 MB per line, so
# every line is unique), cache stats every 5 s and a warning on stderr every 7 s; restarts on request.
cmd_container() {
    local n=0
    while :; do
        if [ -e "$S/restart-request" ]; then
            rm -f "$S/restart-request"
            event_json die 0 >>"$S/events.log"
            echo exited >"$S/status"
            echo $(($(cat "$S/epoch") + 1)) >"$S/epoch"
            snooze 1.5
            echo $(($(cat "$S/restart_count") + 1)) >"$S/restart_count"
            now_rfc3339nano >"$S/started_at"
            echo running >"$S/status"
            event_json start 0 >>"$S/events.log"
            event_json restart 0 >>"$S/events.log"
            echo "o|$(now_rfc3339nano)|$(now_rfc3339nano) [info]: Starting Pangolin (simulated) in production mode" >>"$S/container.log"
        fi
        if [ -e "$S/flood" ] || [ "$(cat "$S/status")" != running ]; then
            snooze 0.2
            continue
        fi
        n=$((n + 1))
        local rss=$((3400 + n)) ts
        ts=$(now_rfc3339nano)
        echo "o|$ts|$ts [info]: Memory: RSS=$((rss / 10)).$((rss % 10))MB, Heap=212.7MB/218.0MB, External=17.6MB, ArrayBuffers=13.6MB" >>"$S/container.log"
        if [ $((n % 5)) = 0 ]; then
            echo "o|$ts|$ts [info]: Cache stats - Keys: 2, Hits: $((1346 + n)), Misses: 482, Hit rate: 73.63%" >>"$S/container.log"
        fi
        if [ $((n % 7)) = 0 ]; then
            echo "e|$ts|$ts [warn]: Audit log buffer overflow - dropped 4 entries ($((4 * n)) total dropped)" >>"$S/container.log"
        fi
        # Noise the server-side filter keeps on the server.
        echo "o|$ts|$ts [info]: GET /api/health 200 1ms" >>"$S/container.log"
        snooze 1
    done
}

# What `docker stop/start/rm/run` do to the container's state, run by a test: stop, start, rm, run.
cmd_lifecycle() {
    case "$1" in
    stop)
        event_json die 0 >>"$S/events.log"
        echo exited >"$S/status"
        echo $(($(cat "$S/epoch") + 1)) >"$S/epoch"
        ;;
    start)
        now_rfc3339nano >"$S/started_at"
        echo running >"$S/status"
        event_json start 0 >>"$S/events.log"
        echo "o|$(now_rfc3339nano)|$(now_rfc3339nano) [info]: Starting Pangolin (simulated) in production mode" >>"$S/container.log"
        ;;
    rm) # docker rm -f: killed, then gone with its logs
        [ "$(cat "$S/status")" = running ] && event_json die 137 >>"$S/events.log"
        echo exited >"$S/status"
        echo $(($(cat "$S/epoch") + 1)) >"$S/epoch"
        : >"$S/absent"
        ;;
    run) # docker run --name: a new container (new id) under the same name; its lines go on in container.log
        printf '%064x\n' "$(( (RANDOM << 30) ^ (RANDOM << 15) ^ RANDOM ))" >"$S/id"
        echo 0 >"$S/restart_count"
        rm -f "$S/absent"
        cmd_lifecycle start
        ;;
    esac
}

# `docker ps --format '{{json .}}'`: the captured line of tests/fixtures (docker CLI 28.2.2), with this
# state's container name and id; prints nothing while the container is not running (like `ps` without -a).
cmd_ps() {
    while [ $# -gt 0 ]; do
        case "$1" in
        --format) [ "${2:-}" = "{{json .}}" ] || { echo "fake docker: ps supports --format '{{json .}}' only" >&2; exit 125; }; shift ;;
        --no-trunc) ;;
        *) echo "unknown flag: $1" >&2; exit 125 ;;
        esac
        shift
    done
    [ "$(cat "$S/status" 2>/dev/null || echo running)" = running ] || exit 0
    local id
    id=$(cut -c1-12 "$S/id" 2>/dev/null || echo 6f70f8e18d04)
    sed -e "s/\"Names\":\"[^\"]*\"/\"Names\":\"$NAME\"/" -e "s/\"ID\":\"[^\"]*\"/\"ID\":\"$id\"/" \
        "$(dirname "${BASH_SOURCE[0]}")/../fixtures/docker-cli-28.2.2/ps-json.txt"
}

case "${1:-}" in
logs) shift; cmd_logs "$@" ;;
stats) shift; cmd_stats "$@" ;;
inspect) shift; cmd_inspect "$@" ;;
container) # `docker container inspect` etc.: only inspect is used
    shift
    [ "${1:-}" = inspect ] || exit 125
    shift
    cmd_inspect "$@"
    ;;
events) shift; cmd_events "$@" ;;
ps) shift; cmd_ps "$@" ;;
__container) cmd_container ;;
__lifecycle) cmd_lifecycle "$2" ;;
--version | version) echo "Docker version 28.2.2, build fake" ;;
*)
    echo "fake docker: unsupported command: $*" >&2
    exit 125
    ;;
esac
