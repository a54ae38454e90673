#include "HistoryWriter.h"

#include "HistorySchema.h"
#include "HistoryStore.h"
#include "MemoryRelease.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QtEndian>
#include <cmath>
#include <map>
#include <utility>

namespace heapwatch {

namespace {

constexpr qint64 kMinuteMs = 60 * 1000;

qint64 floorMinute(qint64 ms)
{
    return ms - ((ms % kMinuteMs) + kMinuteMs) % kMinuteMs;
}

// Per column of a minute: min and max (f32), sum (f64) and count (u32); the reader derives the mean.
struct Accumulator
{
    float min = 0, max = 0;
    double sum = 0;
    quint32 count = 0;
    void add(double v)
    {
        if (std::isnan(v))
            return;
        const float f = float(v);
        if (count == 0 || f < min)
            min = f;
        if (count == 0 || f > max)
            max = f;
        sum += v;
        ++count;
    }
};

QByteArray packRollup(const std::vector<Accumulator>& columns)
{
    QByteArray out;
    for (const Accumulator& a : columns) {
        historycodec::put<float>(out, a.min);
        historycodec::put<float>(out, a.max);
        historycodec::put<double>(out, a.sum);
        historycodec::put<quint32>(out, a.count);
    }
    return out;
}

} // namespace

HistoryWriter::HistoryWriter(HistoryOptions options)
    : m_options(std::move(options))
    , m_commitTimer(this) // children, so that they move to the worker's thread with it
    , m_pruneTimer(this)
{
    m_commitTimer.setSingleShot(true);
    m_commitTimer.setInterval(std::clamp(m_options.commitIntervalMs, 0, 10000));
    connect(&m_commitTimer, &QTimer::timeout, this, [this] { commit(); });
    m_pruneTimer.setInterval(3600 * 1000);
    connect(&m_pruneTimer, &QTimer::timeout, this, [this] { prune(QDateTime::currentMSecsSinceEpoch()); });
}

QSqlDatabase HistoryWriter::db() const
{
    return QSqlDatabase::database(m_connection, false);
}

bool HistoryWriter::open(QString* error)
{
    m_connection = historyschema::open(m_options.path, true, error);
    if (m_connection.isEmpty())
        return false;
    prune(QDateTime::currentMSecsSinceEpoch());
    m_pruneTimer.start();
    return true;
}

void HistoryWriter::fail(const QString& what, const QString& why)
{
    Q_EMIT writeFailed(QStringLiteral("history store: %1: %2").arg(what, why));
}

bool HistoryWriter::begin()
{
    if (m_inTransaction)
        return true;
    QSqlDatabase d = db();
    if (!d.isOpen() || !d.transaction()) {
        fail(QStringLiteral("begin"), d.lastError().text());
        return false;
    }
    m_inTransaction = true;
    m_commitTimer.start();
    return true;
}

bool HistoryWriter::commit()
{
    m_commitTimer.stop();
    if (!m_inTransaction)
        return true;
    m_inTransaction = false;
    QSqlDatabase d = db();
    if (d.commit()) {
        // A transaction of many chunks (a backfill's or a restore's week) freed as many copies handed over from
        // the targets' thread: their pages go back to the system now, not whenever the heap's top shrinks.
        if (std::exchange(m_chunksInTransaction, 0) >= kTrimAfterChunks)
            releaseFreedMemory();
        return true;
    }
    m_chunksInTransaction = 0;
    fail(QStringLiteral("commit"), d.lastError().text());
    d.rollback();
    m_seen.clear(); // what they remember was not written
    m_rolled.clear();
    return false;
}

QSqlQuery& HistoryWriter::statement(Statement which)
{
    std::optional<QSqlQuery>& q = m_statements[size_t(which)];
    if (q)
        return *q;
    q.emplace(db());
    switch (which) {
    case UpsertTarget:
        q->prepare(QStringLiteral(
            "INSERT INTO targets (key, display_name, first_seen, last_seen) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO "
            "UPDATE SET first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, "
            "excluded.last_seen), display_name = CASE WHEN ?5 = '' THEN display_name ELSE excluded.display_name "
            "END"));
        break;
    case SelectTargetId:
        q->prepare(QStringLiteral("SELECT id FROM targets WHERE key = ?"));
        break;
    case SelectRowCount:
        q->prepare(QStringLiteral("SELECT row_count FROM chunks WHERE target_id = ? AND ring = ? AND t0 = ?"));
        break;
    case InsertChunk:
        q->prepare(QStringLiteral("INSERT OR REPLACE INTO chunks (target_id, ring, t0, t1, row_count, data, "
                                  "summaries) VALUES (?, ?, ?, ?, ?, ?, ?)"));
        break;
    case SelectOverlapping:
        q->prepare(QStringLiteral("SELECT ") + historyschema::kChunkColumns + QStringLiteral(" FROM chunks INDEXED BY ")
                   + QLatin1String(historyschema::kChunksByTargetEnd)
                   + QStringLiteral(" WHERE target_id = ? AND ring = ? AND t0 < ? AND t1 >= ? ORDER BY t0"));
        break;
    case InsertRollup:
        q->prepare(
            QStringLiteral("INSERT OR REPLACE INTO rollups (target_id, ring, minute, data) VALUES (?, ?, ?, ?)"));
        break;
    }
    return *q;
}

qint64 HistoryWriter::targetId(const QString& key, const QString& displayName, qint64 seenMs)
{
    const auto known = m_targetIds.constFind(key);
    if (known != m_targetIds.constEnd()) {
        // Inside the times already written, and no new name: the row would not change.
        const auto seen = m_seen.constFind(key);
        if (seen != m_seen.constEnd() && seenMs >= seen->first && seenMs <= seen->last
            && (displayName.isEmpty() || displayName == seen->displayName))
            return *known;
    }
    QSqlQuery& q = statement(UpsertTarget);
    const QString name = displayName.isEmpty() ? key.section(QLatin1Char('/'), -1) : displayName;
    q.addBindValue(key);
    q.addBindValue(name);
    q.addBindValue(seenMs);
    q.addBindValue(seenMs);
    q.addBindValue(displayName);
    if (!q.exec()) {
        fail(QStringLiteral("target %1").arg(key), q.lastError().text());
        return -1;
    }
    q.finish();
    // What the row holds now is at least this wide (the row may hold older times: it is only a shortcut).
    const auto seen = m_seen.find(key);
    if (seen == m_seen.end()) {
        m_seen.insert(key, {seenMs, seenMs, displayName});
    } else {
        seen->first = std::min(seen->first, seenMs);
        seen->last = std::max(seen->last, seenMs);
        if (!displayName.isEmpty())
            seen->displayName = displayName;
    }
    if (known != m_targetIds.constEnd())
        return *known;
    QSqlQuery& select = statement(SelectTargetId);
    select.addBindValue(key);
    if (!select.exec() || !select.next())
        return -1;
    const qint64 id = select.value(0).toLongLong();
    select.finish();
    m_targetIds.insert(key, id);
    return id;
}

void HistoryWriter::noteTarget(const QString& key, const QString& displayName, qint64 seenMs)
{
    if (begin())
        targetId(key, displayName, seenMs);
}

void HistoryWriter::addChunk(const StoredChunk& chunk)
{
    ++m_chunksInTransaction;
    std::vector<DecodedRow> rows;
    if (chunk.rows <= 0 || !decodeStoredChunk(chunk, &rows) || rows.front().atMs != chunk.t0
        || rows.back().atMs != chunk.t1) {
        fail(QStringLiteral("chunk of %1 at %2").arg(chunk.targetKey).arg(chunk.t0),
             QStringLiteral("refused: it does not decode"));
        return;
    }
    if (!begin())
        return;
    const qint64 id = targetId(chunk.targetKey, QString(), chunk.t1);
    if (id < 0)
        return;
    QSqlQuery& count = statement(SelectRowCount);
    count.addBindValue(id);
    count.addBindValue(int(chunk.ring));
    count.addBindValue(chunk.t0);
    const bool fuller = count.exec() && count.next() && count.value(0).toInt() >= chunk.rows;
    count.finish();
    if (fuller)
        return; // stored already, as full or fuller
    QSqlQuery& q = statement(InsertChunk);
    q.addBindValue(id);
    q.addBindValue(int(chunk.ring));
    q.addBindValue(chunk.t0);
    q.addBindValue(chunk.t1);
    q.addBindValue(chunk.rows);
    q.addBindValue(chunk.bytes);
    q.addBindValue(chunk.summaries);
    if (!q.exec()) {
        fail(QStringLiteral("chunk of %1").arg(chunk.targetKey), q.lastError().text());
        return;
    }
    q.finish();
    targetId(chunk.targetKey, QString(), chunk.t0); // first_seen
    // The same chunk saved again with more rows (the open chunk, at every save): the minutes before its
    // previous last row are unchanged, and from that minute on every row is in this chunk when that minute
    // began after the chunk's first row. Otherwise every stored chunk over the chunk's minutes counts.
    const std::pair<qint64, int> key {id, int(chunk.ring)};
    const auto rolled = m_rolled.find(key);
    const qint64 from = rolled != m_rolled.end() && rolled->second.t0 == chunk.t0 && rolled->second.t1 <= chunk.t1
        ? floorMinute(rolled->second.t1)
        : -1;
    if (from > floorMinute(chunk.t0))
        writeRollups(id, chunk.ring, rows, from, floorMinute(chunk.t1) + kMinuteMs);
    else
        rebuildRollups(id, chunk.ring, chunk.t0, chunk.t1);
    if (rolled == m_rolled.end() || chunk.t0 >= rolled->second.t0)
        m_rolled[key] = {chunk.t0, chunk.t1};
}

// The minutes [t0, t1] touches are computed again from every stored chunk that overlaps them, so a chunk
// replaced by a fuller one, or a minute split between two chunks, is counted once.
bool HistoryWriter::rebuildRollups(qint64 targetId, RingKind ring, qint64 t0, qint64 t1)
{
    const qint64 m0 = floorMinute(t0);
    const qint64 m1 = floorMinute(t1) + kMinuteMs; // exclusive
    QSqlQuery& q = statement(SelectOverlapping);
    q.addBindValue(targetId);
    q.addBindValue(int(ring));
    q.addBindValue(m1);
    q.addBindValue(m0);
    if (!q.exec())
        return false;
    std::vector<DecodedRow> inside;
    std::vector<DecodedRow> rows;
    while (q.next()) {
        const StoredChunk c = historyschema::chunkAt(q, QString(), ring);
        if (!decodeStoredChunk(c, &rows))
            continue;
        for (DecodedRow& r : rows)
            if (r.atMs >= m0 && r.atMs < m1)
                inside.push_back(std::move(r));
    }
    q.finish();
    return writeRollups(targetId, ring, inside, m0, m1);
}

// Writes the minutes [m0, m1) of the given rows, each minute from all of them (rows outside are ignored).
bool HistoryWriter::writeRollups(qint64 targetId, RingKind ring, const std::vector<DecodedRow>& rows, qint64 m0,
                                 qint64 m1)
{
    const int columns = ringColumnCount(ring);
    std::map<qint64, std::vector<Accumulator>> minutes;
    for (const DecodedRow& r : rows) {
        if (r.atMs < m0 || r.atMs >= m1)
            continue;
        auto& acc = minutes[floorMinute(r.atMs)];
        acc.resize(size_t(columns));
        for (int i = 0; i < columns; ++i)
            acc[size_t(i)].add(r.values[size_t(i)]);
    }
    QSqlQuery& w = statement(InsertRollup);
    for (const auto& [minute, acc] : minutes) {
        w.addBindValue(targetId);
        w.addBindValue(int(ring));
        w.addBindValue(minute);
        w.addBindValue(packRollup(acc));
        if (!w.exec()) {
            fail(QStringLiteral("rollup"), w.lastError().text());
            return false;
        }
    }
    w.finish();
    return true;
}

void HistoryWriter::addEvent(const StoredEvent& event)
{
    if (!begin())
        return;
    const qint64 id = targetId(event.targetKey, QString(), event.atMs);
    if (id < 0)
        return;
    QSqlQuery q(db());
    q.prepare(QStringLiteral("INSERT OR IGNORE INTO events (target_id, at, kind, detail) VALUES (?, ?, ?, ?)"));
    q.addBindValue(id);
    q.addBindValue(event.atMs);
    q.addBindValue(historyEventKindName(event.kind));
    q.addBindValue(QString::fromUtf8(QJsonDocument(event.detail).toJson(QJsonDocument::Compact)));
    if (!q.exec())
        fail(QStringLiteral("event of %1").arg(event.targetKey), q.lastError().text());
}

void HistoryWriter::vacuum()
{
    // PRAGMA incremental_vacuum frees one page per step of its statement, and QSqlQuery steps a statement
    // without result columns once: so one page per statement, as many as the free list holds, in one
    // transaction.
    QSqlDatabase d = db();
    QSqlQuery q(d);
    if (!q.exec(QStringLiteral("PRAGMA freelist_count")) || !q.next())
        return;
    const int pages = q.value(0).toInt();
    q.finish();
    if (pages <= 0 || !d.transaction())
        return;
    for (int i = 0; i < pages; ++i)
        if (!q.exec(QStringLiteral("PRAGMA incremental_vacuum(1)")))
            break;
    q.finish();
    d.commit();
}

PruneResult HistoryWriter::prune(qint64 nowMs)
{
    PruneResult result;
    if (!commit() || !begin())
        return result;
    auto remove = [&](const QString& sql, qint64 before) -> qint64 {
        QSqlQuery q(db());
        q.prepare(sql);
        q.addBindValue(before);
        if (!q.exec()) {
            fail(QStringLiteral("prune"), q.lastError().text());
            return 0;
        }
        return q.numRowsAffected();
    };
    result.chunks = remove(QStringLiteral("DELETE FROM chunks WHERE t1 < ?"), nowMs - m_options.fullRetentionMs);
    result.rollups
        = remove(QStringLiteral("DELETE FROM rollups WHERE minute + 60000 <= ?"), nowMs - m_options.rollupRetentionMs);
    result.events = remove(QStringLiteral("DELETE FROM events WHERE at < ?"), nowMs - m_options.rollupRetentionMs);
    commit();
    vacuum();
    return result;
}

bool HistoryWriter::forget(const QString& key)
{
    if (!commit() || !begin())
        return false;
    QSqlQuery q(db());
    q.prepare(QStringLiteral("SELECT id FROM targets WHERE key = ?"));
    q.addBindValue(key);
    if (!q.exec() || !q.next()) {
        commit();
        return false;
    }
    const qint64 id = q.value(0).toLongLong();
    bool ok = true;
    for (const char* table : {"chunks", "rollups", "events"}) {
        ok = ok && q.prepare(QStringLiteral("DELETE FROM %1 WHERE target_id = ?").arg(QLatin1String(table)));
        q.addBindValue(id);
        ok = ok && q.exec();
    }
    ok = ok && q.prepare(QStringLiteral("DELETE FROM targets WHERE id = ?"));
    q.addBindValue(id);
    ok = ok && q.exec();
    if (!ok) {
        fail(QStringLiteral("forget %1").arg(key), q.lastError().text());
        m_inTransaction = false;
        db().rollback();
        m_seen.clear();
        m_rolled.clear();
        return false;
    }
    m_targetIds.remove(key);
    m_seen.remove(key);
    for (auto it = m_rolled.begin(); it != m_rolled.end();)
        it = it->first.first == id ? m_rolled.erase(it) : std::next(it);
    const bool committed = commit();
    vacuum();
    return committed;
}

void HistoryWriter::close()
{
    m_pruneTimer.stop();
    if (m_connection.isEmpty())
        return;
    commit();
    for (std::optional<QSqlQuery>& q : m_statements)
        q.reset();
    {
        QSqlQuery q(db());
        q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    historyschema::close(m_connection);
    m_connection.clear();
}

} // namespace heapwatch
