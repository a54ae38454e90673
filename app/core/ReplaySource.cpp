#include "ReplaySource.h"

#include "DockerStatsParser.h"
#include "EngineLogFile.h"
#include "LogParser.h"
#include "TargetConfig.h"
#include "TargetState.h"
#include "ThreadReaper.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QRegularExpression>
#include <QSemaphore>
#include <QThread>
#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <limits>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace heapwatch {
namespace {

constexpr qint64 kChunkBytes = 64 * 1024;
constexpr size_t kRecordsPerBatch = 20000;
// A saved log is parsed in segments of about this size (whole lines), a few of them ahead of the one being
// applied: about 10 000 records each, so the records in flight stay a few megabytes whatever the file's size.
constexpr qsizetype kSegmentBytes = 1024 * 1024;
constexpr size_t kSegmentsAhead = 6;
constexpr unsigned kMaxWorkers = 4;

// Reads of one segment: pread, so that workers share the descriptor without a shared file position. A file
// cut short while it is read (log rotation by copytruncate) only ends the reads early: nothing maps it, so
// nothing can fault on the pages it lost. (Copying out of a mapping under a SIGBUS guard was tried: once the
// segment boundaries stopped reading 256 KiB each, it saved nothing measurable here.)
constexpr qsizetype kReadBytes = 256 * 1024;
constexpr qsizetype kBoundaryReadBytes = 4096; // read past a segment's end for its last line (readSegment)
constexpr qsizetype kBufferBytes = kReadBytes + kBoundaryReadBytes; // a reading thread's buffer

qsizetype readAt(int fd, qint64 offset, char* buffer, qsizetype size)
{
    for (;;) {
        const ssize_t n = ::pread(fd, buffer, size_t(size), off_t(offset));
        if (n >= 0)
            return qsizetype(n);
        if (errno != EINTR)
            return 0; // an unreadable file ends like a short one
    }
}

// Feeds the bytes of segment i (of count) to feed, in reads of up to kReadBytes through buffer (room for
// kBufferBytes). Its lines are those that begin in [start(i), start(i + 1)), where start(i) is
// just after the first newline at or after byte i * kSegmentBytes - 1 (0 for the first segment, the file's size when
// no newline follows): every line belongs to the segment it begins in, whatever its length. The boundaries are found
// in the reads of the segment: the first starts at byte i * kSegmentBytes - 1, and the one that reaches the segment's
// last byte reads a page past it, where its last line nearly always ends. (Each boundary read apart, a page at a
// time, was two more reads a segment, a third of them; 256 KiB each, half the file copied again.)
template<typename Feed> void readSegment(int fd, qint64 size, qint64 i, qint64 count, char* buffer, Feed&& feed)
{
    const bool last = i + 1 == count;
    // The first newline at or after this byte ends the segment.
    const qint64 limit = last ? size : std::min(size, (i + 1) * kSegmentBytes - 1);
    qint64 at = i == 0 ? 0 : std::min(size, i * kSegmentBytes - 1);
    bool started = i == 0;
    while (at < size) {
        qint64 want = kReadBytes;
        if (!last && limit - at <= kReadBytes)
            want = std::max<qint64>(limit - at, 0) + kBoundaryReadBytes;
        const qsizetype n = readAt(fd, at, buffer, qsizetype(std::min(want, size - at)));
        if (n <= 0)
            return;
        const char* b = buffer;
        if (!started) {
            const char* const nl = static_cast<const char*>(std::memchr(buffer, '\n', size_t(n)));
            if (!nl) {
                at += n; // still the line that begins in a segment before
                continue;
            }
            if (!last && at + (nl - buffer) >= limit)
                return; // that line ends past this segment too: the segment has none
            b = nl + 1;
            started = true;
        }
        if (!last && at + n > limit) {
            const qsizetype from = std::max<qsizetype>(qsizetype(std::max<qint64>(limit - at, 0)), b - buffer);
            if (const void* nl = std::memchr(buffer + from, '\n', size_t(n - from))) {
                feed(QByteArrayView(b, static_cast<const char*>(nl) + 1 - b));
                return;
            }
        }
        if (b < buffer + n)
            feed(QByteArrayView(b, buffer + n - b));
        at += n;
    }
}

// An engine's log file fed to a parser: its lines as `docker logs --timestamps` prints them, each stream's to the
// parser as that stream's, in the file's order (EngineLogFile, as the console's log-file follower reads it). Lines of
// neither format (and the follower's own) count as malformed lines, and the file's bytes as the bytes read.
class EngineFeed : private EngineLogFile::Sink
{
public:
    // Starts anew from state (a file's start, or where the segment before ended: the pieces of a long line).
    void restart(const EngineLogFile& state)
    {
        m_engine = state;
        m_startMalformed = state.malformed();
        m_control = 0;
        m_fileBytes = 0;
    }
    void feed(QByteArrayView bytes, LogParser& parser, std::vector<LogRecord>& logs)
    {
        m_fileBytes += quint64(bytes.size());
        m_parser = &parser;
        m_logs = &logs;
        m_engine.feed(bytes, *this);
        parseText(parser, logs);
    }
    // The end of the file.
    void finish(LogParser& parser, std::vector<LogRecord>& logs)
    {
        m_parser = &parser;
        m_logs = &logs;
        m_engine.finish(*this);
        parseText(parser, logs);
    }
    // The parser's counters since restart(), with the file's rejected lines and bytes.
    ParseCounters counters(const LogParser& parser) const
    {
        ParseCounters c = parser.counters();
        const quint64 rejected = m_engine.malformed() - m_startMalformed + m_control;
        c.lines += rejected;
        c.malformed += rejected;
        c.bytes = m_fileBytes; // the file's, not those of the lines made of it
        return c;
    }
    const EngineLogFile& state() const { return m_engine; }

private:
    // The lines of one stream are gathered and parsed together, at a change of stream or at the end of the bytes.
    void line(LogStream stream, qint64 timeNs, QByteArrayView timeText, QByteArrayView message) override
    {
        EngineLogFile::appendTimestamped(timeNs, timeText, message, *timestampedText(stream));
    }
    QByteArray* timestampedText(LogStream stream) override
    {
        if (stream != m_textStream && !m_text.isEmpty()) {
            m_parser->feed(m_text, m_textStream, *m_logs);
            m_text.resize(0);
        }
        m_textStream = stream;
        return &m_text;
    }
    void control(QByteArrayView) override { ++m_control; } // the follower's own lines: not a saved log's
    void parseText(LogParser& parser, std::vector<LogRecord>& logs)
    {
        if (!m_text.isEmpty())
            parser.feed(m_text, m_textStream, logs);
        m_text.resize(0); // its room kept for the next lines
    }

