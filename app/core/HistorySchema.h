// The history store's SQLite schema, its pragmas and its migrations: the one place that knows the tables.
#pragma once

#include "HistoryChunk.h"

#include <QSqlDatabase>
#include <QString>

class QSqlQuery;

namespace heapwatch::historyschema {

// The schema this build writes and reads (PRAGMA user_version). Every change adds a step to migrate().
constexpr int kVersion = 1;
// The writer's index of chunks by target, ring and last row time (made when a store is opened for writing).
constexpr const char* kChunksByTargetEnd = "chunks_by_target_end";

// Opens path on a new connection of the calling thread (QSqlDatabase connections belong to one thread).
// forWriting: creates the file and its directory, sets WAL mode and brings the schema to kVersion; else the
// file must exist with a schema this build can read. Returns the connection's name, empty on failure.
QString open(const QString& path, bool forWriting, QString* error);
void close(const QString& connectionName);

// Runs one statement; false with *error (the statement's first words and SQLite's message) on failure.
bool exec(QSqlDatabase& db, const QString& sql, QString* error);

// The columns a chunk query selects ("SELECT " + kChunkColumns + " FROM chunks …"), and the chunk of the
// query's current row read from them.
inline const QString kChunkColumns = QStringLiteral("t0, t1, row_count, data, summaries");
StoredChunk chunkAt(const QSqlQuery& query, const QString& targetKey, RingKind ring);

} // namespace heapwatch::historyschema
