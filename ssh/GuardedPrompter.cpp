#include "GuardedPrompter.h"

#include <QThread>

namespace heapwatch {

GuardedPrompter::Busy::Busy(GuardedPrompter* owner)
    : p(owner)
{
    ++p->m_busy;
}

GuardedPrompter::Busy::~Busy()
{
    --p->m_busy;
}

GuardedPrompter::GuardedPrompter(Prompter* inner)
    : m_inner(inner)
{
}

HostKeyDecision GuardedPrompter::confirmHostKey(const HostKeyQuestion& q)
{
    Busy b(this);
    return m_cancelled ? HostKeyDecision::Reject : m_inner->confirmHostKey(q);
}

std::optional<QString> GuardedPrompter::askSecret(const SecretQuestion& q)
{
    Busy b(this);
    return m_cancelled ? std::nullopt : m_inner->askSecret(q);
}

void GuardedPrompter::secretAccepted(const SecretQuestion& q, const QString& s)
{
    Busy b(this);
    if (!m_cancelled) {
        m_inner->secretAccepted(q, s);
    }
}

void GuardedPrompter::secretRejected(const SecretQuestion& q)
{
    Busy b(this);
    if (!m_cancelled) {
        m_inner->secretRejected(q);
    }
}

void GuardedPrompter::cancelPending()
{
    m_cancelled = true;
    if (m_busy > 0) {
        m_inner->cancelPending();
        m_cancelledInner = true;
    }
}

void GuardedPrompter::resetCancel()
{
    if (m_cancelledInner) {
        m_inner->resetCancel();
    }
}

void GuardedPrompter::detach()
{
    cancelPending();
    // A question that entered before the cancel returns at once now (GuiPrompter wakes it, the terminal
    // prompter polls every 100 ms); one that enters later sees m_cancelled and never reaches m_inner.
    while (m_busy > 0) {
        QThread::msleep(1);
    }
    resetCancel();
}

} // namespace heapwatch
