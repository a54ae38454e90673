#include "TargetState.h"

#include "Units.h"

#include <QDateTime>
#include <algorithm>

namespace heapwatch {
namespace {

float toFloat(double v)
{
    return isKnown(v) ? float(v) : std::numeric_limits<float>::quiet_NaN();
}

// Two reports of one incident (an `oom` event, the `die` with exit 137 after it, the heap-OOM line) arrive
// within seconds of each other; they count once.
constexpr qint64 kSameIncidentMs = 60 * 1000;
// inspect's StartedAt has ns precision, events only seconds: starts this close are the same start.
constexpr qint64 kSameStartMs = 2000;

bool isOomExit(int exitCode)
{
    return exitCode == 137 || exitCode == 134;
}

} // namespace

TargetState::TargetState(QString name, const Thresholds& capacities)
    : m_name(std::move(name))
    , m_process(capacities.processCapacity)
    , m_stats(capacities.statsCapacity)
    , m_cache(capacities.cacheCapacity)
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
    }
    for (const ContainerEvent& event : batch.events)
        applyEvent(event);
    if (batch.info)
        applyInfo(*batch.info);
    for (const LogRecord& record : batch.logs)
        applyLog(record);
    for (const StatsSample& sample : batch.stats)
        applyStats(sample);
    m_logCounters += batch.logCounters;
    m_statsCounters += batch.statsCounters;
    m_bytesReceived += batch.bytesReceived;
    m_connection.bytesReceived = m_bytesReceived;
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

void TargetState::applyLog(const LogRecord& record)
{
    touch(record.atMs);
    switch (record.kind) {
    case LogKind::Memory: {
        const MemorySample& m = record.memory;
        m_lastMemory = m;
        if (m.atMs >= 0 && (m_memoryTimes.empty() || m.atMs > m_memoryTimes.back())) {
            m_memoryTimes.push_back(m.atMs);
            if (m_memoryTimes.size() > 9)
                m_memoryTimes.pop_front();
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
        if (c.atMs >= 0
            && !m_cache.push(c.atMs, {float(c.keys), float(c.hits), float(c.misses), toFloat(c.hitRatePercent)}))
            ++m_outOfOrder;
        break;
    }
    case LogKind::Overflow: {
        const OverflowEvent& o = record.overflow;
        // The app's running total starts again from zero when its process restarts.
        // A continuing process reports at least its previous total plus what it dropped now; less means the
        // process restarted and counts from zero again.
        if (o.totalDropped < m_lastReportedTotal + o.dropped)
            m_droppedBeforeRestart += m_lastReportedTotal;
        m_lastReportedTotal = o.totalDropped;
        m_totalDropped = std::max(m_totalDropped, m_droppedBeforeRestart + o.totalDropped);
        ++m_overflowEvents;
        m_overflows.push_back(o);
        if (m_overflows.size() > kMaxProblems)
            m_overflows.pop_front();
        addProblem(record.atMs, Level::Warning, record.kind, record.text);
        break;
    }
    case LogKind::Warning:
        ++m_warningLines;
        addProblem(record.atMs, Level::Warning, record.kind, record.text);
        break;
    case LogKind::Error:
        ++m_errorLines;
        addProblem(record.atMs, Level::Critical, record.kind, record.text);
        break;
    case LogKind::DevMode:
        ++m_devModeLines;
        addProblem(record.atMs, Level::Critical, record.kind, record.text);
        break;
    case LogKind::HeapOom: {
        ++m_heapOomLines;
        addProblem(record.atMs, Level::Critical, record.kind, record.text);
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
    }
    // A stopped container that was OOM-killed (or died with 137/134) is an incident even without events.
    if (!info.running && (info.oomKilled || isOomExit(info.exitCode))) {
        Marker marker;
        marker.atMs = info.finishedAtMs > 0 ? info.finishedAtMs : std::max<qint64>(m_lastDataMs, 0);
        marker.kind = Marker::Kind::OomKill;
        marker.exitCode = info.exitCode;
        marker.text = info.oomKilled ? QStringLiteral("OOM killed (exit code %1)").arg(info.exitCode)
                                     : QStringLiteral("killed, exit code %1").arg(info.exitCode);
        addMarker(marker);
    }
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
        marker.kind = isOomExit(event.exitCode) ? Marker::Kind::OomKill : Marker::Kind::Die;
        marker.text = QStringLiteral("container died, exit code %1").arg(event.exitCode);
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
    for (qint64 known : m_starts) {
        if (std::llabs(atMs - known) <= kSameStartMs)
            return; // the same start, reported by inspect and by an event
    }
    // Reports arrive out of order (a batch's inspect is newer than its events): keep the starts sorted.
    const auto at = std::upper_bound(m_starts.begin(), m_starts.end(), atMs);
    const bool earliest = at == m_starts.begin();
    m_starts.insert(at, atMs);
    if (m_starts.size() > kMaxMarkers)
        m_starts.erase(m_starts.begin());
    m_lastStartMs = m_starts.back();
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

void TargetState::addProblem(qint64 atMs, Level level, LogKind kind, const QString& text)
{
    m_problems.push_back(Problem {atMs, level, kind, text});
    if (m_problems.size() > kMaxProblems)
        m_problems.pop_front();
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
