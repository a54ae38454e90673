#include "TargetFactory.h"

#include "DemoSource.h"
#include "RemoteSource.h"
#include "ReplaySource.h"

#include <QFileInfo>

namespace heapwatch {

std::unique_ptr<Source> TargetFactory::createSource(const TargetEntry& entry, Prompter* prompter, QString* error)
{
    switch (entry.kind) {
    case TargetEntry::Kind::Demo:
        return std::make_unique<DemoSource>();
    case TargetEntry::Kind::Replay: {
        const QFileInfo log(entry.location);
        if (!log.isFile() || !log.isReadable()) {
            *error = QObject::tr("Cannot read the log file %1").arg(entry.location);
            return nullptr;
        }
        if (!entry.statsPath.isEmpty() && !QFileInfo(entry.statsPath).isReadable()) {
            *error = QObject::tr("Cannot read the stats file %1").arg(entry.statsPath);
            return nullptr;
        }
        return std::make_unique<ReplaySource>(entry.location, entry.statsPath);
    }
    case TargetEntry::Kind::Remote:
        break;
    }
    RemoteOptions options;
    options.target = entry.location;
    options.identityFile = entry.identityFile;
    options.knownHostsFile = entry.knownHostsFile;
    options.acceptNewHostKey = entry.acceptNewHostKey;
    options.engine = entry.engine;
    options.sudo = entry.sudo;
    options.sinceSeconds = entry.sinceSeconds;
    options.prompter = prompter;
    return createRemoteSource(options, error);
}

} // namespace heapwatch
