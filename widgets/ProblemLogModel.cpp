#include "ProblemLogModel.h"

#include "Assessment.h"
#include "Format.h"
#include "LevelStyle.h"

namespace heapwatch {

namespace {
bool sameProblem(const Problem& a, const Problem& b)
{
    return a.atMs == b.atMs && a.kind == b.kind && a.level == b.level && a.text == b.text;
}
} // namespace

ProblemLogModel::ProblemLogModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

QString ProblemLogModel::kindName(LogKind kind)
{
    switch (kind) {
    case LogKind::Warning:
        return tr("warning");
    case LogKind::Error:
        return tr("error");
    case LogKind::Overflow:
        return tr("buffer overflow");
    case LogKind::DevMode:
        return tr("dev mode");
    case LogKind::HeapOom:
        return tr("heap OOM");
    case LogKind::AppStart:
        return tr("app start");
    case LogKind::Memory:
        return tr("memory");
    case LogKind::Cache:
        return tr("cache");
    case LogKind::Gc:
        return tr("garbage collection");
    case LogKind::Other:
        break;
    }
    return tr("other");
}

void ProblemLogModel::setProblems(const std::deque<Problem>& problems)
{
    if (problems.empty()) {
        clear();
        return;
    }
    if (!m_rows.empty()) {
        // Where is our newest row in the new list? Everything before it that we hold was dropped by the
        // core's cap; everything after it is new.
        const Problem& last = m_rows.back();
        qsizetype k = -1;
        for (qsizetype i = qsizetype(problems.size()) - 1; i >= 0; --i) {
            if (sameProblem(problems[size_t(i)], last)) {
                k = i;
                break;
            }
        }
        const qsizetype kept = k + 1; // rows of the new list up to and including our last one
        if (k >= 0 && kept <= qsizetype(m_rows.size())
            && sameProblem(problems.front(), m_rows[m_rows.size() - size_t(kept)])) {
            const qsizetype dropped = qsizetype(m_rows.size()) - kept;
            if (dropped > 0) {
                beginRemoveRows({}, 0, int(dropped - 1));
                m_rows.erase(m_rows.begin(), m_rows.begin() + dropped);
                endRemoveRows();
            }
            const qsizetype added = qsizetype(problems.size()) - kept;
            if (added > 0) {
                beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + size_t(added) - 1));
                m_rows.insert(m_rows.end(), problems.begin() + kept, problems.end());
                endInsertRows();
            }
            return;
        }
    }
    beginResetModel();
    m_rows.assign(problems.begin(), problems.end());
    endResetModel();
}

void ProblemLogModel::clear()
{
    if (m_rows.empty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

const Problem* ProblemLogModel::problemAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? &m_rows[size_t(row)] : nullptr;
}

int ProblemLogModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ProblemLogModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProblemLogModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Problem& p = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return format::dateTime(p.atMs);
        case LevelColumn:
            return levelName(p.level);
        case KindColumn:
            return kindName(p.kind);
        case MessageColumn: {
            // Plain text: the default delegate never interprets markup, and the text is cut, not wrapped. The
            // logger's own leading timestamp repeats the Time column, so it is left out here (not in copies).
            const QStringView shown = p.message();
            return shown.size() > kMaxShownChars ? shown.left(kMaxShownChars).toString() + QStringLiteral("…")
                                                 : shown.toString();
        }
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == MessageColumn)
            return format::plainToolTip(p.text);
        break;
    case Qt::DecorationRole:
        if (index.column() == LevelColumn)
            return LevelStyle::icon(p.level);
        break;
    case Qt::ForegroundRole:
        if (index.column() == LevelColumn)
            return LevelStyle::color(p.level);
        break;
    case LevelRole:
        return int(p.level);
    case KindRole:
        return int(p.kind);
    case TimeRole:
        return p.atMs;
    case FullTextRole:
        return p.text;
    default:
        break;
    }
    return {};
}

QVariant ProblemLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case LevelColumn:
        return tr("Level");
    case KindColumn:
        return tr("Kind");
    case MessageColumn:
        return tr("Message");
    }
    return {};
}

} // namespace heapwatch
