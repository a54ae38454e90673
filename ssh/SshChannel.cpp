#include "SshChannel.h"

#include "SshSession.h"

#include <QElapsedTimer>
#include <cstring>

namespace heapwatch {

namespace {
constexpr int kOpenTimeoutMs = 15000;

int signalNumber(const char* name)
{
    static const struct
    {
        const char* name;
        int number;
    } table[]
        = {{"HUP", 1}, {"INT", 2}, {"QUIT", 3}, {"ABRT", 6}, {"KILL", 9}, {"SEGV", 11}, {"PIPE", 13}, {"TERM", 15}};
    for (const auto& e : table) {
        if (name && std::strcmp(name, e.name) == 0) {
            return e.number;
        }
    }
    return 0;
}

// Why an open or exec that retry() gave up on failed: the stop or the deadline, which leave libssh's text empty
// (or a stale one), else libssh's own error.
QString failure(const SshSession& session, const QElapsedTimer& timer)
{
    if (session.cancelled())
        return QStringLiteral("stopped");
    if (timer.elapsed() > kOpenTimeoutMs)
        return QStringLiteral("no answer within %1 s").arg(kOpenTimeoutMs / 1000);
    const QString reason = session.errorString();
    return reason.isEmpty() ? QStringLiteral("refused without a reason") : reason;
}
} // namespace

SshChannel::SshChannel(libssh::ChannelPtr channel)
    : m_channel(std::move(channel))
{
    std::memset(&m_callbacks, 0, sizeof m_callbacks);
    m_callbacks.size = sizeof m_callbacks;
    m_callbacks.userdata = this;
    m_callbacks.channel_exit_status_function = &SshChannel::onExitStatus;
    m_callbacks.channel_exit_signal_function = &SshChannel::onExitSignal;
    ssh_set_channel_callbacks(m_channel.get(), &m_callbacks);
}

SshChannel::~SshChannel()
{
    if (m_channel) {
        ssh_remove_channel_callbacks(m_channel.get(), &m_callbacks);
        if (ssh_channel_is_open(m_channel.get())) {
            // EOF then CLOSE; non-blocking, so this never waits for a dead server.
            ssh_channel_close(m_channel.get());
        }
    }
}

std::unique_ptr<SshChannel> SshChannel::exec(SshSession& session, const QByteArray& command, QString* error)
{
    ssh_session s = session.handle();
    libssh::ChannelPtr channel(ssh_channel_new(s));
    if (!channel) {
        *error = QStringLiteral("cannot create a channel: %1").arg(session.errorString());
        return nullptr;
    }
    ssh_channel c = channel.get();
    QElapsedTimer timer;
    timer.start();
    if (session.retry([c] { return ssh_channel_open_session(c); }, SSH_AGAIN, kOpenTimeoutMs) != SSH_OK) {
        *error = QStringLiteral("cannot open a channel on %1: %2").arg(session.address(), failure(session, timer));
        return nullptr;
    }
    // Callbacks before exec: a short command can exit before we look again.
    std::unique_ptr<SshChannel> result(new SshChannel(std::move(channel)));
    const char* cmd = command.constData();
    timer.start();
    if (session.retry([c, cmd] { return ssh_channel_request_exec(c, cmd); }, SSH_AGAIN, kOpenTimeoutMs) != SSH_OK) {
        *error = QStringLiteral("cannot run a command on %1: %2").arg(session.address(), failure(session, timer));
        return nullptr;
    }
    return result;
}

void SshChannel::onExitStatus(ssh_session, ssh_channel, int status, void* userdata)
{
    static_cast<SshChannel*>(userdata)->m_exitStatus = status;
}

void SshChannel::onExitSignal(ssh_session, ssh_channel, const char* signal, int, const char*, const char*,
                              void* userdata)
{
    static_cast<SshChannel*>(userdata)->m_exitStatus = 128 + signalNumber(signal);
}

void SshChannel::sendEof()
{
    if (ssh_channel_is_open(m_channel.get()) && !ssh_channel_is_closed(m_channel.get())) {
        ssh_channel_send_eof(m_channel.get()); // non-blocking: queued on the session
    }
}

bool SshChannel::write(SshSession& session, const QByteArray& bytes, int timeoutMs)
{
    qsizetype sent = 0;
    QElapsedTimer timer;
    timer.start();
    while (sent < bytes.size()) {
        if (!ssh_channel_is_open(m_channel.get()) || timer.elapsed() > timeoutMs)
            return false;
        // Non-blocking session: writes what the remote window takes now, possibly nothing.
        const int n = ssh_channel_write(m_channel.get(), bytes.constData() + sent, uint32_t(bytes.size() - sent));
        if (n == SSH_ERROR)
            return false;
        sent += n;
        if (sent < bytes.size() && !session.waitReadable(20))
            return false;
    }
    return true;
}

bool SshChannel::read(QByteArray& out, QByteArray& err)
{
    char buffer[16384];
    for (int isStderr = 0; isStderr <= 1; ++isStderr) {
        QByteArray& target = isStderr ? err : out;
        for (int rounds = 0; rounds < 64; ++rounds) {
            const int n = ssh_channel_read_nonblocking(m_channel.get(), buffer, sizeof buffer, isStderr);
            if (n == SSH_ERROR) {
                return false;
            }
            if (n <= 0) { // 0: nothing now, or EOF (told apart by ssh_channel_is_eof); SSH_EOF likewise
                break;
            }
            target.append(buffer, n);
        }
    }
    if (ssh_channel_is_eof(m_channel.get())) {
        // EOF only counts once both streams are drained: poll says how much is left.
        m_eof = ssh_channel_poll(m_channel.get(), 0) <= 0 && ssh_channel_poll(m_channel.get(), 1) <= 0;
    }
    return true;
}

bool SshChannel::isFinished() const
{
    return (m_eof && m_exitStatus.has_value()) || ssh_channel_is_closed(m_channel.get());
}

} // namespace heapwatch
