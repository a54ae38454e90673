// The one model of a watched target's state. The GUI, `check` and reports all read it, so they can never
// disagree. Everything in it is bounded: ring buffers for history, capped lists for events and problems.
#pragma once

#include "HistoryChunk.h"
#include "SafeMath.h"
#include "SampleRing.h"
#include "Samples.h"
#include "Source.h"
#include "Thresholds.h"

#include <QList>
#include <QString>
#include <deque>
#include <optional>
#include <string>
#include <vector>

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

// Columns of the garbage-collection rings (from Node's --trace-gc lines): 1 for a full GC, else 0; the heap
// before and after in MiB; the pause in ms.
enum GcColumn
{
    GcFullColumn = 0,
    GcHeapBeforeColumn,
    GcHeapAfterColumn,
    GcPauseColumn
};

using ProcessRing = SampleRing<6>;
using GcRing = SampleRing<4>;
using StatsRing = SampleRing<2>;
using CacheRing = SampleRing<4>;

// A warning, error, overflow, dev-mode or heap-OOM line, kept for the log panel and `recent_problems`.
struct Problem
{
    qint64 atMs = -1;
    Level level = Level::Warning;
    LogKind kind = LogKind::Warning;
    QString text;
    // Where the message proper begins in text: past the logger's own leading timestamp, which repeats atMs
    // (loggerTimestampLength). Found once when the line is taken in, so that views only display.
    qsizetype messageStart = 0;
    QStringView message() const { return QStringView(text).mid(messageStart); }
};

// A point in time worth a chart marker: a container start/restart, a death, an OOM kill, a heap snapshot
// heapwatch took (the app stood still while V8 wrote it).
struct Marker
{
    enum class Kind : quint8
    {
        Start,
        Restart,
        Die,
        OomKill,
        HeapOom,
        HeapSnapshot // atMs: when the pause began; durationMs: how long it lasted
    };
    qint64 atMs = 0;
    Kind kind = Kind::Start;
    int exitCode = -1;
    QString text;
    // A Restart whose container has a new id: removed and created again under the same name (a redeploy).
    bool recreated = false;
    qint64 durationMs = 0;
};

// What the history store held of a target when heapwatch starts watching it again (HistoryRecorder reads it):
// each ring's chunks oldest first, the chart markers, and the spans nobody watched.
struct RestoredHistory
{
    std::vector<StoredChunk> chunks[3]; // by RingKind
    std::vector<Marker> markers;
    std::vector<LogGap> unwatched; // spans nobody watched the target
};

// What grew between two heap snapshots of the target, by constructor: the evidence behind a leak verdict.
struct HeapGrowthEvidence
{
    struct Grower
    {
        QString constructor;
        qint64 countDelta = 0;
        qint64 sizeDeltaBytes = 0;
    };
    qint64 olderAtMs = -1;
    qint64 newerAtMs = -1;
    QList<Grower> growers; // the largest growth first; only constructors that grew
    bool isEmpty() const { return growers.isEmpty(); }
};

class TargetState
{
public:
    static constexpr size_t kMaxProblems = 500;
    // Whether applying a record of this kind adds a problem, whatever else the record holds.
    static bool addsProblem(LogKind kind);
    static constexpr size_t kMaxMarkers = 1000;
    static constexpr size_t kMaxGaps = 100; // spans kept; gapCount() counts them all

    explicit TargetState(QString name, const Thresholds& capacities = Thresholds::defaults());

    void apply(const IngestBatch& batch);
    void setConnection(const ConnectionStatus& status);
    // Loads stored history before the source starts: the rings' rows, markers (starts count as starts, so
    // growth's warm-up and the restart flag go on), the spans nobody watched. Rows that arrive later at or before the
    // newest restored row of their ring (the log backfill re-reading what the store has) are skipped as duplicates.
    void restoreHistory(const RestoredHistory& history);
    qint64 restoredUntilMs(RingKind ring) const { return m_restoredUntilMs[size_t(ring)]; }
    quint64 duplicatesSkipped() const { return m_duplicates; }

    const QString& name() const { return m_name; }
    // A heap snapshot heapwatch took: a chart marker where the app's pause began.
    void noteHeapSnapshot(qint64 atMs, qint64 pauseMs, const QString& text);
    // The latest comparison of two heap snapshots of the target (the console's Heap snapshot dialog).
    void setHeapGrowth(HeapGrowthEvidence evidence);
    const HeapGrowthEvidence& heapGrowth() const { return m_heapGrowth; }
    quint64 revision() const { return m_revision; } // bumps on every change; views poll it cheaply

    const ProcessRing& process() const { return m_process; }
    const StatsRing& stats() const { return m_stats; }
    const CacheRing& cache() const { return m_cache; }
    // The same rings to change how they keep their chunks (the history recorder lets them drop the bytes of
    // chunks the store holds); their rows stay the same.
    ProcessRing& processStorage() { return m_process; }
    StatsRing& statsStorage() { return m_stats; }
    CacheRing& cacheStorage() { return m_cache; }
    // Every collection of --trace-gc lines (pauses), and the full ones alone (the post-GC floor). Empty when the
    // app does not run with --trace-gc.
    const GcRing& gc() const { return m_gc; }
    const GcRing& fullGc() const { return m_fullGc; }

