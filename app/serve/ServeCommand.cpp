#include "ServeCommand.h"

#include "HistoryStore.h"
#include "ServeConfig.h"
#include "ServeSession.h"
#include "TargetOptions.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSocketNotifier>
#include <QTextStream>
#include <csignal>
#include <memory>
#include <sys/socket.h>
#include <unistd.h>

namespace heapwatch {
namespace {

constexpr int kUsageExit = 2;
constexpr int kRuntimeExit = 1;

int g_signalPipe[2] = {-1, -1};

void onQuitSignal(int)
{
    // Only async-signal-safe work here: the event loop picks the byte up and quits.
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(g_signalPipe[1], &byte, 1);
}

// SIGINT/SIGTERM end the event loop, so that the targets are stopped and every remote command ends with its
// channel (the docker CLI ignores SIGTERM while streaming: a killed heapwatch would leave it to sshd).
void quitOnSignals()
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return;
    auto* notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, QCoreApplication::instance());
    QObject::connect(notifier, &QSocketNotifier::activated, QCoreApplication::instance(),
                     [] { QCoreApplication::quit(); });
    struct sigaction action
    {
    };
    action.sa_handler = onQuitSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

// Connection changes go to stderr (the journal under systemd): the metrics say a target is down, the log
// says why. Only changes are written, so a target retrying every few seconds does not flood the journal.
void logConnections(const ServeSession& session, QTextStream& err)
{
    for (const ServedTarget& t : session.targets()) {
        auto last = std::make_shared<QString>();
        QObject::connect(t.target.get(), &Target::connectionChanged, t.target.get(),
                         [&err, last, name = t.target->name()](const ConnectionStatus& status) {
                             QString line = toString(status.state);
                             if (status.state == ConnectionStatus::State::Reconnecting && status.retryInSeconds > 0)
                                 line += QStringLiteral(" in %1 s").arg(status.retryInSeconds);
                             if (!status.message.isEmpty())
                                 line += QStringLiteral(": ") + status.message;
                             if (line == *last)
                                 return;
                             *last = line;
                             err << "heapwatch serve: " << name << ": " << line << '\n';
                             err.flush();
                         });
    }
}

int usage(QTextStream& err, const QString& reason)
{
    err << "heapwatch serve: " << reason << '\n';
    err.flush();
    return kUsageExit;
}

} // namespace

bool ServeCommand::readToken(const QString& file, const QString& env, QByteArray* token, QString* error,
                             QString* warning)
{
    token->clear();
    if (!file.isEmpty() && !env.isEmpty()) {
        *error = QStringLiteral("give a token file or a token variable, not both");
        return false;
    }
    if (!file.isEmpty()) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read the token file %1: %2").arg(file, f.errorString());
            return false;
        }
        *token = f.readAll().trimmed();
        if (QFileInfo(file).permissions() & QFileDevice::ReadOther)
            *warning = QStringLiteral("the token file %1 is readable by every user (chmod 600 it)").arg(file);
        if (token->isEmpty()) {
            *error = QStringLiteral("the token file %1 is empty").arg(file);
            return false;
        }
    } else if (!env.isEmpty()) {
        *token = qgetenv(env.toLocal8Bit().constData()).trimmed();
        if (token->isEmpty()) {
            *error = QStringLiteral("the environment variable %1 is not set or empty").arg(env);
            return false;
        }
    }
    return true;
}

