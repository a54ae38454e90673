#include "SourceFactory.h"

#include "LocalSource.h"
#include "OfflineSource.h"
#include "SshSource.h"
#include "TargetSpec.h"

namespace heapwatch {
namespace {

std::unique_ptr<Source> createRemote(const TargetConfig& config, const SourceContext& context, QString* error)
{
    const auto spec = TargetSpec::parse(config.location, error);
    if (!spec || !config.validate(error))
        return nullptr;
    StreamsConfig streams;
    streams.container = spec->container;
    streams.engine = config.engine;
    streams.sudo = config.sudo;
    streams.sinceSeconds = config.sinceSeconds;
    streams.backfillMaxLines = qMax(1, context.backfillMaxLines);
    streams.inspectIntervalMs = qMax(1000, context.inspectIntervalMs);
    // HEAPWATCH_STATS=docker: `docker stats` as before the cgroup loop (a comparison in the server benchmark,
    // and a way out should a server's cgroup files ever mislead the loop).
    streams.cgroupStats = qEnvironmentVariable("HEAPWATCH_STATS") != QLatin1String("docker");
    // HEAPWATCH_LOGS=docker: the log followed by `docker logs -f` even where its file is readable (the same
    // benchmark's comparison).
    streams.logFile = qEnvironmentVariable("HEAPWATCH_LOGS") != QLatin1String("docker");
    // HEAPWATCH_EVENTS=docker: `docker events` even where podman's events file holds the container's events.
    streams.eventsFile = qEnvironmentVariable("HEAPWATCH_EVENTS") != QLatin1String("docker");

    if (spec->kind == TargetSpec::Kind::Local) {
        streams.hostLabel = QStringLiteral("this machine");
        return std::make_unique<LocalSource>(streams, spec->toString());
    }
    SshHostOptions host;
    host.connect = SshConnectParams::forTarget(*spec, config, context.prompter);
    host.retryFirstConnect = context.prompter != nullptr;
    host.livenessTimeoutMs = qMax(2000, context.livenessTimeoutMs);
    return std::make_unique<SshSource>(host, streams, spec->toString());
}

} // namespace

std::unique_ptr<Source> createSource(const TargetConfig& config, const SourceContext& context, QString* error)
{
    QString localError;
    QString* err = error ? error : &localError;
    if (config.kind != TargetConfig::Kind::Remote)
        return createOfflineSource(config, context.liveDemo, err);
    return createRemote(config, context, err);
}

} // namespace heapwatch
