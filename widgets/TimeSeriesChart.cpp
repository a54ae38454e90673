#include "TimeSeriesChart.h"

#include "ChartCanvas.h"
#include "Format.h"
#include "LevelStyle.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QEvent>
#include <QGraphicsLayout>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMouseEvent>
#include <QVBoxLayout>
#include <QValueAxis>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace heapwatch {

namespace {

// A step of 1, 2, 2.5 or 5 × 10^k that splits span into about `ticks` intervals.
double niceStep(double span, int ticks)
{
    if (!(span > 0))
        return 1;
    const double raw = span / ticks;
    const double e = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (m * e >= raw)
            return m * e;
    }
    return 10 * e;
}

} // namespace

TimeSeriesChart::TimeSeriesChart(const QString& title, QWidget* parent)
    : QWidget(parent)
    , m_title(title)
{
    auto* chart = new QChart;
    // The title is painted at the top left, in the legend's row, rather than given a row of its own:
    // the small charts need every pixel of height for their plot.
    chart->legend()->setAlignment(Qt::AlignTop);
    chart->setMargins(QMargins(2, 0, 6, 0));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->setBackgroundRoundness(0);
    chart->setAnimationOptions(QChart::NoAnimation); // animations would repaint for a second after every push

    // The time axis is a value axis over [0, span] whose labels the canvas paints: series x values are
    // relative to the window start, so sliding the window by a second changes no axis. A QDateTimeAxis
    // range change makes Qt Charts recompute every series' geometry a second time per refresh.
    auto* timeAxis = new QValueAxis;
    timeAxis->setTickCount(2);
    timeAxis->setGridLineVisible(false);
    timeAxis->setLabelFormat(QStringLiteral(" ")); // keeps the label row's height for the painted times
    chart->addAxis(timeAxis, Qt::AlignBottom);
    auto* valueAxis = new QValueAxis;
    chart->addAxis(valueAxis, Qt::AlignLeft);

    m_canvas = new ChartCanvas(this, chart);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_canvas);
    setToolTip(tr("Wheel: zoom · drag: pan · double-click: back to live · click a legend entry to hide it"));
    applyTheme();
}

TimeSeriesChart::~TimeSeriesChart() = default;

int TimeSeriesChart::addSeries(const ChartSeriesSpec& spec)
{
    QChart* chart = m_canvas->chart();
    if (spec.rightAxis && !m_hasRightAxis) {
        auto* axis = new QValueAxis;
        chart->addAxis(axis, Qt::AlignRight);
        m_hasRightAxis = true;
    }
    auto s = std::make_unique<Series>();
    s->spec = spec;
    s->line = new QLineSeries;
    s->line->setName(spec.name);
    chart->addSeries(s->line);
    s->line->attachAxis(chart->axes(Qt::Horizontal).constFirst());
    s->line->attachAxis(chart->axes(Qt::Vertical, nullptr).at(spec.rightAxis ? 1 : 0));
    const int index = int(m_series.size());
    for (QLegendMarker* marker : chart->legend()->markers(s->line))
        connect(marker, &QLegendMarker::clicked, this,
                [this, index] { setSeriesVisible(index, !isSeriesVisible(index)); });
    m_series.push_back(std::move(s));
    applyTheme();
    return index;
}

const ChartSeriesSpec& TimeSeriesChart::seriesSpec(int index) const
{
    return m_series.at(size_t(index))->spec;
}

void TimeSeriesChart::setSeriesPoints(int index, std::vector<QPointF> points)
{
    Series& s = *m_series.at(size_t(index));
    if (s.points == points)
        return; // an unchanged window costs no replace() and no repaint
    s.points = std::move(points);
    s.dirty = true;
}

const std::vector<QPointF>& TimeSeriesChart::seriesPoints(int index) const
{
    return m_series.at(size_t(index))->points;
}

bool TimeSeriesChart::isSeriesVisible(int index) const
{
    return m_series.at(size_t(index))->visible;
}

