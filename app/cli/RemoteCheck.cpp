#include "RemoteCheck.h"

#include "Target.h"

#include <QCommandLineParser>

namespace heapwatch {

QList<QCommandLineOption> RemoteCheck::options() { return {}; }

std::unique_ptr<Target> RemoteCheck::watch(const QString& spec, const QCommandLineParser& parser,
                                           const Thresholds& thresholds, QTextStream& err, QString* error)
{
    Q_UNUSED(parser)
    Q_UNUSED(thresholds)
    Q_UNUSED(err)
    *error = QStringLiteral("remote targets are not available in this build: %1").arg(spec);
    return nullptr;
}

void RemoteCheck::addConnection(const Target& target, QJsonObject& report)
{
    Q_UNUSED(target)
    Q_UNUSED(report)
}

} // namespace heapwatch
