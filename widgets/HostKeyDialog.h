// "The authenticity of host … can't be established": the SHA256 fingerprint of an unknown host key, and
// the choice to reject it, trust it once, or trust it and save it to known_hosts.
#pragma once

#include "Prompter.h"

#include <QDialog>

namespace heapwatch {

class HostKeyDialog : public QDialog
{
    Q_OBJECT
public:
    HostKeyDialog(const HostKeyQuestion& question, QWidget* parent = nullptr);

    HostKeyDecision decision() const { return m_decision; }

private:
    HostKeyDecision m_decision = HostKeyDecision::Reject;
};

} // namespace heapwatch
