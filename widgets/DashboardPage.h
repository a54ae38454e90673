// The central page of the window: the summary header over the chart grid, for the current target.
#pragma once

#include <QWidget>

namespace heapwatch {

class ChartGrid;
class ChartViewport;
class SummaryHeader;
class Target;

class DashboardPage : public QWidget
{
    Q_OBJECT
public:
    DashboardPage(ChartViewport* viewport, QWidget* parent = nullptr);

    void setTarget(const Target* target);
    // The header (unless told not to); the charts when their data or window moved (see ChartGrid::refresh).
    void refresh(bool force = false, bool header = true);

    SummaryHeader* header() const { return m_header; }
    ChartGrid* charts() const { return m_charts; }

private:
    const Target* m_target = nullptr;
    SummaryHeader* m_header;
    ChartGrid* m_charts;
};

} // namespace heapwatch
