#include "SshSource.h"

#include "NonInteractivePrompter.h"
#include "TargetLink.h"

namespace heapwatch {

SshSource::SshSource(SshHostOptions options, StreamsConfig config, QString name, QObject* parent)
    : Source(parent)
    , m_options(std::move(options))
    , m_config(std::move(config))
    , m_name(std::move(name))
{
    qRegisterMetaType<IngestBatch>();
    qRegisterMetaType<ConnectionStatus>();
    if (!m_options.connect.prompter) {
        m_ownPrompter = std::make_unique<NonInteractivePrompter>(m_options.connect.acceptNewHostKey);
        m_options.connect.prompter = m_ownPrompter.get();
    }
}

SshSource::~SshSource()
{
    stop();
}

void SshSource::start()
{
    if (m_host) {
        return;
    }
    m_link = std::make_shared<TargetLink>(this);
    m_host = SshHost::acquire(m_options);
    m_targetId = m_host->addTarget(m_config, m_link);
}

void SshSource::stop()
{
    if (!m_host) {
        return;
    }
    m_link->detach();
    m_host->removeTarget(m_targetId);
    m_host.reset(); // the last source of a host lets its worker finish on its own
    m_link.reset();
    m_targetId = -1;
}

} // namespace heapwatch
