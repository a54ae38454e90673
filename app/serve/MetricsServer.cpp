#include "MetricsServer.h"

#include "MetricsRenderer.h"
#include "PrometheusText.h"
#include "RemoteCheck.h"
#include "StateReport.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonObject>

namespace heapwatch {
namespace {

QHttpServerResponse unauthorized()
{
    QHttpServerResponse response(QByteArrayLiteral("text/plain; charset=utf-8"),
                                 QByteArrayLiteral("401 Unauthorized: send Authorization: Bearer <token>\n"),
                                 QHttpServerResponse::StatusCode::Unauthorized);
    response.setHeader(QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer realm=\"heapwatch\""));
    return response;
}

} // namespace

MetricsServer::MetricsServer(const std::vector<ServedTarget>& targets, QByteArray token, QObject* parent)
    : QObject(parent)
    , m_targets(targets)
    , m_token(std::move(token))
    , m_server(std::make_unique<QHttpServer>())
{
    m_server->route(QStringLiteral("/metrics"), QHttpServerRequest::Method::Get,
                    [this](const QHttpServerRequest& request) { return metrics(request); });
    m_server->route(QStringLiteral("/api/v1/targets"), QHttpServerRequest::Method::Get,
                    [this](const QHttpServerRequest& request) { return targetsJson(request); });
    // Health checks stay open even with a token: they reveal nothing but "the process answers", and load
    // balancers or systemd watchdogs that probe them seldom carry credentials.
    m_server->route(QStringLiteral("/healthz"), QHttpServerRequest::Method::Get, [] {
        return QHttpServerResponse(QByteArrayLiteral("text/plain; charset=utf-8"), QByteArrayLiteral("ok\n"));
    });
}

MetricsServer::~MetricsServer() = default;

quint16 MetricsServer::listen(const QHostAddress& address, quint16 port)
{
    return m_server->listen(address, port);
}

bool MetricsServer::constantTimeEquals(const QByteArray& a, const QByteArray& b)
{
    // Comparing digests makes the work independent of where the inputs differ and of their lengths.
    const QByteArray da = QCryptographicHash::hash(a, QCryptographicHash::Sha256);
    const QByteArray db = QCryptographicHash::hash(b, QCryptographicHash::Sha256);
    unsigned char diff = 0;
    for (qsizetype i = 0; i < da.size(); ++i)
        diff |= static_cast<unsigned char>(da.at(i) ^ db.at(i));
    return diff == 0;
}

bool MetricsServer::authorized(const QHttpServerRequest& request, const QByteArray& token)
{
    if (token.isEmpty())
        return true;
    // Header names are case-insensitive; so is the scheme name (RFC 7235).
    for (const auto& [name, value] : request.headers()) {
        if (name.compare("authorization", Qt::CaseInsensitive) != 0)
            continue;
        const QByteArray trimmed = value.trimmed();
        if (trimmed.size() > 7 && trimmed.first(7).compare("bearer ", Qt::CaseInsensitive) == 0)
            return constantTimeEquals(trimmed.mid(7).trimmed(), token);
    }
    return false;
}

QHttpServerResponse MetricsServer::metrics(const QHttpServerRequest& request) const
{
    if (!authorized(request, m_token))
        return unauthorized();
    return QHttpServerResponse(QByteArray(PrometheusText::kContentType),
                               MetricsRenderer::render(m_targets, ProcessMetrics::read()));
}

QHttpServerResponse MetricsServer::targetsJson(const QHttpServerRequest& request) const
{
    if (!authorized(request, m_token))
        return unauthorized();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QJsonArray array;
    for (const ServedTarget& t : m_targets) {
        const Target& target = *t.target;
        QJsonObject report = jsonReport(ReportInput {target.state(), target.assessment(), target.thresholds(), now});
        RemoteCheck::addConnection(target, report); // as `check --json` does for remote targets
        // The labels of the target's series, so that a client can match this object with /metrics.
        report.insert(QStringLiteral("labels"),
                      QJsonObject {{QStringLiteral("host"), t.host}, {QStringLiteral("container"), t.container}});
        array.append(report);
    }
    return QHttpServerResponse(array);
}

} // namespace heapwatch
