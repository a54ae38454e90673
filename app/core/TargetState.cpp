#include "TargetState.h"

#include "LogParser.h" // loggerTimestampLength
#include "ProcessRow.h"
#include "SafeMath.h"
#include "Units.h"

#include <QDateTime>
#include <algorithm>
#include <limits>

namespace heapwatch {
namespace {

// A double beyond float's range has no float value (converting it is undefined): it is unknown in the rings.
float toFloat(double v)
{
    return isKnown(v) && std::fabs(v) <= double(std::numeric_limits<float>::max())
        ? float(v)
        : std::numeric_limits<float>::quiet_NaN();
}

// Two reports of one incident (an `oom` event, the `die` with exit 137 after it, the heap-OOM line) arrive
// within seconds of each other; they count once.
constexpr qint64 kSameIncidentMs = 60 * 1000;
// inspect's StartedAt has ns precision, events only seconds: starts this close are the same start.
constexpr qint64 kSameStartMs = 2000;
// The app logs its start line within this long after its container started: the line is that start's.
constexpr qint64 kAppLineAfterContainerStartMs = 2 * 60 * 1000;
// Two start lines this close (Next.js's banner and the app's "Starting … mode") are one start.
constexpr qint64 kSameAppStartMs = 15 * 1000;
constexpr size_t kMaxDevModeTimes = 1000;

// Exit 134: V8 aborted (heap out of memory). Exit 137: SIGKILL, from the kernel's OOM killer or from the
// engine at the end of a stop's grace period (a Node app as PID 1 ignores SIGTERM): OomKillEvidence decides.
bool isKillExit(int exitCode)
{
    return exitCode == 137 || exitCode == 134;
}

// Container memory at or above this share of its limit just before a SIGKILL: the OOM killer's doing.
constexpr double kNearLimitFraction = 0.9;
constexpr qint64 kStatsBeforeDeathMs = 60000;

} // namespace

TargetState::TargetState(QString name, const Thresholds& capacities)
    : m_name(std::move(name))
    , m_process(capacities.processCapacity)
    , m_stats(capacities.statsCapacity)
    , m_cache(capacities.cacheCapacity)
    , m_gc(capacities.processCapacity)
    , m_fullGc(capacities.processCapacity)
{
}

void TargetState::apply(const IngestBatch& batch)
{
    if (!batch.backfill) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (!batch.events.empty())
            m_lastEventMs = now;
        for (const LogRecord& record : batch.logs) {
            if (record.kind == LogKind::Memory) {
                m_memoryArrivedMs = now;
                break;
            }
        }
        if (batch.memoryRows.last)
            m_memoryArrivedMs = now;
    }
    // Stats first: a death reported in the same batch is judged against the memory measured before it.
    for (const StatsSample& sample : batch.stats)
        applyStats(sample);
    for (const ContainerEvent& event : batch.events)
        applyEvent(event);
    if (batch.info)
        applyInfo(*batch.info);
    // A replay's Memory lines come as rows beside the records (MemoryRows). The rows change the process ring, the
    // last sample, the memory times and the first and last data times (earliest and latest, whatever the order);
    // no record reads any of them, so the batch's rows go to the ring in one run, sealed a chunk at a time.
    // (Applied before each record that followed them in the log, a cache line every few seconds cut a replay's
    // rows into runs of a dozen, each copied row by row into the open chunk.)
    const MemoryRows& memory = batch.memoryRows;
    if (!memory.rows.empty())
        applyMemoryRows(memory.rows.data(), memory.rows.size(), memory.inOrder);
    // Its cache stats lines as rows too: no record reads the cache ring or the last cache sample either.
    if (!memory.cacheRows.empty())
        applyCacheRows(memory.cacheRows.data(), memory.cacheRows.size(), memory.cacheInOrder);
    if (memory.lastCache)
        m_lastCache = memory.lastCache;
    // A replay's parsing threads leave a record's text to this thread (LogRecord::textBytes). The text of a record
    // whose problem later records push out of the list again (kMaxProblems of them follow it, in this batch and in
    // those still to come: problemsAfter) is never read: it is not made. A warning every few lines made a text for
    // each of them most of a replay's work. A problem's text is read from the list alone, so the others' raw bytes
    // wait there until it is read (deferProblemText): the segments that follow push most of them out too.
    size_t problemsAhead = batch.problemsAfter;
    for (const LogRecord& record : batch.logs)
        problemsAhead += addsProblem(record.kind) ? 1 : 0;
    for (const LogRecord& record : batch.logs) {
        const bool problem = addsProblem(record.kind);
        const bool pushedOut = problem && --problemsAhead >= kMaxProblems;
        if (record.textBytes == 0) {
            applyLog(record, record.text);
        } else if (pushedOut) {
            applyLog(record, QString());
        } else if (const QByteArrayView raw = LogParser::recordRaw(record, memory); problem && !raw.isEmpty()) {
            applyLog(record, QString());
            deferProblemText(raw);
        } else {
            applyLog(record, LogParser::recordText(record, memory)); // a rare record (not a problem) with raw bytes
        }
    }
    if (memory.last)
        m_lastMemory = memory.last;
    for (const LogGap& gap : batch.gaps) {
        ++m_gapCount;
        m_gaps.push_back(gap);
        if (m_gaps.size() > kMaxGaps)
            m_gaps.pop_front();
    }
    m_logCounters += batch.logCounters;
    m_statsCounters += batch.statsCounters;
    m_bytesReceived += batch.bytesReceived;
    m_connection.bytesReceived = m_bytesReceived;
    ++m_revision;
}

