// Optional webhook: each alert becomes one JSON POST to a URL the user sets (Slack-compatible "text"
// plus structured fields). At most maxPerMinute posts leave per minute; more are dropped and counted, so a
// storm of alerts can never turn heapwatch into a flood of requests.
#pragma once

#include "AlertNotifier.h"

#include <QDateTime>
#include <QJsonObject>
#include <QObject>
#include <QUrl>
#include <deque>

class QNetworkAccessManager;

namespace heapwatch {

class WebhookSender : public QObject
{
    Q_OBJECT
public:
    explicit WebhookSender(QObject* parent = nullptr);

    void setUrl(const QUrl& url) { m_url = url; }
    QUrl url() const { return m_url; }
    bool isEnabled() const;
    void setMaxPerMinute(int n) { m_maxPerMinute = n; }
    int droppedCount() const { return m_dropped; }

    static QJsonObject payload(const Alert& alert);
    // Posts the alert; false when disabled, the URL is not http(s), or the rate limit dropped it.
    bool send(const Alert& alert, qint64 monotonicMs);

Q_SIGNALS:
    void delivered(int httpStatus);
    void failed(const QString& error);

private:
    QNetworkAccessManager* m_network = nullptr; // made on the first post
    QUrl m_url;
    int m_maxPerMinute = 6;
    std::deque<qint64> m_sentAt;
    int m_dropped = 0;
};

} // namespace heapwatch
