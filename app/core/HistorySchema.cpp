#include "HistorySchema.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

namespace heapwatch::historyschema {

namespace {

QAtomicInteger<quint64> g_connections;

int userVersion(QSqlDatabase& db)
{
    QSqlQuery q(db);
    return q.exec(QStringLiteral("PRAGMA user_version")) && q.next() ? q.value(0).toInt() : -1;
}

// Version 1: targets, chunks (the rings' encoded chunks and their summaries), events and one-minute rollups.
// Times are ms since the epoch. Chunks are keyed by their first row, so the open chunk saved again as it
// fills, and then sealed, replaces itself.
const char* const kVersion1[] = {
    "CREATE TABLE targets (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,"
    " first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL)",
    "CREATE TABLE chunks (id INTEGER PRIMARY KEY, target_id INTEGER NOT NULL REFERENCES targets(id),"
    " ring INTEGER NOT NULL, t0 INTEGER NOT NULL, t1 INTEGER NOT NULL, row_count INTEGER NOT NULL,"
    " data BLOB NOT NULL, summaries BLOB NOT NULL, UNIQUE (target_id, ring, t0))",
    "CREATE INDEX chunks_by_end ON chunks (t1)",
    "CREATE TABLE events (id INTEGER PRIMARY KEY, target_id INTEGER NOT NULL REFERENCES targets(id),"
    " at INTEGER NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL, UNIQUE (target_id, at, kind, detail))",
    "CREATE INDEX events_by_time ON events (at)",
    "CREATE TABLE rollups (target_id INTEGER NOT NULL REFERENCES targets(id), ring INTEGER NOT NULL,"
    " minute INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (target_id, ring, minute)) WITHOUT ROWID",
    "CREATE INDEX rollups_by_minute ON rollups (minute)",
};

bool migrate(QSqlDatabase& db, QString* error)
{
    const int version = userVersion(db);
    if (version < 0) {
        *error = QStringLiteral("cannot read the schema version: %1").arg(db.lastError().text());
        return false;
    }
    if (version > kVersion) {
        *error = QStringLiteral("the history store has schema version %1, newer than this heapwatch reads (%2)")
                     .arg(version)
                     .arg(kVersion);
        return false;
    }
    if (version == kVersion)
        return true;
    if (!db.transaction()) {
        *error = db.lastError().text();
        return false;
    }
    bool ok = true;
    if (version < 1)
        for (const char* sql : kVersion1)
            ok = ok && exec(db, QString::fromLatin1(sql), error);
    ok = ok && exec(db, QStringLiteral("PRAGMA user_version = %1").arg(kVersion), error);
    if (!ok) {
        db.rollback();
        return false;
    }
    return db.commit();
}

} // namespace

bool exec(QSqlDatabase& db, const QString& sql, QString* error)
{
    QSqlQuery q(db);
    if (q.exec(sql))
        return true;
    *error = QStringLiteral("%1: %2").arg(sql.section(QLatin1Char(' '), 0, 2), q.lastError().text());
    return false;
}

QString open(const QString& path, bool forWriting, QString* error)
{
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE"))) {
        *error = QStringLiteral("the Qt SQLite driver is not installed (Debian: libqt6sql6-sqlite)");
        return {};
    }
    if (forWriting) {
        if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
            *error = QStringLiteral("cannot create the directory of %1").arg(path);
            return {};
        }
    } else if (!QFileInfo::exists(path)) {
        *error = QStringLiteral("no history store at %1").arg(path);
        return {};
    }
    const QString name = QStringLiteral("heapwatch-history-%1").arg(++g_connections);
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open()) {
            *error = QStringLiteral("cannot open %1: %2").arg(path, db.lastError().text());
        } else if (forWriting) {
            // WAL: readers (the export, the console) never block the writer nor see half a transaction.
            // synchronous=NORMAL: a commit is not fsynced, so a power cut may lose the last ones; a crash or
            // kill -9 of heapwatch loses nothing committed, and the database is never corrupted.
            // auto_vacuum first: it only takes on a new file, before WAL mode writes its first page. Freed
            // pages are then given back by PRAGMA incremental_vacuum after a prune or a forget.
            ok = exec(db, QStringLiteral("PRAGMA auto_vacuum = INCREMENTAL"), error)
                && exec(db, QStringLiteral("PRAGMA journal_mode = WAL"), error)
                && exec(db, QStringLiteral("PRAGMA synchronous = NORMAL"), error)
                // The writer appends (chunks keyed by time) and rolls up the minutes it just wrote: a 512 KiB
                // page cache holds what it touches; SQLite's default 2 MiB sat resident in the console.
                && exec(db, QStringLiteral("PRAGMA cache_size = -512"), error)
                && migrate(db, error)
                // The chunks a save's first minute overlaps (HistoryWriter's rollups), found from their ends:
                // through the first rows' index, every earlier chunk of the ring was read to test its end, some
                // 600 pages for a week at one row a second, at every save in a chunk's first minute (most of
                // an idle console's writing). Not a schema version: a store with it is still version 1 to
                // every reader, and one without it gains it here.
                && exec(db,
                        QStringLiteral("CREATE INDEX IF NOT EXISTS %1 ON chunks (target_id, ring, t1)")
                            .arg(QLatin1String(kChunksByTargetEnd)),
                        error);
        } else {
            const int version = userVersion(db);
            ok = version >= 1 && version <= kVersion;
            if (!ok)
                *error = version > kVersion
                    ? QStringLiteral("%1 has schema version %2, newer than this heapwatch reads").arg(path).arg(version)
                    : QStringLiteral("%1 is not a heapwatch history store").arg(path);
        }
    }
    if (!ok) {
        close(name);
        return {};
    }
    return name;
}

void close(const QString& connectionName)
{
    {
        QSqlDatabase db = QSqlDatabase::database(connectionName, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(connectionName);
}

StoredChunk chunkAt(const QSqlQuery& query, const QString& targetKey, RingKind ring)
{
    StoredChunk c;
    c.targetKey = targetKey;
    c.ring = ring;
    c.t0 = query.value(0).toLongLong();
    c.t1 = query.value(1).toLongLong();
    c.rows = query.value(2).toInt();
    c.bytes = query.value(3).toByteArray();
    c.summaries = query.value(4).toByteArray();
    return c;
}

} // namespace heapwatch::historyschema