void TimeSeriesChart::setSeriesVisible(int index, bool visible)
{
    Series& s = *m_series.at(size_t(index));
    s.visible = visible;
    if (visible && s.dirty) {
        pushSeries(s); // what changed while it was hidden
    } else if (!visible && s.line->count() > 0) {
        s.line->clear(); // a hidden line holds no points: nothing of it is rebuilt when the window slides
        s.dirty = true;
    }
    s.line->setVisible(visible);
    // A hidden series keeps its legend entry, dimmed, so that it can be clicked back on.
    for (QLegendMarker* marker : m_canvas->chart()->legend()->markers(s.line)) {
        marker->setVisible(true);
        QColor label = palette().color(QPalette::WindowText);
        QColor swatch = s.line->color();
        if (!visible) {
            label.setAlphaF(0.4f);
            swatch.setAlphaF(0.25f);
        }
        marker->setLabelBrush(label);
        marker->setBrush(swatch);
        marker->setPen(QPen(swatch));
    }
    updateAxes();
    m_canvas->viewport()->update();
}

void TimeSeriesChart::setLeftAxis(const QString& title, double maxHint, bool autoMin, double maxCap)
{
    m_leftTitle = title;
    m_leftMaxHint = maxHint;
    m_leftAutoMin = autoMin;
    m_leftMaxCap = maxCap;
    m_canvas->chart()->axes(Qt::Vertical).constFirst()->setTitleText(title);
}

void TimeSeriesChart::setRightAxis(const QString& title, double maxHint)
{
    m_rightMaxHint = maxHint;
    const auto axes = m_canvas->chart()->axes(Qt::Vertical);
    if (axes.size() > 1)
        axes.at(1)->setTitleText(title);
}

void TimeSeriesChart::setBands(std::vector<ChartBand> bands)
{
    m_bands = std::move(bands);
}

void TimeSeriesChart::setMarkers(std::vector<ChartMarker> markers, bool labelled)
{
    m_markers = std::move(markers);
    m_markerLabels = labelled;
}

void TimeSeriesChart::setGaps(std::vector<ChartGap> gaps)
{
    m_gaps = std::move(gaps);
}

void TimeSeriesChart::setTimeWindow(qint64 t0, qint64 t1)
{
    if (t0 != m_t0) {
        for (auto& series : m_series)
            series->dirty = true; // x values are relative to the window start
    }
    m_t0 = t0;
    m_t1 = std::max(t1, t0 + 1);
}

void TimeSeriesChart::setEmptyText(const QString& text)
{
    m_emptyText = text;
}

void TimeSeriesChart::commit()
{
    // Antialiasing smooths sparse lines; a dense min/max envelope looks the same without it and paints
    // faster (and is simplified to its pixels, see pushSeries).
    const bool dense = isDense();
    if (dense != m_densePens) {
        m_densePens = dense;
        applyTheme();
    }
    for (auto& s : m_series) {
        // A hidden series gets no points: its line is neither rebuilt nor painted. It is pushed when it is
        // switched back on (setSeriesVisible).
        if (s->dirty && s->visible)
            pushSeries(*s);
    }
    m_canvas->setRenderHint(QPainter::Antialiasing, !dense);
    updateAxes();
    m_canvas->viewport()->update(); // the grid and bands (drawBackground) moved with the window
}

