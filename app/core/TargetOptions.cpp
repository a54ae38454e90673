#include "TargetOptions.h"

#include "Duration.h"

#include <QCommandLineParser>

namespace heapwatch {
namespace {

const QString demo = QStringLiteral("demo");
const QString replay = QStringLiteral("replay");
const QString stats = QStringLiteral("stats");
const QString since = QStringLiteral("since");
const QString identity = QStringLiteral("identity");
const QString knownHosts = QStringLiteral("known-hosts");
const QString acceptNew = QStringLiteral("accept-new-host-key");
const QString engine = QStringLiteral("engine");
const QString sudo = QStringLiteral("sudo");

} // namespace

void TargetOptions::addTo(QCommandLineParser& parser, bool manyTargets) const
{
    parser.addPositionalArgument(manyTargets ? QStringLiteral("targets") : QStringLiteral("target"),
                                 QStringLiteral("ssh://[user@]host[:port]/CONTAINER, HOST/CONTAINER (HOST may be a "
                                                "~/.ssh/config alias) or local/CONTAINER"),
                                 manyTargets ? QStringLiteral("[TARGET...]") : QStringLiteral("[TARGET]"));
    // The options of remote targets apply to every TARGET argument.
    parser.addOptions({
        {demo, QStringLiteral("The built-in demo host (no server needed).")},
        {replay, QStringLiteral("A saved `docker logs --timestamps` file (- for standard input)."),
         QStringLiteral("LOGFILE")},
        {stats, QStringLiteral("With --replay: a saved `docker stats` output (- for standard input)."),
         QStringLiteral("STATSFILE")},
        {since, QStringLiteral("With TARGET: log history to read on connect, e.g. 90s, 30m, 1h30m or 2d (default 1h)."),
         QStringLiteral("DURATION")},
        {{QStringLiteral("i"), identity}, QStringLiteral("SSH identity (private key) file."), QStringLiteral("FILE")},
        {knownHosts, QStringLiteral("known_hosts file (default ~/.ssh/known_hosts)."), QStringLiteral("FILE")},
        {acceptNew,
         QStringLiteral("Trust and record the host key of a host not in known_hosts (as OpenSSH's "
                        "accept-new). A changed key is always refused.")},
        {engine, QStringLiteral("docker or podman (default: detected on the host)."), QStringLiteral("ENGINE")},
        {sudo, QStringLiteral("Run the container CLI with sudo -n on the host.")},
    });
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
