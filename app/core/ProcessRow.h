// The process ring's row for a Memory line, as the ring stores it: shared by the state, which pushes it, and a
// replay's parsing threads, which round the rows before the state sees them.
#pragma once

#include "SampleRing.h"
#include "Samples.h"

#include <array>
#include <cmath>
#include <limits>

namespace heapwatch {

// RSS, heap used, heap total, external, array buffers (MiB) and heap used as a percentage of the total, each
// rounded to its hundredths (ringcodec::storedDouble).
inline std::array<float, 6> storedProcessRow(const MemorySample& m)
{
    using ringcodec::storedDouble;
    return {storedDouble(m.rssMiB),
            storedDouble(m.heapUsedMiB),
            storedDouble(m.heapTotalMiB),
            storedDouble(m.externalMiB),
            storedDouble(m.arrayBuffersMiB),
            m.heapTotalMiB > 0 ? storedDouble(m.heapUsedMiB / m.heapTotalMiB * 100.0)
                               : std::numeric_limits<float>::quiet_NaN()};
}

// The cache ring's row for a cache stats line: keys, hits, misses and the hit rate (%), as the ring stores them
// (ringcodec::stored of each value's float; an unknown or out-of-range rate is NaN).
inline std::array<float, 4> storedCacheRow(const CacheSample& c)
{
    using ringcodec::stored;
    const double rate = c.hitRatePercent;
    return {stored(float(c.keys)), stored(float(c.hits)), stored(float(c.misses)),
            isKnown(rate) && std::fabs(rate) <= double(std::numeric_limits<float>::max())
                ? stored(float(rate))
                : std::numeric_limits<float>::quiet_NaN()};
}

} // namespace heapwatch
