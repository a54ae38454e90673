// Recent warnings, errors, overflow, dev-mode and heap-OOM lines of a target (TargetState::problems(),
// capped by the core), oldest first. Updates append and drop rows instead of resetting, so that the view
// keeps its scroll position and selection while the log moves on.
#pragma once

#include "TargetState.h"

#include <QAbstractTableModel>
#include <vector>

namespace heapwatch {

class ProblemLogModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        TimeColumn = 0,
        LevelColumn,
        KindColumn,
        MessageColumn,
        ColumnCount
    };
    enum Role
    {
        LevelRole = Qt::UserRole + 1,
        KindRole,
        TimeRole,
        FullTextRole
    };
    // Longer messages are cut for display (a single log line can be a megabyte); FullTextRole has it all.
    static constexpr qsizetype kMaxShownChars = 1000;

    explicit ProblemLogModel(QObject* parent = nullptr);

    void setProblems(const std::deque<Problem>& problems);
    void clear();
    const Problem* problemAt(int row) const;
    static QString kindName(LogKind kind);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<Problem> m_rows;
};

} // namespace heapwatch
