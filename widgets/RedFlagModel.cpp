#include "RedFlagModel.h"

#include "CellChanges.h"
#include "Format.h"
#include "LevelStyle.h"
#include "StateReport.h"

#include <QFont>
#include <algorithm>
#include <numeric>

namespace heapwatch {

RedFlagModel::RedFlagModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

QString RedFlagModel::composeNotes(const Flag& flag, const GrowthResult& growth, qint64 nowMs)
{
    QStringList parts;
    if (!flag.note.isEmpty())
        parts << flag.note;
    // The projection belongs to the growth row (and to RSS, which is what reaches the limit).
    if ((flag.id == QLatin1String("memory_growth") || flag.id == QLatin1String("rss"))
        && growth.projectedLimitAtMs > 0) {
        parts << QObject::tr("%1 (%2) in %3 at this rate")
                     .arg(growth.projectedLimitName, format::mib(growth.projectedLimitMiB, 0),
                          format::duration(growth.projectedLimitAtMs - nowMs));
    }
    return parts.join(QStringLiteral("; "));
}

void RedFlagModel::setAssessment(const Assessment& assessment, qint64 nowMs)
{
    const auto& flags = assessment.flags;
    // Problems first: critical, warning, unknown, ok (LevelStyle::urgency), each in the assessment's (the
    // investigation's table's) order.
    // A dock a few rows high (a 768-pixel screen shows two or three) then shows the flags that need a look, as the
    // fleet overview puts the most urgent target first.
    std::vector<size_t> order(flags.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&flags](size_t a, size_t b) {
        return LevelStyle::urgency(flags[a].level) > LevelStyle::urgency(flags[b].level);
    });
    bool sameRows = flags.size() == m_rows.size();
    for (size_t i = 0; sameRows && i < flags.size(); ++i)
        sameRows = flags[order[i]].id == m_rows[i].flag.id;
    if (sameRows) {
        for (size_t i = 0; i < flags.size(); ++i) {
            const CellChanges changes(this, int(i), {LevelRole});
            m_rows[i] = Row {flags[order[i]], composeNotes(flags[order[i]], assessment.growth, nowMs)};
            changes.announce(this);
        }
        return;
    }
    std::vector<Row> rows;
    rows.reserve(flags.size());
    for (size_t i : order)
        rows.push_back({flags[i], composeNotes(flags[i], assessment.growth, nowMs)});
    // The same flags in another order (a level changed): the rows move, and a selected row moves with its flag.
    bool sameFlags = rows.size() == m_rows.size();
    for (size_t i = 0; sameFlags && i < m_rows.size(); ++i)
        sameFlags = rowIn(rows, m_rows[i].flag.id) >= 0;
    if (!sameFlags) {
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
        return;
    }
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    QModelIndexList after;
    after.reserve(before.size());
    for (const QModelIndex& old : before)
        after << index(rowIn(rows, m_rows[size_t(old.row())].flag.id), old.column());
    m_rows = std::move(rows);
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
    // The moved rows' values may have changed too.
    Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int RedFlagModel::rowIn(const std::vector<Row>& rows, const QString& flagId)
{
    for (size_t i = 0; i < rows.size(); ++i) {
        if (rows[i].flag.id == flagId)
            return int(i);
    }
    return -1;
}

void RedFlagModel::clear()
{
    if (m_rows.empty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

const Flag* RedFlagModel::flagAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? &m_rows[size_t(row)].flag : nullptr;
}

int RedFlagModel::rowOf(const QString& flagId) const
{
    return rowIn(m_rows, flagId);
}

int RedFlagModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RedFlagModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RedFlagModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows[size_t(index.row())];
    const Flag& f = row.flag;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case MetricColumn:
            return f.metric;
        case WarningColumn:
            return formatFlagThreshold(f, false);
        case CriticalColumn:
            return formatFlagThreshold(f, true);
        case CurrentColumn:
            return formatFlagValue(f);
        case StatusColumn:
            return levelName(f.level);
        case TrendColumn:
            return format::flagTrend(f);
        case NotesColumn:
            return row.notes;
        }
        break;
    case Qt::DecorationRole:
        if (index.column() == StatusColumn)
            return LevelStyle::icon(f.level);
        break;
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn || index.column() == CurrentColumn)
            return LevelStyle::color(f.level);
        break;
    case Qt::FontRole:
        if (index.column() == StatusColumn && (f.level == Level::Critical || f.level == Level::Warning)) {
            QFont font;
            font.setBold(true);
            return font;
        }
        break;
    case Qt::ToolTipRole:
        return row.notes.isEmpty() ? QVariant() : QVariant(row.notes);
    case Qt::TextAlignmentRole:
        if (index.column() >= WarningColumn && index.column() <= CurrentColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case LevelRole:
        return int(f.level);
    case FlagIdRole:
        return f.id;
    case ValueRole:
        return f.value;
    default:
        break;
    }
    return {};
}

QVariant RedFlagModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case MetricColumn:
        return tr("Metric");
    case WarningColumn:
        return tr("Warning");
    case CriticalColumn:
        return tr("Critical");
    case CurrentColumn:
        return tr("Current");
    case StatusColumn:
        return tr("Status");
    case TrendColumn:
        return tr("Trend");
    case NotesColumn:
        return tr("Notes");
    }
    return {};
}

} // namespace heapwatch
