// The HTTP side of `heapwatch serve` on QtHttpServer: /metrics (Prometheus), /api/v1/targets (the
// `check --json` object of every target) and /healthz. Runs in the thread of the targets, so a handler
// reads their state directly; every page is rendered from the state at the moment of the request.
//
// The listening socket is guarded (Limits): a client cannot hold more than its share of connections, send an
// endless request or keep a connection open doing nothing. What goes over the limits is cut, cheaply, in the
// event loop the targets share, so that watching goes on while a client floods the port.
#pragma once

#include "ServedTarget.h"

#include <QByteArray>
#include <QHostAddress>
#include <QObject>
#include <memory>
#include <vector>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponse;

namespace heapwatch {

class MetricsServer : public QObject
{
    Q_OBJECT
public:
    struct Limits
    {
        qsizetype maxConnections = 32; // open at once; a new one closes the one answered longest ago
        qint64 maxRequestBytes = 16 * 1024; // received without an answer (a scrape sends a few hundred)
        int requestTimeoutMs = 10000; // from a request's first byte to its answer (a slowly dripped request)
        int idleTimeoutMs = 30000; // a kept-alive connection with no traffic is closed
    };

    // targets must outlive the server. An empty token means no authentication.
    MetricsServer(const std::vector<ServedTarget>& targets, QByteArray token, QObject* parent = nullptr);
    ~MetricsServer() override;

    // Before listen().
    void setLimits(const Limits& limits) { m_limits = limits; }
    // `recent_problems` (the application's own log text) in /api/v1/targets: with a token always, without
    // one only when exposeLogs is set (--expose-logs).
    void setExposeLogs(bool exposeLogs) { m_exposeLogs = exposeLogs; }
    // Connections closed for going over a limit, for the tests and the log.
    quint64 connectionsCut() const;

    // Port 0 picks a free port. Returns the port listened on, 0 on failure (address in use, not local, …).
    quint16 listen(const QHostAddress& address, quint16 port);

    // `Authorization: Bearer <token>`, compared in constant time (a timing difference must not reveal how
    // much of a guess was right). Public for the tests.
    static bool authorized(const QHttpServerRequest& request, const QByteArray& token);
    static bool constantTimeEquals(const QByteArray& a, const QByteArray& b);

private:
    QHttpServerResponse metrics(const QHttpServerRequest& request) const;
    QHttpServerResponse targetsJson(const QHttpServerRequest& request) const;

    const std::vector<ServedTarget>& m_targets;
    const QByteArray m_token;
    Limits m_limits;
    bool m_exposeLogs = false;
    std::unique_ptr<QHttpServer> m_server;
    class GuardedTcpServer* m_tcp = nullptr; // owned by m_server
};

} // namespace heapwatch
