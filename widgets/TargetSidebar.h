// The list of targets with add, edit, remove and reconnect buttons.
#pragma once

#include <QWidget>

class QListView;
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

Q_SIGNALS:
    void currentRowChanged(int row);
    void addRequested();
    void editRequested(int row);
    void removeRequested(int row);
    void reconnectRequested(int row);

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
