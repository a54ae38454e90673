#include "ServeSession.h"

#include "MetricsServer.h"
#include "NonInteractivePrompter.h"
#include "SourceFactory.h"
#include "TargetSpec.h"

#include <QFileInfo>
#include <set>

namespace heapwatch {

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

std::optional<ServedTarget> ServeSession::create(const TargetConfig& config, const Thresholds& thresholds,
                                                 Prompter* prompter, QString* error)
{
    // A prompter that never prompts, rather than none: with none, a first connection that fails is final,
    // which suits `check` but not a daemon that must outlast a host being down when it starts. A scraped
    // demo keeps moving, or every scrape would show the same numbers.
    SourceContext context;
    context.prompter = prompter;
    context.liveDemo = true;
    QString why;
    std::unique_ptr<Source> source = createSource(config, context, &why);
    if (!source) {
        *error = QStringLiteral("%1: %2").arg(config.origin, why);
        return std::nullopt;
    }
    // The labels of its series: host and container as an operator names them.
    ServedTarget served;
    switch (config.kind) {
    case TargetConfig::Kind::Demo:
        served.host = QStringLiteral("demo");
        served.container = config.displayName();
        break;
    case TargetConfig::Kind::Replay:
        served.host = QStringLiteral("replay");
        served.container = QFileInfo(config.location).completeBaseName();
        break;
    case TargetConfig::Kind::Remote: {
        const auto spec = TargetSpec::parse(config.location, &why); // valid: the source was created
        served.host = spec->kind == TargetSpec::Kind::Local ? QStringLiteral("local") : spec->host;
        if (spec->kind == TargetSpec::Kind::Ssh && spec->port != 0 && spec->port != 22)
            served.host += QLatin1Char(':') + QString::number(spec->port);
        served.container = spec->container;
        break;
    }
    }
    served.target = std::make_unique<Target>(std::move(source), thresholds);
    return served;
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
    for (const TargetConfig& c : config.targets) {
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
    for (size_t i = 0; i < m_targets.size(); ++i) {
        const TargetConfig& c = config.targets[i];
        if (m_history && c.kind == TargetConfig::Kind::Remote)
            m_targets[i].target->recordHistory(m_history, c.key(), c.displayName());
        m_targets[i].target->start();
    }
    return true;
}

} // namespace heapwatch