void TimeSeriesChart::pushSeries(Series& s)
{
    // One replace() per series: in Qt Charts 6.4, append() rebuilds the series' path (and its hover
    // outline) once per point, and removing the points that slid out of the window once more, and every x
    // moves anyway when the window slides (x is relative to the window start, see the constructor).
    // A point between two of the same value adds nothing to the line: flat stretches (a heap total that
    // does not move for days) go to Qt Charts as their two ends. Hover still reads every point.
    QList<QPointF> relative;
    relative.reserve(qsizetype(s.points.size()));
    const double origin = double(m_t0);
    const std::vector<QPointF>& pts = s.points;
    // A dense envelope is drawn with one-pixel lines without antialiasing: what reaches the screen is which
    // pixels the line passes. Points that land on the pixel of the point before, and the inner points of a
    // run along one pixel row, change none of them and are left out: Qt Charts strokes every point of a
    // line for its hover outline on each push, and paints every segment (measured: most of the push).
    const QRectF plot = m_canvas->chart()->plotArea();
    double lo = 0, hi = 1, step = 1;
    axisRange(s.spec.rightAxis, &lo, &hi, &step);
    const bool simplify = m_densePens && plot.width() > 10 && plot.height() > 10 && hi > lo;
    const double sx = simplify ? plot.width() / double(std::max<qint64>(1, m_t1 - m_t0)) : 0;
    const double sy = simplify ? plot.height() / (hi - lo) : 0;
    std::vector<std::pair<long, long>> pixels; // of the points kept, when simplifying
    if (simplify)
        pixels.reserve(pts.size());
    for (size_t i = 0; i < pts.size(); ++i) {
        if (i > 0 && i + 1 < pts.size() && pts[i].y() == pts[i - 1].y() && pts[i].y() == pts[i + 1].y())
            continue;
        const QPointF point(pts[i].x() - origin, pts[i].y());
        if (simplify) {
            const std::pair<long, long> px {std::lround(point.x() * sx), std::lround((point.y() - lo) * sy)};
            const bool last = i + 1 == pts.size();
            if (!pixels.empty() && pixels.back() == px && !last)
                continue; // the same pixel as the point before
            const size_t n = pixels.size();
            if (n >= 2 && pixels[n - 1].second == px.second && pixels[n - 2].second == px.second) {
                relative.back() = point; // a run along one pixel row: only its ends count
                pixels.back() = px;
                continue;
            }
            pixels.push_back(px);
        }
        relative.append(point);
    }
    s.line->replace(relative);
    s.dirty = false;
    ++m_replaceCount;
}

void TimeSeriesChart::axisRange(bool right, double* lo, double* hi, double* step) const
{
    const double maxHint = right ? m_rightMaxHint : m_leftMaxHint;
    const bool autoMin = right ? false : m_leftAutoMin;
    const double cap = right ? kUnknown : m_leftMaxCap;
    double mn = std::numeric_limits<double>::infinity(), mx = -mn;
    for (const auto& s : m_series) {
        if (s->spec.rightAxis != right || !s->visible)
            continue;
        for (const QPointF& p : s->points) {
            mn = std::min(mn, p.y());
            mx = std::max(mx, p.y());
        }
    }
    if (!std::isfinite(mx))
        mn = mx = 0;
    double top = std::max(mx * 1.03, maxHint);
    if (isKnown(cap))
        top = std::min(top, cap);
    double bottom = autoMin ? std::max(0.0, std::min(mn, maxHint) - (top - std::min(mn, maxHint)) * 0.15) : 0.0;
    *step = niceStep(std::max(1e-6, top - bottom), 5);
    *hi = std::ceil(top / *step - 1e-9) * *step;
    *lo = std::floor(bottom / *step + 1e-9) * *step;
    if (*hi <= *lo)
        *hi = *lo + *step;
}

bool TimeSeriesChart::isDense() const
{
    // Dense: more than one point per two pixel columns, which a decimated window (one min/max pair per two
    // columns, ChartGrid::buckets) reaches as soon as its range holds more samples than that.
    qsizetype densest = 0;
    for (const auto& series : m_series)
        if (series->visible)
            densest = std::max(densest, qsizetype(series->points.size()));
    return 2 * densest > qsizetype(std::max(1, plotWidth()));
}

