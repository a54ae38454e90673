#include "LogResumer.h"

#include <QCryptographicHash>
#include <algorithm>
#include <cstring>

namespace heapwatch {

void LogResumer::beginRun()
{
    for (auto& s : m_streams) {
        s.replayAllowance = s.deliveredAtLast;
    }
}

bool LogResumer::accept(LogStream stream, qint64 timeNs, quint64 hash)
{
    if (timeNs < 0) {
        return true; // no timestamp (a CLI message): nothing to compare with
    }
    PerStream& s = m_streams[stream == LogStream::Stderr ? 1 : 0];
    if (timeNs < s.lastNs) {
        ++m_dropped;
        return false;
    }
    if (timeNs == s.lastNs) {
        auto it = s.replayAllowance.find(hash);
        if (it != s.replayAllowance.end() && it.value() > 0) {
            if (--it.value() == 0) {
                s.replayAllowance.erase(it);
            }
            ++m_dropped;
            return false;
        }
        ++s.deliveredAtLast[hash];
        return true;
    }
    s.lastNs = timeNs;
    s.deliveredAtLast.clear();
    s.deliveredAtLast.insert(hash, 1);
    s.replayAllowance.clear();
    return true;
}

qint64 LogResumer::resumeFromNs() const
{
    qint64 newest = -1;
    qint64 oldest = -1;
    for (const auto& s : m_streams) {
        if (s.lastNs < 0) {
            continue;
        }
        newest = std::max(newest, s.lastNs);
        oldest = oldest < 0 ? s.lastNs : std::min(oldest, s.lastNs);
    }
    if (newest < 0) {
        return -1;
    }
    return std::max(oldest, newest - kStreamSkewNs);
}

quint64 LogResumer::hashLine(QByteArrayView line)
{
    // A stable 64-bit hash (not qHash: its seed may be randomised per process).
    const QByteArray digest = QCryptographicHash::hash(line, QCryptographicHash::Md5);
    quint64 h = 0;
    std::memcpy(&h, digest.constData(), sizeof h);
    return h;
}

} // namespace heapwatch
