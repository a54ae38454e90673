// Text from a server is shown to a person (GUI, terminal, reports) and must never act on the display: no
// escape or control characters, no bidirectional overrides that reorder what is read.
#pragma once

#include <QByteArrayView>
#include <QString>

namespace heapwatch {

// Removes C0 controls (except tab), DEL, C1 controls (U+0080–U+009F) and bidirectional embedding, override
// and isolate characters; truncates to maxChars without splitting a surrogate pair.
QString plainText(QString text, qsizetype maxChars = 4096);

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
