// A small line of the last hour for the fleet overview: min/max points straight from a ring's decimation
// (two per pixel column at most), drawn against a limit line. No axes: the current value and the limit are
// written beside it.
#pragma once

#include <QColor>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <cmath>
#include <limits>
#include <vector>

class QPainter;

namespace heapwatch {

struct Sparkline
{
    qint64 t0 = 0; // the window drawn, ms since the epoch
    qint64 t1 = 0;
    std::vector<QPointF> points; // x: ms since the epoch, y: value, in time order
    double limit = std::numeric_limits<double>::quiet_NaN(); // a dashed line (NaN: none)
    double yMax = std::numeric_limits<double>::quiet_NaN(); // top of the scale (NaN: from data and limit)
    QString caption; // "RSS / heap limit"
    QString value; // "336.6 / 384 MiB"
    QString shortValue; // "336.6 MiB": when the value with its limit does not fit

    bool isEmpty() const { return points.empty(); }
    // The top of the scale: yMax, else the larger of the data's peak and the limit, with headroom.
    double top() const;
    bool operator==(const Sparkline& o) const
    {
        return t0 == o.t0 && t1 == o.t1 && points == o.points && caption == o.caption && value == o.value
            && shortValue == o.shortValue && sameNumber(limit, o.limit) && sameNumber(yMax, o.yMax);
    }
    bool operator!=(const Sparkline& o) const { return !(*this == o); }

private:
    static bool sameNumber(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }
};

// Paints the line (and a faint fill under it) in rect; limitColor for the limit line. Gaps longer than five
// pixel columns are left open, so an outage is not drawn as a straight line.
void paintSparkline(QPainter& painter, const QRectF& rect, const Sparkline& line, const QColor& color,
                    const QColor& limitColor);

} // namespace heapwatch