    EngineLogFile m_engine;
    quint64 m_startMalformed = 0;
    quint64 m_control = 0;
    quint64 m_fileBytes = 0;
    QByteArray m_text;
    LogStream m_textStream = LogStream::Stdout;
    LogParser* m_parser = nullptr; // those of the feed() or finish() under way
    std::vector<LogRecord>* m_logs = nullptr;
};

// What a thread that parses segments keeps from one to the next: its read buffer (kBufferBytes; allocated for each
// segment, it was fresh pages every time: the kernel's copy into them took a page fault per 4 KiB, half the
// process's faults) and, for an engine's log file, its text.
struct SegmentScratch
{
    std::unique_ptr<char[]> buffer {new char[size_t(kBufferBytes)]};
    EngineFeed engine;
};

// Parses a regular file in segments, each by its own LogParser in a worker thread reading its own bytes, and
// hands their records to deliver in file order, in the calling thread. The result is the one a single parser
// reading the file from the start gives: a parser carries nothing from one line to the next but a partial line
// (and a cache of the last timestamp's minute, which changes no value), and every segment holds whole lines.
// False when cancelled. problemsAfter: set IngestBatch::problemsAfter from the segments parsed ahead.
// engineFile: the file is an engine's log file (EngineFeed). Its segments are parsed apart too; where one ends
// within a line's pieces (a line longer than 16 KiB), the next is parsed again after it, in file order.
bool parseSegments(int fd, qint64 size, bool engineFile,
                   const std::function<void(IngestBatch&, qint64 lastMs)>& deliver, const std::atomic<bool>* cancel,
                   bool problemsAfter)
{
    const size_t count = size_t(std::max<qint64>(1, (size + kSegmentBytes - 1) / kSegmentBytes));
    // Fills batch (its logs may hold the capacity of an earlier segment's) and returns its latest record time, with
    // the calling thread's scratch. An engine's log file is read from the state start (where the segment before
    // ended), and end is set to where this one ends.
    const auto parseSegment
        = [&](size_t i, IngestBatch& batch, SegmentScratch& scratch, const EngineLogFile& start, EngineLogFile* end) {
              LogParser parser(LogParser::Timestamps::Detect, LogParser::Hashing::Gated);
              batch.backfill = true;
              // Memory lines, nearly all of a log, become the process ring's rows here, on the parsing threads, rather
              // than records for the one thread that applies every line.
              batch.memoryRows.clear();
              batch.memoryRows.rows.reserve(size_t(kSegmentBytes / 128)); // a Memory line is about 140 bytes
              parser.setMemoryRows(&batch.memoryRows);
              if (engineFile) {
                  scratch.engine.restart(start);
                  readSegment(fd, size, qint64(i), qint64(count), scratch.buffer.get(),
                              [&](QByteArrayView bytes) { scratch.engine.feed(bytes, parser, batch.logs); });
                  if (i + 1 == count)
                      scratch.engine.finish(parser, batch.logs);
              } else {
                  readSegment(fd, size, qint64(i), qint64(count), scratch.buffer.get(),
                              [&](QByteArrayView bytes) { parser.feed(bytes, LogStream::Stdout, batch.logs); });
              }
              if (i + 1 == count)
                  parser.finish(batch.logs);
              batch.logCounters = engineFile ? scratch.engine.counters(parser) : parser.counters();
              if (end && engineFile)
                  *end = scratch.engine.state();
              const std::vector<MemoryRows::Row>& rows = batch.memoryRows.rows;
              const auto byTime = [](const auto& a, const auto& b) { return a.atMs < b.atMs; };
              batch.memoryRows.inOrder = std::is_sorted(rows.begin(), rows.end(), byTime);
              const std::vector<MemoryRows::CacheRow>& cacheRows = batch.memoryRows.cacheRows;
              batch.memoryRows.cacheInOrder = std::is_sorted(cacheRows.begin(), cacheRows.end(), byTime);
              qint64 lastMs = batch.memoryRows.lastMs;
              for (const LogRecord& r : batch.logs)
                  lastMs = std::max(lastMs, r.atMs);
              return lastMs;
          };
    const auto isCancelled = [cancel] { return cancel && cancel->load(); };
    const EngineLogFile fileStart;
    if (count <= 1) {
        IngestBatch batch;
        SegmentScratch scratch;
        const qint64 lastMs = parseSegment(0, batch, scratch, fileStart, nullptr);
        if (isCancelled())
            return false;
        deliver(batch, lastMs);
        return true;
    }

    struct Slot
    {
        IngestBatch batch;
        qint64 lastMs = -1;
        quint32 problems = 0; // records that add a problem (TargetState::addsProblem)
        bool done = false;
        EngineLogFile end; // an engine's log file: its state where the segment ends
    };
    // Record vectors handed back after their segment was applied: their pages are reused, not faulted in anew.
    std::vector<std::vector<LogRecord>> spare;
    std::vector<MemoryRows> spareRows; // the same for the rows
    std::vector<Slot> parsed(count);
    std::mutex mutex;
    std::condition_variable changed;
    size_t next = 0; // the next segment a worker takes
    size_t applied = 0; // segments handed to deliver
    bool stop = false;
    // Parses segment i into its slot (from an engine's log file's start), in recycled vectors, with the thread's
    // scratch; called without the lock.
    const auto parseInto = [&](size_t i, SegmentScratch& scratch) {
        IngestBatch batch;
        {
            std::lock_guard lock(mutex);
            if (!spare.empty()) {
                batch.logs = std::move(spare.back());
                spare.pop_back();
            }
            if (!spareRows.empty()) {
                batch.memoryRows = std::move(spareRows.back());
                spareRows.pop_back();
            }
        }
        batch.logs.clear(); // here rather than in the applying thread: a destructor call per record
        EngineLogFile end;
        const qint64 lastMs = parseSegment(i, batch, scratch, fileStart, &end);
        const auto problems = quint32(std::count_if(
            batch.logs.begin(), batch.logs.end(), [](const LogRecord& r) { return TargetState::addsProblem(r.kind); }));
        std::lock_guard lock(mutex);
        parsed[i].batch = std::move(batch);
        parsed[i].lastMs = lastMs;
        parsed[i].problems = problems;
        parsed[i].done = true;
        parsed[i].end = std::move(end);
        changed.notify_all();
    };
    // Whether a thread may parse the next segment now (under the lock): not too far ahead of the one applied.
    const auto canTake = [&] { return !stop && next < count && next < applied + kSegmentsAhead; };
    // The segment a thread parses now (under the lock); count when none.
    const auto takeSegment = [&]() -> size_t { return canTake() ? next++ : count; };
    const auto work = [&] {
        SegmentScratch scratch;
        for (;;) {
            size_t i;
            {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return stop || next >= count || canTake(); });
                if ((i = takeSegment()) == count)
                    return;
            }
            parseInto(i, scratch);
        }
    };
    // The applying thread parses too whenever the segment it needs next is not ready: with one thread fewer than
    // the processors, no processor idles while the applying thread waits, and none is shared by three threads
    // (on two processors, a third of the applying thread's time went to the two parsing threads).
    const unsigned processors = std::max(1u, std::thread::hardware_concurrency());
    const unsigned workers = std::clamp(processors - 1, 1u, kMaxWorkers);
    std::vector<std::thread> threads;
    for (unsigned w = 0; w < std::min<size_t>(workers, count); ++w)
        threads.emplace_back(work);
    bool ok = true;
    std::unique_ptr<SegmentScratch> scratch; // the applying thread's, made when it first parses
    EngineLogFile carried; // an engine's log file: its state where the segment applied last ended
    for (size_t i = 0; i < count; ++i) {
        IngestBatch batch;
        qint64 lastMs;
        EngineLogFile end;
        for (;;) {
            size_t j = count;
            {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return parsed[i].done || canTake(); });
                if (parsed[i].done) {
                    batch = std::move(parsed[i].batch);
                    lastMs = parsed[i].lastMs;
                    end = std::move(parsed[i].end);
                    // The problems of the segments parsed ahead without a gap: at least that many follow.
                    for (size_t k = i + 1; problemsAfter && k < count && parsed[k].done; ++k)
                        batch.problemsAfter = quint32(std::min<quint64>(
                            quint64(batch.problemsAfter) + parsed[k].problems, std::numeric_limits<quint32>::max()));
                    break;
                }
                j = takeSegment();
            }
            if (j < count) {
                if (!scratch)
                    scratch = std::make_unique<SegmentScratch>();
                parseInto(j, *scratch);
            }
        }
        if (engineFile && carried.unfinished()) {
            // The segment before ended within a line's pieces: this one is read again after it (rare: a line
            // longer than 16 KiB across the boundary, or a piece whose line never ended).
            if (!scratch)
                scratch = std::make_unique<SegmentScratch>();
            batch.logs.clear();
            lastMs = parseSegment(i, batch, *scratch, carried, &end);
        }
        carried = std::move(end);
        if (isCancelled()) {
            ok = false;
            break;
        }
        deliver(batch, lastMs);
        std::lock_guard lock(mutex);
        spare.push_back(std::move(batch.logs));
        spareRows.push_back(std::move(batch.memoryRows));
        applied = i + 1;
        changed.notify_all();
    }
    {
        std::lock_guard lock(mutex);
        stop = true;
        changed.notify_all();
    }
    for (std::thread& t : threads)
        t.join();
    return ok;
}

