// The one model of a watched target's state. The GUI, `check` and reports all read it, so they can never
// disagree. Everything in it is bounded: ring buffers for history, capped lists for events and problems.
#pragma once

#include "SampleRing.h"
#include "Samples.h"
#include "Source.h"
#include "Thresholds.h"

#include <QString>
#include <deque>
#include <optional>

namespace heapwatch {

// Columns of the process-memory ring (from the app's `Memory:` lines), in MiB.
enum ProcessColumn
{
    RssColumn = 0,
    HeapUsedColumn,
    HeapTotalColumn,
    ExternalColumn,
    ArrayBuffersColumn,
    HeapUsagePercentColumn // heap used / heap total, %, kept so that charts can decimate it like the others
};
// Columns of the container ring (from `docker stats`): CPU % and memory usage in MiB.
enum StatsColumn
{
    CpuColumn = 0,
    MemUsageColumn
};
// Columns of the cache ring: keys, hits, misses, hit rate %.
enum CacheColumn
{
    KeysColumn = 0,
    HitsColumn,
    MissesColumn,
    HitRateColumn
};

using ProcessRing = SampleRing<6>;
using StatsRing = SampleRing<2>;
using CacheRing = SampleRing<4>;

// A warning, error, overflow, dev-mode or heap-OOM line, kept for the log panel and `recent_problems`.
struct Problem
{
    qint64 atMs = -1;
    Level level = Level::Warning;
    LogKind kind = LogKind::Warning;
    QString text;
};

// A point in time worth a chart marker: a container start/restart, a death, an OOM kill.
struct Marker
{
    enum class Kind : quint8
    {
        Start,
        Restart,
        Die,
        OomKill,
        HeapOom
    };
    qint64 atMs = 0;
    Kind kind = Kind::Start;
    int exitCode = -1;
    QString text;
};

class TargetState
{
public:
    static constexpr size_t kMaxProblems = 500;
    static constexpr size_t kMaxMarkers = 1000;

    explicit TargetState(QString name, const Thresholds& capacities = Thresholds::defaults());

    void apply(const IngestBatch& batch);
    void setConnection(const ConnectionStatus& status);

    const QString& name() const { return m_name; }
    quint64 revision() const { return m_revision; } // bumps on every change; views poll it cheaply

    const ProcessRing& process() const { return m_process; }
    const StatsRing& stats() const { return m_stats; }
    const CacheRing& cache() const { return m_cache; }

    const std::optional<MemorySample>& lastMemory() const { return m_lastMemory; }
    // The app's own pace of Memory lines: the median gap of its latest ones (-1 until three were seen).
    qint64 memoryIntervalMs() const;
    // Wall-clock time the latest live Memory line / container event arrived (-1: none yet).
    qint64 memoryArrivedMs() const { return m_memoryArrivedMs; }
    qint64 lastEventMs() const { return m_lastEventMs; }
    const std::optional<StatsSample>& lastStats() const { return m_lastStats; }
    const std::optional<CacheSample>& lastCache() const { return m_lastCache; }
    const std::optional<ContainerInfo>& info() const { return m_info; }
    const ConnectionStatus& connection() const { return m_connection; }

    // Container memory limit in MiB: from stats (MemUsage "/ limit"), else inspect's HostConfig.Memory.
    double containerLimitMiB() const;
    // Heap limit in MiB from NODE_OPTIONS (NaN when unknown).
    double heapLimitMiB() const;

    qint64 overflowEvents() const { return m_overflowEvents; }
    qint64 totalDropped() const { return m_totalDropped; }
    qint64 devModeLines() const { return m_devModeLines; }
    qint64 heapOomLines() const { return m_heapOomLines; }
    qint64 warningLines() const { return m_warningLines; }
    qint64 errorLines() const { return m_errorLines; }
    int restartsWhileWatched() const { return m_restarts; }
    int oomKills() const { return m_oomKills; }
    // Time of the latest container start seen (inspect StartedAt or a start event); -1 if unknown.
    qint64 lastStartMs() const { return m_lastStartMs; }

    const std::deque<Problem>& problems() const { return m_problems; }
    const std::deque<Marker>& markers() const { return m_markers; }
    const std::deque<OverflowEvent>& overflows() const { return m_overflows; }

    const ParseCounters& logCounters() const { return m_logCounters; }
    const ParseCounters& statsCounters() const { return m_statsCounters; }
    quint64 bytesReceived() const { return m_bytesReceived; }
    quint64 samplesDroppedOutOfOrder() const { return m_outOfOrder; }

    // Latest time any data refers to; `check` on a replay judges at this time, not at the wall clock.
    qint64 lastDataMs() const { return m_lastDataMs; }
    qint64 firstDataMs() const { return m_firstDataMs; }

private:
    void applyLog(const LogRecord& record);
    void applyStats(const StatsSample& sample);
    void applyInfo(const ContainerInfo& info);
    void applyEvent(const ContainerEvent& event);
    void addProblem(qint64 atMs, Level level, LogKind kind, const QString& text);
    void addMarker(Marker marker);
    void noteContainerStart(qint64 atMs, bool isRestart, const QString& text);
    void touch(qint64 atMs);

    QString m_name;
    quint64 m_revision = 0;
    ProcessRing m_process;
    StatsRing m_stats;
    CacheRing m_cache;
    std::optional<MemorySample> m_lastMemory;
    std::deque<qint64> m_memoryTimes; // the latest Memory lines' times, for their pace
    qint64 m_memoryArrivedMs = -1;
    qint64 m_lastEventMs = -1;
    std::optional<StatsSample> m_lastStats;
    std::optional<CacheSample> m_lastCache;
    std::optional<ContainerInfo> m_info;
    ConnectionStatus m_connection;
    qint64 m_overflowEvents = 0;
    qint64 m_totalDropped = 0;
    qint64 m_droppedBeforeRestart = 0; // the app's running total restarts with the process
    qint64 m_lastReportedTotal = 0;
    qint64 m_devModeLines = 0;
    qint64 m_heapOomLines = 0;
    qint64 m_warningLines = 0;
    qint64 m_errorLines = 0;
    int m_restarts = 0;
    int m_oomKills = 0;
    qint64 m_lastStartMs = -1;
    std::vector<qint64> m_starts; // container start times seen, sorted, bounded
    std::deque<Problem> m_problems;
    std::deque<Marker> m_markers;
    std::deque<OverflowEvent> m_overflows;
    ParseCounters m_logCounters;
    ParseCounters m_statsCounters;
    quint64 m_bytesReceived = 0;
    quint64 m_outOfOrder = 0;
    qint64 m_lastDataMs = -1;
    qint64 m_firstDataMs = -1;
};

} // namespace heapwatch