void TimeSeriesChart::updateAxes()
{
    QChart* chart = m_canvas->chart();
    auto* timeAxis = static_cast<QValueAxis*>(chart->axes(Qt::Horizontal).constFirst());
    const double span = double(m_t1 - m_t0);
    if (timeAxis->min() != 0 || timeAxis->max() != span)
        timeAxis->setRange(0, span);

    const auto axes = chart->axes(Qt::Vertical);
    double lo, hi, step;
    axisRange(false, &lo, &hi, &step);
    // Range and tick interval change in the order that never asks for more ticks than either the old or the
    // new axis has: a range grown from 5 to 2 000 000 with the old interval of 1 would lay out two million
    // tick labels for a moment (a tenth of a second).
    auto apply = [](QValueAxis* axis, double from, double to, double interval) {
        axis->setTickType(QValueAxis::TicksDynamic);
        axis->setTickAnchor(0);
        const bool coarser = interval >= axis->tickInterval();
        if (coarser)
            axis->setTickInterval(interval);
        if (axis->min() != from || axis->max() != to)
            axis->setRange(from, to);
        if (!coarser)
            axis->setTickInterval(interval);
        // setLabelFormat() has no same-value check in Qt Charts 6.4: each call lays out the whole chart again.
        const QString format = std::fmod(interval, 1.0) == 0 ? QStringLiteral("%.0f") : QStringLiteral("%.1f");
        if (axis->labelFormat() != format)
            axis->setLabelFormat(format);
    };
    apply(static_cast<QValueAxis*>(axes.at(0)), lo, hi, step);
    m_canvas->setLeftRange(lo, hi, step);
    if (m_hasRightAxis && axes.size() > 1) {
        axisRange(true, &lo, &hi, &step);
        apply(static_cast<QValueAxis*>(axes.at(1)), lo, hi, step);
    }
}

int TimeSeriesChart::plotWidth() const
{
    const int w = int(m_canvas->chart()->plotArea().width());
    return w > 10 ? w : std::max(200, width() - 80);
}

qsizetype TimeSeriesChart::pointCount() const
{
    qsizetype n = 0;
    for (const auto& s : m_series)
        n += s->line->count();
    return n;
}

std::pair<double, double> TimeSeriesChart::leftRange() const
{
    return m_canvas->leftRange();
}

void TimeSeriesChart::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        applyTheme();
}

void TimeSeriesChart::applyTheme()
{
    QChart* chart = m_canvas->chart();
    const QPalette pal = palette();
    m_dark = LevelStyle::isDark(pal);
    // The chart's own background is off: the canvas paints the palette's base and the level bands.
    chart->setBackgroundVisible(false);
    chart->setPlotAreaBackgroundVisible(false);
    const QColor text = pal.color(QPalette::WindowText);
    QColor grid = text;
    grid.setAlpha(m_dark ? 40 : 30);
    QColor subtle = text;
    subtle.setAlpha(170);
    QFont small = font();
    small.setPointSizeF(std::max(7.0, small.pointSizeF() - 1));
    chart->legend()->setFont(small);
    chart->legend()->setLabelColor(text);
    const auto axes = chart->axes();
    for (QAbstractAxis* axis : axes) {
        axis->setLabelsFont(small);
        axis->setLabelsColor(subtle);
        axis->setTitleFont(small);
        axis->setTitleBrush(subtle);
        // Grid and axis lines are painted with the background (ChartCanvas::drawBackground).
        axis->setGridLineVisible(false);
        axis->setLineVisible(false);
        axis->setMinorGridLineVisible(false);
    }
    for (size_t i = 0; i < m_series.size(); ++i) {
        Series& s = *m_series[i];
        QColor c = s.spec.color;
        if (m_dark && c.lightness() < 150)
            c = c.lighter(135); // dark hues brighten on a dark base; light ones stay distinct from white
        // A dense min/max envelope (more points than pixel columns) is drawn with one-pixel cosmetic lines:
        // the raster engine draws those without its stroker, a third of the paint time of 1.8 px lines,
        // and an envelope that fills its columns looks the same. Sparse lines keep their width.
        const qreal width = m_densePens && !s.spec.dashed ? 1.0 : s.spec.width;
        QPen pen(c, width, s.spec.dashed ? Qt::DashLine : Qt::SolidLine);
        pen.setCosmetic(true);
        s.line->setPen(pen);
        setSeriesVisible(int(i), s.visible);
    }
    m_canvas->setBackgroundBrush(pal.color(QPalette::Base));
    m_canvas->viewport()->update();
}

} // namespace heapwatch