// The first bytes of a log that tell what it holds: its first line's (a json-file line is a piece of at most 16 KiB
// of the app's line, escaped).
constexpr qsizetype kSniffBytes = 4096;
constexpr qsizetype kMaxSniffBytes = 256 * 1024;

// The name of the compression whose magic number head starts with, and the tool that prints its text; empty if none.
struct Compression
{
    const char* name = nullptr;
    const char* cat = nullptr;
};
Compression compressionOf(QByteArrayView head)
{
    static const struct
    {
        QByteArrayView magic;
        Compression compression;
    } kKnown[] = {
        {QByteArrayView("\x1f\x8b", 2), {"gzip", "zcat"}},
        {QByteArrayView("\x28\xb5\x2f\xfd", 4), {"zstd", "zstdcat"}},
        {QByteArrayView("\xfd\x37\x7a\x58\x5a\x00", 6), {"xz", "xzcat"}},
        {QByteArrayView("\x04\x22\x4d\x18", 4), {"lz4", "lz4cat"}},
        {QByteArrayView("BZh", 3), {"bzip2", "bzcat"}},
    };
    for (const auto& k : kKnown) {
        if (head.startsWith(k.magic)
            && (k.magic != QByteArrayView("BZh") || (head.size() > 3 && head[3] >= '1' && head[3] <= '9')))
            return k.compression;
    }
    return {};
}

