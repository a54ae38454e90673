#include "PlainText.h"

#include <QStringList>

namespace heapwatch {
namespace {

bool isUnsafe(char16_t c)
{
    if (c >= 0x20 && c < 0x7f)
        return false; // printable ASCII, nearly every character: one test
    if (c < 0x20)
        return c != u'\t';
    if (c >= 0x7f && c <= 0x9f)
        return true; // DEL and the C1 controls (8-bit CSI, OSC, ST …)
    // Bidi controls: ALM, LRM/RLM, embeddings and overrides, isolates.
    return c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

} // namespace

QString plainText(QString text, qsizetype maxChars)
{
    // Read through a const pointer up to the first character to remove (nearly always none: nothing is copied),
    // then compact the rest in place, the string detached once.
    const char16_t* const begin = reinterpret_cast<const char16_t*>(text.constData());
    const qsizetype n = text.size();
    qsizetype w = 0;
    while (w < n && !isUnsafe(begin[w]))
        ++w;
    if (w < n) {
        char16_t* const d = reinterpret_cast<char16_t*>(text.data());
        for (qsizetype r = w + 1; r < n; ++r) {
            if (!isUnsafe(d[r]))
                d[w++] = d[r];
        }
        text.truncate(w);
    }
    if (text.size() > maxChars)
        text.truncate(maxChars > 0 && text.at(maxChars - 1).isHighSurrogate() ? maxChars - 1 : maxChars);
    return text;
}

QString oneLine(const QString& text, qsizetype maxChars)
{
    // simplified() turns every white space (including CR, LF, tab, VT, FF, NEL, LS, PS) into one space first,
    // so words on either side of a line break stay apart; plainText() then drops the other controls.
    return plainText(text.simplified(), maxChars).simplified();
}

QString plainLines(const QString& text, qsizetype maxChars)
{
    QString normalised = text;
    normalised.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    normalised.replace(QLatin1Char('\r'), QLatin1Char('\n'));
    QStringList lines = normalised.split(QLatin1Char('\n'));
    for (QString& line : lines)
        line = plainText(line, maxChars);
    return lines.join(QLatin1Char('\n')).left(maxChars).trimmed();
}

QString pluginText(const QString& text, qsizetype maxChars)
{
    QString line = oneLine(text, maxChars);
    line.replace(QLatin1Char('|'), QLatin1Char('/'));
    return line;
}

} // namespace heapwatch
