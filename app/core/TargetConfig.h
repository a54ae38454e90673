// The one description of a target, for every front end: what kind of source (the demo host, a saved log, a
// container over SSH or on this machine), where, the SSH and engine options and the history to read on
// connect. Its spellings each have one reader: the command line (TargetOptions, shared by the console,
// `check` and `serve`), the serve JSON file (ServeConfig) and the console's QSettings (toMap/fromMap).
// createSource() (ssh/SourceFactory.h) turns it into a running Source.
#pragma once

#include <QJsonObject>
#include <QString>
#include <QVariantMap>

namespace heapwatch {

struct TargetConfig
{
    enum class Kind
    {
        Demo,
        Replay,
        Remote
    };
    // History read on connect (`--since`) when nothing says otherwise, for every front end.
    static constexpr qint64 kDefaultSinceSeconds = 3600;

    Kind kind = Kind::Remote;
    // Remote: "ssh://user@host:port/c", "HOST/c" (HOST may be a ~/.ssh/config alias) or "local/c";
    // Replay: the path of a saved `docker logs --timestamps` file, or of a pipe (`<(ssh host docker logs -t c
    // 2>&1)`), or "-" for standard input; Demo: "demo/pangolin".
    QString location;
    QString statsPath; // Replay: an optional saved `docker stats` output
    // Remote: how to log in (empty: ~/.ssh/config, then OpenSSH's defaults) and how to run the engine.
    QString identityFile;
    QString knownHostsFile; // empty: ~/.ssh/known_hosts
    bool acceptNewHostKey = false; // trust and record an unknown host key (a changed one is always refused)
    QString engine; // "", "docker" or "podman" ("": detected on the host)
    bool sudo = false; // `sudo -n docker …`
    qint64 sinceSeconds = kDefaultSinceSeconds;
    // serve only: thresholds applied on top of the global layers for this target, and where it was
    // configured ("--demo", "targets[2] of /etc/heapwatch/serve.json") for error messages.
    QJsonObject thresholds;
    QString origin;

    static TargetConfig demo();
    static TargetConfig replay(const QString& logPath, const QString& statsPath = {});
    static TargetConfig remote(const QString& target);
    // A replay's location that names standard input, and how messages name a replay's input.
    static bool isStandardInput(const QString& location) { return location == QLatin1String("-"); }
    static QString inputName(const QString& location)
    {
        return isStandardInput(location) ? QStringLiteral("standard input") : location;
    }

    // The options that make sense: a known engine and a positive history. False and *error otherwise.
    bool validate(QString* error) const;

    // Unique among the open targets; also the QSettings key of its thresholds and acknowledgements.
    QString key() const;
    QString displayName() const; // "pangolin"
    QString hostName() const; // "demo host", "web1", "saved log"

    // The console's QSettings spelling.
    QVariantMap toMap() const;
    static TargetConfig fromMap(const QVariantMap& map);
};

} // namespace heapwatch