void TargetState::restoreHistory(const RestoredHistory& history)
{
    auto load = [this](auto& ring, RingKind kind, const std::vector<StoredChunk>& chunks) {
        for (const StoredChunk& c : chunks)
            loadStoredChunk(ring, c);
        if (!ring.isEmpty()) {
            touch(ring.first().atMs);
            touch(ring.last().atMs);
            m_restoredUntilMs[size_t(kind)] = ring.last().atMs;
        }
    };
    load(m_process, RingKind::Process, history.chunks[size_t(RingKind::Process)]);
    load(m_stats, RingKind::Stats, history.chunks[size_t(RingKind::Stats)]);
    load(m_cache, RingKind::Cache, history.chunks[size_t(RingKind::Cache)]);
    for (const Marker& m : history.markers) {
        if (m.kind == Marker::Kind::Start || m.kind == Marker::Kind::Restart) {
            // Through addStart, as a container start: inspect's StartedAt of the same start, read again on
            // connect, is then recognised as that start and not counted twice.
            const bool known = std::any_of(m_starts.begin(), m_starts.end(), [&m](const Start& s) {
                return std::llabs(s.atMs - m.atMs) <= kSameStartMs;
            });
            if (!known)
                addStart(m.atMs, true, m.text);
            if (m.recreated && !m_markers.empty() && m_markers.back().atMs == m.atMs)
                m_markers.back().recreated = true;
        } else {
            addMarker(m);
        }
    }
    for (const LogGap& gap : history.unwatched) {
        m_unwatched.push_back(gap);
        if (m_unwatched.size() > kMaxGaps)
            m_unwatched.pop_front();
    }
    ++m_revision;
}

void TargetState::setConnection(const ConnectionStatus& status)
{
    m_connection = status;
    m_connection.bytesReceived = m_bytesReceived;
    ++m_revision;
}

qint64 TargetState::memoryIntervalMs() const
{
    if (m_memoryTimes.size() < 3)
        return -1;
    std::vector<qint64> gaps;
    for (size_t i = 1; i < m_memoryTimes.size(); ++i)
        gaps.push_back(m_memoryTimes[i] - m_memoryTimes[i - 1]);
    std::nth_element(gaps.begin(), gaps.begin() + qsizetype(gaps.size() / 2), gaps.end());
    return gaps[gaps.size() / 2];
}

double TargetState::containerLimitMiB() const
{
    if (m_lastStats && isKnown(m_lastStats->memLimitBytes) && m_lastStats->memLimitBytes > 0)
        return m_lastStats->memLimitBytes / units::kMiB;
    if (m_info && isKnown(m_info->memLimitBytes) && m_info->memLimitBytes > 0)
        return m_info->memLimitBytes / units::kMiB;
    return kUnknown;
}

