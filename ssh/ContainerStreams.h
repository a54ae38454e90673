// Everything heapwatch runs for one container, independent of how commands are run (SSH channel or local
// process): inspect first (does the container exist, what engine answers), then the log backfill
// (`logs --since`), the log follower, the stats stream and the events stream; periodic inspects; restarts
// of commands that end; parsing in the calling (worker) thread; a batch every 250 ms, or sooner when full.
//
// A log line takes one path: LogParser splits the bytes and reads the engine's timestamp, the LogResumer
// (through a LineGate) drops what a resumed follower repeats, and only then is the line parsed.
//
// Overload (a log flood the consumer cannot keep up with): a batch carries at most kMaxBatchRecords log
// records, and no batch is handed over while the consumer says it holds enough (Callbacks::canDeliver).
// Meanwhile the pending batch coalesces: once it holds kMaxBatchRecords live records, every further record
// replaces the held latest record of its kind (the latest Memory, Cache, overflow, … line: what charts, flags
// and the log panel need most), and each record so replaced counts as skipped in ParseCounters::skipped.
// Pending data in the worker is therefore bounded (one batch plus one record per kind), and every line is
// either delivered or counted. The history read on connect is never skipped: it is bounded by --tail.
#pragma once

#include "CgroupStatsParser.h"
#include "DockerStatsParser.h"
#include "LogFileFollow.h"
#include "LogParser.h"
#include "LogResumer.h"
#include "RemoteCommands.h"
#include "Source.h"

#include <QElapsedTimer>
#include <array>
#include <functional>
#include <optional>

namespace heapwatch {

// How ContainerStreams starts and stops its commands. Output comes back through onOutput()/onFinished().
class CommandRunner
{
public:
    virtual ~CommandRunner() = default;
    virtual bool startCommand(int role, const RemoteCommand& command, QString* error) = 0;
    virtual void stopCommand(int role) = 0;
};

struct StreamsConfig
{
    QString container;
    QString engine; // forced "docker"/"podman", empty: detected
    bool sudo = false;
    qint64 sinceSeconds = 3600;
    int backfillMaxLines = 100000; // --tail for every logs run: history is always bounded
    int inspectIntervalMs = 30000; // while the events stream is down; with it, inspect follows its events
    bool cgroupStats = true; // the cgroup loop where it can read the container's cgroup, else `docker stats`
    bool logFile = true; // follow the engine's log file where it is readable, else `docker logs -f`
    bool eventsFile = true; // follow podman's events file where it holds the container's events, else `docker events`
    int statsIntervalS = 1; // the cgroup loop's pace
    int statsKeepaliveSamples = 4; // quiet samples before the loop says "." (the link's liveness needs data)
    QString hostLabel; // for messages: "127.0.0.1:2222" or "this machine"
};

class ContainerStreams
{
public:
    enum Role
    {
        Inspect,
        LogsBackfill,
        LogsFollow,
        Stats,
        Events,
        RoleCount
    };

    // Container restarts reach the batches as ContainerEvents: from the events stream (a `docker restart`
    // gives Die, Start, Restart; a crash with a restart policy Die, Start), or, when the events stream missed
    // it (disconnected, engine without events), one Start synthesised from inspect (StartedAt changed or
    // RestartCount grew; detail says "detected by inspect"). So: one Start per (re)start of the container.
    struct Callbacks
    {
        std::function<void(IngestBatch&&)> batch;
        std::function<void()> backfillFinished; // once per lifetime
        std::function<void(const QString&)> failed; // permanent: no engine on the host
        // The container's presence changed (running, stopped, absent, …): read presence()/presenceMessage().
        std::function<void()> presenceChanged;
        // False while the consumer holds as many batches as it can take (TargetLink::canTakeBatch): batches
        // are held back and coalesced. Unset: always true.
        std::function<bool()> canDeliver;
    };

    // Applying a batch in the GUI thread stays a matter of milliseconds, whatever arrives in one read.
    static constexpr size_t kMaxBatchRecords = 1000;
    // docker stats samples kept while batches are held back (two minutes of frames); older ones are skipped.
    static constexpr size_t kMaxPendingStats = 240;

    ContainerStreams(StreamsConfig config, Callbacks callbacks);

