// The process ring's row for a Memory line, as the ring stores it: shared by the state, which pushes it, and a
// replay's parsing threads, which round the rows before the state sees them.
#pragma once

#include "SampleRing.h"
#include "Samples.h"

#include <array>
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

} // namespace heapwatch
