// The HTTP side of `heapwatch serve` on QtHttpServer: /metrics (Prometheus), /api/v1/targets (the
// `check --json` object of every target) and /healthz. Runs in the thread of the targets, so a handler
// reads their state directly; every page is rendered from the state at the moment of the request.
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
    // targets must outlive the server. An empty token means no authentication.
    MetricsServer(const std::vector<ServedTarget>& targets, QByteArray token, QObject* parent = nullptr);
    ~MetricsServer() override;

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
    std::unique_ptr<QHttpServer> m_server;
};

} // namespace heapwatch
