#include "SnapshotCapture.h"

#include "OneShotCommand.h"
#include "PlainText.h"
#include "RemoteCommands.h"
#include "SshChannel.h"
#include "SshSession.h"
#include "TargetSpec.h"

#include <QElapsedTimer>
#include <QFile>
#include <QIODevice>
#include <QProcess>
#include <memory>

namespace heapwatch {
namespace {

using Outcome = SnapshotCaptureResult::Outcome;
using Kind = SnapshotHelperEvent::Kind;

// How long the helper gets, once its stdin is closed, to close the inspector and say so.
constexpr int kCleanupWaitMs = 10000;
constexpr int kWriteTimeoutMs = 10000;

// The helper's stdin, stdout and stderr, over an SSH channel or a local process.
class HelperPipe
{
public:
    virtual ~HelperPipe() = default;
    virtual bool read(QByteArray& out, QByteArray& err) = 0; // false: the connection failed
    virtual bool write(const QByteArray& bytes) = 0;
    virtual void closeInput() = 0;
    virtual bool finished() = 0;
    virtual int exitStatus() const = 0;
    virtual void wait(int ms) = 0;
};

class SshPipe : public HelperPipe
{
public:
    SshPipe(SshSession& session, std::unique_ptr<SshChannel> channel)
        : m_session(session)
        , m_channel(std::move(channel))
    {
    }
    bool read(QByteArray& out, QByteArray& err) override { return m_channel->read(out, err); }
    bool write(const QByteArray& bytes) override { return m_channel->write(m_session, bytes, kWriteTimeoutMs); }
    void closeInput() override { m_channel->sendEof(); }
    bool finished() override { return m_channel->isFinished(); }
    int exitStatus() const override { return m_channel->exitStatus(); }
    void wait(int ms) override { m_session.waitReadable(ms); }

private:
    SshSession& m_session;
    std::unique_ptr<SshChannel> m_channel;
};

class LocalPipe : public HelperPipe
{
public:
    bool start(const RemoteCommand& command, QString* error)
    {
        m_process.setProgram(command.localProgram());
        m_process.setArguments(command.localArguments());
        m_process.start(QIODevice::ReadWrite);
        if (!m_process.waitForStarted(5000)) {
            *error = QStringLiteral("cannot run %1: %2").arg(command.localProgram(), m_process.errorString());
            return false;
        }
        return true;
    }
    ~LocalPipe() override
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.closeWriteChannel();
            if (!m_process.waitForFinished(kCleanupWaitMs))
                m_process.kill();
            m_process.waitForFinished(1000);
        }
    }
    bool read(QByteArray& out, QByteArray& err) override
    {
        out += m_process.readAllStandardOutput();
        err += m_process.readAllStandardError();
        return true;
    }
    bool write(const QByteArray& bytes) override
    {
        m_process.write(bytes);
        return m_process.waitForBytesWritten(kWriteTimeoutMs);
    }
    void closeInput() override { m_process.closeWriteChannel(); }
    bool finished() override { return m_process.state() == QProcess::NotRunning; }
    int exitStatus() const override
    {
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : 128 + 9;
    }
    void wait(int ms) override
    {
        if (m_process.state() != QProcess::NotRunning)
            m_process.waitForReadyRead(ms);
    }

private:
    QProcess m_process;
};

bool isCancelled(const std::atomic<bool>* cancel)
{
    return cancel && cancel->load();
}

