#include "RemoteCheck.h"

#include "Duration.h"
#include "PlainText.h"
#include "RemoteSource.h"
#include "SafeMath.h"
#include "StreamHealth.h"
#include "Target.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QEventLoop>
#include <QRegularExpression>
#include <QTextStream>
#include <QTimeZone>
#include <QTimer>

namespace heapwatch {
namespace {

// Without --watch: how long to wait for the backfill and a first stats sample before judging what is there.
constexpr int kDefaultDeadlineMs = 60 * 1000;

const QString kSince = QStringLiteral("since");
const QString kWatch = QStringLiteral("watch");
const QString kIdentity = QStringLiteral("identity");
const QString kKnownHosts = QStringLiteral("known-hosts");
const QString kAcceptNew = QStringLiteral("accept-new-host-key");
const QString kEngine = QStringLiteral("engine");
const QString kSudo = QStringLiteral("sudo");

bool isFatal(ConnectionStatus::State s)
{
    return s == ConnectionStatus::State::AuthenticationFailed || s == ConnectionStatus::State::HostKeyRefused
        || s == ConnectionStatus::State::Failed;
}

} // namespace

QList<QCommandLineOption> RemoteCheck::options()
{
    return {
        QCommandLineOption(kSince, QStringLiteral("With TARGET: history to read on connect (default 1h)."),
                           QStringLiteral("DURATION"), QStringLiteral("1h")),
        QCommandLineOption(kWatch,
                           QStringLiteral("With TARGET: keep streaming this long before judging (default: until the "
                                          "history and one stats sample are in)."),
                           QStringLiteral("DURATION")),
        QCommandLineOption({QStringLiteral("i"), kIdentity}, QStringLiteral("SSH identity (private key) file."),
                           QStringLiteral("FILE")),
        QCommandLineOption(kKnownHosts, QStringLiteral("known_hosts file (default ~/.ssh/known_hosts)."),
                           QStringLiteral("FILE")),
        QCommandLineOption(kAcceptNew,
                           QStringLiteral("Trust and record the host key of a host not in known_hosts (as OpenSSH's "
                                          "accept-new). A changed key is always refused.")),
        QCommandLineOption(kEngine, QStringLiteral("docker or podman (default: detected on the host)."),
                           QStringLiteral("ENGINE")),
        QCommandLineOption(kSudo, QStringLiteral("Run the container CLI with sudo -n on the host.")),
    };
}

std::unique_ptr<Target> RemoteCheck::watch(const QString& spec, const QCommandLineParser& parser,
                                           const Thresholds& thresholds, QTextStream& err, QString* error)
{
    RemoteOptions options;
    options.target = spec;
    options.identityFile = parser.value(kIdentity);
    options.knownHostsFile = parser.value(kKnownHosts);
    options.acceptNewHostKey = parser.isSet(kAcceptNew);
    options.engine = parser.value(kEngine);
    options.sudo = parser.isSet(kSudo);
    if (!options.engine.isEmpty() && options.engine != QLatin1String("docker")
        && options.engine != QLatin1String("podman")) {
        *error = QStringLiteral("--engine must be docker or podman, not '%1'").arg(options.engine);
        return nullptr;
    }
    options.sinceSeconds = parseDuration(parser.value(kSince)).value_or(-1);
    if (options.sinceSeconds < 0) {
        *error = QStringLiteral("--since takes a duration such as 30m, 1h or 2d, not '%1'").arg(parser.value(kSince));
        return nullptr;
    }
    qint64 watchSeconds = -1;
    if (parser.isSet(kWatch)) {
        watchSeconds = parseDuration(parser.value(kWatch)).value_or(-1);
        if (watchSeconds < 0) {
            *error = QStringLiteral("--watch takes a duration such as 90s or 5m, not '%1'").arg(parser.value(kWatch));
            return nullptr;
        }
    }

    auto source = createRemoteSource(options, error);
    if (!source)
        return nullptr;
    auto target = std::make_unique<Target>(std::move(source), thresholds);

    QEventLoop loop;
    QString failure;
    bool backfilled = false;
    auto doneIfReady = [&] {
        if (watchSeconds < 0 && backfilled && !target->state().stats().isEmpty())
            loop.quit();
    };
    QObject::connect(target.get(), &Target::connectionChanged, &loop, [&](const ConnectionStatus& status) {
        using C = ConnectionStatus::Container;
        const bool noContainer = status.state == ConnectionStatus::State::Connected
            && (status.container == C::Absent || status.container == C::EngineError);
        if (isFatal(status.state)) {
            failure = status.message.isEmpty() ? toString(status.state) : oneLine(status.message);
            loop.quit();
        } else if (noContainer && watchSeconds < 0 && target->state().lastDataMs() < 0) {
            // A one-shot check does not wait for a container that is not there (serve and the console do).
            failure = oneLine(status.message);
            loop.quit();
        } else if (status.state == ConnectionStatus::State::Reconnecting && !status.message.isEmpty()) {
            err << "heapwatch check: " << oneLine(status.message) << "; reconnecting in " << status.retryInSeconds
                << " s\n";
            err.flush();
        }
    });
    QObject::connect(target.get(), &Target::backfillFinished, &loop, [&] {
        backfilled = true;
        doneIfReady();
    });
    QObject::connect(target.get(), &Target::changed, &loop, doneIfReady);
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    deadline.start(watchSeconds >= 0 ? int(std::min<qint64>(safe::mul(watchSeconds, 1000), INT_MAX))
                                     : kDefaultDeadlineMs);

    target->start();
    loop.exec();
    target->stop();

    if (!failure.isEmpty()) {
        *error = failure;
        return nullptr;
    }
    if (!backfilled && target->state().lastDataMs() < 0) {
        *error = QStringLiteral("no data from %1 within %2 s (%3)")
                     .arg(spec)
                     .arg(deadline.interval() / 1000)
                     .arg(toString(target->state().connection().state));
        return nullptr;
    }
    return target;
}

void RemoteCheck::addConnection(const Target& target, QJsonObject& report)
{
    if (!target.isLive() || target.state().connection().engine == QLatin1String("demo"))
        return;
    const ConnectionStatus& c = target.state().connection();
    QJsonObject connection;
    connection.insert(QStringLiteral("host"), c.host);
    connection.insert(QStringLiteral("engine"), c.engine);
    connection.insert(QStringLiteral("state"), toString(c.state));
    connection.insert(QStringLiteral("container"), toString(c.container));
    if (!c.message.isEmpty())
        connection.insert(QStringLiteral("message"), c.message);
    // Each stream's state (flowing, stale, waiting, down) and when it last delivered data.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QJsonObject streams;
    for (const StreamHealth& h : streamHealth(target.state(), now)) {
        QJsonObject stream;
        stream.insert(QStringLiteral("state"), toString(h.state));
        stream.insert(QStringLiteral("last_data_at"),
                      h.lastDataMs >= 0 ? QJsonValue(
                          QDateTime::fromMSecsSinceEpoch(h.lastDataMs, QTimeZone::utc()).toString(Qt::ISODateWithMs))
                                        : QJsonValue());
        if (h.expectedEveryMs > 0)
            stream.insert(QStringLiteral("expected_every_s"), double(h.expectedEveryMs) / 1000.0);
        streams.insert(toString(h.stream), stream);
    }
    if (!streams.isEmpty())
        connection.insert(QStringLiteral("streams"), streams);
    connection.insert(QStringLiteral("reconnects"), c.reconnects);
    connection.insert(QStringLiteral("bytes_received"), double(target.state().bytesReceived()));
    report.insert(QStringLiteral("connection"), connection);
}

} // namespace heapwatch
