// The worker of LocalSource: one QProcess per running command, fed to ContainerStreams. Lives in the
// thread LocalSource started for it, and ends it.
#pragma once

#include "ContainerStreams.h"

#include <QObject>
#include <map>
#include <memory>

class QProcess;
class QTimer;

namespace heapwatch {

class TargetLink;

class LocalWorker : public QObject, private CommandRunner
{
    Q_OBJECT
public:
    LocalWorker(StreamsConfig config, std::shared_ptr<TargetLink> link);
    ~LocalWorker() override;

    // Both run in the worker thread.
    void begin();
    // Closes every process's stdin (the wrapper then kills the engine), returns, and once they have ended
    // (killed after 1.6 s) deletes itself and quits its thread.
    void shutdown();

private:
    bool startCommand(int role, const RemoteCommand& command, QString* error) override;
    void stopCommand(int role) override;
    void sendStatus(ConnectionStatus::State state, const QString& message);

    std::shared_ptr<TargetLink> m_link;
    std::unique_ptr<ContainerStreams> m_streams;
    std::map<int, QProcess*> m_processes;
    QTimer* m_timer = nullptr;
    bool m_failed = false;
    ConnectionStatus m_sent; // the last status sent
};

} // namespace heapwatch