    const std::optional<MemorySample>& lastMemory() const { return m_lastMemory; }
    // The app's own pace of Memory lines: the median gap of its latest ones (-1 until three were seen).
    qint64 memoryIntervalMs() const;
    // Wall-clock time the latest live Memory line / container event arrived (-1: none yet).
    qint64 memoryArrivedMs() const { return m_memoryArrivedMs; }
    qint64 lastEventMs() const { return m_lastEventMs; }
    const std::optional<StatsSample>& lastStats() const { return m_lastStats; }
    const std::optional<CacheSample>& lastCache() const { return m_lastCache; }
    // Whether anything here can be judged: a Memory, stats or cache stats sample (or rows of them restored from the
    // history store), a --trace-gc line with a time (its pause), or a problem. A saved log without any (a file of
    // other lines, the app's start line alone) is not a replay whose flags are all unknown: `check` says UNKNOWN
    // and the console and `serve` call it failed.
    bool hasSomethingToJudge() const
    {
        return m_lastMemory || m_lastStats || m_lastCache || !m_process.isEmpty() || !m_stats.isEmpty()
            || !m_cache.isEmpty() || !m_gc.isEmpty() || !m_problems.empty();
    }
    const std::optional<ContainerInfo>& info() const { return m_info; }
    const ConnectionStatus& connection() const { return m_connection; }

    // Container memory limit in MiB: from stats (MemUsage "/ limit"), else inspect's HostConfig.Memory.
    double containerLimitMiB() const;
    // Heap limit in MiB from NODE_OPTIONS (NaN when unknown).
    double heapLimitMiB() const;

    qint64 overflowEvents() const { return m_overflowEvents; }
    // The app's running totals over its lives, plus what overflow warnings in other words said they dropped.
    qint64 totalDropped() const { return safe::add(m_totalDropped, m_droppedInOtherWords); }
    // Overflow warnings that gave no count of the entries dropped (not in totalDropped()).
    qint64 overflowsWithoutCount() const { return m_overflowsWithoutCount; }
    qint64 devModeLines() const { return m_devModeLines; }
    qint64 heapOomLines() const { return m_heapOomLines; }
    // --trace-gc lines without the engine's timestamp: V8's clock counts from the process start, so their pauses
    // have no wall-clock time and are not judged.
    qint64 untimedGcLines() const { return m_untimedGcLines; }
    qint64 warningLines() const { return m_warningLines; }
    qint64 errorLines() const { return m_errorLines; }
    int restartsWhileWatched() const { return m_restarts; }
    int oomKills() const { return m_oomKills; }
    // Time of the latest start seen (inspect StartedAt, a start event, or the app's own start line): the start
    // of the current deployment, whose facts (development mode, warm-up, cache) the verdict judges; -1 if unknown.
    qint64 lastStartMs() const { return m_lastStartMs; }
    // The app's start line of the current deployment said "development mode" (true) or another mode (false).
    std::optional<bool> startedInDevelopmentMode() const { return m_startedInDevMode; }

    // Events at or after fromMs (events without a time count: nothing says they are old). The lifetime totals
    // above stay for the notes ("5 since watching"); verdicts look at recent events through these.
    qint64 overflowEventsSince(qint64 fromMs) const;
    qint64 droppedSince(qint64 fromMs) const;
    qint64 devModeLinesSince(qint64 fromMs) const;
    int restartsSince(qint64 fromMs) const;
    int oomKillsSince(qint64 fromMs) const;
    int heapOomLinesSince(qint64 fromMs) const;
    // Time of the newest overflow event / dev-mode line, -1 if none.
    qint64 lastOverflowMs() const;
    qint64 lastDevModeMs() const;

    const std::deque<Problem>& problems() const
    {
        settleProblemTexts();
        return m_problems;
    }
    const std::deque<Marker>& markers() const { return m_markers; }
    const std::deque<OverflowEvent>& overflows() const { return m_overflows; }
    const std::deque<qint64>& devModeTimes() const { return m_devModeTimes; } // bounded, in arrival order
    // Log history an outage left unread (chart bands, check's input.gaps): the latest kMaxGaps spans.
    const std::deque<LogGap>& gaps() const { return m_gaps; }
    quint64 gapCount() const { return m_gapCount; }
    // Spans nobody watched the target (heapwatch not running between two runs, from the history store): every
    // chart shows them as gaps. Not log gaps: the logs of that time may well be read back.
    const std::deque<LogGap>& unwatched() const { return m_unwatched; }

    const ParseCounters& logCounters() const { return m_logCounters; }
    const ParseCounters& statsCounters() const { return m_statsCounters; }
    quint64 bytesReceived() const { return m_bytesReceived; }
    quint64 samplesDroppedOutOfOrder() const { return m_outOfOrder; }

