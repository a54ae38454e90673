// heapwatch's own footprint, for the status bar and the benchmark: a console left running for weeks must
// show that it does not grow.
#pragma once

#include <QtGlobal>

namespace heapwatch {

class ProcessStats
{
public:
    // Resident set size in bytes from /proc/self/status (VmRSS); -1 where unavailable.
    static qint64 residentBytes();
    // User + system CPU time of this process in microseconds.
    static qint64 cpuTimeUs();
};

} // namespace heapwatch
