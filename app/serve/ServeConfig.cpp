#include "ServeConfig.h"

#include "Duration.h"
#include "SafeMath.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace heapwatch {
namespace {

// Checks that obj holds only keys from allowed; *error names the first stranger.
bool onlyKeys(const QJsonObject& obj, const QStringList& allowed, const QString& where, QString* error)
{
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        if (!allowed.contains(it.key())) {
            *error = QStringLiteral("%1: unknown key \"%2\" (known: %3)")
                         .arg(where, it.key(), allowed.join(QStringLiteral(", ")));
            return false;
        }
    }
    return true;
}

bool readString(const QJsonObject& obj, const QString& key, const QString& where, QString* out, QString* error)
{
    const QJsonValue v = obj.value(key);
    if (v.isUndefined())
        return true;
    if (!v.isString()) {
        *error = QStringLiteral("%1: \"%2\" must be a string").arg(where, key);
        return false;
    }
    *out = v.toString();
    return true;
}

bool readBool(const QJsonObject& obj, const QString& key, const QString& where, bool* out, QString* error)
{
    const QJsonValue v = obj.value(key);
    if (v.isUndefined())
        return true;
    if (!v.isBool()) {
        *error = QStringLiteral("%1: \"%2\" must be true or false").arg(where, key);
        return false;
    }
    *out = v.toBool();
    return true;
}

// Relative paths in a config file are relative to the file, not to the daemon's working directory.
QString resolvePath(const QString& path, const QDir& base)
{
    return path.isEmpty() ? path : QDir::cleanPath(base.absoluteFilePath(path));
}

// "thresholds": either an object of threshold keys or the path of a thresholds file.
bool readThresholds(const QJsonObject& obj, const QString& where, const QDir& base, QJsonObject* out, QString* error)
{
    const QJsonValue v = obj.value(QStringLiteral("thresholds"));
    if (v.isUndefined())
        return true;
    if (v.isObject()) {
        *out = v.toObject();
        return true;
    }
    if (v.isString()) {
        const auto loaded = ServeConfig::readJsonObject(resolvePath(v.toString(), base), error);
        if (loaded)
            *out = *loaded;
        return loaded.has_value();
    }
    *error = QStringLiteral("%1: \"thresholds\" must be an object or the path of a thresholds file").arg(where);
    return false;
}

// The SSH keys shared by the top-level "ssh" object and every remote target.
const QStringList kRemoteKeys {
    QStringLiteral("identity_file"), QStringLiteral("known_hosts"), QStringLiteral("accept_new_host_key"),
    QStringLiteral("engine"),        QStringLiteral("sudo"),        QStringLiteral("since")};

bool readRemote(const QJsonObject& obj, const QString& where, const QDir& base, TargetConfig* t, QString* error)
{
    QString identity, knownHosts, since;
    if (!readString(obj, QStringLiteral("identity_file"), where, &identity, error)
        || !readString(obj, QStringLiteral("known_hosts"), where, &knownHosts, error)
        || !readBool(obj, QStringLiteral("accept_new_host_key"), where, &t->acceptNewHostKey, error)
        || !readString(obj, QStringLiteral("engine"), where, &t->engine, error)
        || !readBool(obj, QStringLiteral("sudo"), where, &t->sudo, error))
        return false;
    if (!identity.isEmpty())
        t->identityFile = resolvePath(identity, base);
    if (!knownHosts.isEmpty())
        t->knownHostsFile = resolvePath(knownHosts, base);
    const QJsonValue sinceValue = obj.value(QStringLiteral("since"));
    if (!sinceValue.isUndefined()) {
        // A number beyond qint64 ("since": 1e30) has no integer value: converting it would be undefined.
        const auto seconds
            = sinceValue.isDouble() ? safe::toInt64(sinceValue.toDouble()) : parseDuration(sinceValue.toString());
        if (!seconds || *seconds <= 0) {
            *error = QStringLiteral("%1: \"since\" must be a positive duration such as \"1h\"").arg(where);
            return false;
        }
        t->sinceSeconds = *seconds;
    }
    if (!t->engine.isEmpty() && t->engine != QLatin1String("docker") && t->engine != QLatin1String("podman")) {
        *error = QStringLiteral("%1: \"engine\" must be \"docker\" or \"podman\"").arg(where);
        return false;
    }
    return true;
}

