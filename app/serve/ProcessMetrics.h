// heapwatch's own process figures, read from /proc/self as the Prometheus client libraries do, so that the
// exporter can be watched for the very leak it is meant to catch in others (monitors left running for weeks
// are known to leak themselves).
#pragma once

#include <QtGlobal>

namespace heapwatch {

struct ProcessMetrics
{
    // NaN when /proc could not be read (not Linux, or a restricted /proc).
    double residentBytes;
    double virtualBytes;
    double cpuSeconds; // user + system
    double startTimeSeconds; // since the Unix epoch
    double openFds;
    double maxFds;

    static ProcessMetrics read();
};

} // namespace heapwatch
