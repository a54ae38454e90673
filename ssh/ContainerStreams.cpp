#include "ContainerStreams.h"

#include "InspectParser.h"
#include "PlainText.h"

#include <QDateTime>
#include <algorithm>
#include <limits>
#include <utility>

namespace heapwatch {

namespace {

constexpr qint64 kFlushIntervalMs = 250;
constexpr qsizetype kMaxInspectBytes = 1 << 20;
constexpr qsizetype kMaxErrBytes = 4096;
// While the container is absent or stopped, inspect polls at this pace (the events stream usually tells sooner).
constexpr qint64 kAbsentPollMs = 5000;
// An engine that fails to answer is asked again after 2 s, 4 s, … up to this.
constexpr qint64 kMaxEngineRetryMs = 10 * 60 * 1000;
// A `stats` that prints only "--" this long for a running container lost its source (the docker CLI does
// not re-attach after its stream ended): it is started again.
constexpr qint64 kStatsWithoutValuesMs = 20000;
// An events command that ends after running this long was cut by the engine.
constexpr qint64 kEngineCutAfterMs = 5000;
// While the events stream runs, every change of the container reaches us as an event that asks inspect at
// once: the periodic inspect (a CLI process on the server and a request to the engine) is only a safety net.
constexpr qint64 kInspectWithEventsMs = 10 * 60 * 1000;

qint64 wallMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

void keepTail(QByteArray& buffer, QByteArrayView more, qsizetype max)
{
    buffer.append(more.data(), more.size());
    if (buffer.size() > max) {
        buffer.remove(0, buffer.size() - max);
    }
}

bool isZero(const ParseCounters& c)
{
    return c.lines == 0 && c.bytes == 0 && c.skipped == 0;
}

} // namespace

ContainerStreams::ContainerStreams(StreamsConfig config, Callbacks callbacks)
    : m_config(std::move(config))
    , m_callbacks(std::move(callbacks))
{
    m_clock.start();
}

QString ContainerStreams::engine() const
{
    return m_commands ? m_commands->engine() : m_config.engine;
}

qint64 ContainerStreams::statsQuietForMs() const
{
    const RoleState& s = m_roles[Stats];
    if (!s.running) {
        return 0;
    }
    const qint64 since = m_lastStatsBytesMs > s.startedMs ? m_lastStatsBytesMs : s.startedMs;
    return now() - since;
}

void ContainerStreams::attach(CommandRunner* runner, const QString& detectedEngine)
{
    if (m_failed) {
        return;
    }
    const QString engine = m_config.engine.isEmpty() ? detectedEngine : m_config.engine;
    if (engine.isEmpty()) {
        fail(QStringLiteral("neither docker nor podman was found in the PATH on %1").arg(m_config.hostLabel));
        return;
    }
    m_runner = runner;
    m_commands.emplace(engine, m_config.sudo, m_config.container);
    m_streamsStarted = false;
    m_inspectFailures = 0;
    m_statsStartedFor.clear();
    for (auto& r : m_roles) {
        r = RoleState {};
    }
    start(Inspect);
}

void ContainerStreams::detach()
{
    m_runner = nullptr;
    for (auto& r : m_roles) {
        r = RoleState {};
    }
    // Partial lines go: the next run re-reads them from --since.
    m_backfillParser.dropPartialLines();
    m_followParser.dropPartialLines();
    m_restartFollower = false;
    m_logFile.setRunning(false);
    m_streamsStarted = false;
    m_statsStartedFor.clear();
    m_presence = ConnectionStatus::Container::Unknown;
    m_presenceMessage.clear();
    flush(true);
}

void ContainerStreams::fail(const QString& message)
{
    if (m_failed) {
        return;
    }
    m_failed = true;
    if (m_runner) {
        for (int role = 0; role < RoleCount; ++role) {
            if (m_roles[size_t(role)].running) {
                m_runner->stopCommand(role);
            }
            m_roles[size_t(role)] = RoleState {};
        }
    }
    flush(true);
    if (m_callbacks.failed) {
        m_callbacks.failed(message);
    }
}

void ContainerStreams::start(Role role)
{
    RoleState& r = m_roles[role];
    r.nextStartMs = -1;
    if (!m_runner || r.running || m_failed || !mayRun(role)) {
        return;
    }
    RemoteCommand command;
    switch (role) {
    case Inspect:
        command = m_commands->inspect();
        break;
    case Stats: {
        QString whyNot;
        m_statsViaCgroup = mayUseCgroup(&whyNot);
        if (m_statsViaCgroup) {
            command = RemoteCommands::cgroupStats(m_info->pid, m_info->id, m_config.statsIntervalS,
                                                  m_config.statsKeepaliveSamples);
            m_cgroupParser.reset(m_info->id, m_info->name);
        } else {
            command = m_commands->stats();
            m_cgroupFallback = whyNot;
        }
        m_statsStartedFor = startKey();
        m_lastValidStatsMs = -1;
        m_statsStartedWallMs = wallMs();
        break;
    }
    case Events:
        m_eventsViaFile = mayUseEventsFile();
        m_eventsFileAnswered = false;
        command = m_eventsViaFile ? RemoteCommands::eventsFile(m_config.container, m_info->id, m_info->startedAtMs)
                                  : m_commands->events();
        break;
    case LogsBackfill:
        command = m_commands->logs(QStringLiteral("%1s").arg(m_config.sinceSeconds), m_config.backfillMaxLines, false);
        break;
    case LogsFollow: {
        const qint64 from = m_resumer.resumeFromNs();
        QString whyNot;
        m_logFile.setRunning(false);
        if (m_config.logFile && m_info && m_logFile.mayUse(*m_info, &whyNot)) {
            // Without a line to resume from (the history read found none): the lines of the last sinceSeconds
            // among those read back, as the engine's relative --since gives them.
            command = from >= 0 ? m_logFile.begin(*m_info, from, true)
                                : m_logFile.begin(*m_info, (wallMs() - m_config.sinceSeconds * 1000) * 1000000, false);
            break;
        }
        const QString since
            = from >= 0 ? RemoteCommands::rfc3339Nano(from) : QStringLiteral("%1s").arg(m_config.sinceSeconds);
        command = m_commands->logs(since, m_config.backfillMaxLines, true);
        break;
    }
    case RoleCount:
        return;
    }
    if (role == LogsBackfill) {
        m_resumer.beginRun();
        m_backfillLines = 0;
        m_backfillFirstNs = -1;
        m_backfillLinesRead = 0;
    } else if (role == LogsFollow) {
        m_resumer.beginRun(m_resumer.resumeFromNs());
    }
    r.partial.clear();
    if (role == LogsBackfill || role == LogsFollow) {
        logParser(role).dropPartialLines();
    }
    r.out.clear();
    r.err.clear();
    QString error;
    if (!m_runner->startCommand(role, command, &error)) {
        // No channel now (refused by the server, or the transport is failing): the runner paces the attempts
        // per host; this role asks again later.
        schedule(role, 2000);
        return;
    }
    r.running = true;
    r.startedMs = now();
}

void ContainerStreams::schedule(Role role, qint64 delayMs)
{
    RoleState& r = m_roles[role];
    const qint64 at = now() + delayMs;
    if (r.nextStartMs < 0 || at < r.nextStartMs) {
        r.nextStartMs = at;
    }
}

void ContainerStreams::scheduleAfterExit(Role role, qint64 baseMs, qint64 maxMs)
{
    RoleState& r = m_roles[role];
    // A command that ran a while is restarted quickly; one that keeps ending at once backs off.
    r.quickExits = now() - r.startedMs < 10000 ? r.quickExits + 1 : 0;
    const qint64 delay = qMin(maxMs, baseMs << qMin(r.quickExits, 6));
    r.running = false;
    schedule(role, delay);
}

void ContainerStreams::onOutput(int role, LogStream stream, QByteArrayView bytes)
{
    if (role < 0 || role >= RoleCount || m_failed) {
        return;
    }
    m_bytesTotal += quint64(bytes.size());
    RoleState& r = m_roles[size_t(role)];
    switch (Role(role)) {
    case Inspect:
        if (stream == LogStream::Stdout) {
            r.out.append(bytes.data(), qMin(bytes.size(), kMaxInspectBytes - r.out.size()));
        } else {
            keepTail(r.err, bytes, kMaxErrBytes);
        }
        break;
    case LogsBackfill:
    case LogsFollow:
        handleLogBytes(Role(role), stream, bytes);
        break;
    case Stats:
        if (stream == LogStream::Stdout) {
            if (m_statsViaCgroup)
                feedCgroupStats(bytes);
            else
                feedStats(bytes);
        } else {
            keepTail(r.err, bytes, kMaxErrBytes);
        }
        break;
    case Events:
        if (stream == LogStream::Stdout) {
            handleEventBytes(bytes);
        } else {
            keepTail(r.err, bytes, kMaxErrBytes);
        }
        break;
    case RoleCount:
        break;
    }
}

void ContainerStreams::feedStats(QByteArrayView bytes)
{
    m_lastStatsBytesMs = now();
    std::vector<StatsSample> samples;
    m_statsParser.feed(bytes, wallMs(), samples);
    std::vector<StatsSample> measured;
    for (StatsSample& sample : samples) {
        // "--" in every column: the CLI had no figures within 2 s (docker resets its row to "--" then, and
        // podman's Docker API sends stats only every 5 s; a stopped container shows "--" for ever). Not a
        // measurement: delivering it would replace the last real one with nothing.
        if (!isKnown(sample.cpuPercent) && !isKnown(sample.memUsageBytes)) {
            ++m_statsPlaceholders;
            continue;
        }
        m_lastValidStatsMs = now();
        measured.push_back(std::move(sample));
    }
    pushStats(measured);
}

void ContainerStreams::feedCgroupStats(QByteArrayView bytes)
{
    m_lastStatsBytesMs = now();
    std::vector<StatsSample> samples;
    m_cgroupParser.feed(bytes, wallMs(), samples);
    if (!samples.empty())
        m_lastValidStatsMs = now();
    pushStats(samples);
    if (m_cgroupParser.state() == CgroupStatsParser::State::Gone)
        schedule(Inspect, 500); // the cgroup went with the container: the next start has a new PID
}

void ContainerStreams::pushStats(std::vector<StatsSample>& samples)
{
    for (StatsSample& sample : samples)
        m_live.stats.push_back(std::move(sample));
    if (m_live.stats.size() > kMaxPendingStats) {
        // Batches are held back (overload): the latest samples are the ones that matter.
        const size_t excess = m_live.stats.size() - kMaxPendingStats;
        m_live.stats.erase(m_live.stats.begin(), m_live.stats.begin() + qsizetype(excess));
        m_statsSkipped += excess;
    }
}

void ContainerStreams::handleLogFileBytes(LogStream stream, QByteArrayView bytes)
{
    if (stream != LogStream::Stdout || m_restartFollower)
        return; // the reader's stderr goes to /dev/null on the server; after a give-up nothing more is read
    QByteArray text[2];
    const LogFileFollow::Outcome outcome = m_logFile.feed(bytes, text);
    if (outcome == LogFileFollow::Outcome::Reading) {
        LogGate gate(*this, false);
        for (int s = 0; s < 2; ++s) {
            if (!text[s].isEmpty())
                m_followParser.feed(text[s], s == 1 ? LogStream::Stderr : LogStream::Stdout, m_live.logs, &gate);
        }
    } else {
        qInfo("heapwatch: %s on %s: log followed by the engine (%s)", qPrintable(m_config.container),
              qPrintable(m_config.hostLabel), qPrintable(m_logFile.reason()));
        m_restartFollower = true; // not from within the runner's output callback
    }
}

void ContainerStreams::handleLogBytes(Role role, LogStream stream, QByteArrayView bytes)
{
    if (role == LogsFollow && m_logFile.running()) {
        handleLogFileBytes(stream, bytes);
        return;
    }
    const bool backfill = role == LogsBackfill;
    LogGate gate(*this, backfill);
    logParser(role).feed(bytes, stream, backfill ? m_backfillLogs : m_live.logs, &gate);
}

bool ContainerStreams::admitLogLine(const LogLine& line, bool backfill)
{
    if (backfill && line.message.startsWith(RemoteCommands::kLineCountMarker)) {
        // The filter's count of what the engine wrote on this stream: its last line, never the app's (every
        // line of `logs --timestamps` starts with a timestamp).
        bool ok = false;
        const qint64 n = line.message.sliced(qstrlen(RemoteCommands::kLineCountMarker)).trimmed().toLongLong(&ok);
        if (ok && n > 0)
            m_backfillLinesRead = std::min<qint64>(m_backfillLinesRead + n, std::numeric_limits<qint32>::max());
        return false;
    }
    if (line.dockerTimeNs < 0) {
        // Without a `--timestamps` prefix this is the CLI talking ("Error response from daemon: …"), not the
        // app: keep it for messages, never as a log record.
        keepTail(m_roles[backfill ? LogsBackfill : LogsFollow].err, line.message, kMaxErrBytes);
        return false;
    }
    if (backfill || !m_logFile.running())
        m_logFile.noteEngineTime(line.dockerTimeNs);
    if (backfill && m_backfillLines++ == 0) {
        m_backfillFirstNs = line.dockerTimeNs;
    }
    const bool fresh = m_resumer.accept(line);
    if (const auto gap = m_resumer.takeGap()) {
        m_live.gaps.push_back(*gap);
    }
    return fresh;
}

void ContainerStreams::passFullBatchOn(bool backfill)
{
    // After each parsed line: a full batch goes at once (or, live, while the consumer is full, coalesces).
    if (backfill) {
        if (m_backfillLogs.size() >= kMaxBatchRecords && consumerReady()) {
            deliver(false);
        }
    } else if (m_live.logs.size() >= kMaxBatchRecords) {
        relieve();
    }
}

void ContainerStreams::relieve()
{
    // A full batch goes at once if the consumer can take it; otherwise the newest records beyond the cap
    // become the held latest of their kind.
    if (consumerReady()) {
        deliver(false);
        return;
    }
    while (m_live.logs.size() > kMaxBatchRecords) {
        hold(std::move(m_live.logs.back()));
        m_live.logs.pop_back();
    }
}

void ContainerStreams::hold(LogRecord&& record)
{
    std::optional<LogRecord>& slot = m_held[size_t(record.kind)];
    if (slot) {
        ++m_skipped; // the line it replaces is never delivered: counted, not lost
    }
    slot = std::move(record);
}

bool ContainerStreams::hasHeld() const
{
    return std::any_of(m_held.begin(), m_held.end(), [](const auto& r) { return r.has_value(); });
}

void ContainerStreams::insertHeld(std::vector<LogRecord>& logs)
{
    std::vector<LogRecord> held;
    for (auto& slot : m_held) {
        if (slot) {
            held.push_back(std::move(*slot));
            slot.reset();
        }
    }
    if (held.empty()) {
        return;
    }
    // Held records came after the first kMaxBatchRecords and before anything appended once the consumer had
    // room again: keep the batch in time order (the state model's rings refuse older samples).
    std::stable_sort(held.begin(), held.end(),
                     [](const LogRecord& a, const LogRecord& b) { return a.dockerTimeNs < b.dockerTimeNs; });
    const auto at = logs.begin() + qsizetype(std::min(logs.size(), kMaxBatchRecords));
    logs.insert(at, std::make_move_iterator(held.begin()), std::make_move_iterator(held.end()));
}

void ContainerStreams::handleEventBytes(QByteArrayView bytes)
{
    QByteArray& partial = m_roles[Events].partial;
    partial.append(bytes.data(), bytes.size());
    qsizetype nl;
    while ((nl = partial.indexOf('\n')) >= 0) {
        const QByteArray line = partial.left(nl);
        partial.remove(0, nl + 1);
        if (m_eventsViaFile && !m_eventsFileAnswered && line.startsWith("hwev ")) {
            // "hwev file", or "hwev none REASON" and the reader ends: `docker events` then (onFinished).
            m_eventsFileAnswered = true;
            if (line.startsWith("hwev none")) {
                m_eventsFileReason = plainText(QString::fromUtf8(line.mid(10)).trimmed(), 64);
                m_eventsFallback = QStringLiteral("events file: %1").arg(m_eventsFileReason);
                m_eventsFileFailedFor = currentId();
            } else {
                m_eventsFileReason.clear();
                m_eventsFallback.clear();
            }
            continue;
        }
        std::optional<ContainerEvent> event = EventParser::parseLine(line);
        if (!event) {
            continue;
        }
        const bool isStart = event->kind == ContainerEvent::Kind::Start || event->kind == ContainerEvent::Kind::Restart;
        if (isStart) {
            m_startEventSinceInspect = true;
            // The follower exited with the old container; attach to the new one now.
            if (!m_roles[LogsFollow].running && m_backfillDone) {
                start(LogsFollow);
            }
            // Inspect already reported this start (the periodic inspect won the race): do not count it twice.
            if (m_synthesizedStartMs > 0 && qAbs(event->atMs - m_synthesizedStartMs) < 5000) {
                schedule(Inspect, 500);
                continue;
            }
        }
        schedule(Inspect, 500);
        m_live.events.push_back(*event);
    }
    if (partial.size() > kMaxErrBytes * 16) {
        partial.clear();
    }
}

void ContainerStreams::onFinished(int role, int exitStatus)
{
    if (role < 0 || role >= RoleCount || m_failed) {
        return;
    }
    switch (Role(role)) {
    case Inspect:
        inspectFinished(exitStatus);
        break;
    case LogsBackfill:
    case LogsFollow:
        logsFinished(Role(role), exitStatus);
        break;
    case Stats:
        if (m_statsViaCgroup && m_cgroupParser.state() != CgroupStatsParser::State::Reading
            && m_cgroupParser.state() != CgroupStatsParser::State::Gone) {
            // The loop could not read the cgroup ("none": rootless, permissions, another PID namespace) or did
            // not start at all: `docker stats` for the rest of this container start, at once.
            m_cgroupFallback = m_cgroupParser.state() == CgroupStatsParser::State::Unavailable
                ? QStringLiteral("cgroup not readable: %1").arg(m_cgroupParser.reason())
                : QStringLiteral("the cgroup loop did not start (exit %1)").arg(exitStatus);
            m_cgroupFailedFor = startKey();
            qInfo("heapwatch: %s on %s: stats from docker stats (%s)", qPrintable(m_config.container),
                  qPrintable(m_config.hostLabel), qPrintable(m_cgroupFallback));
            m_roles[Stats].running = false;
            start(Stats);
            break;
        }
        scheduleAfterExit(Stats, 2000, 30000);
        break;
    case Events:
        if (m_eventsViaFile && (!m_eventsFileAnswered || m_eventsFileFailedFor == currentId())) {
            // No events file with this container's events (a Docker host, journald, not readable), or the
            // reader did not start: `docker events` for this container, at once.
            if (!m_eventsFileAnswered) {
                m_eventsFileReason.clear();
                m_eventsFallback = QStringLiteral("the events file reader did not start (exit %1)").arg(exitStatus);
                m_eventsFileFailedFor = currentId();
            }
            m_roles[Events].running = false;
            m_roles[Events].partial.clear();
            start(Events);
            break;
        }
        // `events` never ends by itself: the engine went away (dockerd or the podman service restarted) or the
        // channel did. The docker CLI's `stats` does not re-attach after an engine restart (it prints empty
        // rows for ever): the next good inspect, asked for now, starts it afresh, and the log follower, which
        // ended with the engine, waits for that inspect too.
        // An events command that ends at once (an engine without events) must not restart `stats` each time.
        if (now() - m_roles[Events].startedMs >= kEngineCutAfterMs && m_roles[Stats].running)
            m_statsStartedFor.clear();
        schedule(Inspect, 500);
        scheduleAfterExit(Events, 2000, 30000);
        break;
    case RoleCount:
        break;
    }
}

QString ContainerStreams::describeError(const QByteArray& err, int exitStatus) const
{
    const QString text = oneLine(QString::fromUtf8(err).trimmed().section(QLatin1Char('\n'), -3), 600);
    const QString engine = this->engine();
    const QString lower = text.toLower();
    if (lower.contains(QLatin1String("no such"))) {
        return QStringLiteral("no container named '%1' on %2 (%3: %4)")
            .arg(m_config.container, m_config.hostLabel, engine, text);
    }
    if (exitStatus == 127 || lower.contains(QLatin1String("not found"))) {
        return QStringLiteral("%1 is not installed or not in the PATH on %2 (%3)")
            .arg(engine, m_config.hostLabel, text);
    }
    if (lower.contains(QLatin1String("password is required")) || lower.contains(QLatin1String("sudo:"))) {
        return QStringLiteral("sudo -n failed on %1: %2; allow the command without a password in sudoers")
            .arg(m_config.hostLabel, text);
    }
    if (lower.contains(QLatin1String("permission denied"))) {
        return QStringLiteral("%1 on %2: permission denied (%3); add the user to the docker group or use --sudo")
            .arg(engine, m_config.hostLabel, text);
    }
    return QStringLiteral("%1 inspect %2 failed on %3 (exit %4): %5")
        .arg(engine, m_config.container, m_config.hostLabel)
        .arg(exitStatus)
        .arg(text.isEmpty() ? QStringLiteral("no message") : text);
}

void ContainerStreams::inspectFinished(int exitStatus)
{
    RoleState& r = m_roles[Inspect];
    r.running = false;
    // Taken out: the next inspect starts empty, and nothing holds up to a megabyte of JSON meanwhile.
    const QByteArray out = std::exchange(r.out, QByteArray());
    const QByteArray err = std::exchange(r.err, QByteArray());
    QString parseError;
    std::optional<ContainerInfo> info = exitStatus == 0 ? InspectParser::parse(out, &parseError) : std::nullopt;
    if (!info) {
        inspectFailed(exitStatus, err, parseError);
        return;
    }
    // The engine answers again after failing (restarted): the streams that ended with it start now, not when
    // their backoff, grown while the engine was away, would next let them.
    const bool engineBack = m_inspectFailures > 0;
    m_inspectFailures = 0;
    if (m_info) {
        const bool restarted = info->restartCount > m_info->restartCount && m_info->restartCount >= 0;
        const bool newStart
            = info->startedAtMs > 0 && m_info->startedAtMs > 0 && info->startedAtMs != m_info->startedAtMs;
        if ((restarted || newStart) && !m_startEventSinceInspect) {
            // Missed by the events stream (it was down, or the engine has none): report it from inspect.
            ContainerEvent e;
            e.atMs = info->startedAtMs > 0 ? info->startedAtMs : wallMs();
            // Always Start: one Start per (re)start of the container, as the events stream reports it.
            e.kind = ContainerEvent::Kind::Start;
            e.containerId = info->id;
            e.detail = QStringLiteral("detected by inspect: StartedAt changed, RestartCount %1 -> %2")
                           .arg(m_info->restartCount)
                           .arg(info->restartCount);
            m_live.events.push_back(e);
            m_synthesizedStartMs = e.atMs;
        }
    }
    m_startEventSinceInspect = false;
    m_info = info;
    m_live.info = *info;
    using C = ConnectionStatus::Container;
    const bool paused = info->status == QLatin1String("paused");
    if (info->running) {
        setPresence(paused ? C::Paused : C::Running,
                    paused ? QStringLiteral("container '%1' is paused").arg(m_config.container) : QString());
        armPeriodicInspect();
    } else {
        setPresence(C::Stopped,
                    QStringLiteral("container '%1' stopped (%2); waiting for it to start")
                        .arg(m_config.container, info->status.isEmpty() ? QStringLiteral("?") : info->status));
        m_nextInspectMs = now() + kAbsentPollMs;
    }
    if (!m_streamsStarted) {
        startStreams();
        if (info->running)
            armPeriodicInspect();
        return;
    }
    // Every stream follows the container: `stats` of a container that stopped, restarted or was recreated
    // prints "--" for ever or ends, so it is started afresh for each start of the container; the log follower
    // ends with the container and follows again from the last line seen.
    if (!info->running) {
        stopRole(Stats);
        return;
    }
    const QString startKey = info->id + QString::number(info->startedAtMs);
    if (m_roles[Stats].running && m_statsStartedFor != startKey) {
        restart(Stats);
    } else if (!m_roles[Stats].running && (m_roles[Stats].nextStartMs < 0 || engineBack)) {
        start(Stats);
    }
    if (!m_roles[Events].running && (m_roles[Events].nextStartMs < 0 || engineBack)) {
        start(Events);
    } else if (m_roles[Events].running && !m_eventsViaFile && m_eventsFallback.isEmpty() && mayUseEventsFile()) {
        // `docker events` began while the container was absent (no ID to find its events file by): the file
        // now, if there is one.
        restart(Events);
    }
    armPeriodicInspect();
    if (m_roles[LogsFollow].running && m_logFile.running() && m_logFile.containerId() != info->id) {
        restart(LogsFollow); // the file reader stays with the removed container's file
    } else if (m_backfillDone && !m_roles[LogsFollow].running) {
        start(LogsFollow);
    } else if (!m_backfillDone && !m_roles[LogsBackfill].running) {
        start(LogsBackfill);
    }
}

void ContainerStreams::inspectFailed(int exitStatus, const QByteArray& err, const QString& parseError)
{
    using C = ConnectionStatus::Container;
    const QString text = QString::fromUtf8(err).toLower();
    if (exitStatus != 0 && (text.contains(QLatin1String("no such")) || text.contains(QLatin1String("no container")))) {
        // Removed, or not created yet (a redeploy is `rm` then `run`): wait for it. The events stream stays
        // (it filters by name, so it reports the new container's start); inspect polls slowly meanwhile.
        m_inspectFailures = 0;
        setPresence(C::Absent,
                    QStringLiteral("waiting for container '%1' on %2 (%3 has no container by that name)")
                        .arg(m_config.container, m_config.hostLabel, engine()));
        stopRole(Stats);
        m_nextInspectMs = now() + kAbsentPollMs;
        if (!m_streamsStarted) {
            startStreams();
        }
        return;
    }
    // The engine did not answer (daemon restarting, permission, sudo): shown, and asked again with backoff.
    const QString message = exitStatus == 0 ? QStringLiteral("%1 inspect %2 on %3 printed something unexpected: %4")
                                                  .arg(engine(), m_config.container, m_config.hostLabel, parseError)
                                            : describeError(err, exitStatus);
    const qint64 delay = std::min<qint64>(kMaxEngineRetryMs, qint64(2000) << std::min(m_inspectFailures, 12));
    ++m_inspectFailures;
    m_nextInspectMs = now() + delay;
    setPresence(C::EngineError, QStringLiteral("%1; asking again in %2 s").arg(message).arg(delay / 1000));
}

void ContainerStreams::armPeriodicInspect()
{
    m_nextInspectMs = now()
        + (m_roles[Events].running ? std::max<qint64>(m_config.inspectIntervalMs, kInspectWithEventsMs)
                                   : m_config.inspectIntervalMs);
}

bool ContainerStreams::mayUseEventsFile() const
{
    // The reader needs the container's ID to find the file that holds its events; the login user reads it
    // (never sudo). Not again for a container on which it found none.
    return m_config.eventsFile && m_info && RemoteCommands::isContainerId(m_info->id) && !m_config.sudo
        && m_eventsFileFailedFor != m_info->id;
}

QString ContainerStreams::eventsSource() const
{
    if (!m_roles[Events].running)
        return {};
    if (m_eventsViaFile)
        return m_eventsFileAnswered ? QStringLiteral("events file") : QString();
    // A Docker host has no events file: nothing to explain there.
    if (m_eventsFallback.isEmpty() || m_eventsFileReason == QLatin1String("no-file"))
        return QStringLiteral("%1 events").arg(engine());
    return QStringLiteral("%1 events (%2)").arg(engine(), m_eventsFallback);
}

QString ContainerStreams::currentId() const
{
    return m_info ? m_info->id : QString();
}

QString ContainerStreams::startKey() const
{
    return m_info ? m_info->id + QString::number(m_info->startedAtMs) : QString();
}

bool ContainerStreams::mayUseCgroup(QString* whyNot) const
{
    if (!m_config.cgroupStats)
        return false;
    if (!m_info || m_info->pid <= 0) {
        *whyNot = QStringLiteral("inspect gave no PID");
        return false;
    }
    if (!RemoteCommands::isContainerId(m_info->id)) {
        *whyNot = QStringLiteral("inspect gave no container ID");
        return false;
    }
    // Failed on this start of the container: not again until the next one (a new PID, maybe a readable cgroup).
    if (!m_cgroupFailedFor.isEmpty() && m_cgroupFailedFor == startKey()) {
        *whyNot = m_cgroupFallback;
        return false;
    }
    return true;
}

QString ContainerStreams::statsSource() const
{
    if (!m_roles[Stats].running)
        return {};
    if (!m_statsViaCgroup)
        return m_cgroupFallback.isEmpty() ? QStringLiteral("docker stats")
                                          : QStringLiteral("docker stats (%1)").arg(m_cgroupFallback);
    const int version = m_cgroupParser.cgroupVersion();
    if (version == 0)
        return QStringLiteral("cgroup (starting)");
    return QStringLiteral("cgroup v%1 (%2%3)")
        .arg(version)
        .arg(m_cgroupParser.builtinSleep() ? QStringLiteral("read -t") : QStringLiteral("sleep per sample"),
             m_cgroupParser.libpod() ? QStringLiteral("; podman: page cache counted") : QString());
}

void ContainerStreams::describe(ConnectionStatus& status) const
{
    status.statsSource = statsSource();
    status.logsSource = logsSource();
    status.container = m_presence;
    status.statsRunning = m_roles[Stats].running;
    status.logsRunning = m_roles[LogsFollow].running || m_roles[LogsBackfill].running;
    status.eventsRunning = m_roles[Events].running;
    status.eventsSource = eventsSource();
    status.statsRunningSinceMs = m_roles[Stats].running ? m_statsStartedWallMs : -1;
}

void ContainerStreams::setPresence(ConnectionStatus::Container presence, const QString& message)
{
    if (presence == m_presence && message == m_presenceMessage) {
        return;
    }
    if (presence != ConnectionStatus::Container::Running || m_presence != presence) {
        qInfo("heapwatch: %s on %s: %s", qPrintable(m_config.container), qPrintable(m_config.hostLabel),
              qPrintable(message.isEmpty() ? toString(presence) : message));
    }
    m_presence = presence;
    m_presenceMessage = message;
    if (m_callbacks.presenceChanged) {
        m_callbacks.presenceChanged();
    }
}

bool ContainerStreams::mayRun(Role role) const
{
    using C = ConnectionStatus::Container;
    switch (role) {
    case Stats:
        return m_presence == C::Running || m_presence == C::Paused;
    case LogsBackfill:
    case LogsFollow:
        // Logs of a stopped container are read once it runs again (from the last line seen); an absent one
        // has none.
        return m_presence == C::Running || m_presence == C::Paused
            || (role == LogsBackfill && m_presence == C::Stopped);
    case Inspect:
    case Events:
    case RoleCount:
        break;
    }
    return true;
}

void ContainerStreams::stopRole(Role role)
{
    RoleState& r = m_roles[role];
    if (r.running && m_runner) {
        m_runner->stopCommand(role);
    }
    r.running = false;
    r.nextStartMs = -1;
    r.quickExits = 0;
    r.partial.clear();
    if (role == LogsBackfill || role == LogsFollow) {
        logParser(role).dropPartialLines();
    }
}

void ContainerStreams::restart(Role role)
{
    stopRole(role);
    start(role);
}

void ContainerStreams::startStreams()
{
    // Each start() checks whether its role can run in the container's present state.
    m_streamsStarted = true;
    start(Stats);
    start(Events);
    start(m_backfillDone ? LogsFollow : LogsBackfill);
}

void ContainerStreams::logsFinished(Role role, int exitStatus)
{
    RoleState& r = m_roles[role];
    // Complete output ends with a newline; a rest only exists if the command was cut off: the next run
    // re-reads that line from --since.
    logParser(role).dropPartialLines();
    if (role == LogsBackfill) {
        r.running = false;
        m_backfillDone = true;
        if (exitStatus == 0 && std::max(m_backfillLines, m_backfillLinesRead) >= m_config.backfillMaxLines
            && m_backfillFirstNs >= 0) {
            // --tail cut the history: what the app printed between --since and the first line read is unknown.
            const qint64 sinceMs = wallMs() - m_config.sinceSeconds * 1000;
            if (sinceMs < m_backfillFirstNs / 1000000) {
                m_live.gaps.push_back(LogGap {sinceMs, m_backfillFirstNs / 1000000});
            }
        }
        if (exitStatus != 0) {
            // No history (log driver without read support, …): say why in the stream of problems, go live.
            qWarning("heapwatch: %s logs on %s exited with %d: %s", qPrintable(engine()),
                     qPrintable(m_config.hostLabel), exitStatus, qPrintable(oneLine(QString::fromUtf8(r.err), 600)));
        }
        if (!m_backfillSignalled) {
            // Signalled after the history's last batch, which may be held back while the consumer is busy.
            m_backfillSignalled = true;
            m_backfillFinishPending = true;
        }
        deliver(false);
        start(LogsFollow);
        return;
    }
    // `logs -f` ends when the container stops or restarts; follow again from the last timestamp.
    scheduleAfterExit(LogsFollow, 1000, 10000);
}

void ContainerStreams::tick()
{
    if (m_failed) {
        return;
    }
    if (m_runner) {
        const qint64 t = now();
        for (int role = 0; role < RoleCount; ++role) {
            RoleState& r = m_roles[size_t(role)];
            if (r.nextStartMs >= 0 && t >= r.nextStartMs && !r.running) {
                if (role != Inspect && !m_streamsStarted) {
                    continue; // waits for the first inspect
                }
                start(Role(role));
            }
        }
        if (m_nextInspectMs >= 0 && t >= m_nextInspectMs && !m_roles[Inspect].running
            && m_roles[Inspect].nextStartMs < 0) {
            start(Inspect);
        }
        if (m_restartFollower) {
            m_restartFollower = false;
            restart(LogsFollow);
        }
        const RoleState& stats = m_roles[Stats];
        if (stats.running && m_presence == ConnectionStatus::Container::Running
            && t - std::max(m_lastValidStatsMs, stats.startedMs) > kStatsWithoutValuesMs) {
            restart(Stats); // alive but without a value for 20 s: its source is gone
        }
    }
    flush(false);
}

void ContainerStreams::flush(bool force)
{
    const qint64 t = now();
    if (!force && t - m_lastFlushMs < kFlushIntervalMs) {
        return;
    }
    m_lastFlushMs = t;
    deliver(force);
}

void ContainerStreams::deliver(bool force)
{
    // Batches of at most kMaxBatchRecords records, history first, while the consumer can take them (force:
    // regardless, for the last data before a detach or a failure). Counters travel with the first batch.
    for (;;) {
        ParseCounters logNow = m_backfillParser.counters();
        logNow += m_followParser.counters();
        logNow.skipped = m_skipped;
        ParseCounters statsNow = m_statsParser.counters();
        statsNow += m_cgroupParser.counters();
        statsNow.skipped = m_statsSkipped;
        const ParseCounters logDelta = logNow.since(m_logCountersSent);
        const ParseCounters statsDelta = statsNow.since(m_statsCountersSent);
        const quint64 bytes = m_bytesTotal - m_bytesSent;
        const bool counterNews = bytes > 0 || !isZero(logDelta) || !isZero(statsDelta);
        const bool backfillPending = !m_backfillLogs.empty();
        const bool livePending = !m_live.isEmpty() || hasHeld();
        if (!backfillPending && !livePending && !counterNews) {
            break;
        }
        if (!force && !consumerReady()) {
            break; // held back: the pending batch coalesces until the consumer has room
        }
        IngestBatch b;
        if (backfillPending) {
            b.backfill = true;
            const size_t n = std::min(m_backfillLogs.size(), kMaxBatchRecords);
            if (n == m_backfillLogs.size()) {
                b.logs = std::move(m_backfillLogs);
                m_backfillLogs.clear();
            } else {
                const auto end = m_backfillLogs.begin() + qsizetype(n);
                b.logs.assign(std::make_move_iterator(m_backfillLogs.begin()), std::make_move_iterator(end));
                m_backfillLogs.erase(m_backfillLogs.begin(), end);
            }
        } else {
            b = std::move(m_live);
            m_live = IngestBatch {};
            insertHeld(b.logs);
        }
        b.logCounters = logDelta;
        b.statsCounters = statsDelta;
        b.bytesReceived = bytes;
        m_logCountersSent = logNow;
        m_statsCountersSent = statsNow;
        m_bytesSent = m_bytesTotal;
        if (m_callbacks.batch) {
            m_callbacks.batch(std::move(b));
        }
    }
    if (m_backfillFinishPending && m_backfillLogs.empty()) {
        m_backfillFinishPending = false;
        if (m_callbacks.backfillFinished) {
            m_callbacks.backfillFinished();
        }
    }
}

} // namespace heapwatch
