// The QChartView behind TimeSeriesChart (private to it): paints the level bands, markers, title and hover
// read-out, and turns mouse gestures into zoom and pan requests.
#pragma once

#include "Format.h"
#include "LevelStyle.h"
#include "TimeSeriesChart.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QLineSeries>
#include <QMouseEvent>
#include <QStaticText>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>
#include <iterator>
#include <vector>

namespace heapwatch {

struct TimeSeriesChart::Series
{
    ChartSeriesSpec spec;
    QLineSeries* line = nullptr; // owned by the chart
    std::vector<QPointF> points;
    bool dirty = false;
    bool visible = true;
};

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
        // Paint cost (bench_gui's chart update time, measured): the scene's BSP index is rebuilt for items
        // whose geometry changes every push (the series, the axes): no index; the background is drawn as
        // opaque rectangles, uncached (see drawBackground); no painter state is saved per item. Qt Charts'
        // text items (axis labels and titles, the legend) are not cached either: as device-coordinate pixmaps
        // they came out blank once their text changed (the legend and most axis labels were missing), and
        // drawn directly they cost about 0.3 ms of a chart's paint.
        scene()->setItemIndexMethod(QGraphicsScene::NoIndex);
        setCacheMode(QGraphicsView::CacheNone);
        setViewportUpdateMode(QGraphicsView::MinimalViewportUpdate);
        setOptimizationFlags(QGraphicsView::DontSavePainterState | QGraphicsView::DontAdjustForAntialiasing);
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
    void setLeftRange(double lo, double hi, double step = 0)
    {
        m_min = lo;
        m_max = hi;
        m_step = step;
    }
    std::pair<double, double> leftRange() const { return {m_min, m_max}; }

protected:
    // Time ticks at a round step (1 min … 1 d) that leaves ~85 px between labels.
    std::vector<qint64> timeTicks(qint64* stepOut) const
    {
        static constexpr qint64 steps[] = {60000,   120000,   300000,   600000,   900000,   1800000,  3600000,
                                           7200000, 10800000, 21600000, 43200000, 86400000, 172800000};
        const qint64 span = std::max<qint64>(1, m_owner->m_t1 - m_owner->m_t0);
        const double maxTicks = std::max(2.0, plotRect().width() / 85.0);
        qint64 step = steps[std::size(steps) - 1];
        for (qint64 s : steps) {
            if (double(span) / double(s) <= maxTicks) {
                step = s;
                break;
            }
        }
        *stepOut = step;
        // Round in local time so that ticks land on local hours and midnights.
        const qint64 offset = qint64(QDateTime::fromMSecsSinceEpoch(m_owner->m_t0).offsetFromUtc()) * 1000;
        std::vector<qint64> ticks;
        qint64 t = ((m_owner->m_t0 + offset) / step + 1) * step - offset;
        for (; t <= m_owner->m_t1; t += step)
            ticks.push_back(t);
        return ticks;
    }

    // `top` composited over the opaque `under` (source-over), as an opaque colour.
    static QColor over(const QColor& top, const QColor& under)
    {
        const double a = top.alphaF();
        return QColor::fromRgbF(float(top.redF() * a + under.redF() * (1 - a)),
                                float(top.greenF() * a + under.greenF() * (1 - a)),
                                float(top.blueF() * a + under.blueF() * (1 - a)));
    }