double TargetState::heapLimitMiB() const
{
    return m_info ? m_info->heapLimitMiB : kUnknown;
}

void TargetState::touch(qint64 atMs)
{
    if (atMs < 0)
        return;
    m_lastDataMs = std::max(m_lastDataMs, atMs);
    if (m_firstDataMs < 0 || atMs < m_firstDataMs)
        m_firstDataMs = atMs;
}

bool TargetState::addsProblem(LogKind kind)
{
    // applyLog() adds one problem for each of these, whatever else the record holds (and none for the others but
    // an app start in development mode).
    return kind == LogKind::Overflow || kind == LogKind::Warning || kind == LogKind::Error || kind == LogKind::DevMode
        || kind == LogKind::HeapOom;
}

namespace {

// Rows in time order (MemoryRows::inOrder), none of them restored already: all pushed in one ordered run.
template<typename Row> bool freshAndInOrder(const Row* rows, size_t count, bool inOrder, qint64 restoredUntil)
{
    return inOrder && count > 0 && rows[0].atMs >= 0 && rows[0].atMs > restoredUntil;
}

} // namespace

template<typename Ring, typename Row, typename OnRow>
void TargetState::pushRowsBetweenRestored(Ring& ring, const Row* rows, size_t count, qint64 restoredUntil,
                                          OnRow&& onRow)
{
    // applyLog's duplicate check for each row, the others pushed a run at a time.
    size_t runStart = 0;
    for (size_t i = 0; i < count; ++i) {
        const qint64 atMs = rows[i].atMs;
        touch(atMs);
        onRow(atMs);
        if (atMs <= restoredUntil) {
            m_outOfOrder += ring.pushStoredRows(rows + runStart, i - runStart);
            ++m_duplicates;
            runStart = i + 1;
        }
    }
    m_outOfOrder += ring.pushStoredRows(rows + runStart, count - runStart);
}

void TargetState::applyMemoryRows(const MemoryRows::Row* rows, size_t count, bool inOrder)
{
    // What applyLog does with each line's record, the ring's pushes a run at a time between duplicates.
    const qint64 restoredUntil = m_restoredUntilMs[size_t(RingKind::Process)];
    // noteMemoryTime() for each row: the times it keeps are those newer than every row before them, the last
    // kMemoryTimes of them.
    qint64 newest = m_memoryTimes.empty() ? -1 : m_memoryTimes.back();
    if (freshAndInOrder(rows, count, inOrder, restoredUntil)) {
        // Rows in time order, none of them restored already (a replay's, nearly always): the earliest is the
        // first and the latest the last, and the times newer than every row before them are the distinct times
        // above the newest kept, of which the last kMemoryTimes are found from the end. The same as row by row.
        touch(rows[0].atMs);
        touch(rows[count - 1].atMs);
        qint64 latest[kMemoryTimes];
        size_t found = 0;
        for (size_t i = count; i-- > 0 && found < kMemoryTimes;) {
            const qint64 atMs = rows[i].atMs;
            if (atMs <= newest)
                break;
            if (found == 0 || atMs < latest[found - 1])
                latest[found++] = atMs;
        }
        m_outOfOrder += m_process.pushStoredRows(rows, count, true);
        while (found > 0)
            noteMemoryTime(latest[--found]);
        return;
    }
    qint64 newer[kMemoryTimes];
    size_t newerCount = 0;
    pushRowsBetweenRestored(m_process, rows, count, restoredUntil, [&](qint64 atMs) {
        if (atMs > newest) {
            newest = atMs;
            newer[newerCount++ % kMemoryTimes] = atMs;
        }
    });
    for (size_t i = newerCount > kMemoryTimes ? newerCount - kMemoryTimes : 0; i < newerCount; ++i)
        noteMemoryTime(newer[i % kMemoryTimes]);
}

void TargetState::applyCacheRows(const MemoryRows::CacheRow* rows, size_t count, bool inOrder)
{
    // What applyLog does with each cache stats record, the ring's pushes a run at a time between duplicates.
    const qint64 restoredUntil = m_restoredUntilMs[size_t(RingKind::Cache)];
    if (freshAndInOrder(rows, count, inOrder, restoredUntil)) {
        touch(rows[0].atMs);
        touch(rows[count - 1].atMs);
        m_outOfOrder += m_cache.pushStoredRows(rows, count, true);
        return;
    }
    pushRowsBetweenRestored(m_cache, rows, count, restoredUntil, [](qint64) {});
}

