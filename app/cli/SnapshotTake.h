// `heapwatch snapshot TARGET -o FILE [--yes]`: takes a heap snapshot of the app in a container through
// SnapshotCapture and writes it to FILE (atomically: FILE appears only when the snapshot is complete).
#pragma once

#include "SnapshotPreflight.h"

#include <QString>

class QTextStream;

namespace heapwatch {

struct TargetConfig;

struct SnapshotTakeOptions
{
    QString outputFile;
    SnapshotLimits limits;
    bool yes = false; // take it without asking
    int timeoutSeconds = 600;
};

class SnapshotTake
{
public:
    // Exit codes: 0 written, 1 refused (preflight, busy, not confirmed), 2 failed.
    static int run(const TargetConfig& target, const SnapshotTakeOptions& options, QTextStream& out, QTextStream& err);
};

} // namespace heapwatch
