#include "TimeSeriesChart.h"

#include "Format.h"
#include "LevelStyle.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QEvent>
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

struct TimeSeriesChart::Series
{
    ChartSeriesSpec spec;
    QLineSeries* line = nullptr; // owned by the chart
    std::vector<QPointF> points;
    bool dirty = false;
    bool visible = true;
};

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

// The QChartView behind the widget: paints bands below the series and markers and the hover read-out
// above them, and turns mouse gestures into zoom/pan requests (the viewport, not the chart, owns the
// window so that all charts of a page stay aligned).
class ChartCanvas : public QChartView
{
public:
    ChartCanvas(TimeSeriesChart* owner, QChart* chart)
        : QChartView(chart)
        , m_owner(owner)
    {
        setMouseTracking(true);
        setRenderHint(QPainter::Antialiasing, true);
        setRubberBand(QChartView::NoRubberBand);
        setDragMode(QGraphicsView::NoDrag);
        setFrameShape(QFrame::NoFrame);
        setMinimumHeight(150);
    }

    QRectF plotRect() const { return chart()->mapRectToScene(chart()->plotArea()); }
    double xFor(qint64 t) const
    {
        const QRectF p = plotRect();
        const double span = double(std::max<qint64>(1, m_owner->m_t1 - m_owner->m_t0));
        return p.left() + double(t - m_owner->m_t0) / span * p.width();
    }
    double yFor(double v) const
    {
        const QRectF p = plotRect();
        const double span = std::max(1e-9, m_max - m_min);
        return p.bottom() - (v - m_min) / span * p.height();
    }
    qint64 timeAt(double sceneX) const
    {
        const QRectF p = plotRect();
        const double frac = (sceneX - p.left()) / std::max(1.0, p.width());
        return m_owner->m_t0 + qint64(frac * double(m_owner->m_t1 - m_owner->m_t0));
    }
    void setLeftRange(double lo, double hi)
    {
        m_min = lo;
        m_max = hi;
    }
    std::pair<double, double> leftRange() const { return {m_min, m_max}; }

protected:
    void drawBackground(QPainter* painter, const QRectF& rect) override
    {
        painter->fillRect(rect, palette().color(QPalette::Base));
        const QRectF plot = plotRect();
        for (const ChartBand& band : m_owner->m_bands) {
            const double yTop = std::max(plot.top(), yFor(std::max(band.from, band.to)));
            const double yBottom = std::min(plot.bottom(), yFor(std::min(band.from, band.to)));
            if (yBottom <= yTop)
                continue;
            painter->fillRect(QRectF(plot.left(), yTop, plot.width(), yBottom - yTop),
                              LevelStyle::tint(band.level, m_owner->m_dark, m_owner->m_dark ? 46 : 34));
        }
    }

