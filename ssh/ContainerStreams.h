// Everything heapwatch runs for one container, independent of how commands are run (SSH channel or local
// process): inspect first (does the container exist, what engine answers), then the log backfill
// (`logs --since`), the log follower, the stats stream and the events stream; periodic inspects; restarts
// of commands that end; parsing in the calling (worker) thread; batching at most four batches a second.
#pragma once

#include "DockerStatsParser.h"
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
    int inspectIntervalMs = 30000;
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
        std::function<void(const QString&)> failed; // permanent: no such container, no engine, no permission
    };

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
    bool isAttached() const { return m_runner != nullptr; }
    QString engine() const;
    // Liveness input: when the stats stream last delivered bytes (monotonic ms), and whether it is running.
    bool statsRunning() const { return m_roles[Stats].running; }
    qint64 statsQuietForMs() const;
    quint64 bytesReceived() const { return m_bytesTotal; }
    quint64 duplicatesDropped() const { return m_resumer.duplicatesDropped(); }

private:
    struct RoleState
    {
        bool running = false;
        qint64 startedMs = 0;
        qint64 nextStartMs = -1; // scheduled (re)start, -1: none
        int quickExits = 0; // consecutive short runs, for the restart backoff
        QByteArray partial[2];
        QByteArray out; // Inspect: the whole JSON
        QByteArray err; // last bytes of stderr, for messages
    };

    qint64 now() const { return m_clock.elapsed(); }
    void start(Role role);
    void schedule(Role role, qint64 delayMs);
    void scheduleAfterExit(Role role, qint64 baseMs, qint64 maxMs);
    void fail(const QString& message);
    void handleLogBytes(Role role, LogStream stream, QByteArrayView bytes);
    void handleLogLine(QByteArrayView line, LogStream stream, bool backfill);
    void handleEventBytes(QByteArrayView bytes);
    void inspectFinished(int exitStatus);
    void logsFinished(Role role, int exitStatus);
    void startStreams();
    void flush(bool force);
    QString describeError(const QByteArray& err, int exitStatus) const;

    StreamsConfig m_config;
    Callbacks m_callbacks;
    CommandRunner* m_runner = nullptr;
    std::optional<RemoteCommands> m_commands;
    std::array<RoleState, RoleCount> m_roles;
    QElapsedTimer m_clock;

    LogParser m_logParser;
    DockerStatsParser m_statsParser;
    LogResumer m_resumer;
    ParseCounters m_logCountersSent;
    ParseCounters m_statsCountersSent;

    IngestBatch m_live;
    std::vector<LogRecord> m_backfillLogs;
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
    qint64 m_synthesizedStartMs = -1;
};

} // namespace heapwatch
