// The /metrics page: every target's state and verdict as Prometheus families, then heapwatch's own process
// metrics. The metric names are a public interface (alert rules and dashboards use them): they are listed
// in the README and must not change lightly.
#pragma once

#include "ProcessMetrics.h"
#include "ServedTarget.h"

#include <QByteArray>
#include <vector>

namespace heapwatch {

class MetricsRenderer
{
public:
    static QByteArray render(const std::vector<ServedTarget>& targets, const ProcessMetrics& self);
};

} // namespace heapwatch
