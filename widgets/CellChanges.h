// Announces only what changed in a row of an item model: each cell whose data changed, with the roles that
// changed, so that a view repaints one cell when a value moves each second, not the whole row.
// Take a snapshot of the row before updating it, then announce() after.
#pragma once

#include <QAbstractItemModel>
#include <QIcon>
#include <QList>
#include <QVariant>

namespace heapwatch {

class CellChanges
{
public:
    // modelRoles: the model's own roles (level, id, …) that views or proxies may read.
    CellChanges(const QAbstractItemModel* model, int row, QList<int> modelRoles)
        : m_model(model)
        , m_row(row)
        , m_roles(QList<int> {Qt::DisplayRole, Qt::ToolTipRole, Qt::DecorationRole, Qt::ForegroundRole, Qt::FontRole}
                  + modelRoles)
        , m_before(snapshot())
    {
    }

    void announce(QAbstractItemModel* model) const
    {
        const QList<QVariant> after = snapshot();
        const int columns = m_model->columnCount();
        for (int c = 0; c < columns; ++c) {
            QList<int> changed;
            for (int r = 0; r < m_roles.size(); ++r) {
                const qsizetype at = qsizetype(c) * m_roles.size() + r;
                if (!same(m_before.value(at), after.value(at)))
                    changed << m_roles.at(r);
            }
            if (!changed.isEmpty()) {
                const QModelIndex cell = m_model->index(m_row, c);
                Q_EMIT model->dataChanged(cell, cell, changed);
            }
        }
    }

private:
    // Icons have no equality: the same icon is the same cache key (the level icons are cached).
    static bool same(const QVariant& a, const QVariant& b)
    {
        if (a.metaType().id() == QMetaType::QIcon && b.metaType().id() == QMetaType::QIcon)
            return a.value<QIcon>().cacheKey() == b.value<QIcon>().cacheKey();
        return a == b;
    }

    QList<QVariant> snapshot() const
    {
        QList<QVariant> values;
        for (int c = 0; c < m_model->columnCount(); ++c) {
            const QModelIndex cell = m_model->index(m_row, c);
            for (int role : m_roles)
                values << cell.data(role);
        }
        return values;
    }

    const QAbstractItemModel* m_model;
    int m_row;
    QList<int> m_roles;
    QList<QVariant> m_before;
};

} // namespace heapwatch