// path as a shell word (quoted unless it is plain), for a command line to copy.
QString shellQuoted(const QString& path)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_./+,:@%-]+$"));
    if (plain.match(path).hasMatch())
        return path;
    QString quoted = path;
    quoted.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

// The first line of head that is not empty; complete: whether a newline ends it within head.
QByteArrayView firstLine(QByteArrayView head, bool* complete)
{
    qsizetype at = 0;
    while (at < head.size() && (head[at] == '\n' || head[at] == '\r'))
        ++at;
    const qsizetype nl = head.indexOf('\n', at);
    *complete = nl >= 0;
    return head.sliced(at, (nl >= 0 ? nl : head.size()) - at);
}

// Opens path for reading: "-" is standard input (left open when the file is closed).
bool openInput(QFile& file, const QString& path)
{
    if (TargetConfig::isStandardInput(path))
        return file.open(STDIN_FILENO, QIODevice::ReadOnly, QFileDevice::DontCloseHandle);
    file.setFileName(path);
    return file.open(QIODevice::ReadOnly);
}

} // namespace

// How the reader thread reaches the source: every delivery is posted under the lock, so the source cannot
// be destroyed between the check and the post, and Qt drops what was posted to a source destroyed since.
struct ReplaySource::Outbox
{
    QMutex mutex;
    ReplaySource* source = nullptr;
    std::atomic<bool> cancel {false};
    QSemaphore room {kMaxBatchesInFlight}; // one per batch posted and not yet emitted

