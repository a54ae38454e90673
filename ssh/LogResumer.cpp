#include "LogResumer.h"

#include <algorithm>

namespace heapwatch {

void LogResumer::beginRun(qint64 sinceNs)
{
    for (auto& s : m_streams) {
        s.replayAllowance = s.delivered;
        // Only a stream that delivered something at or after --since is sure to replay a line first.
        s.awaitingFirst = sinceNs >= 0 && s.lastNs >= sinceNs;
    }
}

bool LogResumer::accept(LogStream stream, qint64 timeNs, quint64 hash)
{
    if (timeNs < 0) {
        return true; // no timestamp (a CLI message): nothing to compare with
    }
    PerStream& s = m_streams[stream == LogStream::Stderr ? 1 : 0];
    const Key key {timeNs, hash};
    auto it = s.replayAllowance.find(key);
    if (it != s.replayAllowance.end()) {
        if (--it.value() == 0) {
            s.replayAllowance.erase(it);
        }
        s.awaitingFirst = false;
        ++m_dropped;
        return false;
    }
    if (s.awaitingFirst) {
        // The run should have begun with a line this stream delivered before: it did not, so the history
        // between the last delivered line and this one was not read back.
        s.awaitingFirst = false;
        if (timeNs > s.lastNs) {
            m_gap = LogGap {s.lastNs / 1000000, timeNs / 1000000};
        }
    }
    remember(s, key);
    s.lastNs = timeNs;
    m_lastNs = timeNs;
    return true;
}

void LogResumer::remember(PerStream& s, const Key& key)
{
    ++s.delivered[key];
    s.order.push_back(key);
    while (s.order.size() > kWindowLines) {
        const Key old = s.order.front();
        s.order.pop_front();
        auto it = s.delivered.find(old);
        if (it != s.delivered.end() && --it.value() == 0) {
            s.delivered.erase(it);
        }
        s.evictedMaxNs = std::max(s.evictedMaxNs, old.ns);
    }
}

std::optional<LogGap> LogResumer::takeGap()
{
    std::optional<LogGap> gap;
    gap.swap(m_gap);
    return gap;
}

qint64 LogResumer::resumeFromNs() const
{
    if (m_lastNs < 0) {
        return -1;
    }
    qint64 oldest = -1;
    for (const auto& s : m_streams) {
        if (s.lastNs >= 0) {
            oldest = oldest < 0 ? s.lastNs : std::min(oldest, s.lastNs);
        }
    }
    qint64 from = std::max(oldest, m_lastNs - kStreamSkewNs);
    for (const auto& s : m_streams) {
        // A line that left the window would not be recognised as a replay. (After a clock step back the
        // window may hold lines newer than the last one: those are still recognised.)
        if (s.evictedMaxNs >= from && s.evictedMaxNs < m_lastNs) {
            from = s.evictedMaxNs + 1;
        }
    }
    return from;
}

} // namespace heapwatch
