#include "TargetFactory.h"

#include "DemoSource.h"
#include "ReplaySource.h"

#include <QFileInfo>

// The SSH library grows in parallel with the GUI: use its remote source as soon as it provides one.
#if __has_include(<RemoteSource.h>)
#    include "RemoteSource.h"
#    define HEAPWATCH_HAVE_REMOTE 1
#else
#    define HEAPWATCH_HAVE_REMOTE 0
#endif

namespace heapwatch {

bool TargetFactory::remoteAvailable()
{
    return HEAPWATCH_HAVE_REMOTE != 0;
}

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
#if HEAPWATCH_HAVE_REMOTE
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
#else
    Q_UNUSED(prompter)
    *error = QObject::tr("This build cannot open remote targets yet (no SSH source): %1").arg(entry.location);
    return nullptr;
#endif
}

} // namespace heapwatch