    // deliver runs in the source's thread, with the source, unless it was stopped meanwhile.
    template<typename F> static void post(const std::shared_ptr<Outbox>& box, F&& deliver)
    {
        QMutexLocker lock(&box->mutex);
        if (!box->source) {
            return;
        }
        ReplaySource* source = box->source;
        QMetaObject::invokeMethod(
            source,
            [box, source, deliver = std::forward<F>(deliver)] {
                if (box->attached()) {
                    deliver(source);
                }
            },
            Qt::QueuedConnection);
    }
    bool attached()
    {
        QMutexLocker lock(&mutex);
        return source != nullptr;
    }
    void detach()
    {
        cancel = true;
        QMutexLocker lock(&mutex);
        source = nullptr;
    }
};

ReplaySource::ReplaySource(QString logPath, QString statsPath, QObject* parent)
    : Source(parent)
    , m_logPath(std::move(logPath))
    , m_statsPath(std::move(statsPath))
{
}

QString ReplaySource::targetName() const
{
    if (TargetConfig::isStandardInput(m_logPath))
        return QStringLiteral("replay:stdin");
    // A pipe's name (/dev/fd/63 of bash's <(...)) says little without its directory.
    const QFileInfo log(m_logPath);
    return QStringLiteral("replay:") + (log.isFile() ? log.fileName() : m_logPath);
}

ReplaySource::~ReplaySource()
{
    stop();
}

bool ReplaySource::read(const std::function<void(const IngestBatch&)>& sink, QString* error,
                        const std::atomic<bool>* cancel) const
{
    return readFiles(m_logPath, m_statsPath, sink, error, cancel);
}

