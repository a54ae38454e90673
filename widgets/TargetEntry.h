// What the window remembers of a target between sessions (QSettings) and needs to (re)create its source:
// the demo host, a saved log, or a remote/local container with its SSH options.
#pragma once

#include <QString>
#include <QVariantMap>

namespace heapwatch {

struct TargetEntry
{
    enum class Kind
    {
        Demo,
        Replay,
        Remote
    };
    Kind kind = Kind::Remote;
    QString location; // remote: "ssh://user@host:port/c", "HOST/c", "local/c"; replay: the log path
    QString statsPath; // replay: optional saved `docker stats` output
    QString identityFile;
    QString knownHostsFile;
    QString engine; // "", "docker" or "podman" ("": detect on the host)
    bool sudo = false;
    bool acceptNewHostKey = false;
    qint64 sinceSeconds = 6 * 3600; // history read on connect

    static TargetEntry demo();
    static TargetEntry replay(const QString& logPath, const QString& statsPath = {});
    static TargetEntry remote(const QString& target);

    // Unique among the open targets; also the QSettings key of its thresholds and acknowledgements.
    QString key() const;
    QString displayName() const; // "pangolin"
    QString hostName() const; // "demo host", "web1", "saved log"
    QVariantMap toMap() const;
    static TargetEntry fromMap(const QVariantMap& map);
};

} // namespace heapwatch
