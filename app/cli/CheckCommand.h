// `heapwatch check`: judges one target headless and prints the verdict as a monitoring plugin does.
#pragma once

#include <QStringList>
#include <memory>

class QTextStream;

namespace heapwatch {

class Target;
struct TargetConfig;
struct Thresholds;

class CheckCommand
{
public:
    // arguments as after "heapwatch check" (argv without program name and verb). Returns the exit code:
    // 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (unreadable input, nothing recognisable, connection failure).
    // Every kind of target (defined with the SSH sources, in RemoteCheck.cpp).
    static int run(const QStringList& arguments, QTextStream& out, QTextStream& err);

    // The demo host and saved logs only, from code that needs QtCore alone: for a container target it prints
    // nothing and returns kNeedsRemote, and the caller runs run() from the library that has the SSH sources.
    static constexpr int kNeedsRemote = -1;
    static int runOffline(const QStringList& arguments, QTextStream& out, QTextStream& err);

    // Watches a container target (RemoteCheck::watch); nullptr and *error when it cannot.
    using RemoteWatch = std::unique_ptr<Target> (*)(const TargetConfig& config, qint64 watchSeconds,
                                                    const Thresholds& thresholds, QTextStream& err, QString* error);
    static int run(const QStringList& arguments, QTextStream& out, QTextStream& err, RemoteWatch remote);
};

} // namespace heapwatch
