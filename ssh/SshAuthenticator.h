// The authentication chain OpenSSH users expect: none → public key (agent, then identity files, asking
// for passphrases) → keyboard-interactive → password, following the methods the server still allows.
#pragma once

#include <QString>
#include <QStringList>

namespace heapwatch {

class Prompter;
class SshSession;
struct SecretCache;
struct SecretQuestion;

class SshAuthenticator
{
public:
    enum class Outcome
    {
        Success,
        Denied,
        Error
    };

    SshAuthenticator(SshSession& session, Prompter* prompter, SecretCache* secrets);
    // On Denied, *message names the user, the host, what the server accepts and what was tried.
    Outcome run(QString* message);

private:
    int tryNone();
    int tryPublicKey();
    int tryKeyboardInteractive();
    int tryPassword();
    SecretQuestion question(int kind) const;

    SshSession& m_session;
    Prompter* m_prompter;
    SecretCache* m_secrets;
    QStringList m_tried;
};

} // namespace heapwatch
