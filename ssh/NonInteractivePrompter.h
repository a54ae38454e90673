// The Prompter of `heapwatch check`: never shows a dialog. Unknown host keys are accepted only when the
// user passed --accept-new-host-key (OpenSSH's StrictHostKeyChecking=accept-new). Secrets are read from
// the controlling terminal with echo off, and only when stdin is a terminal: in cron, CI or a pipe, an
// encrypted key, a password or a keyboard-interactive server simply fail authentication.
#pragma once

#include "Prompter.h"

#include <atomic>

namespace heapwatch {

class NonInteractivePrompter : public Prompter
{
public:
    explicit NonInteractivePrompter(bool acceptNewHostKey, bool allowTerminal = true);

    HostKeyDecision confirmHostKey(const HostKeyQuestion& question) override;
    std::optional<QString> askSecret(const SecretQuestion& question) override;
    void cancelPending() override { m_cancelled = true; }
    void resetCancel() override { m_cancelled = false; }

private:
    // Reads one line from /dev/tty, polling so that cancelPending() can interrupt it.
    std::optional<QString> readTerminal(const QString& prompt, bool echo);

    bool m_acceptNew;
    bool m_allowTerminal;
    std::atomic<bool> m_cancelled {false};
};

} // namespace heapwatch
