#include "ServeSession.h"

#include "DemoSource.h"
#include "MetricsServer.h"
#include "NonInteractivePrompter.h"
#include "RemoteSource.h"
#include "ReplaySource.h"
#include "TargetSpec.h"

#include <QFileInfo>
#include <set>

namespace heapwatch {
namespace {

std::optional<ServedTarget> createRemote(const ServeTargetConfig& config, const Thresholds& thresholds,
                                         Prompter* prompter, QString* error)
{
    QString why;
    const auto spec = TargetSpec::parse(config.target, &why);
    if (!spec) {
        *error = QStringLiteral("%1: %2").arg(config.origin, why);
        return std::nullopt;
    }
    RemoteOptions options;
    options.target = config.target;
    options.identityFile = config.identityFile;
    options.knownHostsFile = config.knownHostsFile;
    options.acceptNewHostKey = config.acceptNewHostKey;
    options.engine = config.engine;
    options.sudo = config.sudo;
    options.sinceSeconds = config.sinceSeconds;
    // A prompter that never prompts, rather than none: with none, a first connection that fails is final,
    // which suits `check` but not a daemon that must outlast a host being down when it starts.
    options.prompter = prompter;
    std::unique_ptr<Source> source = createRemoteSource(options, &why);
    if (!source) {
        *error = QStringLiteral("%1: %2").arg(config.origin, why);
        return std::nullopt;
    }
    ServedTarget served;
    served.host = spec->kind == TargetSpec::Kind::Local ? QStringLiteral("local") : spec->host;
    if (spec->kind == TargetSpec::Kind::Ssh && spec->port != 0 && spec->port != 22)
        served.host += QLatin1Char(':') + QString::number(spec->port);
    served.container = spec->container;
    served.target = std::make_unique<Target>(std::move(source), thresholds);
    return served;
}

} // namespace

ServeSession::ServeSession(QObject* parent)
    : QObject(parent)
{
    // Never reads a terminal: under systemd there is none, and a daemon must not block on a question.
    m_prompter = std::make_unique<NonInteractivePrompter>(false, false);
}

ServeSession::~ServeSession()
{
    m_server.reset();
    for (ServedTarget& t : m_targets)
        t.target->stop();
}

std::optional<ServedTarget> ServeSession::create(const ServeTargetConfig& config, const Thresholds& thresholds,
                                                 Prompter* prompter, QString* error)
{
    ServedTarget served;
    switch (config.kind) {
    case ServeTargetConfig::Kind::Demo: {
        DemoOptions options;
        options.live = true; // a scraped demo must keep moving, or every scrape would show the same numbers
        served.host = QStringLiteral("demo");
        served.container = options.container;
        served.target = std::make_unique<Target>(std::make_unique<DemoSource>(options), thresholds);
        return served;
    }
    case ServeTargetConfig::Kind::Replay: {
        if (!QFileInfo(config.target).isReadable()) {
            *error = QStringLiteral("%1: cannot read %2").arg(config.origin, config.target);
            return std::nullopt;
        }
        if (!config.statsPath.isEmpty() && !QFileInfo(config.statsPath).isReadable()) {
            *error = QStringLiteral("%1: cannot read %2").arg(config.origin, config.statsPath);
            return std::nullopt;
        }
        served.host = QStringLiteral("replay");
        served.container = QFileInfo(config.target).completeBaseName();
        served.target
            = std::make_unique<Target>(std::make_unique<ReplaySource>(config.target, config.statsPath), thresholds);
        return served;
    }
    case ServeTargetConfig::Kind::Remote:
        return createRemote(config, thresholds, prompter, error);
    }
    return std::nullopt;
}

bool ServeSession::start(const ServeConfig& config, const QHostAddress& address, quint16 port, const QByteArray& token,
                         QString* error)
{
    if (config.targets.empty()) {
        *error = QStringLiteral("nothing to watch: give TARGET arguments, --demo, --replay FILE or a --config file "
                                "with \"targets\"");
        return false;
    }
    std::set<std::pair<QString, QString>> labels;
    for (const ServeTargetConfig& c : config.targets) {
        const auto thresholds = config.thresholdsFor(c, error);
        if (!thresholds)
            return false;
        auto served = create(c, *thresholds, m_prompter.get(), error);
        if (!served)
            return false;
        // Two targets with the same labels would be one series with two values: Prometheus rejects the page.
        if (!labels.insert({served->host, served->container}).second) {
            *error = QStringLiteral("%1: another target already has host=\"%2\" container=\"%3\"")
                         .arg(c.origin, served->host, served->container);
            return false;
        }
        m_targets.push_back(std::move(*served));
    }
    m_server = std::make_unique<MetricsServer>(m_targets, token);
    m_server->setExposeLogs(config.exposeLogs);
    m_port = m_server->listen(address, port);
    if (m_port == 0) {
        *error = QStringLiteral("cannot listen on %1:%2 (in use, or not an address of this machine)")
                     .arg(address.toString())
                     .arg(port);
        return false;
    }
    for (ServedTarget& t : m_targets)
        t.target->start();
    return true;
}

} // namespace heapwatch
