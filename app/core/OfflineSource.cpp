#include "OfflineSource.h"

#include "DemoSource.h"
#include "ReplaySource.h"

#include <QFileInfo>

namespace heapwatch {

std::unique_ptr<Source> createOfflineSource(const TargetConfig& config, bool liveDemo, QString* error)
{
    switch (config.kind) {
    case TargetConfig::Kind::Demo: {
        DemoOptions options;
        options.live = liveDemo;
        return std::make_unique<DemoSource>(options);
    }
    case TargetConfig::Kind::Replay: {
        const QFileInfo log(config.location);
        if (!log.isFile() || !log.isReadable()) {
            *error = QStringLiteral("cannot read the log file %1").arg(config.location);
            return nullptr;
        }
        if (!config.statsPath.isEmpty() && !QFileInfo(config.statsPath).isReadable()) {
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
