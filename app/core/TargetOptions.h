// The command-line spelling of TargetConfig, one option set for the console, `check` and `serve`:
// TARGET arguments, --demo, --replay LOGFILE [--stats FILE], and the options of remote targets (--since,
// -i/--identity, --known-hosts, --accept-new-host-key, --engine, --sudo).
#pragma once

#include "TargetConfig.h"

#include <QCommandLineOption>
#include <optional>
#include <vector>

class QCommandLineParser;

namespace heapwatch {

class TargetOptions
{
public:
    // Adds the positional TARGET argument ("[TARGET]" or "[TARGET...]") and the options to parser.
    void addTo(QCommandLineParser& parser, bool manyTargets) const;

    // The targets the command line names, in the order --demo, --replay, TARGET...; nullopt and *error
    // (naming the option) when an option is malformed. Naming no target is not an error here.
    std::optional<std::vector<TargetConfig>> read(const QCommandLineParser& parser, QString* error) const;

    const QCommandLineOption demo {QStringLiteral("demo"),
                                   QStringLiteral("The built-in demo host (no server needed).")};
    const QCommandLineOption replay {QStringLiteral("replay"),
                                     QStringLiteral("A saved `docker logs --timestamps` file."),
                                     QStringLiteral("LOGFILE")};
    const QCommandLineOption stats {QStringLiteral("stats"),
                                    QStringLiteral("With --replay: a saved `docker stats` output."),
                                    QStringLiteral("STATSFILE")};
    const QCommandLineOption since {QStringLiteral("since"),
                                    QStringLiteral("With TARGET: log history to read on connect, e.g. 90s, 30m, "
                                                   "1h30m or 2d (default 1h)."),
                                    QStringLiteral("DURATION")};
    const QCommandLineOption identity {{QStringLiteral("i"), QStringLiteral("identity")},
                                       QStringLiteral("SSH identity (private key) file."),
                                       QStringLiteral("FILE")};
    const QCommandLineOption knownHosts {QStringLiteral("known-hosts"),
                                         QStringLiteral("known_hosts file (default ~/.ssh/known_hosts)."),
                                         QStringLiteral("FILE")};
    const QCommandLineOption acceptNew {QStringLiteral("accept-new-host-key"),
                                        QStringLiteral("Trust and record the host key of a host not in known_hosts "
                                                       "(as OpenSSH's accept-new). A changed key is always refused.")};
    const QCommandLineOption engine {QStringLiteral("engine"),
                                     QStringLiteral("docker or podman (default: detected on the host)."),
                                     QStringLiteral("ENGINE")};
    const QCommandLineOption sudo {QStringLiteral("sudo"),
                                   QStringLiteral("Run the container CLI with sudo -n on the host.")};
};

} // namespace heapwatch
