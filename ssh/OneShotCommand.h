// A remote command that ends (the engine probe, `ps`), run to its end on an open session by the thread that
// owns the session: read without blocking, stdout capped, stderr kept short, given up on a timeout or a
// cancel. The channel closes on return, so the wrapper kills whatever is still running. Shared by SshHost
// (engine detection) and ContainerLister (engine detection and `ps`).
#pragma once

#include <QByteArray>
#include <QString>
#include <atomic>

namespace heapwatch {

class SshSession;
struct RemoteCommand;

struct OneShotCommand
{
    enum class Ended
    {
        Finished,
        TimedOut,
        Cancelled,
        TooLarge,
        Failed // no channel, or the connection failed: *error says why
    };

    QByteArray out; // at most maxOutBytes (+ one read)
    QByteArray err; // the first 4 KiB
    int exitStatus = -1;

    // cancel may be null.
    static Ended run(SshSession& session, const RemoteCommand& command, int timeoutMs, qsizetype maxOutBytes,
                     const std::atomic<bool>* cancel, OneShotCommand* result, QString* error);

    // "docker" or "podman", whichever RemoteCommands::detectEngine() finds in the server's PATH first; empty
    // when neither is installed or the probe did not finish (*ended says how it ended).
    static QString detectEngine(SshSession& session, int timeoutMs, const std::atomic<bool>* cancel, Ended* ended,
                                QString* error);
};

} // namespace heapwatch
