#include "EngineLogFile.h"

#include "JsonText.h"
#include "LogParser.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>
#if defined(__SSE2__)
#    include <emmintrin.h>
#endif

namespace heapwatch {

namespace {

constexpr QByteArrayView kControl("hwlog ");

int slot(LogStream s)
{
    return s == LogStream::Stderr ? 1 : 0;
}

// Whether the bytes at p are those of literal (without its terminating zero): one comparison of a few words.
template<size_t N> bool bytesAre(const char* p, const char (&literal)[N])
{
    return std::memcmp(p, literal, N - 1) == 0;
}

constexpr qsizetype kStreamName = 6; // stdout, stderr

// The stream named by the kStreamName bytes at p.
bool streamAt(const char* p, LogStream& out)
{
    if (bytesAre(p, "stdout")) {
        out = LogStream::Stdout;
        return true;
    }
    if (bytesAre(p, "stderr")) {
        out = LogStream::Stderr;
        return true;
    }
    return false;
}

bool streamFrom(QByteArrayView name, LogStream& out)
{
    return name.size() == kStreamName && streamAt(name.data(), out);
}

// The longest time the writers of whole lines (EngineLogFile::writeJsonLine, writeK8sLine) look for; a line with a
// longer one is read by take().
constexpr qsizetype kLongestTime = 64;

// The value of a \uXXXX escape at p (the four hex digits), or -1.
int hexQuad(const char* p)
{
    int value = 0;
    for (int i = 0; i < 4; ++i) {
        const int digit = jsonHexDigit(p[i]);
        if (digit < 0)
            return -1;
        value = value * 16 + digit;
    }
    return value;
}

constexpr qsizetype kRfc3339NanoChars = 30; // 2026-11-27T12:20:33.882071633Z

// out.timeNs and out.timeText of the time text of a line; false when it is not an RFC 3339 time. The minute of the
// time before is kept (parseRfc3339Ns): a replay of a million lines read the whole date and time of each, and wrote
// it out again for the parser, a sixth of its time.
bool readLineTime(QByteArrayView time, EngineLogFile::Piece& out)
{
    out.timeNs = parseRfc3339Ns(time, out.minute);
    if (out.timeNs < 0)
        return false;
    out.timeSpelt = time.data();
    // rfc3339Nano()'s spelling, "2026-11-27T12:20:33.882071633Z" (what a time read has at the other places; a
    // leap second, ":60", is the next minute's first second there).
    const char* t = time.data();
    const bool canonical
        = time.size() == kRfc3339NanoChars && t[10] == 'T' && t[17] < '6' && t[19] == '.' && t[29] == 'Z';
    out.timeText = canonical ? time : QByteArrayView();
    // conmon's spelling of it, "2026-11-27T12:20:33.882071633+00:00": the same but for its zone.
    out.utcOffsetSpelling = !canonical && time.size() == kRfc3339NanoChars + 5 && t[10] == 'T' && t[17] < '6'
        && t[19] == '.' && std::memcmp(t + kRfc3339NanoChars - 1, "+00:00", 6) == 0;
    return true;
}

void writeRfc3339Nano(qint64 ns, char* text);

// rfc3339Nano() of a time read (readLineTime) written at text: copied where the line spelt it so or with a zone of
// +00:00, else written from its nanoseconds.
void writeLineTime(const EngineLogFile::Piece& piece, char* text)
{
    if (piece.timeText.size() == kRfc3339NanoChars) {
        std::memcpy(text, piece.timeText.data(), kRfc3339NanoChars);
    } else if (piece.utcOffsetSpelling) {
        std::memcpy(text, piece.timeSpelt, kRfc3339NanoChars - 1);
        text[kRfc3339NanoChars - 1] = 'Z';
    } else {
        writeRfc3339Nano(piece.timeNs, text);
    }
}

// The length of the well-formed UTF-8 sequence at p (whose first byte is 0x80 or above) before end, or 0: a
// continuation byte, an overlong form, a surrogate, a code point above U+10FFFF or a cut sequence (the Unicode
// standard's table 3-7).
int utf8SequenceLength(const char* p, const char* end)
{
    const auto byte = [p](int i) { return static_cast<unsigned char>(p[i]); };
    const auto continuation = [&byte](int i) { return (byte(i) & 0xC0) == 0x80; };
    const unsigned char lead = byte(0);
    if (lead < 0xC2)
        return 0;
    if (lead < 0xE0)
        return end - p >= 2 && continuation(1) ? 2 : 0;
    if (lead < 0xF0) {
        const unsigned char low = lead == 0xE0 ? 0xA0 : 0x80, high = lead == 0xED ? 0x9F : 0xBF;
        return end - p >= 3 && byte(1) >= low && byte(1) <= high && continuation(2) ? 3 : 0;
    }
    if (lead < 0xF5) {
        const unsigned char low = lead == 0xF0 ? 0x90 : 0x80, high = lead == 0xF4 ? 0x8F : 0xBF;
        return end - p >= 4 && byte(1) >= low && byte(1) <= high && continuation(2) && continuation(3) ? 4 : 0;
    }
    return 0;
}

// Where unescapedString() writes when the room is made ahead (EngineLogFile::writeJsonLine): the string's escaped
// length and 16 bytes more, for it stores each 16 bytes it reads before it looks at them.
struct RawText
{
    char* at;
    void append(const char* from, qsizetype n)
    {
        std::memcpy(at, from, size_t(n));
        at += n;
    }
    void append(char c) { *at++ = c; }
};
template<typename Out> constexpr bool kStoresAhead = false;
template<> constexpr bool kStoresAhead<RawText> = true;

// The JSON string that begins at p (after its opening quote) unescaped into out, up to its closing quote; the
// position after that quote, or nullptr for anything this reader leaves to a JSON parser: bytes outside ASCII
// that are not well-formed UTF-8 (which a parser refuses or replaces), a control character (invalid), a
// surrogate escape, an unknown escape or no closing quote. Well-formed UTF-8 is kept as it is, as a JSON parser's
// string written back as UTF-8 has it. Into a QByteArray, the bytes between escapes are appended at once; into a
// RawText, each 16 bytes are stored as they are read (what follows the string's end is written over later).
template<typename Out> const char* unescapedString(const char* p, const char* end, Out& out)
{
    const char* run = p; // the bytes since the last escape, copied at once
    const auto flush = [&](const char* to) {
        if constexpr (!kStoresAhead<Out>) {
            if (to > run)
                out.append(run, to - run);
        }
    };
    while (p < end) {
#if defined(__SSE2__)
        // Sixteen bytes at a time to the next byte that is not plain ASCII text: a quote, a backslash, a control
        // character or a byte of 0x80 and above (negative as a signed byte, so below 0x20 too).
        while (end - p >= 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            if constexpr (kStoresAhead<Out>)
                _mm_storeu_si128(reinterpret_cast<__m128i*>(out.at), v);
            const __m128i special = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
            const int mask = _mm_movemask_epi8(special);
            const int plain = mask != 0 ? __builtin_ctz(unsigned(mask)) : 16;
            p += plain;
            if constexpr (kStoresAhead<Out>)
                out.at += plain;
            if (mask != 0)
                break;
        }
        if (p >= end)
            break;
#endif
        const auto c = static_cast<unsigned char>(*p);
        if (c == '"') {
            flush(p);
            return p + 1;
        }
        if (c >= 0x80) {
            // Text beyond ASCII (a name, an arrow, an emoji): a line of it took 2 us through the JSON parser.
            const int length = utf8SequenceLength(p, end);
            if (length == 0)
                return nullptr;
            if constexpr (kStoresAhead<Out>)
                out.append(p, length);
            p += length;
            continue;
        }
        if (c < 0x20)
            return nullptr;
        if (c != '\\') {
            if constexpr (kStoresAhead<Out>)
                out.append(char(c));
            ++p;
            continue;
        }
        flush(p);
        if (end - p < 2)
            return nullptr;
        if (p[1] == 'u') {
            // Go's encoder writes control characters, <, >, & and U+2028/U+2029 so (the others as UTF-8).
            const int u = end - p >= 6 ? hexQuad(p + 2) : -1;
            if (u < 0 || (u >= 0xD800 && u <= 0xDFFF))
                return nullptr;
            appendUtf8(out, std::uint32_t(u));
            p += 6;
            run = p;
            continue;
        }
        const char plain = jsonShortEscape(p[1]);
        if (!plain)
            return nullptr;
        out.append(plain);
        p += 2;
        run = p;
    }
    return nullptr;
}

// A line as dockerd writes it (daemon/logger/jsonfilelog: the keys log, stream and time in that order, no spaces,
// the log escaped by Go's encoding/json), read without a JSON parser; false for any other spelling, which
// parseJsonFile then gives to one. A million lines took two seconds through QJsonDocument.
bool parseDockerJsonLine(QByteArrayView line, EngineLogFile::Piece& out)
{
    constexpr QByteArrayView kLog("{\"log\":\"");
    constexpr QByteArrayView kStream("\"stream\":\"");
    constexpr QByteArrayView kTime("\"time\":\"");
    if (!line.startsWith(kLog))
        return false;
    const char* const end = line.data() + line.size();
    out.text.resize(0);
    const char* p = unescapedString(line.data() + kLog.size(), end, out.text);
    // ,"stream":"stdout",
    if (!p || end - p < 1 + kStream.size() + kStreamName + 2 || *p != ','
        || QByteArrayView(p + 1, kStream.size()) != kStream)
        return false;
    p += 1 + kStream.size();
    if (!streamFrom(QByteArrayView(p, kStreamName), out.stream) || p[kStreamName] != '"' || p[kStreamName + 1] != ',')
        return false;
    p += kStreamName + 2;
    // "time":"2026-11-27T12:20:33.882071633Z"}
    if (end - p < kTime.size() + 2 || QByteArrayView(p, kTime.size()) != kTime || end[-1] != '}' || end[-2] != '"')
        return false;
    const QByteArrayView time(p + kTime.size(), end - 2 - (p + kTime.size()));
    if (time.contains('"') || time.contains('\\') || !readLineTime(time, out))
        return false;
    out.last = out.text.endsWith('\n');
    if (out.last)
        out.text.chop(1);
    return true;
}

// json-file: one JSON object a line; dockerd's own spelling read directly, any other through a JSON parser.
bool parseJsonFile(QByteArrayView line, EngineLogFile::Piece& out)
{
    if (parseDockerJsonLine(line, out))
        return true;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(line.data(), line.size()), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return false;
    const QJsonObject o = doc.object();
    const QJsonValue log = o.value(QLatin1String("log"));
    if (!log.isString() || !streamFrom(o.value(QLatin1String("stream")).toString().toLatin1(), out.stream))
        return false;
    out.timeNs = parseRfc3339Ns(o.value(QLatin1String("time")).toString().toLatin1());
    out.timeText = {}; // not in the line as it is spelt there
    if (out.timeNs < 0)
        return false;
    out.text = log.toString().toUtf8();
    out.last = out.text.endsWith('\n');
    if (out.last)
        out.text.chop(1);
    return true;
}

// k8s-file: "TIME STREAM FLAG MESSAGE" (FLAG F or P; older conmon wrote no message after F for an empty line).
bool parseK8sFile(QByteArrayView line, EngineLogFile::Piece& out)
{
    const qsizetype a = line.indexOf(' ');
    if (a <= 0)
        return false;
    const qsizetype b = line.indexOf(' ', a + 1);
    if (b <= a + 1 || !streamFrom(line.sliced(a + 1, b - a - 1), out.stream))
        return false;
    const QByteArrayView rest = line.sliced(b + 1);
    if (rest.isEmpty() || (rest[0] != 'F' && rest[0] != 'P') || (rest.size() > 1 && rest[1] != ' '))
        return false;
    if (!readLineTime(line.first(a), out))
        return false;
    out.last = rest[0] == 'F';
    out.text.resize(0); // its room kept
    if (rest.size() > 2)
        out.text.append(rest.sliced(2));
    return true;
}

// The 30 characters of EngineLogFile::rfc3339Nano(ns), written at text.
void writeRfc3339Nano(qint64 ns, char* text)
{
    constexpr qint64 kNsPerSecond = 1000000000;
    constexpr qint64 kSecondsPerDay = 86400;
    // Floor divisions (a time before the epoch is in the second and the day before), without overflow at the ends.
    const qint64 secs = ns / kNsPerSecond - (ns % kNsPerSecond < 0 ? 1 : 0);
    const auto fraction = quint32(ns % kNsPerSecond + (ns % kNsPerSecond < 0 ? kNsPerSecond : 0));
    const qint64 days = secs / kSecondsPerDay - (secs % kSecondsPerDay < 0 ? 1 : 0);
    const auto ofDay = quint32(secs - days * kSecondsPerDay);
    const auto twoDigits = [text](int at, quint32 value) {
        text[at] = char('0' + value / 10);
        text[at + 1] = char('0' + value % 10);
    };
    // The lines of a log come many a day: the date of the line before is written again as it was (a replay of a
    // million lines spent a sixth of its time here).
    struct Day
    {
        qint64 days = std::numeric_limits<qint64>::min();
        char text[10];
    };
    thread_local Day last;
    if (days != last.days) {
        // The civil date of a day count (days since 1970-01-01, proleptic Gregorian): H. Hinnant's civil_from_days.
        const qint64 z = days + 719468;
        const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
        const qint64 dayOfEra = z - era * 146097;
        const qint64 yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
        const qint64 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        const qint64 mp = (5 * dayOfYear + 2) / 153;
        const auto day = quint32(dayOfYear - (153 * mp + 2) / 5 + 1);
        const auto month = quint32(mp < 10 ? mp + 3 : mp - 9);
        // qint64 nanoseconds span the years 1677 to 2262: always four digits.
        const auto year = quint32(yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
        twoDigits(0, year / 100);
        twoDigits(2, year % 100);
        text[4] = '-';
        twoDigits(5, month);
        text[7] = '-';
        twoDigits(8, day);
        last.days = days;
        std::memcpy(last.text, text, sizeof last.text);
    } else {
        std::memcpy(text, last.text, sizeof last.text);
    }
    text[10] = 'T';
    twoDigits(11, ofDay / 3600);
    text[13] = ':';
    twoDigits(14, ofDay / 60 % 60);
    text[16] = ':';
    twoDigits(17, ofDay % 60);
    text[19] = '.';
    // Nine digits, two at a time.
    quint32 f = fraction;
    text[28] = char('0' + f % 10);
    f /= 10;
    for (int at = 26; at >= 20; at -= 2, f /= 100)
        twoDigits(at, f % 100);
    text[29] = 'Z';
}

} // namespace

bool EngineLogFile::parsePiece(QByteArrayView line, Piece& out)
{
    if (line.endsWith('\r'))
        line.chop(1);
    if (line.isEmpty())
        return false;
    if (line[0] == '{')
        return parseJsonFile(line, out);
    if (line[0] >= '0' && line[0] <= '9')
        return parseK8sFile(line, out);
    return false;
}

namespace {

// The lines into vectors, each with a string of its own.
class VectorSink : public EngineLogFile::Sink
{
public:
    VectorSink(std::vector<EngineLogFile::Line>& out, std::vector<QByteArray>& control)
        : m_out(out)
        , m_control(control)
    {
    }
    void line(LogStream stream, qint64 timeNs, QByteArrayView, QByteArrayView message) override
    {
        m_out.push_back(EngineLogFile::Line {stream, timeNs, message.toByteArray()});
    }
    void control(QByteArrayView line) override { m_control.push_back(line.toByteArray()); }

private:
    std::vector<EngineLogFile::Line>& m_out;
    std::vector<QByteArray>& m_control;
};

} // namespace

void EngineLogFile::feed(QByteArrayView bytes, std::vector<Line>& out, std::vector<QByteArray>& control)
{
    VectorSink sink(out, control);
    feed(bytes, sink);
}

// Writes whole lines into a sink's text (Sink::timestampedText) through a pointer: the text is made longer than
// needed ahead and cut to what was written at close(), before the sink is called again, or when the stream changes.
class EngineLogFile::TextWriter
{
public:
    explicit TextWriter(Sink& sink)
        : m_sink(sink)
    {
    }
    ~TextWriter() { close(); }
    TextWriter(const TextWriter&) = delete;
    TextWriter& operator=(const TextWriter&) = delete;

