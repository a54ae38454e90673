#include "TargetLauncher.h"

#include "GuiPrompter.h"
#include "HistoryStore.h"
#include "SessionStore.h"
#include "SourceFactory.h"
#include "Target.h"
#include "TargetSpec.h"

#include <QWidget>

namespace heapwatch {

TargetLauncher::TargetLauncher(QWidget* dialogParent, QObject* parent)
    : QObject(parent)
    , m_dialogParent(dialogParent)
{
}

TargetLauncher::~TargetLauncher()
{
    for (GuiPrompter* p : std::as_const(m_prompters))
        p->cancelPending();
}

Target* TargetLauncher::create(const TargetConfig& entry, QObject* targetParent, QString* error)
{
    GuiPrompter* prompter = nullptr;
    if (entry.kind == TargetConfig::Kind::Remote) {
        const QString host = hostKey(entry);
        prompter = m_prompters.value(host);
        if (!prompter) {
            prompter = new GuiPrompter(m_dialogParent, this);
            m_prompters.insert(host, prompter);
        }
        m_hostOfTarget.insert(entry.key(), host);
        prompter->resetCancel();
    }
    SourceContext context;
    context.prompter = prompter;
    std::unique_ptr<Source> source = createSource(entry, context, error);
    if (!source)
        return nullptr;
    const Thresholds thresholds = SessionStore::thresholds(entry.key()).value_or(Thresholds::defaults());
    return new Target(std::move(source), thresholds, targetParent);
}

void TargetLauncher::setHistoryStore(HistoryStore* store)
{
    m_history = store;
}

HistoryStore* TargetLauncher::historyStore() const
{
    return m_history.data();
}

void TargetLauncher::start(Target* target, const TargetConfig& entry)
{
    if (m_history && m_history->isOpen() && entry.kind == TargetConfig::Kind::Remote)
        target->recordHistory(m_history, entry.key(), entry.displayName());
    target->start();
}

void TargetLauncher::dispose(Target* target)
{
    target->stop();
    target->deleteLater();
}

QString TargetLauncher::hostKey(const TargetConfig& entry)
{
    QString error;
    const std::optional<TargetSpec> spec = TargetSpec::parse(entry.location, &error);
    if (!spec || spec->kind != TargetSpec::Kind::Ssh)
        return entry.key();
    return QStringList {spec->user,         spec->host,           QString::number(spec->port),
                        entry.identityFile, entry.knownHostsFile, QString::number(entry.acceptNewHostKey)}
        .join(QChar(0x1f));
}

void TargetLauncher::cancelPrompts(const QString& key)
{
    if (GuiPrompter* p = m_prompters.value(m_hostOfTarget.value(key)))
        p->cancelPending();
}

void TargetLauncher::forget(const QString& key)
{
    const QString host = m_hostOfTarget.take(key);
    for (const QString& other : std::as_const(m_hostOfTarget)) {
        if (other == host)
            return; // another target of this host still uses its prompter (and its connections)
    }
    if (GuiPrompter* p = m_prompters.take(host)) {
        p->cancelPending();
        p->deleteLater();
    }
}

} // namespace heapwatch
