// The log panel: recent warnings, errors and overflow lines with search and level filter. Server text is
// shown as plain text, never interpreted.
#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace heapwatch {

class LogFilterProxy;
class ProblemLogModel;
class Target;

class LogView : public QWidget
{
    Q_OBJECT
public:
    explicit LogView(QWidget* parent = nullptr);

    void refresh(const Target* target);
    void focusSearch();

    ProblemLogModel* model() const { return m_model; }
    LogFilterProxy* proxy() const { return m_proxy; }
    QLineEdit* searchField() const { return m_search; }
    QComboBox* levelFilter() const { return m_level; }
    QTableView* view() const { return m_view; }

private:
    void updateCount();
    void copySelection();

    ProblemLogModel* m_model;
    LogFilterProxy* m_proxy;
    QLineEdit* m_search;
    QComboBox* m_level;
    QLabel* m_count;
    QTableView* m_view;
    const Target* m_target = nullptr;
};

} // namespace heapwatch
