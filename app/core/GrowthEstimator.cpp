// Memory growth: least-squares slope of RSS and heap used over the growth window, in MiB per hour; with Node's
// --trace-gc lines, the Theil–Sen slope of the heap left after each full GC (the post-GC floor) as well.
#include "Assessment.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace heapwatch {
namespace {

constexpr double kMsPerHour = 3600.0 * 1000.0;
constexpr double kMsPerMinute = 60.0 * 1000.0;

struct Fit
{
    double slopePerHour = kUnknown;
    int samples = 0;
};

// Slopes of the given columns against time for rows [begin, end), in one pass over the rows (each column skips
// its own unknown values); times relative to the first row to keep precision.
template<size_t N>
std::array<Fit, N> fitSlopes(const ProcessRing& ring, const std::array<int, N>& columns, qsizetype begin, qsizetype end)
{
    std::array<Fit, N> fits;
    if (end - begin < 2)
        return fits;
    const double t0 = double(ring.at(begin).atMs);
    struct Sums
    {
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    };
    std::array<Sums, N> sums;
    ring.forEachRun(begin, end, [&](const ProcessRing::Row* rows, qsizetype count) {
        for (qsizetype i = 0; i < count; ++i) {
            const ProcessRing::Row& row = rows[i];
            const double x = (double(row.atMs) - t0) / kMsPerHour;
            for (size_t c = 0; c < N; ++c) {
                const double y = double(row.v[size_t(columns[c])]);
                if (!std::isfinite(y))
                    continue;
                Sums& s = sums[c];
                s.n += 1;
                s.sx += x;
                s.sy += y;
                s.sxx += x * x;
                s.sxy += x * y;
            }
        }
    });
    for (size_t c = 0; c < N; ++c) {
        const Sums& s = sums[c];
        fits[c].samples = int(s.n);
        const double denominator = s.n * s.sxx - s.sx * s.sx;
        if (s.n >= 2 && std::fabs(denominator) >= 1e-12)
            fits[c].slopePerHour = (s.n * s.sxy - s.sx * s.sy) / denominator;
    }
    return fits;
}

// The post-GC floor of full GCs in [from, nowMs]: RSS and heap used swing with every collection and with
// the allocator, the heap a full GC leaves behind grows only with what the app keeps.
void fitGcFloor(const TargetState& state, const Thresholds& t, qint64 from, qint64 nowMs, GrowthResult& result)
{
    const GcRing& ring = state.fullGc();
    const qsizetype begin = ring.lowerBound(from);
    const qsizetype end = ring.lowerBound(nowMs + 1);
    if (end - begin < 2)
        return;
    const double t0 = double(ring.at(begin).atMs);
    std::vector<std::pair<double, double>> points;
    points.reserve(size_t(end - begin));
    for (qsizetype i = begin; i < end; ++i) {
        const auto& row = ring.at(i);
        const double y = double(row.v[GcHeapAfterColumn]);
        if (std::isfinite(y))
            points.emplace_back((double(row.atMs) - t0) / kMsPerHour, y);
    }
    result.gcFloorPoints = int(points.size());
    result.gcFloorMinutes = double(ring.at(end - 1).atMs - ring.at(begin).atMs) / kMsPerMinute;
    result.gcFloorMiBPerHour = theilSenSlope(points);
    result.usesGcFloor = isKnown(result.gcFloorMiBPerHour) && result.gcFloorPoints >= int(t.gcFloorMinPoints)
        && result.gcFloorMinutes >= t.gcFloorMinMinutes;
}

} // namespace

