#include "RemoteSource.h"

#include "LocalSource.h"
#include "SshSource.h"
#include "TargetSpec.h"

namespace heapwatch {

std::unique_ptr<Source> createRemoteSource(const RemoteOptions& options, QString* error)
{
    QString localError;
    QString* err = error ? error : &localError;
    const auto spec = TargetSpec::parse(options.target, err);
    if (!spec) {
        return nullptr;
    }
    if (!options.engine.isEmpty() && options.engine != QLatin1String("docker")
        && options.engine != QLatin1String("podman")) {
        *err = QStringLiteral("unknown engine '%1': use docker or podman").arg(options.engine);
        return nullptr;
    }
    if (options.sinceSeconds <= 0) {
        *err = QStringLiteral("--since must be a positive duration");
        return nullptr;
    }
    StreamsConfig config;
    config.container = spec->container;
    config.engine = options.engine;
    config.sudo = options.sudo;
    config.sinceSeconds = options.sinceSeconds;
    config.backfillMaxLines = qMax(1, options.backfillMaxLines);
    config.inspectIntervalMs = qMax(1000, options.inspectIntervalMs);

    if (spec->kind == TargetSpec::Kind::Local) {
        config.hostLabel = QStringLiteral("this machine");
        return std::make_unique<LocalSource>(config, spec->toString());
    }
    SshHostOptions host;
    host.connect.user = spec->user;
    host.connect.host = spec->host;
    host.connect.port = spec->port;
    host.connect.identityFile = options.identityFile;
    host.connect.knownHostsFile = options.knownHostsFile;
    host.connect.acceptNewHostKey = options.acceptNewHostKey;
    host.connect.prompter = options.prompter;
    host.retryFirstConnect = options.prompter != nullptr;
    host.livenessTimeoutMs = qMax(2000, options.livenessTimeoutMs);
    return std::make_unique<SshSource>(host, config, spec->toString());
}

} // namespace heapwatch
