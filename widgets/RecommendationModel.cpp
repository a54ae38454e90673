#include "RecommendationModel.h"

#include "CellChanges.h"
#include "LevelStyle.h"

#include <QFont>
#include <QGuiApplication>
#include <QPalette>
#include <algorithm>

namespace heapwatch {

RecommendationModel::RecommendationModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

QString RecommendationModel::ackKey(const Recommendation& r)
{
    return r.id + QLatin1Char(':') + levelName(r.level);
}

std::vector<Recommendation> RecommendationModel::ordered(const std::vector<Recommendation>& in) const
{
    // Unacknowledged first, worst first; the assessment's own order breaks ties.
    std::vector<Recommendation> out = in;
    std::stable_sort(out.begin(), out.end(), [this](const Recommendation& a, const Recommendation& b) {
        const bool ackA = m_acknowledged.contains(ackKey(a)), ackB = m_acknowledged.contains(ackKey(b));
        if (ackA != ackB)
            return !ackA;
        return levelSeverity(a.level) > levelSeverity(b.level);
    });
    return out;
}

void RecommendationModel::setRecommendations(const std::vector<Recommendation>& recommendations)
{
    std::vector<Recommendation> next = ordered(recommendations);
    bool sameRows = next.size() == m_rows.size();
    for (size_t i = 0; sameRows && i < next.size(); ++i)
        sameRows = ackKey(next[i]) == ackKey(m_rows[i]);
    if (!sameRows) {
        beginResetModel();
        m_rows = std::move(next);
        endResetModel();
        return;
    }
    for (size_t i = 0; i < next.size(); ++i) {
        const Recommendation& was = m_rows[i];
        const Recommendation& now = next[i];
        // Every role of a row is read from these fields (and the acknowledgements, unchanged here): equal fields,
        // nothing to announce, and no need for the snapshots of every role that finding the changes takes.
        if (was.level == now.level && was.title == now.title && was.evidence == now.evidence
            && was.action == now.action)
            continue;
        const CellChanges changes(this, int(i), {LevelRole});
        m_rows[i] = std::move(next[i]);
        changes.announce(this);
    }
}

void RecommendationModel::clear()
{
    if (m_rows.empty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

const Recommendation* RecommendationModel::recommendationAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? &m_rows[size_t(row)] : nullptr;
}

void RecommendationModel::setAcknowledged(const QSet<QString>& keys)
{
    if (keys == m_acknowledged)
        return;
    m_acknowledged = keys;
    beginResetModel();
    m_rows = ordered(m_rows);
    endResetModel();
}

bool RecommendationModel::isAcknowledged(int row) const
{
    const Recommendation* r = recommendationAt(row);
    return r && m_acknowledged.contains(ackKey(*r));
}

void RecommendationModel::acknowledge(int row, bool on)
{
    const Recommendation* r = recommendationAt(row);
    if (!r || isAcknowledged(row) == on)
        return;
    const QString key = ackKey(*r);
    QSet<QString> keys = m_acknowledged;
    if (on)
        keys.insert(key);
    else
        keys.remove(key);
    setAcknowledged(keys);
    Q_EMIT acknowledgedChanged(m_acknowledged);
}

int RecommendationModel::unacknowledgedCount() const
{
    return int(std::count_if(m_rows.begin(), m_rows.end(),
                             [this](const Recommendation& r) { return !m_acknowledged.contains(ackKey(r)); }));
}

int RecommendationModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RecommendationModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RecommendationModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Recommendation& r = m_rows[size_t(index.row())];
    const bool acked = m_acknowledged.contains(ackKey(r));
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TitleColumn:
            return r.title;
        case EvidenceColumn:
            return r.evidence;
        case ActionColumn:
            return r.action.section(QLatin1Char('\n'), 0, 0); // first line; the detail pane shows all of it
        }
        break;
    case Qt::ToolTipRole:
        return QStringLiteral("%1\n\nEvidence: %2\n\nAction:\n%3").arg(r.title, r.evidence, r.action);
    case Qt::DecorationRole:
        if (index.column() == TitleColumn)
            return LevelStyle::icon(r.level);
        break;
    case Qt::CheckStateRole:
        if (index.column() == TitleColumn)
            return acked ? Qt::Checked : Qt::Unchecked;
        break;
    case Qt::ForegroundRole:
        if (acked)
            return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
        break;
    case Qt::FontRole:
        if (index.column() == TitleColumn && !acked) {
            QFont font;
            font.setBold(true);
            return font;
        }
        break;
    case LevelRole:
        return int(r.level);
    case IdRole:
        return r.id;
    case ActionRole:
        return r.action;
    case EvidenceRole:
        return r.evidence;
    case AcknowledgedRole:
        return acked;
    default:
        break;
    }
    return {};
}

bool RecommendationModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::CheckStateRole || index.column() != TitleColumn
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    acknowledge(index.row(), value.toInt() == Qt::Checked);
    return true;
}

Qt::ItemFlags RecommendationModel::flags(const QModelIndex& index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == TitleColumn)
        f |= Qt::ItemIsUserCheckable;
    return f;
}

QVariant RecommendationModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    // The list is one column in a narrow dock: its header says what it is, and how to acknowledge one is its
    // tooltip (a longer header was cut off at both ends in a dock a laptop's screen leaves room for).
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole && section == TitleColumn)
        return tr("Tick a recommendation (or select it and press Acknowledge) to acknowledge it");
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TitleColumn:
        return tr("Recommendation");
    case EvidenceColumn:
        return tr("Evidence");
    case ActionColumn:
        return tr("Action");
    }
    return {};
}

} // namespace heapwatch
