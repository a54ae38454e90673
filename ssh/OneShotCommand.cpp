#include "OneShotCommand.h"

#include "RemoteCommands.h"
#include "SshChannel.h"
#include "SshSession.h"

#include <QElapsedTimer>
#include <QFileInfo>

namespace heapwatch {

OneShotCommand::Ended OneShotCommand::run(SshSession& session, const RemoteCommand& command, int timeoutMs,
                                          qsizetype maxOutBytes, const std::atomic<bool>* cancel,
                                          OneShotCommand* result, QString* error)
{
    auto channel = SshChannel::exec(session, command.sshCommandLine(), error);
    if (!channel) {
        return Ended::Failed;
    }
    QElapsedTimer timer;
    timer.start();
    Ended ended = Ended::Finished;
    for (;;) {
        if (!channel->read(result->out, result->err)) {
            *error = QStringLiteral("the connection to %1 failed: %2").arg(session.address(), session.errorString());
            return Ended::Failed;
        }
        result->err = result->err.left(4096);
        if (result->out.size() > maxOutBytes) {
            ended = Ended::TooLarge;
            break;
        }
        if (channel->isFinished()) {
            channel->read(result->out, result->err); // what arrived with the close
            result->err = result->err.left(4096);
            break;
        }
        if (cancel && cancel->load()) {
            ended = Ended::Cancelled;
            break;
        }
        if (timer.elapsed() > timeoutMs) {
            ended = Ended::TimedOut;
            break;
        }
        session.waitReadable(20);
    }
    result->exitStatus = channel->exitStatus();
    return ended; // the channel closes here: the wrapper kills whatever is still running
}

QString OneShotCommand::detectEngine(SshSession& session, int timeoutMs, const std::atomic<bool>* cancel, Ended* ended,
                                     QString* error)
{
    OneShotCommand probe;
    *ended = run(session, RemoteCommands::detectEngine(), timeoutMs, 4096, cancel, &probe, error);
    if (*ended != Ended::Finished) {
        return {};
    }
    const QString path = QString::fromUtf8(probe.out.left(4096)).trimmed().section(QLatin1Char('\n'), 0, 0);
    const QString name = QFileInfo(path).fileName();
    return name == QLatin1String("docker") || name == QLatin1String("podman") ? name : QString();
}

} // namespace heapwatch
