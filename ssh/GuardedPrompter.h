// Wraps the user's Prompter for one host: forwards every question and knows whether the host is inside one,
// so that shutting the host down cancels only its own pending question (a GUI prompter is shared by hosts).
#pragma once

#include "Prompter.h"

#include <atomic>

namespace heapwatch {

class GuardedPrompter : public Prompter
{
public:
    explicit GuardedPrompter(Prompter* inner);

    // Questions go to the inner prompter unless the host is being stopped (then: Reject, no secret).
    HostKeyDecision confirmHostKey(const HostKeyQuestion& q) override;
    std::optional<QString> askSecret(const SecretQuestion& q) override;

    // What the server said of a secret: forwarded as they are (the keyring decision is the inner one's).
    void secretAccepted(const SecretQuestion& q, const QString& s) override;
    void secretRejected(const SecretQuestion& q) override;

    // From the thread that stops the host: no new question goes through, a pending one is cancelled.
    void cancelPending() override;
    void resetCancel() override;
    // cancelPending(), then waits until a question in progress has returned (promptly, by Prompter's
    // contract): afterwards nothing reaches the inner prompter any more, which may then be deleted.
    void detach();

private:
    struct Busy
    {
        explicit Busy(GuardedPrompter* owner);
        ~Busy();
        GuardedPrompter* p;
    };

    Prompter* m_inner;
    std::atomic<int> m_busy {0};
    std::atomic<bool> m_cancelled {false};
    std::atomic<bool> m_cancelledInner {false};
};

} // namespace heapwatch
