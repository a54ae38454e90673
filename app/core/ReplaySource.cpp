#include "ReplaySource.h"

#include "DockerStatsParser.h"
#include "LogParser.h"
#include "ThreadReaper.h"

#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QSemaphore>
#include <QThread>
#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#ifdef Q_OS_LINUX
#    include <sys/mman.h>
#endif

namespace heapwatch {
namespace {

constexpr qint64 kChunkBytes = 64 * 1024;
constexpr size_t kRecordsPerBatch = 20000;
// A mapped log is parsed in segments of about this size (whole lines), a few of them ahead of the one being
// applied: about 10 000 records each, so the records in flight stay a few megabytes whatever the file's size.
constexpr qsizetype kSegmentBytes = 1024 * 1024;
constexpr size_t kSegmentsAhead = 6;
constexpr unsigned kMaxWorkers = 4;

// The whole file mapped read-only. On Linux its page-table entries are filled in one call (MAP_POPULATE) instead
// of one page fault per few pages: a tenth of a million-line replay's time went to those faults.
class FileMapping
{
public:
    FileMapping(QFile& file, qint64 size)
    {
        if (size <= 0 || file.isSequential())
            return;
#ifdef Q_OS_LINUX
        void* p = ::mmap(nullptr, size_t(size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, file.handle(), 0);
        if (p != MAP_FAILED) {
            m_data = static_cast<const char*>(p);
            m_size = size_t(size);
        }
#else
        m_data = reinterpret_cast<const char*>(file.map(0, size));
#endif
    }
    ~FileMapping()
    {
#ifdef Q_OS_LINUX
        if (m_data)
            ::munmap(const_cast<char*>(m_data), m_size);
#endif
    }
    FileMapping(const FileMapping&) = delete;
    FileMapping& operator=(const FileMapping&) = delete;
    const char* data() const
    {
        return m_data;
    }

private:
    const char* m_data = nullptr;
    size_t m_size = 0;
};

ParseCounters countedSince(const ParseCounters& now, const ParseCounters& before)
{
    ParseCounters d;
    d.lines = now.lines - before.lines;
    d.recognised = now.recognised - before.recognised;
    d.malformed = now.malformed - before.malformed;
    d.oversized = now.oversized - before.oversized;
    d.bytes = now.bytes - before.bytes;
    return d;
}

// Where each segment of data starts: every one but the last ends just after a newline.
std::vector<qsizetype> segmentStarts(QByteArrayView data)
{
    std::vector<qsizetype> starts;
    qsizetype at = 0;
    while (at < data.size()) {
        starts.push_back(at);
        const qsizetype cut = at + kSegmentBytes - 1;
        if (cut >= data.size())
            break;
        const void* nl = std::memchr(data.data() + cut, '\n', size_t(data.size() - cut));
        if (!nl)
            break;
        at = static_cast<const char*>(nl) - data.data() + 1;
    }
    return starts;
}

// Parses a mapped log in segments, each by its own LogParser in a worker thread, and hands their records to
// deliver in file order, in the calling thread. The result is the one a single parser reading the file from the
// start gives: a parser carries nothing from one line to the next but a partial line (and a cache of the last
// timestamp's minute, which changes no value), and every segment holds whole lines. False when cancelled.
bool parseMapped(QByteArrayView data, const std::function<void(IngestBatch&, qint64 lastMs)>& deliver,
                 const std::atomic<bool>* cancel)
{
    const std::vector<qsizetype> starts = segmentStarts(data);
    const size_t count = starts.size();
    // Fills batch (its logs may hold the capacity of an earlier segment's) and returns its latest record time.
    const auto parseSegment = [&](size_t i, IngestBatch& batch) {
        const qsizetype end = i + 1 < count ? starts[i + 1] : data.size();
        LogParser parser(LogParser::Timestamps::Detect, LogParser::Hashing::Gated);
        batch.backfill = true;
        parser.feed(data.sliced(starts[i], end - starts[i]), LogStream::Stdout, batch.logs);
        if (i + 1 == count)
            parser.finish(batch.logs);
        batch.logCounters = parser.counters();
        qint64 lastMs = -1;
        for (const LogRecord& r : batch.logs)
            lastMs = std::max(lastMs, r.atMs);
        return lastMs;
    };
    const auto isCancelled = [cancel] { return cancel && cancel->load(); };
    if (count <= 1) {
        IngestBatch batch;
        const qint64 lastMs = parseSegment(0, batch);
        if (isCancelled())
            return false;
        deliver(batch, lastMs);
        return true;
    }

    struct Slot
    {
        IngestBatch batch;
        qint64 lastMs = -1;
        bool done = false;
    };
    // Record vectors handed back after their segment was applied: their pages are reused, not faulted in anew.
    std::vector<std::vector<LogRecord>> spare;
    std::vector<Slot> parsed(count);
    std::mutex mutex;
    std::condition_variable changed;
    size_t next = 0; // the next segment a worker takes
    size_t applied = 0; // segments handed to deliver
    bool stop = false;
    const auto work = [&] {
        for (;;) {
            size_t i;
            {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return stop || next >= count || next < applied + kSegmentsAhead; });
                if (stop || next >= count)
                    return;
                i = next++;
            }
            IngestBatch batch;
            {
                std::lock_guard lock(mutex);
                if (!spare.empty()) {
                    batch.logs = std::move(spare.back());
                    spare.pop_back();
                }
            }
            const qint64 lastMs = parseSegment(i, batch);
            std::lock_guard lock(mutex);
            parsed[i].batch = std::move(batch);
            parsed[i].lastMs = lastMs;
            parsed[i].done = true;
            changed.notify_all();
        }
    };
    const unsigned workers = std::clamp(std::thread::hardware_concurrency(), 1u, kMaxWorkers);
    std::vector<std::thread> threads;
    for (unsigned w = 0; w < std::min<size_t>(workers, count); ++w)
        threads.emplace_back(work);
    bool ok = true;
    for (size_t i = 0; i < count; ++i) {
        IngestBatch batch;
        qint64 lastMs;
        {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return parsed[i].done; });
            batch = std::move(parsed[i].batch);
            lastMs = parsed[i].lastMs;
        }
        if (isCancelled()) {
            ok = false;
            break;
        }
        deliver(batch, lastMs);
        batch.logs.clear();
        std::lock_guard lock(mutex);
        spare.push_back(std::move(batch.logs));
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
    return QStringLiteral("replay:") + QFileInfo(m_logPath).fileName();
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
                             const std::atomic<bool>* cancel)
{
    auto cancelled = [cancel, error, &logPath] {
        if (cancel && cancel->load()) {
            if (error)
                *error = QStringLiteral("reading %1 was stopped").arg(logPath);
            return true;
        }
        return false;
    };
    QFile log(logPath);
    if (!log.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read %1: %2").arg(logPath, log.errorString());
        return false;
    }
    qint64 lastMs = -1;
    const auto deliver = [&](IngestBatch& batch, qint64 batchLastMs) {
        lastMs = std::max(lastMs, batchLastMs);
        batch.bytesReceived = batch.logCounters.bytes;
        sink(batch);
    };
    // A regular file is mapped and parsed in segments by worker threads; anything else (a pipe, a file
    // that cannot be mapped) is read in chunks.
    const qint64 size = log.size();
    const FileMapping mapping(log, size);
    const char* mapped = mapping.data();
    if (mapped) {
        if (!parseMapped(QByteArrayView(mapped, size), deliver, cancel)) {
            cancelled(); // sets the reason
            return false;
        }
    } else {
        LogParser parser(LogParser::Timestamps::Detect, LogParser::Hashing::Gated);
        IngestBatch batch;
        batch.backfill = true;
        ParseCounters reported;
        auto flush = [&](bool force) {
            if (!force && batch.logs.size() < kRecordsPerBatch)
                return;
            batch.logCounters = countedSince(parser.counters(), reported);
            reported = parser.counters();
            qint64 batchLastMs = -1;
            for (const LogRecord& r : batch.logs)
                batchLastMs = std::max(batchLastMs, r.atMs);
            deliver(batch, batchLastMs);
            batch = IngestBatch();
            batch.backfill = true;
        };
        QByteArray chunk;
        while (!(chunk = log.read(kChunkBytes)).isEmpty()) {
            if (cancelled())
                return false;
            parser.feed(chunk, LogStream::Stdout, batch.logs);
            flush(false);
        }
        parser.finish(batch.logs);
        if (log.error() != QFileDevice::NoError) {
            if (error)
                *error = QStringLiteral("error reading %1: %2").arg(logPath, log.errorString());
            return false;
        }
        flush(true);
    }

    QByteArray chunk;
    IngestBatch batch;
    batch.backfill = true;
    if (!statsPath.isEmpty()) {
        QFile stats(statsPath);
        if (!stats.open(QIODevice::ReadOnly)) {
            if (error)
                *error = QStringLiteral("cannot read %1: %2").arg(statsPath, stats.errorString());
            return false;
        }
        // A saved stats output carries no time: it is taken as a snapshot at the end of the log.
        const qint64 at = lastMs >= 0 ? lastMs : QFileInfo(stats).lastModified().toMSecsSinceEpoch();
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
