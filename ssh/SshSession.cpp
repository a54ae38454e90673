#include "SshSession.h"

#include "HostKeyVerifier.h"
#include "PlainText.h"
#include "Prompter.h"
#include "SshAuthenticator.h"

#include <QDir>
#include <QElapsedTimer>
#include <QThread>
#include <cstring>
#include <openssl/crypto.h>
#include <poll.h>

namespace heapwatch {

void SecretCache::clear()
{
    for (auto* s : {&passphrase, &password}) {
        if (*s) {
            (*s)->fill(QChar(0));
            s->reset();
        }
    }
}

SshConnectParams SshConnectParams::forTarget(const TargetSpec& address, const TargetConfig& config, Prompter* prompter)
{
    SshConnectParams p;
    p.user = address.user;
    p.host = address.host;
    p.port = address.port;
    p.identityFile = config.identityFile;
    p.knownHostsFile = config.knownHostsFile;
    p.acceptNewHostKey = config.acceptNewHostKey;
    p.prompter = prompter;
    return p;
}

SshSession::SshSession(SshConnectParams params, const std::atomic<bool>* cancel, SecretCache* secrets)
    : m_params(std::move(params))
    , m_cancel(cancel)
    , m_secrets(secrets)
{
}

SshSession::~SshSession()
{
    m_passphraseTyped.fill(QChar(0));
    if (m_event) {
        ssh_event_remove_session(m_event, m_session.get());
        ssh_event_free(m_event);
    }
    m_session.reset();
    // libssh's OpenSSL keeps per-thread state (the thread's DRBGs, its error queue) that OpenSSL frees from
    // a pthread key destructor when the thread exits. QThread::wait() returns before those destructors
    // run, so a process that joins its SSH worker and exits at once races them against OPENSSL_cleanup(),
    // which at exit drops the stop handlers of threads still alive: that state then leaks (LeakSanitizer:
    // EVP_RAND_CTX_new under RAND_get0_public/private, from ssh_connect). Free it here, on the session's
    // own thread, while nothing else needs it; OpenSSL makes it again if this thread connects again.
    OPENSSL_thread_stop();
}

QString SshSession::address() const
{
    return QStringLiteral("%1:%2").arg(m_host).arg(m_port);
}

QString SshSession::errorString() const
{
    // libssh's error text can quote the server (its disconnect message): one plain line.
    return m_session ? oneLine(QString::fromUtf8(ssh_get_error(m_session.get())), 600) : QString();
}

bool SshSession::isAlive() const
{
    if (!m_session || !ssh_is_connected(m_session.get())) {
        return false;
    }
    return (ssh_get_status(m_session.get()) & (SSH_CLOSED | SSH_CLOSED_ERROR)) == 0;
}

bool SshSession::waitReadable(int timeoutMs) const
{
    if (m_event) {
        return ssh_event_dopoll(m_event, timeoutMs) != SSH_ERROR;
    }
    const int fd = m_session ? ssh_get_fd(m_session.get()) : -1;
    if (fd < 0) {
        QThread::msleep(static_cast<unsigned long>(qMin(timeoutMs, 20)));
        return true;
    }
    pollfd pfd {fd, POLLIN, 0};
    ::poll(&pfd, 1, timeoutMs);
    return true;
}

int SshSession::retry(const std::function<int()>& f, int again, int timeoutMs) const
{
    QElapsedTimer timer;
    timer.start();
    for (;;) {
        const int rc = f();
        if (rc != again) {
            return rc;
        }
        if (cancelled() || timer.elapsed() > timeoutMs) {
            return SSH_ERROR;
        }
        waitReadable(20);
    }
}

int SshSession::authCallback(const char* prompt, char* buf, size_t len, int echo, int, void* userdata)
{
    auto* self = static_cast<SshSession*>(userdata);
    if (len == 0) {
        return -1;
    }
    std::optional<QString> answer;
    if (self->m_secrets && self->m_secrets->passphrase) {
        answer = self->m_secrets->passphrase;
    } else if (self->m_params.prompter && !self->cancelled()) {
        SecretQuestion q;
        q.kind = SecretQuestion::Kind::KeyPassphrase;
        q.user = self->m_user;
        q.host = self->m_host;
        q.port = self->m_port;
        q.prompt = QString::fromUtf8(prompt).trimmed();
        q.echo = echo != 0;
        q.rememberKey = QStringLiteral("ssh-passphrase:%1@%2:%3").arg(self->m_user, self->m_host).arg(self->m_port);
        answer = self->m_params.prompter->askSecret(q);
        if (answer) {
            self->m_passphraseAsked = true;
            self->m_passphraseTyped = *answer;
        }
    }
    if (!answer) {
        return -1;
    }
    const QByteArray bytes = answer->toUtf8();
    if (size_t(bytes.size()) + 1 > len) {
        return -1;
    }
    std::memcpy(buf, bytes.constData(), size_t(bytes.size()));
    buf[bytes.size()] = '\0';
    QByteArray wipe = bytes;
    wipe.fill('\0');
    return 0;
}

bool SshSession::configure(QString* message)
{
    m_session.reset(ssh_new());
    ssh_session s = m_session.get();
    if (!s) {
        *message = QStringLiteral("libssh could not create a session");
        return false;
    }
    // HOST first so that ~/.ssh/config's Host blocks match it; the config next; then what the user gave
    // explicitly (target URL, -i, --known-hosts), which wins over the config as with OpenSSH.
    const QByteArray host = m_params.host.toUtf8();
    if (ssh_options_set(s, SSH_OPTIONS_HOST, host.constData()) != SSH_OK) {
        *message = QStringLiteral("invalid host '%1': %2").arg(m_params.host, errorString());
        return false;
    }
    // Compression (zlib after authentication, as OpenSSH's sshd offers by default): the log lines and stats a
    // target streams repeat themselves, so this divides the steady traffic several times over. ~/.ssh/config's
    // Compression, read next, can still turn it off.
    ssh_options_set(s, SSH_OPTIONS_COMPRESSION, "zlib@openssh.com,zlib,none");
    if (ssh_options_parse_config(s, nullptr) != SSH_OK) {
        *message = QStringLiteral("cannot read ~/.ssh/config: %1").arg(errorString());
        return false;
    }
    if (!m_params.user.isEmpty()) {
        ssh_options_set(s, SSH_OPTIONS_USER, m_params.user.toUtf8().constData());
    }
    if (m_params.port > 0) {
        const unsigned int port = unsigned(m_params.port);
        ssh_options_set(s, SSH_OPTIONS_PORT, &port);
    }
    if (!m_params.identityFile.isEmpty()) {
        ssh_options_set(s, SSH_OPTIONS_IDENTITY, QDir::cleanPath(m_params.identityFile).toUtf8().constData());
    }
    if (!m_params.knownHostsFile.isEmpty()) {
        ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, m_params.knownHostsFile.toUtf8().constData());
    }
    const long timeoutSec = qMax(1, m_params.connectTimeoutMs / 1000);
    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeoutSec);

    std::memset(&m_callbacks, 0, sizeof m_callbacks);
    m_callbacks.size = sizeof m_callbacks;
    m_callbacks.userdata = this;
    m_callbacks.auth_function = &SshSession::authCallback;
    ssh_set_callbacks(s, &m_callbacks);

    char* value = nullptr;
    if (ssh_options_get(s, SSH_OPTIONS_HOST, &value) == SSH_OK && value) {
        m_host = QString::fromUtf8(value);
        ssh_string_free_char(value);
    }
    unsigned int port = 22;
    if (ssh_options_get_port(s, &port) == SSH_OK) {
        m_port = int(port);
    }
    value = nullptr;
    if (ssh_options_get(s, SSH_OPTIONS_USER, &value) == SSH_OK && value) {
        m_user = QString::fromUtf8(value);
        ssh_string_free_char(value);
    }
    return true;
}

