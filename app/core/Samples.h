// Plain value types that parsers produce and the state model consumes. No QObject, no I/O.
#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QString>
#include <QtGlobal>
#include <array>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace heapwatch {

inline constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();
inline bool isKnown(double v)
{
    return std::isfinite(v);
}

enum class Level : quint8
{
    Ok = 0,
    Warning = 1,
    Critical = 2,
    Unknown = 3
};

// Which stream of `docker logs` a chunk came from; a merged file counts as Stdout.
enum class LogStream : quint8
{
    Stdout = 0,
    Stderr = 1
};

// One `Memory: RSS=…, Heap=…/…, External=…, ArrayBuffers=…` line. Values in MiB (the app's "MB").
struct MemorySample
{
    qint64 atMs = 0;
    double rssMiB = kUnknown;
    double heapUsedMiB = kUnknown;
    double heapTotalMiB = kUnknown;
    double externalMiB = kUnknown;
    double arrayBuffersMiB = kUnknown;
};

// One `Cache stats - Keys: …, Hits: …, Misses: …, Hit rate: …%` line.
struct CacheSample
{
    qint64 atMs = 0;
    qint64 keys = -1;
    qint64 hits = -1;
    qint64 misses = -1;
    double hitRatePercent = kUnknown;
};

// A replay's Memory lines, kept out of LogRecord: the parsing threads hand over only the process ring's rows,
// each already rounded as the ring stores it (storedProcessRow, ProcessRow.h), and the full sample of the last
// line. A LogRecord is about 200 bytes; a row is 32.
struct MemoryRows
{
    struct Row
    {
        qint64 atMs;
        std::array<float, 6> v;
    };
    std::vector<Row> rows; // the lines with a time, in their order
    // For each record the parser appended to its output meanwhile: how many rows came before it, so that the
    // state applies rows and records in the order of the log.
    std::vector<quint32> rowsBefore;
    std::optional<MemorySample> last; // the last Memory line, with or without a time
    qint64 lastMs = -1; // the latest row time (cacheRows' too)
    // Set by the thread that parsed the rows: no row is older than the one before it. The state then takes the
    // times of the batch from its ends instead of row by row.
    bool inOrder = false;
    // The raw messages of the records whose text is left to the applying thread (LogRecord::textBytes): a parsing
    // thread then allocates nothing per record, and two of them no longer queue for the allocator's lock.
    std::string texts;

    // A replay's cache stats lines go the same way (a fifth of the captured app's lines): the cache ring's rows as
    // it stores them (storedCacheRow, ProcessRow.h), each with where it was among the records and the rows, and
    // the full sample of the last line.
    struct CacheRow
    {
        qint64 atMs;
        std::array<float, 4> v;
        quint32 logsBefore; // records appended to the parser's output before this line
        quint32 rowsBefore; // rows before this line
    };
    std::vector<CacheRow> cacheRows; // the lines with a time, in their order
    std::optional<CacheSample> lastCache;
    bool cacheInOrder = false; // as inOrder, for cacheRows

    void clear()
    {
        rows.clear();
        rowsBefore.clear();
        last.reset();
        lastMs = -1;
        inOrder = false;
        texts.clear(); // keeps its capacity for the next segment
        cacheRows.clear();
        lastCache.reset();
        cacheInOrder = false;
    }
};

// One `Audit log buffer overflow - dropped N entries (M total dropped)` line, or an overflow warning in other words
// (LogParser: the counts it gives, -1 for one it does not).
struct OverflowEvent
{
    qint64 atMs = 0;
    qint64 dropped = 0; // -1: unknown
    qint64 totalDropped = 0; // the app's running total; -1: unknown
};

enum class LogKind : quint8
{
    Other = 0, // a line that carries nothing the rules need (info, debug, …)
    Memory,
    Cache,
    Overflow,
    Warning,
    Error,
    DevMode, // Next.js development mode: Compiling, Compiled, Fast Refresh, webpack/turbopack HMR
    HeapOom, // Node's "JavaScript heap out of memory"
    AppStart, // the app's own start line ("Starting Pangolin in production mode", Next.js's "▲ Next.js 14.1.0")
    Gc, // one line of Node's --trace-gc ("[1:0x…]  123 ms: Mark-Compact 210.3 (218.0) -> 198.1 (219.0) MB, …")
};

// One garbage collection as `node --trace-gc` prints it. Heap sizes in MB as V8 prints them (MiB).
struct GcSample
{
    qint64 atMs = 0;
    bool full = false; // Mark-Compact / Mark-sweep: the whole heap; else a Scavenge / minor GC of the young space
    double heapBeforeMiB = kUnknown;
    double heapAfterMiB = kUnknown; // after a full GC: what the app still holds (the post-GC floor)
    double pauseMs = kUnknown; // the main thread's pause
};

