// What the JSON readers that do without a JSON parser (the heap snapshot reader, the json-file reader of
// EngineLogFile) share: a string's escapes.
#pragma once

#include <QByteArray>
#include <cstdint>

namespace heapwatch {

// The character a JSON escape's letter stands for (\" \\ \/ \b \f \n \r \t); 0 for any other letter (\u, or
// an escape JSON does not have).
inline char jsonShortEscape(char letter)
{
    switch (letter) {
    case '"':
    case '\\':
    case '/':
        return letter;
    case 'b':
        return '\b';
    case 'f':
        return '\f';
    case 'n':
        return '\n';
    case 'r':
        return '\r';
    case 't':
        return '\t';
    default:
        return 0;
    }
}

// The value of a hexadecimal digit (of a \uXXXX escape); -1 for any other character.
inline int jsonHexDigit(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
        : c >= 'a' && c <= 'f'  ? c - 'a' + 10
        : c >= 'A' && c <= 'F'  ? c - 'A' + 10
                                : -1;
}

// Code point cp (not a surrogate) appended to out (a QByteArray, or any Out with append(char)) as UTF-8.
template<typename Out> void appendUtf8(Out& out, std::uint32_t cp)
{
    if (cp < 0x80) {
        out.append(char(cp));
    } else if (cp < 0x800) {
        out.append(char(0xC0 | (cp >> 6)));
        out.append(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.append(char(0xE0 | (cp >> 12)));
        out.append(char(0x80 | ((cp >> 6) & 0x3F)));
        out.append(char(0x80 | (cp & 0x3F)));
    } else {
        out.append(char(0xF0 | (cp >> 18)));
        out.append(char(0x80 | ((cp >> 12) & 0x3F)));
        out.append(char(0x80 | ((cp >> 6) & 0x3F)));
        out.append(char(0x80 | (cp & 0x3F)));
    }
}

} // namespace heapwatch