    // Latest time any data refers to; `check` on a replay judges at this time, not at the wall clock.
    qint64 lastDataMs() const { return m_lastDataMs; }
    qint64 firstDataMs() const { return m_firstDataMs; }

private:
    // text: the record's (LogRecord::text, or made from its raw message: LogParser::recordText).
    void applyLog(const LogRecord& record, const QString& text);
    // A replay's Memory lines as rows (IngestBatch::memoryRows), in order: what applyLog does with their records,
    // but for MemoryRows::last, which the batch sets once.
    // inOrder: no row is older than the one before it (MemoryRows::inOrder).
    void applyMemoryRows(const MemoryRows::Row* rows, size_t count, bool inOrder);
    // The same for a replay's cache stats lines (MemoryRows::cacheRows; MemoryRows::lastCache is set once).
    void applyCacheRows(const MemoryRows::CacheRow* rows, size_t count, bool inOrder);
    // Pushes rows to ring a run at a time between those restored already (counted as duplicates, as applyLog
    // does), touching each row's time; onRow(atMs) sees every row's time in order.
    template<typename Ring, typename Row, typename OnRow>
    void pushRowsBetweenRestored(Ring& ring, const Row* rows, size_t count, qint64 restoredUntil, OnRow&& onRow);
    void noteMemoryTime(qint64 atMs);
    void applyStats(const StatsSample& sample);
    void applyInfo(const ContainerInfo& info);
    void markRecreated(const ContainerInfo& info);
    void applyEvent(const ContainerEvent& event);
    void addProblem(qint64 atMs, Level level, LogKind kind, const QString& text);
    // The problem added last takes its text from raw (a replay's raw message, LogRecord::textBytes) when the list
    // is next read, if it is still in it then.
    void deferProblemText(QByteArrayView raw);
    void settleProblemTexts() const;
    void addMarker(Marker marker);
    // A SIGKILL (137) is an OOM kill only with evidence: an oom event, or container memory at its limit.
    bool looksLikeOomKill(int exitCode, qint64 atMs) const;
    bool deathKnownNear(qint64 atMs) const;
    static QString oomKillText(int exitCode);
    static QString killedText(int exitCode);
    void noteContainerStart(qint64 atMs, bool isRestart, const QString& text);
    void noteAppStart(qint64 atMs, const QString& text);
    void addStart(qint64 atMs, bool fromContainer, const QString& text);
    void touch(qint64 atMs);

    QString m_name;
    quint64 m_revision = 0;
    HeapGrowthEvidence m_heapGrowth;
    ProcessRing m_process;
    StatsRing m_stats;
    CacheRing m_cache;
    GcRing m_gc;
    GcRing m_fullGc;
    std::optional<MemorySample> m_lastMemory;
    static constexpr size_t kMemoryTimes = 9;
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
    qint64 m_droppedInOtherWords = 0;
    qint64 m_overflowsWithoutCount = 0;
    qint64 m_devModeLines = 0;
    qint64 m_heapOomLines = 0;
    qint64 m_untimedGcLines = 0;
    qint64 m_warningLines = 0;
    qint64 m_errorLines = 0;
    int m_restarts = 0;
    int m_oomKills = 0;
    qint64 m_lastStartMs = -1;
    // Starts seen, sorted, bounded. A container start and the app's start line a few seconds later are one start.
    struct Start
    {
        qint64 atMs = 0;
        bool fromContainer = false; // inspect or an event; else the app's start line
        bool hasAppLine = false; // a container start that already absorbed its app start line
    };
    std::vector<Start> m_starts;
    std::optional<bool> m_startedInDevMode;
    qint64 m_modeLineMs = -1; // time of the start line m_startedInDevMode came from
    std::deque<qint64> m_devModeTimes; // times of dev-mode lines, bounded
    // Problems read through problems() only, which first makes the texts still deferred: a replay's segment is
    // applied before the problems of the segments after it are known, so the texts of its last kMaxProblems
    // problems were made, and nearly all of them were pushed out by the next segment unread (a fifth of a replay's
    // warning and error lines had their text made for nothing). Made when read, only the last kMaxProblems are.
    // (A state is read and changed in one thread, its owner's, so the const reader may make them.)
    mutable std::deque<Problem> m_problems;
    quint64 m_problemsAdded = 0; // the sequence number of the next problem
    struct DeferredText
    {
        quint64 problem = 0; // its sequence number
        size_t at = 0; // in m_deferredBytes
        size_t bytes = 0;
    };
    mutable std::vector<DeferredText> m_deferredTexts; // in the order of their problems
    mutable std::string m_deferredBytes;
    std::deque<Marker> m_markers;
    std::deque<OverflowEvent> m_overflows;
    std::deque<LogGap> m_gaps;
    std::deque<LogGap> m_unwatched;
    quint64 m_gapCount = 0;
    ParseCounters m_logCounters;
    ParseCounters m_statsCounters;
    quint64 m_bytesReceived = 0;
    quint64 m_outOfOrder = 0;
    std::array<qint64, 3> m_restoredUntilMs {-1, -1, -1}; // by RingKind
    quint64 m_duplicates = 0;
    qint64 m_lastDataMs = -1;
    qint64 m_firstDataMs = -1;
};

} // namespace heapwatch
