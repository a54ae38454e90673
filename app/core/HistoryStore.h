// The history store's writer: one SQLite database per user (WAL), written by one worker thread that owns the
// connection. Callers on any thread enqueue writes, which the worker batches into a transaction committed at
// most commitIntervalMs after its first write and on close: a crash or kill -9 loses at most that much, and
// never corrupts the store. Results come back as futures. Reading is HistoryReader's, on its own connection.
#pragma once

#include "HistoryRecords.h"

#include <QFuture>
#include <QObject>

class QThread;

namespace heapwatch {

class HistoryWriter;

// What a prune removed.
struct PruneResult
{
    qint64 chunks = 0;
    qint64 rollups = 0;
    qint64 events = 0;
};

class HistoryStore : public QObject
{
    Q_OBJECT
public:
    explicit HistoryStore(HistoryOptions options = {}, QObject* parent = nullptr);
    ~HistoryStore() override; // close()

    // Starts the worker and opens (creating or migrating) the database; waits for it. False and *error
    // when the file cannot be opened or has a newer schema.
    bool open(QString* error);
    bool isOpen() const { return m_thread != nullptr; }
    QString path() const { return m_options.path; }
    const HistoryOptions& options() const { return m_options; }

    // Writes, in the order enqueued. A chunk whose (target, ring, first row) is stored already replaces it
    // when it holds more rows (the open chunk as it fills, then sealed) and is ignored otherwise; a chunk
    // that does not decode is refused (writeFailed). An event already stored is ignored. A target is
    // created by its first write.
    void noteTarget(const QString& key, const QString& displayName, qint64 seenMs);
    void addChunk(const StoredChunk& chunk);
    void addEvent(const StoredEvent& event);

    // Commits what is pending; the future holds false when the commit failed.
    QFuture<bool> flush();
    // Removes chunks that ended before nowMs - fullRetentionMs, and rollups and events older than nowMs -
    // rollupRetentionMs, then gives free pages back to the file system. The worker also prunes on open and
    // every hour, at the wall clock.
    QFuture<PruneResult> prune(qint64 nowMs);
    // New retention (Settings): used by the next prune, which runs now. Full resolution is kept at least a
    // day, and the rollups at least as long as it.
    QFuture<PruneResult> setRetention(qint64 fullRetentionMs, qint64 rollupRetentionMs, qint64 nowMs);
    // Deletes everything stored of the target (false in the future when nothing was stored under key).
    QFuture<bool> forget(const QString& key);

    // Commits, checkpoints the WAL into the database and stops the worker. Idempotent.
    void close();

Q_SIGNALS:
    // A write or commit failed (disk full, a refused chunk): the store keeps going with the next one.
    void writeFailed(const QString& message);

private:
    HistoryOptions m_options;
    QThread* m_thread = nullptr;
    HistoryWriter* m_writer = nullptr; // lives in m_thread
};

} // namespace heapwatch

Q_DECLARE_METATYPE(heapwatch::PruneResult)
