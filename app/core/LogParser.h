// Turns `docker logs [-t]` output of the Node app into LogRecords. Fed chunk by chunk. The one place a log line
// is split, its timestamps read and its hash taken: the live path (ssh/ContainerStreams) plugs its resume logic
// in between splitting and parsing through a LineGate instead of splitting again.
#pragma once

#include "Samples.h"

#include <QByteArray>
#include <QByteArrayView>
#include <algorithm>
#include <array>
#include <iterator>
#include <memory>
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
    // From now on Memory lines go to rows (rounded as the process ring stores them) and cache stats lines to
    // rows->cacheRows instead of out as records, and every other record is noted in rows->rowsBefore; nullptr:
    // records again. For a replay's parsing threads. rows->last is up to date after every feed() and finish().
    void setMemoryRows(MemoryRows* rows)
    {
        settleLastMemory();
        m_memoryRows = rows;
        m_memoryLayouts.count = 0;
        m_cacheLayouts.count = 0;
        m_recordLayouts.count = 0;
        std::fill(std::begin(m_recordMissedLength), std::end(m_recordMissedLength), -1);
        m_recordKeyAt = -1;
        m_cacheKindAt = -1;
        m_pointLayouts.reset();
        m_pointsFirst = false;
    }
    // Drops partial lines unparsed (a command was cut off: the next run reads those lines again).
    void dropPartialLines();

    // Parses one line (without its newline; a trailing CR is ignored). Returns false for a line that is
    // not one of the kinds in LogKind (Other). Counts nothing.
    static bool parseLine(QByteArrayView line, LogStream stream, LogRecord& out);
    // The text of a message as a record keeps it (LogRecord::text): escapes and control characters removed,
    // bounded.
    static QString messageText(QByteArrayView message);
    // record.text, or for a record whose text a replay's parsing thread left to the applying one, the text of its
    // raw message in rows.texts.
    static QString recordText(const LogRecord& record, const MemoryRows& rows);
    // The raw message in rows.texts of a record whose text a replay's parsing thread left to the applying one;
    // empty for any other record, and for one whose bytes are not all in rows.texts.
    static QByteArrayView recordRaw(const LogRecord& record, const MemoryRows& rows);

    // The line hash (LogRecord::lineHash, LogLine::hash): 64 bits in the manner of wyhash, stable across
    // processes and builds. The resume dedupe keys a line by (docker timestamp in ns, this hash): two different
    // lines are taken for one only when they share the nanosecond and the hash, about 2^-64 per pair, so even
    // 20 000 lines of one nanosecond in its window stay below 10^-11. MD5 bought nothing over that.
    static quint64 hashLine(QByteArrayView message);

    const ParseCounters& counters() const { return m_counters; }
    // Line hashes computed so far: at most one per line (the benchmark checks it).
    quint64 hashesComputed() const { return m_hashes; }
    // Memory lines read by a layout learnt from an earlier line (readLaidOutLine) rather than the long way.
    quint64 laidOutLines() const { return m_laidOutLines; }
    // The same for cache stats lines.
    quint64 laidOutCacheLines() const { return m_laidOutCacheLines; }
    // The same for the app's overflow warnings, warnings and errors (records with a text).
    quint64 laidOutRecordLines() const { return m_laidOutRecordLines; }
    // Memory and cache stats lines that missed every layout of their kind but had the bytes of the latest one up to
    // their figures, read from there by the exact reader (readPrefixedLine) rather than the long way.
    quint64 prefixedLines() const { return m_prefixedLines; }
    // Memory lines read by a layout found by the places of their figures' points (PointLayouts) rather than by one
    // of the layouts kept in order of use (counted in laidOutLines() too).
    quint64 pointLaidOutLines() const { return m_pointLaidOutLines; }
    // Lines of no kind that a replay passed over in runs, by the pairs of bytes none of them holds, rather than
    // reading each the long way (counted in counters().lines all the same).
    quint64 skippedOtherLines() const { return m_skippedOtherLines; }
    // Whether this build and processor pass over such runs (AVX2, asked once): else every line goes the long way.
    static bool skipsOtherLines();

