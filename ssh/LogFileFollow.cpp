#include "LogFileFollow.h"

#include "LogParser.h"
#include "PlainText.h"

#include <vector>

namespace heapwatch {

namespace {

constexpr qint64 kSecondNs = 1000000000;

} // namespace

bool LogFileFollow::mayUse(const ContainerInfo& info, QString* whyNot)
{
    if (m_skipNext) {
        m_skipNext = false;
        *whyNot = m_reason;
        return false;
    }
    if (info.logPath.isEmpty()) {
        *whyNot = QStringLiteral("the engine names no log file");
        return false;
    }
    if (!RemoteCommands::isContainerId(info.id)) {
        *whyNot = QStringLiteral("inspect gave no container ID");
        return false;
    }
    if (!m_failedFor.isEmpty() && m_failedFor == info.id) {
        *whyNot = m_reason;
        return false;
    }
    return true;
}

RemoteCommand LogFileFollow::begin(const ContainerInfo& info, qint64 sinceNs, bool resume)
{
    m_resume = resume;
    m_parser.reset();
    m_running = true;
    m_whole = false;
    m_sinceNs = sinceNs;
    m_containerId = info.id;
    return RemoteCommands::logFile(info.logPath, info.id, kTailLines, sinceNs);
}

void LogFileFollow::noteEngineTime(qint64 ns)
{
    if (ns < 0 || m_precision == Precision::Nanoseconds)
        return;
    // A whole second from an engine that gives nanoseconds happens once in a billion lines.
    m_precision = ns % kSecondNs == 0 ? Precision::Seconds : Precision::Nanoseconds;
}

qint64 LogFileFollow::rounded(qint64 ns) const
{
    return m_precision == Precision::Seconds ? ns - ns % kSecondNs : ns;
}

LogFileFollow::Outcome LogFileFollow::feed(QByteArrayView bytes, QByteArray out[2])
{
    std::vector<EngineLogFile::Line> lines;
    std::vector<QByteArray> control;
    m_parser.feed(bytes, lines, control);
    for (const QByteArray& c : control) {
        if (c.startsWith("none")) {
            m_reason = QStringLiteral("log file: %1").arg(oneLine(QString::fromUtf8(c.mid(5)), 80));
            m_failedFor = m_containerId;
            return Outcome::Unavailable;
        }
        if (c == "file whole") {
            m_whole = true;
        } else if (c.startsWith("first ") && !m_whole && m_resume && m_sinceNs >= 0) {
            const qint64 first = parseRfc3339Ns(c.mid(6));
            if (first >= 0 && rounded(first) > m_sinceNs) {
                m_reason = QStringLiteral("the log file's last %1 lines start after the resume point").arg(kTailLines);
                m_skipNext = true;
                return Outcome::TooShort;
            }
        }
    }
    for (EngineLogFile::Line& line : lines) {
        const qint64 ns = rounded(line.timeNs);
        if (m_sinceNs >= 0 && ns < m_sinceNs)
            continue;
        EngineLogFile::appendTimestamped(ns, {}, line.message, out[line.stream == LogStream::Stderr ? 1 : 0]);
    }
    return Outcome::Reading;
}

QString LogFileFollow::source(bool followerRunning) const
{
    if (!followerRunning)
        return {};
    if (m_running)
        return QStringLiteral("log file");
    return m_reason.isEmpty() ? QStringLiteral("docker logs -f") : QStringLiteral("docker logs -f (%1)").arg(m_reason);
}

} // namespace heapwatch
