// The red-flag table of the current target, and under it the compact timeline of its changes: flags entering
// and leaving levels, recommendations raised and resolved, newest first.
#pragma once

#include <QStringList>
#include <QWidget>
#include <vector>

class QListWidget;
class QTableView;

namespace heapwatch {

class RedFlagModel;
class Target;

class RedFlagPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kTimelineRows = 12;

    explicit RedFlagPanel(QWidget* parent = nullptr);

    void refresh(const Target* target);
    RedFlagModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    QListWidget* timeline() const { return m_timeline; }

private:
    void showTimeline(const QStringList& lines);
    void fitToContents();

    RedFlagModel* m_model;
    QTableView* m_view;
    QListWidget* m_timeline;
    std::vector<int> m_shape; // rows and the length of each cell's text when the columns were last fitted
    QStringList m_timelineLines; // what the list shows, so that an unchanged timeline is not rebuilt
};

} // namespace heapwatch
