// Makes the log stream gapless and duplicate-free across follower restarts. `docker logs -f` exits when
// the container stops and dies with the connection; it is re-run with `--since <last timestamp seen>`,
// which repeats the lines at that timestamp (and, for the other stream, maybe some before it). Each stream
// (stdout, stderr) is in timestamp order, so per stream we keep the last timestamp delivered and the
// multiset of line hashes delivered at exactly that timestamp: a re-read line older than it, or at it and
// still in the multiset, is a boundary duplicate.
#pragma once

#include "Samples.h"

#include <QHash>
#include <QString>

namespace heapwatch {

class LogResumer
{
public:
    // A new run of `docker logs` starts: its lines up to the last delivered ones are replays.
    void beginRun();
    // True when the line (docker timestamp in ns, -1 if it had none; hash of the rest of the line) is new
    // and must be delivered; false for a replay of a delivered line.
    bool accept(LogStream stream, qint64 timeNs, quint64 hash);

    // The `--since` for the next run in ns, -1 when nothing with a timestamp was delivered yet. The newest
    // timestamp of all streams, moved back by kStreamSkewNs but never before the oldest stream's last
    // timestamp: the two streams are read in parallel and one can lag the other by what is in flight, never
    // by a minute, and re-reading the quiet stream's whole history would only cost traffic.
    qint64 resumeFromNs() const;
    static constexpr qint64 kStreamSkewNs = 60LL * 1000 * 1000 * 1000;

    quint64 duplicatesDropped() const { return m_dropped; }

    // Hash of a log line without its docker timestamp, as used by accept().
    static quint64 hashLine(QByteArrayView lineWithoutTimestamp);

private:
    struct PerStream
    {
        qint64 lastNs = -1;
        QHash<quint64, int> deliveredAtLast; // multiset
        QHash<quint64, int> replayAllowance; // copy taken at beginRun(), consumed by replays
    };
    PerStream m_streams[2];
    quint64 m_dropped = 0;
};

} // namespace heapwatch
