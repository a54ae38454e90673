#include "HistoryReader.h"

#include "HistorySchema.h"

#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <algorithm>
#include <limits>

namespace heapwatch {

HistoryReader::HistoryReader(QString path)
    : m_path(std::move(path))
{
}

HistoryReader::~HistoryReader()
{
    if (!m_connection.isEmpty())
        historyschema::close(m_connection);
}

bool HistoryReader::open(QString* error)
{
    if (!m_connection.isEmpty())
        return true;
    m_connection = historyschema::open(m_path, false, error);
    return !m_connection.isEmpty();
}

namespace {

QSqlQuery query(const QString& connection, const QString& sql, const QVariantList& values)
{
    QSqlQuery q(QSqlDatabase::database(connection, false));
    q.setForwardOnly(true);
    q.prepare(sql);
    for (const QVariant& v : values)
        q.addBindValue(v);
    q.exec();
    return q;
}

} // namespace

std::vector<StoredTarget> HistoryReader::targets() const
{
    std::vector<StoredTarget> out;
    QSqlQuery q = query(
        m_connection, QStringLiteral("SELECT key, display_name, first_seen, last_seen FROM targets ORDER BY key"), {});
    while (q.next())
        out.push_back({q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong(), q.value(3).toLongLong()});
    return out;
}

std::optional<StoredTarget> HistoryReader::findTarget(const QString& spelling) const
{
    const QString wanted = spelling.trimmed();
    const auto all = targets();
    for (const StoredTarget& t : all)
        if (t.key == wanted)
            return t;
    std::optional<StoredTarget> byName;
    for (const StoredTarget& t : all) {
        if (t.displayName != wanted)
            continue;
        if (byName)
            return std::nullopt; // ambiguous: the key must say which
        byName = t;
    }
    return byName;
}

qint64 HistoryReader::idOf(const QString& key) const
{
    QSqlQuery q = query(m_connection, QStringLiteral("SELECT id FROM targets WHERE key = ?"), {key});
    return q.next() ? q.value(0).toLongLong() : -1;
}

std::optional<StoredChunk> HistoryReader::chunkStartingAt(const QString& key, RingKind ring, qint64 t0) const
{
    // A ring reads back chunk after chunk of one target: its id is remembered, and asked again on a miss (the
    // target forgotten and stored anew has another id).
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (attempt == 1 || m_lastId < 0 || key != m_lastKey) {
            m_lastKey = key;
            m_lastId = idOf(key);
        }
        QSqlQuery q = query(m_connection,
                            QStringLiteral("SELECT ") + historyschema::kChunkColumns
                                + QStringLiteral(" FROM chunks WHERE target_id = ? AND ring = ? AND t0 = ?"),
                            {m_lastId, int(ring), t0});
        if (q.next())
            return historyschema::chunkAt(q, key, ring);
    }
    return std::nullopt;
}

void HistoryReader::setCacheKiB(int kib)
{
    query(m_connection, QStringLiteral("PRAGMA cache_size = -%1").arg(std::max(kib, 16)), {});
}

std::vector<StoredChunk> HistoryReader::chunks(const QString& key, RingKind ring, qint64 t0, qint64 t1) const
{
    std::vector<StoredChunk> out;
    QSqlQuery q = query(m_connection,
                        QStringLiteral("SELECT ") + historyschema::kChunkColumns
                            + QStringLiteral(" FROM chunks WHERE target_id = ? AND ring = ? AND t0 <= ? AND t1 >= ? "
                                             "ORDER BY t0"),
                        {idOf(key), int(ring), t1, t0});
    while (q.next())
        out.push_back(historyschema::chunkAt(q, key, ring));
    return out;
}

std::vector<RollupRow> HistoryReader::rollups(const QString& key, RingKind ring, qint64 t0, qint64 t1) const
{
    std::vector<RollupRow> out;
    const int columns = ringColumnCount(ring);
    QSqlQuery q = query(m_connection,
                        QStringLiteral("SELECT minute, data FROM rollups WHERE target_id = ? AND ring = ? AND minute "
                                       "<= ? AND minute + 60000 > ? ORDER BY minute"),
                        {idOf(key), int(ring), t1, t0});
    while (q.next()) {
        const QByteArray data = q.value(1).toByteArray();
        if (data.size() != columns * 20)
            continue; // damaged: skipped
        RollupRow row;
        row.minuteMs = q.value(0).toLongLong();
        const char* p = data.constData();
        for (int c = 0; c < columns; ++c) {
            ColumnRollup r;
            r.min = historycodec::get<float>(p);
            r.max = historycodec::get<float>(p);
            const double sum = historycodec::get<double>(p);
            r.count = historycodec::get<quint32>(p);
            if (r.count == 0)
                r.min = r.max = std::numeric_limits<double>::quiet_NaN();
            r.mean = r.count ? sum / r.count : std::numeric_limits<double>::quiet_NaN();
            row.columns.push_back(r);
        }
        out.push_back(std::move(row));
    }
    return out;
}

std::vector<StoredEvent> HistoryReader::events(const QString& key, qint64 t0, qint64 t1) const
{
    std::vector<StoredEvent> out;
    QSqlQuery q
        = query(m_connection,
                QStringLiteral("SELECT at, kind, detail FROM events WHERE target_id = ? AND at >= ? AND at <= ? "
                               "ORDER BY at, id"),
                {idOf(key), t0, t1});
    while (q.next()) {
        const auto kind = historyEventKindFromName(q.value(1).toString());
        if (!kind)
            continue;
        StoredEvent e;
        e.targetKey = key;
        e.atMs = q.value(0).toLongLong();
        e.kind = *kind;
        e.detail = QJsonDocument::fromJson(q.value(2).toString().toUtf8()).object();
        out.push_back(std::move(e));
    }
    return out;
}

qint64 HistoryReader::diskUse(const QString& key) const
{
    const qint64 id = idOf(key);
    if (id < 0)
        return 0;
    qint64 bytes = 0;
    const char* const sums[] = {
        "SELECT total(length(data) + length(summaries) + 40) FROM chunks WHERE target_id = ?",
        "SELECT total(length(data) + 24) FROM rollups WHERE target_id = ?",
        "SELECT total(length(kind) + length(detail) + 24) FROM events WHERE target_id = ?",
        "SELECT total(length(key) + length(display_name) + 24) FROM targets WHERE id = ?",
    };
    for (const char* sql : sums) {
        QSqlQuery q = query(m_connection, QString::fromLatin1(sql), {id});
        if (q.next())
            bytes += q.value(0).toLongLong();
    }
    return bytes;
}

int HistoryReader::schemaVersion() const
{
    QSqlQuery q = query(m_connection, QStringLiteral("PRAGMA user_version"), {});
    return q.next() ? q.value(0).toInt() : -1;
}

QString HistoryReader::integrityCheck() const
{
    QSqlQuery q = query(m_connection, QStringLiteral("PRAGMA integrity_check"), {});
    QStringList lines;
    while (q.next())
        lines << q.value(0).toString();
    return lines.join(QLatin1Char('\n'));
}

} // namespace heapwatch
