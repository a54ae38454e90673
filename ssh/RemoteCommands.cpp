#include "RemoteCommands.h"

#include "DockerStatsParser.h"
#include "EngineLogFile.h"
#include "InspectParser.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTimeZone>

namespace heapwatch {

namespace {

// What the watchdog does when stdin closes: TERM, and one second later KILL.
constexpr const char* kStop = "kill -TERM $p 2>/dev/null; sleep 1; kill -KILL $p 2>/dev/null;";
// The same when "$@" is `sudo -n docker …`: the engine runs as root and the login user can signal only sudo,
// which passes TERM on, but not KILL, and not from a process of its own process group (setsid gives the
// kill a group of its own). The docker CLI ignores TERM while streaming and exits at the third, so three
// are sent; KILL then ends sudo if the engine has not ended it.
constexpr const char* kStopSudo = "for i in 1 2 3; do setsid kill -TERM $p 2>/dev/null || kill -TERM $p 2>/dev/null; "
                                  "sleep 0.3; done; sleep 1; kill -KILL $p 2>/dev/null;";

// The watchdog: runs "$@" in the background and a `cat` on the original stdin; when stdin closes (channel
// closed, connection lost, sshd killed) it stops "$@". When the command ends by itself (`logs -f` after a
// container stop) the wrapper exits with its status, so the channel reports it. One line, no user data:
// the container name only ever arrives as a quoted positional argument.
QString plainWrapper(bool sudo)
{
    return QStringLiteral("exec 4<&0 </dev/null; \"$@\" & p=$!; "
                          "{ cat <&4 >/dev/null 2>&1; %1 } "
                          ">/dev/null 2>&1 & w=$!; wait $p; r=$?; kill $w 2>/dev/null; exit $r")
        .arg(QLatin1String(sudo ? kStopSudo : kStop));
}

// The same with stdout and stderr each passed through `grep --line-buffered` (kept apart with the fd 3
// swap), or through cat when the server's grep lacks --line-buffered (busybox) or is missing: a block-
// buffered filter would hold live lines back for minutes. The pid we kill is the engine's, not the pipe's.
// A history read (countLines) is filtered by awk instead, which also counts what the engine wrote: no line
// buffering is needed for output that ends, and without the count a --tail cut could not be told from an
// app that printed nothing of interest.
QString filteredWrapper(bool sudo, bool countLines)
{
    const QString pattern = QLatin1String(RemoteCommands::logFilterPattern());
    const QString counting = countLines
        ? QStringLiteral("if command -v awk >/dev/null 2>&1; "
                         "then f() { awk -v p='%1' '{ if (tolower($0) ~ p) print } END { print \"%2 \" NR }'; }; el")
              .arg(pattern, QLatin1String(RemoteCommands::kLineCountMarker))
        : QString();
    return QStringLiteral("exec 4<&0 </dev/null; "
                          "%1if printf 'a\\n' | grep --line-buffered -aiE a >/dev/null 2>&1; "
                          "then f() { grep --line-buffered -aiE '%2'; }; else f() { cat; }; fi; "
                          "{ { \"$@\" 2>&1 1>&3 3>&- & p=$!; "
                          "{ cat <&4 >/dev/null 2>&1; %3 } "
                          ">/dev/null 2>&1 3>&- & w=$!; wait $p; r=$?; kill $w 2>/dev/null; exit $r; } "
                          "| f >&2 3>&-; } 3>&1 | f")
        .arg(counting, pattern, QLatin1String(sudo ? kStopSudo : kStop));
}

// The cgroup stats loop (see RemoteCommands::cgroupStats and CgroupStatsParser for its output). Builtins only
// inside the loop: read, [, case, echo, arithmetic; one `sleep` per sample only where the shell has no `read -t`.
// $1 PID, $2 container ID, $3 seconds between samples, $4 quiet samples before a keepalive ".".
// The cgroup path must contain the container's ID: a rootless container on cgroup v1 (no cgroup of its own)
// or a PID from another PID namespace would otherwise have us read someone else's figures.
// Memory as the engine's own stats show it: Docker's usage minus inactive file cache (v1 total_inactive_file,
// v2 inactive_file); podman's (a libpod-ID cgroup, whether podman's CLI or its Docker API answers `docker
// stats`) the whole usage, page cache included, as libpod reports it. The header says which ("libpod"). An
// unlimited cgroup reports the host's memory as its limit. CPU in hundredths of a percent of one core: µs of
// CPU × 10 000 per µs of wall clock.
const char* const kCgroupLoop = R"SH(
exec 2>/dev/null
p=$1 id=$2 iv=$3 ka=$4
case $p:$iv:$ka in *[!0-9:]* | :* | *::* | *:) echo 'hw1 none bad-arguments'; exit 0 ;; esac
case $id in '' | *[!0-9a-f]*) echo 'hw1 none bad-arguments'; exit 0 ;; esac
C=${HEAPWATCH_CGROUP_ROOT:-/sys/fs/cgroup}
F=${HEAPWATCH_PROC_ROOT:-/proc}/$p/cgroup
[ -r "$F" ] || { echo 'hw1 none no-process'; exit 0; }
u= m= a= k=
while IFS=: read -r n c q; do
    case ,$c, in ,,) u=$q ;; esac
    case ,$c, in *,memory,*) m=$q ;; esac
    case ,$c, in *,cpuacct,*) a=$q ;; esac
    case ,$c, in *,pids,*) k=$q ;; esac
