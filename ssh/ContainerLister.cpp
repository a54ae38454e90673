#include "ContainerLister.h"

#include "GuardedPrompter.h"
#include "OneShotCommand.h"
#include "PlainText.h"
#include "RemoteCommands.h"
#include "SshSession.h"
#include "TargetSpec.h"
#include "ThreadReaper.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QProcess>
#include <QThread>

namespace heapwatch {

namespace {

using Ended = OneShotCommand::Ended;
using Output = OneShotCommand;

bool isCancelled(const std::atomic<bool>* cancel)
{
    return cancel && cancel->load();
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
    r.engine = request.target.engine.isEmpty() ? RemoteCommands::localEngine() : request.target.engine;
    if (r.engine.isEmpty()) {
        r.error = QStringLiteral("neither docker nor podman is installed on this machine");
        return r;
    }
    Output o;
    QString error;
    const Ended ended = runLocally(ContainerLister::psCommand(r.engine, request.target.sudo), request.commandTimeoutMs,
                                   cancel, &o, &error);
    return finish(std::move(r), ended, o, error, request.commandTimeoutMs);
}

ContainerListResult listOverSsh(const TargetSpec& address, const ContainerListRequest& request,
                                const std::atomic<bool>* cancel)
{
    ContainerListResult r;
    r.where = address.host;
    r.engine = request.target.engine;
    SshConnectParams params = SshConnectParams::forTarget(address, request.target, request.prompter);
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
        Ended probed = Ended::Failed;
        r.engine = OneShotCommand::detectEngine(session, request.commandTimeoutMs, cancel, &probed, &error);
        if (probed != Ended::Finished)
            return finish(std::move(r), probed, o, error, request.commandTimeoutMs);
        if (r.engine.isEmpty()) {
            r.error = QStringLiteral("neither docker nor podman was found in the PATH of %1").arg(r.where);
            return r;
        }
    }
    const Ended ended
        = OneShotCommand::run(session, ContainerLister::psCommand(r.engine, request.target.sudo),
                              request.commandTimeoutMs, ContainerLister::kMaxOutputBytes, cancel, &o, &error);
    return finish(std::move(r), ended, o, error, request.commandTimeoutMs);
}

} // namespace

// One listing, shared by the lister and its worker thread. The result is posted under the lock, so the
// lister cannot be destroyed between the check and the post; stop() makes sure nothing is posted after it.
struct ContainerLister::Run
{
    std::atomic<bool> cancel {false};
    std::unique_ptr<GuardedPrompter> prompter;
    QThread* thread = nullptr; // the lister's thread only: handed to ThreadReaper once, by stop() or deliver
    QMutex mutex;
    ContainerLister* owner = nullptr;

    void post(const ContainerListResult& result, const std::shared_ptr<Run>& self)
    {
        QMutexLocker lock(&mutex);
        if (owner)
            QMetaObject::invokeMethod(
                owner, [lister = owner, self, result] { lister->deliver(self, result); }, Qt::QueuedConnection);
    }
    // Returns at once: the worker sees the cancel at its next poll, closes its session and ends.
    void stop()
    {
        {
            QMutexLocker lock(&mutex);
            owner = nullptr;
        }
        cancel = true;
        if (prompter)
            prompter->detach(); // a pending question is answered "cancel"; the caller's prompter may go
        ThreadReaper::adopt(std::exchange(thread, nullptr));
    }
};

ContainerLister::ContainerLister(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<ContainerListResult>("heapwatch::ContainerListResult");
}

ContainerLister::~ContainerLister()
{
    cancel();
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
    ContainerListResult r;
    if (!validEngine(request.target.engine)) {
        r.error = QStringLiteral("unknown engine '%1': use docker or podman").arg(plainText(request.target.engine, 40));
        return r;
    }
    QString why;
    const auto address = TargetSpec::parse(request.target.location, &why, TargetSpec::Container::Optional);
    if (!address || (address->kind == TargetSpec::Kind::Ssh && address->host.isEmpty())) {
        r.error = address ? QStringLiteral("no host given") : plainText(why, 300);
        return r;
    }
    return address->kind == TargetSpec::Kind::Local ? listLocally(request, cancel)
                                                    : listOverSsh(*address, request, cancel);
}

void ContainerLister::start(const ContainerListRequest& request)
{
    cancel();
    auto run = std::make_shared<Run>();
    run->owner = this;
    ContainerListRequest req = request;
    if (request.prompter) {
        request.prompter->resetCancel();
        run->prompter = std::make_unique<GuardedPrompter>(request.prompter);
        req.prompter = run->prompter.get();
    }
    run->thread = QThread::create([run, req] { run->post(list(req, &run->cancel), run); });
    run->thread->setObjectName(QStringLiteral("heapwatch-ps"));
    m_current = run;
    run->thread->start();
}

void ContainerLister::cancel()
{
    if (m_current) {
        m_current->stop();
        m_current.reset();
    }
}

void ContainerLister::deliver(const std::shared_ptr<Run>& run, const ContainerListResult& result)
{
    if (m_current != run)
        return; // cancelled meanwhile
    m_current.reset();
    ThreadReaper::adopt(std::exchange(run->thread, nullptr)); // it ends right after posting this
    Q_EMIT finished(result);
}

} // namespace heapwatch
