// The sources that need no connection: the demo host and a saved log. Kept apart from the SSH sources so that
// `heapwatch check --replay` and `--demo` run from an executable that maps QtCore alone (see app/main.cpp).
#pragma once

#include "Source.h"
#include "TargetConfig.h"

#include <QString>
#include <memory>

namespace heapwatch {

// The demo host (live: streaming on after its history, else its history only) or a saved log with its optional
// stats file; nullptr and *error for an unreadable file or a remote target.
std::unique_ptr<Source> createOfflineSource(const TargetConfig& config, bool liveDemo, QString* error);

} // namespace heapwatch
