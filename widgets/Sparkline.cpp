#include "Sparkline.h"

#include <QPainter>
#include <QPolygonF>
#include <algorithm>

namespace heapwatch {

double Sparkline::top() const
{
    if (std::isfinite(yMax) && yMax > 0)
        return yMax;
    double peak = std::isfinite(limit) ? limit : 0.0;
    for (const QPointF& p : points)
        peak = std::max(peak, p.y());
    return peak > 0 ? peak * 1.08 : 1.0;
}

void paintSparkline(QPainter& painter, const QRectF& rect, const Sparkline& line, const QColor& color,
                    const QColor& limitColor)
{
    if (rect.width() < 4 || rect.height() < 4 || line.t1 <= line.t0)
        return;
    const double top = line.top();
    const double span = double(line.t1 - line.t0);
    auto x = [&](double t) { return rect.left() + (t - double(line.t0)) / span * rect.width(); };
    auto y = [&](double v) { return rect.bottom() - std::clamp(v / top, 0.0, 1.0) * rect.height(); };

    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    if (std::isfinite(line.limit) && line.limit > 0) {
        QPen pen(limitColor, 1.0, Qt::DashLine);
        painter.setPen(pen);
        const double ly = std::round(y(line.limit)) + 0.5;
        painter.drawLine(QPointF(rect.left(), ly), QPointF(rect.right(), ly));
    }
    // One polyline per run of points without a gap wider than five pixel columns. The fill under it is not
    // antialiased (its top edge is covered by the line): with fifty targets on screen this is most of the paint.
    const double gapMs = span / std::max(1.0, rect.width()) * 5.0;
    QColor fill = color;
    fill.setAlpha(38);
    // A one-pixel antialiased line is the raster engine's fast path; a wider pen is stroked into a polygon first,
    // twenty times slower over hundreds of points. A thicker line (the wall's) is the thin one drawn again a
    // pixel lower: the same look for a line that is mostly min/max pairs per column.
    QPen pen(color, 1.0);
    const int passes = std::clamp(int(std::lround(rect.height() / 30.0)), 1, 4);
    const std::vector<QPointF>& pts = line.points;
    QPolygonF poly;
    poly.reserve(qsizetype(pts.size()) + 2);
    size_t i = 0;
    while (i < pts.size()) {
        size_t j = i + 1;
        while (j < pts.size() && pts[j].x() - pts[j - 1].x() <= gapMs)
            ++j;
        poly.clear();
        for (size_t k = i; k < j; ++k)
            poly << QPointF(x(pts[k].x()), y(pts[k].y()));
        if (j - i == 1) { // a lone point: a dot
            painter.setPen(Qt::NoPen);
            painter.setBrush(color);
            painter.drawEllipse(poly.constFirst(), passes + 0.5, passes + 0.5);
        } else {
            painter.setRenderHint(QPainter::Antialiasing, false);
            painter.setPen(Qt::NoPen);
            painter.setBrush(fill);
            QPolygonF area = poly;
            area << QPointF(poly.constLast().x(), rect.bottom()) << QPointF(poly.constFirst().x(), rect.bottom());
            painter.drawPolygon(area);
            painter.setRenderHint(QPainter::Antialiasing, true);
            painter.setPen(pen);
            painter.setBrush(Qt::NoBrush);
            for (int k = 0; k < passes; ++k) {
                painter.drawPolyline(poly);
                poly.translate(0, 1);
            }
        }
        i = j;
    }
    painter.restore();
}

} // namespace heapwatch
