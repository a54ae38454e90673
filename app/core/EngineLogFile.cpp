#include "EngineLogFile.h"

#include "LogParser.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <cstring>
#include <utility>

namespace heapwatch {

namespace {

constexpr QByteArrayView kControl("hwlog ");

int slot(LogStream s)
{
    return s == LogStream::Stderr ? 1 : 0;
}

bool streamFrom(QByteArrayView name, LogStream& out)
{
    if (name == "stdout") {
        out = LogStream::Stdout;
        return true;
    }
    if (name == "stderr") {
        out = LogStream::Stderr;
        return true;
    }
    return false;
}

// json-file: one JSON object a line. Parsed as JSON (escapes, \u sequences) only after a cheap shape check.
bool parseJsonFile(QByteArrayView line, EngineLogFile::Piece& out)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(line.data(), line.size()), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return false;
    const QJsonObject o = doc.object();
    const QJsonValue log = o.value(QLatin1String("log"));
    if (!log.isString() || !streamFrom(o.value(QLatin1String("stream")).toString().toLatin1(), out.stream))
        return false;
    out.timeNs = parseRfc3339Ns(o.value(QLatin1String("time")).toString().toLatin1());
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
    out.timeNs = parseRfc3339Ns(line.first(a));
    if (out.timeNs < 0)
        return false;
    out.last = rest[0] == 'F';
    out.text = rest.size() > 2 ? rest.sliced(2).toByteArray() : QByteArray();
    return true;
}

constexpr qsizetype kRfc3339NanoChars = 30; // 2026-11-27T12:20:33.882071633Z

// The 30 characters of EngineLogFile::rfc3339Nano(ns), written at text.
void writeRfc3339Nano(qint64 ns, char* text)
{
    constexpr qint64 kNsPerSecond = 1000000000;
    constexpr qint64 kSecondsPerDay = 86400;
    // Floor divisions (a time before the epoch is in the second and the day before), without overflow at the ends.
    const qint64 secs = ns / kNsPerSecond - (ns % kNsPerSecond < 0 ? 1 : 0);
    const qint64 fraction = ns % kNsPerSecond + (ns % kNsPerSecond < 0 ? kNsPerSecond : 0);
    const qint64 days = secs / kSecondsPerDay - (secs % kSecondsPerDay < 0 ? 1 : 0);
    const qint64 ofDay = secs - days * kSecondsPerDay;
    // The civil date of a day count (days since 1970-01-01, proleptic Gregorian): H. Hinnant's civil_from_days.
    const qint64 z = days + 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const qint64 dayOfEra = z - era * 146097;
    const qint64 yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const qint64 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const qint64 mp = (5 * dayOfYear + 2) / 153;
    const qint64 day = dayOfYear - (153 * mp + 2) / 5 + 1;
    const qint64 month = mp < 10 ? mp + 3 : mp - 9;
    const qint64 year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    // qint64 nanoseconds span the years 1677 to 2262: always four digits.
    const auto digits = [text](int at, qint64 value, int count) {
        for (int i = count - 1; i >= 0; --i, value /= 10)
            text[at + i] = char('0' + value % 10);
    };
    digits(0, year, 4);
    text[4] = '-';
    digits(5, month, 2);
    text[7] = '-';
    digits(8, day, 2);
    text[10] = 'T';
    digits(11, ofDay / 3600, 2);
    text[13] = ':';
    digits(14, ofDay / 60 % 60, 2);
    text[16] = ':';
    digits(17, ofDay % 60, 2);
    text[19] = '.';
    digits(20, fraction, 9);
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

void EngineLogFile::feed(QByteArrayView bytes, std::vector<Line>& out, std::vector<QByteArray>& control)
{
    while (!bytes.isEmpty()) {
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
        if (m_partial.isEmpty()) {
            take(bytes.first(nl), out, control);
        } else {
            m_partial.append(bytes.data(), nl);
            take(m_partial, out, control);
            m_partial.clear();
        }
        bytes = bytes.sliced(nl + 1);
    }
}

void EngineLogFile::take(QByteArrayView line, std::vector<Line>& out, std::vector<QByteArray>& control)
{
    if (line.startsWith(kControl)) {
        control.push_back(line.sliced(kControl.size()).toByteArray());
        return;
    }
    Piece piece;
    if (!parsePiece(line, piece)) {
        ++m_malformed;
        return;
    }
    const int s = slot(piece.stream);
    Line& pending = m_pending[s];
    if (!m_hasPending[s]) {
        pending.stream = piece.stream;
        pending.timeNs = piece.timeNs;
        pending.message = std::move(piece.text);
        m_hasPending[s] = true;
    } else if (pending.message.size() + piece.text.size() <= kMaxJoinedBytes) {
        pending.message.append(piece.text);
    } else {
        // Too long to join: what was joined goes as it is (oversized for LogParser), the piece starts anew.
        out.push_back(std::move(pending));
        pending = Line {piece.stream, piece.timeNs, std::move(piece.text)};
    }
    if (piece.last) {
        out.push_back(std::move(pending));
        pending = Line {};
        m_hasPending[s] = false;
    }
}

void EngineLogFile::finish(std::vector<Line>& out, std::vector<QByteArray>& control)
{
    if (!m_partial.isEmpty()) {
        const QByteArray last = std::exchange(m_partial, QByteArray());
        take(last, out, control);
    }
    // The unfinished lines of both streams, the older first.
    const int first = m_hasPending[0] && m_hasPending[1] && m_pending[1].timeNs < m_pending[0].timeNs ? 1 : 0;
    for (int s : {first, 1 - first}) {
        if (m_hasPending[s])
            out.push_back(std::move(m_pending[s]));
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

void EngineLogFile::appendTimestamped(qint64 ns, QByteArrayView message, QByteArray& out)
{
    // Written in place: no string of its own per line.
    const qsizetype at = out.size();
    out.resize(at + kRfc3339NanoChars + 1 + message.size() + 1);
    char* p = out.data() + at;
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
