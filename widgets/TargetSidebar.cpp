#include "TargetSidebar.h"

#include "SnoozeMenu.h"
#include "TargetListModel.h"

#include <QGridLayout>
#include <QListView>
#include <QMenu>
#include <QToolButton>
#include <QVBoxLayout>

namespace heapwatch {

TargetSidebar::TargetSidebar(TargetListModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_view(new QListView(this))
    , m_add(new QToolButton(this))
    , m_edit(new QToolButton(this))
    , m_remove(new QToolButton(this))
    , m_reconnect(new QToolButton(this))
{
    setObjectName(QStringLiteral("targetSidebar"));
    m_view->setModel(model);
    m_view->setIconSize(QSize(22, 22));
    m_view->setSpacing(2);
    // Not uniform: a snoozed target has a third line ("snoozed until 14:05"); the list holds a few targets.
    m_view->setUniformItemSizes(false);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setTextElideMode(Qt::ElideMiddle);

    m_add->setText(tr("Add…"));
    m_add->setToolTip(tr("Add a target (Ctrl+N)"));
    m_edit->setText(tr("Edit…"));
    m_remove->setText(tr("Remove"));
    m_reconnect->setText(tr("Reconnect"));
    m_reconnect->setToolTip(tr("Reconnect the selected target (F5)"));
    // Two rows of two: the dock stays narrow enough for the window to fit a laptop's screen with its docks open.
    auto* buttons = new QGridLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->setSpacing(2);
    int at = 0;
    for (QToolButton* b : {m_add, m_edit, m_remove, m_reconnect}) {
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        b->setAutoRaise(true);
        buttons->addWidget(b, at / 2, at % 2);
        ++at;
    }
    buttons->setColumnStretch(2, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                updateButtons();
                Q_EMIT currentRowChanged(current.isValid() ? current.row() : -1);
            });
    connect(m_add, &QToolButton::clicked, this, &TargetSidebar::addRequested);
    connect(m_edit, &QToolButton::clicked, this, [this] { Q_EMIT editRequested(currentRow()); });
    connect(m_remove, &QToolButton::clicked, this, [this] { Q_EMIT removeRequested(currentRow()); });
    connect(m_reconnect, &QToolButton::clicked, this, [this] { Q_EMIT reconnectRequested(currentRow()); });
    connect(m_view, &QListView::doubleClicked, this,
            [this](const QModelIndex& index) { Q_EMIT editRequested(index.row()); });
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QListView::customContextMenuRequested, this, [this](const QPoint& pos) {
        const QModelIndex index = m_view->indexAt(pos);
        if (!index.isValid())
            return;
        QMenu* menu = contextMenu(index.row());
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(m_view->viewport()->mapToGlobal(pos));
    });
    connect(model, &QAbstractItemModel::rowsRemoved, this, &TargetSidebar::updateButtons);
    connect(model, &QAbstractItemModel::rowsInserted, this, &TargetSidebar::updateButtons);
    updateButtons();
}

int TargetSidebar::currentRow() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? current.row() : -1;
}

void TargetSidebar::setCurrentRow(int row)
{
    if (row >= 0 && row < m_model->rowCount())
        m_view->setCurrentIndex(m_model->index(row));
}

QMenu* TargetSidebar::contextMenu(int row)
{
    auto* menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("targetContextMenu"));
    menu->addAction(tr("Edit…"), this, [this, row] { Q_EMIT editRequested(row); });
    menu->addAction(tr("Reconnect"), this, [this, row] { Q_EMIT reconnectRequested(row); });
    menu->addAction(tr("Remove"), this, [this, row] { Q_EMIT removeRequested(row); });
    menu->addSeparator();
    const QModelIndex index = m_model->index(row);
    snoozemenu::fill(menu, index.data(TargetListModel::SnoozeRole).toString(),
                     Level(index.data(TargetListModel::LevelRole).toInt()),
                     [this, row](std::optional<SnoozeKind> kind) {
                         if (kind)
                             Q_EMIT snoozeRequested(row, *kind);
                         else
                             Q_EMIT unsnoozeRequested(row);
                     });
    return menu;
}

void TargetSidebar::updateButtons()
{
    const bool has = currentRow() >= 0;
    m_edit->setEnabled(has);
    m_remove->setEnabled(has);
    m_reconnect->setEnabled(has);
}

} // namespace heapwatch
