// A container on an SSH host. The work happens in the host's worker thread (SshHost, shared with the
// other containers on the same host); this object only registers the container and relays its results.
#pragma once

#include "ContainerStreams.h"
#include "Source.h"
#include "SshHost.h"

#include <memory>

namespace heapwatch {

class NonInteractivePrompter;
class TargetLink;

class SshSource : public Source
{
    Q_OBJECT
public:
    // Without options.connect.prompter, a NonInteractivePrompter owned by this source answers.
    SshSource(SshHostOptions options, StreamsConfig config, QString name, QObject* parent = nullptr);
    ~SshSource() override;

    void start() override;
    void stop() override;
    QString targetName() const override { return m_name; }

private:
    SshHostOptions m_options;
    StreamsConfig m_config;
    QString m_name;
    std::unique_ptr<NonInteractivePrompter> m_ownPrompter;
    std::shared_ptr<TargetLink> m_link;
    std::shared_ptr<SshHost> m_host;
    int m_targetId = -1;
};

} // namespace heapwatch
