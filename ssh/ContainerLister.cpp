#include "ContainerLister.h"

#include "GuardedPrompter.h"
#include "PlainText.h"
#include "RemoteCommands.h"
#include "SshChannel.h"
#include "SshSession.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QThread>

namespace heapwatch {

namespace {

enum class Ended
{
    Finished,
    TimedOut,
    Cancelled,
    TooLarge,
    Failed
};

struct Output
{
    QByteArray out;
    QByteArray err;
    int exitStatus = -1;
};

bool isCancelled(const std::atomic<bool>* cancel)
{
    return cancel && cancel->load();
}

// Reads one command to its end on an open session; stdout is capped, stderr kept short.
Ended runOverSsh(SshSession& session, const QByteArray& commandLine, int timeoutMs, const std::atomic<bool>* cancel,
                 Output* result, QString* error)
{
    auto channel = SshChannel::exec(session, commandLine, error);
    if (!channel)
        return Ended::Failed;
    QElapsedTimer timer;
    timer.start();
    Ended ended = Ended::Finished;
    for (;;) {
        if (!channel->read(result->out, result->err)) {
            *error = QStringLiteral("the connection to %1 failed: %2").arg(session.address(), session.errorString());
            return Ended::Failed;
        }
        result->err = result->err.left(4096);
        if (result->out.size() > ContainerLister::kMaxOutputBytes) {
            ended = Ended::TooLarge;
            break;
        }
        if (channel->isFinished())
            break;
        if (isCancelled(cancel)) {
            ended = Ended::Cancelled;
            break;
        }
        if (timer.elapsed() > timeoutMs) {
            ended = Ended::TimedOut;
            break;
        }
        session.waitReadable(50);
    }
    result->exitStatus = channel->exitStatus();
    return ended; // the channel closes here: the wrapper kills whatever is still running
}

Ended runLocally(const RemoteCommand& command, int timeoutMs, const std::atomic<bool>* cancel, Output* result,
                 QString* error)
{
    QProcess p;
    p.setProgram(command.localProgram());
    p.setArguments(command.localArguments());
    // The write channel stays open: closing it is how the wrapper learns to kill the engine.
    p.start(QIODevice::ReadWrite);
    if (!p.waitForStarted(5000)) {
        *error = QStringLiteral("cannot run %1: %2").arg(command.localProgram(), p.errorString());
        return Ended::Failed;
    }
    QElapsedTimer timer;
    timer.start();
    Ended ended = Ended::Finished;
    for (;;) {
        const bool done = p.waitForFinished(50);
        result->out += p.readAllStandardOutput();
        result->err = (result->err + p.readAllStandardError()).left(4096);
        if (result->out.size() > ContainerLister::kMaxOutputBytes) {
            ended = Ended::TooLarge;
            break;
        }
        if (done || p.state() == QProcess::NotRunning)
            break;
        if (isCancelled(cancel)) {
            ended = Ended::Cancelled;
            break;
        }
        if (timer.elapsed() > timeoutMs) {
            ended = Ended::TimedOut;
            break;
        }
    }
    if (p.state() != QProcess::NotRunning) {
        p.closeWriteChannel(); // the wrapper sends TERM, then KILL a second later
        if (!p.waitForFinished(1600)) {
            p.kill();
            p.waitForFinished(500);
        }
        return ended;
    }
    result->exitStatus = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : 128 + 9;
    return ended;
}

// The CLI's complaint, shown as one short plain line.
QString firstLine(const QByteArray& err)
{
    const QString text = plainText(QString::fromUtf8(err), 400).trimmed();
    return text.section(QLatin1Char('\n'), 0, 0).trimmed();
}

QString commandError(const QString& engine, const QString& where, const Output& o)
{
    const QString complaint = firstLine(o.err);
    const QString lower = complaint.toLower();
    if (lower.contains(QLatin1String("password is required")) || lower.startsWith(QLatin1String("sudo:")))
        return QStringLiteral("sudo -n failed on %1: %2; allow the command without a password in sudoers")
            .arg(where, complaint);
    if (lower.contains(QLatin1String("permission denied")))
        return QStringLiteral("%1 on %2: permission denied (%3); add the user to the docker group or use sudo")
            .arg(engine, where, complaint);
    if (o.exitStatus == 127)
        return QStringLiteral("%1 was not found on %2").arg(engine, where);
    return QStringLiteral("`%1 ps` failed on %2 (exit status %3)%4")
        .arg(engine, where)
        .arg(o.exitStatus)
        .arg(complaint.isEmpty() ? QString() : QStringLiteral(": ") + complaint);
}

ContainerListResult finish(ContainerListResult r, Ended ended, const Output& o, const QString& error, int timeoutMs)
{
    switch (ended) {
    case Ended::Cancelled:
        r.error = QStringLiteral("cancelled");
        return r;
    case Ended::TimedOut:
        r.error
            = QStringLiteral("`%1 ps` on %2 did not answer within %3 s").arg(r.engine, r.where).arg(timeoutMs / 1000);
        return r;
    case Ended::Failed:
        r.error = plainText(error, 400);
        return r;
    case Ended::TooLarge:
    case Ended::Finished:
        break;
    }
    if (ended == Ended::Finished && o.exitStatus != 0) {
        r.error = commandError(r.engine, r.where, o);
        return r;
    }
    r.listing = ContainerListParser::parse(o.out);
    r.listing.truncated = r.listing.truncated || ended == Ended::TooLarge;
    if (r.listing.containers.empty() && r.listing.malformed > 0) {
        r.error = QStringLiteral("could not read the output of `%1 ps` on %2 (%3 unreadable lines)")
                      .arg(r.engine, r.where)
                      .arg(r.listing.malformed);
        return r;
    }
    r.ok = true;
    return r;
}

bool validEngine(const QString& engine)
{
    return engine.isEmpty() || engine == QLatin1String("docker") || engine == QLatin1String("podman");
}

ContainerListResult listLocally(const ContainerListRequest& request, const std::atomic<bool>* cancel)
{
    ContainerListResult r;
    r.where = QStringLiteral("this machine");
    r.engine = request.engine;
    if (r.engine.isEmpty()) {
        for (const char* candidate : {"docker", "podman"}) {
            if (!QStandardPaths::findExecutable(QString::fromLatin1(candidate)).isEmpty()) {
                r.engine = QString::fromLatin1(candidate);
                break;
            }
        }
    }
    if (r.engine.isEmpty()) {
        r.error = QStringLiteral("neither docker nor podman is installed on this machine");
        return r;
    }
    Output o;
    QString error;
    const Ended ended
        = runLocally(ContainerLister::psCommand(r.engine, request.sudo), request.commandTimeoutMs, cancel, &o, &error);
    return finish(std::move(r), ended, o, error, request.commandTimeoutMs);
}

ContainerListResult listOverSsh(const ContainerListRequest& request, const std::atomic<bool>* cancel)
{
    ContainerListResult r;
    r.where = request.host;
    r.engine = request.engine;
    if (request.host.trimmed().isEmpty()) {
        r.error = QStringLiteral("no host given");
        return r;
    }
    SshConnectParams params;
    params.user = request.user;
    params.host = request.host.trimmed();
    params.port = request.port;
    params.identityFile = request.identityFile;
    params.knownHostsFile = request.knownHostsFile;
    params.acceptNewHostKey = request.acceptNewHostKey;
    params.prompter = request.prompter;
    params.connectTimeoutMs = request.connectTimeoutMs;
    SecretCache secrets; // this listing only; wiped when it ends
    SshSession session(params, cancel, &secrets);
    QString message;
    const SshSession::Result connected = session.connect(&message);
    if (connected == SshSession::Result::Cancelled || isCancelled(cancel)) {
        r.error = QStringLiteral("cancelled");
        return r;
    }
    if (connected != SshSession::Result::Ok) {
        r.error = plainText(message, 1000);
        return r;
    }
    r.where = session.address();
    Output o;
    QString error;
    if (r.engine.isEmpty()) {
        Output probe;
        const Ended ended = runOverSsh(session, RemoteCommands::detectEngine().sshCommandLine(),
                                       request.commandTimeoutMs, cancel, &probe, &error);
        if (ended != Ended::Finished)
            return finish(std::move(r), ended, probe, error, request.commandTimeoutMs);
        const QString path = QString::fromUtf8(probe.out.left(4096)).trimmed().section(QLatin1Char('\n'), 0, 0);
        const QString name = QFileInfo(path).fileName();
        if (name != QLatin1String("docker") && name != QLatin1String("podman")) {
            r.error = QStringLiteral("neither docker nor podman was found in the PATH of %1").arg(r.where);
            return r;
        }
        r.engine = name;
    }
    const Ended ended = runOverSsh(session, ContainerLister::psCommand(r.engine, request.sudo).sshCommandLine(),
                                   request.commandTimeoutMs, cancel, &o, &error);
    return finish(std::move(r), ended, o, error, request.commandTimeoutMs);
}

} // namespace

struct ContainerLister::Run
{
    std::atomic<bool> cancel {false};
    std::unique_ptr<GuardedPrompter> prompter;
    QThread* thread = nullptr;

