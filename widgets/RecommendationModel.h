// The active recommendations of a target: title, evidence and action, each acknowledgeable. An
// acknowledgement is keyed by the rule's id and level, so a hint that escalates comes back unacknowledged.
// Acknowledged hints stay listed (greyed, after the others) so that the operator can see what was seen.
#pragma once

#include "Assessment.h"

#include <QAbstractTableModel>
#include <QSet>

namespace heapwatch {

class RecommendationModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        TitleColumn = 0,
        EvidenceColumn,
        ActionColumn,
        ColumnCount
    };
    enum Role
    {
        LevelRole = Qt::UserRole + 1,
        IdRole,
        ActionRole,
        EvidenceRole,
        AcknowledgedRole
    };

    explicit RecommendationModel(QObject* parent = nullptr);

    void setRecommendations(const std::vector<Recommendation>& recommendations);
    void clear();
    const Recommendation* recommendationAt(int row) const;

    static QString ackKey(const Recommendation& r);
    QSet<QString> acknowledged() const { return m_acknowledged; }
    void setAcknowledged(const QSet<QString>& keys);
    bool isAcknowledged(int row) const;
    void acknowledge(int row, bool on = true);
    int unacknowledgedCount() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void acknowledgedChanged(const QSet<QString>& keys);

private:
    std::vector<Recommendation> ordered(const std::vector<Recommendation>& in) const;

    std::vector<Recommendation> m_rows;
    QSet<QString> m_acknowledged;
};

} // namespace heapwatch
