#include "TargetConfig.h"

#include <QFileInfo>

namespace heapwatch {

TargetConfig TargetConfig::demo()
{
    TargetConfig e;
    e.kind = Kind::Demo;
    e.location = QStringLiteral("demo/pangolin");
    return e;
}

TargetConfig TargetConfig::replay(const QString& logPath, const QString& statsPath)
{
    TargetConfig e;
    e.kind = Kind::Replay;
    e.location = logPath;
    e.statsPath = statsPath;
    return e;
}

TargetConfig TargetConfig::remote(const QString& target)
{
    TargetConfig e;
    e.kind = Kind::Remote;
    e.location = target.trimmed();
    return e;
}

bool TargetConfig::validate(QString* error) const
{
    if (!engine.isEmpty() && engine != QLatin1String("docker") && engine != QLatin1String("podman")) {
        *error = QStringLiteral("unknown engine '%1': use docker or podman").arg(engine.left(40));
        return false;
    }
    if (sinceSeconds <= 0) {
        *error = QStringLiteral("the history to read (--since) must be a positive duration");
        return false;
    }
    return true;
}

QString TargetConfig::key() const
{
    switch (kind) {
    case Kind::Demo:
        return location.isEmpty() ? QStringLiteral("demo/pangolin") : location;
    case Kind::Replay:
        return QStringLiteral("replay:")
            + (isStandardInput(location) ? location : QFileInfo(location).absoluteFilePath());
    case Kind::Remote:
        break;
    }
    return location;
}

QString TargetConfig::displayName() const
{
    switch (kind) {
    case Kind::Demo:
        return location.section(QLatin1Char('/'), -1).isEmpty() ? QStringLiteral("pangolin")
                                                                : location.section(QLatin1Char('/'), -1);
    case Kind::Replay:
        return isStandardInput(location) ? QStringLiteral("stdin") : QFileInfo(location).fileName();
    case Kind::Remote:
        break;
    }
    const int slash = int(location.lastIndexOf(QLatin1Char('/')));
    return slash >= 0 ? location.mid(slash + 1) : location;
}

QString TargetConfig::hostName() const
{
    switch (kind) {
    case Kind::Demo:
        return QStringLiteral("demo host");
    case Kind::Replay:
        return QStringLiteral("saved log");
    case Kind::Remote:
        break;
    }
    QString rest = location;
    if (rest.startsWith(QLatin1String("ssh://")))
        rest = rest.mid(6);
    const int slash = int(rest.lastIndexOf(QLatin1Char('/')));
    return slash > 0 ? rest.left(slash) : rest;
}

QVariantMap TargetConfig::toMap() const
{
    static const char* const kinds[] = {"demo", "replay", "remote"};
    QVariantMap m;
    m.insert(QStringLiteral("kind"), QString::fromLatin1(kinds[int(kind)]));
    m.insert(QStringLiteral("location"), location);
    m.insert(QStringLiteral("stats"), statsPath);
    m.insert(QStringLiteral("identityFile"), identityFile);
    m.insert(QStringLiteral("knownHostsFile"), knownHostsFile);
    m.insert(QStringLiteral("engine"), engine);
    m.insert(QStringLiteral("sudo"), sudo);
    m.insert(QStringLiteral("acceptNewHostKey"), acceptNewHostKey);
    m.insert(QStringLiteral("sinceSeconds"), sinceSeconds);
    return m;
}

TargetConfig TargetConfig::fromMap(const QVariantMap& m)
{
    TargetConfig e;
    const QString kind = m.value(QStringLiteral("kind")).toString();
    e.kind = kind == QLatin1String("demo") ? Kind::Demo : kind == QLatin1String("replay") ? Kind::Replay : Kind::Remote;
    e.location = m.value(QStringLiteral("location")).toString();
    e.statsPath = m.value(QStringLiteral("stats")).toString();
    e.identityFile = m.value(QStringLiteral("identityFile")).toString();
    e.knownHostsFile = m.value(QStringLiteral("knownHostsFile")).toString();
    e.engine = m.value(QStringLiteral("engine")).toString();
    e.sudo = m.value(QStringLiteral("sudo")).toBool();
    e.acceptNewHostKey = m.value(QStringLiteral("acceptNewHostKey")).toBool();
    e.sinceSeconds = m.value(QStringLiteral("sinceSeconds"), e.sinceSeconds).toLongLong();
    return e;
}

} // namespace heapwatch