bool readTarget(const QJsonValue& value, const TargetConfig& sshDefaults, const QString& where, const QDir& base,
                TargetConfig* t, QString* error)
{
    *t = sshDefaults;
    t->origin = where;
    if (value.isString()) {
        t->kind = TargetConfig::Kind::Remote;
        t->location = value.toString();
        return true;
    }
    if (!value.isObject()) {
        *error = QStringLiteral("%1: a target is a string or an object").arg(where);
        return false;
    }
    const QJsonObject obj = value.toObject();
    const bool isDemo = obj.contains(QStringLiteral("demo"));
    const bool isReplay = obj.contains(QStringLiteral("replay"));
    const bool isRemote = obj.contains(QStringLiteral("target"));
    if (int(isDemo) + int(isReplay) + int(isRemote) != 1) {
        *error = QStringLiteral("%1: give exactly one of \"target\", \"demo\" or \"replay\"").arg(where);
        return false;
    }
    if (!readThresholds(obj, where, base, &t->thresholds, error))
        return false;
    if (isDemo) {
        t->kind = TargetConfig::Kind::Demo;
        bool demo = false;
        if (!onlyKeys(obj, {QStringLiteral("demo"), QStringLiteral("thresholds")}, where, error)
            || !readBool(obj, QStringLiteral("demo"), where, &demo, error))
            return false;
        if (!demo) {
            *error = QStringLiteral("%1: \"demo\" must be true (leave the target out instead)").arg(where);
            return false;
        }
        return true;
    }
    if (isReplay) {
        t->kind = TargetConfig::Kind::Replay;
        QString stats;
        if (!onlyKeys(obj, {QStringLiteral("replay"), QStringLiteral("stats"), QStringLiteral("thresholds")}, where,
                      error)
            || !readString(obj, QStringLiteral("replay"), where, &t->location, error)
            || !readString(obj, QStringLiteral("stats"), where, &stats, error))
            return false;
        t->location = resolvePath(t->location, base);
        t->statsPath = resolvePath(stats, base);
        return true;
    }
    t->kind = TargetConfig::Kind::Remote;
    if (!onlyKeys(obj, kRemoteKeys + QStringList {QStringLiteral("target"), QStringLiteral("thresholds")}, where, error)
        || !readString(obj, QStringLiteral("target"), where, &t->location, error))
        return false;
    return readRemote(obj, where, base, t, error);
}

} // namespace

bool ServeConfig::loadFile(const QString& path, QString* error)
{
    const auto root = readJsonObject(path, error);
    if (!root)
        return false;
    const QDir base = QFileInfo(path).absoluteDir();
    if (!onlyKeys(*root,
                  {QStringLiteral("listen"), QStringLiteral("token_file"), QStringLiteral("token_env"),
                   QStringLiteral("expose_logs"), QStringLiteral("thresholds"), QStringLiteral("ssh"),
                   QStringLiteral("targets")},
                  path, error))
        return false;
    if (!readString(*root, QStringLiteral("listen"), path, &listen, error))
        return false;
    QString file;
    if (!readString(*root, QStringLiteral("token_file"), path, &file, error)
        || !readString(*root, QStringLiteral("token_env"), path, &tokenEnv, error)
        || !readBool(*root, QStringLiteral("expose_logs"), path, &exposeLogs, error))
        return false;
    if (!file.isEmpty())
        tokenFile = resolvePath(file, base);
    QJsonObject layer;
    if (!readThresholds(*root, path, base, &layer, error))
        return false;
    if (!layer.isEmpty())
        thresholdLayers.push_back(layer);

    TargetConfig sshDefaults;
    const QJsonValue ssh = root->value(QStringLiteral("ssh"));
    if (!ssh.isUndefined()) {
        const QString where = path + QStringLiteral(" \"ssh\"");
        if (!ssh.isObject()) {
            *error = where + QStringLiteral(": must be an object");
            return false;
        }
        if (!onlyKeys(ssh.toObject(), kRemoteKeys, where, error)
            || !readRemote(ssh.toObject(), where, base, &sshDefaults, error))
            return false;
    }

    const QJsonValue list = root->value(QStringLiteral("targets"));
    if (!list.isUndefined() && !list.isArray()) {
        *error = QStringLiteral("%1: \"targets\" must be an array").arg(path);
        return false;
    }
    const QJsonArray array = list.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        TargetConfig t;
        const QString where = QStringLiteral("%1: targets[%2]").arg(path).arg(i);
        if (!readTarget(array.at(i), sshDefaults, where, base, &t, error))
            return false;
        targets.push_back(t);
    }
    return true;
}

std::optional<Thresholds> ServeConfig::thresholdsFor(const TargetConfig& target, QString* error) const
{
    Thresholds t = Thresholds::defaults();
    QString why;
    for (const QJsonObject& layer : thresholdLayers) {
        if (!t.apply(layer, &why)) {
            *error = QStringLiteral("thresholds: %1").arg(why);
            return std::nullopt;
        }
    }
    if (!t.apply(target.thresholds, &why)) {
        *error = QStringLiteral("%1: thresholds: %2").arg(target.origin, why);
        return std::nullopt;
    }
    return t;
}

bool ServeConfig::parseListen(const QString& text, QHostAddress* address, quint16* port, QString* error)
{
    const int colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0) {
        *error
            = QStringLiteral("--listen wants ADDRESS:PORT, e.g. 127.0.0.1:%1, not \"%2\"").arg(kDefaultPort).arg(text);
        return false;
    }
    QString host = text.left(colon);
    bool ok = false;
    const uint number = text.mid(colon + 1).toUInt(&ok);
    if (!ok || number > 65535) {
        *error = QStringLiteral("--listen: \"%1\" is not a port number").arg(text.mid(colon + 1));
        return false;
    }
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    if (host == QLatin1String("localhost")) {
        *address = QHostAddress(QHostAddress::LocalHost);
    } else if (!address->setAddress(host)) {
        *error = QStringLiteral("--listen: \"%1\" is not an IP address").arg(host);
        return false;
    }
    *port = quint16(number);
    return true;
}

std::optional<QJsonObject> ServeConfig::readJsonObject(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    QJsonParseError parseError {};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("%1: not valid JSON at offset %2: %3")
                     .arg(path)
                     .arg(parseError.offset)
                     .arg(parseError.errorString());
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("%1: must hold one JSON object").arg(path);
        return std::nullopt;
    }
    return doc.object();
}

} // namespace heapwatch
