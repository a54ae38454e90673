// The SSH and local forms of `heapwatch check TARGET`: connect, read the backfill, stream for a while, judge.
#pragma once

#include <QString>
#include <memory>

class QTextStream;

namespace heapwatch {

class Target;
struct TargetConfig;
struct Thresholds;

class RemoteCheck
{
public:
    // Connects and watches until the backfill and one stats sample are in, or for watchSeconds (>= 0).
    // nullptr and *error on a bad target, connection, authentication or host-key failure.
    static std::unique_ptr<Target> watch(const TargetConfig& config, qint64 watchSeconds, const Thresholds& thresholds,
                                         QTextStream& err, QString* error);
};

} // namespace heapwatch