void TargetState::noteMemoryTime(qint64 atMs)
{
    if (atMs >= 0 && (m_memoryTimes.empty() || atMs > m_memoryTimes.back())) {
        m_memoryTimes.push_back(atMs);
        if (m_memoryTimes.size() > kMemoryTimes)
            m_memoryTimes.pop_front();
    }
}

void TargetState::applyLog(const LogRecord& record, const QString& text)
{
    touch(record.atMs);
    switch (record.kind) {
    case LogKind::Memory: {
        const MemorySample& m = record.memory;
        m_lastMemory = m;
        noteMemoryTime(m.atMs);
        if (m.atMs >= 0 && m.atMs <= m_restoredUntilMs[size_t(RingKind::Process)]) {
            ++m_duplicates;
            break;
        }
        if (m.atMs >= 0
            && !m_process.push(m.atMs,
                               {toFloat(m.rssMiB), toFloat(m.heapUsedMiB), toFloat(m.heapTotalMiB),
                                toFloat(m.externalMiB), toFloat(m.arrayBuffersMiB),
                                m.heapTotalMiB > 0 ? toFloat(m.heapUsedMiB / m.heapTotalMiB * 100.0)
                                                   : std::numeric_limits<float>::quiet_NaN()}))
            ++m_outOfOrder;
        break;
    }
    case LogKind::Cache: {
        const CacheSample& c = record.cache;
        m_lastCache = c;
        if (c.atMs >= 0 && c.atMs <= m_restoredUntilMs[size_t(RingKind::Cache)]) {
            ++m_duplicates;
            break;
        }
        if (c.atMs >= 0 && !m_cache.pushStored(c.atMs, storedCacheRow(c)))
            ++m_outOfOrder;
        break;
    }
    case LogKind::Gc: {
        const GcSample& g = record.gc;
        if (g.atMs < 0) {
            ++m_untimedGcLines; // no docker timestamp: V8's own clock counts from the process start, not the wall clock
            break;
        }
        const std::array<float, 4> row {g.full ? 1.0f : 0.0f, toFloat(g.heapBeforeMiB), toFloat(g.heapAfterMiB),
                                        toFloat(g.pauseMs)};
        if (!m_gc.push(g.atMs, row))
            ++m_outOfOrder;
        if (g.full)
            m_fullGc.push(g.atMs, row);
        break;
    }
    case LogKind::Overflow: {
        const OverflowEvent& o = record.overflow;
        if (o.totalDropped >= 0) {
            // The app's running total starts again from zero when its process restarts.
            // A continuing process reports at least its previous total plus what it dropped now; less means the
            // process restarted and counts from zero again. The numbers are the server's: the sums saturate.
            if (o.totalDropped < safe::add(m_lastReportedTotal, o.dropped))
                m_droppedBeforeRestart = safe::add(m_droppedBeforeRestart, m_lastReportedTotal);
            m_lastReportedTotal = o.totalDropped;
            m_totalDropped = std::max(m_totalDropped, safe::add(m_droppedBeforeRestart, o.totalDropped));
        } else if (o.dropped >= 0) {
            // In other words than the app's (no running total): what it says it dropped, beside the running totals.
            m_droppedInOtherWords = safe::add(m_droppedInOtherWords, o.dropped);
        } else {
            ++m_overflowsWithoutCount;
        }
        ++m_overflowEvents;
        m_overflows.push_back(o);
        if (m_overflows.size() > kMaxProblems)
            m_overflows.pop_front();
        addProblem(record.atMs, Level::Warning, record.kind, text);
        break;
    }
    case LogKind::Warning:
        ++m_warningLines;
        addProblem(record.atMs, Level::Warning, record.kind, text);
        break;
    case LogKind::Error:
        ++m_errorLines;
        addProblem(record.atMs, Level::Critical, record.kind, text);
        break;
    case LogKind::DevMode:
        ++m_devModeLines;
        m_devModeTimes.push_back(record.atMs);
        if (m_devModeTimes.size() > kMaxDevModeTimes)
            m_devModeTimes.pop_front();
        addProblem(record.atMs, Level::Critical, record.kind, text);
        break;
    case LogKind::AppStart: {
        // The mode of the newest start line is the mode of the current deployment.
        const bool development = text.contains(QLatin1String("development mode"), Qt::CaseInsensitive);
        if (record.atMs >= m_modeLineMs) {
            m_modeLineMs = record.atMs;
            if (development)
                m_startedInDevMode = true;
            else if (text.contains(QLatin1String(" mode")))
                m_startedInDevMode = false;
            else
                m_startedInDevMode.reset();
        }
        if (development) {
            ++m_devModeLines;
            m_devModeTimes.push_back(record.atMs);
            if (m_devModeTimes.size() > kMaxDevModeTimes)
                m_devModeTimes.pop_front();
            addProblem(record.atMs, Level::Critical, LogKind::DevMode, text);
        }
        if (record.atMs >= 0)
            noteAppStart(record.atMs, text);
        break;
    }
    case LogKind::HeapOom: {
        ++m_heapOomLines;
        addProblem(record.atMs, Level::Critical, record.kind, text);
        Marker marker;
        marker.atMs = std::max<qint64>(record.atMs, 0);
        marker.kind = Marker::Kind::HeapOom;
        marker.exitCode = 134;
        marker.text = QStringLiteral("JavaScript heap out of memory");
        addMarker(marker);
        break;
    }
    case LogKind::Other:
        break;
    }
}

