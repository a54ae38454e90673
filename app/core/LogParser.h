// Turns `docker logs [-t]` output of the Node app into LogRecords. Fed chunk by chunk. The one place a log line
// is split, its timestamps read and its hash taken: the live path (ssh/ContainerStreams) plugs its resume logic
// in between splitting and parsing through a LineGate instead of splitting again.
#pragma once

#include "Samples.h"

#include <QByteArray>
#include <QByteArrayView>
#include <vector>

namespace heapwatch {

// One line as the parser split it, before it is parsed: what tells a replayed line from a new one.
struct LogLine
{
    LogStream stream = LogStream::Stdout;
    qint64 dockerTimeNs = -1; // the engine's `--timestamps` prefix, -1 when the line has none
    quint64 hash = 0; // LogParser::hashLine(message); only on a LineGate's lines with a dockerTimeNs, else 0
    // The line without the engine's timestamp, its space and a trailing CR (the whole line when it has no
    // timestamp). Points into the chunk or the parser's buffer: valid only during LineGate::admit().
    QByteArrayView message;
};

// Decides, line by line, which lines are parsed (the live path's resume dedupe). Sees every line that is not
// oversized, in order, before it is parsed.
class LineGate
{
public:
    virtual ~LineGate() = default;
    // False: the line is dropped uncounted (a replay, or not a line of the app).
    virtual bool admit(const LogLine& line) = 0;
    // After an admitted line was parsed: its record, if it has one, is the last one in the output.
    virtual void parsed() { }
};

class LogParser
{
public:
    // Lines longer than this are counted as oversized and skipped (the rest of the stream still parses).
    static constexpr qsizetype kMaxLineBytes = 1024 * 1024;

    // How a line's leading timestamp is read. Detect: a saved log may or may not have `docker logs -t`'s
    // prefix, and a logger's own toISOString() stamp (3 fraction digits) is not taken for it. Engine: the
    // output of `logs --timestamps`, where every line of the app has the prefix (any precision) and a space.
    enum class Timestamps : quint8
    {
        Detect,
        Engine
    };
    // Which lines get their hash (LogRecord::lineHash). EveryRecord: every record carries it. Gated: only the
    // lines a LineGate sees (the resume dedupe's key); a saved log read whole (a replay) has no use for it.
    enum class Hashing : quint8
    {
        EveryRecord,
        Gated
    };
    explicit LogParser(Timestamps timestamps = Timestamps::Detect, Hashing hashing = Hashing::EveryRecord)
        : m_timestamps(timestamps)
        , m_hashRecords(hashing == Hashing::EveryRecord)
    {
    }

    // Appends the records of every complete line in chunk; keeps a partial last line per stream. With a gate,
    // only the lines it admits are parsed and counted (oversized lines are counted either way).
    void feed(QByteArrayView chunk, LogStream stream, std::vector<LogRecord>& out, LineGate* gate = nullptr);
    // Parses what is left of partial lines (end of file or end of stream).
    void finish(std::vector<LogRecord>& out);
    // From now on Memory lines go to rows (rounded as the process ring stores them) instead of out as records, and
    // every other record is noted in rows->rowsBefore; nullptr: records again. For a replay's parsing threads.
    // rows->last is up to date after every feed() and finish().
    void setMemoryRows(MemoryRows* rows)
    {
        settleLastMemory();
        m_memoryRows = rows;
    }
    // Drops partial lines unparsed (a command was cut off: the next run reads those lines again).
    void dropPartialLines();

    // Parses one line (without its newline; a trailing CR is ignored). Returns false for a line that is
    // not one of the kinds in LogKind (Other). Counts nothing.
    static bool parseLine(QByteArrayView line, LogStream stream, LogRecord& out);

    // The line hash (LogRecord::lineHash, LogLine::hash): 64 bits in the manner of wyhash, stable across
    // processes and builds. The resume dedupe keys a line by (docker timestamp in ns, this hash): two different
    // lines are taken for one only when they share the nanosecond and the hash, about 2^-64 per pair, so even
    // 20 000 lines of one nanosecond in its window stay below 10^-11. MD5 bought nothing over that.
    static quint64 hashLine(QByteArrayView message);

    const ParseCounters& counters() const { return m_counters; }
    // Line hashes computed so far: at most one per line (the benchmark checks it).
    quint64 hashesComputed() const { return m_hashes; }

private:
    void consumeLine(QByteArrayView line, LogStream stream, std::vector<LogRecord>& out, LineGate* gate);
    bool appendMemoryRow(const char* marker, const char* end, qint64 atMs);
    void settleLastMemory();

    // The last Memory line given to m_memoryRows, kept as its digits until settleLastMemory() turns it into
    // MemoryRows::last: five divisions a line saved.
    struct LastMemoryDigits
    {
        quint64 mantissa[5] = {};
        int fractionDigits[5] = {};
        qint64 atMs = -1;
        bool pending = false;
    };

    QByteArray m_partial[2];
    bool m_skipping[2] = {false, false}; // inside an oversized line: drop bytes up to the next newline
    Timestamps m_timestamps = Timestamps::Detect;
    bool m_hashRecords = true;
    char m_minutePrefix[16] = {}; // date, hour and minute of the last docker timestamp …
    qint64 m_minuteSeconds = -1; // … and their value, so the next line skips the calendar
    ParseCounters m_counters;
    quint64 m_hashes = 0;
    MemoryRows* m_memoryRows = nullptr;
    LastMemoryDigits m_lastDigits;
};

// Parses an RFC 3339 timestamp as docker and podman print them ("2026-11-27T12:20:33Z",
// "2026-11-27T12:20:33.882071633Z", "+01:00" offsets) into ns since the epoch; -1 when invalid.
qint64 parseRfc3339Ns(QByteArrayView text);

// Length of the logger's own timestamp at the start of a message ("2026-01-14T10:00:00.000Z ", with the
// blanks after it), 0 when the message does not start with one. The log panel leaves it out: it repeats the
// Time column.
qsizetype loggerTimestampLength(QStringView message);

} // namespace heapwatch
