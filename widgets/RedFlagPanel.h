// The red-flag table of the current target.
#pragma once

#include <QWidget>

class QTableView;

namespace heapwatch {

class RedFlagModel;
class Target;

class RedFlagPanel : public QWidget
{
    Q_OBJECT
public:
    explicit RedFlagPanel(QWidget* parent = nullptr);

    void refresh(const Target* target);
    RedFlagModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }

private:
    RedFlagModel* m_model;
    QTableView* m_view;
};

} // namespace heapwatch