int ServeCommand::run(const QStringList& arguments, QTextStream& out, QTextStream& err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Watch Node.js containers headless and export them for Prometheus: /metrics, "
                       "/api/v1/targets (the check --json object of every target) and /healthz."));
    parser.addHelpOption();
    const QCommandLineOption listen(QStringLiteral("listen"),
                                    QStringLiteral("Address to listen on (default 127.0.0.1:9464). Any other than "
                                                   "loopback should come with a token."),
                                    QStringLiteral("ADDR:PORT"));
    const QCommandLineOption config(QStringLiteral("config"), QStringLiteral("Targets and settings from a JSON file."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption tokenFile(QStringLiteral("token-file"),
                                       QStringLiteral("Require `Authorization: Bearer <token>`, token read from FILE."),
                                       QStringLiteral("FILE"));
    const QCommandLineOption tokenEnv(QStringLiteral("token-env"),
                                      QStringLiteral("Require a bearer token, read from environment variable VAR."),
                                      QStringLiteral("VAR"));
    const QCommandLineOption thresholds(QStringLiteral("thresholds"),
                                        QStringLiteral("Thresholds for every target (on top of the config file's)."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption exposeLogs(
        QStringLiteral("expose-logs"),
        QStringLiteral("Serve recent_problems (the application's log lines) in /api/v1/targets without a token."));
    parser.addOptions({listen, config, tokenFile, tokenEnv, exposeLogs, thresholds});
    const TargetOptions targetOptions;
    targetOptions.addTo(parser, true);

    if (!parser.parse(QStringList {QStringLiteral("heapwatch serve")} + arguments))
        return usage(err, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        QString help = parser.helpText();
        help.replace(QRegularExpression(QStringLiteral("^Usage: \\S+")), QStringLiteral("Usage: heapwatch serve"));
        out << help;
        out.flush();
        return 0;
    }

    QString error;
    ServeConfig settings;
    if (parser.isSet(config) && !settings.loadFile(parser.value(config), &error))
        return usage(err, error);
    if (parser.isSet(listen))
        settings.listen = parser.value(listen);
    if (parser.isSet(tokenFile) || parser.isSet(tokenEnv)) {
        settings.tokenFile = parser.value(tokenFile);
        settings.tokenEnv = parser.value(tokenEnv);
    }
    if (parser.isSet(exposeLogs))
        settings.exposeLogs = true;
    if (parser.isSet(thresholds)) {
        const auto layer = ServeConfig::readJsonObject(parser.value(thresholds), &error);
        if (!layer)
            return usage(err, error);
        settings.thresholdLayers.push_back(*layer);
    }
    const auto named = targetOptions.read(parser, &error);
    if (!named)
        return usage(err, error);
    settings.targets.insert(settings.targets.end(), named->begin(), named->end());

    QHostAddress address;
    quint16 port = 0;
    if (!ServeConfig::parseListen(settings.listen, &address, &port, &error))
        return usage(err, error);
    QByteArray token;
    QString warning;
    if (!readToken(settings.tokenFile, settings.tokenEnv, &token, &error, &warning))
        return usage(err, error);
    if (!warning.isEmpty())
        err << "heapwatch serve: warning: " << warning << '\n';
    if (!address.isLoopback() && token.isEmpty())
        err << "heapwatch serve: warning: listening on " << address.toString()
            << " without a bearer token: anyone who can reach this port can read the targets' state "
               "(set --token-file or --token-env, or a firewall)\n";

    quitOnSignals();
    // Remote targets record into the user's history store, as in the console; without it serve goes on.
    HistoryStore history;
    QString historyError;
    if (!history.open(&historyError))
        err << "heapwatch serve: warning: history is not kept on disk: " << history.path() << ": " << historyError
            << '\n';
    ServeSession session;
    session.setHistoryStore(history.isOpen() ? &history : nullptr);
    if (!session.start(settings, address, port, token, &error)) {
        err << "heapwatch serve: " << error << '\n';
        err.flush();
        return kRuntimeExit;
    }
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
        ? QLatin1Char('[') + address.toString() + QLatin1Char(']')
        : address.toString();
    err << "heapwatch serve: listening on http://" << host << ':' << session.port() << "/metrics"
        << (token.isEmpty() ? "" : " (bearer token required)") << ", watching";
    for (const ServedTarget& t : session.targets())
        err << ' ' << t.target->name();
    err << '\n';
    err.flush();
    logConnections(session, err);
    return QCoreApplication::exec();
}

} // namespace heapwatch
