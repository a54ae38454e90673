#include "ReplaySource.h"

#include "DockerStatsParser.h"
#include "LogParser.h"
#include "ThreadReaper.h"

#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QSemaphore>
#include <QThread>

namespace heapwatch {
namespace {

constexpr qint64 kChunkBytes = 64 * 1024;
constexpr size_t kRecordsPerBatch = 20000;

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
    LogParser parser;
    IngestBatch batch;
    batch.backfill = true;
    ParseCounters reported;
    qint64 lastMs = -1;
    auto flush = [&](bool force) {
        if (!force && batch.logs.size() < kRecordsPerBatch)
            return;
        for (const LogRecord& r : batch.logs)
            lastMs = std::max(lastMs, r.atMs);
        const ParseCounters& now = parser.counters();
        batch.logCounters.lines = now.lines - reported.lines;
        batch.logCounters.recognised = now.recognised - reported.recognised;
        batch.logCounters.malformed = now.malformed - reported.malformed;
        batch.logCounters.oversized = now.oversized - reported.oversized;
        batch.logCounters.bytes = now.bytes - reported.bytes;
        batch.bytesReceived = batch.logCounters.bytes;
        reported = now;
        sink(batch);
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
