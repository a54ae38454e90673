// The fleet overview's rows: one per target of the window, with its level and the flags that make it, the
// last hour as sparklines (read from the target's rings, min/max per pixel column), growth and the projected
// time to a limit, and its liveness in the sidebar's words. Rows are kept sorted by urgency; a refresh
// announces only the rows whose content changed (one column: a row is a cell), and a row whose level changed
// is highlighted for a few seconds.
#pragma once

#include "Samples.h"
#include "Sparkline.h"

#include <QAbstractListModel>
#include <QHash>
#include <QStringList>
#include <vector>

namespace heapwatch {

class Target;
class TargetListModel;

struct FleetRow
{
    QString key; // the target's key (TargetListModel::KeyRole)
    QString name; // "pangolin"
    QString host; // "web1"
    Level level = Level::Unknown; // as the sidebar shows it: unknown while the data is not live
    Level assessed = Level::Unknown; // the latest verdict, live or not
    bool live = true;
    QString liveness; // the sidebar's words: "connected", "reconnecting in 5 s", "stale: logs 4 min ago"
    QStringList flags; // flagReading() of the flags at warning or worse, worst first
    QString growth; // RSS growth as the red-flag table writes it ("+4.2 MiB/h"), or "—"
    QString projection; // "heap limit reached in 2 h 10 min", as the console's header says it; empty: none
    qint64 timeToLimitMs = -1; // -1: not growing towards a limit
    Sparkline rss; // RSS against the heap limit
    Sparkline heap; // heap usage %, against its critical threshold
    Sparkline container; // container memory against its limit
    Level rssLevel = Level::Unknown; // the sparklines' colours: their flags' levels
    Level heapLevel = Level::Unknown;
    Level containerLevel = Level::Unknown;
    qint64 highlightUntilMs = -1; // the level changed: highlighted until then (wall clock)
    // What the sparklines were read at: re-read only when the target changed or the window moved a column.
    quint64 revision = ~quint64(0);
    qint64 sparkColumn = -1;
    int sparkPixels = 0;
    qint64 lastProcessMs = -1; // the rings' newest rows at that read
    qint64 lastStatsMs = -1;
};

class FleetOverviewModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role
    {
        KeyRole = Qt::UserRole + 1,
        LevelRole,
        LivenessRole,
        FlagsRole,
        GrowthRole,
        ProjectionRole,
        SparklineRole, // changes when any sparkline changed (the delegate paints them from row())
        HighlightRole // true while the row is highlighted
    };
    static constexpr qint64 kWindowMs = 60 * 60 * 1000; // the sparklines' last hour
    static constexpr qint64 kHighlightMs = 6000; // how long a level change stays highlighted

    explicit FleetOverviewModel(TargetListModel* targets, QObject* parent = nullptr);

    // Re-reads every target at the wall-clock time nowMs, re-sorts, announces what changed.
    void refresh(qint64 nowMs);
    // Pixel columns of the sparklines (their drawn width): the rings are decimated to this.
    void setSparklinePixels(int pixels);
    int sparklinePixels() const { return m_pixels; }

    const FleetRow& row(int r) const { return m_rows[size_t(r)]; }
    int rowOfKey(const QString& key) const;
    // Critical first, then warning, then targets whose data is not live, then ok; within a level the
    // shortest projected time to a limit first, then the name.
    static bool moreUrgent(const FleetRow& a, const FleetRow& b);
    // Counts by level for the overview's title line (not live counts apart, as "stale").
    struct Counts
    {
        int critical = 0, warning = 0, ok = 0, notLive = 0, unknown = 0;
    };
    Counts counts() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    void fill(FleetRow& row, int sourceRow, qint64 nowMs) const;
    void readSparklines(FleetRow& row, const Target& target) const;

    TargetListModel* m_targets;
    std::vector<FleetRow> m_rows;
    int m_pixels = 120;
    // Level last seen per target key, and whether it was ever known: the first verdict is not a change.
    QHash<QString, Level> m_lastLevel;
};

} // namespace heapwatch
