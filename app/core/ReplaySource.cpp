#include "ReplaySource.h"

#include "DockerStatsParser.h"
#include "LogParser.h"

#include <QFile>
#include <QFileInfo>

namespace heapwatch {
namespace {

constexpr qint64 kChunkBytes = 64 * 1024;
constexpr size_t kRecordsPerBatch = 20000;

} // namespace

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

bool ReplaySource::read(const std::function<void(const IngestBatch&)>& sink, QString* error)
{
    QFile log(m_logPath);
    if (!log.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read %1: %2").arg(m_logPath, log.errorString());
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
        parser.feed(chunk, LogStream::Stdout, batch.logs);
        flush(false);
    }
    parser.finish(batch.logs);
    if (log.error() != QFileDevice::NoError) {
        if (error)
            *error = QStringLiteral("error reading %1: %2").arg(m_logPath, log.errorString());
        return false;
    }
    flush(true);

    if (!m_statsPath.isEmpty()) {
        QFile stats(m_statsPath);
        if (!stats.open(QIODevice::ReadOnly)) {
            if (error)
                *error = QStringLiteral("cannot read %1: %2").arg(m_statsPath, stats.errorString());
            return false;
        }
        // A saved stats output carries no time: it is taken as a snapshot at the end of the log.
        const qint64 at = lastMs >= 0 ? lastMs : QFileInfo(stats).lastModified().toMSecsSinceEpoch();
        DockerStatsParser statsParser;
        while (!(chunk = stats.read(kChunkBytes)).isEmpty())
            statsParser.feed(chunk, at, batch.stats);
        statsParser.finish(at, batch.stats);
        batch.statsCounters = statsParser.counters();
        batch.bytesReceived = batch.statsCounters.bytes;
        sink(batch);
    }
    return true;
}

void ReplaySource::start()
{
    ConnectionStatus status;
    status.engine = QStringLiteral("replay");
    status.host = m_logPath;
    status.state = ConnectionStatus::State::Connecting;
    Q_EMIT connectionChanged(status);
    QString error;
    const bool ok = read([this](const IngestBatch& batch) { Q_EMIT batchReady(batch); }, &error);
    status.state = ok ? ConnectionStatus::State::Finished : ConnectionStatus::State::Failed;
    status.message = error;
    Q_EMIT connectionChanged(status);
    Q_EMIT backfillFinished();
}

} // namespace heapwatch
