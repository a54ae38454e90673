#include "WebhookSender.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace heapwatch {

WebhookSender::WebhookSender(QObject* parent)
    : QObject(parent)
{
}

bool WebhookSender::isEnabled() const
{
    return m_url.isValid() && (m_url.scheme() == QLatin1String("http") || m_url.scheme() == QLatin1String("https"));
}

QJsonObject WebhookSender::payload(const Alert& a)
{
    QJsonObject o;
    o.insert(QStringLiteral("source"), QStringLiteral("heapwatch"));
    o.insert(QStringLiteral("text"), QStringLiteral("heapwatch %1: %2").arg(levelTitle(a.level), a.text()));
    o.insert(QStringLiteral("target"), a.targetKey);
    o.insert(QStringLiteral("target_name"), a.targetName);
    o.insert(QStringLiteral("flag"), a.flagId);
    o.insert(QStringLiteral("metric"), a.metric);
    o.insert(QStringLiteral("level"), levelName(a.level));
    o.insert(QStringLiteral("previous_level"), levelName(a.previous));
    o.insert(QStringLiteral("value"), a.value);
    o.insert(QStringLiteral("threshold"), a.threshold);
    o.insert(QStringLiteral("note"), a.note);
    o.insert(QStringLiteral("at"), QDateTime::fromMSecsSinceEpoch(a.atMs, Qt::UTC).toString(Qt::ISODateWithMs));
    auto since = [](qint64 ms) {
        return ms < 0 ? QJsonValue()
                      : QJsonValue(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs));
    };
    o.insert(QStringLiteral("since"), since(a.sinceMs));
    // Every flag of the notification, the lead first: flags of one target that changed together.
    QJsonArray flags;
    auto add = [&flags, &since](const Alert& f) {
        QJsonObject x;
        x.insert(QStringLiteral("flag"), f.flagId);
        x.insert(QStringLiteral("metric"), f.metric);
        x.insert(QStringLiteral("level"), levelName(f.level));
        x.insert(QStringLiteral("previous_level"), levelName(f.previous));
        x.insert(QStringLiteral("value"), f.value);
        x.insert(QStringLiteral("since"), since(f.sinceMs));
        x.insert(QStringLiteral("flapping"), f.flapping);
        flags.append(x);
    };
    add(a);
    for (const Alert& f : a.grouped)
        add(f);
    o.insert(QStringLiteral("flags"), flags);
    return o;
}

bool WebhookSender::send(const Alert& alert, qint64 monotonicMs)
{
    if (!isEnabled())
        return false;
    while (!m_sentAt.empty() && monotonicMs - m_sentAt.front() >= 60000)
        m_sentAt.pop_front();
    if (int(m_sentAt.size()) >= m_maxPerMinute) {
        ++m_dropped;
        return false;
    }
    m_sentAt.push_back(monotonicMs);
    QNetworkRequest request(m_url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("heapwatch/" HEAPWATCH_VERSION));
    request.setTransferTimeout(10000); // a dead endpoint must not pile up open requests
    // Made on the first post: most consoles never set a webhook, and a network manager made at start maps in and
    // touches Qt Network's code and tables for nothing (about 0.6 MiB of the console's RSS, bench_gui).
    if (!m_network)
        m_network = new QNetworkAccessManager(this);
    QNetworkReply* reply = m_network->post(request, QJsonDocument(payload(alert)).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() != QNetworkReply::NoError)
            Q_EMIT failed(reply->errorString());
        else
            Q_EMIT delivered(status);
    });
    return true;
}

} // namespace heapwatch
