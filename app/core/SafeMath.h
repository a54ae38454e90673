// Arithmetic on numbers that came from a server (or a file): they can be anything, and signed overflow or an
// out-of-range double→integer conversion is undefined behaviour, not just a wrong answer. Sums and products
// saturate at the ends of qint64; conversions from double are checked; and the plausible ranges say which
// values are garbage, so that the parsers reject (and count) them instead of passing them on.
#pragma once

#include <QtGlobal>
#include <cmath>
#include <limits>
#include <optional>

namespace heapwatch::safe {

inline constexpr qint64 kMaxInt64 = std::numeric_limits<qint64>::max();
inline constexpr qint64 kMinInt64 = std::numeric_limits<qint64>::min();

// a + b, clamped to [kMinInt64, kMaxInt64].
inline qint64 add(qint64 a, qint64 b)
{
    qint64 r;
    if (__builtin_add_overflow(a, b, &r))
        return b > 0 ? kMaxInt64 : kMinInt64;
    return r;
}

// a × b, clamped to [kMinInt64, kMaxInt64].
inline qint64 mul(qint64 a, qint64 b)
{
    qint64 r;
    if (__builtin_mul_overflow(a, b, &r))
        return (a < 0) != (b < 0) ? kMinInt64 : kMaxInt64;
    return r;
}

// The integer part of v when it fits in qint64; nullopt for NaN, ±infinity and anything outside the range.
// 2^63 is exactly representable as a double, qint64's maximum is not: the upper bound is exclusive.
inline std::optional<qint64> toInt64(double v)
{
    constexpr double kTwoTo63 = 9223372036854775808.0;
    if (!(v >= -kTwoTo63 && v < kTwoTo63))
        return std::nullopt;
    return qint64(v);
}

// An int when n fits; nullopt otherwise (a narrowing cast would silently wrap).
inline std::optional<int> toInt(qint64 n)
{
    if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max())
        return std::nullopt;
    return int(n);
}

// Times: nanoseconds since the epoch fit in qint64 until 2262-04-11, which is also where the RFC 3339 parser
// stops. A time beyond it is garbage, not a date.
inline constexpr qint64 kMaxEpochSeconds = kMaxInt64 / 1000000000;
inline constexpr qint64 kMaxEpochMs = kMaxInt64 / 1000000;

// Sizes: no machine has 2^63 bytes (8 EiB); a size above it is garbage. In MiB that is 2^43.
inline constexpr double kMaxPlausibleBytes = 9223372036854775808.0;
inline constexpr double kMaxPlausibleMiB = kMaxPlausibleBytes / (1024.0 * 1024.0);
// CPU %: 100 per core; 2^20 % would be more than ten thousand cores.
inline constexpr double kMaxPlausiblePercent = 1048576.0;

// A byte count (or MiB count, with the MiB bound) that can be real: finite, not negative, not absurd.
inline bool isPlausibleSize(double v, double max = kMaxPlausibleBytes)
{
    return std::isfinite(v) && v >= 0 && v <= max;
}

} // namespace heapwatch::safe
