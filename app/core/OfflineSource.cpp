#include "OfflineSource.h"

#include "DemoSource.h"
#include "ReplaySource.h"

#include <QFileInfo>
#include <unistd.h>

namespace heapwatch {
namespace {

// Whether standard input, which what names as its input, is a terminal: nobody types a log, so that is refused at
// once (*error: how to pipe one in, as example) rather than waited on.
bool terminalOnStandardInput(const QString& what, const QString& example, QString* error)
{
    if (!::isatty(STDIN_FILENO))
        return false;
    *error = QStringLiteral("%1 from standard input, which is a terminal here: pipe it in (%2)").arg(what, example);
    return true;
}

} // namespace

std::unique_ptr<Source> createOfflineSource(const TargetConfig& config, bool liveDemo, QString* error)
{
    switch (config.kind) {
    case TargetConfig::Kind::Demo: {
        DemoOptions options;
        options.live = liveDemo;
        return std::make_unique<DemoSource>(options);
    }
    case TargetConfig::Kind::Replay: {
        // A saved file, or a log read as it comes to its end: standard input ("-": `ssh host docker logs -t c 2>&1 |
        // heapwatch check --replay -`), a pipe (bash's `<(...)`) or a FIFO.
        if (TargetConfig::isStandardInput(config.location) && TargetConfig::isStandardInput(config.statsPath)) {
            *error = QStringLiteral("the log and the stats cannot both come from standard input (-)");
            return nullptr;
        }
        if (TargetConfig::isStandardInput(config.location)) {
            if (terminalOnStandardInput(QStringLiteral("--replay - reads the log"),
                                        QStringLiteral("docker logs --timestamps CONTAINER 2>&1 | heapwatch check "
                                                       "--replay -"),
                                        error))
                return nullptr;
        } else {
            const QFileInfo log(config.location);
            if (log.isDir()) {
                *error = QStringLiteral("%1 is a directory, not a log file").arg(config.location);
                return nullptr;
            }
            if (!log.exists() || !log.isReadable()) {
                *error = QStringLiteral("cannot read the log file %1").arg(config.location);
                return nullptr;
            }
        }
        if (TargetConfig::isStandardInput(config.statsPath)) {
            if (terminalOnStandardInput(QStringLiteral("--stats - reads the stats"),
                                        QStringLiteral("docker stats --no-stream CONTAINER | heapwatch check --replay "
                                                       "LOGFILE --stats -"),
                                        error))
                return nullptr;
        } else if (!config.statsPath.isEmpty() && !QFileInfo(config.statsPath).isReadable()) {
            *error = QStringLiteral("cannot read the stats file %1").arg(config.statsPath);
            return nullptr;
        }
        return std::make_unique<ReplaySource>(config.location, config.statsPath);
    }
    case TargetConfig::Kind::Remote:
        break;
    }
    *error = QStringLiteral("%1 is a container to connect to, not a saved log").arg(config.location);
    return nullptr;
}

} // namespace heapwatch