// Reads the helper to its end: stdout to out, stderr to events; answers the preflight.
void drive(HelperPipe& pipe, const SnapshotCaptureRequest& request, QIODevice* out, const std::atomic<bool>* cancel,
           SnapshotCaptureResult* r)
{
    SnapshotHelperOutput parser;
    QByteArray data, err;
    bool inputClosed = false;
    bool snapshotDone = false;
    QString helperError;
    QElapsedTimer timer;
    timer.start();
    QElapsedTimer closing; // since the input was closed
    const qint64 deadlineMs = qint64(request.helperTimeoutSeconds) * 1000 + 30000;
    auto stop = [&](Outcome outcome, const QString& message) {
        if (r->outcome == Outcome::Failed && r->message.isEmpty()) {
            r->outcome = outcome;
            r->message = message;
        }
        if (!inputClosed) {
            pipe.closeInput(); // the helper sees its stdin end: it closes the inspector and exits
            inputClosed = true;
            closing.start();
        }
    };
    for (;;) {
        // Asked before reading: what arrived with the end is still read below.
        const bool done = pipe.finished();
        data.clear();
        err.clear();
        const bool alive = pipe.read(data, err);
        if (!data.isEmpty()) {
            if (out->write(data) != data.size()) {
                stop(Outcome::Failed, QStringLiteral("cannot write the snapshot: %1").arg(out->errorString()));
            } else {
                r->bytes += data.size();
            }
        }
        for (const SnapshotHelperEvent& e : parser.feed(err)) {
            if (request.onEvent)
                request.onEvent(e);
            switch (e.kind) {
            case Kind::Inspector:
                r->inspector = e.text(QStringLiteral("state"));
                break;
            case Kind::Preflight: {
                r->memory = SnapshotHelperOutput::memoryOf(e);
                if (!r->memory.counted) { // first the figures; the objects are counted only if room is left
                    r->verdict = SnapshotPreflight::judgeBeforeCount(r->memory, request.limits);
                    if (!r->verdict.allowed) {
                        pipe.write(QByteArrayLiteral("stop\n"));
                        stop(Outcome::Refused, r->verdict.reason);
                    } else if (!pipe.write(QByteArrayLiteral("count\n"))) {
                        stop(Outcome::Failed, QStringLiteral("the helper stopped listening"));
                    }
                    break;
                }
                r->verdict = SnapshotPreflight::judge(r->memory, request.limits);
                if (!r->verdict.allowed) {
                    pipe.write(QByteArrayLiteral("stop\n"));
                    stop(Outcome::Refused, r->verdict.reason);
                } else if (request.confirm && !request.confirm(r->verdict)) {
                    pipe.write(QByteArrayLiteral("stop\n"));
                    stop(Outcome::Refused, QStringLiteral("not confirmed"));
                } else if (!pipe.write(QByteArrayLiteral("go\n"))) {
                    stop(Outcome::Failed, QStringLiteral("the helper stopped listening"));
                }
                break;
            }
            case Kind::Snapshot:
                if (e.text(QStringLiteral("state")) == QLatin1String("taken")) {
                    snapshotDone = true;
                    r->pauseMs = e.number(QStringLiteral("pause_ms"));
                }
                break;
            case Kind::Error:
            case Kind::Stopped:
                helperError = e.text(QStringLiteral("reason")).replace(QLatin1Char('_'), QLatin1Char(' '));
                break;
            default:
                break;
            }
        }
        if (!alive) {
            stop(Outcome::Failed, QStringLiteral("the connection failed during the snapshot"));
            break;
        }
        if (done)
            break;
        if (isCancelled(cancel))
            stop(Outcome::Cancelled, QStringLiteral("cancelled"));
        if (!inputClosed && timer.elapsed() > deadlineMs)
            stop(Outcome::Failed, QStringLiteral("the helper did not finish within %1 s").arg(deadlineMs / 1000));
        if (inputClosed && closing.elapsed() > kCleanupWaitMs)
            break;
        pipe.wait(20);
    }
    const int status = pipe.exitStatus();
    if (!r->message.isEmpty())
        return;
    if (status == 4) {
        r->outcome = Outcome::Refused;
        r->message = QStringLiteral("another snapshot of this container is running");
    } else if (status == 0 && snapshotDone && r->bytes > 0) {
        r->outcome = Outcome::Taken;
        r->message = QStringLiteral("%1 written; the app paused for %2 ms").arg(r->bytes).arg(r->pauseMs);
    } else {
        QString why = helperError.isEmpty() ? parser.lastForeignLine() : helperError;
        if (status == 127 || why.contains(QLatin1String("executable file not found")))
            why = QStringLiteral("no node in the container's PATH (%1)").arg(why);
        r->outcome = Outcome::Failed;
        r->message = QStringLiteral("the snapshot helper failed (exit status %1)%2")
                         .arg(status)
                         .arg(why.isEmpty() ? QString() : QStringLiteral(": ") + why);
    }
}

} // namespace

