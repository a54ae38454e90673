// Makes the log stream gapless and duplicate-free across follower restarts. `docker logs -f` exits when
// the container stops and dies with the connection; it is re-run with `--since <a timestamp seen>`, which
// repeats lines already delivered. A line is a replay when its docker timestamp and its content are those
// of a line delivered before the run began: per stream, the (timestamp, LogParser::hashLine) keys of the last
// kWindowLines delivered lines are kept as a multiset (bounded memory). The LogParser that split the line
// took its hash: the resume reads it from the LogLine and hashes nothing itself. Nothing is dropped for being older
// than the last line, so a server whose clock steps back loses nothing.
//
// A resumed run also tells whether it covered the outage: each stream that had delivered lines at or after
// the run's --since must first replay one of them. When a stream's first line is new instead (the --tail
// cap cut the history, the logs were rotated away, the container was recreated), what lies between the
// last delivered line and that first line could not be read back: a gap, reported with its span.
#pragma once

#include "LogParser.h"

#include <QHash>
#include <QString>
#include <deque>
#include <optional>

namespace heapwatch {

class LogResumer
{
public:
    // A new run of `docker logs` starts, from --since sinceNs (-1: a relative --since, nothing to resume).
    void beginRun(qint64 sinceNs = -1);
    // True when the line (docker timestamp in ns, -1 if it had none; hash of the rest of the line) is new
    // and must be delivered; false for a replay of a delivered line.
    bool accept(LogStream stream, qint64 timeNs, quint64 hash);
    bool accept(const LogLine& line) { return accept(line.stream, line.dockerTimeNs, line.hash); }
    // Set by accept() when it found that the run did not cover the outage: the span not read back (ns).
    // Taken (and cleared) by the caller.
    std::optional<LogGap> takeGap();

    // The `--since` for the next run in ns, -1 when nothing with a timestamp was delivered yet. The oldest
    // stream's last timestamp, but no more than kStreamSkewNs before the last line delivered: the two streams
    // are read in parallel and one can lag the other by what is in flight, never by a minute, and re-reading
    // the quiet stream's whole history would only cost traffic. Never at or before a line that left the
    // window (it would come back as new).
    qint64 resumeFromNs() const;
    static constexpr qint64 kStreamSkewNs = 60LL * 1000 * 1000 * 1000;
    // Lines remembered per stream: ~50 bytes each. A reconnect re-reads at most a minute of the busier
    // stream, far fewer lines than this unless the app floods.
    static constexpr size_t kWindowLines = 20000;

    quint64 duplicatesDropped() const { return m_dropped; }

private:
    struct Key
    {
        qint64 ns;
        quint64 hash;
        bool operator==(const Key& o) const { return ns == o.ns && hash == o.hash; }
    };
    friend size_t qHash(const Key& k, size_t seed) { return qHashMulti(seed, k.ns, k.hash); }

    struct PerStream
    {
        qint64 lastNs = -1; // timestamp of the line delivered last (arrival order, not the newest)
        qint64 evictedMaxNs = -1; // newest timestamp that left the window
        std::deque<Key> order; // the window, oldest first
        QHash<Key, int> delivered; // the window as a multiset
        QHash<Key, int> replayAllowance; // copy taken at beginRun(), consumed by replays
        bool awaitingFirst = false; // in a resumed run, before this stream's first line
    };
    void remember(PerStream& s, const Key& key);

    PerStream m_streams[2];
    qint64 m_lastNs = -1; // the last line delivered on either stream
    std::optional<LogGap> m_gap;
    quint64 m_dropped = 0;
};

} // namespace heapwatch