bool ReplaySource::readFiles(const QString& logPath, const QString& statsPath,
                             const std::function<void(const IngestBatch&)>& sink, QString* error,
                             const std::atomic<bool>* cancel, bool wholeHistory)
{
    auto cancelled = [cancel, error, &logPath] {
        if (cancel && cancel->load()) {
            if (error)
                *error = QStringLiteral("reading %1 was stopped").arg(logPath);
            return true;
        }
        return false;
    };
    QFile log;
    if (!openInput(log, logPath)) {
        if (error)
            *error = QStringLiteral("cannot read %1: %2").arg(TargetConfig::inputName(logPath), log.errorString());
        return false;
    }
    qint64 lastMs = -1;
    const auto deliver = [&](IngestBatch& batch, qint64 batchLastMs) {
        lastMs = std::max(lastMs, batchLastMs);
        batch.bytesReceived = batch.logCounters.bytes;
        sink(batch);
    };
    // What the log holds, from its first line: `docker logs` output (or any app's log), the engine's own log file
    // (json-file, k8s-file: read through EngineLogFile into the lines `docker logs --timestamps` prints, as the
    // console's log-file follower reads it), or compressed bytes (refused with how to read them). A pipe's first
    // bytes are read here and parsed first; a file's are read where it stands, which stays.
    const qint64 size = log.size();
    const qint64 position = log.isSequential() ? -1 : qint64(::lseek(log.handle(), 0, SEEK_CUR));
    const bool segmented = size > 0 && position == 0;
    QByteArray head; // a pipe's bytes read to tell
    bool engineFile = false;
    {
        QByteArray sniffed;
        bool complete = false;
        for (qsizetype want = kSniffBytes;; want = std::min(want * 4, kMaxSniffBytes)) {
            if (log.isSequential()) {
                while (head.size() < want && !head.contains('\n')) {
                    const QByteArray more = log.read(want - head.size());
                    if (more.isEmpty())
                        break;
                    head += more;
                }
                sniffed = head;
            } else {
                sniffed.resize(want);
                sniffed.resize(readAt(log.handle(), std::max<qint64>(position, 0), sniffed.data(), want));
            }
            const QByteArrayView line = firstLine(sniffed, &complete);
            // Only a line that begins as the engines' do is read further (the first of a json-file can be long).
            if (complete || sniffed.size() < want || want >= kMaxSniffBytes
                || (!line.startsWith('{') && !(line.size() > 0 && line[0] >= '0' && line[0] <= '9')))
                break;
        }
        if (const Compression c = compressionOf(sniffed); c.name) {
            if (error) {
                const QString name = TargetConfig::inputName(logPath);
                *error = TargetConfig::isStandardInput(logPath)
                    ? QStringLiteral("%1 is %2-compressed: pipe it through %3 first")
                          .arg(name, QLatin1String(c.name), QLatin1String(c.cat))
                    : QStringLiteral("%1 is %2-compressed: replay its text (for example --replay <(%3 %4))")
                          .arg(name, QLatin1String(c.name), QLatin1String(c.cat), shellQuoted(logPath));
            }
            return false;
        }
        engineFile = EngineLogFile::isEngineLogLine(firstLine(sniffed, &complete));
    }
    // A regular file (a log or an engine's log file) is parsed in segments by worker threads (from its start:
    // standard input redirected from a file someone read part of already is read from where it is); anything else
    // (a pipe) is read in chunks.
    if (segmented) {
        if (!parseSegments(log.handle(), size, engineFile, deliver, cancel, wholeHistory)) {
            cancelled(); // sets the reason
            return false;
        }
    } else {
        LogParser parser(LogParser::Timestamps::Detect, LogParser::Hashing::Gated);
        IngestBatch batch;
        batch.backfill = true;
        // An engine's log file: its lines as `docker logs --timestamps` prints them, each stream's to the parser as
        // that stream's, in the file's order. Lines of neither format (and the follower's own) count as malformed.
        EngineFeed engine;
        const auto counters = [&] { return engineFile ? engine.counters(parser) : parser.counters(); };
        ParseCounters reported;
        auto flush = [&](bool force) {
            if (!force && batch.logs.size() < kRecordsPerBatch)
                return;
            const ParseCounters now = counters();
            batch.logCounters = now.since(reported);
            reported = now;
            qint64 batchLastMs = -1;
            for (const LogRecord& r : batch.logs)
                batchLastMs = std::max(batchLastMs, r.atMs);
            deliver(batch, batchLastMs);
            batch = IngestBatch();
            batch.backfill = true;
        };
        const auto parse = [&](QByteArrayView bytes) {
            if (engineFile) {
                engine.feed(bytes, parser, batch.logs);
            } else {
                parser.feed(bytes, LogStream::Stdout, batch.logs);
            }
            flush(false);
        };
        if (!head.isEmpty())
            parse(head);
        QByteArray chunk;
        while (!(chunk = log.read(kChunkBytes)).isEmpty()) {
            if (cancelled())
                return false;
            parse(chunk);
        }
        if (engineFile)
            engine.finish(parser, batch.logs);
        parser.finish(batch.logs);
        if (log.error() != QFileDevice::NoError) {
            if (error)
                *error
                    = QStringLiteral("error reading %1: %2").arg(TargetConfig::inputName(logPath), log.errorString());
            return false;
        }
        flush(true);
    }

    QByteArray chunk;
    IngestBatch batch;
    batch.backfill = true;
    if (!statsPath.isEmpty()) {
        QFile stats;
        if (!openInput(stats, statsPath)) {
            if (error)
                *error
                    = QStringLiteral("cannot read %1: %2").arg(TargetConfig::inputName(statsPath), stats.errorString());
            return false;
        }
        // A saved stats output carries no time: it is taken as a snapshot at the end of the log (else when it was
        // written; stats read from a pipe, now).
        qint64 at = lastMs;
        if (at < 0) {
            const QDateTime modified = stats.fileName().isEmpty() ? QDateTime() : QFileInfo(stats).lastModified();
            at = modified.isValid() ? modified.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch();
        }
        DockerStatsParser statsParser;
        while (!(chunk = stats.read(kChunkBytes)).isEmpty()) {
            if (cancelled())
                return false;
            statsParser.feed(chunk, at, batch.stats);
        }
        statsParser.finish(at, batch.stats);
        batch.statsCounters = statsParser.counters();
        batch.bytesReceived = batch.statsCounters.bytes;
        sink(batch);
    }
    return true;
}