done <"$F"
U= P= V=
case $m in *"$id"*)
    if [ -r "$C/memory$m/memory.usage_in_bytes" ]; then
        V=1 M=$C/memory$m/memory.usage_in_bytes S=$C/memory$m/memory.stat L=$C/memory$m/memory.limit_in_bytes
        I=total_inactive_file P=$C/pids$k/pids.current
        for d in cpuacct cpu,cpuacct cpuacct,cpu; do
            [ -r "$C/$d$a/cpuacct.usage" ] && { U=$C/$d$a/cpuacct.usage; break; }
        done
    fi ;;
esac
if [ -z "$V" ]; then
    case $u in *"$id"*)
        if [ -r "$C$u/memory.current" ]; then
            V=2 M=$C$u/memory.current S=$C$u/memory.stat L=$C$u/memory.max I=inactive_file U=$C$u/cpu.stat
            P=$C$u/pids.current
        fi ;;
    esac
fi
[ -n "$V" ] || { echo 'hw1 none not-readable'; exit 0; }
e=
case $m$u in *libpod-"$id"*) e=' libpod' I= ;; esac
(read -t 1 x) </dev/null
if [ $? -le 1 ]; then
    w=read
    nap() { read -t "$iv" x; [ $? -gt 128 ]; }
else
    w=sleep
    nap() { sleep "$iv"; }
fi
# The clock: bash's EPOCHREALTIME (no system call), else /proc/uptime; microseconds either way.
if [ -n "${EPOCHREALTIME:-}" ]; then
    eval 'now() { t=${EPOCHREALTIME//[!0-9]/}; }'
else
    now() { read -r t x </proc/uptime; t=${t%.*}${t#*.}0000; }
fi
H=0
while read -r x y z; do [ "$x" = MemTotal: ] && { H=$((y * 1024)); break; }; done </proc/meminfo
echo "hw1 v$V $w$e" || exit 0
om= ol= oc= op= pu= pt= c= n=0 j=0 i=0 l= k=
while :; do
    now
    x=
    read -r x <"$M"
    case $x in '' | *[!0-9]*) echo 'hw1 gone'; exit 0 ;; esac
    # What changes slowly is read less often: the file cache and processes every 5 s, the limit every 30 s
    # (memory.stat is read line by line, and the kernel builds it again at each new offset).
    j=$((j + 1))
    if [ $((j % 5)) = 1 ]; then
        i=0
        [ -z "$I" ] || while read -r y z; do [ "$y" = "$I" ] && { i=$z; break; }; done <"$S"
        case $i in '' | *[!0-9]*) i=0 ;; esac
        k=
        read -r k <"$P"
        case $k in *[!0-9]*) k= ;; esac
    fi
    [ "$i" -lt "$x" ] && x=$((x - i))
    if [ $((j % 30)) = 1 ]; then
        l=
        read -r l <"$L"
        [ "$l" = max ] && l=$H
        case $l in *[!0-9]*) l= ;; esac
        [ "$H" -gt 0 ] && [ -n "$l" ] && [ "$l" -gt "$H" ] && l=$H
    fi
    if [ -n "$U" ]; then
        y=
        if [ "$V" = 1 ]; then read -r y <"$U"; else read -r z y z <"$U"; fi
        case $y in '' | *[!0-9]*) y=0 ;; esac
        [ "$V" = 1 ] && y=$((y / 1000))
        [ -n "$pu" ] && [ "$t" -gt "$pt" ] && c=$(((y - pu) * 10000 / (t - pt)))
        pu=$y pt=$t
    fi
    o=
    [ "$x" = "$om" ] || { o="$o m$x"; om=$x; }
    [ -z "$l" ] || [ "$l" = "$ol" ] || { o="$o l$l"; ol=$l; }
    [ -z "$c" ] || [ "$c" = "$oc" ] || { o="$o c$c"; oc=$c; }
    [ -z "$k" ] || [ "$k" = "$op" ] || { o="$o p$k"; op=$k; }
    if [ -n "$o" ]; then
        echo "${o# }" || exit 0
        n=0
    else
        n=$((n + 1))
        [ "$n" -ge "$ka" ] && { echo . || exit 0; n=0; }
    fi
    nap || exit 0