void TargetState::applyStats(const StatsSample& sample)
{
    touch(sample.atMs);
    m_lastStats = sample;
    const double memMiB = isKnown(sample.memUsageBytes) ? sample.memUsageBytes / units::kMiB : kUnknown;
    if (sample.atMs <= m_restoredUntilMs[size_t(RingKind::Stats)]) {
        ++m_duplicates;
        return;
    }
    if (!m_stats.push(sample.atMs, {toFloat(sample.cpuPercent), toFloat(memMiB)}))
        ++m_outOfOrder;
}

void TargetState::applyInfo(const ContainerInfo& info)
{
    const std::optional<ContainerInfo> previous = m_info;
    m_info = info;
    if (info.startedAtMs > 0) {
        const bool restartCountGrew
            = previous && previous->restartCount >= 0 && info.restartCount > previous->restartCount;
        noteContainerStart(info.startedAtMs, restartCountGrew, QString());
        if (previous && !previous->id.isEmpty() && !info.id.isEmpty() && previous->id != info.id)
            markRecreated(info);
    }
    // A stopped container that was OOM-killed (or killed: 137/134) is an incident even without events.
    if (!info.running && (info.oomKilled || isKillExit(info.exitCode))) {
        Marker marker;
        marker.atMs = info.finishedAtMs > 0 ? info.finishedAtMs : std::max<qint64>(m_lastDataMs, 0);
        marker.exitCode = info.exitCode;
        const bool oom = info.oomKilled || looksLikeOomKill(info.exitCode, marker.atMs);
        marker.kind = oom ? Marker::Kind::OomKill : Marker::Kind::Die;
        marker.text = info.oomKilled ? QStringLiteral("OOM killed (exit code %1)").arg(info.exitCode)
            : oom                    ? oomKillText(info.exitCode)
                                     : killedText(info.exitCode);
        // Inspect is polled while the container is down: one marker per death, whoever reported it first (an
        // OOM kill is counted once by addMarker, even after a "die" event's marker of the same death).
        if (oom || !deathKnownNear(marker.atMs))
            addMarker(marker);
    }
}

void TargetState::markRecreated(const ContainerInfo& info)
{
    // The marker of this start (from inspect, or the start event that reported it first) says what it was.
    Marker* nearest = nullptr;
    for (Marker& m : m_markers) {
        if ((m.kind == Marker::Kind::Start || m.kind == Marker::Kind::Restart)
            && std::llabs(m.atMs - info.startedAtMs) <= kSameStartMs
            && (!nearest || std::llabs(m.atMs - info.startedAtMs) < std::llabs(nearest->atMs - info.startedAtMs)))
            nearest = &m;
    }
    if (!nearest)
        return;
    nearest->recreated = true;
    nearest->text = QStringLiteral("container recreated, new id %1").arg(info.id.left(12));
}

