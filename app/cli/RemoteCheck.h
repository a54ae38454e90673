// The SSH and local forms of `heapwatch check TARGET`: connect, read the backfill, stream for a while, judge.
#pragma once

#include <QCommandLineOption>
#include <QJsonObject>
#include <QList>
#include <memory>

class QCommandLineParser;
class QTextStream;

namespace heapwatch {

class Target;
struct Thresholds;

class RemoteCheck
{
public:
    static QList<QCommandLineOption> options();
    // Connects and watches until the backfill and one stats sample are in (or --watch has elapsed).
    // nullptr and *error on a bad target, connection, authentication or host-key failure.
    static std::unique_ptr<Target> watch(const QString& spec, const QCommandLineParser& parser,
                                         const Thresholds& thresholds, QTextStream& err, QString* error);
    // Adds the `connection` object to a `check --json` report for remote targets.
    static void addConnection(const Target& target, QJsonObject& report);
};

} // namespace heapwatch
