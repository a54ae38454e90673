// Reads the history store on a connection of the calling thread, beside the writer: WAL lets it read while
// the worker writes, and it only ever sees whole transactions. Used by `heapwatch export` (no connection to
// any target is needed) and the tests.
#pragma once

#include "HistoryRecords.h"

#include <QString>
#include <optional>
#include <vector>

namespace heapwatch {

class HistoryReader
{
public:
    explicit HistoryReader(QString path = HistoryOptions::defaultPath());
    ~HistoryReader();
    HistoryReader(const HistoryReader&) = delete;
    HistoryReader& operator=(const HistoryReader&) = delete;

    // The file must exist and hold a schema this build reads.
    bool open(QString* error);
    const QString& path() const { return m_path; }

    std::vector<StoredTarget> targets() const;
    // The stored target a spelling names: its key exactly, else the only target of that display name.
    std::optional<StoredTarget> findTarget(const QString& spelling) const;

    // Chunks of the target's ring overlapping [t0, t1], oldest first.
    std::vector<StoredChunk> chunks(const QString& key, RingKind ring, qint64 t0, qint64 t1) const;
    // The chunk of the target's ring whose first row is at t0 (a ring reading back a chunk it dropped).
    std::optional<StoredChunk> chunkStartingAt(const QString& key, RingKind ring, qint64 t0) const;
    // Caps SQLite's page cache of this connection (a reader kept open beside the console's charts).
    void setCacheKiB(int kib);
    // One-minute rollups of minutes overlapping [t0, t1], oldest first.
    std::vector<RollupRow> rollups(const QString& key, RingKind ring, qint64 t0, qint64 t1) const;
    // Events in [t0, t1] in time order; events of an unknown kind (a newer heapwatch's) are skipped.
    std::vector<StoredEvent> events(const QString& key, qint64 t0, qint64 t1) const;

    // Bytes the target's rows hold (blobs, texts and keys; not the pages' slack); 0 for an unknown target.
    qint64 diskUse(const QString& key) const;

    int schemaVersion() const;
    QString integrityCheck() const; // "ok" for a sound file

private:
    qint64 idOf(const QString& key) const;

    QString m_path;
    QString m_connection;
    mutable QString m_lastKey; // chunkStartingAt's target
    mutable qint64 m_lastId = -1;
};

} // namespace heapwatch