void TargetState::applyEvent(const ContainerEvent& event)
{
    touch(event.atMs);
    switch (event.kind) {
    case ContainerEvent::Kind::Start:
    case ContainerEvent::Kind::Restart:
        noteContainerStart(event.atMs, event.kind == ContainerEvent::Kind::Restart, event.detail);
        break;
    case ContainerEvent::Kind::Die: {
        Marker marker;
        marker.atMs = event.atMs;
        marker.exitCode = event.exitCode;
        const bool oom = looksLikeOomKill(event.exitCode, event.atMs);
        marker.kind = oom ? Marker::Kind::OomKill : Marker::Kind::Die;
        marker.text = oom           ? oomKillText(event.exitCode)
            : event.exitCode == 137 ? killedText(event.exitCode)
                                    : QStringLiteral("container died, exit code %1").arg(event.exitCode);
        addMarker(marker);
        break;
    }
    case ContainerEvent::Kind::Oom: {
        Marker marker;
        marker.atMs = event.atMs;
        marker.kind = Marker::Kind::OomKill;
        marker.text = QStringLiteral("kernel OOM kill");
        addMarker(marker);
        break;
    }
    case ContainerEvent::Kind::Health:
        if (event.detail.contains(QLatin1String("unhealthy")))
            addProblem(event.atMs, Level::Warning, LogKind::Warning, QStringLiteral("health check: unhealthy"));
        break;
    case ContainerEvent::Kind::Other:
        break;
    }
}

void TargetState::noteContainerStart(qint64 atMs, bool isRestart, const QString& text)
{
    Q_UNUSED(isRestart) // a restart is any start after the first one known, whoever reports it
    for (const Start& known : m_starts) {
        if (known.fromContainer && std::llabs(atMs - known.atMs) <= kSameStartMs)
            return; // the same start, reported by inspect and by an event
    }
    // The app's start line arrived first (logs before inspect): it was this start. It takes the container's
    // time, so that the next report of the same start matches it.
    for (Start& known : m_starts) {
        if (known.fromContainer || known.atMs < atMs - kSameStartMs
            || known.atMs - atMs > kAppLineAfterContainerStartMs)
            continue;
        for (Marker& m : m_markers) {
            if (m.atMs == known.atMs && (m.kind == Marker::Kind::Start || m.kind == Marker::Kind::Restart))
                m.atMs = atMs;
        }
        known.atMs = atMs;
        known.fromContainer = true;
        known.hasAppLine = true;
        std::sort(m_starts.begin(), m_starts.end(), [](const Start& a, const Start& b) { return a.atMs < b.atMs; });
        m_lastStartMs = m_starts.back().atMs;
        return;
    }
    addStart(atMs, true, text);
}

void TargetState::noteAppStart(qint64 atMs, const QString& text)
{
    // The newest container start before the line that has no start line yet is the one the app logged.
    for (auto it = m_starts.rbegin(); it != m_starts.rend(); ++it) {
        if (it->fromContainer && !it->hasAppLine && it->atMs <= atMs + kSameStartMs
            && atMs - it->atMs <= kAppLineAfterContainerStartMs) {
            it->hasAppLine = true;
            return;
        }
    }
    for (const Start& known : m_starts) {
        if (!known.fromContainer && std::llabs(atMs - known.atMs) <= kSameAppStartMs)
            return;
        if (known.fromContainer && known.hasAppLine && atMs >= known.atMs && atMs - known.atMs <= kSameAppStartMs)
            return; // a second start line (banner and "Starting …") of a start already matched
    }
    // No container start known for it (a replay, or a run before inspect's StartedAt): the line is the start.
    addStart(atMs, false, QStringLiteral("app started: ") + text.left(200));
}

