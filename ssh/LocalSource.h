// `local/CONTAINER`: the same commands as over SSH, run with QProcess on this machine, for operators who run
// the console on the docker host itself. A worker thread with its own event loop owns the processes and
// parses their output; results reach the Source's thread queued. stop() returns at once: the worker closes
// the processes' stdin (the wrapper ends the engine), reaps them, deletes itself and ends its thread, which
// ThreadReaper joins (the model of ssh/SshHost.h).
#pragma once

#include "ContainerStreams.h"
#include "Source.h"

#include <memory>

class QThread;

namespace heapwatch {

class LocalWorker;
class TargetLink;

class LocalSource : public Source
{
    Q_OBJECT
public:
    LocalSource(StreamsConfig config, QString name, QObject* parent = nullptr);
    ~LocalSource() override;

    void start() override;
    void stop() override;
    QString targetName() const override { return m_name; }

private:
    StreamsConfig m_config;
    QString m_name;
    QThread* m_thread = nullptr;
    LocalWorker* m_worker = nullptr;
    std::shared_ptr<TargetLink> m_link;
};

} // namespace heapwatch
