// A source of bytes about one target (demo, replay file, SSH host, local docker). Sources parse off the GUI
// thread and hand over value-type batches through queued signals; the state model applies them.
#pragma once

#include "Samples.h"

#include <QObject>
#include <QString>
#include <array>
#include <functional>
#include <optional>
#include <vector>

namespace heapwatch {

// Everything a source learned since its last batch.
struct IngestBatch
{
    std::vector<LogRecord> logs;
    std::vector<StatsSample> stats;
    std::optional<ContainerInfo> info;
    std::vector<ContainerEvent> events;
    std::vector<LogGap> gaps; // log history an outage left unread
    ParseCounters logCounters; // deltas since the previous batch
    ParseCounters statsCounters;
    quint64 bytesReceived = 0; // delta
    bool backfill = false; // history read on connect, not live data
    // A replay's Memory lines, which its parsing threads leave out of logs (LogParser::setMemoryRows): the rows
    // as the process ring stores them (rowsBefore tells where they were among logs). The state ends the same
    // either way.
    MemoryRows memoryRows;
    // Set only where every batch of a read is applied before anything reads the state (Source::readHistory): at
    // least this many problems (records of a kind TargetState::addsProblem names) follow this batch's in the
    // batches still to come. Their problems push this batch's out of the list, whose texts are then not made.
    quint32 problemsAfter = 0;

    bool isEmpty() const
    {
        return logs.empty() && stats.empty() && !info && events.empty() && gaps.empty() && memoryRows.rows.empty()
            && !memoryRows.last && memoryRows.cacheRows.empty() && !memoryRows.lastCache;
    }
};

struct ConnectionStatus
{
    enum class State : quint8
    {
        Idle,
        Connecting,
        Connected,
        Reconnecting, // retryInSeconds says when
        AuthenticationFailed,
        HostKeyRefused,
        Failed, // a permanent error (bad target, no docker, …): message says why
        Finished, // a finite source (replay) delivered everything
    };
    // What the engine says about the container while the connection is up: a stopped, paused or absent
    // container is a state of the target, not a failure (it is watched until it is back).
    enum class Container : quint8
    {
        Unknown,
        Running,
        Paused,
        Stopped,
        Absent, // no container by that name (removed, not created yet): waiting for it
        EngineError, // the engine did not answer (daemon down, permission): retried with backoff
    };
    State state = State::Idle;
    Container container = Container::Unknown;
    QString host;
    QString engine; // docker, podman, demo, replay
    QString message;
    int reconnects = 0;
    int retryInSeconds = 0;
    quint64 bytesReceived = 0;
    // Which of the container's streaming commands run now (their data flow is judged by StreamHealth).
    bool statsRunning = false;
    bool logsRunning = false; // the log follower
    bool eventsRunning = false;
    qint64 statsRunningSinceMs = -1; // wall clock
    // Where the container's figures come from: "cgroup v2 (read -t)", "docker stats (cgroup not readable:
    // not-readable)", … Empty for sources without a stats stream.
    QString statsSource;
    // How the log is followed: "log file" (the engine's log file, read on the server without the engine) or
    // "docker logs -f (REASON)". Empty while no follower runs.
    QString logsSource;
    // Where the container's events come from: "events file" (podman's, followed on the server without the
    // engine), "docker events" or "docker events (events file: REASON)". Empty while no events stream runs.
    QString eventsSource;

    // Where each stream's data comes from, as "stats: …", "logs: …", "events: …": the known ones, in that order
    // (the status panel's tooltip, check's Sources line). Server text, as it came.
    QStringList sourceLines() const;
};

QString toString(ConnectionStatus::State state);
QString toString(ConnectionStatus::Container container);

class Source : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~Source() override = default;

    // Both are called in the thread the source lives in. stop() ends every stream it started.
    virtual void start() = 0;
    virtual void stop() = 0;
    // "demo/pangolin", "ssh://ops@web1/pangolin", "replay:/path/file.log"
    virtual QString targetName() const = 0;
    // Live sources are judged at the wall clock; a finite one (a saved log) at the time of its last data.
    virtual bool isLive() const { return true; }
    // Sources that hold their whole history (the demo host, a saved log) hand it to sink at once, in the
    // calling thread, instead of streaming (`check`). The sink applies every batch before anything reads the state
    // (IngestBatch::problemsAfter). False and *error for the others or when it cannot be read.
    virtual bool readHistory(const std::function<void(const IngestBatch&)>& sink, QString* error);

Q_SIGNALS:
    void batchReady(const heapwatch::IngestBatch& batch);
    void connectionChanged(const heapwatch::ConnectionStatus& status);
    // The history read on connect (`--since`) has been delivered; live data follows. Finite sources emit
    // it once everything is delivered.
    void backfillFinished();
};

} // namespace heapwatch

Q_DECLARE_METATYPE(heapwatch::IngestBatch)
Q_DECLARE_METATYPE(heapwatch::ConnectionStatus)
