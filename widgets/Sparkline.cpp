#include "Sparkline.h"

#include <QPainter>
#include <QPainterPath>
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
    // One path per run of points without a gap wider than five pixel columns.
    const double gapMs = span / std::max(1.0, rect.width()) * 5.0;
    QColor fill = color;
    fill.setAlpha(38);
    QPen pen(color, std::max(1.5, rect.height() / 28.0));
    pen.setJoinStyle(Qt::RoundJoin);
    size_t i = 0;
    const std::vector<QPointF>& pts = line.points;
    while (i < pts.size()) {
        size_t j = i + 1;
        while (j < pts.size() && pts[j].x() - pts[j - 1].x() <= gapMs)
            ++j;
        QPainterPath path;
        path.moveTo(x(pts[i].x()), y(pts[i].y()));
        for (size_t k = i + 1; k < j; ++k)
            path.lineTo(x(pts[k].x()), y(pts[k].y()));
        if (j - i == 1) { // a lone point: a dot
            painter.setPen(Qt::NoPen);
            painter.setBrush(color);
            painter.drawEllipse(QPointF(x(pts[i].x()), y(pts[i].y())), pen.widthF(), pen.widthF());
        } else {
            QPainterPath area = path;
            area.lineTo(x(pts[j - 1].x()), rect.bottom());
            area.lineTo(x(pts[i].x()), rect.bottom());
            area.closeSubpath();
            painter.fillPath(area, fill);
            painter.setPen(pen);
            painter.setBrush(Qt::NoBrush);
            painter.drawPath(path);
        }
        i = j;
    }
    painter.restore();
}

} // namespace heapwatch
