#include "Units.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace heapwatch::units {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Exact powers of ten: a mantissa below 2^53 divided by one of these is correctly rounded, so the fast path
// gives bit-identical results to strtod/from_chars.
constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

void trim(const char*& b, const char*& e)
{
    while (b < e && isSpace(*b))
        ++b;
    while (e > b && isSpace(e[-1]))
        --e;
}

// A number as read from text: mantissa / 10^fraction when exact is set (the fast path), else value.
struct Decimal
{
    bool ok = false;
    bool exact = false;
    quint64 mantissa = 0;
    int fraction = 0;
    double value = kNaN;
};

// Reads a non-negative decimal number at [b, e) and advances b past it. Locale-independent.
// Not ok when there is no number, it is negative, or it is not finite.
Decimal readNumber(const char*& b, const char* e)
{
    Decimal d;
    const char* p = b;
    if (p < e && *p == '+')
        ++p;
    // Fast path: up to 15 significant digits and no exponent, the shape of every number the CLIs print.
    int digits = 0;
    const char* q = p;
    while (q < e && isDigit(*q) && digits < 16) {
        d.mantissa = d.mantissa * 10 + quint64(*q - '0');
        ++digits;
        ++q;
    }
    if (q < e && *q == '.') {
        ++q;
        while (q < e && isDigit(*q) && digits < 16) {
            d.mantissa = d.mantissa * 10 + quint64(*q - '0');
            ++digits;
            ++d.fraction;
            ++q;
        }
    }
    const bool needSlowPath = digits >= 16 || (q < e && (isDigit(*q) || *q == 'e' || *q == 'E' || *q == '.'));
    if (!needSlowPath) {
        if (digits == 0)
            return d;
        b = q;
        d.ok = d.exact = true;
        d.value = double(d.mantissa) / kPow10[d.fraction];
        return d;
    }
    // Slow path: long mantissas and exponents. from_chars is locale-independent; it also accepts "inf" and
    // "nan", which the finiteness check below rejects.
    double value = kNaN;
    const auto result = std::from_chars(p, e, value, std::chars_format::general);
    if (result.ec != std::errc() || !std::isfinite(value) || value < 0)
        return d;
    b = result.ptr;
    d.ok = true;
    d.value = value;
    return d;
}

// value × 10^exponent10, rounded once where the integers allow it, so "4.1 MB" is exactly 4100000 bytes
// rather than 4.1 × 1e6 = 4099999.9999999995.
double scaled(const Decimal& d, int exponent10)
{
    if (d.exact && exponent10 > 0) {
        const int shift = exponent10 - d.fraction;
        constexpr quint64 kExactLimit = quint64(1) << 53;
        if (shift >= 0 && shift <= 15 && d.mantissa <= kExactLimit / quint64(kPow10[shift]))
            return double(d.mantissa * quint64(kPow10[shift]));
        if (shift < 0 && d.mantissa < kExactLimit)
            return double(d.mantissa) / kPow10[-shift];
    }
    double scale = 1;
    for (int i = 0; i < exponent10; ++i)
        scale *= 10;
    return d.value * scale;
}

} // namespace

SizeUnit readSizeUnit(const char* b, const char* e)
{
    SizeUnit unit;
    if (b < e) {
        switch (*b) {
        case 'k':
        case 'K':
            unit.exponent = 1;
            break;
        case 'm':
        case 'M':
            unit.exponent = 2;
            break;
        case 'g':
        case 'G':
            unit.exponent = 3;
            break;
        case 't':
        case 'T':
            unit.exponent = 4;
            break;
        default:
            break;
        }
    }
    if (unit.exponent > 0) {
        ++b;
        if (b < e && *b == 'i') {
            unit.binary = true;
            ++b;
        }
    }
    unit.ok = e - b == 1 && (*b == 'B' || *b == 'b');
    return unit;
}

double parseSize(QByteArrayView text, MbMeaning mb)
{
    const char* b = text.data();
    const char* e = b + text.size();
    trim(b, e);
    if (b == e || *b == '-')
        return kNaN; // "--", "-5MB" and empty all mean "unknown"
    const Decimal number = readNumber(b, e);
    if (!number.ok)
        return kNaN;
    while (b < e && *b == ' ')
        ++b; // "7.205 MB" from older CLIs
    if (b == e)
        return number.value; // a bare number is a byte count

    const SizeUnit unit = readSizeUnit(b, e);
    if (!unit.ok)
        return kNaN; // garbage after the number, or a unit we do not know
    // In Binary mode every bare prefix is 1024-based, "kB" included (the app never prints it; one rule is easier
    // to trust than SI-for-k-only). An "i" makes any prefix binary.
    const bool binary = mb == MbMeaning::Binary || unit.binary;
    const int exponent = unit.exponent;
    const double value = binary ? number.value * std::ldexp(1.0, 10 * exponent) : scaled(number, 3 * exponent);
    return std::isfinite(value) ? value : kNaN;
}

double parsePercent(QByteArrayView text)
{
    const char* b = text.data();
    const char* e = b + text.size();
    trim(b, e);
    if (b < e && e[-1] == '%') {
        --e;
        while (e > b && e[-1] == ' ')
            --e;
    }
    if (b == e || *b == '-')
        return kNaN;
    const Decimal number = readNumber(b, e);
    return number.ok && b == e ? number.value : kNaN;
}

double parseNumber(QByteArrayView text)
{
    const char* b = text.data();
    const char* e = b + text.size();
    trim(b, e);
    if (b == e || *b == '-')
        return kNaN;
    const Decimal number = readNumber(b, e);
    return number.ok && b == e ? number.value : kNaN;
}

} // namespace heapwatch::units
