#include "SessionStore.h"

#include <QJsonDocument>
#include <QSettings>

namespace heapwatch {

QString SessionStore::encodeKey(const QString& targetKey)
{
    return QString::fromLatin1(
        targetKey.toUtf8().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

std::vector<TargetConfig> SessionStore::targets()
{
    QSettings s;
    std::vector<TargetConfig> out;
    const int n = s.beginReadArray(QStringLiteral("session/targets"));
    for (int i = 0; i < n; ++i) {
        s.setArrayIndex(i);
        out.push_back(TargetConfig::fromMap(s.value(QStringLiteral("entry")).toMap()));
    }
    s.endArray();
    return out;
}

void SessionStore::setTargets(const std::vector<TargetConfig>& entries)
{
    QSettings s;
    s.remove(QStringLiteral("session/targets"));
    s.beginWriteArray(QStringLiteral("session/targets"), int(entries.size()));
    for (size_t i = 0; i < entries.size(); ++i) {
        s.setArrayIndex(int(i));
        s.setValue(QStringLiteral("entry"), entries[i].toMap());
    }
    s.endArray();
}

QString SessionStore::currentKey()
{
    return QSettings().value(QStringLiteral("session/current")).toString();
}

void SessionStore::setCurrentKey(const QString& key)
{
    QSettings().setValue(QStringLiteral("session/current"), key);
}

int SessionStore::range(int fallback)
{
    return QSettings().value(QStringLiteral("view/range"), fallback).toInt();
}

void SessionStore::setRange(int range)
{
    QSettings().setValue(QStringLiteral("view/range"), range);
}

std::optional<Thresholds> SessionStore::thresholds(const QString& targetKey)
{
    const QByteArray json
        = QSettings().value(QStringLiteral("targets/%1/thresholds").arg(encodeKey(targetKey))).toByteArray();
    if (json.isEmpty())
        return std::nullopt;
    QString error;
    return Thresholds::fromJson(json, &error);
}

void SessionStore::setThresholds(const QString& targetKey, const Thresholds& thresholds)
{
    QSettings().setValue(QStringLiteral("targets/%1/thresholds").arg(encodeKey(targetKey)),
                         QJsonDocument(thresholds.toJson()).toJson(QJsonDocument::Compact));
}

void SessionStore::clearThresholds(const QString& targetKey)
{
    QSettings().remove(QStringLiteral("targets/%1/thresholds").arg(encodeKey(targetKey)));
}

QSet<QString> SessionStore::acknowledged(const QString& targetKey)
{
    const QStringList list
        = QSettings().value(QStringLiteral("targets/%1/acknowledged").arg(encodeKey(targetKey))).toStringList();
    return QSet<QString>(list.begin(), list.end());
}

void SessionStore::setAcknowledged(const QString& targetKey, const QSet<QString>& keys)
{
    QStringList list(keys.begin(), keys.end());
    list.sort();
    QSettings().setValue(QStringLiteral("targets/%1/acknowledged").arg(encodeKey(targetKey)), list);
}

} // namespace heapwatch
