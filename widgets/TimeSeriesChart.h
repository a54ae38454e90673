// A time-series chart: our own widget class in front of Qt Charts (deprecated from Qt 6.10), so that the
// rest of the GUI never touches QChart and the backend can be swapped for Qt Graphs later.
//
// Each series holds only the decimated points of the visible window (≤ 2 per pixel column); commit()
// pushes every changed and visible series with one replace(); a hidden series gets its points when it is
// shown again. Not append(): in Qt Charts 6.4 every appended or removed point rebuilds the series' whole
// path and its hover outline (XYChart::handlePointAdded → LineChartItem::updateGeometry), and with x
// relative to the window start (see the constructor) a slide moves every point anyway; one replace() is
// one rebuild. Dense envelopes are drawn with one-pixel cosmetic lines without antialiasing (the raster
// engine's fast path) and pushed without the points that change no pixel of them (pushSeries); the grid and bands
// are painted as the view's background (opaque rectangles, no cache), Qt Charts' text items as they are. Bands
// (threshold zones), event markers and the hover read-out are painted, not series, so they cost no memory per point.
#pragma once

#include "Samples.h"

#include <QColor>
#include <QPointF>
#include <QString>
#include <QWidget>
#include <memory>
#include <vector>

namespace heapwatch {

struct ChartSeriesSpec
{
    QString name;
    QColor color;
    QString unit; // for the hover read-out: "MiB", "%", "keys"
    int decimals = 1;
    qreal width = 1.8;
    bool dashed = false; // reference lines (limits)
    bool rightAxis = false;
};

// A horizontal zone of the left axis, tinted by level (e.g. RSS 350–370 MiB warning).
struct ChartBand
{
    double from = 0;
    double to = 0;
    Level level = Level::Warning;
};

// A vertical line at a moment (restart, OOM kill).
struct ChartMarker
{
    qint64 atMs = 0;
    Level level = Level::Warning;
    QString label;
};

// A stretch of time whose data may be incomplete (log history an outage left unread): a hatched band.
struct ChartGap
{
    qint64 fromMs = 0;
    qint64 toMs = 0;
};

class ChartCanvas;

class TimeSeriesChart : public QWidget
{
    Q_OBJECT
public:
    explicit TimeSeriesChart(const QString& title, QWidget* parent = nullptr);
    ~TimeSeriesChart() override;

    QString title() const { return m_title; }
    int addSeries(const ChartSeriesSpec& spec);
    int seriesCount() const { return int(m_series.size()); }
    const ChartSeriesSpec& seriesSpec(int index) const;
    void setSeriesPoints(int index, std::vector<QPointF> points);
    const std::vector<QPointF>& seriesPoints(int index) const;
    bool isSeriesVisible(int index) const;
    void setSeriesVisible(int index, bool visible);

    // Left axis: from 0 (or, with autoMin, from just below the data) up to the larger of the data and
    // maxHint, capped at maxCap (NaN: no cap).
    void setLeftAxis(const QString& title, double maxHint, bool autoMin = false, double maxCap = kUnknown);
    void setRightAxis(const QString& title, double maxHint);
    void setBands(std::vector<ChartBand> bands);
    void setMarkers(std::vector<ChartMarker> markers, bool labelled);
    const std::vector<ChartMarker>& markers() const { return m_markers; }
    void setGaps(std::vector<ChartGap> gaps);
    const std::vector<ChartGap>& gaps() const { return m_gaps; }
    void setTimeWindow(qint64 t0, qint64 t1);
    void setEmptyText(const QString& text);

    // Pushes what changed to the chart: one replace() per changed visible series, then the axes.
    void commit();

    // Width of the plot area in device-independent pixels (what decimation is sized for).
    int plotWidth() const;
    quint64 replaceCount() const { return m_replaceCount; }
    qsizetype pointCount() const;
    std::pair<double, double> leftRange() const;
    qint64 windowStart() const { return m_t0; }
    qint64 windowEnd() const { return m_t1; }

Q_SIGNALS:
    void zoomRequested(double factor, qint64 anchorMs);
    void panRequested(qint64 deltaMs);
    void resetRequested();

protected:
    void changeEvent(QEvent* event) override;

private:
    friend class ChartCanvas;
    struct Series;
    void applyTheme();
    void updateAxes();
    // The range and tick interval the left (or right) axis takes for the visible series' points.
    void axisRange(bool right, double* lo, double* hi, double* step) const;
    bool isDense() const;
    void pushSeries(Series& s);

    QString m_title;
    ChartCanvas* m_canvas = nullptr;
    std::vector<std::unique_ptr<Series>> m_series;
    std::vector<ChartBand> m_bands;
    std::vector<ChartMarker> m_markers;
    std::vector<ChartGap> m_gaps;
    bool m_markerLabels = false;
    QString m_emptyText;
    qint64 m_t0 = 0;
    qint64 m_t1 = 0;
    QString m_leftTitle;
    double m_leftMaxHint = 1;
    double m_leftMaxCap = kUnknown;
    bool m_leftAutoMin = false;
    bool m_hasRightAxis = false;
    double m_rightMaxHint = 1;
    quint64 m_replaceCount = 0;
    bool m_dark = false;
    bool m_densePens = false; // one-pixel lines for dense envelopes (see applyTheme)
};

} // namespace heapwatch