void TargetState::addStart(qint64 atMs, bool fromContainer, const QString& text)
{
    // Reports arrive out of order (a batch's inspect is newer than its events): keep the starts sorted.
    const auto at
        = std::upper_bound(m_starts.begin(), m_starts.end(), atMs, [](qint64 v, const Start& s) { return v < s.atMs; });
    const bool earliest = at == m_starts.begin();
    m_starts.insert(at, Start {atMs, fromContainer, false});
    if (m_starts.size() > kMaxMarkers)
        m_starts.erase(m_starts.begin());
    m_lastStartMs = m_starts.back().atMs;
    if (m_starts.size() > 1)
        ++m_restarts;
    if (earliest) {
        // The start that was first until now is a restart after all.
        for (Marker& m : m_markers) {
            if (m.kind == Marker::Kind::Start) {
                m.kind = Marker::Kind::Restart;
                m.text = QStringLiteral("container restarted");
            }
        }
    }
    Marker marker;
    marker.atMs = atMs;
    marker.kind = earliest ? Marker::Kind::Start : Marker::Kind::Restart;
    marker.text = text.isEmpty()
        ? (earliest ? QStringLiteral("container started") : QStringLiteral("container restarted"))
        : text;
    addMarker(marker);
}

namespace {

bool inWindow(qint64 atMs, qint64 fromMs)
{
    return atMs < 0 || atMs >= fromMs;
}

} // namespace

qint64 TargetState::overflowEventsSince(qint64 fromMs) const
{
    return std::count_if(m_overflows.begin(), m_overflows.end(),
                         [fromMs](const OverflowEvent& o) { return inWindow(o.atMs, fromMs); });
}

qint64 TargetState::droppedSince(qint64 fromMs) const
{
    qint64 sum = 0;
    for (const OverflowEvent& o : m_overflows) {
        if (inWindow(o.atMs, fromMs) && o.dropped > 0 && sum <= std::numeric_limits<qint64>::max() - o.dropped)
            sum += o.dropped;
    }
    return sum;
}

qint64 TargetState::devModeLinesSince(qint64 fromMs) const
{
    return std::count_if(m_devModeTimes.begin(), m_devModeTimes.end(),
                         [fromMs](qint64 at) { return inWindow(at, fromMs); });
}

int TargetState::restartsSince(qint64 fromMs) const
{
    return int(std::count_if(m_markers.begin(), m_markers.end(), [fromMs](const Marker& m) {
        return m.kind == Marker::Kind::Restart && m.atMs >= fromMs;
    }));
}

int TargetState::oomKillsSince(qint64 fromMs) const
{
    return int(std::count_if(m_markers.begin(), m_markers.end(), [fromMs](const Marker& m) {
        return (m.kind == Marker::Kind::OomKill || m.kind == Marker::Kind::HeapOom) && m.atMs >= fromMs;
    }));
}

int TargetState::heapOomLinesSince(qint64 fromMs) const
{
    return int(std::count_if(m_problems.begin(), m_problems.end(), [fromMs](const Problem& p) {
        return p.kind == LogKind::HeapOom && inWindow(p.atMs, fromMs);
    }));
}

qint64 TargetState::lastOverflowMs() const
{
    qint64 last = -1;
    for (const OverflowEvent& o : m_overflows)
        last = std::max(last, o.atMs);
    return last;
}

qint64 TargetState::lastDevModeMs() const
{
    qint64 last = -1;
    for (qint64 at : m_devModeTimes)
        last = std::max(last, at);
    return last;
}

void TargetState::addProblem(qint64 atMs, Level level, LogKind kind, const QString& text)
{
    m_problems.push_back(Problem {atMs, level, kind, text, loggerTimestampLength(text)});
    ++m_problemsAdded;
    if (m_problems.size() > kMaxProblems)
        m_problems.pop_front();
}

void TargetState::deferProblemText(QByteArrayView raw)
{
    const quint64 oldest = m_problemsAdded - m_problems.size();
    // Texts whose problems were pushed out are dropped now and then, so that a long replay keeps about
    // 2 * kMaxProblems of them.
    if (m_deferredTexts.size() >= 2 * kMaxProblems) {
        const auto live = std::find_if(m_deferredTexts.begin(), m_deferredTexts.end(),
                                       [oldest](const DeferredText& t) { return t.problem >= oldest; });
        const size_t from = live == m_deferredTexts.end() ? m_deferredBytes.size() : live->at;
        m_deferredBytes.erase(0, from);
        m_deferredTexts.erase(m_deferredTexts.begin(), live);
        for (DeferredText& t : m_deferredTexts)
            t.at -= from;
    }
    m_deferredTexts.push_back(DeferredText {m_problemsAdded - 1, m_deferredBytes.size(), size_t(raw.size())});
    m_deferredBytes.append(raw.data(), size_t(raw.size()));
}

