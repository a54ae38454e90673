// The worker side of HistoryStore: lives in the store's thread and owns its database connection. Every
// method runs in that thread (the store invokes them queued).
#pragma once

#include "HistoryRecords.h"
#include "HistoryStore.h"

#include <QHash>
#include <QObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTimer>
#include <array>
#include <map>
#include <optional>
#include <vector>

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
    bool writeRollups(qint64 targetId, RingKind ring, const std::vector<DecodedRow>& rows, qint64 m0, qint64 m1);
    // The statements run for every chunk, prepared once per connection (a chunk is saved every four seconds
    // per ring and target: parsing the SQL again each time was a good part of the store's idle cost).
    enum Statement
    {
        UpsertTarget,
        SelectTargetId,
        SelectRowCount,
        InsertChunk,
        SelectOverlapping,
        InsertRollup
    };
    QSqlQuery& statement(Statement which);
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
    std::array<std::optional<QSqlQuery>, 6> m_statements;
    // Per target: the first and last times already written to its row, so that a save inside them skips the
    // update.
    struct Seen
    {
        qint64 first = 0;
        qint64 last = 0;
        QString displayName;
    };
    QHash<QString, Seen> m_seen;
    // Per target and ring: the newest chunk saved (its first and last times). A fuller save of the same chunk
    // recomputes only the minutes from its previous last row on, from its own rows.
    struct Rolled
    {
        qint64 t0 = 0;
        qint64 t1 = 0;
    };
    std::map<std::pair<qint64, int>, Rolled> m_rolled;
};

} // namespace heapwatch
