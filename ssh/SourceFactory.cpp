#include "SourceFactory.h"

#include "DemoSource.h"
#include "LocalSource.h"
#include "ReplaySource.h"
#include "SshSource.h"
#include "TargetSpec.h"

#include <QFileInfo>

namespace heapwatch {
namespace {

std::unique_ptr<Source> createReplay(const TargetConfig& config, QString* error)
{
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
    switch (config.kind) {
    case TargetConfig::Kind::Demo: {
        DemoOptions options;
        options.live = context.liveDemo;
        return std::make_unique<DemoSource>(options);
    }
    case TargetConfig::Kind::Replay:
        return createReplay(config, err);
    case TargetConfig::Kind::Remote:
        break;
    }
    return createRemote(config, context, err);
}

} // namespace heapwatch