    // A connection is up: start (or resume) everything. detectedEngine: "docker", "podman" or empty.
    void attach(CommandRunner* runner, const QString& detectedEngine);
    // The connection is gone with all its commands; partial lines are dropped (the resume re-reads them).
    void detach();

    void onOutput(int role, LogStream stream, QByteArrayView bytes);
    void onFinished(int role, int exitStatus);
    // Timers: command restarts, periodic inspect, batch flushing. Call every ≤ 100 ms.
    void tick();

    void setHostLabel(const QString& label) { m_config.hostLabel = label; }
    bool isFailed() const { return m_failed; }
    // What the last inspect said: a stopped, paused or absent container, or an engine error, with a message
    // for people ("waiting for container 'badger' on …"); empty while it runs.
    ConnectionStatus::Container presence() const { return m_presence; }
    const QString& presenceMessage() const { return m_presenceMessage; }
    // `stats` lines with no value ("--": the engine had no fresh figures) are not samples; counted here.
    quint64 statsPlaceholders() const { return m_statsPlaceholders; }
    bool isAttached() const { return m_runner != nullptr; }
    QString engine() const;
    // Liveness input: when the stats stream last delivered bytes (monotonic ms), and whether it is running.
    bool statsRunning() const { return m_roles[Stats].running; }
    bool roleRunning(Role role) const { return m_roles[size_t(role)].running; }
    qint64 statsStartedWallMs() const { return m_statsStartedWallMs; }
    // True while the stats role runs the cgroup loop (not `docker stats`).
    bool statsViaCgroup() const { return m_roles[Stats].running && m_statsViaCgroup; }
    // "cgroup v1 (read -t)", "docker stats (cgroup not readable: REASON)", …: where the figures come from.
    QString statsSource() const;
    // "log file", "docker logs -f (log file: not-readable)", …: how the log is followed; empty when it is not.
    QString logsSource() const { return m_logFile.source(m_roles[LogsFollow].running); }
    // "events file", "docker events", "docker events (events file: not-readable)", …; empty when none runs.
    QString eventsSource() const;
    // The running streams and the container's presence, as the connection status carries them.
    void describe(ConnectionStatus& status) const;
    qint64 statsQuietForMs() const;
    quint64 bytesReceived() const { return m_bytesTotal; }
    quint64 duplicatesDropped() const { return m_resumer.duplicatesDropped(); }
    // Log line hashes computed: at most one per line read (the resume dedupe and the record share it).
    quint64 linesHashed() const { return m_backfillParser.hashesComputed() + m_followParser.hashesComputed(); }
    // Log records skipped because the consumer could not keep up (also sent in ParseCounters::skipped).
    quint64 linesSkipped() const { return m_skipped; }

private:
    struct RoleState
    {
        bool running = false;
        qint64 startedMs = 0;
        qint64 nextStartMs = -1; // scheduled (re)start, -1: none
        int quickExits = 0; // consecutive short runs, for the restart backoff
        QByteArray partial; // Events: a line not complete yet (the logs' partial lines are their LogParser's)
        QByteArray out; // Inspect: the whole JSON
        QByteArray err; // last bytes of stderr, for messages
    };

    qint64 now() const { return m_clock.elapsed(); }
    void start(Role role);
    void schedule(Role role, qint64 delayMs);
    void scheduleAfterExit(Role role, qint64 baseMs, qint64 maxMs);
    void fail(const QString& message);
    // Between splitting and parsing a log line: the backfill's count lines, the CLI's own messages and the
    // resume dedupe.
    class LogGate : public LineGate
    {
    public:
        LogGate(ContainerStreams& streams, bool backfill)
            : m_streams(streams)
            , m_backfill(backfill)
        {
        }
        bool admit(const LogLine& line) override { return m_streams.admitLogLine(line, m_backfill); }
        void parsed() override { m_streams.passFullBatchOn(m_backfill); }