done
)SH";

// What both file readers start with (prepended to their scripts): no error output on the channel, tools() (GNU
// tail, which --pid tells apart, and awk) and a(), awk reading a pipe line by line. mawk (Debian's awk) reads a pipe in
// blocks unless -W interactive: lines would wait for 4 KiB of followers.
const char* const kFileReaderPrelude = R"SH(
exec 2>/dev/null
tools() { command -v awk >/dev/null && tail --pid=$$ -n 0 /dev/null </dev/null >/dev/null; }
if awk -W interactive 'BEGIN { }' </dev/null >/dev/null 2>&1; then a() { awk -W interactive "$@"; }; else a() { awk "$@"; }; fi
)SH";

// The log file reader (see RemoteCommands::logFile). $1 the file, $2 the container ID (the path must hold it),
// $3 lines to read back, $4 the filter pattern (logFilterPattern()), $5 empty or the UTC second of the resume
// point (2026-12-01T17:21:35): lines of earlier seconds in UTC are not sent (the caller drops them anyway). GNU tail
// follows the file by name through inotify (rotation, truncation and a recreated file included) and ends within a
// second of this shell (--pid), which ends when the channel closes (its stdin). awk joins the pieces of a long
// line per stream before it filters, so that a line is passed on whole or not at all, and prints "hwlog first
// TIME" for the first line it reads: the caller tells from it whether the lines read back reach its resume point.
const char* const kLogFileReader = R"SH(
f=$1 id=$2 k=$3 p=$4
case $5 in '' | [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]) ;; *) echo 'hwlog none bad-arguments'; exit 0 ;; esac
case $id in '' | *[!0-9a-f]*) echo 'hwlog none bad-arguments'; exit 0 ;; esac
case $k in '' | *[!0-9]*) echo 'hwlog none bad-arguments'; exit 0 ;; esac
case $f in /*"$id"*) ;; *) echo 'hwlog none bad-path'; exit 0 ;; esac
[ -r "$f" ] || { echo 'hwlog none not-readable'; exit 0; }
tools || { echo 'hwlog none no-gnu-tail'; exit 0; }
n=$k w=tail
[ "$(tail -n $((k + 1)) -- "$f" | wc -l)" -le "$k" ] && n=+1 w=whole
echo "hwlog file $w" || exit 0
tail --pid=$$ -n "$n" -F -- "$f" | a -v p="$p" -v since="$5" '
NR == 1 {
    t = $1
    if (substr($0, 1, 1) == "{") { t = substr($0, index($0, "\"time\":\"") + 8); sub(/".*/, "", t) }
    print "hwlog first " t
}
{
    if (substr($0, 1, 1) == "{") {
        s = index($0, "\"stream\":\"stderr\"") ? 2 : 1; e = index($0, "\\n\",\"stream\":") > 0; m = $0
        t = substr($0, index($0, "\"time\":\"") + 8, 19); z = 1
    } else {
        s = $2 == "stderr" ? 2 : 1; e = $3 != "P"; m = $0; sub(/^[^ ]* [^ ]* [^ ]* ?/, "", m)
        t = substr($1, 1, 19); z = $1 ~ /(Z|[+-]00:00)$/
    }
    if (b[s] == "") x[s] = since != "" && z && t < since
    b[s] = b[s] $0 "\n"; j[s] = j[s] m
    if (e || length(b[s]) > 1048576) {
        if (!x[s] && tolower(j[s]) ~ p) { printf "%s", b[s]; fflush() }
        b[s] = ""; j[s] = ""
    }
}' &
while read -r x; do :; done
)SH";

