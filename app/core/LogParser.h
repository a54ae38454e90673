// Turns `docker logs [-t]` output of the Node app into LogRecords. Fed chunk by chunk.
#pragma once

#include "Samples.h"

#include <QByteArray>
#include <QByteArrayView>
#include <vector>

namespace heapwatch {

class LogParser
{
public:
    // Lines longer than this are counted as oversized and skipped (the rest of the stream still parses).
    static constexpr qsizetype kMaxLineBytes = 1024 * 1024;

    // Appends the records of every complete line in chunk; keeps a partial last line per stream.
    void feed(QByteArrayView chunk, LogStream stream, std::vector<LogRecord>& out);
    // Parses what is left of partial lines (end of file or end of stream).
    void finish(std::vector<LogRecord>& out);

    // Parses one line (without its newline; a trailing CR is ignored). Returns false for a line that is
    // not one of the kinds in LogKind (Other). Counts nothing.
    static bool parseLine(QByteArrayView line, LogStream stream, LogRecord& out);

    const ParseCounters& counters() const { return m_counters; }

private:
    void consumeLine(QByteArrayView line, LogStream stream, std::vector<LogRecord>& out);

    QByteArray m_partial[2];
    bool m_skipping[2] = {false, false}; // inside an oversized line: drop bytes up to the next newline
    char m_minutePrefix[16] = {}; // date, hour and minute of the last docker timestamp …
    qint64 m_minuteSeconds = -1; // … and their value, so the next line skips the calendar
    ParseCounters m_counters;
};

// Parses an RFC 3339 timestamp as docker and podman print them ("2026-11-27T12:20:33Z",
// "2026-11-27T12:20:33.882071633Z", "+01:00" offsets) into ns since the epoch; -1 when invalid.
qint64 parseRfc3339Ns(QByteArrayView text);

} // namespace heapwatch