    // Room for bytes more of stream's text; nullptr when the sink has no text.
    char* room(LogStream stream, qsizetype bytes)
    {
        if (!m_text || stream != m_stream) {
            close();
            if (!(m_text = m_sink.timestampedText(stream))) {
                m_none = true;
                return nullptr;
            }
            m_stream = stream;
            m_written = m_text->size();
        }
        if (m_text->size() - m_written < bytes)
            m_text->resize(m_written + std::max(bytes, kAhead)); // the new bytes uninitialized
        return m_text->data() + m_written;
    }
    void wrote(qsizetype bytes) { m_written += bytes; }
    bool none() const { return m_none; } // the sink has no text (seen at a line before)
    void close()
    {
        if (m_text)
            m_text->resize(m_written);
        m_text = nullptr;
    }

private:
    static constexpr qsizetype kAhead = 64 * 1024;
    Sink& m_sink;
    QByteArray* m_text = nullptr;
    LogStream m_stream = LogStream::Stdout;
    qsizetype m_written = 0;
    bool m_none = false;
};

// The line of dockerd's json-file at the start of bytes written into the sink's text as take() would have it written
// there (parseJsonFile, then Sink::line, then appendTimestamped), read once, without a copy of its own: the bytes
// it took (the line and its newline), or 0 for anything else, which take() reads then: another spelling, a piece of
// a longer line, a line of the other stream than the line before (one stream's room is asked for ahead) or of a
// stream with pieces pending, or a line that does not end in these bytes.
qsizetype EngineLogFile::writeJsonLine(QByteArrayView bytes, TextWriter& writer)
{
    static constexpr char kLog[] = "{\"log\":\"";
    static constexpr char kStream[] = "\",\"stream\":\""; // from the log's closing quote
    static constexpr char kTime[] = "\",\"time\":\""; // from the stream's closing quote
    constexpr qsizetype kLogSize = sizeof kLog - 1, kStreamSize = sizeof kStream - 1, kTimeSize = sizeof kTime - 1;
    Piece& piece = m_piece;
    const char* const b = bytes.data();
    const char* const end = b + bytes.size();
    const LogStream stream = piece.stream; // the line before's
    if (writer.none() || bytes.size() < kLogSize || !bytesAre(b, kLog) || m_hasPending[slot(stream)])
        return 0;
    char* const room = writer.room(stream, kRfc3339NanoChars + 1 + (end - b) + 16);
    if (!room)
        return 0;
    RawText text {room + kRfc3339NanoChars + 1};
    const char* const after = unescapedString(b + kLogSize, end, text);
    if (!after)
        return 0;
    // ","stream":"stdout","time":"2026-11-27T12:20:33.882071633Z"}\n
    const char* const closing = after - 1;
    const char* const time = closing + kStreamSize + kStreamName + kTimeSize;
    LogStream lineStream;
    if (end - time < 3 || !bytesAre(closing, kStream) || !streamAt(closing + kStreamSize, lineStream)
        || lineStream != stream || !bytesAre(closing + kStreamSize + kStreamName, kTime))
        return 0;
    // The time's closing quote: where dockerd's nine digits put it, else the first after the time. (A time with a
    // quote or a backslash in it is no RFC 3339 time: readLineTime() refuses it.)
    const char* quote = time + kRfc3339NanoChars;
    if (end - quote < 3 || *quote != '"') {
        quote = static_cast<const char*>(
            std::memchr(time, '"', size_t(std::min<qsizetype>(end - time, kLongestTime + 1))));
        if (!quote || end - quote < 3)
            return 0;
    }
    // The message ends with its newline (else it is a piece); the line with "} and its own.
    if (quote[1] != '}' || quote[2] != '\n' || text.at == room + kRfc3339NanoChars + 1 || text.at[-1] != '\n'
        || !readLineTime(QByteArrayView(time, quote - time), piece))
        return 0;
    writeLineTime(piece, room);
    room[kRfc3339NanoChars] = ' ';
    writer.wrote(text.at - room);
    return quote + 3 - b;
}

// The line of podman's k8s-file at the start of bytes (flag F, none of its stream's pieces pending) written into
// the sink's text as take() would have it written there (parseK8sFile, then Sink::line, then appendTimestamped),
// its message copied 16 bytes at a time to its newline: the bytes it took (the line and its newline), or 0 for
// anything else, which take() reads then.
qsizetype EngineLogFile::writeK8sLine(QByteArrayView bytes, TextWriter& writer)
{
    if (writer.none())
        return 0;
    Piece& piece = m_piece;
    const char* const b = bytes.data();
    const char* const end = b + bytes.size();
    // TIME STREAM F MESSAGE (the time has no space or newline: readLineTime() refuses one that has)
    const void* const space = std::memchr(b, ' ', size_t(std::min(bytes.size(), kLongestTime + 1)));
    if (!space)
        return 0;
    const char* const stream = static_cast<const char*>(space) + 1;
    if (end - stream < kStreamName + 3 || stream[kStreamName] != ' ' || stream[kStreamName + 1] != 'F'
        || (stream[kStreamName + 2] != ' ' && stream[kStreamName + 2] != '\n') || !streamAt(stream, piece.stream)
        || m_hasPending[slot(piece.stream)] || !readLineTime(QByteArrayView(b, stream - 1 - b), piece))
        return 0;
    const char* p = stream + kStreamName + (stream[kStreamName + 2] == ' ' ? 3 : 2); // the message
    const char* const message = p;
    char* const room = writer.room(piece.stream, kRfc3339NanoChars + 1 + (end - p) + 16);
    if (!room)
        return 0;
    char* w = room + kRfc3339NanoChars + 1;
    for (;;) {
#if defined(__SSE2__)
        if (end - p >= 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(w), v);
            const int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
            const int plain = mask != 0 ? __builtin_ctz(unsigned(mask)) : 16;
            p += plain;
            w += plain;
            if (mask != 0)
                break;
            continue;
        }
#endif
        if (p == end)
            return 0; // the line goes on in the next bytes
        *w = *p;
        if (*p == '\n')
            break;
        ++p;
        ++w;
    }
    if (p > message && p[-1] == '\r')
        return 0; // take() leaves the CR out
    writeLineTime(piece, room);
    room[kRfc3339NanoChars] = ' ';
    *w = '\n';
    writer.wrote(w + 1 - room);
    return p + 1 - b;
}

void EngineLogFile::feed(QByteArrayView bytes, Sink& sink)
{
    TextWriter writer(sink);
    while (!bytes.isEmpty()) {
        if (m_partial.isEmpty()) {
            const char first = bytes[0];
            const qsizetype taken = first == '{' ? writeJsonLine(bytes, writer)
                : first >= '0' && first <= '9'   ? writeK8sLine(bytes, writer)
                                                 : 0;
            if (taken) {
                bytes = bytes.sliced(taken);
                continue;
            }
        }
        const qsizetype nl = bytes.indexOf('\n');
        if (nl < 0) {
            // A line longer than any log line is let go piecewise: its end is what is kept.
            if (m_partial.size() + bytes.size() > kMaxJoinedBytes + 4096) {
                ++m_malformed;
                m_partial.clear();
            }
            m_partial.append(bytes.data(), bytes.size());
            return;
        }
        writer.close(); // before the sink is called
        if (m_partial.isEmpty()) {
            take(bytes.first(nl), sink);
        } else {
            m_partial.append(bytes.data(), nl);
            take(m_partial, sink);
            m_partial.clear();
        }
        bytes = bytes.sliced(nl + 1);
    }
}

void EngineLogFile::take(QByteArrayView line, Sink& sink)
{
    if (line.startsWith(kControl)) {
        sink.control(line.sliced(kControl.size()));
        return;
    }
    Piece& piece = m_piece;
    if (!parsePiece(line, piece)) {
        ++m_malformed;
        return;
    }
    const int s = slot(piece.stream);
    Line& pending = m_pending[s];
    if (!m_hasPending[s]) {
        if (piece.last) { // a whole line, as nearly all are: passed on from where it was read
            sink.line(piece.stream, piece.timeNs, piece.timeText, piece.text);
            return;
        }
        pending.stream = piece.stream;
        pending.timeNs = piece.timeNs;
        pending.message = piece.text;
        m_hasPending[s] = true;
    } else if (pending.message.size() + piece.text.size() <= kMaxJoinedBytes) {
        pending.message.append(piece.text);
    } else {
        // Too long to join: what was joined goes as it is (oversized for LogParser), the piece starts anew.
        sink.line(pending.stream, pending.timeNs, {}, pending.message);
        pending = Line {piece.stream, piece.timeNs, piece.text};
    }
    if (piece.last) {
        sink.line(pending.stream, pending.timeNs, {}, pending.message);
        pending = Line {};
        m_hasPending[s] = false;
    }
}

void EngineLogFile::finish(std::vector<Line>& out, std::vector<QByteArray>& control)
{
    VectorSink sink(out, control);
    finish(sink);
}

void EngineLogFile::finish(Sink& sink)
{
    if (!m_partial.isEmpty()) {
        const QByteArray last = std::exchange(m_partial, QByteArray());
        take(last, sink);
    }
    // The unfinished lines of both streams, the older first.
    const int first = m_hasPending[0] && m_hasPending[1] && m_pending[1].timeNs < m_pending[0].timeNs ? 1 : 0;
    for (int s : {first, 1 - first}) {
        if (m_hasPending[s])
            sink.line(m_pending[s].stream, m_pending[s].timeNs, {}, m_pending[s].message);
    }
    reset();
}

bool EngineLogFile::isEngineLogLine(QByteArrayView line)
{
    Piece piece;
    return !line.startsWith(kControl) && parsePiece(line, piece);
}

QByteArray EngineLogFile::rfc3339Nano(qint64 ns)
{
    QByteArray text(kRfc3339NanoChars, Qt::Uninitialized);
    writeRfc3339Nano(ns, text.data());
    return text;
}

void EngineLogFile::appendTimestamped(qint64 ns, QByteArrayView timeText, QByteArrayView message, QByteArray& out)
{
    // Written in place: no string of its own per line.
    const qsizetype at = out.size();
    out.resize(at + kRfc3339NanoChars + 1 + message.size() + 1);
    char* p = out.data() + at;
    if (timeText.size() == kRfc3339NanoChars)
        std::memcpy(p, timeText.data(), kRfc3339NanoChars);
    else
        writeRfc3339Nano(ns, p);
    p[kRfc3339NanoChars] = ' ';
    if (!message.isEmpty())
        std::memcpy(p + kRfc3339NanoChars + 1, message.data(), size_t(message.size()));
    p[kRfc3339NanoChars + 1 + message.size()] = '\n';
}

void EngineLogFile::reset()
{
    m_partial.clear();
    for (int s = 0; s < 2; ++s) {
        m_pending[s] = Line {};
        m_hasPending[s] = false;
    }
}

} // namespace heapwatch
