#include "LogFilterProxy.h"

#include "ProblemLogModel.h"

namespace heapwatch {

LogFilterProxy::LogFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
}

QString LogFilterProxy::filterLabel(Filter filter)
{
    switch (filter) {
    case Filter::All:
        return tr("All problems");
    case Filter::Errors:
        return tr("Errors and critical");
    case Filter::Warnings:
        return tr("Warnings");
    case Filter::Overflows:
        return tr("Buffer overflows");
    case Filter::DevMode:
        return tr("Dev-mode lines");
    case Filter::HeapOom:
        return tr("Heap out of memory");
    }
    return {};
}

void LogFilterProxy::setSearchText(const QString& text)
{
    if (text == m_search)
        return;
    m_search = text;
    invalidateRowsFilter();
}

void LogFilterProxy::setLevelFilter(Filter filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    invalidateRowsFilter();
}

bool LogFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex idx = sourceModel()->index(sourceRow, ProblemLogModel::MessageColumn, sourceParent);
    const auto kind = LogKind(idx.data(ProblemLogModel::KindRole).toInt());
    const auto level = Level(idx.data(ProblemLogModel::LevelRole).toInt());
    switch (m_filter) {
    case Filter::All:
        break;
    case Filter::Errors:
        if (level != Level::Critical && kind != LogKind::Error && kind != LogKind::HeapOom)
            return false;
        break;
    case Filter::Warnings:
        if (kind != LogKind::Warning)
            return false;
        break;
    case Filter::Overflows:
        if (kind != LogKind::Overflow)
            return false;
        break;
    case Filter::DevMode:
        if (kind != LogKind::DevMode)
            return false;
        break;
    case Filter::HeapOom:
        if (kind != LogKind::HeapOom)
            return false;
        break;
    }
    if (m_search.isEmpty())
        return true;
    return idx.data(ProblemLogModel::FullTextRole).toString().contains(m_search, Qt::CaseInsensitive);
}

} // namespace heapwatch