    private:
        ContainerStreams& m_streams;
        bool m_backfill;
    };
    LogParser& logParser(Role role) { return role == LogsBackfill ? m_backfillParser : m_followParser; }
    void handleLogBytes(Role role, LogStream stream, QByteArrayView bytes);
    void handleLogFileBytes(LogStream stream, QByteArrayView bytes);
    bool admitLogLine(const LogLine& line, bool backfill);
    void passFullBatchOn(bool backfill);
    void handleEventBytes(QByteArrayView bytes);
    void inspectFinished(int exitStatus);
    void inspectFailed(int exitStatus, const QByteArray& err, const QString& parseError);
    void setPresence(ConnectionStatus::Container presence, const QString& message);
    void restart(Role role);
    void stopRole(Role role);
    bool mayRun(Role role) const;
    void feedStats(QByteArrayView bytes);
    void feedCgroupStats(QByteArrayView bytes);
    void pushStats(std::vector<StatsSample>& samples);
    bool mayUseCgroup(QString* whyNot) const;
    bool mayUseEventsFile() const;
    QString currentId() const; // the container's ID from the last good inspect, empty before one
    QString startKey() const;
    void armPeriodicInspect();
    void logsFinished(Role role, int exitStatus);
    void startStreams();
    void flush(bool force);
    void deliver(bool force);
    bool consumerReady() const { return !m_callbacks.canDeliver || m_callbacks.canDeliver(); }
    void relieve();
    void hold(LogRecord&& record);
    bool hasHeld() const;
    void insertHeld(std::vector<LogRecord>& logs);
    QString describeError(const QByteArray& err, int exitStatus) const;

    StreamsConfig m_config;
    Callbacks m_callbacks;
    CommandRunner* m_runner = nullptr;
    std::optional<RemoteCommands> m_commands;
    std::array<RoleState, RoleCount> m_roles;
    QElapsedTimer m_clock;

    // One per logs command, each with its own partial lines; both are `logs --timestamps`.
    LogParser m_backfillParser {LogParser::Timestamps::Engine};
    LogParser m_followParser {LogParser::Timestamps::Engine};
    DockerStatsParser m_statsParser;
    CgroupStatsParser m_cgroupParser;
    bool m_statsViaCgroup = false; // the running (or last) stats command is the cgroup loop
    QString m_cgroupFallback; // why `docker stats` runs instead of the loop (for the connection details)
    QString m_cgroupFailedFor; // the container start (startKey()) on which the loop could not read the cgroup
    bool m_eventsViaFile = false; // the running (or last) events command follows podman's events file
    bool m_eventsFileAnswered = false; // it printed its "hwev" line
    QString m_eventsFallback; // why `docker events` runs instead of the file reader (its reason), empty: none
    QString m_eventsFileReason; // the reader's word for why it found no file to follow ("no-file", "stale", …)
    QString m_eventsFileFailedFor; // the container ID for which the file reader found no file to follow
    LogResumer m_resumer;
    LogFileFollow m_logFile;
    bool m_restartFollower = false; // the file reader gave up: the follower starts again (with the engine) at tick()
    ParseCounters m_logCountersSent;
    ParseCounters m_statsCountersSent;

    IngestBatch m_live;
    qint64 m_backfillLines = 0; // timestamped lines of the backfill run, to tell whether --tail cut it
    qint64 m_backfillFirstNs = -1;
    qint64 m_backfillLinesRead = 0; // lines the engine wrote before the server-side filter (its count lines)
    std::vector<LogRecord> m_backfillLogs;
    // Overload: the latest record of each LogKind that did not fit into m_live, and what was skipped.
    std::array<std::optional<LogRecord>, size_t(LogKind::Gc) + 1> m_held;
    quint64 m_skipped = 0;
    quint64 m_statsSkipped = 0;
    bool m_backfillFinishPending = false; // the backfill ended; signalled once its records are delivered
    quint64 m_bytesTotal = 0;
    quint64 m_bytesSent = 0;
    qint64 m_lastFlushMs = 0;
    qint64 m_lastStatsBytesMs = -1;
    qint64 m_nextInspectMs = -1;

    std::optional<ContainerInfo> m_info;
    bool m_streamsStarted = false; // this attach got a good inspect and started the streams
    bool m_backfillDone = false;
    bool m_backfillSignalled = false;
    bool m_failed = false;
    bool m_startEventSinceInspect = false;
    ConnectionStatus::Container m_presence = ConnectionStatus::Container::Unknown;
    QString m_presenceMessage;
    int m_inspectFailures = 0; // consecutive, for the backoff of a failing engine
    QString m_statsStartedFor; // container id + StartedAt the running `stats` was started for
    qint64 m_lastValidStatsMs = -1;
    quint64 m_statsPlaceholders = 0;
    qint64 m_statsStartedWallMs = -1;
    qint64 m_synthesizedStartMs = -1;
};

} // namespace heapwatch
