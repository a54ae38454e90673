// The worker side of HistoryStore: lives in the store's thread and owns its database connection. Every
// method runs in that thread (the store invokes them queued).
#pragma once

#include "HistoryRecords.h"
#include "HistoryStore.h"

#include <QHash>
#include <QObject>
#include <QSqlDatabase>
#include <QTimer>

namespace heapwatch {

class HistoryWriter : public QObject
{
    Q_OBJECT
public:
    explicit HistoryWriter(HistoryOptions options);

    bool open(QString* error);
    void noteTarget(const QString& key, const QString& displayName, qint64 seenMs);
    void addChunk(const StoredChunk& chunk);
    void addEvent(const StoredEvent& event);
    bool commit();
    PruneResult prune(qint64 nowMs);
    void setRetention(qint64 fullRetentionMs, qint64 rollupRetentionMs)
    {
        m_options.fullRetentionMs = fullRetentionMs;
        m_options.rollupRetentionMs = rollupRetentionMs;
    }
    bool forget(const QString& key);
    void close();

Q_SIGNALS:
    void writeFailed(const QString& message);

private:
    QSqlDatabase db() const;
    bool begin(); // opens the batch's transaction if none is, and arms the commit timer
    qint64 targetId(const QString& key, const QString& displayName, qint64 seenMs);
    bool rebuildRollups(qint64 targetId, RingKind ring, qint64 t0, qint64 t1);
    void fail(const QString& what, const QString& why);
    void vacuum();

    HistoryOptions m_options;
    QString m_connection;
    bool m_inTransaction = false;
    QTimer m_commitTimer;
    static constexpr int kTrimAfterChunks = 16;
    int m_chunksInTransaction = 0;
    QTimer m_pruneTimer;
    QHash<QString, qint64> m_targetIds;
};

} // namespace heapwatch
