// Search and level filter for the log panel. The search is a literal, case-insensitive substring (what
// the operator types is never a pattern), matched against the full line, not the shortened one.
#pragma once

#include <QSortFilterProxyModel>

namespace heapwatch {

class LogFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    enum class Filter
    {
        All = 0,
        Errors,
        Warnings,
        Overflows,
        DevMode,
        HeapOom
    };

    explicit LogFilterProxy(QObject* parent = nullptr);

    void setSearchText(const QString& text);
    QString searchText() const { return m_search; }
    void setLevelFilter(Filter filter);
    Filter levelFilter() const { return m_filter; }
    static QString filterLabel(Filter filter);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_search;
    Filter m_filter = Filter::All;
};

} // namespace heapwatch
