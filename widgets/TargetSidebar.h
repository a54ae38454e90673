// The list of targets with add, edit, remove and reconnect buttons, and a context menu with those and the
// snooze entries.
#pragma once

#include "AlertSilencer.h"

#include <QWidget>

class QListView;
class QMenu;
class QToolButton;

namespace heapwatch {

class TargetListModel;

class TargetSidebar : public QWidget
{
    Q_OBJECT
public:
    TargetSidebar(TargetListModel* model, QWidget* parent = nullptr);

    int currentRow() const;
    void setCurrentRow(int row);
    QListView* view() const { return m_view; }
    // The context menu of a row, as it would open there (also for tests).
    QMenu* contextMenu(int row);

Q_SIGNALS:
    void currentRowChanged(int row);
    void addRequested();
    void editRequested(int row);
    void removeRequested(int row);
    void reconnectRequested(int row);
    void snoozeRequested(int row, heapwatch::SnoozeKind kind);
    void unsnoozeRequested(int row);

private:
    void updateButtons();

    TargetListModel* m_model;
    QListView* m_view;
    QToolButton* m_add;
    QToolButton* m_edit;
    QToolButton* m_remove;
    QToolButton* m_reconnect;
};

} // namespace heapwatch
