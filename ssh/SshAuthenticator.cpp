#include "SshAuthenticator.h"

#include "LibSsh.h"
#include "PlainText.h"
#include "Prompter.h"
#include "SshSession.h"

namespace heapwatch {

namespace {

constexpr int kAuthTimeoutMs = 60000; // per step; prompts are answered inside and may take a while

QString methodNames(int methods)
{
    QStringList names;
    if (methods & SSH_AUTH_METHOD_PUBLICKEY) {
        names << QStringLiteral("publickey");
    }
    if (methods & SSH_AUTH_METHOD_INTERACTIVE) {
        names << QStringLiteral("keyboard-interactive");
    }
    if (methods & SSH_AUTH_METHOD_PASSWORD) {
        names << QStringLiteral("password");
    }
    if (methods & SSH_AUTH_METHOD_GSSAPI_MIC) {
        names << QStringLiteral("gssapi-with-mic");
    }
    if (methods & SSH_AUTH_METHOD_HOSTBASED) {
        names << QStringLiteral("hostbased");
    }
    return names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", "));
}

} // namespace

SshAuthenticator::SshAuthenticator(SshSession& session, Prompter* prompter, SecretCache* secrets)
    : m_session(session)
    , m_prompter(prompter)
    , m_secrets(secrets)
{
}

SecretQuestion SshAuthenticator::question(int kind) const
{
    SecretQuestion q;
    q.kind = SecretQuestion::Kind(kind);
    q.user = m_session.user();
    q.host = m_session.m_host;
    q.port = m_session.m_port;
    return q;
}

int SshAuthenticator::tryNone()
{
    ssh_session s = m_session.handle();
    return m_session.retry([s] { return ssh_userauth_none(s, nullptr); }, SSH_AUTH_AGAIN, kAuthTimeoutMs);
}

int SshAuthenticator::tryPublicKey()
{
    ssh_session s = m_session.handle();
    m_tried << QStringLiteral("publickey (agent and identity files)");
    m_session.m_passphraseAsked = false;
    const int rc = m_session.retry([s] { return ssh_userauth_publickey_auto(s, nullptr, nullptr); }, SSH_AUTH_AGAIN,
                                   kAuthTimeoutMs);
    if (m_session.m_passphraseAsked) {
        SecretQuestion q = question(int(SecretQuestion::Kind::KeyPassphrase));
        q.rememberKey = QStringLiteral("ssh-passphrase:%1@%2:%3").arg(q.user, q.host).arg(q.port);
        if (rc == SSH_AUTH_SUCCESS) {
            if (m_secrets) {
                m_secrets->passphrase = m_session.m_passphraseTyped;
            }
            if (m_prompter) {
                m_prompter->secretAccepted(q, m_session.m_passphraseTyped);
            }
        } else if (m_prompter) {
            m_prompter->secretRejected(q);
        }
        m_session.m_passphraseTyped.fill(QChar(0));
        m_session.m_passphraseTyped.clear();
    }
    return rc;
}

int SshAuthenticator::tryKeyboardInteractive()
{
    ssh_session s = m_session.handle();
    m_tried << QStringLiteral("keyboard-interactive");
    int rc = m_session.retry([s] { return ssh_userauth_kbdint(s, nullptr, nullptr); }, SSH_AUTH_AGAIN, kAuthTimeoutMs);
    int rounds = 0;
    while (rc == SSH_AUTH_INFO && ++rounds < 32) {
        // Name, instruction and prompts are the server's text, shown on a terminal or in a dialog.
        const QString name = oneLine(QString::fromUtf8(ssh_userauth_kbdint_getname(s)), 200);
        const QString instruction = plainLines(QString::fromUtf8(ssh_userauth_kbdint_getinstruction(s)), 2000);
        const int n = ssh_userauth_kbdint_getnprompts(s);
        for (int i = 0; i < n; ++i) {
            char echo = 0;
            const char* prompt = ssh_userauth_kbdint_getprompt(s, unsigned(i), &echo);
            if (!m_prompter) {
                return SSH_AUTH_DENIED;
            }
            SecretQuestion q = question(int(SecretQuestion::Kind::KeyboardInteractive));
            q.prompt = oneLine(QString::fromUtf8(prompt), 400);
            q.instruction = QStringList {name, instruction}.join(QLatin1Char('\n')).trimmed();
            q.echo = echo != 0;
            q.attempt = rounds;
            std::optional<QString> answer = m_prompter->askSecret(q);
            if (!answer) {
                return SSH_AUTH_DENIED;
            }
            QByteArray bytes = answer->toUtf8();
            ssh_userauth_kbdint_setanswer(s, unsigned(i), bytes.constData());
            bytes.fill('\0');
            answer->fill(QChar(0));
        }
        rc = m_session.retry([s] { return ssh_userauth_kbdint(s, nullptr, nullptr); }, SSH_AUTH_AGAIN, kAuthTimeoutMs);
    }
    return rc;
}