double theilSenSlope(const std::vector<std::pair<double, double>>& points, size_t maxPoints)
{
    // Thin evenly to at most maxPoints (keeping the first and the last): 200 points are 19 900 pairs.
    std::vector<std::pair<double, double>> used;
    const size_t n = points.size();
    maxPoints = std::max<size_t>(maxPoints, 2);
    if (n > maxPoints) {
        used.reserve(maxPoints);
        for (size_t k = 0; k < maxPoints; ++k)
            used.push_back(points[k * (n - 1) / (maxPoints - 1)]);
    } else {
        used = points;
    }
    std::vector<double> slopes;
    slopes.reserve(used.size() * (used.size() - (used.empty() ? 0 : 1)) / 2);
    for (size_t i = 0; i < used.size(); ++i) {
        for (size_t j = i + 1; j < used.size(); ++j) {
            const double dx = used[j].first - used[i].first;
            if (dx == 0 || !std::isfinite(used[i].second) || !std::isfinite(used[j].second))
                continue;
            slopes.push_back((used[j].second - used[i].second) / dx);
        }
    }
    if (slopes.empty())
        return kUnknown;
    const size_t mid = slopes.size() / 2;
    std::nth_element(slopes.begin(), slopes.begin() + qsizetype(mid), slopes.end());
    const double upper = slopes[mid];
    if (slopes.size() % 2 == 1)
        return upper;
    const double lower = *std::max_element(slopes.begin(), slopes.begin() + qsizetype(mid));
    return (lower + upper) / 2.0;
}

GrowthResult estimateGrowth(const TargetState& state, const Thresholds& t, qint64 nowMs)
{
    GrowthResult result;
    const ProcessRing& ring = state.process();

    // Only samples of the current container life, after its warm-up, within the window, count: cache
    // warm-up growth (the investigation saw 18.5 MB/minute in the first minutes) is not a leak.
    qint64 from = nowMs - qint64(t.growthWindowMinutes * kMsPerMinute);
    if (state.lastStartMs() >= 0)
        from = std::max(from, state.lastStartMs() + qint64(t.growthWarmupMinutes * kMsPerMinute));
    fitGcFloor(state, t, from, nowMs, result);
    const qsizetype begin = ring.lowerBound(from);
    const qsizetype end = ring.lowerBound(nowMs + 1);
    if (begin >= end)
        return result;

    result.observedMinutes = double(ring.at(end - 1).atMs - ring.at(begin).atMs) / kMsPerMinute;
    result.enoughObservation = result.observedMinutes >= t.growthMinObservationMinutes;
    const auto [rss, heap] = fitSlopes(ring, std::array<int, 2> {RssColumn, HeapUsedColumn}, begin, end);
    result.samples = rss.samples;
    result.rssMiBPerHour = rss.slopePerHour;
    result.heapUsedMiBPerHour = heap.slopePerHour;

    if (!result.enoughObservation || !isKnown(result.rssMiBPerHour) || result.rssMiBPerHour <= 0)
        return result;
    const double rssNow = double(ring.at(end - 1).v[RssColumn]);
    if (!std::isfinite(rssNow))
        return result;
    // The nearer of the two limits decides; the heap limit stands for "RSS approaching 384MB → OOM".
    struct Limit
    {
        QString name;
        double mib;
    };
    const Limit limits[] = {
        {QStringLiteral("heap limit"), state.heapLimitMiB()},
        {QStringLiteral("container limit"), state.containerLimitMiB()},
    };
    double bestHours = std::numeric_limits<double>::infinity();
    for (const Limit& limit : limits) {
        if (!isKnown(limit.mib) || limit.mib <= 0)
            continue;
        const double hours = std::max(0.0, (limit.mib - rssNow) / result.rssMiBPerHour);
        if (hours < bestHours) {
            bestHours = hours;
            result.projectedLimitName = limit.name;
            result.projectedLimitMiB = limit.mib;
        }
    }
    // Beyond ten years is "never" for a dashboard, and would overflow the time arithmetic besides.
    if (std::isfinite(bestHours) && bestHours < 24.0 * 365 * 10)
        result.projectedLimitAtMs = ring.at(end - 1).atMs + qint64(bestHours * kMsPerHour);
    else
        result.projectedLimitName.clear();
    return result;
}

} // namespace heapwatch
