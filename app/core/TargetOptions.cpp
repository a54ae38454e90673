#include "TargetOptions.h"

#include "Duration.h"

#include <QCommandLineParser>

namespace heapwatch {

void TargetOptions::addTo(QCommandLineParser& parser, bool manyTargets) const
{
    parser.addPositionalArgument(manyTargets ? QStringLiteral("targets") : QStringLiteral("target"),
                                 QStringLiteral("ssh://[user@]host[:port]/CONTAINER, HOST/CONTAINER (HOST may be a "
                                                "~/.ssh/config alias) or local/CONTAINER"),
                                 manyTargets ? QStringLiteral("[TARGET...]") : QStringLiteral("[TARGET]"));
    parser.addOptions({demo, replay, stats, since, identity, knownHosts, acceptNew, engine, sudo});
}

std::optional<std::vector<TargetConfig>> TargetOptions::read(const QCommandLineParser& parser, QString* error) const
{
    if (parser.isSet(stats) && !parser.isSet(replay)) {
        *error = QStringLiteral("--stats goes with --replay");
        return std::nullopt;
    }
    TargetConfig remote; // the options every TARGET argument shares
    remote.identityFile = parser.value(identity);
    remote.knownHostsFile = parser.value(knownHosts);
    remote.acceptNewHostKey = parser.isSet(acceptNew);
    remote.engine = parser.value(engine);
    remote.sudo = parser.isSet(sudo);
    if (parser.isSet(since)) {
        const auto seconds = parseDuration(parser.value(since));
        if (!seconds || *seconds <= 0) {
            *error = QStringLiteral("--since takes a duration such as 90s, 30m, 1h30m or 2d, not '%1'")
                         .arg(parser.value(since).left(40));
            return std::nullopt;
        }
        remote.sinceSeconds = *seconds;
    }
    if (!remote.engine.isEmpty() && remote.engine != QLatin1String("docker")
        && remote.engine != QLatin1String("podman")) {
        *error = QStringLiteral("--engine must be docker or podman, not '%1'").arg(remote.engine.left(40));
        return std::nullopt;
    }

    std::vector<TargetConfig> targets;
    if (parser.isSet(demo)) {
        targets.push_back(TargetConfig::demo());
        targets.back().origin = QStringLiteral("--demo");
    }
    if (parser.isSet(replay)) {
        targets.push_back(TargetConfig::replay(parser.value(replay), parser.value(stats)));
        targets.back().origin = QStringLiteral("--replay");
    }
    for (const QString& spec : parser.positionalArguments()) {
        TargetConfig t = remote;
        t.kind = TargetConfig::Kind::Remote;
        t.location = spec.trimmed();
        t.origin = spec;
        targets.push_back(t);
    }
    return targets;
}

} // namespace heapwatch
