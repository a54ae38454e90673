// A target as `heapwatch serve` exports it: the shared Target (source, state, thresholds) plus the `host` and
// `container` labels of its series, fixed when it is created so that a series never changes identity.
#pragma once

#include "Target.h"

#include <QString>
#include <memory>

namespace heapwatch {

struct ServedTarget
{
    std::unique_ptr<Target> target;
    QString host; // "web1", "web1:2222", "demo", "local", "replay"
    QString container; // "pangolin"; for a replay the log file's base name
};

} // namespace heapwatch