// A stretch of the app's log that could not be read back after an outage (the --tail cap, logs rotated
// away, the container recreated): lines the app printed in it may be missing. Wall-clock ms (docker's
// timestamps).
struct LogGap
{
    qint64 fromMs = -1;
    qint64 toMs = -1;
};

// One recognised log line.
struct LogRecord
{
    LogKind kind = LogKind::Other;
    LogStream stream = LogStream::Stdout;
    // Time of the line in ms since the epoch: the `docker logs -t` timestamp when there is one, else the
    // first ISO-8601 timestamp in the logger prefix, else -1.
    qint64 atMs = -1;
    // The `docker logs -t` timestamp in ns since the epoch, -1 when the line had none. Resuming a follower
    // with `--since` uses it; together with lineHash it identifies a line at the resume boundary.
    qint64 dockerTimeNs = -1;
    quint64 lineHash = 0; // LogParser::hashLine of the line without its docker timestamp: the resume's key
    MemorySample memory; // kind == Memory
    CacheSample cache; // kind == Cache
    OverflowEvent overflow; // kind == Overflow
    GcSample gc; // kind == Gc
    QString text; // message with escapes removed, for Overflow/Warning/Error/DevMode/HeapOom/AppStart; else empty
    // A replay's parsing threads leave text empty and keep the message's raw bytes instead (MemoryRows::texts, from
    // textAt): the thread that applies the record makes the text (LogParser::recordText). textBytes is 0 otherwise.
    quint32 textAt = 0;
    quint32 textBytes = 0;
};

// One container line of `docker stats` / `podman stats`. Unknown numbers are NaN (`--` placeholders).
struct StatsSample
{
    qint64 atMs = 0;
    QString containerId; // match containers by ID, never by the NAME column (it can be wrong)
    QString name;
    double cpuPercent = kUnknown;
    double memUsageBytes = kUnknown;
    double memLimitBytes = kUnknown;
    double memPercent = kUnknown;
    double netRxBytes = kUnknown;
    double netTxBytes = kUnknown;
    double blockReadBytes = kUnknown;
    double blockWriteBytes = kUnknown;
    qint64 pids = -1;
};

// What `docker inspect` says of a container. Only NODE_OPTIONS is kept from its environment.
struct ContainerInfo
{
    QString id;
    QString name;
    QString image;
    QString status; // created, running, paused, restarting, exited, dead, …
    QString health; // none, starting, healthy, unhealthy
    bool running = false;
    bool oomKilled = false;
    int exitCode = -1;
    int restartCount = -1;
    qint64 startedAtMs = -1;
    qint64 finishedAtMs = -1;
    bool nodeOptionsKnown = false; // the environment was read (NODE_OPTIONS may still be absent)
    QString nodeOptions; // value of NODE_OPTIONS, empty when unset
    double heapLimitMiB = kUnknown; // from --max-old-space-size=N
    double memLimitBytes = kUnknown; // HostConfig.Memory; NaN when unlimited or not reported
    qint64 pid = 0; // State.Pid: the container's first process on the host, 0 when not running or not reported
    QString logPath; // the engine's log file on the host (absolute), empty when not reported
};

// One line of `docker events --format '{{json .}}'`.
struct ContainerEvent
{
    enum class Kind : quint8
    {
        Start,
        Die,
        Oom,
        Restart,
        Health,
        Other
    };
    qint64 atMs = 0;
    Kind kind = Kind::Other;
    QString containerId;
    int exitCode = -1; // for Die
    QString detail; // health status, or the raw action
};

// Counters every parser keeps: nothing is dropped without being counted.
struct ParseCounters
{
    quint64 lines = 0; // complete lines seen
    quint64 recognised = 0; // lines that produced a record or sample
    quint64 malformed = 0; // lines that looked like a known kind but did not parse; skipped
    quint64 oversized = 0; // lines longer than the parser's limit; skipped
    // Recognised lines whose records never reached the state model because it could not keep up (a log
    // flood): the worker kept the latest record of each kind and counted the rest here.
    quint64 skipped = 0;
    quint64 bytes = 0;

    ParseCounters& operator+=(const ParseCounters& o)
    {
        lines += o.lines;
        recognised += o.recognised;
        malformed += o.malformed;
        oversized += o.oversized;
        skipped += o.skipped;
        bytes += o.bytes;
        return *this;
    }
    // What was counted since an earlier reading of the same counters.
    ParseCounters since(const ParseCounters& before) const
    {
        ParseCounters d;
        d.lines = lines - before.lines;
        d.recognised = recognised - before.recognised;
        d.malformed = malformed - before.malformed;
        d.oversized = oversized - before.oversized;
        d.skipped = skipped - before.skipped;
        d.bytes = bytes - before.bytes;
        return d;
    }
};

} // namespace heapwatch

Q_DECLARE_METATYPE(heapwatch::Level)