int SshAuthenticator::tryPassword()
{
    ssh_session s = m_session.handle();
    m_tried << QStringLiteral("password");
    for (int attempt = 1; attempt <= 3; ++attempt) {
        SecretQuestion q = question(int(SecretQuestion::Kind::Password));
        q.prompt = QStringLiteral("Password for %1@%2:").arg(q.user, q.host);
        q.attempt = attempt;
        q.rememberKey = QStringLiteral("ssh-password:%1@%2:%3").arg(q.user, q.host).arg(q.port);
        std::optional<QString> pw;
        const bool fromCache = attempt == 1 && m_secrets && m_secrets->password;
        if (fromCache) {
            pw = m_secrets->password;
        } else if (m_prompter) {
            pw = m_prompter->askSecret(q);
        }
        if (!pw) {
            return SSH_AUTH_DENIED;
        }
        QByteArray bytes = pw->toUtf8();
        const char* data = bytes.constData();
        const int rc = m_session.retry([s, data] { return ssh_userauth_password(s, nullptr, data); }, SSH_AUTH_AGAIN,
                                       kAuthTimeoutMs);
        bytes.fill('\0');
        if (rc == SSH_AUTH_SUCCESS) {
            if (m_secrets) {
                m_secrets->password = *pw;
            }
            if (m_prompter && !fromCache) {
                m_prompter->secretAccepted(q, *pw);
            }
            pw->fill(QChar(0));
            return rc;
        }
        pw->fill(QChar(0));
        if (fromCache) {
            m_secrets->password.reset();
        } else if (m_prompter) {
            m_prompter->secretRejected(q);
        }
        if (rc != SSH_AUTH_DENIED) {
            return rc;
        }
    }
    return SSH_AUTH_DENIED;
}

SshAuthenticator::Outcome SshAuthenticator::run(QString* message)
{
    ssh_session s = m_session.handle();
    int rc = tryNone();
    if (rc == SSH_AUTH_SUCCESS) {
        return Outcome::Success;
    }
    if (rc == SSH_AUTH_ERROR) {
        *message = QStringLiteral("connection to %1 failed during authentication: %2")
                       .arg(m_session.address(), m_session.errorString());
        return Outcome::Error;
    }
    const int offered = ssh_userauth_list(s, nullptr);
    bool triedPublicKey = false;
    bool triedKbd = false;
    bool triedPassword = false;
    // PARTIAL means "this method is fine, now another one": re-read the list and continue.
    for (int step = 0; step < 6 && !m_session.cancelled(); ++step) {
        const int methods = ssh_userauth_list(s, nullptr);
        if ((methods & SSH_AUTH_METHOD_PUBLICKEY) && !triedPublicKey) {
            triedPublicKey = true;
            rc = tryPublicKey();
        } else if ((methods & SSH_AUTH_METHOD_INTERACTIVE) && !triedKbd) {
            triedKbd = true;
            rc = tryKeyboardInteractive();
        } else if ((methods & SSH_AUTH_METHOD_PASSWORD) && !triedPassword) {
            triedPassword = true;
            rc = tryPassword();
        } else {
            break;
        }
        if (rc == SSH_AUTH_SUCCESS) {
            return Outcome::Success;
        }
        if (rc == SSH_AUTH_ERROR) {
            *message = QStringLiteral("connection to %1 failed during authentication: %2")
                           .arg(m_session.address(), m_session.errorString());
            return Outcome::Error;
        }
    }
    *message = QStringLiteral("authentication failed for %1@%2 (the server accepts: %3; tried: %4)")
                   .arg(m_session.user(), m_session.address(), methodNames(offered),
                        m_tried.isEmpty() ? QStringLiteral("none") : m_tried.join(QStringLiteral(", ")));
    return Outcome::Denied;
}

} // namespace heapwatch
