// The command lines heapwatch runs on a server (or locally) for one container. Every command is wrapped so
// that it ends with its channel: the docker CLI ignores SIGTERM while streaming, and an idle `logs -f` or
// `events` never writes, so it would never get SIGPIPE; the wrapper watches its stdin (kept open by the SSH
// channel or QProcess) and kills the command when stdin closes.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace heapwatch {

struct RemoteCommand
{
    QStringList argv; // the engine invocation: {"docker", "logs", "--timestamps", …}
    bool sudo = false; // run the engine (not the wrapper, not a shell) as `sudo -n ENGINE …`
    bool filterLogs = false; // pass stdout and stderr through RemoteCommands::logFilterPattern() if grep can
    // With filterLogs, for a history read that ends (not a follower): each stream ends with a line
    // "<kLineCountMarker> N", N the lines the engine wrote before the filter, so that a --tail cut is seen.
    bool countLines = false;
    bool wrapped = true; // false only for the fixed scripts below (argv is then the script itself)
    QStringList scriptArgs; // unwrapped: the script's positional parameters ($1 …), each quoted on its own
    // The command reads the channel's stdin itself (`docker exec -i` of the snapshot helper): no watchdog,
    // the command sees the channel close as the end of its stdin and stops by itself.
    bool passStdin = false;

    // The string for ssh_channel_request_exec: `exec sh -c '<wrapper>' sh 'docker' 'logs' …`, every argument
    // single-quoted, so the login shell (bash, dash, zsh, fish, csh) only ever sees quoted words.
    QByteArray sshCommandLine() const;
    // Program and arguments for QProcess on this machine (no login shell involved).
    QString localProgram() const;
    QStringList localArguments() const;
};

class RemoteCommands
{
public:
    static constexpr const char* kLineCountMarker = "heapwatch-lines-read";

    // engine: "docker" or "podman" (the program name looked up in the server's PATH).
    RemoteCommands(QString engine, bool sudo, QString container);

    const QString& engine() const { return m_engine; }
    const QString& container() const { return m_container; }

    // `stats --format kTemplate CONTAINER`: streams a frame every ~0.5 s; its silence means a dead link.
    RemoteCommand stats() const;
    // `logs --timestamps --since SINCE --tail TAIL [-f] CONTAINER`, filtered server-side when possible.
    // since: an RFC 3339 timestamp or a duration such as "3600s".
    RemoteCommand logs(const QString& since, int tail, bool follow) const;
    // `inspect --type container --format <InspectParser::inspectTemplate()> CONTAINER`.
    RemoteCommand inspect() const;
    // `events --filter container=… --filter event=die|oom|start|restart|health_status|pause|unpause
    // --format '{{json .}}'`.
    RemoteCommand events() const;

    // The container's stats without the engine: one long-lived shell loop that reads the cgroup files of the
    // container's process (pid, from inspect; the cgroup path must contain containerId) with builtins only,
    // once every intervalS seconds, and prints only what changed (CgroupStatsParser reads it), or "." after
    // keepaliveSamples quiet samples. bash where the server has it (`read -t` on stdin sleeps without a process
    // and ends the loop when the channel closes), else sh with `sleep`. Not wrapped, never sudo: the cgroup
    // files are world-readable. HEAPWATCH_CGROUP_ROOT and HEAPWATCH_PROC_ROOT in the server's environment
    // replace /sys/fs/cgroup and /proc (the SSH tests' fixture files).
    static RemoteCommand cgroupStats(qint64 pid, const QString& containerId, int intervalS, int keepaliveSamples);
    // The container ID as the loop accepts it: 12 to 64 lowercase hex digits.
    static bool isContainerId(const QString& id);

    // The container's log without the engine: follows the engine's log file (inspect's LogPath; json-file or
    // k8s-file, EngineLogFile reads both) with GNU tail, from tailLines lines back (from its start when it has
    // no more), filtered as logs() is, without the lines of seconds before sinceNs (-1: none) where the file
    // says UTC. Prints "hwlog file tail|whole" first, then "hwlog first TIME" (the first
    // line read back), then the file's lines; or only "hwlog none REASON" when it cannot (not readable by the
    // login user, no GNU tail, a path without the container ID): the caller then uses `logs -f`. Never sudo.
    static RemoteCommand logFile(const QString& path, const QString& containerId, int tailLines, qint64 sinceNs);

    // The container's events without the engine, where podman writes them to a file (its file events logger):
    // follows that file with GNU tail and passes on the lifecycle events events() asks for, of the container
    // named name or with the ID containerId, as the podman CLI's `events --format '{{json .}}'` prints them
    // (EventParser reads both). Prints "hwev file" first, or only "hwev none REASON" when there is no such file
    // with the container's events in it that the login user can read and that was written since the container
    // started at startedAtMs (a Docker host, podman with journald, a root engine for a user's login): the caller
    // then runs events(). Never sudo.
    static RemoteCommand eventsFile(const QString& name, const QString& containerId, qint64 startedAtMs);

    // Prints the path of docker, else of podman; exits 1 when neither is installed.
    static RemoteCommand detectEngine();
    // The same choice on this machine: "docker", else "podman", else empty.
    static QString localEngine();

    // POSIX single quoting: 'it'\''s'. Safe for any string in sh, bash, dash, zsh, ksh and fish.
    static QString shellQuote(const QString& arg);
    // ns since the epoch → "2026-11-27T12:20:33.882071633Z", what `--since` accepts on both CLIs.
    static QString rfc3339Nano(qint64 ns);
    // The lines the core needs, for `grep -aiE`: memory, cache and overflow lines, warnings and errors,
    // Next.js development-mode lines and Node's heap OOM. Everything else stays on the server.
    static const char* logFilterPattern();

private:
    RemoteCommand make(QStringList args) const;

    QString m_engine;
    bool m_sudo = false;
    QString m_container;
};

} // namespace heapwatch