private:
    struct LineLayout;
    void consumeLine(QByteArrayView line, LogStream stream, std::vector<LogRecord>& out, LineGate* gate);
    bool appendMemoryRow(const char* marker, const char* end, qint64 atMs);
    // toHundredths: per figure, what its digits are multiplied by to give hundredths (LineLayout::toHundredths),
    // or null to work it out.
    void appendDigitsRow(qint64 atMs, const quint32* toHundredths = nullptr);
    // A cache stats line's row (kept when it has a time) and the last cache sample; recordsBefore: out's size.
    void appendCacheRow(const CacheSample& c, const std::array<float, 4>& row, size_t recordsBefore);
    void settleLastMemory();
    // For a record: messageAt, where the message starts in line (after the engine's timestamp), for its text; keyAt,
    // the byte after the start of its level prefix ("[error]: "), which tells most other lines apart, or -1.
    // into: the layout to write instead of a place in its kind's set (a Memory line's, for PointLayouts). False when
    // the line is left to the long way (nothing written).
    bool learnLayout(QByteArrayView line, const char* firstFigure, bool engineTime, LogKind kind,
                     qsizetype messageAt = 0, qsizetype keyAt = -1, LineLayout* into = nullptr);
    // out: the parser's output (a cache stats row notes its size; a record read by a layout goes there).
    qsizetype readLaidOutLine(const char* p, const char* end, LogStream stream, std::vector<LogRecord>& out);
    // The same for a line that has none of the Memory and cache stats layouts: by a record layout, or 0.
    qsizetype readLaidOutRecord(const char* p, const char* end, LogStream stream, std::vector<LogRecord>& out);
    // A Memory line read by the layout at place k of the Memory set, at time atMs; its bytes.
    qsizetype readBySetLayout(const LineLayout& l, int k, const char* p, qint64 atMs);

    // The last Memory line given to m_memoryRows, kept as its digits until settleLastMemory() turns it into
    // MemoryRows::last: five divisions a line saved.
    struct LastMemoryDigits
    {
        quint64 mantissa[5] = {};
        int fractionDigits[5] = {};
        qint64 atMs = -1;
        bool pending = false;
    };
    // The heap total of the last Memory line read as digits, with the factor that turns the used heap's digits
    // into its percentage: the total changes far less often than the used heap, so most lines multiply.
    struct HeapTotalFactor
    {
        quint64 total = 0; // 0: none yet
        int totalFractionDigits = -1;
        int usedFractionDigits = -1;
        double factor = 0; // 100 * 10^total's fraction digits / (total * 10^used's fraction digits)
    };

    // The layout of a Memory or cache stats line read the long way (rows only, the app's exact spelling, its time in
    // the timestamp that starts it): its bytes, with where its timestamp and figures are. A later line whose bytes
    // are the same but for other digits in the same places (nearly every line of a replay) takes every decision the
    // long way took for it, so only its timestamp and figures are read, at the places learnt: one comparison of
    // the whole line instead of finding its end, its parts and every figure's digits.
    struct LineLayout
    {
        static constexpr int kMaxBytes = 256; // the line and its newline, read 16 bytes at a time
        alignas(16) char bytes[kMaxBytes];
        alignas(16) char care[kMaxBytes]; // the bits of a line's byte that must be those of bytes: 0xF0 at a digit
        alignas(16) char highest[kMaxBytes]; // the highest a line's byte may be: '9' at a digit, else 0xFF
        alignas(16) char lastCare[16]; // 0xFF for the bytes of the line in its last block
        qsizetype length = 0; // with the newline
        qsizetype lastBlock = 0; // where the block of the newline starts
        qsizetype span = 0; // bytes a reading may touch (a multiple of 16)
        qsizetype end = 0; // where the line ends for the parser (before a CR)
        qsizetype timestampLength = 0;
        int fractionDigits[5] = {};
        bool utcMilliseconds = false; // the timestamp ends in a fraction of 3 digits or more and a Z
        bool utcSeconds = false; // the timestamp ends in the seconds and a Z (docker 28's `logs -t`)
        bool zoneOptional = false; // the logger's timestamp, not the engine's
        // 100, 10 or 1 for a figure of 0, 1 or 2 fraction digits (its digits times this are its hundredths), else 0.
        quint32 toHundredths[5] = {};
        // The figures (a Memory line's five, a cache stats line's four, an overflow's two counts), read two at a
        // time, each from the 8 bytes of the line that end with its last digit: where those start, and in them the
        // bytes kept as they are (the fraction's, or the whole figure's without one) and those kept from the load
        // moved up a byte (the whole part's, over the point). The windows after the figures keep nothing.
        alignas(16) quint64 keptBytes[6] = {};
        alignas(16) quint64 movedBytes[6] = {};
        quint8 windowAt[6] = {};
        quint64 served = 0; // lines read by the layout since it was learnt
        // A Memory or cache stats layout's prefix: the bytes before what the exact reader reads (a Memory line's
        // first figure, a cache stats line's "Keys: "), which hold the timestamps, the level and the marker; the
        // block its last byte is in, and the prefix's bytes in that block.
        qsizetype prefixLength = 0;
        qsizetype prefixLastBlock = 0;
        alignas(16) char prefixLastCare[16] = {};
    };
    // The layouts of one kind, a few: a figure that gains a digit and loses it again changes the layout back and
    // forth.
    struct LayoutSet
    {
        static constexpr int kMax = 4;
        // most: the layouts kept; served: the lines the layout to be replaced must have read for the next to be
        // learnt at once (else learnBackoff grows).
        LayoutSet(int most, quint32 served)
            : capacity(most)
            , servedLines(served)
        {
        }
        LineLayout layouts[kMax];
        quint8 order[kMax] = {0, 1, 2, 3}; // most recently used first
        int capacity;
        quint32 servedLines;
        int count = 0;
        qsizetype missedLength = -1; // of the last line of the kind that missed every layout
        quint32 learnSkips = 0; // lines of the kind read the long way before the next is learnt from
        quint32 learnBackoff = 0; // grows while layouts are replaced before they serve: lines that change every time
    };
    static_assert(LayoutSet::kMax == 4, "LayoutSet::order starts as 0, 1, 2, 3");
    // Memory layouts found by where a line's points are. Figures whose counts of digits change from line to line
    // (values that jump across powers of ten) give a few dozen layouts, each seen over and over but too many to
    // keep in order of use. The key: the places of the points in the kBytes after the prefix of the latest Memory
    // layout (where its figures start), which the figures' lengths decide; a key seen twice gets a layout, learnt
    // from its second line. A line is still read by a layout only when it has the layout's bytes (the comparison
    // matchLayout makes): the key only says which layout to compare with.
    struct PointLayouts
    {
        static constexpr qsizetype kBytes = 80;
        static constexpr int kSlots = 256; // a power of two, probed kProbes in a row
        static constexpr int kProbes = 4;
        static constexpr int kLayouts = 64; // when all are taken, every key and layout is dropped to start anew
        enum State : quint8
        {
            Empty,
            Seen, // once, without a layout
            LaidOut
        };
        struct Slot
        {
            quint64 points = 0; // the points' places in the key's first 64 bytes …
            quint16 morePoints = 0; // … and in the 16 after them
            State state = Empty;
            quint8 layout = 0;
        };
        // The slot of the key; or null, and with insert the key noted as Seen in an empty slot (or in the first probed,
        // taken anew).
        Slot* find(quint64 points, quint16 morePoints, bool insert);
        // Whether layouts[count] is free for a key's layout; when all are taken, every key and layout is dropped
        // (the log's figures went elsewhere: the keys of now are learnt anew) and false.
        bool makeRoom();
        // The key of slot takes layouts[count], learnt (after makeRoom()).
        void take(Slot& slot)
        {
            slot.state = LaidOut;
            slot.layout = quint8(count++);
        }
        Slot keys[kSlots];
        LineLayout layouts[kLayouts];
        int count = 0;
    };
    // The layout in set of the line at p, with its place in set.order (k) and the line's time (atMs); null when the
    // line has none of them, and then stop set when the long way is to read it without trying others.
    const LineLayout* matchLayout(const LayoutSet& set, const char* p, const char* end, int& k, qint64& atMs,
                                  bool& stop);
    // The time of the line at p that has layout l's timestamp (bound: where the line ends at the latest), as the long
    // way reads it; false when the long way is to read the line.
    bool layoutTime(const LineLayout& l, const char* p, const char* bound, qint64& atMs);
    // A Memory (kind) or cache stats line at p that missed every layout of set: read by the exact reader after the
    // prefix of the set's latest layout when the line has it (its figures' digits differ in number from the
    // layout's, or the line's length does), and a layout learnt from it as the long way would; its bytes, or 0.
    // looked: the Memory line's point layout was looked for already (readLaidOutLine), with this result.
    struct PointLookup
    {
        bool done = false;
        PointLayouts::Slot* slot = nullptr; // the key's slot when it was seen before and its layout did not read it
    };
    qsizetype readPrefixedLine(LayoutSet& set, LogKind kind, const char* p, const char* end,
                               std::vector<LogRecord>& out, const PointLookup& looked);
    // Whether a layout is to be learnt from this line of set's kind, which missed every layout. missedLength: the
    // last such line's length to compare with and keep, when not the set's own (LayoutSet::missedLength).
    static bool learnNow(LayoutSet& set, qsizetype length, qsizetype* missedLength = nullptr);
    // The same for a record's line of kind (an overflow warning, a warning, an error).
    bool learnRecordNow(LogKind kind, qsizetype length);
    // A Memory line at p read by one of m_pointLayouts, keyed after latest's prefix; its bytes, or 0. insert: a key
    // not seen before is noted; learnInto: the key's slot when a layout is to be learnt from the line.
    qsizetype readPointLaidOut(const LineLayout& latest, const char* p, const char* end, bool insert,
                               PointLayouts::Slot** learnInto);
    // A Memory line that missed its point layout (slot: its key's when seen before, else null), read by the Memory set
    // (whose layout then becomes the key's: keepPointLayout) or readPrefixedLine; its bytes, or 0.
    qsizetype readPointMissed(const char* p, const char* end, std::vector<LogRecord>& out, PointLayouts::Slot* slot);
    void keepPointLayout(PointLayouts::Slot& slot, const LineLayout& l);
    // The five figures of a Memory line at p that has layout l, into m_lastDigits.
    void readLaidOutDigits(const char* p, const LineLayout& l);
    // Counts a line read by the layout at place k of set (kindLines: its kind's count) and puts the layout first.
    void countLaidOut(LayoutSet& set, int k, quint64& kindLines);

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
    HeapTotalFactor m_heapFactor;
    // A Memory or cache stats line that misses every layout is read after its latest layout's prefix
    // (readPrefixedLine) at about twice a laid-out line's cost, and learning a layout costs a few such lines: where
    // the figures' lengths change from line to line (values that jump across powers of ten), layouts that read a
    // line or two are not worth learning, so one is learnt at once only in the place of one that read this many. A
    // record that misses goes the long way, which costs more than learning.
    static constexpr quint32 kServedLines = 16;
    // Memory lines' first: they are most of a log (and a cache stats line tries them and misses, not the reverse).
    LayoutSet m_memoryLayouts {4, kServedLines};
    LayoutSet m_cacheLayouts {2, kServedLines};
    // Where the marker of every cache stats layout starts ("Cache stats - "), or -1 when they differ: a line without
    // its 'C' there tries none of them.
    qsizetype m_cacheKindAt = -1;
    bool m_layoutMissed = false; // the line being read has none of the layouts (or none is learnt yet)
    quint64 m_laidOutLines = 0;
    quint64 m_laidOutCacheLines = 0;
    // The app's overflow warnings, warnings and errors, tried after the others (a seventh of its lines at most),
    // with each layout's kind and where its message starts (by the layout's place in the set).
    LayoutSet m_recordLayouts {4, 2};
    LogKind m_recordKind[LayoutSet::kMax] = {};
    quint8 m_recordMessageAt[LayoutSet::kMax] = {};
    // The kinds take turns in a log (an overflow warning, then an error): the length of the last line of each that
    // missed every layout, by kind (learnNow's missedLength; the set's own is not used), the set's backoff shared.
    qsizetype m_recordMissedLength[3] = {-1, -1, -1};
    // Each record layout's byte after the start of its level prefix (where the app's other lines have the 'i' of
    // "[info]") and where that is; m_recordKeyAt: that place when it is the same for every record layout (a line
    // whose byte there is none of theirs tries none of them), else -1; m_recordKeys: their bytes in one word (the
    // first again for a place without a layout).
    char m_recordKey[LayoutSet::kMax] = {};
    qsizetype m_recordKeyAtOf[LayoutSet::kMax] = {-1, -1, -1, -1};
    qsizetype m_recordKeyAt = -1;
    quint32 m_recordKeys = 0;
    quint64 m_laidOutRecordLines = 0;
    quint64 m_prefixedLines = 0;
    std::unique_ptr<PointLayouts> m_pointLayouts; // made once 8 Memory lines were read after a prefix
    quint64 m_pointLaidOutLines = 0;
    quint64 m_skippedOtherLines = 0;
    // A Memory line tries m_pointLayouts before the set's layouts: set when one of them read a line, cleared when a
    // set's layout reads one that was not looked up there.
    bool m_pointsFirst = false;
};

// Parses an RFC 3339 timestamp as docker and podman print them ("2026-11-27T12:20:33Z",
// "2026-11-27T12:20:33.882071633Z", "+01:00" offsets) into ns since the epoch; -1 when invalid.
qint64 parseRfc3339Ns(QByteArrayView text);
// The date, hour and minute of the last time parseRfc3339Ns read with it (their 16 bytes, "2026-11-27T12:20", and
// their seconds since the epoch): consecutive lines of a log nearly always share them, and the calendar is skipped.
struct Rfc3339Minute
{
    char prefix[16] = {};
    qint64 seconds = -1; // -1: none yet
};
// The same result, with minute kept from one call to the next.
qint64 parseRfc3339Ns(QByteArrayView text, Rfc3339Minute& minute);

// Length of the logger's own timestamp at the start of a message ("2026-01-14T10:00:00.000Z ", with the
// blanks after it), 0 when the message does not start with one. The log panel leaves it out: it repeats the
// Time column.
qsizetype loggerTimestampLength(QStringView message);

} // namespace heapwatch
