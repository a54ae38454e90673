#include "FleetOverviewModel.h"

#include "Format.h"
#include "LevelStyle.h"
#include "StateReport.h"
#include "Target.h"
#include "TargetListModel.h"

#include <QHash>
#include <algorithm>

namespace heapwatch {

namespace {

// Urgency rank: critical, warning, data not live (stale data must not look fine), unknown, ok: twice the level's
// urgency, and data not live between warning and unknown.
int urgencyRank(const FleetRow& r)
{
    if (!r.live)
        return 2 * LevelStyle::urgency(Level::Unknown) + 1;
    return 2 * LevelStyle::urgency(r.level);
}

QString amount(double used, double limit, const QString& unit)
{
    if (!isKnown(used))
        return format::dash();
    if (!isKnown(limit) || limit <= 0)
        return QStringLiteral("%1 %2").arg(format::number(used), unit);
    return QStringLiteral("%1 / %2 %3").arg(format::number(used), format::number(limit, limit >= 100 ? 0 : 1), unit);
}

} // namespace

FleetOverviewModel::FleetOverviewModel(TargetListModel* targets, QObject* parent)
    : QAbstractListModel(parent)
    , m_targets(targets)
{
}

bool FleetOverviewModel::moreUrgent(const FleetRow& a, const FleetRow& b)
{
    const int ra = urgencyRank(a), rb = urgencyRank(b);
    if (ra != rb)
        return ra > rb;
    // A projected time to a limit is more urgent than none; the sooner, the more urgent.
    const bool pa = a.timeToLimitMs >= 0, pb = b.timeToLimitMs >= 0;
    if (pa != pb)
        return pa;
    if (pa && a.timeToLimitMs != b.timeToLimitMs)
        return a.timeToLimitMs < b.timeToLimitMs;
    const int byName = QString::compare(a.name, b.name, Qt::CaseInsensitive);
    if (byName != 0)
        return byName < 0;
    return a.key < b.key;
}

void FleetOverviewModel::setSparklinePixels(int pixels)
{
    m_pixels = std::clamp(pixels, 16, 2000);
}

int FleetOverviewModel::rowOfKey(const QString& key) const
{
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].key == key)
            return int(i);
    }
    return -1;
}

FleetOverviewModel::Counts FleetOverviewModel::counts() const
{
    Counts c;
    for (const FleetRow& r : m_rows) {
        if (!r.live)
            ++c.notLive;
        else if (r.level == Level::Critical)
            ++c.critical;
        else if (r.level == Level::Warning)
            ++c.warning;
        else if (r.level == Level::Ok)
            ++c.ok;
        else
            ++c.unknown;
    }
    return c;
}

void FleetOverviewModel::readSparklines(FleetRow& row, const Target& target) const
{
    const TargetState& st = target.state();
    const qint64 columnMs = std::max<qint64>(1, kWindowMs / m_pixels);
    const qint64 column = target.now() / columnMs;
    if (row.revision == st.revision() && row.sparkColumn == column && row.sparkPixels == m_pixels)
        return;
    // The window ends at a column boundary, so that a second that adds nothing leaves the points as they were.
    const qint64 t1 = (column + 1) * columnMs;
    const qint64 t0 = t1 - kWindowMs;
    // Same window, new rows: they can only change the last columns. Re-read those two and keep the rest (fifty
    // targets that each took a sample this second cost two columns each, not an hour each).
    // The rings only ever append newer rows: when the newest rows of the last read were already in those two
    // columns, everything new is too. History delivered later (a backfill) moves the newest row from before.
    const qint64 from = t1 - 2 * columnMs;
    const qint64 lastProcess = st.process().isEmpty() ? -1 : st.process().last().atMs;
    const qint64 lastStats = st.stats().isEmpty() ? -1 : st.stats().last().atMs;
    const bool onlyNewRows = row.sparkColumn == column && row.sparkPixels == m_pixels && row.rss.t0 == t0
        && row.lastProcessMs >= from && row.lastStatsMs >= from && lastProcess >= row.lastProcessMs
        && lastStats >= row.lastStatsMs;
    row.revision = st.revision();
    row.sparkColumn = column;
    row.sparkPixels = m_pixels;
    row.lastProcessMs = lastProcess;
    row.lastStatsMs = lastStats;
    if (onlyNewRows) {
        auto tail = st.process().decimate(std::vector<int> {RssColumn, HeapUsagePercentColumn}, from, t1, 2);
        auto splice = [from](std::vector<QPointF>& points, std::vector<QPointF>&& fresh) {
            auto keep = std::lower_bound(points.begin(), points.end(), double(from),
                                         [](const QPointF& p, double x) { return p.x() < x; });
            points.erase(keep, points.end());
            points.insert(points.end(), fresh.begin(), fresh.end());
        };
        splice(row.rss.points, std::move(tail[0]));
        splice(row.heap.points, std::move(tail[1]));
        splice(row.container.points, st.stats().decimate(int(MemUsageColumn), from, t1, 2));
        return;
    }
    auto process = st.process().decimate(std::vector<int> {RssColumn, HeapUsagePercentColumn}, t0, t1, m_pixels);
    std::vector<QPointF> stats = st.stats().decimate(int(MemUsageColumn), t0, t1, m_pixels);
    for (Sparkline* s : {&row.rss, &row.heap, &row.container}) {
        s->t0 = t0;
        s->t1 = t1;
    }
    row.rss.points = std::move(process[0]);
    row.heap.points = std::move(process[1]);
    row.container.points = std::move(stats);
}