void TargetState::settleProblemTexts() const
{
    if (m_deferredTexts.empty())
        return;
    const quint64 oldest = m_problemsAdded - m_problems.size();
    for (const DeferredText& t : m_deferredTexts) {
        if (t.problem < oldest)
            continue;
        Problem& p = m_problems[size_t(t.problem - oldest)];
        p.text = LogParser::messageText(QByteArrayView(m_deferredBytes.data() + t.at, qsizetype(t.bytes)));
        p.messageStart = loggerTimestampLength(p.text);
    }
    m_deferredTexts.clear();
    m_deferredBytes.clear();
}

bool TargetState::looksLikeOomKill(int exitCode, qint64 atMs) const
{
    if (exitCode == 134)
        return true; // V8's abort: heap out of memory
    if (exitCode != 137)
        return false;
    // The kernel said so (an oom event), or the container was at its memory limit just before.
    for (const Marker& m : m_markers) {
        if (m.kind == Marker::Kind::OomKill && std::llabs(m.atMs - atMs) <= kSameIncidentMs)
            return true;
    }
    return m_lastStats && isKnown(m_lastStats->memUsageBytes) && isKnown(m_lastStats->memLimitBytes)
        && m_lastStats->memLimitBytes > 0 && m_lastStats->atMs <= atMs + kSameIncidentMs
        && atMs - m_lastStats->atMs <= kStatsBeforeDeathMs
        && m_lastStats->memUsageBytes >= kNearLimitFraction * m_lastStats->memLimitBytes;
}

bool TargetState::deathKnownNear(qint64 atMs) const
{
    for (const Marker& m : m_markers) {
        if ((m.kind == Marker::Kind::OomKill || m.kind == Marker::Kind::HeapOom || m.kind == Marker::Kind::Die)
            && std::llabs(m.atMs - atMs) <= kSameIncidentMs)
            return true;
    }
    return false;
}

QString TargetState::oomKillText(int exitCode)
{
    return exitCode == 134 ? QStringLiteral("aborted, exit code 134 (heap out of memory)")
                           : QStringLiteral("killed at its memory limit, exit code %1 (OOM kill)").arg(exitCode);
}

QString TargetState::killedText(int exitCode)
{
    return QStringLiteral("killed, exit code %1 (SIGKILL: a stop past its grace period, or an OOM kill the engine "
                          "did not report)")
        .arg(exitCode);
}

void TargetState::noteHeapSnapshot(qint64 atMs, qint64 pauseMs, const QString& text)
{
    Marker m;
    m.atMs = atMs;
    m.kind = Marker::Kind::HeapSnapshot;
    m.durationMs = std::max<qint64>(0, pauseMs);
    m.text = text;
    addMarker(std::move(m));
    ++m_revision;
}

void TargetState::setHeapGrowth(HeapGrowthEvidence evidence)
{
    constexpr qsizetype kMaxGrowers = 5;
    if (evidence.growers.size() > kMaxGrowers)
        evidence.growers.resize(kMaxGrowers);
    m_heapGrowth = std::move(evidence);
    ++m_revision;
}

void TargetState::addMarker(Marker marker)
{
    const bool oom = marker.kind == Marker::Kind::OomKill || marker.kind == Marker::Kind::HeapOom;
    if (oom) {
        // Count an OOM incident once, however many of its reports arrive.
        bool known = false;
        for (auto it = m_markers.rbegin(); it != m_markers.rend(); ++it) {
            if (std::llabs(it->atMs - marker.atMs) > kSameIncidentMs)
                continue;
            if (it->kind == Marker::Kind::OomKill || it->kind == Marker::Kind::HeapOom) {
                known = true;
                break;
            }
        }
        if (known)
            return;
        ++m_oomKills;
    }
    m_markers.push_back(std::move(marker));
    if (m_markers.size() > kMaxMarkers)
        m_markers.pop_front();
}

} // namespace heapwatch