// podman's events file follower (see RemoteCommands::eventsFile). $1 the container's name, $2 its ID, $3 the second
// (since the epoch) of its latest start, 0 when not known.
// podman with the file events logger (its default without systemd) appends every event to one file; its Docker API
// serves an events client by polling that file four times a second, which costs the server more than all
// heapwatch runs there. GNU tail follows the file by name through inotify instead (no wake-up while nothing
// happens) and awk passes on the container's lifecycle events, matched by name (a recreated container keeps
// it) or by ID. The file is the one whose lines name the container's ID: containers.conf's events_logfile_path,
// else podman's defaults for root and rootless users (HEAPWATCH_EVENTS_FILE in the server's environment
// replaces them all: the SSH tests' fixture file), and that was written since the container's latest start (its
// start event went there): a file left from before podman's events went to journald holds the container's older
// events but gets none now ("stale"). Prints "hwev file" and then the events, or only
// "hwev none REASON". Ends within a second of this shell, which ends when the channel closes (its stdin).
const char* const kEventsFileReader = R"SH(
n=$1 id=$2 s=$3
case $id in '' | *[!0-9a-f]*) echo 'hwev none bad-arguments'; exit 0 ;; esac
case $s in '' | *[!0-9]*) echo 'hwev none bad-arguments'; exit 0 ;; esac
case $n in '' | *[!A-Za-z0-9_.-]*) echo 'hwev none bad-arguments'; exit 0 ;; esac
tools && command -v grep >/dev/null || { echo 'hwev none no-gnu-tail'; exit 0; }
if [ -n "${HEAPWATCH_EVENTS_FILE:-}" ]; then
    set -- "$HEAPWATCH_EVENTS_FILE"
