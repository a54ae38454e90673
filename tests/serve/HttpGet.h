// A blocking GET for the serve tests that keeps the event loop running (the server under test may live in
// the same thread). Never goes through a proxy: every address in these tests is loopback.
#pragma once

#include <QByteArray>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrl>

struct HttpResult
{
    int status = 0; // 0: no answer (connection refused, timeout)
    QByteArray body;
    QByteArray contentType;
    QByteArray wwwAuthenticate;
};

inline HttpResult httpGet(const QUrl& url, const QByteArray& authorization = {}, int timeoutMs = 10000)
{
    QNetworkAccessManager manager;
    manager.setProxy(QNetworkProxy::NoProxy);
    QNetworkRequest request(url);
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    QNetworkReply* reply = manager.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    HttpResult result;
    if (reply->isFinished()) {
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.body = reply->readAll();
        result.contentType = reply->rawHeader("Content-Type");
        result.wwwAuthenticate = reply->rawHeader("WWW-Authenticate");
    } else {
        reply->abort();
    }
    delete reply;
    return result;
}
