// The red-flag table of the current target, and under it the compact timeline of its changes: flags entering
// and leaving levels, recommendations raised and resolved, newest first.
#pragma once

#include <QStringList>
#include <QWidget>

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

    RedFlagModel* m_model;
    QTableView* m_view;
    QListWidget* m_timeline;
    QStringList m_timelineLines; // what the list shows, so that an unchanged timeline is not rebuilt
};

} // namespace heapwatch
