// Paints one target of the fleet overview as a card: a level stripe, the name, level and liveness, the flags
// that make the level, three sparklines of the last hour and the growth with its projected time to a limit.
// Everything scales with the view's font, so the wall mode only sets a larger font.
#pragma once

#include <QStyledItemDelegate>

namespace heapwatch {

class FleetOverviewModel;
struct FleetRow;

class FleetOverviewDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit FleetOverviewDelegate(const FleetOverviewModel* model, QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

    // The drawn width of a sparkline in a row of the given width: the model decimates to it.
    static int sparklineWidth(int rowWidth);

private:
    const FleetOverviewModel* m_model;
};

} // namespace heapwatch