    // The base, the grid, the axis lines and the level bands as opaque, pixel-aligned rectangles: every colour
    // here is the translucent one composited over the base, in the order they were once drawn (grid, then
    // bands over it). Not cached: a cache is a pixmap of the whole
    // view per chart (1.8 MiB of RSS for a page of five) and every refresh moves the grid anyway. Not
    // translucent lines either: the raster engine hands a blend of a tall one-pixel line (a span per row) to
    // its thread pool, which cost more than the whole rest of the paint (bench_gui, measured).
    void drawBackground(QPainter* painter, const QRectF& rect) override
    {
        const QColor base = palette().color(QPalette::Base);
        painter->fillRect(rect.toAlignedRect(), base);
        const QRectF plot = plotRect();
        const int left = int(std::round(plot.left()));
        const int right = int(std::round(plot.right()));
        const int top = int(std::round(plot.top()));
        const int bottom = int(std::round(plot.bottom()));
        if (right <= left || bottom <= top)
            return;
        // The bands as rows [y0, y1) of the plot, in drawing order.
        struct Rows
        {
            int y0;
            int y1;
            QColor tint;
        };
        std::vector<Rows> bands;
        std::vector<int> cuts {top, bottom + 1};
        for (const ChartBand& band : m_owner->m_bands) {
            const int y0 = int(std::round(std::max(plot.top(), yFor(std::max(band.from, band.to)))));
            const int y1 = int(std::round(std::min(plot.bottom(), yFor(std::min(band.from, band.to)))));
            if (y1 <= y0)
                continue;
            bands.push_back({y0, y1, LevelStyle::tint(band.level, m_owner->m_dark, m_owner->m_dark ? 46 : 34)});
            cuts.push_back(y0);
            cuts.push_back(y1);
        }
        std::sort(cuts.begin(), cuts.end());
        cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
        auto shaded = [&bands](QColor c, int y) {
            for (const Rows& b : bands)
                if (y >= b.y0 && y < b.y1)
                    c = over(b.tint, c);
            return c;
        };
        QColor gridTint = palette().color(QPalette::WindowText);
        gridTint.setAlpha(m_owner->m_dark ? 40 : 30);
        const QColor grid = over(gridTint, base);
        // Bands, then the vertical lines piece by piece (a line crossing a band takes the band's tint).
        std::vector<int> columns;
        qint64 step = 0;
        for (qint64 t : timeTicks(&step))
            columns.push_back(int(std::round(xFor(t))));
        for (size_t i = 0; i + 1 < cuts.size(); ++i) {
            const int y0 = std::max(cuts[i], top);
            const int y1 = std::min(cuts[i + 1], bottom + 1);
            if (y1 <= y0)
                continue;
            const QColor fill = shaded(base, y0);
            if (fill != base)
                painter->fillRect(QRect(left, y0, right - left, y1 - y0), fill);
            const QColor line = shaded(grid, y0);
            for (int x : columns)
                painter->fillRect(QRect(x, y0, 1, y1 - y0), line);
            painter->fillRect(QRect(left - 1, y0, 1, y1 - y0), line); // the left axis line
        }
        // The left axis' grid and the bottom axis line, here rather than as Qt Charts' line items: those are
        // laid out and painted one by one on every repaint (a third of it, measured).
        if (m_step > 0 && m_max > m_min) {
            const int lines = int(std::floor((m_max - m_min) / m_step + 1e-9));
            for (int k = 1; k <= std::min(lines, 50); ++k) {
                const int y = int(std::round(yFor(m_min + k * m_step)));
                if (y >= top && y <= bottom)
                    painter->fillRect(QRect(left, y, right - left, 1), shaded(grid, y));
            }
        }
        painter->fillRect(QRect(left - 1, bottom, right - left + 1, 1), grid);
        // Gaps: shaded and hatched over the whole height, at least 3 px wide so that a short one still shows.
        QColor gapColour = palette().color(QPalette::WindowText);
        gapColour.setAlpha(m_owner->m_dark ? 60 : 45);
        QColor gapShade = gapColour;
        gapShade.setAlpha(gapColour.alpha() / 2);
        for (const ChartGap& gap : m_owner->m_gaps) {
            if (gap.toMs < m_owner->m_t0 || gap.fromMs > m_owner->m_t1)
                continue;
            const double x0 = std::max(plot.left(), xFor(gap.fromMs));
            const double x1 = std::min(plot.right(), std::max(xFor(gap.toMs), x0 + 3));
            const QRectF area(x0, plot.top(), x1 - x0, plot.height());
            painter->fillRect(area, gapShade);
            painter->fillRect(area, QBrush(gapColour, Qt::BDiagPattern));
        }
    }

    void drawForeground(QPainter* painter, const QRectF& rect) override
    {
        QChartView::drawForeground(painter, rect);
        const QRectF plot = plotRect();
        painter->save();
        QFont titleFont = font();
        titleFont.setBold(true);
        painter->setFont(titleFont);
        painter->setPen(palette().color(QPalette::WindowText));
        painter->drawText(QPointF(8, QFontMetrics(titleFont).ascent() + 5), m_owner->m_title);
        painter->setRenderHint(QPainter::Antialiasing, false);
        drawTimeLabels(painter, plot);
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

    void drawTimeLabels(QPainter* painter, const QRectF& plot)
    {
        QFont f = font();
        f.setPointSizeF(std::max(7.0, f.pointSizeF() - 1));
        painter->setFont(f);
        QColor text = palette().color(QPalette::WindowText);
        text.setAlpha(170);
        painter->setPen(text);
        const QFontMetrics fm(f);
        qint64 step = 0;
        const std::vector<qint64> ticks = timeTicks(&step);
        const bool longSpan = m_owner->m_t1 - m_owner->m_t0 > 26LL * 3600 * 1000;
        // A label is formatted (a local-time conversion) and shaped once per tick, not on every repaint: the
        // ticks stay where they are while the window slides past them.
        if (m_labelFont != f || m_labelStep != step || m_labelLongSpan != longSpan) {
            m_labels.clear();
            m_labelFont = f;
            m_labelStep = step;
            m_labelLongSpan = longSpan;
        }
        std::vector<std::pair<qint64, QStaticText>> used;
        used.reserve(ticks.size());
        for (qint64 t : ticks) {
            auto cached = std::find_if(m_labels.begin(), m_labels.end(), [t](const auto& l) { return l.first == t; });
            if (cached == m_labels.end()) {
                const QDateTime dt = QDateTime::fromMSecsSinceEpoch(t);
                QString label;
                if (step >= 86400000 || (step >= 3600000 && dt.time().hour() == 0 && dt.time().minute() == 0))
                    label = dt.toString(QStringLiteral("MMM d"));
                else if (longSpan)
                    label = dt.toString(QStringLiteral("ddd HH:mm"));
                else
                    label = dt.toString(QStringLiteral("HH:mm"));
                QStaticText prepared(label);
                prepared.setTextFormat(Qt::PlainText);
                prepared.prepare(QTransform(), f);
                used.emplace_back(t, std::move(prepared));
            } else {
                used.push_back(std::move(*cached));
            }
            const QStaticText& label = used.back().second;
            const double w = label.size().width();
            const double x = std::clamp(xFor(t) - w / 2, plot.left() - w / 2, plot.right() - w / 2);
            painter->drawStaticText(QPointF(x, plot.bottom() + 3), label);
        }
        m_labels = std::move(used);
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
    double m_step = 0; // the left axis' tick interval: its grid lines
    // The time labels on screen, prepared (see drawTimeLabels), and what they were prepared for.
    std::vector<std::pair<qint64, QStaticText>> m_labels;
    QFont m_labelFont;
    qint64 m_labelStep = 0;
    bool m_labelLongSpan = false;
};

} // namespace heapwatch
