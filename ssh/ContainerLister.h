// Lists the containers of a host once, for a picker: `docker ps --format '{{json .}}'` (or podman's) over
// SSH with the same connection options, host-key check and Prompter as a live source, or with QProcess on
// this machine. The work runs in a worker thread that owns its session, with a timeout; the parsed list (or
// a clear error) arrives as a queued signal in the lister's thread. cancel() and the destructor return at
// once (the model of ssh/SshHost.h). Nothing is left running: the command ends with its channel (or its
// process's stdin), like every other remote command.
#pragma once

#include "ContainerListParser.h"
#include "TargetConfig.h"

#include <QMetaType>
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>

namespace heapwatch {

class Prompter;
struct RemoteCommand;

struct ContainerListRequest
{
    // The host to list and how to reach it: location "HOST/", "ssh://user@host:port/" or "local/" (a
    // container after the slash is ignored), the SSH options, the engine and sudo, as for a live source.
    TargetConfig target;
    // Host-key questions and secrets, as for a live source; null: unknown keys are refused (unless
    // acceptNewHostKey) and nothing is asked. Must outlive the listing (cancel() or the destructor ends it).
    Prompter* prompter = nullptr;
    int connectTimeoutMs = 15000;
    int commandTimeoutMs = 15000; // for the engine detection and for `ps`, each
};

struct ContainerListResult
{
    bool ok = false;
    QString error; // why there is no list (plain text, safe to show)
    QString where; // "127.0.0.1:2222" or "this machine"
    QString engine; // the engine that was run
    ContainerListing listing;
};

class ContainerLister : public QObject
{
    Q_OBJECT
public:
    explicit ContainerLister(QObject* parent = nullptr);
    // Cancels a running listing (a pending question is answered "cancel"); returns at once.
    ~ContainerLister() override;

    // Starts a listing in a worker thread; one still running is cancelled and its result dropped.
    void start(const ContainerListRequest& request);
    // Drops the running listing's result; returns at once, its worker ends on its own.
    void cancel();
    bool isRunning() const { return m_current != nullptr; }

    // The blocking listing itself, in the calling thread (which must not be the prompter's GUI thread).
    // cancel may be null.
    static ContainerListResult list(const ContainerListRequest& request, const std::atomic<bool>* cancel);

    // The command line that lists containers, through RemoteCommands' quoting and watchdog wrapper.
    static RemoteCommand psCommand(const QString& engine, bool sudo);

    static constexpr qsizetype kMaxOutputBytes = 4 * 1024 * 1024;

Q_SIGNALS:
    void finished(const heapwatch::ContainerListResult& result);

private:
    struct Run;
    void deliver(const std::shared_ptr<Run>& run, const ContainerListResult& result);

    std::shared_ptr<Run> m_current;
};

} // namespace heapwatch

Q_DECLARE_METATYPE(heapwatch::ContainerListResult)