    void drawForeground(QPainter* painter, const QRectF& rect) override
    {
        QChartView::drawForeground(painter, rect);
        const QRectF plot = plotRect();
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing, false);
        QFont small = font();
        small.setPointSizeF(std::max(7.0, small.pointSizeF() - 1.5));
        painter->setFont(small);
        const QFontMetrics fm(small);
        for (const ChartMarker& marker : m_owner->m_markers) {
            if (marker.atMs < m_owner->m_t0 || marker.atMs > m_owner->m_t1)
                continue;
            const double x = xFor(marker.atMs);
            const QColor c = LevelStyle::color(marker.level, m_owner->m_dark);
            painter->setPen(QPen(c, 1.5, Qt::DashLine));
            painter->drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
            if (m_owner->m_markerLabels && !marker.label.isEmpty()) {
                const QString text = fm.elidedText(marker.label, Qt::ElideRight, 160);
                QRectF box(x + 3, plot.top() + 2, fm.horizontalAdvance(text) + 8, fm.height() + 2);
                if (box.right() > plot.right())
                    box.moveRight(x - 3);
                painter->fillRect(box, c);
                painter->setPen(Qt::white);
                painter->drawText(box, Qt::AlignCenter, text);
            }
        }
        bool empty = true;
        for (const auto& s : m_owner->m_series) {
            if (!s->spec.dashed && !s->points.empty())
                empty = false;
        }
        if (empty && !m_owner->m_emptyText.isEmpty()) {
            painter->setPen(palette().color(QPalette::PlaceholderText));
            painter->drawText(plot, Qt::AlignCenter | Qt::TextWordWrap, m_owner->m_emptyText);
        }
        if (m_hover && plot.contains(mapToScene(m_hoverPos)))
            drawReadout(painter, plot, small);
        painter->restore();
    }

    void drawReadout(QPainter* painter, const QRectF& plot, const QFont& font)
    {
        const QPointF scenePos = mapToScene(m_hoverPos);
        const qint64 t = timeAt(scenePos.x());
        const double pixelMs = double(m_owner->m_t1 - m_owner->m_t0) / std::max(1.0, plot.width());
        QStringList lines;
        std::vector<QColor> colours;
        qint64 shownTime = -1;
        for (const auto& s : m_owner->m_series) {
            if (!s->visible)
                continue;
            const auto& pts = s->points;
            auto it = std::lower_bound(pts.begin(), pts.end(), double(t),
                                       [](const QPointF& p, double x) { return p.x() < x; });
            const QPointF* best = nullptr;
            if (it != pts.end())
                best = &*it;
            if (it != pts.begin() && (!best || std::abs((it - 1)->x() - double(t)) < std::abs(best->x() - double(t))))
                best = &*(it - 1);
            // Only a point near the cursor counts: a gap in the data must read as a gap.
            if (!best || (!s->spec.dashed && std::abs(best->x() - double(t)) > std::max(4 * pixelMs, 90000.0)))
                continue;
            if (!s->spec.dashed && shownTime < 0)
                shownTime = qint64(best->x());
            QString value = QString::number(best->y(), 'f', s->spec.decimals);
            if (!s->spec.unit.isEmpty())
                value += (s->spec.unit == QLatin1String("%") ? QString() : QStringLiteral(" ")) + s->spec.unit;
            lines << QStringLiteral("%1: %2").arg(s->spec.name, value);
            colours.push_back(s->line->color());
        }
        painter->setPen(QPen(palette().color(QPalette::Mid), 1));
        painter->drawLine(QPointF(scenePos.x(), plot.top()), QPointF(scenePos.x(), plot.bottom()));
        if (lines.isEmpty())
            return;
        const QString head = format::dateTime(shownTime >= 0 ? shownTime : t);
        const QFontMetrics fm(font);
        int w = fm.horizontalAdvance(head);
        for (const QString& l : lines)
            w = std::max(w, fm.horizontalAdvance(l) + 14);
        const int lh = fm.height();
        QRectF box(scenePos.x() + 12, plot.top() + 6, w + 12, lh * (lines.size() + 1) + 8);
        if (box.right() > plot.right())
            box.moveRight(scenePos.x() - 12);
        QColor bg = palette().color(QPalette::ToolTipBase);
        bg.setAlpha(235);
        painter->setPen(palette().color(QPalette::Mid));
        painter->setBrush(bg);
        painter->drawRect(box);
        painter->setPen(palette().color(QPalette::ToolTipText));
        painter->drawText(QPointF(box.left() + 6, box.top() + 4 + fm.ascent()), head);
        for (int i = 0; i < lines.size(); ++i) {
            const double y = box.top() + 4 + lh * (i + 1);
            painter->fillRect(QRectF(box.left() + 6, y + lh / 2.0 - 3, 8, 6), colours[size_t(i)]);
            painter->drawText(QPointF(box.left() + 20, y + fm.ascent()), lines[i]);
        }
    }

    void mousePressEvent(QMouseEvent* event) override
    {
        if (event->button() == Qt::LeftButton) {
            m_dragging = true;
            m_dragX = event->position().x();
            setCursor(Qt::ClosedHandCursor);
            event->accept();
            return;
        }
        QChartView::mousePressEvent(event);
    }
    void mouseMoveEvent(QMouseEvent* event) override
    {
        m_hover = true;
        m_hoverPos = event->position().toPoint();
        if (m_dragging) {
            const double dx = event->position().x() - m_dragX;
            const double w = std::max(1.0, plotRect().width());
            const qint64 delta = qint64(-dx / w * double(m_owner->m_t1 - m_owner->m_t0));
            if (delta != 0) {
                m_dragX = event->position().x();
                Q_EMIT m_owner->panRequested(delta);
            }
        }
        viewport()->update();
        event->accept();
    }
    void mouseReleaseEvent(QMouseEvent* event) override
    {
        if (event->button() == Qt::LeftButton) {
            m_dragging = false;
            unsetCursor();
        }
        event->accept();
    }
    void mouseDoubleClickEvent(QMouseEvent* event) override
    {
        Q_EMIT m_owner->resetRequested();
        event->accept();
    }
    void wheelEvent(QWheelEvent* event) override
    {
        const int dy = event->angleDelta().y();
        if (dy == 0)
            return;
        const double factor = std::pow(0.8, dy / 120.0);
        Q_EMIT m_owner->zoomRequested(factor, timeAt(mapToScene(event->position().toPoint()).x()));
        event->accept();
    }
    void leaveEvent(QEvent* event) override
    {
        m_hover = false;
        viewport()->update();
        QChartView::leaveEvent(event);
    }

private:
    TimeSeriesChart* m_owner;
    bool m_hover = false;
    QPoint m_hoverPos;
    bool m_dragging = false;
    double m_dragX = 0;
    double m_min = 0;
    double m_max = 1;
};

