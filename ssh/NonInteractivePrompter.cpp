#include "NonInteractivePrompter.h"

#include "PlainText.h"

#include <QByteArray>
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

namespace heapwatch {

NonInteractivePrompter::NonInteractivePrompter(bool acceptNewHostKey, bool allowTerminal)
    : m_acceptNew(acceptNewHostKey)
    , m_allowTerminal(allowTerminal)
{
}

HostKeyDecision NonInteractivePrompter::confirmHostKey(const HostKeyQuestion&)
{
    return m_acceptNew && !m_cancelled ? HostKeyDecision::AcceptAndSave : HostKeyDecision::Reject;
}

std::optional<QString> NonInteractivePrompter::askSecret(const SecretQuestion& question)
{
    if (!m_allowTerminal || m_cancelled || !isatty(STDIN_FILENO) || question.attempt > 3) {
        return std::nullopt;
    }
    // Written to the terminal: the server's instruction and prompt must not carry escape sequences.
    QString prompt;
    const QString instruction = plainLines(question.instruction, 2000);
    if (!instruction.isEmpty()) {
        prompt += instruction + QLatin1Char('\n');
    }
    prompt += question.prompt.isEmpty()
        ? QStringLiteral("Password for %1@%2: ").arg(oneLine(question.user, 200), oneLine(question.host, 300))
        : oneLine(question.prompt, 400);
    if (!prompt.endsWith(QLatin1Char(' '))) {
        prompt += QLatin1Char(' ');
    }
    return readTerminal(prompt, question.echo);
}

std::optional<QString> NonInteractivePrompter::readTerminal(const QString& prompt, bool echo)
{
    const int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        return std::nullopt;
    }
    const QByteArray p = prompt.toLocal8Bit();
    [[maybe_unused]] const ssize_t w = ::write(fd, p.constData(), size_t(p.size()));

    termios saved {};
    const bool haveTermios = tcgetattr(fd, &saved) == 0;
    if (haveTermios && !echo) {
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        quiet.c_lflag |= ECHONL;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    QByteArray line;
    bool done = false;
    bool ok = false;
    while (!done && !m_cancelled) {
        pollfd pfd {fd, POLLIN, 0};
        const int r = ::poll(&pfd, 1, 100);
        if (r < 0) {
            break;
        }
        if (r == 0) {
            continue;
        }
        char c = 0;
        const ssize_t n = ::read(fd, &c, 1);
        if (n <= 0) {
            break;
        }
        if (c == '\n' || c == '\r') {
            done = ok = true;
        } else {
            line.append(c);
        }
    }
    if (haveTermios && !echo) {
        tcsetattr(fd, TCSAFLUSH, &saved);
    }
    ::close(fd);
    QString result = QString::fromLocal8Bit(line);
    line.fill('\0'); // do not leave the secret in freed memory
    if (!ok) {
        return std::nullopt;
    }
    return result;
}

} // namespace heapwatch