    void stop()
    {
        cancel = true;
        if (prompter)
            prompter->cancelPending();
    }
};

ContainerLister::ContainerLister(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<ContainerListResult>("heapwatch::ContainerListResult");
}

ContainerLister::~ContainerLister()
{
    for (const auto& run : m_runs)
        run->stop();
    for (const auto& run : m_runs) {
        run->thread->wait();
        delete run->thread;
    }
}

RemoteCommand ContainerLister::psCommand(const QString& engine, bool sudo)
{
    RemoteCommand c;
    c.argv = QStringList {engine, QStringLiteral("ps"), QStringLiteral("--format"), QStringLiteral("{{json .}}")};
    c.sudo = sudo;
    return c;
}

ContainerListResult ContainerLister::list(const ContainerListRequest& request, const std::atomic<bool>* cancel)
{
    if (!validEngine(request.engine)) {
        ContainerListResult r;
        r.error = QStringLiteral("unknown engine '%1': use docker or podman").arg(plainText(request.engine, 40));
        return r;
    }
    return request.local ? listLocally(request, cancel) : listOverSsh(request, cancel);
}

void ContainerLister::start(const ContainerListRequest& request)
{
    cancel();
    auto run = std::make_shared<Run>();
    ContainerListRequest req = request;
    if (request.prompter) {
        request.prompter->resetCancel();
        run->prompter = std::make_unique<GuardedPrompter>(request.prompter);
        req.prompter = run->prompter.get();
    }
    Run* raw = run.get();
    run->thread = QThread::create([this, raw, req] {
        ContainerListResult result = list(req, &raw->cancel);
        // Queued to this object: dropped by Qt if the lister is gone (its destructor waits for us first).
        QMetaObject::invokeMethod(
            this,
            [this, raw, result] {
                if (m_current.get() != raw)
                    return; // cancelled meanwhile
                m_current.reset();
                reap();
                Q_EMIT finished(result);
            },
            Qt::QueuedConnection);
    });
    run->thread->setObjectName(QStringLiteral("heapwatch-ps"));
    connect(run->thread, &QThread::finished, this, &ContainerLister::reap, Qt::QueuedConnection);
    m_current = run;
    m_runs.push_back(run);
    run->thread->start();
}

void ContainerLister::cancel()
{
    if (m_current) {
        m_current->stop();
        m_current.reset();
    }
}

void ContainerLister::reap()
{
    for (auto it = m_runs.begin(); it != m_runs.end();) {
        if ((*it)->thread->isFinished() && *it != m_current) {
            (*it)->thread->wait();
            delete (*it)->thread;
            it = m_runs.erase(it);
        } else {
            ++it;
        }
    }
}

} // namespace heapwatch
