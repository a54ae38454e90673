// The investigation's "Red Flags & Alerts" table as an item model: metric, warning, critical, current value,
// status (icon and colour), trend and notes ("approaching warning", "needs longer observation (N of 30
// min)", the projected time to the limit). Rows keep their identity across updates so that views only
// repaint the cells that changed. Problems come first: critical, warning, unknown, then ok (LevelStyle::urgency), each
// in the assessment's order; a row whose level changes moves to its place (a layout change, not a reset).
#pragma once

#include "Assessment.h"

#include <QAbstractTableModel>

namespace heapwatch {

class RedFlagModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        MetricColumn = 0,
        WarningColumn,
        CriticalColumn,
        CurrentColumn,
        StatusColumn,
        TrendColumn,
        NotesColumn,
        ColumnCount
    };
    enum Role
    {
        LevelRole = Qt::UserRole + 1,
        FlagIdRole,
        ValueRole
    };

    explicit RedFlagModel(QObject* parent = nullptr);

    void setAssessment(const Assessment& assessment, qint64 nowMs);
    void clear();
    const Flag* flagAt(int row) const;
    int rowOf(const QString& flagId) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        Flag flag;
        QString notes; // flag note plus the projection, composed once per update
    };
    static QString composeNotes(const Flag& flag, const GrowthResult& growth, qint64 nowMs);
    static int rowIn(const std::vector<Row>& rows, const QString& flagId);
    std::vector<Row> m_rows;
};

} // namespace heapwatch
