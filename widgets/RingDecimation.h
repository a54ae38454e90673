// Narrowing of an already decimated series to a narrower plot (the rings decimate the raw history:
// SampleRing::decimate).
#pragma once

#include "SampleRing.h"

#include <QPointF>
#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace heapwatch {

// Decimates an already decimated list further to a narrower plot (min/max of min/max keeps the peaks).
inline std::vector<QPointF> redecimate(std::vector<QPointF> points, qint64 t0, qint64 t1, int pixels)
{
    if (pixels <= 0 || points.size() <= size_t(2 * pixels))
        return points;
    std::vector<QPointF> out;
    out.reserve(size_t(2 * pixels));
    const double span = double(t1 - t0) + 1.0;
    int bucket = -1;
    const QPointF* lo = nullptr;
    const QPointF* hi = nullptr;
    auto flush = [&] {
        if (!lo)
            return;
        if (lo == hi) {
            out.push_back(*lo);
        } else {
            out.push_back(lo->x() <= hi->x() ? *lo : *hi);
            out.push_back(lo->x() <= hi->x() ? *hi : *lo);
        }
        lo = hi = nullptr;
    };
    for (const QPointF& p : points) {
        const int b = std::clamp(int((p.x() - double(t0)) / span * pixels), 0, pixels - 1);
        if (b != bucket) {
            flush();
            bucket = b;
        }
        if (!lo || p.y() < lo->y())
            lo = &p;
        if (!hi || p.y() > hi->y())
            hi = &p;
    }
    flush();
    return out;
}

} // namespace heapwatch
