// The charts of a target page: process memory, container memory, heap usage, cache and CPU (and garbage
// collection when the app logs --trace-gc lines). It reads the
// target's rings, decimates the visible window to the plot width and pushes each series at most once a
// second; the raw history never leaves the core's ring buffers.
#pragma once

#include <QElapsedTimer>
#include <QWidget>

namespace heapwatch {

class ChartViewport;
class Target;
class TimeSeriesChart;

class ChartGrid : public QWidget
{
    Q_OBJECT
public:
    explicit ChartGrid(ChartViewport* viewport, QWidget* parent = nullptr);

    void setTarget(const Target* target);
    const Target* target() const { return m_target; }

    // Re-reads the target when its state moved on or the window changed. Without force, charts that are not
    // on screen are left alone, and a range is refreshed no more often than one decimation bucket's worth
    // of time (two pixel columns; at least every second, at most every 10 s): redrawing a week-long chart
    // every second would move nothing on screen, an hour-long one moves two pixels every 7.8 s.
    void refresh(bool force = false);

    TimeSeriesChart* processChart() const { return m_process; }
    TimeSeriesChart* containerChart() const { return m_container; }
    TimeSeriesChart* heapChart() const { return m_heap; }
    TimeSeriesChart* cacheChart() const { return m_cache; }
    TimeSeriesChart* cpuChart() const { return m_cpu; }
    // The heap left after each full GC and the GC pauses, from Node's --trace-gc lines: hidden while the
    // target has none (most apps do not log them), so not one of charts().
    TimeSeriesChart* gcChart() const { return m_gc; }
    QList<TimeSeriesChart*> charts() const { return {m_process, m_container, m_heap, m_cache, m_cpu}; }

    // Refreshes that re-read the target and pushed the charts (tests count them: hidden charts do none).
    int refreshCount() const { return m_refreshes; }
    // Visible, in a window that is neither minimised nor hidden nor fully covered (not exposed).
    bool onScreen() const;

    // Decimation buckets for a chart: one min/max pair per two pixel columns, i.e. about one point per
    // pixel column. Half of the allowed two per column, measured: it halves replace() and paint time
    // (≈ 11 ms → 5.5 ms for the process chart) and the peaks stay, one pixel apart at most.
    static int buckets(const TimeSeriesChart* chart);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void connectChart(TimeSeriesChart* chart);
    void fill(qint64 t0, qint64 t1);

    ChartViewport* m_viewport;
    const Target* m_target = nullptr;
    TimeSeriesChart* m_process;
    TimeSeriesChart* m_container;
    TimeSeriesChart* m_heap;
    TimeSeriesChart* m_cache;
    TimeSeriesChart* m_cpu;
    TimeSeriesChart* m_gc;
    quint64 m_revision = ~quint64(0);
    qint64 m_t0 = 0;
    qint64 m_t1 = 0;
    QElapsedTimer m_sinceRefresh;
    int m_refreshes = 0;
};

} // namespace heapwatch
