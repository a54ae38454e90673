// The history store's other records besides chunks: targets, events and one-minute rollups, and the
// store's options. Plain values, shared by the writer (HistoryStore) and the readers (HistoryReader).
#pragma once

#include "HistoryChunk.h"

#include <QJsonObject>
#include <QString>
#include <optional>
#include <vector>

namespace heapwatch {

struct HistoryOptions
{
    static constexpr qint64 kDay = 24LL * 3600 * 1000;
    // The database file; empty: HistoryOptions::defaultPath().
    QString path;
    qint64 fullRetentionMs = 7 * kDay; // chunks (every sample)
    qint64 rollupRetentionMs = 90 * kDay; // one-minute min/max/mean, and the events
    // Writes are batched in a transaction committed this long after its first write (and on close): what a
    // crash or kill -9 can lose. Capped at 10 s.
    int commitIntervalMs = 2000;

    // $HEAPWATCH_HISTORY when set, else history.sqlite under QStandardPaths::AppDataLocation.
    static QString defaultPath();
};

// What happened to a target, beside its samples. The names are stored: never rename.
enum class HistoryEventKind
{
    Restart,
    Recreate,
    OomKill,
    FlagTransition,
    RecommendationRaised,
    RecommendationResolved,
    RecommendationAcknowledged,
    ConnectionGap,
    HeapSnapshot, // a heap snapshot's pause (detail: duration_ms)
};
QString historyEventKindName(HistoryEventKind kind); // "restart", "oom_kill", …
std::optional<HistoryEventKind> historyEventKindFromName(const QString& name);

struct StoredEvent
{
    QString targetKey;
    qint64 atMs = 0;
    HistoryEventKind kind = HistoryEventKind::Restart;
    QJsonObject detail; // kind-specific: exit code, flag id and levels, gap end, …
};

struct StoredTarget
{
    QString key; // TargetConfig::key()
    QString displayName;
    qint64 firstSeenMs = -1;
    qint64 lastSeenMs = -1;
};

// One column over one minute; count 0 (and NaN figures) when the minute had no value in it.
struct ColumnRollup
{
    double min = 0;
    double max = 0;
    double mean = 0;
    quint32 count = 0;
};
struct RollupRow
{
    qint64 minuteMs = 0; // start of the minute, ms since the epoch
    std::vector<ColumnRollup> columns;
};

} // namespace heapwatch
