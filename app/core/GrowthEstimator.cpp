// Memory growth: least-squares slope of RSS and heap used over the growth window, in MiB per hour.
#include "Assessment.h"

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

// Slope of column against time for rows [begin, end); times relative to the first row to keep precision.
Fit fitSlope(const ProcessRing& ring, int column, qsizetype begin, qsizetype end)
{
    Fit fit;
    if (end - begin < 2)
        return fit;
    const double t0 = double(ring.at(begin).atMs);
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (qsizetype i = begin; i < end; ++i) {
        const auto& row = ring.at(i);
        const double y = double(row.v[size_t(column)]);
        if (!std::isfinite(y))
            continue;
        const double x = (double(row.atMs) - t0) / kMsPerHour;
        n += 1;
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    fit.samples = int(n);
    const double denominator = n * sxx - sx * sx;
    if (n < 2 || std::fabs(denominator) < 1e-12)
        return fit;
    fit.slopePerHour = (n * sxy - sx * sy) / denominator;
    return fit;
}

} // namespace

GrowthResult estimateGrowth(const TargetState& state, const Thresholds& t, qint64 nowMs)
{
    GrowthResult result;
    const ProcessRing& ring = state.process();
    if (ring.isEmpty())
        return result;

    // Only samples of the current container life, after its warm-up, within the window, count: cache
    // warm-up growth (the investigation saw 18.5 MB/minute in the first minutes) is not a leak.
    qint64 from = nowMs - qint64(t.growthWindowMinutes * kMsPerMinute);
    if (state.lastStartMs() >= 0)
        from = std::max(from, state.lastStartMs() + qint64(t.growthWarmupMinutes * kMsPerMinute));
    const qsizetype begin = ring.lowerBound(from);
    const qsizetype end = ring.lowerBound(nowMs + 1);
    if (begin >= end)
        return result;

    result.observedMinutes = double(ring.at(end - 1).atMs - ring.at(begin).atMs) / kMsPerMinute;
    result.enoughObservation = result.observedMinutes >= t.growthMinObservationMinutes;
    const Fit rss = fitSlope(ring, RssColumn, begin, end);
    const Fit heap = fitSlope(ring, HeapUsedColumn, begin, end);
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
