// A running `heapwatch serve`: the targets of a ServeConfig, started and watched, and the HTTP server that
// exports them. The command line builds one and runs the event loop; the tests build one in-process.
#pragma once

#include "ServeConfig.h"
#include "ServedTarget.h"

#include <QHostAddress>
#include <QObject>
#include <memory>
#include <vector>

namespace heapwatch {

class HistoryStore;
class MetricsServer;
class Prompter;

class ServeSession : public QObject
{
    Q_OBJECT
public:
    explicit ServeSession(QObject* parent = nullptr);
    ~ServeSession() override; // stops every target (ends every remote command) before the server goes

    // Creates and starts the targets, then listens on address:port (port 0: a free one). All targets are
    // validated before any starts. False and *error on a bad target, duplicate labels, or a listen failure.
    bool start(const ServeConfig& config, const QHostAddress& address, quint16 port, const QByteArray& token,
               QString* error);

    // Remote targets started after this record into store (nullptr: none); it must outlive the session.
    void setHistoryStore(HistoryStore* store) { m_history = store; }

    quint16 port() const { return m_port; }
    const std::vector<ServedTarget>& targets() const { return m_targets; }

    // The labels and the source of one configured target; nullopt and *error when it cannot be watched.
    static std::optional<ServedTarget> create(const TargetConfig& config, const Thresholds& thresholds,
                                              Prompter* prompter, QString* error);

private:
    std::unique_ptr<Prompter> m_prompter; // outlives the sources that ask it
    std::vector<ServedTarget> m_targets;
    std::unique_ptr<MetricsServer> m_server;
    HistoryStore* m_history = nullptr;

public:
    const MetricsServer* server() const { return m_server.get(); }
    quint16 m_port = 0;
};

} // namespace heapwatch