void FleetOverviewModel::fill(FleetRow& row, int sourceRow, qint64 nowMs) const
{
    const TargetConfig* entry = m_targets->entryAt(sourceRow);
    row.key = entry->key();
    row.name = entry->displayName();
    row.host = entry->hostName();
    // Short captions: each line is drawn against its limit (dashed), and the value says both.
    row.rss.caption = tr("RSS");
    row.heap.caption = tr("Heap");
    row.container.caption = tr("Container");
    Target* t = m_targets->targetAt(sourceRow);
    if (!t) {
        const QString error = m_targets->errorAt(sourceRow);
        row.level = row.assessed = Level::Unknown;
        row.live = false;
        row.liveness = error.isEmpty() ? tr("not opened") : tr("failed");
        row.flags = error.isEmpty() ? QStringList() : QStringList {error};
        row.growth = format::dash();
        row.projection.clear();
        row.timeToLimitMs = -1;
        for (Sparkline* s : {&row.rss, &row.heap, &row.container}) {
            s->points.clear();
            s->value = s->shortValue = format::dash();
        }
        return;
    }
    // The sidebar's words and its rule: a verdict on data that does not flow is not shown as current.
    const TargetListModel::Liveness l = TargetListModel::liveness(*t, row.name, nowMs);
    const Assessment& a = t->assessment();
    row.live = l.live;
    row.liveness = l.text;
    row.assessed = a.overall;
    row.level = l.live ? a.overall : Level::Unknown;

    std::vector<const Flag*> bad;
    for (const Flag& f : a.flags) {
        if (f.level == Level::Warning || f.level == Level::Critical)
            bad.push_back(&f);
    }
    std::stable_sort(bad.begin(), bad.end(),
                     [](const Flag* x, const Flag* y) { return levelSeverity(x->level) > levelSeverity(y->level); });
    row.flags.clear();
    for (const Flag* f : bad)
        row.flags << flagReading(*f);

    const Flag* growth = a.flag(QStringLiteral("memory_growth"));
    row.growth = growth ? formatFlagValue(*growth) : format::dash();
    const qint64 now = t->now();
    const GrowthResult& g = a.growth;
    if (g.projectedLimitAtMs > 0) {
        row.timeToLimitMs = std::max<qint64>(0, g.projectedLimitAtMs - now);
        row.projection = tr("%1 reached in %2").arg(g.projectedLimitName, format::duration(g.projectedLimitAtMs - now));
    } else {
        row.timeToLimitMs = -1;
        row.projection = growth ? growth->note : QString();
    }

    auto levelOf = [&a](const char* id) {
        const Flag* f = a.flag(QString::fromLatin1(id));
        return f ? f->level : Level::Unknown;
    };
    row.rssLevel = levelOf("rss");
    row.heapLevel = levelOf("heap_usage");
    row.containerLevel = levelOf("container_memory");

    const TargetState& st = t->state();
    readSparklines(row, *t);
    const double heapLimit = st.heapLimitMiB();
    const double containerLimit = st.containerLimitMiB();
    row.rss.limit = heapLimit;
    row.container.limit = containerLimit;
    const Flag* usage = a.flag(QStringLiteral("heap_usage"));
    row.heap.yMax = 100;
    row.heap.limit = usage ? usage->critical : kUnknown;
    const auto& mem = st.lastMemory();
    row.rss.value = amount(mem ? mem->rssMiB : kUnknown, heapLimit, QStringLiteral("MiB"));
    row.rss.shortValue = mem ? format::mib(mem->rssMiB) : format::dash();
    row.heap.value = row.heap.shortValue = usage ? formatFlagValue(*usage) : format::dash();
    const auto& stats = st.lastStats();
    const double used = stats && isKnown(stats->memUsageBytes) ? stats->memUsageBytes / (1024.0 * 1024.0) : kUnknown;
    row.container.value = amount(used, containerLimit, QStringLiteral("MiB"));
    row.container.shortValue = format::mib(used);
}