QByteArray SnapshotCapture::helperScript()
{
    QFile f(QStringLiteral(":/heapwatch/snapshot-helper.js"));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

RemoteCommand SnapshotCapture::helperCommand(const QString& engine, bool sudo, const QString& container,
                                             const QByteArray& script, int timeoutSeconds)
{
    RemoteCommand c;
    c.argv = QStringList {engine,
                          QStringLiteral("exec"),
                          QStringLiteral("-i"),
                          container,
                          QStringLiteral("node"),
                          QStringLiteral("-e"),
                          QString::fromUtf8(script),
                          QString::number(timeoutSeconds)};
    c.sudo = sudo;
    c.passStdin = true;
    return c;
}

SnapshotCaptureResult SnapshotCapture::run(const SnapshotCaptureRequest& request, QIODevice* out,
                                           const std::atomic<bool>* cancel)
{
    SnapshotCaptureResult r;
    QString why;
    const auto address = TargetSpec::parse(request.target.location, &why);
    if (!address) {
        r.message = plainText(why, 300);
        return r;
    }
    const QString engineOption = request.target.engine;
    if (!engineOption.isEmpty() && engineOption != QLatin1String("docker") && engineOption != QLatin1String("podman")) {
        r.message = QStringLiteral("unknown engine '%1': use docker or podman").arg(plainText(engineOption, 40));
        return r;
    }
    const QByteArray script = helperScript();
    if (script.isEmpty()) {
        r.message = QStringLiteral("the snapshot helper is missing from this build (resources not linked)");
        return r;
    }
    SnapshotTargetLock lock(request.target.key());
    if (!lock.acquired()) {
        r.outcome = Outcome::Refused;
        r.message = QStringLiteral("a snapshot of this target is already running");
        return r;
    }

    if (address->kind == TargetSpec::Kind::Local) {
        r.where = QStringLiteral("this machine");
        const QString engine = engineOption.isEmpty() ? RemoteCommands::localEngine() : engineOption;
        if (engine.isEmpty()) {
            r.message = QStringLiteral("neither docker nor podman is installed on this machine");
            return r;
        }
        LocalPipe pipe;
        if (!pipe.start(
                helperCommand(engine, request.target.sudo, address->container, script, request.helperTimeoutSeconds),
                &r.message))
            return r;
        drive(pipe, request, out, cancel, &r);
        return r;
    }

    SshConnectParams params = SshConnectParams::forTarget(*address, request.target, request.prompter);
    params.connectTimeoutMs = request.connectTimeoutMs;
    SecretCache secrets;
    SshSession session(params, cancel, &secrets);
    QString message;
    const SshSession::Result connected = session.connect(&message);
    if (connected == SshSession::Result::Cancelled || isCancelled(cancel)) {
        r.outcome = Outcome::Cancelled;
        r.message = QStringLiteral("cancelled");
        return r;
    }
    if (connected != SshSession::Result::Ok) {
        r.message = plainText(message, 1000);
        return r;
    }
    r.where = session.address();
    QString engine = engineOption;
    QString error;
    if (engine.isEmpty()) {
        OneShotCommand::Ended probed = OneShotCommand::Ended::Failed;
        engine = OneShotCommand::detectEngine(session, request.connectTimeoutMs, cancel, &probed, &error);
        if (engine.isEmpty()) {
            r.message = probed == OneShotCommand::Ended::Finished
                ? QStringLiteral("neither docker nor podman was found in the PATH of %1").arg(r.where)
                : QStringLiteral("could not detect the container engine on %1 %2").arg(r.where, error);
            return r;
        }
    }
    auto channel = SshChannel::exec(
        session,
        helperCommand(engine, request.target.sudo, address->container, script, request.helperTimeoutSeconds)
            .sshCommandLine(),
        &error);
    if (!channel) {
        r.message = plainText(error, 400);
        return r;
    }
    SshPipe pipe(session, std::move(channel));
    drive(pipe, request, out, cancel, &r);
    return r;
}

} // namespace heapwatch