QString ReplaySource::inputName() const
{
    return TargetConfig::inputName(m_logPath);
}

QString ReplaySource::nothingToJudge(const QString& inputName, const ParseCounters& log, qint64 untimedGcLines)
{
    const QString lines = log.lines == 1 ? QStringLiteral("1 line") : QStringLiteral("%1 lines").arg(log.lines);
    if (log.recognised > 0) {
        // Lines heapwatch knows, none with a figure or a problem: the app's start lines, --trace-gc lines without
        // the engine's timestamp (V8's clock counts from the process start, not the wall clock).
        QString why = QStringLiteral("nothing to judge in %1 (%2, %3 recognised, none with a figure; %4 malformed, "
                                     "%5 oversized)")
                          .arg(inputName, lines)
                          .arg(log.recognised)
                          .arg(log.malformed)
                          .arg(log.oversized);
        if (untimedGcLines == 1)
            why += QStringLiteral(": its --trace-gc line has no time without the engine's timestamps (docker logs "
                                  "--timestamps)");
        else if (untimedGcLines > 1)
            why += QStringLiteral(": its %1 --trace-gc lines have no time without the engine's timestamps (docker "
                                  "logs --timestamps)")
                       .arg(untimedGcLines);
        return why;
    }
    return QStringLiteral("nothing recognisable in %1 (%2, %3 malformed, %4 oversized)")
        .arg(inputName, lines)
        .arg(log.malformed)
        .arg(log.oversized);
}

void ReplaySource::start()
{
    if (m_thread) {
        return;
    }
    ConnectionStatus status;
    status.engine = QStringLiteral("replay");
    status.host = m_logPath;
    status.state = ConnectionStatus::State::Connecting;
    Q_EMIT connectionChanged(status);

    m_outbox = std::make_shared<Outbox>();
    m_outbox->source = this;
    // The reader sees only copies and the outbox, never this object: the source may go while it reads.
    m_thread = QThread::create([outbox = m_outbox, log = m_logPath, stats = m_statsPath, status]() mutable {
        QString error;
        const bool ok = readFiles(
            log, stats,
            [&outbox](const IngestBatch& batch) {
                // Wait (here, in the reader) while the source's thread has enough to apply.
                while (!outbox->room.tryAcquire(1, 50)) {
                    if (outbox->cancel) {
                        return;
                    }
                }
                Outbox::post(outbox, [batch, box = outbox.get()](ReplaySource* source) {
                    box->room.release();
                    Q_EMIT source->batchReady(batch);
                });
            },
            &error, &outbox->cancel);
        status.state = ok ? ConnectionStatus::State::Finished : ConnectionStatus::State::Failed;
        status.message = error;
        Outbox::post(outbox, [status](ReplaySource* source) {
            Q_EMIT source->connectionChanged(status);
            Q_EMIT source->backfillFinished();
        });
    });
    m_thread->setObjectName(QStringLiteral("replay"));
    m_thread->start();
}

void ReplaySource::stop()
{
    if (!m_thread) {
        return;
    }
    m_outbox->detach();
    ThreadReaper::adopt(m_thread); // the reader ends at its next chunk; nobody waits for it
    m_thread = nullptr;
}

} // namespace heapwatch
