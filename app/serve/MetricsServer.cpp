#include "MetricsServer.h"

#include "MetricsRenderer.h"
#include "PrometheusText.h"
#include "StateReport.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace heapwatch {

// Keeps at most maxConnections open: a new one closes the one answered (or opened) longest ago, so that a
// client holding every slot with slow requests cannot lock a scraper out; a fresh connection is answered
// within the event-loop turn its request arrives in. Each connection is watched: bytes received without an
// answer (a request too big), a request not answered within its time (too slow), or nothing at all for a
// while (idle) closes it.
class GuardedTcpServer : public QTcpServer
{
public:
    GuardedTcpServer(const MetricsServer::Limits& limits, QObject* parent)
        : QTcpServer(parent)
        , m_limits(limits)
    {
    }
    quint64 cut() const { return m_cut; }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto* socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        while (m_sockets.size() >= m_limits.maxConnections) {
            ++m_cut;
            QTcpSocket* oldest = m_sockets.takeFirst();
            oldest->abort(); // disconnected: the HTTP server deletes it
        }
        m_sockets.append(socket);
        connect(socket, &QObject::destroyed, this, [this, socket] { m_sockets.removeOne(socket); });
        connect(socket, &QAbstractSocket::disconnected, this, [this, socket] { m_sockets.removeOne(socket); });
        auto* idle = new QTimer(socket);
        idle->setSingleShot(true);
        auto* deadline = new QTimer(socket);
        deadline->setSingleShot(true);
        auto cutOff = [this, socket] {
            ++m_cut;
            socket->abort(); // disconnected: the HTTP server deletes the socket
        };
        connect(idle, &QTimer::timeout, socket, cutOff);
        connect(deadline, &QTimer::timeout, socket, cutOff);
        auto unanswered = std::make_shared<qint64>(0); // -1: cut, waiting for the queued abort
        // Connected before the HTTP server's own slot: sees each chunk before it is parsed. A request over
        // the cap is read away here (the HTTP server then finds nothing to parse) and the connection closed
        // from the event loop, not under the HTTP server's slot that is about to read the socket.
        connect(socket, &QIODevice::readyRead, socket, [this, socket, idle, deadline, unanswered, cutOff] {
            if (*unanswered < 0 || *unanswered + socket->bytesAvailable() > m_limits.maxRequestBytes) {
                socket->skip(socket->bytesAvailable());
                if (*unanswered >= 0)
                    QTimer::singleShot(0, socket, cutOff);
                *unanswered = -1;
                return;
            }
            *unanswered += socket->bytesAvailable();
            if (!deadline->isActive())
                deadline->start(m_limits.requestTimeoutMs);
            idle->start(m_limits.idleTimeoutMs);
        });
        connect(socket, &QIODevice::bytesWritten, socket, [this, socket, idle, deadline, unanswered] {
            if (*unanswered < 0)
                return; // being cut
            if (m_sockets.removeOne(socket))
                m_sockets.append(socket); // answered just now: the last to be evicted
            *unanswered = 0;
            deadline->stop();
            idle->start(m_limits.idleTimeoutMs);
        });
        idle->start(m_limits.idleTimeoutMs);
        addPendingConnection(socket);
    }

private:
    const MetricsServer::Limits m_limits;
    QList<QTcpSocket*> m_sockets; // open, least recently answered first
    quint64 m_cut = 0;
};

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
    auto tcp = std::make_unique<GuardedTcpServer>(m_limits, nullptr);
    if (!tcp->listen(address, port))
        return 0;
    m_tcp = tcp.get();
    m_server->bind(tcp.release()); // the HTTP server takes it as its child
    return m_tcp->serverPort();
}

quint64 MetricsServer::connectionsCut() const
{
    return m_tcp ? m_tcp->cut() : 0;
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
        QJsonObject report
            = jsonReport(ReportInput {target.state(), target.assessment(), target.thresholds(), now, target.isLive()});
        // The application's own log lines may carry anything it logs (user names, request data): not for
        // whoever can reach the port, unless asked for.
        if (m_token.isEmpty() && !m_exposeLogs)
            report.remove(QStringLiteral("recent_problems"));
        // The labels of the target's series, so that a client can match this object with /metrics.
        report.insert(QStringLiteral("labels"),
                      QJsonObject {{QStringLiteral("host"), t.host}, {QStringLiteral("container"), t.container}});
        array.append(report);
    }
    return QHttpServerResponse(array);
}

} // namespace heapwatch