TimeSeriesChart::TimeSeriesChart(const QString& title, QWidget* parent)
    : QWidget(parent)
    , m_title(title)
{
    auto* chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignTop);
    chart->setMargins(QMargins(2, 2, 6, 2));
    chart->setBackgroundRoundness(0);
    chart->setAnimationOptions(QChart::NoAnimation); // animations would repaint for a second after every push

    auto* timeAxis = new QDateTimeAxis;
    timeAxis->setTickCount(7);
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
        connect(marker, &QLegendMarker::clicked, this, [this, index] { setSeriesVisible(index, !isSeriesVisible(index)); });
    m_series.push_back(std::move(s));
    applyTheme();
    return index;
}

const ChartSeriesSpec& TimeSeriesChart::seriesSpec(int index) const { return m_series.at(size_t(index))->spec; }

void TimeSeriesChart::setSeriesPoints(int index, std::vector<QPointF> points)
{
    Series& s = *m_series.at(size_t(index));
    if (s.points == points)
        return; // an unchanged window costs no replace() and no repaint
    s.points = std::move(points);
    s.dirty = true;
}

const std::vector<QPointF>& TimeSeriesChart::seriesPoints(int index) const { return m_series.at(size_t(index))->points; }

bool TimeSeriesChart::isSeriesVisible(int index) const { return m_series.at(size_t(index))->visible; }

void TimeSeriesChart::setSeriesVisible(int index, bool visible)
{
    Series& s = *m_series.at(size_t(index));
    s.visible = visible;
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

void TimeSeriesChart::setBands(std::vector<ChartBand> bands) { m_bands = std::move(bands); }

void TimeSeriesChart::setMarkers(std::vector<ChartMarker> markers, bool labelled)
{
    m_markers = std::move(markers);
    m_markerLabels = labelled;
}

void TimeSeriesChart::setTimeWindow(qint64 t0, qint64 t1)
{
    m_t0 = t0;
    m_t1 = std::max(t1, t0 + 1);
}

void TimeSeriesChart::setEmptyText(const QString& text) { m_emptyText = text; }

void TimeSeriesChart::commit()
{
    for (auto& s : m_series) {
        if (!s->dirty)
            continue;
        // One replace() per series: append() would rebuild the path once per point (REFERENCE.md).
        s->line->replace(QList<QPointF>(s->points.begin(), s->points.end()));
        s->dirty = false;
        ++m_replaceCount;
    }
    updateAxes();
    m_canvas->viewport()->update();
}

void TimeSeriesChart::updateAxes()
{
    QChart* chart = m_canvas->chart();
    auto* timeAxis = static_cast<QDateTimeAxis*>(chart->axes(Qt::Horizontal).constFirst());
    const qint64 span = m_t1 - m_t0;
    timeAxis->setFormat(span > 26LL * 3600 * 1000 ? QStringLiteral("MMM d HH:mm") : QStringLiteral("HH:mm"));
    timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(m_t0), QDateTime::fromMSecsSinceEpoch(m_t1));

    auto range = [this](bool right, double maxHint, bool autoMin, double cap, double* lo, double* hi, double* step) {
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
    };
    const auto axes = chart->axes(Qt::Vertical);
    double lo, hi, step;
    range(false, m_leftMaxHint, m_leftAutoMin, m_leftMaxCap, &lo, &hi, &step);
    auto* left = static_cast<QValueAxis*>(axes.at(0));
    left->setRange(lo, hi);
    left->setTickType(QValueAxis::TicksDynamic);
    left->setTickAnchor(0);
    left->setTickInterval(step);
    left->setLabelFormat(step >= 1 ? QStringLiteral("%.0f") : QStringLiteral("%.1f"));
    m_canvas->setLeftRange(lo, hi);
    if (m_hasRightAxis && axes.size() > 1) {
        range(true, m_rightMaxHint, false, kUnknown, &lo, &hi, &step);
        auto* right = static_cast<QValueAxis*>(axes.at(1));
        right->setRange(lo, hi);
        right->setTickType(QValueAxis::TicksDynamic);
        right->setTickAnchor(0);
        right->setTickInterval(step);
        right->setLabelFormat(step >= 1 ? QStringLiteral("%.0f") : QStringLiteral("%.1f"));
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

std::pair<double, double> TimeSeriesChart::leftRange() const { return m_canvas->leftRange(); }

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
    QFont titleFont = font();
    titleFont.setBold(true);
    chart->setTitleFont(titleFont);
    chart->setTitleBrush(text);
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
        axis->setGridLineColor(grid);
        axis->setLinePenColor(grid);
        axis->setMinorGridLineVisible(false);
    }
    for (size_t i = 0; i < m_series.size(); ++i) {
        Series& s = *m_series[i];
        QColor c = s.spec.color;
        if (m_dark)
            c = c.lighter(135);
        QPen pen(c, s.spec.width, s.spec.dashed ? Qt::DashLine : Qt::SolidLine);
        s.line->setPen(pen);
        setSeriesVisible(int(i), s.visible);
    }
    m_canvas->setBackgroundBrush(pal.color(QPalette::Base));
}

} // namespace heapwatch
