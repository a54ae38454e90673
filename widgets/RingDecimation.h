// Min/max decimation of several columns of a ring in one pass. SampleRing::decimate walks the window once
// per column; a chart of five series over a week (600 000 rows) would walk it five times per refresh.
// Same output as SampleRing::decimate for each column: ≤ 2 points per pixel column, in time order, peaks kept.
#pragma once

#include "SampleRing.h"

#include <QPointF>
#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace heapwatch {

template<int N, typename Value>
std::vector<std::vector<QPointF>> decimateColumns(const SampleRing<N>& ring, qint64 t0, qint64 t1, int pixels,
                                                  int columns, Value value)
{
    std::vector<std::vector<QPointF>> out(static_cast<size_t>(columns));
    if (ring.isEmpty() || t1 < t0 || pixels <= 0 || columns <= 0)
        return out;
    const qsizetype begin = ring.lowerBound(t0), end = ring.lowerBound(t1 + 1);
    if (begin >= end)
        return out;
    const bool all = end - begin <= 2 * qsizetype(pixels);
    for (auto& v : out)
        v.reserve(size_t(all ? end - begin : 2 * qsizetype(pixels)));
    struct Extremes
    {
        double minV, maxV;
        qint64 minT, maxT;
        bool have = false;
    };
    std::vector<Extremes> ext(static_cast<size_t>(columns));
    const double span = double(t1 - t0) + 1.0;
    int bucket = -1;
    auto flush = [&] {
        for (int c = 0; c < columns; ++c) {
            Extremes& e = ext[size_t(c)];
            if (!e.have)
                continue;
            auto& v = out[size_t(c)];
            if (e.minT == e.maxT && e.minV == e.maxV) {
                v.emplace_back(double(e.minT), e.minV);
            } else if (e.minT <= e.maxT) {
                v.emplace_back(double(e.minT), e.minV);
                v.emplace_back(double(e.maxT), e.maxV);
            } else {
                v.emplace_back(double(e.maxT), e.maxV);
                v.emplace_back(double(e.minT), e.minV);
            }
            e.have = false;
        }
    };
    for (qsizetype i = begin; i < end; ++i) {
        const auto& row = ring.at(i);
        if (all) {
            for (int c = 0; c < columns; ++c) {
                const double v = value(row, c);
                if (std::isfinite(v))
                    out[size_t(c)].emplace_back(double(row.atMs), v);
            }
            continue;
        }
        const int b = std::min(pixels - 1, int(double(row.atMs - t0) / span * pixels));
        if (b != bucket) {
            flush();
            bucket = b;
        }
        for (int c = 0; c < columns; ++c) {
            const double v = value(row, c);
            if (!std::isfinite(v))
                continue;
            Extremes& e = ext[size_t(c)];
            if (!e.have) {
                e = {v, v, row.atMs, row.atMs, true};
                continue;
            }
            if (v < e.minV) {
                e.minV = v;
                e.minT = row.atMs;
            }
            if (v > e.maxV) {
                e.maxV = v;
                e.maxT = row.atMs;
            }
        }
    }
    flush();
    return out;
}

} // namespace heapwatch

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
