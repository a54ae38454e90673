// Text from a server is shown to a person (GUI, terminal, reports) and must never act on the display: no
// escape or control characters, no bidirectional overrides that reorder what is read.
#pragma once

#include <QByteArrayView>
#include <QString>

namespace heapwatch {

// Removes C0 controls (except tab), DEL, C1 controls (U+0080–U+009F) and bidirectional embedding, override
// and isolate characters; truncates to maxChars without splitting a surrogate pair.
QString plainText(QString text, qsizetype maxChars = 4096);

// plainText() on one line: line breaks, tabs and other white space become single spaces, the ends are trimmed.
// For text from a server that lands in a line of output (stderr, a connection message, a table cell).
QString oneLine(const QString& text, qsizetype maxChars = 1024);

// plainText() that keeps line breaks (CR LF and CR become LF): a keyboard-interactive instruction.
QString plainLines(const QString& text, qsizetype maxChars = 4096);

// oneLine() fit for the first line of `heapwatch check`: a '|' there starts the monitoring plugin's perfdata,
// so a server's '|' becomes '/'.
QString pluginText(const QString& text, qsizetype maxChars = 1024);

// Bytes without leading and trailing ASCII white space (space, tab, CR, LF, FF, VT).
inline QByteArrayView trimmedBytes(QByteArrayView v)
{
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; };
    qsizetype b = 0;
    qsizetype e = v.size();
    while (b < e && blank(v[b]))
        ++b;
    while (e > b && blank(v[e - 1]))
        --e;
    return v.sliced(b, e - b);
}

} // namespace heapwatch