else
    set --
    for c in /usr/share/containers/containers.conf /etc/containers/containers.conf \
        "${XDG_CONFIG_HOME:-$HOME/.config}/containers/containers.conf" "${CONTAINERS_CONF:-}"; do
        [ -r "$c" ] || continue
        while read -r l; do
            case $l in events_logfile_path*=*) v=${l#*=}; v=${v#*[\"\']}; v=${v%[\"\']*}; set -- "$v" "$@" ;; esac
        done <"$c"
    done
    set -- "$@" /run/libpod/events/events.log "${XDG_RUNTIME_DIR:-/run/user/$(id -u)}/libpod/tmp/events/events.log"
fi
f= r=no-file
for c in "$@"; do
    case $c in /*) ;; *) continue ;; esac
    [ -e "$c" ] || continue
    [ -r "$c" ] || { r=not-readable; continue; }
    grep -qF "\"ID\":\"$id\"" "$c" || { r=no-container-events; continue; }
    [ "$(stat -c %Y -- "$c")" -ge "$s" ] || { r=stale; continue; }
    f=$c
    break
done
[ -n "$f" ] || { echo "hwev none $r"; exit 0; }
echo 'hwev file' || exit 0
tail --pid=$$ -n 0 -F -- "$f" | a -v n="\"Name\":\"$n\"" -v i="\"ID\":\"$id\"" '
(index($0, n) || index($0, i)) && /"Type":"container"/ &&
    /"Status":"(died|oom|start|restart|health_status|pause|unpause|remove)"/ { print; fflush() }' &
while read -r x; do :; done
)SH";

QStringList shArguments(const RemoteCommand& c)
{
    QStringList args;
    if (c.wrapped) {
        // --sudo: sudo runs the engine alone (sudoers can grant just /usr/bin/docker), inside the wrapper.
        const QString wrapper = c.passStdin ? QStringLiteral("exec \"$@\"")
            : c.filterLogs                  ? filteredWrapper(c.sudo, c.countLines)
                                            : plainWrapper(c.sudo);
        args << QStringLiteral("-c") << wrapper << QStringLiteral("sh");
        if (c.sudo) {
            args << QStringLiteral("sudo") << QStringLiteral("-n");
        }
        args << c.argv;
    } else {
        // A fixed script written in this file, never user data; its arguments are positional parameters.
        args << QStringLiteral("-c") << c.argv.join(QLatin1Char(' '));
        if (!c.scriptArgs.isEmpty())
            args << QStringLiteral("sh") << c.scriptArgs;
    }
    return args;
}

} // namespace

QByteArray RemoteCommand::sshCommandLine() const
{
    QStringList words;
    words << QStringLiteral("exec") << QStringLiteral("sh");
    for (const QString& a : shArguments(*this)) {
        words << RemoteCommands::shellQuote(a);
    }
    return words.join(QLatin1Char(' ')).toUtf8();
}

QString RemoteCommand::localProgram() const
{
    return QStringLiteral("/bin/sh");
}

QStringList RemoteCommand::localArguments() const
{
    return shArguments(*this);
}

RemoteCommands::RemoteCommands(QString engine, bool sudo, QString container)
    : m_engine(std::move(engine))
    , m_sudo(sudo)
    , m_container(std::move(container))
{
}

RemoteCommand RemoteCommands::make(QStringList args) const
{
    RemoteCommand c;
    c.argv = QStringList {m_engine} + args;
    c.sudo = m_sudo;
    return c;
}

RemoteCommand RemoteCommands::stats() const
{
    return make({QStringLiteral("stats"), QStringLiteral("--format"), QString::fromLatin1(DockerStatsParser::kTemplate),
                 m_container});
}

RemoteCommand RemoteCommands::logs(const QString& since, int tail, bool follow) const
{
    QStringList args {QStringLiteral("logs"),   QStringLiteral("--timestamps"), QStringLiteral("--since"), since,
                      QStringLiteral("--tail"), QString::number(tail)};
    if (follow) {
        args << QStringLiteral("--follow");
    }
    args << m_container;
    RemoteCommand c = make(args);
    c.filterLogs = true;
    c.countLines = !follow;
    return c;
}

RemoteCommand RemoteCommands::inspect() const
{
    // The log file's path as each CLI's template sees it: docker's .LogPath (also through podman's Docker API),
    // the podman CLI's .HostConfig.LogConfig.Path (it has no .LogPath: the template would fail).
    QString format = QString::fromLatin1(InspectParser::inspectTemplate());
    format.chop(1);
    format += m_engine.endsWith(QLatin1String("podman"))
        ? QStringLiteral(R"(,"LogPath":{{json .HostConfig.LogConfig.Path}}})")
        : QStringLiteral(R"(,"LogPath":{{json .LogPath}}})");
    return make({QStringLiteral("inspect"), QStringLiteral("--type"), QStringLiteral("container"),
                 QStringLiteral("--format"), format, m_container});
}

RemoteCommand RemoteCommands::events() const
{
    // Every change of the container's presence, so that inspect is asked at once (not at its next poll):
    // death, start, pause and unpause, removal. podman names the exit event "died" and the removal "remove";
    // dockerd "die" and "destroy". The docker CLI may talk to podman's Docker API, which filters on podman's
    // own names: it gets both spellings (dockerd matches values, an unknown one only matches nothing). The
    // podman CLI gets its own names only (it matches nothing for "die" either).
    const bool podman = m_engine.endsWith(QLatin1String("podman"));
    QStringList args {QStringLiteral("events"), QStringLiteral("--filter"), QStringLiteral("container=") + m_container};
    // pause and unpause change nothing but the container's state: they only make inspect ask at once, so that
    // a paused container is shown as such within a second, not at the next periodic inspect.
    QStringList kinds
        = podman ? QStringList {QStringLiteral("died")} : QStringList {QStringLiteral("die"), QStringLiteral("died")};
    kinds << QStringLiteral("oom") << QStringLiteral("start") << QStringLiteral("restart")
          << QStringLiteral("health_status") << QStringLiteral("pause") << QStringLiteral("unpause")
          << QStringLiteral("remove");
    if (!podman)
        kinds << QStringLiteral("destroy");
    for (const QString& k : kinds) {
        args << QStringLiteral("--filter") << QStringLiteral("event=") + k;
    }
    args << QStringLiteral("--format") << QStringLiteral("{{json .}}");
    return make(args);
}

bool RemoteCommands::isContainerId(const QString& id)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{12,64}$"));
    return hex.match(id).hasMatch();
}

RemoteCommand RemoteCommands::cgroupStats(qint64 pid, const QString& containerId, int intervalS, int keepaliveSamples)
{
    RemoteCommand c;
    c.wrapped = false;
    // bash when installed, else the login's sh; the loop script is $1 of the launcher, never parsed twice.
    c.argv = QStringList {QStringLiteral("s=$1; shift; if command -v bash >/dev/null 2>&1; then exec bash -c \"$s\" "
                                         "heapwatch-stats \"$@\"; fi; exec sh -c \"$s\" heapwatch-stats \"$@\"")};
    // Every argument is checked again by the loop; here they are only ever numbers and hex digits.
    c.scriptArgs
        = QStringList {QString::fromLatin1(kCgroupLoop), QString::number(qMax<qint64>(0, pid)),
                       isContainerId(containerId) ? containerId : QString(), QString::number(qBound(1, intervalS, 60)),
                       QString::number(qBound(1, keepaliveSamples, 60))};
    return c;
}

RemoteCommand RemoteCommands::logFile(const QString& path, const QString& containerId, int tailLines, qint64 sinceNs)
{
    RemoteCommand c;
    c.wrapped = false;
    c.argv = QStringList {QStringLiteral("exec sh -c \"$1\" heapwatch-logs \"$2\" \"$3\" \"$4\" \"$5\" \"$6\"")};
    const QString since = sinceNs >= 0 ? QDateTime::fromSecsSinceEpoch(sinceNs / 1000000000, QTimeZone::utc())
                                             .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"))
                                       : QString();
    c.scriptArgs = QStringList {QString::fromLatin1(kFileReaderPrelude) + QString::fromLatin1(kLogFileReader),
                                path,
                                isContainerId(containerId) ? containerId : QString(),
                                QString::number(qMax(1, tailLines)),
                                QString::fromLatin1(logFilterPattern()),
                                since};
    return c;
}

RemoteCommand RemoteCommands::eventsFile(const QString& name, const QString& containerId, qint64 startedAtMs)
{
    RemoteCommand c;
    c.wrapped = false;
    c.argv = QStringList {QStringLiteral("exec sh -c \"$1\" heapwatch-events \"$2\" \"$3\" \"$4\"")};
    // All three are checked again by the script: a name of the characters engines allow, an ID of hex digits, the
    // start second of decimal digits.
    static const QRegularExpression plainName(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]*$"));
    c.scriptArgs = QStringList {QString::fromLatin1(kFileReaderPrelude) + QString::fromLatin1(kEventsFileReader),
                                plainName.match(name).hasMatch() ? name : QString(),
                                isContainerId(containerId) ? containerId : QString(),
                                QString::number(startedAtMs > 0 ? startedAtMs / 1000 : 0)};
    return c;
}

RemoteCommand RemoteCommands::detectEngine()
{
    RemoteCommand c;
    c.wrapped = false;
    // Unquoted on purpose: this is a fixed shell snippet, not an argument list.
    c.argv = QStringList {QStringLiteral("command -v docker || command -v podman")};
    return c;
}

QString RemoteCommands::localEngine()
{
    for (const char* candidate : {"docker", "podman"}) {
        if (!QStandardPaths::findExecutable(QString::fromLatin1(candidate)).isEmpty()) {
            return QString::fromLatin1(candidate);
        }
    }
    return {};
}

QString RemoteCommands::shellQuote(const QString& arg)
{
    QString out;
    out.reserve(arg.size() + 2);
    out += QLatin1Char('\'');
    for (const QChar c : arg) {
        if (c == QLatin1Char('\'')) {
            out += QLatin1String("'\\''");
        } else {
            out += c;
        }
    }
    out += QLatin1Char('\'');
    return out;
}

QString RemoteCommands::rfc3339Nano(qint64 ns)
{
    return QString::fromLatin1(EngineLogFile::rfc3339Nano(ns));
}

const char* RemoteCommands::logFilterPattern()
{
    return "memory: *rss=|cache stats|buffer overflow|warn|error|fatal|out of memory|compil|fast refresh|webpack|"
           "turbopack|hmr|next dev";
}

} // namespace heapwatch
