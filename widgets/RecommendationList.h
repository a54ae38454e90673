// The recommendations panel: the active hints with their evidence, and the selected one's concrete action
// (a Dockerfile line, a command) in full, with acknowledge and copy buttons.
#pragma once

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace heapwatch {

class RecommendationModel;
class Target;

class RecommendationList : public QWidget
{
    Q_OBJECT
public:
    explicit RecommendationList(QWidget* parent = nullptr);

    void refresh(const Target* target);
    RecommendationModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }

private:
    void showCurrent();

    RecommendationModel* m_model;
    QTableView* m_view;
    QLabel* m_summary;
    QPlainTextEdit* m_detail;
    QPushButton* m_ack;
    QPushButton* m_copy;
};

} // namespace heapwatch
