// Questions the SSH layer asks a human: trust an unknown host key, type a passphrase, a password or a
// keyboard-interactive answer. The GUI implements this with dialogs, `check` with NonInteractivePrompter.
//
// Threading: every method except cancelPending() is called from a host's worker thread and may block it
// until the user answers. An implementation that shows dialogs must not answer through a blocking queued
// call: stopping a host or a listing calls cancelPending() from the stopping thread and then waits for the
// question in progress to return (GuardedPrompter::detach), so that the prompter may be deleted right
// after; a pending question must return (Reject / nullopt) promptly after cancelPending().
#pragma once

#include <QString>
#include <optional>

namespace heapwatch {

struct HostKeyQuestion
{
    QString host; // as connected to: "127.0.0.1"
    int port = 22;
    QString keyType; // "ssh-ed25519"
    QString fingerprint; // "SHA256:…", as OpenSSH prints it
    QString knownHostsFile; // where the key is written after AcceptAndSave
};

enum class HostKeyDecision
{
    Reject,
    AcceptOnce, // trust for this connection only (reconnects ask again)
    AcceptAndSave, // append the key to the known_hosts file
};

struct SecretQuestion
{
    enum class Kind
    {
        KeyPassphrase,
        Password,
        KeyboardInteractive
    };
    Kind kind = Kind::Password;
    QString user;
    QString host;
    int port = 22;
    QString prompt; // the text to show ("Password:", libssh's passphrase prompt, the server's prompt)
    QString instruction; // keyboard-interactive: the server's name and instruction, may be empty
    bool echo = false; // keyboard-interactive: the server allows the answer to be shown
    int attempt = 1; // 2, 3 after a rejected answer
    // A stable key for a keyring entry ("ssh-password:user@host:port"); empty when the answer must not be
    // remembered (keyboard-interactive answers are often one-time codes).
    QString rememberKey;
};

class Prompter
{
public:
    virtual ~Prompter() = default;

    virtual HostKeyDecision confirmHostKey(const HostKeyQuestion& question) = 0;
    // nullopt: the user cancelled (that authentication method is skipped).
    virtual std::optional<QString> askSecret(const SecretQuestion& question) = 0;

    // The server accepted / rejected the answer to question: a GUI may store it in the keyring (opt-in, see
    // SecretStore) or forget a stored one. Default: nothing.
    virtual void secretAccepted(const SecretQuestion& question, const QString& secret);
    virtual void secretRejected(const SecretQuestion& question);

    // Make pending and future questions return at once (Reject / nullopt) until resetCancel(). Called from
    // the thread that stops a source.
    virtual void cancelPending() { }
    virtual void resetCancel() { }
};

} // namespace heapwatch