SshSession::Result SshSession::connect(QString* message)
{
    if (!configure(message)) {
        return Result::Failed;
    }
    ssh_session s = m_session.get();
    ssh_set_blocking(s, 0);
    const int rc = retry([s] { return ssh_connect(s); }, SSH_AGAIN, m_params.connectTimeoutMs);
    if (cancelled()) {
        return Result::Cancelled;
    }
    if (rc != SSH_OK) {
        const QString err = errorString();
        *message = QStringLiteral("cannot connect to %1: %2")
                       .arg(address(), err.isEmpty() ? QStringLiteral("timed out") : err);
        return Result::Unreachable;
    }

    char* kh = nullptr;
    if (ssh_options_get(s, SSH_OPTIONS_KNOWNHOSTS, &kh) == SSH_OK && kh) {
        m_knownHostsFile = QString::fromUtf8(kh);
        ssh_string_free_char(kh);
    } else {
        m_knownHostsFile = m_params.knownHostsFile.isEmpty() ? QDir::homePath() + QStringLiteral("/.ssh/known_hosts")
                                                             : m_params.knownHostsFile;
    }

    const auto hostKey
        = HostKeyVerifier::verify(s, m_host, m_port, m_knownHostsFile, m_params.acceptNewHostKey, m_params.prompter);
    if (cancelled()) {
        return Result::Cancelled;
    }
    if (hostKey.outcome != HostKeyVerifier::Outcome::Trusted) {
        *message = hostKey.message;
        return hostKey.outcome == HostKeyVerifier::Outcome::Refused ? Result::HostKeyRefused : Result::Failed;
    }

    SshAuthenticator auth(*this, m_params.prompter, m_secrets);
    const auto authResult = auth.run(message);
    if (cancelled()) {
        return Result::Cancelled;
    }
    switch (authResult) {
    case SshAuthenticator::Outcome::Success:
        m_event = ssh_event_new();
        if (!m_event || ssh_event_add_session(m_event, s) != SSH_OK) {
            *message = QStringLiteral("libssh could not watch the connection to %1").arg(address());
            return Result::Failed;
        }
        return Result::Ok;
    case SshAuthenticator::Outcome::Denied:
        return Result::AuthenticationFailed;
    case SshAuthenticator::Outcome::Error:
        break;
    }
    return Result::Unreachable;
}

} // namespace heapwatch