void FleetOverviewModel::refresh(qint64 nowMs)
{
    QHash<QString, int> before;
    for (size_t i = 0; i < m_rows.size(); ++i)
        before.insert(m_rows[i].key, int(i));

    std::vector<FleetRow> rows;
    rows.reserve(size_t(m_targets->rowCount()));
    for (int s = 0; s < m_targets->rowCount(); ++s) {
        const TargetConfig* entry = m_targets->entryAt(s);
        if (!entry)
            continue;
        const int old = before.value(entry->key(), -1);
        rows.push_back(old >= 0 ? m_rows[size_t(old)] : FleetRow {});
        FleetRow& r = rows.back();
        fill(r, s, nowMs);
        // A level change of a target whose level was known before is news: highlight it for a while. The
        // first verdict (after connecting) is not a change.
        const auto seen = m_lastLevel.constFind(r.key);
        if (seen == m_lastLevel.constEnd()) {
            if (r.level != Level::Unknown)
                m_lastLevel.insert(r.key, r.level);
        } else if (*seen != r.level) {
            r.highlightUntilMs = nowMs + kHighlightMs;
            m_lastLevel.insert(r.key, r.level);
        }
        if (r.highlightUntilMs >= 0 && r.highlightUntilMs <= nowMs)
            r.highlightUntilMs = -1;
    }
    std::stable_sort(rows.begin(), rows.end(), &FleetOverviewModel::moreUrgent);

    // Targets added or removed: a reset (rare). The same targets in another order: a layout change that keeps
    // the selection on its target. Then each row that changed, alone.
    bool sameSet = rows.size() == m_rows.size();
    for (size_t i = 0; sameSet && i < rows.size(); ++i)
        sameSet = before.contains(rows[i].key);
    if (!sameSet) {
        beginResetModel();
        m_rows = std::move(rows);
        for (auto it = m_lastLevel.begin(); it != m_lastLevel.end();)
            it = rowOfKey(it.key()) < 0 ? m_lastLevel.erase(it) : std::next(it);
        endResetModel();
        return;
    }
    bool sameOrder = true;
    for (size_t i = 0; sameOrder && i < rows.size(); ++i)
        sameOrder = rows[i].key == m_rows[i].key;
    std::vector<FleetRow> old = std::move(m_rows);
    if (!sameOrder) {
        Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
        m_rows = std::move(rows);
        const QModelIndexList persistent = persistentIndexList();
        for (const QModelIndex& p : persistent) {
            const int to = p.row() < int(old.size()) ? rowOfKey(old[size_t(p.row())].key) : -1;
            changePersistentIndex(p, to >= 0 ? index(to) : QModelIndex());
        }
        Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
    } else {
        m_rows = std::move(rows);
    }
    for (size_t i = 0; i < m_rows.size(); ++i) {
        const FleetRow& n = m_rows[i];
        const FleetRow& o = old[size_t(before.value(n.key))];
        QList<int> roles;
        if (n.level != o.level || n.assessed != o.assessed)
            roles << LevelRole;
        if (n.live != o.live || n.liveness != o.liveness)
            roles << LivenessRole;
        if (n.flags != o.flags)
            roles << FlagsRole;
        if (n.growth != o.growth)
            roles << GrowthRole;
        if (n.projection != o.projection)
            roles << ProjectionRole;
        if (n.rss != o.rss || n.heap != o.heap || n.container != o.container || n.rssLevel != o.rssLevel
            || n.heapLevel != o.heapLevel || n.containerLevel != o.containerLevel)
            roles << SparklineRole;
        if (n.highlightUntilMs != o.highlightUntilMs)
            roles << HighlightRole;
        if (!roles.isEmpty()) {
            roles << Qt::DisplayRole << Qt::ToolTipRole;
            Q_EMIT dataChanged(index(int(i)), index(int(i)), roles);
        }
    }
}

int FleetOverviewModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant FleetOverviewModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const FleetRow& r = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        return QStringLiteral("%1 · %2: %3, %4").arg(r.name, r.host, levelName(r.level), r.liveness);
    case Qt::ToolTipRole: {
        QStringList lines {QStringLiteral("%1 · %2").arg(r.name, r.host),
                           QStringLiteral("%1 — %2").arg(levelTitle(r.live ? r.level : r.assessed), r.liveness)};
        lines += r.flags;
        lines << tr("RSS growth %1").arg(r.growth);
        if (!r.projection.isEmpty())
            lines << r.projection;
        return format::plainToolTip(lines.join(QLatin1Char('\n')));
    }
    case KeyRole:
        return r.key;
    case LevelRole:
        return int(r.level);
    case LivenessRole:
        return r.liveness;
    case FlagsRole:
        return r.flags;
    case GrowthRole:
        return r.growth;
    case ProjectionRole:
        return r.projection;
    case HighlightRole:
        return r.highlightUntilMs >= 0;
    default:
        break;
    }
    return {};
}

} // namespace heapwatch
