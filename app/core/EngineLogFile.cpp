#include "EngineLogFile.h"

#include "LogParser.h"

#include <QJsonDocument>
#include <QJsonObject>

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

void EngineLogFile::reset()
{
    m_partial.clear();
    for (int s = 0; s < 2; ++s) {
        m_pending[s] = Line {};
        m_hasPending[s] = false;
    }
}

} // namespace heapwatch
