// One translation unit on purpose, longer than most: the per-line path (docker timestamp, line hash, marker
// scan, numbers) inlines into consumeLine(), which is what keeps a million-line log within 2x of grep.
// Sections: byte helpers, time, hash, recognition, numbers, and the LogParser members at the end.
#include "LogParser.h"

#include "CpuFeatures.h"
#include "DockerStatsParser.h" // stripEscapes
#include "GcTrace.h"
#include "PlainText.h"
#include "ProcessRow.h"
#include "SafeMath.h"
#include "Units.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <iterator>
#include <utility>
#if defined(__SSE2__) && Q_BYTE_ORDER == Q_LITTLE_ENDIAN
#    include <emmintrin.h>
#    define HEAPWATCH_LINE_LAYOUTS 1
#endif
// A replay skips runs of lines of no kind with AVX2, chosen at run time (the build targets plain x86-64).
#if defined(HEAPWATCH_LINE_LAYOUTS) && defined(__x86_64__) && defined(__GNUC__)
#    include <immintrin.h>
#    define HEAPWATCH_OTHER_LINES 1
#endif

namespace heapwatch {

namespace {

// ---------------------------------------------------------------------------------------------------------
// Small byte helpers. The hot path works on raw pointers into the caller's chunk: no QString, no allocation.

Q_ALWAYS_INLINE bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}
Q_ALWAYS_INLINE char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c | 0x20) : c;
}

// n bytes equal, n known at compile time. From 8 bytes on, word compares (the last one overlapping) instead of
// the memcmp call GCC emits for longer literals.
template<size_t n> Q_ALWAYS_INLINE bool equalBytes(const char* p, const char* lit)
{
    if constexpr (n < 8) {
        return std::memcmp(p, lit, n) == 0;
    } else {
        quint64 a, b;
        for (size_t i = 0; i + 8 <= n; i += 8) {
            std::memcpy(&a, p + i, 8);
            std::memcpy(&b, lit + i, 8);
            if (a != b)
                return false;
        }
        std::memcpy(&a, p + n - 8, 8);
        std::memcpy(&b, lit + n - 8, 8);
        return a == b;
    }
}

template<size_t N> Q_ALWAYS_INLINE bool startsWith(const char* p, const char* e, const char (&lit)[N])
{
    constexpr size_t n = N - 1;
    return size_t(e - p) >= n && equalBytes<n>(p, lit);
}

// Case-insensitive; lit must be lower case.
template<size_t N> bool startsWithNoCase(const char* p, const char* e, const char (&lit)[N])
{
    constexpr size_t n = N - 1;
    if (size_t(e - p) < n)
        return false;
    for (size_t i = 0; i < n; ++i) {
        if (lower(p[i]) != lit[i])
            return false;
    }
    return true;
}

// Skips one ESC sequence (CSI `ESC [ … final`, or ESC plus one byte) starting at p (*p == ESC).
const char* skipEscape(const char* p, const char* e)
{
    ++p;
    if (p >= e)
        return e;
    if (*p != '[')
        return p + 1;
    ++p;
    while (p < e && static_cast<unsigned char>(*p) >= 0x20 && static_cast<unsigned char>(*p) <= 0x3f)
        ++p; // parameters and intermediates
    return p < e ? p + 1 : e;
}

Q_ALWAYS_INLINE const char* skipEscapes(const char* p, const char* e)
{
    while (p < e && *p == '\x1b')
        p = skipEscape(p, e);
    return p;
}

// ---------------------------------------------------------------------------------------------------------
// Time. A hand-written civil calendar keeps QDateTime (and its time-zone machinery) off the hot path.

// Years a timestamp may have: nanoseconds since the epoch fit in qint64 until 2262; anything before 1970 is
// docker's "zero time" (0001-01-01) or garbage.
constexpr int kFirstYear = 1970;
constexpr int kLastYear = 2261;

constexpr bool isLeapYear(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

// Days from 1970-01-01 to January 1st of each year: a table instead of divisions on the hot path.
struct YearTable
{
    qint32 daysBefore[kLastYear - kFirstYear + 2] = {}; // one more: the length of kLastYear
};

constexpr YearTable makeYearTable()
{
    YearTable t;
    qint32 days = 0;
    for (int y = kFirstYear; y <= kLastYear + 1; ++y) {
        t.daysBefore[y - kFirstYear] = days;
        days += isLeapYear(y) ? 366 : 365;
    }
    return t;
}

constexpr YearTable kYears = makeYearTable();
constexpr qint16 kDaysBeforeMonth[2][13] = {{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365},
                                            {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366}};

// Value of a digit, or something above 9 for any other byte.
Q_ALWAYS_INLINE unsigned digit(char c)
{
    return unsigned(static_cast<unsigned char>(c)) - unsigned('0');
}

Q_ALWAYS_INLINE bool readDigits2(const char* p, int& out)
{
    const unsigned a = digit(p[0]);
    const unsigned b = digit(p[1]);
    out = int(a * 10 + b);
    return (a <= 9) & (b <= 9);
}

#if Q_BYTE_ORDER == Q_LITTLE_ENDIAN
// The bytes of v that are not ASCII digits, as non-zero bytes. A byte from 0xFA on carries into the next one,
// but only bytes before the first non-digit are ever relied on, and no digit or point carries.
Q_ALWAYS_INLINE quint64 nonDigitBytes(quint64 v)
{
    constexpr quint64 kHigh = 0xF0F0F0F0F0F0F0F0ULL;
    constexpr quint64 kZeros = 0x3030303030303030ULL;
    return ((v & kHigh) ^ kZeros) | (((v + 0x0606060606060606ULL) & kHigh) ^ kZeros);
}

// The number of eight digit values (0-9 in each byte, the first in the lowest).
Q_ALWAYS_INLINE quint64 eightDigitsValue(quint64 v)
{
    v = v * 10 + (v >> 8);
    return (((v & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32)))
            + (((v >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32))))
        >> 32;
}

// The number of four digit values (0-9 in each byte, the first in the lowest): two multiplications fewer.
Q_ALWAYS_INLINE quint64 fourDigitsValue(quint32 v)
{
    v = v * 10 + (v >> 8);
    return ((v & 0x00FF00FFu) * (1 + (100u << 16))) >> 16;
}

// How many of 8 bytes, from the first, are ASCII digits (8 when all are), given their nonDigitBytes().
Q_ALWAYS_INLINE int leadingDigits(quint64 others)
{
    return others ? int(qCountTrailingZeroBits(others) >> 3) : 8;
}

// The number the first n (1 to 8) of the 8 bytes in v spell, each an ASCII digit.
Q_ALWAYS_INLINE quint64 leadingDigitsValue(quint64 v, int n)
{
    return eightDigitsValue((v ^ 0x3030303030303030ULL) << (8 * (8 - n)));
}
#endif

struct Timestamp
{
    qint64 ns = -1;
    int fractionDigits = 0;
    qsizetype length = 0; // bytes consumed; 0 when there is no timestamp
};

// Reads "YYYY-MM-DD[T ]HH:MM:SS[.fff…][Z|±HH:MM|±HHMM]" at p. A logger's timestamp may lack the zone (then
// it is UTC); a docker timestamp always has one.
// The date, hour and minute of the previous docker timestamp (its first 16 bytes) and their value in seconds.
// Consecutive lines nearly always share them, so the calendar is skipped; owned by a LogParser.
struct MinuteCache
{
    char* prefix; // 16 bytes
    qint64* seconds; // -1 when empty
};

constexpr qint64 kPow10Integer[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

Timestamp readTimestamp(const char* p, const char* e, bool zoneOptional, const MinuteCache* cache = nullptr)
{
    Timestamp ts;
    if (e - p < 19 || p[4] != '-' || p[7] != '-' || p[13] != ':' || p[16] != ':')
        return ts;
    qint64 minuteSeconds;
    int second;
    if (cache && *cache->seconds >= 0 && equalBytes<16>(p, cache->prefix)) {
        if (!readDigits2(p + 17, second) || second > 60)
            return ts;
        minuteSeconds = *cache->seconds;
    } else {
        if (p[10] != 'T' && p[10] != 't' && p[10] != ' ')
            return ts;
        int century, yy, month, day, hour, minute;
        // Non-short-circuit '&': seven cheap checks beat seven unpredictable branches.
        const bool allDigits = readDigits2(p, century) & readDigits2(p + 2, yy) & readDigits2(p + 5, month)
            & readDigits2(p + 8, day) & readDigits2(p + 11, hour) & readDigits2(p + 14, minute)
            & readDigits2(p + 17, second);
        if (!allDigits)
            return ts;
        const int year = century * 100 + yy;
        if (year < kFirstYear || year > kLastYear || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60)
            return ts;
        const int leap = kYears.daysBefore[year - kFirstYear + 1] - kYears.daysBefore[year - kFirstYear] - 365;
        if (day < 1 || day > kDaysBeforeMonth[leap][month] - kDaysBeforeMonth[leap][month - 1])
            return ts;
        const qint64 days = kYears.daysBefore[year - kFirstYear] + kDaysBeforeMonth[leap][month - 1] + day - 1;
        minuteSeconds = days * 86400 + hour * 3600 + minute * 60;
        if (cache) {
            std::memcpy(cache->prefix, p, 16);
            *cache->seconds = minuteSeconds;
        }
    }
    const char* q = p + 19;
    // The two spellings nearly every line has, in UTC, at once (what the long way below reads for them; a call
    // took a third fewer instructions on a log of error lines): a logger's toISOString() (milliseconds) and
    // docker's (nanoseconds).
    if (e - q >= 5 && q[0] == '.') {
        const auto utc = [&](qint64 fraction, int digits) {
            const qint64 seconds = minuteSeconds + second;
            if (seconds >= 0) {
                ts.ns = seconds * 1000000000 + fraction;
                ts.fractionDigits = digits;
                ts.length = 20 + digits + 1;
            }
            return ts;
        };
        if (q[4] == 'Z' && isDigit(q[1]) && isDigit(q[2]) && isDigit(q[3]))
            return utc(qint64(digit(q[1]) * 100 + digit(q[2]) * 10 + digit(q[3])) * 1000000, 3);
#if Q_BYTE_ORDER == Q_LITTLE_ENDIAN
        if (e - q >= 11 && q[10] == 'Z' && isDigit(q[9])) {
            quint64 v;
            std::memcpy(&v, q + 1, 8);
            if (nonDigitBytes(v) == 0)
                return utc(qint64(eightDigitsValue(v ^ 0x3030303030303030ULL)) * 10 + digit(q[9]), 9);
        }
#endif
    }
    qint64 fraction = 0;
    int digits = 0;
    if (q < e && (*q == '.' || *q == ',')) {
        ++q;
#if Q_BYTE_ORDER == Q_LITTLE_ENDIAN
        if (e - q >= 8) {
            // Up to eight digits at once (docker's nanoseconds: the first eight of nine; a logger's
            // milliseconds: all three), the digits before the first other byte.
            quint64 v;
            std::memcpy(&v, q, 8);
            const int n = leadingDigits(nonDigitBytes(v));
            if (n > 0) {
                fraction = qint64(leadingDigitsValue(v, n));
                digits = n;
                q += n;
            }
        }
#endif
        while (q < e && isDigit(*q)) {
            if (digits < 9) {
                fraction = fraction * 10 + (*q - '0');
                ++digits;
            }
            ++q;
        }
        if (digits == 0)
            return ts;
        ts.fractionDigits = digits;
        fraction *= kPow10Integer[9 - digits];
    }
    qint64 offsetSeconds = 0;
    if (q < e && (*q == 'Z' || *q == 'z')) {
        ++q;
    } else if (q < e && (*q == '+' || *q == '-')) {
        int oh, om;
        const bool colon = e - q >= 6 && q[3] == ':';
        if (e - q < (colon ? 6 : 5) || !readDigits2(q + 1, oh) || !readDigits2(q + (colon ? 4 : 3), om) || oh > 23
            || om > 59)
            return ts;
        offsetSeconds = (qint64(oh) * 60 + om) * 60 * (*q == '-' ? -1 : 1);
        q += colon ? 6 : 5;
    } else if (!zoneOptional) {
        return ts;
    }
    const qint64 seconds = minuteSeconds + second - offsetSeconds;
    if (seconds < 0)
        return ts;
    ts.ns = seconds * 1000000000 + fraction;
    ts.length = q - p;
    return ts;
}

Q_ALWAYS_INLINE bool looksLikeDate(const char* p, const char* e)
{
    return e - p >= 19 && isDigit(p[0]) && isDigit(p[3]) && p[4] == '-' && p[7] == '-' && isDigit(p[8]);
}

// ---------------------------------------------------------------------------------------------------------
// A fast, deterministic 64-bit hash in the manner of wyhash (64×64→128-bit multiply, folded). qHash is seeded
// per process on some builds, and a resume boundary compares hashes across reconnects, so we keep our own. Two
// independent lanes keep the multiplier busy; a log line is ~100 bytes. See LogParser::hashLine().
__extension__ typedef unsigned __int128 Uint128;

Q_ALWAYS_INLINE quint64 mum(quint64 a, quint64 b)
{
    const Uint128 r = Uint128(a) * b;
    return quint64(r) ^ quint64(r >> 64);
}

Q_ALWAYS_INLINE quint64 load64(const char* p)
{
    quint64 k;
    std::memcpy(&k, p, 8);
    return k;
}

quint64 hashBytes(const char* p, qsizetype n)
{
    constexpr quint64 k0 = 0xa0761d6478bd642fULL, k1 = 0xe7037ed1a0b428dbULL, k2 = 0x8ebc6af09c88c6e3ULL,
                      k3 = 0x589965cc75374cc3ULL;
    quint64 a = k0 ^ quint64(n);
    quint64 b = k3;
    for (; n >= 32; p += 32, n -= 32) {
        a = mum(load64(p) ^ k1, load64(p + 8) ^ a);
        b = mum(load64(p + 16) ^ k2, load64(p + 24) ^ b);
    }
    if (n >= 16) {
        a = mum(load64(p) ^ k1, load64(p + 8) ^ a);
        p += 16;
        n -= 16;
    }
    quint64 x = 0;
    quint64 y = 0;
    std::memcpy(&x, p, size_t(std::min<qsizetype>(n, 8)));
    if (n > 8)
        std::memcpy(&y, p + 8, size_t(n - 8));
    return mum(mum(x ^ k1, y ^ a) ^ k2, b ^ k0);
}

// ---------------------------------------------------------------------------------------------------------
// Recognition. One pass over the message looks only at bytes that can start a marker (16 bytes at a time, the
// rest through a 256-entry table), so an info line costs a few instructions per 16 bytes and a Memory line stops
// a few bytes after its prefix.

// The bytes that can start a marker, a level in brackets, a dev-mode word or " mode".
constexpr char kCandidates[] = {'M', 'C', 'A', 'J', '[', 'F', 'w', 't', '-', 'm'};

constexpr std::array<bool, 256> makeCandidates()
{
    std::array<bool, 256> t {};
    for (char c : kCandidates)
        t[static_cast<unsigned char>(c)] = true;
    return t;
}
constexpr std::array<bool, 256> kCandidate = makeCandidates();

#ifdef HEAPWATCH_LINE_LAYOUTS
// The candidates among the 16 bytes at p, as a bit per byte (one comparison per candidate, unrolled).
template<size_t... I> Q_ALWAYS_INLINE unsigned candidateMask(const char* p, std::index_sequence<I...>)
{
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i any = _mm_setzero_si128();
    ((any = _mm_or_si128(any, _mm_cmpeq_epi8(v, _mm_set1_epi8(kCandidates[I])))), ...);
    return unsigned(_mm_movemask_epi8(any));
}
Q_ALWAYS_INLINE unsigned candidateMask(const char* p)
{
    return candidateMask(p, std::make_index_sequence<std::size(kCandidates)>());
}
#endif

enum class LevelHit : quint8
{
    None,
    Warning,
    Error
};

// "warning", "warn" or "error" at p, in any case; advances p past the word.
LevelHit levelWord(const char*& p, const char* e)
{
    if (p >= e || (lower(*p) != 'w' && lower(*p) != 'e'))
        return LevelHit::None;
    if (startsWithNoCase(p, e, "warning")) {
        p += 7;
        return LevelHit::Warning;
    }
    if (startsWithNoCase(p, e, "warn")) {
        p += 4;
        return LevelHit::Warning;
    }
    if (startsWithNoCase(p, e, "error")) {
        p += 5;
        return LevelHit::Error;
    }
    return LevelHit::None;
}

// A level word at p, then, after colour codes, the byte close: the "warn]" of "[warn]", the "error:" of "error: …".
LevelHit levelWordThen(const char* p, const char* e, char close)
{
    const LevelHit level = levelWord(p, e);
    if (level == LevelHit::None)
        return level;
    p = skipEscapes(p, e);
    return p < e && *p == close ? level : LevelHit::None;
}

// "[warn]", "[warning]", "[error]" in any case, with colour codes allowed inside the brackets. p at '['.
LevelHit bracketLevel(const char* p, const char* e)
{
    return levelWordThen(skipEscapes(p + 1, e), e, ']');
}

// The first space among the 40 bytes at p (or before e), nullptr for none.
Q_ALWAYS_INLINE const char* firstSpaceWithin40(const char* p, const char* e)
{
#ifdef HEAPWATCH_LINE_LAYOUTS
    if (e - p >= 48) {
        const __m128i space = _mm_set1_epi8(' ');
        for (int at = 0; at < 48; at += 16) {
            const unsigned mask = unsigned(
                _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at)), space)));
            if (mask != 0) {
                const int first = at + qCountTrailingZeroBits(mask);
                return first < 40 ? p + first : nullptr;
            }
        }
        return nullptr;
    }
#endif
    return static_cast<const char*>(std::memchr(p, ' ', size_t(std::min<qsizetype>(e - p, 40))));
}

// winston's plain format: "warn: …" / "error: …" as the first word, after an optional logger timestamp.
LevelHit prefixLevel(const char* p, const char* e)
{
    p = skipEscapes(p, e);
    if (looksLikeDate(p, e)) {
        const char* sp = firstSpaceWithin40(p, e);
        if (!sp)
            return LevelHit::None;
        p = skipEscapes(sp + 1, e);
    }
    return levelWordThen(p, e, ':');
}

// The app's own start line, at the start of the message (after the logger's level prefix): "Starting Pangolin
// in production mode" (the app's logger), or Next.js's banner "▲ Next.js 14.1.0". A replayed log knows a new
// deployment from it; only lines that carry no other kind are looked at. lastMode: where the last " mode" of the
// line starts (nullptr for none), found by the pass that looked for markers, so an info line costs no search here.
bool isAppStart(const char* p, const char* e, const char* lastMode)
{
    p = skipEscapes(p, e);
    while (p < e && *p == ' ')
        ++p;
    if (startsWith(p, e, "[info]")) {
        p = skipEscapes(p + 6, e); // "[info]" may be coloured up to its colon
        if (p < e && *p == ':')
            ++p;
    } else if (startsWith(p, e, "info:")) {
        p += 5;
    }
    p = skipEscapes(p, e);
    while (p < e && *p == ' ')
        ++p;
    if (startsWith(p, e, "\xe2\x96\xb2 Next.js "))
        return true;
    // "Starting <app> in <mode> mode", "<app> started in production mode": a bare "Starting cleanup job" is not
    // a start of the app.
    const QByteArrayView rest(p, e - p);
    if (rest.size() >= 512)
        return false;
    // Every start line names its mode, after its prefix: the other info lines (most of a busy log) are turned away
    // here.
    if (!lastMode || lastMode < p)
        return false;
    if (startsWith(p, e, "Starting "))
        return true;
    return (rest.contains("started") || rest.contains("starting"))
        && (rest.contains("production mode") || rest.contains("development mode"));
}

struct LineScan
{
    const char* message = nullptr; // after the docker timestamp
    const char* end = nullptr; // without the trailing CR
    const char* marker = nullptr; // where the Memory/Cache/Overflow marker starts
    qint64 dockerNs = -1;
    // The time of the timestamp that starts the message (a logger's, read while looking for docker's), when
    // scanTimestamp read one there; -1 when not known (recordTime looks).
    qint64 messageNs = -1;
    quint64 hash = 0; // hashBytes(message, end), once hashed is set
    bool hashed = false;
    // The app's own "[info]: Memory: RSS=" or "[info]: Cache stats - ", found at once, or the marker alone where the
    // message starts (after the logger's timestamp).
    bool appLine = false;
    LogKind kind = LogKind::Other;
    const MinuteCache* cache = nullptr; // the parser's, for the logger's timestamp too
};

// Finds the docker timestamp: sets end, message and dockerNs.
Q_ALWAYS_INLINE void scanTimestamp(QByteArrayView line, LineScan& s, LogParser::Timestamps mode,
                                   const MinuteCache* cache)
{
    const char* b = line.data();
    const char* e = b + line.size();
    if (e > b && e[-1] == '\r')
        --e;
    s.end = e;
    s.message = b;
    // The engine writes RFC 3339 with a 'T'; "2026-11-27 12:20:33Z" is the start of some other text.
    if (!looksLikeDate(b, e) || (mode == LogParser::Timestamps::Engine && b[10] == ' '))
        return;
    const Timestamp ts = readTimestamp(b, e, false, cache);
    if (ts.length == 0)
        return;
    // What recordTime would read at the message's start while it stays there (a zone read the same whether
    // optional or not).
    s.messageNs = ts.ns;
    const char* after = b + ts.length;
    if (after < e && *after != ' ')
        return;
    if (mode == LogParser::Timestamps::Engine) {
        // `logs --timestamps` writes the timestamp and a space before every line of the app, whatever its
        // precision (podman trims trailing zeros); without the space it is not the engine's prefix.
        if (after < e) {
            s.dockerNs = ts.ns;
            s.message = after + 1;
            s.messageNs = -1;
        }
        return;
    }
    // `docker logs -t` puts an RFC 3339 timestamp and a space first. The logger may start its own prefix with
    // one too: JavaScript's toISOString() always has 3 fraction digits and docker's 0 or 9, so a lone
    // 3-digit timestamp is the logger's.
    const char* rest = after + (after < e ? 1 : 0);
    if (ts.fractionDigits != 3 || looksLikeDate(rest, e)) {
        s.dockerNs = ts.ns;
        s.message = rest;
        s.messageNs = -1;
    }
}

// Sets s.marker to p and s.kind to kind when the marker lit starts at p.
template<size_t N> Q_ALWAYS_INLINE bool markerAt(LineScan& s, const char* p, const char (&lit)[N], LogKind kind)
{
    if (!startsWith(p, s.end, lit))
        return false;
    s.kind = kind;
    s.marker = p;
    return true;
}

// Where the message goes on after the logger's timestamp when it starts with one (its level prefix, as the app
// writes it), else the message's start.
Q_ALWAYS_INLINE const char* afterLoggerTimestamp(const LineScan& s)
{
    const char* const e = s.end;
    const char* q = s.message;
    if (s.messageNs >= 0 || looksLikeDate(q, e)) { // a timestamp read there (scanTimestamp) starts with a date
        if (e - q > 24 && q[24] == ' ') { // toISOString(): "2026-01-14T10:00:00.000Z"
            q += 25;
        } else {
            const char* sp = firstSpaceWithin40(q, e);
            q = sp ? sp + 1 : s.message;
        }
    }
    return q;
}

// Finds the kind of the line after its docker timestamp. Parses no numbers.
Q_ALWAYS_INLINE void scanKind(LineScan& s)
{
    const char* const e = s.end;

    // Fast path: nearly every line is the app's `[info]: Memory: …`, possibly behind the logger's timestamp.
    const char* m = s.message;
    const char* q = afterLoggerTimestamp(s);
    if (startsWith(q, e, "[info]: Memory: RSS=")) {
        s.kind = LogKind::Memory;
        s.marker = q + 8;
        s.appLine = true;
        return;
    }
    // The app's other regular lines, its cache stats and its overflow warnings (coloured as it prints them to a
    // terminal, or not): the kind the pass below finds, since no byte before their marker can decide otherwise
    // (a level in brackets, a CSI sequence, "warn").
    if (q < e && q[0] == '[' && startsWith(q, e, "[info]: Cache stats - ")) {
        s.kind = LogKind::Cache;
        s.marker = q + 8;
        s.appLine = true;
        return;
    }
    if (q < e && q[0] == '\x1b' && startsWith(q, e, "\x1b[33m[warn]\x1b[39m: Audit log buffer overflow")) {
        s.kind = LogKind::Overflow;
        s.marker = q + sizeof "\x1b[33m[warn]\x1b[39m: " - 1;
        return;
    }
    if (q < e && q[0] == '[' && startsWith(q, e, "[warn]: Audit log buffer overflow")) {
        s.kind = LogKind::Overflow;
        s.marker = q + 8;
        return;
    }

    // Otherwise one pass over the message (after the logger's timestamp, which holds no marker) looks only at
    // bytes that can start a marker, in order. visit(p) looks at one; true when the line's kind is found.
    LevelHit level = LevelHit::None;
    bool dev = false;
    const char* lastMode = nullptr; // the space of the last " mode"
    const auto visit = [&](const char* p) -> bool {
        switch (*p) {
        // A Memory or cache stats line's marker that starts the message (after the logger's timestamp), as the seed's
        // sample output prints it ("Memory: RSS=…" alone): the app's line without its level.
        case 'M':
            if (!markerAt(s, p, "Memory: RSS=", LogKind::Memory))
                return false;
            s.appLine = p == q;
            return true;
        case 'C':
            if (markerAt(s, p, "Cache stats - ", LogKind::Cache)) {
                s.appLine = p == q;
                return true;
            }
            if (startsWith(p, e, "Compiling") || startsWith(p, e, "Compiled"))
                dev = true;
            return false;
        case 'A':
            return markerAt(s, p, "Audit log buffer overflow", LogKind::Overflow);
        case 'J':
            return markerAt(s, p, "JavaScript heap out of memory", LogKind::HeapOom);
        case '[':
            if (p > m && p[-1] == '\x1b')
                return false; // the '[' of a CSI sequence
            // Node's --trace-gc: "[pid:0xaddress]  N ms: …" opens the line.
            if (p == q && gctrace::looksLikeTrace(p, e)) {
                s.kind = LogKind::Gc;
                s.marker = p;
                return true;
            }
            if (startsWith(p, e, "[HMR]")) {
                dev = true;
            } else {
                const LevelHit l = bracketLevel(p, e);
                if (l > level)
                    level = l;
            }
            return false;
        case 'F':
            if (startsWith(p, e, "Fast Refresh"))
                dev = true;
            return false;
        case 'w':
            if (startsWith(p, e, "webpack") || startsWith(p, e, "wait compiling"))
                dev = true;
            return false;
        case 't':
            if (startsWith(p, e, "turbopack"))
                dev = true;
            return false;
        case '-':
            // Next.js 12/13 print "wait  - compiling…" and "event - compiled …".
            if (startsWith(p, e, "- compil"))
                dev = true;
            return false;
        case 'm':
            if (p > q && p[-1] == ' ' && startsWith(p, e, "mode"))
                lastMode = p - 1;
            return false;
        default:
            return false;
        }
    };
    const char* p = q;
    // The app's own level prefix, coloured or not ("[error]: ", "\x1b[33m[warn]\x1b[39m: "): the level its '['
    // gives, and no other byte in it that the pass would act on (a CSI's '[' and an 'm' after a digit are
    // passed over); the pass starts after it.
    const auto levelPrefix = [&](auto&& prefix, LevelHit hit) {
        if (!startsWith(q, e, prefix))
            return false;
        level = hit;
        p = q + sizeof prefix - 1;
        return true;
    };
    if (q < e && q[0] == '[')
        levelPrefix("[error]: ", LevelHit::Error) || levelPrefix("[warn]: ", LevelHit::Warning);
    else if (q < e && q[0] == '\x1b')
        levelPrefix("\x1b[31m[error]\x1b[39m: ", LevelHit::Error)
            || levelPrefix("\x1b[33m[warn]\x1b[39m: ", LevelHit::Warning);
#ifdef HEAPWATCH_LINE_LAYOUTS
    // 16 bytes at a time: a mask of the candidates among them (a few in a line), each visited in order.
    for (; e - p >= 16; p += 16) {
        for (unsigned mask = candidateMask(p); mask != 0; mask &= mask - 1) {
            if (visit(p + qCountTrailingZeroBits(mask)))
                return;
        }
    }
    // The last few bytes as the 16 that end the message, those before p left out (read already): byte by byte
    // through the table, they were about 7 % of an error line's instructions.
    if (p < e && e - m >= 16) {
        const char* const last = e - 16;
        for (unsigned mask = candidateMask(last) & (~0u << (p - last)); mask != 0; mask &= mask - 1) {
            if (visit(last + qCountTrailingZeroBits(mask)))
                return;
        }
        p = e;
    }
#endif
    for (; p < e; ++p) {
        if (kCandidate[static_cast<unsigned char>(*p)] && visit(p))
            return;
    }
    if (level == LevelHit::None)
        level = prefixLevel(m, e);
    // One kind per line. Dev-mode output means Next.js runs its development server in production, the cause of
    // the growth the rules look for, so it outranks the level it was logged at.
    if (dev)
        s.kind = LogKind::DevMode;
    else if (level == LevelHit::Error)
        s.kind = LogKind::Error;
    else if (level == LevelHit::Warning)
        s.kind = LogKind::Warning;
    else if (isAppStart(q, e, lastMode))
        s.kind = LogKind::AppStart;
}

#ifdef HEAPWATCH_OTHER_LINES
// ---------------------------------------------------------------------------------------------------------
// Lines that are surely of no kind, skipped as a run (a replay's; the long way reads the others). Every line that
// scanKind() gives a kind holds one of these pairs of bytes, in this order: "S=" ("Memory: RSS="), "Ca" ("Cache
// stats - "), "Au" ("Audit log buffer overflow"), "Ja" ("JavaScript heap out of memory"), '[' and a digit (--trace-gc's
// "[pid:0x…]"), '[' and a level's first letter or ESC ("[warn]", "[Error]", "[\x1b[33mwarn"), "[H" ("[HMR]"), "mp"
// ("Compiling", "Compiled", "- compil", "wait compiling"), "Fa" ("Fast Refresh"), "bp" ("webpack"), "rb"
// ("turbopack"), a level word's last letter and ':' ("warn:", "WARNING:", "error:" at the message's start), ESC (a
// coloured level or prefix), "rt" (an app start line names "Starting", "started" or "starting"), 0xE2 ("▲ Next.js").
// A line that holds none is Other: all the long way would do with it is count it.
//
// Teddy's fingerprints (Hyperscan): each pair goes in one of 8 buckets, and the nibbles of each of its two bytes
// look up the buckets they may belong to; a byte pair that has a bucket in common for both is a hit. A bucket's pairs
// also hit with each other's bytes (and with bytes made of their nibbles): more lines go the long way, none is
// missed. The buckets keep the pairs apart that would make common text hit ("rd", "as", "te").
struct PairBucket
{
    const char* first;
    qsizetype firstCount;
    const char* second; // nullptr: any byte
    qsizetype secondCount;
};
template<size_t F, size_t S> constexpr PairBucket bucket(const char (&first)[F], const char (&second)[S])
{
    return {first, qsizetype(F - 1), second, qsizetype(S - 1)};
}
template<size_t F> constexpr PairBucket bucketAnySecond(const char (&first)[F])
{
    return {first, qsizetype(F - 1), nullptr, 0};
}
constexpr PairBucket kPairBuckets[8] = {
    bucket("[", "wWeEH"), bucket("[", "0123456789\x1b"), bucketAnySecond("\x1b\xe2"), bucket("nNgGrR", ":"),
    bucket("SC", "=a"),   bucket("AFJ", "ua"),           bucket("mb", "p"),           bucket("r", "bt"),
};

struct NibbleTables
{
    // [0]: the first byte's low nibble, [1] its high nibble, [2] and [3] the second byte's: a bit per bucket.
    std::array<std::array<quint8, 16>, 4> t {};
};
constexpr NibbleTables makeNibbleTables()
{
    NibbleTables n {};
    for (int k = 0; k < 8; ++k) {
        const PairBucket& b = kPairBuckets[k];
        const quint8 bit = quint8(1u << k);
        for (qsizetype i = 0; i < b.firstCount; ++i) {
            const auto c = static_cast<unsigned char>(b.first[i]);
            n.t[0][c & 15] |= bit;
            n.t[1][c >> 4] |= bit;
        }
        for (int nibble = 0; nibble < 16 && !b.second; ++nibble) {
            n.t[2][nibble] |= bit;
            n.t[3][nibble] |= bit;
        }
        for (qsizetype i = 0; b.second && i < b.secondCount; ++i) {
            const auto c = static_cast<unsigned char>(b.second[i]);
            n.t[2][c & 15] |= bit;
            n.t[3][c >> 4] |= bit;
        }
    }
    return n;
}
constexpr NibbleTables kNibbles = makeNibbleTables();

// Whether this processor runs surelyOtherLines().
const bool kOtherLinesSkipped = cpu::hasAvx2();

// The bytes of the whole lines at p (p at a line's start) that hold none of the pairs, each at most maxLine bytes
// long, counted in lines; 0 when the first line holds one. Stops 33 bytes before end (the pair's second byte and a
// block of 32 read at once).
__attribute__((target("avx2"))) qsizetype surelyOtherLines(const char* p, const char* end, qsizetype maxLine,
                                                           quint64& lines)
{
    // Each table in both halves (a shuffle looks up within its 16 bytes).
    const auto* const t = reinterpret_cast<const __m128i*>(kNibbles.t.data());
    const __m256i lo1 = _mm256_broadcastsi128_si256(_mm_loadu_si128(t));
    const __m256i hi1 = _mm256_broadcastsi128_si256(_mm_loadu_si128(t + 1));
    const __m256i lo2 = _mm256_broadcastsi128_si256(_mm_loadu_si128(t + 2));
    const __m256i hi2 = _mm256_broadcastsi128_si256(_mm_loadu_si128(t + 3));
    const __m256i low = _mm256_set1_epi8(0x0f);
    const __m256i newline = _mm256_set1_epi8('\n');
    const __m256i zero = _mm256_setzero_si256();
    const char* lineStart = p;
    quint64 count = 0;
    for (const char* b = p; end - b >= 33; b += 32) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b));
        const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 1));
        const __m256i first
            = _mm256_and_si256(_mm256_shuffle_epi8(lo1, _mm256_and_si256(v, low)),
                               _mm256_shuffle_epi8(hi1, _mm256_and_si256(_mm256_srli_epi16(v, 4), low)));
        const __m256i second
            = _mm256_and_si256(_mm256_shuffle_epi8(lo2, _mm256_and_si256(w, low)),
                               _mm256_shuffle_epi8(hi2, _mm256_and_si256(_mm256_srli_epi16(w, 4), low)));
        quint32 hits = ~quint32(_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(first, second), zero)));
        for (quint32 nl = quint32(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, newline))); nl != 0; nl &= nl - 1) {
            const int k = qCountTrailingZeroBits(nl);
            const quint32 upToNewline = (2u << k) - 1; // bits 0..k (all for k = 31)
            if ((hits & upToNewline) != 0 || b + k - lineStart > maxLine)
                goto done;
            hits &= ~upToNewline;
            ++count;
            lineStart = b + k + 1;
        }
        if (hits != 0 || b + 32 - lineStart > maxLine)
            break; // the line that goes on holds a pair, or is longer than a line may be
    }
done:
    lines += count;
    return lineStart - p;
}
#endif

// ---------------------------------------------------------------------------------------------------------
// Numbers of the recognised lines.

// Skips ", " and spaces, then expects key. Returns the position after key, or nullptr.
template<size_t N> const char* expectKey(const char* p, const char* e, const char (&key)[N])
{
    while (p < e && (*p == ',' || *p == ' '))
        ++p;
    return startsWith(p, e, key) ? p + N - 1 : nullptr;
}

struct Token
{
    const char* begin = nullptr;
    const char* end = nullptr;
    const char* unit = nullptr; // first unit letter (== end when there is none)
    bool hasUnit = false;
    double number = kUnknown; // the number when it is a plain decimal (the fast path), else NaN
};

constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

// The digits of "336.6" at p as one integer (3366), with the count on each side of the point; p is advanced past
// them. The mantissa is exact up to 19 digits: callers use it only for far fewer.
struct DecimalDigits
{
    quint64 mantissa = 0;
    int wholeDigits = 0;
    int fractionDigits = 0;
    bool point = false;
};

// Appends the decimal digits at p to mantissa, advancing p past them; returns how many there were.
Q_ALWAYS_INLINE int appendDigits(const char*& p, const char* e, quint64& mantissa)
{
    const char* start = p;
    for (; p < e && digit(*p) <= 9; ++p)
        mantissa = mantissa * 10 + digit(*p);
    return int(p - start);
}

Q_ALWAYS_INLINE DecimalDigits readDecimalDigits(const char*& p, const char* e)
{
    DecimalDigits d;
    d.wholeDigits = appendDigits(p, e, d.mantissa);
    if (p < e && *p == '.') {
        ++p;
        d.point = true;
        d.fractionDigits = appendDigits(p, e, d.mantissa);
    }
    return d;
}

// A byte that can belong to a number in any spelling: digits, point, sign, exponent.
bool isNumberChar(char c)
{
    return isDigit(c) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E';
}

// A size in any spelling the app might use: number, optional space, unit letters ("1.5GB", "13.6 MiB", "212.7").
// Plain decimals are converted on the way; the rest is left to units::parseSize.
Token readSizeToken(const char* p, const char* e)
{
    Token t;
    while (p < e && *p == ' ')
        ++p;
    t.begin = p;
    const DecimalDigits d = readDecimalDigits(p, e);
    const int fraction = d.fractionDigits;
    bool plain = d.wholeDigits + fraction > 0 && d.wholeDigits + fraction <= 15;
    if (p < e && isNumberChar(*p)) {
        plain = false; // exponents, signs: units::parseSize decides
        while (p < e && isNumberChar(*p))
            ++p;
    }
    if (plain)
        t.number = double(d.mantissa) / kPow10[fraction]; // one correctly rounded division
    const char* numberEnd = p;
    while (p < e && *p == ' ')
        ++p;
    t.unit = p;
    while (p < e && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        ++p;
    t.hasUnit = p > t.unit;
    t.end = t.hasUnit ? p : numberEnd;
    if (!t.hasUnit)
        t.unit = t.end;
    return t;
}

// MiB per unit in the app's binary sense: B, KB/kB/KiB, MB/MiB, GB/GiB, TB/TiB. NaN for anything else.
double mibPerUnit(const char* u, const char* e)
{
    static constexpr double kScale[] = {1.0 / 1048576, 1.0 / 1024, 1, 1024, 1048576};
    const units::SizeUnit unit = units::readSizeUnit(u, e);
    return unit.ok ? kScale[unit.exponent] : kUnknown;
}

// Same result as units::parseSize(…, Binary) / kMiB: both scale one correctly rounded quotient by a power of 2.
double toMiB(const Token& t)
{
    if (isKnown(t.number))
        return t.number * mibPerUnit(t.unit, t.end);
    return units::parseSize(QByteArrayView(t.begin, t.end), units::MbMeaning::Binary) / units::kMiB;
}

// A plain decimal of the app's shape ("336.6", "17"): at most 9 + 6 digits, so its value, one division, is
// exact-rounded.
Q_ALWAYS_INLINE bool readPlainDigits(const char*& p, const char* e, quint64& mantissa, int& fractionDigits)
{
    const DecimalDigits d = readDecimalDigits(p, e);
    mantissa = d.mantissa;
    fractionDigits = d.fractionDigits;
    return d.wholeDigits > 0 && d.wholeDigits <= 9 && (!d.point || (d.fractionDigits > 0 && d.fractionDigits <= 6));
}

// readPlainDigits for a number that ends within the 8 bytes at p (nearly every figure of the app's line): its
// digits found and converted a word at a time, without a branch per digit. Anything else is left to the digit
// loop, which decides.
Q_ALWAYS_INLINE bool readPlainDigitsFast(const char*& p, const char* e, quint64& mantissa, int& fractionDigits)
{
#if Q_BYTE_ORDER == Q_LITTLE_ENDIAN
    if (e - p >= 8) {
        quint64 v;
        std::memcpy(&v, p, 8);
        const quint64 other = nonDigitBytes(v);
        const int whole = leadingDigits(other);
        if (whole > 0 && whole < 8) {
            if (p[whole] != '.') {
                mantissa = leadingDigitsValue(v, whole);
                fractionDigits = 0;
                p += whole;
                return true;
            }
            const quint64 after = whole < 7 ? other >> (8 * (whole + 1)) : 0;
            const int fraction = after ? qCountTrailingZeroBits(after) >> 3 : 0;
            if (fraction > 0) {
                // The fraction's digits moved down over the point: one conversion of all the digits.
                const quint64 digits = v ^ 0x3030303030303030ULL; // digit values where there are digits, no borrow
                const quint64 wholeBytes = (quint64(1) << (8 * whole)) - 1;
                const quint64 joined = (digits & wholeBytes) | ((digits >> 8) & ~wholeBytes);
                const int count = whole + fraction;
                mantissa = count <= 4 ? fourDigitsValue(quint32(joined << (8 * (4 - count))))
                                      : eightDigitsValue(joined << (8 * (8 - count)));
                fractionDigits = fraction;
                p += whole + 1 + fraction;
                return true;
            }
        }
    }
#endif
    return readPlainDigits(p, e, mantissa, fractionDigits);
}

Q_ALWAYS_INLINE double plainValue(quint64 mantissa, int fractionDigits)
{
    return double(mantissa) / kPow10[fractionDigits];
}

template<size_t N> Q_ALWAYS_INLINE bool skipLiteral(const char*& p, const char* e, const char (&lit)[N])
{
    if (!startsWith(p, e, lit))
        return false;
    p += N - 1;
    return true;
}

// The app's line exactly as it prints it, all in "MB": a short straight path for nearly every line. The used heap
// may go without its unit, as in the seed's template of the line ("Heap=212.7/218.0MB": the general way gives it
// the total's, MB here, so the same number). Anything else (other units, spaces, garbage) returns false and goes
// the general way; for the lines it accepts both give the same numbers (MB is MiB: no scaling). d: RSS, heap
// used, heap total, external, array buffers.
// Left uninitialised on purpose: zeroing it first was a tenth of a replay's per-line time.
struct MemoryDigits
{
    quint64 mantissa[5];
    int fractionDigits[5];
};

// stop: where the reading stopped (after the last "MB").
Q_ALWAYS_INLINE bool readMemoryExact(const char* p, const char* e, MemoryDigits& d, const char** stop = nullptr)
{
    return readPlainDigitsFast(p, e, d.mantissa[0], d.fractionDigits[0]) && skipLiteral(p, e, "MB, Heap=")
        && readPlainDigitsFast(p, e, d.mantissa[1], d.fractionDigits[1])
        && (skipLiteral(p, e, "MB/") || skipLiteral(p, e, "/"))
        && readPlainDigitsFast(p, e, d.mantissa[2], d.fractionDigits[2]) && skipLiteral(p, e, "MB, External=")
        && readPlainDigitsFast(p, e, d.mantissa[3], d.fractionDigits[3]) && skipLiteral(p, e, "MB, ArrayBuffers=")
        && readPlainDigitsFast(p, e, d.mantissa[4], d.fractionDigits[4]) && skipLiteral(p, e, "MB")
        && (p == e || !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) && (!stop || (*stop = p, true));
}

void setMemoryValues(MemorySample& m, const quint64 (&mantissa)[5], const int (&fractionDigits)[5])
{
    m.rssMiB = plainValue(mantissa[0], fractionDigits[0]);
    m.heapUsedMiB = plainValue(mantissa[1], fractionDigits[1]);
    m.heapTotalMiB = plainValue(mantissa[2], fractionDigits[2]);
    m.externalMiB = plainValue(mantissa[3], fractionDigits[3]);
    m.arrayBuffersMiB = plainValue(mantissa[4], fractionDigits[4]);
}

bool parseMemoryExact(const char* p, const char* e, MemorySample& m)
{
    MemoryDigits d;
    if (!readMemoryExact(p, e, d))
        return false;
    setMemoryValues(m, d.mantissa, d.fractionDigits);
    return true;
}

// "RSS=336.6MB, Heap=212.7MB/218.0MB, External=17.6MB, ArrayBuffers=13.6MB"; p after "Memory: RSS=".
bool parseMemory(const char* p, const char* e, MemorySample& m)
{
    if (parseMemoryExact(p, e, m))
        return true;
    const Token rss = readSizeToken(p, e);
    if (!rss.hasUnit || !(p = expectKey(rss.end, e, "Heap=")))
        return false;
    const Token used = readSizeToken(p, e);
    p = used.end;
    while (p < e && *p == ' ')
        ++p;
    if (p == e || *p != '/')
        return false;
    const Token total = readSizeToken(p + 1, e);
    if (!total.hasUnit || !(p = expectKey(total.end, e, "External=")))
        return false;
    const Token external = readSizeToken(p, e);
    if (!external.hasUnit || !(p = expectKey(external.end, e, "ArrayBuffers=")))
        return false;
    const Token arrayBuffers = readSizeToken(p, e);
    if (!arrayBuffers.hasUnit)
        return false;

    m.rssMiB = toMiB(rss);
    m.heapTotalMiB = toMiB(total);
    if (used.hasUnit) {
        m.heapUsedMiB = toMiB(used);
    } else {
        // "Heap=212.7/218.0MB", the used figure written without a unit: it shares the total's.
        char oneUnit[16] = "1";
        const qsizetype unitLength = std::min<qsizetype>(total.end - total.unit, sizeof oneUnit - 2);
        std::memcpy(oneUnit + 1, total.unit, size_t(unitLength));
        const double scale = units::parseSize(QByteArrayView(oneUnit, unitLength + 1), units::MbMeaning::Binary);
        m.heapUsedMiB = units::parseNumber(QByteArrayView(used.begin, used.end)) * scale / units::kMiB;
    }
    m.externalMiB = toMiB(external);
    m.arrayBuffersMiB = toMiB(arrayBuffers);
    // "1e300TB" is a finite double but no process's memory; it would turn percentages and sums infinite.
    for (double v : {m.rssMiB, m.heapUsedMiB, m.heapTotalMiB, m.externalMiB, m.arrayBuffersMiB}) {
        if (!safe::isPlausibleSize(v, safe::kMaxPlausibleMiB))
            return false;
    }
    return true;
}

// A non-negative integer of at most 18 digits (below 10^18, so v * 10 + digit never overflows, and two of them
// add without overflow too), then p is advanced past it.
bool readCount(const char*& p, const char* e, qint64& out)
{
    while (p < e && *p == ' ')
        ++p;
#if Q_BYTE_ORDER == Q_LITTLE_ENDIAN
    if (e - p >= 8) {
        // A count of 1 to 7 digits (nearly all): found and converted a word at a time, as below.
        quint64 word;
        std::memcpy(&word, p, 8);
        const int n = leadingDigits(nonDigitBytes(word));
        if (n > 0 && n < 8) {
            if (p[n] == '.' || p[n] == 'e' || p[n] == 'E')
                return false;
            out = qint64(leadingDigitsValue(word, n));
            p += n;
            return true;
        }
    }
#endif
    qint64 v = 0;
    int digits = 0;
    while (p < e && isDigit(*p)) {
        if (++digits > 18)
            return false;
        v = v * 10 + (*p - '0');
        ++p;
    }
    if (digits == 0 || (p < e && (*p == '.' || *p == 'e' || *p == 'E')))
        return false;
    out = v;
    return true;
}

// The cache ring's row (storedCacheRow) of a cache stats line read as digits: counts of at most 9 digits, the hit
// rate's digits with their count of fraction digits, and its value (percent).
Q_ALWAYS_INLINE std::array<float, 4> cacheRowOfDigits(quint64 keys, quint64 hits, quint64 misses, quint64 rate,
                                                      int rateFraction, double percent)
{
    // What stored() gives the float of each (counts of at most 9 digits: exact in a double), through the
    // hundredths of the digits where they are those of the value (below 2^15), as a Memory row's.
    std::array<float, 4> row;
    const quint64 counts[3] = {keys, hits, misses};
    for (int i = 0; i < 3; ++i) {
        const quint64 h = counts[i] * 100;
        row[size_t(i)]
            = h < ringcodec::kHundredthsOfDigitsLimit ? float(double(h) * 0.01) : ringcodec::stored(float(counts[i]));
    }
    qint64 q;
    row[3] = ringcodec::hundredthsOfDigits(rate, rateFraction, q) ? ringcodec::fromHundredths(q)
                                                                  : ringcodec::stored(float(percent));
    return row;
}

// The sample of a cache stats line read as digits (three counts, the hit rate's digits with their count of fraction
// digits), and when row is not null the cache ring's row for it (cacheRowOfDigits); false for a rate above 100,
// which the general way decides (and refuses too). The line's time is left to the caller.
Q_ALWAYS_INLINE bool cacheOfDigits(quint64 keys, quint64 hits, quint64 misses, quint64 rate, int rateFraction,
                                   CacheSample& c, std::array<float, 4>* row)
{
    const double percent = plainValue(rate, rateFraction);
    if (percent > 100)
        return false;
    c.keys = qint64(keys);
    c.hits = qint64(hits);
    c.misses = qint64(misses);
    c.hitRatePercent = percent;
    if (row)
        *row = cacheRowOfDigits(keys, hits, misses, rate, rateFraction, percent);
    return true;
}

// The app's line exactly as it prints it ("Keys: 2, Hits: 1346, Misses: 482, Hit rate: 73.63%", one space after
// each colon, counts of at most 9 digits, a plain rate): the digits a word at a time. Anything else returns false
// and goes the general way below; for the lines it accepts both give the same numbers.
// row: when not null, also set to the cache ring's row for the line, storedCacheRow(c), from the digits.
Q_ALWAYS_INLINE bool parseCacheExact(const char* p, const char* e, CacheSample& c, std::array<float, 4>* row = nullptr)
{
    quint64 keys = 0, hits = 0, misses = 0, rate = 0;
    int keysFraction = 0, hitsFraction = 0, missesFraction = 0, rateFraction = 0;
    if (!(skipLiteral(p, e, "Keys: ") && readPlainDigitsFast(p, e, keys, keysFraction) && keysFraction == 0
          && skipLiteral(p, e, ", Hits: ") && readPlainDigitsFast(p, e, hits, hitsFraction) && hitsFraction == 0
          && skipLiteral(p, e, ", Misses: ") && readPlainDigitsFast(p, e, misses, missesFraction) && missesFraction == 0
          && skipLiteral(p, e, ", Hit rate: ") && readPlainDigitsFast(p, e, rate, rateFraction) && p < e && *p == '%'))
        return false;
    return cacheOfDigits(keys, hits, misses, rate, rateFraction, c, row);
}

// "Keys: 2, Hits: 1346, Misses: 482, Hit rate: 73.63%"; p after "Cache stats - ".
bool parseCache(const char* p, const char* e, CacheSample& c)
{
    if (parseCacheExact(p, e, c))
        return true;
    if (!(p = expectKey(p, e, "Keys:")) || !readCount(p, e, c.keys))
        return false;
    if (!(p = expectKey(p, e, "Hits:")) || !readCount(p, e, c.hits))
        return false;
    if (!(p = expectKey(p, e, "Misses:")) || !readCount(p, e, c.misses))
        return false;
    if (!(p = expectKey(p, e, "Hit rate:")))
        return false;
    while (p < e && *p == ' ')
        ++p;
    const char* start = p;
    while (p < e && *p != '%' && *p != ',' && *p != ' ' && *p != '\x1b')
        ++p;
    if (p == e || *p != '%')
        return false; // a cut-off line lost its '%'
    c.hitRatePercent = units::parseNumber(QByteArrayView(start, p));
    return isKnown(c.hitRatePercent) && c.hitRatePercent <= 100; // hits / lookups: never above 100 %
}

// Where an overflow warning's count of entries dropped starts: after the "dropped " among the 24 bytes at p (p after
// "Audit log buffer overflow"); nullptr when there is none.
const char* overflowDroppedAt(const char* p, const char* e)
{
    const char* limit = std::min(e, p + 24);
    for (const char* q = p; q + 8 <= limit; ++q) {
        if (std::memcmp(q, "dropped ", 8) == 0)
            return q + 8;
    }
    return nullptr;
}

// Where an overflow warning's running total follows: after the '(' among the 24 bytes at p (after its count of
// entries dropped); nullptr when there is none.
const char* overflowTotalAfter(const char* p, const char* e)
{
    const void* paren = std::memchr(p, '(', size_t(std::min<qsizetype>(e - p, 24)));
    return paren ? static_cast<const char*>(paren) + 1 : nullptr;
}

// The app's wording, " - dropped 12 entries (40 total dropped)"; p after "Audit log buffer overflow".
bool parseOverflowCounts(const char* p, const char* e, OverflowEvent& o)
{
    const char* d = overflowDroppedAt(p, e);
    if (!d || !readCount(d, e, o.dropped) || !(p = overflowTotalAfter(d, e)))
        return false;
    // The running total includes what was dropped now: a smaller total is not a line the app wrote.
    return readCount(p, e, o.totalDropped) && startsWith(p, e, " total") && o.dropped <= o.totalDropped;
}

// An overflow warning (p after "Audit log buffer overflow"): an event whatever follows, as the seed's monitoring
// script counts every line that says "buffer overflow". Its counts are those of the app's wording; in other words
// (another version of the app, a line cut short, counts out of range) the entries dropped are the count after the
// line's first "dropped " where there is one, and the running total unknown (-1 both when unknown).
void parseOverflow(const char* p, const char* e, OverflowEvent& o)
{
    if (parseOverflowCounts(p, e, o))
        return;
    o.dropped = -1;
    o.totalDropped = -1;
    const QByteArrayView rest(p, e - p);
    const qsizetype at = rest.indexOf("dropped ");
    qint64 dropped;
    if (at >= 0 && (p += at + 8) < e && isDigit(*p) && readCount(p, e, dropped))
        o.dropped = dropped;
}

constexpr qsizetype kMaxTextChars = 4096;

// The message as shown to a person: escapes and control characters removed, bounded.
QString messageText(const char* b, const char* e)
{
    const qsizetype n = std::min<qsizetype>(e - b, kMaxTextChars * 4);
    // Printable ASCII (and tabs) throughout, as an app's warnings and errors nearly always are: nothing to remove,
    // and the characters are the bytes. The same text as the long way below.
    qsizetype printable = 0;
#ifdef HEAPWATCH_LINE_LAYOUTS
    // 16 bytes at a time: as signed bytes, a control character and a byte of a UTF-8 sequence are both below 0x20.
    for (; printable + 16 <= n; printable += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + printable));
        const __m128i low
            = _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')), _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
        if (_mm_movemask_epi8(_mm_or_si128(low, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)))) != 0)
            break; // the byte-wise loop below finds which
    }
#endif
    while (printable < n) {
        const auto c = static_cast<unsigned char>(b[printable]);
        if (c < 0x20 ? c != '\t' : c >= 0x7f)
            break;
        ++printable;
    }
    if (printable == n)
        return QString::fromLatin1(b, std::min(n, kMaxTextChars));
    QByteArray bytes = stripEscapes(QByteArrayView(b, n));
    char* const d = bytes.data();
    qsizetype w = 0;
    bool ascii = true;
    for (qsizetype r = 0; r < bytes.size(); ++r) {
        const char c = d[r];
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
            continue; // NUL, stray ESC, …: nothing a person can read
        ascii = ascii && static_cast<unsigned char>(c) < 0x7f;
        d[w++] = c;
    }
    bytes.truncate(w);
    if (ascii) // printable once the colours are gone (a colourised warning): as above
        return QString::fromLatin1(bytes.constData(), std::min(w, kMaxTextChars));
    return plainText(QString::fromUtf8(bytes), kMaxTextChars); // DEL, C1 and bidi controls go too
}

const LogRecord kBlankRecord;

enum class Outcome : quint8
{
    Other,
    Record,
    Malformed
};

// A record's time (LogRecord::atMs): the docker timestamp, else the first ISO-8601 timestamp of the logger
// prefix, else -1.
Q_ALWAYS_INLINE qint64 recordTime(const LineScan& s)
{
    if (s.dockerNs >= 0)
        return s.dockerNs / 1000000;
    if (s.messageNs >= 0)
        return s.messageNs / 1000000;
    const char* limit = std::min(s.end, s.message + 64);
    for (const char* p = s.message; p < limit; ++p) {
        if (isDigit(*p) && looksLikeDate(p, s.end)) {
            const Timestamp ts = readTimestamp(p, s.end, true, s.cache);
            if (ts.length > 0)
                return ts.ns / 1000000;
        }
    }
    return -1;
}

// The raw message of a record with text, bounded, kept in texts for the thread that applies the record
// (LogRecord::textAt, textBytes) instead of its text.
Q_ALWAYS_INLINE void deferText(LogRecord& r, const char* message, const char* end, std::string& texts)
{
    const qsizetype n = std::min<qsizetype>(end - message, kMaxTextChars * 4);
    r.textAt = quint32(texts.size());
    r.textBytes = quint32(n);
    texts.append(message, size_t(n));
}

// deferredTexts: where the raw message of a record with text goes instead (LogRecord::textBytes), or null.
Outcome fillRecord(const LineScan& s, LogStream stream, LogRecord& r, std::string* deferredTexts = nullptr)
{
    r.kind = s.kind;
    r.stream = stream;
    r.dockerTimeNs = s.dockerNs;
    r.atMs = recordTime(s);
    r.lineHash = s.hash;

    switch (s.kind) {
    case LogKind::Memory:
        if (!parseMemory(s.marker + 12, s.end, r.memory))
            return Outcome::Malformed;
        r.memory.atMs = r.atMs;
        return Outcome::Record;
    case LogKind::Cache:
        if (!parseCache(s.marker + 14, s.end, r.cache))
            return Outcome::Malformed;
        r.cache.atMs = r.atMs;
        return Outcome::Record;
    case LogKind::Overflow:
        parseOverflow(s.marker + 25, s.end, r.overflow);
        r.overflow.atMs = r.atMs;
        break;
    case LogKind::Gc:
        if (!gctrace::parse(s.marker, s.end, r.gc))
            return Outcome::Malformed;
        r.gc.atMs = r.atMs;
        return Outcome::Record;
    case LogKind::Other:
        return Outcome::Other;
    default:
        break;
    }
    if (deferredTexts) {
        deferText(r, s.message, s.end, *deferredTexts);
    } else {
        r.text = messageText(s.message, s.end);
    }
    return Outcome::Record;
}

// 100 * 10^total's fraction digits / (total digits * 10^used's fraction digits): the used heap's digits times this
// are its percentage of the total.
Q_ALWAYS_INLINE double heapPercentFactor(quint64 total, int usedFractionDigits, int totalFractionDigits)
{
    return (100.0 * kPow10[totalFractionDigits]) / (double(total) * kPow10[usedFractionDigits]);
}

// The stored heap usage (storedProcessRow's last column: used / total * 100, rounded to hundredths) from the
// digits, with one multiplication by the total's heapPercentFactor instead of three divisions (the caller keeps the
// factor while the total and the counts of fraction digits stay the same, as they do for most lines). The product
// rounds to the same hundredth as the three divisions unless the hundredths lie close to a half, where the three
// divisions decide.
Q_ALWAYS_INLINE float heapPercentOfDigits(const quint64 (&mantissa)[5], const int (&fractionDigits)[5], double factor)
{
    const quint64 used = mantissa[1], total = mantissa[2];
    if (total == 0)
        return std::numeric_limits<float>::quiet_NaN();
    const double percent = double(used) * factor;
    // The product and the three divisions are each a few roundings from the exact quotient, a few parts in 10^16
    // apart, and the three divisions' float is within half its ulp (at most 2^-15 below 1024) of theirs: the
    // hundredths the long way rounds lie within 0.004 of these. So where these lie more than 0.02 from a half,
    // both round to the same whole hundredth, the nearest (the processor's own rounding, in one instruction).
    if (percent < 1024) {
        const double hundredths = percent * ringcodec::kScale;
#if defined(__SSE2__)
        const qint64 nearest = _mm_cvtsd_si64(_mm_set_sd(hundredths));
        if (std::fabs(hundredths - double(nearest)) < 0.48)
            return ringcodec::fromHundredths(nearest);
#else
        const qint64 whole = qint64(hundredths);
        const double fraction = hundredths - double(whole);
        if (std::fabs(fraction - 0.5) > 0.02)
            return ringcodec::fromHundredths(whole + qint64(fraction > 0.5));
#endif
    }
    return ringcodec::storedDouble(plainValue(used, fractionDigits[1]) / plainValue(total, fractionDigits[2]) * 100.0);
}

// A Memory line in any other spelling, as a record's sample would be parsed: sets rows.last and v.
Q_NEVER_INLINE bool parseMemoryRecordRow(const char* p, const char* e, qint64 atMs, MemoryRows& rows,
                                         std::array<float, 6>& v)
{
    MemorySample m;
    if (!parseMemory(p, e, m))
        return false;
    m.atMs = atMs;
    v = storedProcessRow(m);
    rows.last = m;
    return true;
}

// Parses a line whose timestamp and kind were read: its hash (unless the gate took it), its record.
Q_ALWAYS_INLINE void parseScanned(LineScan& s, LogStream stream, std::vector<LogRecord>& out, ParseCounters& counters,
                                  quint64& hashes, bool hashRecords, std::string* deferredTexts = nullptr)
{
    if (!s.hashed && hashRecords) {
        s.hash = hashBytes(s.message, s.end - s.message);
        ++hashes;
    }
    // Copying a blank record costs a few vector moves; value-initialising one in place (emplace_back()) zeroes it
    // with `rep stos` first, which alone cost a tenth of the per-line time.
    LogRecord& r = out.emplace_back(kBlankRecord);
    if (fillRecord(s, stream, r, deferredTexts) == Outcome::Record) {
        ++counters.recognised;
    } else {
        out.pop_back();
        ++counters.malformed;
    }
}

} // namespace

qint64 parseRfc3339Ns(QByteArrayView text)
{
    const char* b = text.data();
    const char* e = b + text.size();
    const Timestamp ts = readTimestamp(b, e, false);
    return ts.length == text.size() ? ts.ns : -1;
}

qint64 parseRfc3339Ns(QByteArrayView text, Rfc3339Minute& minute)
{
    const char* b = text.data();
    const char* e = b + text.size();
    const MinuteCache cache {minute.prefix, &minute.seconds};
    const Timestamp ts = readTimestamp(b, e, false, &cache);
    return ts.length == text.size() ? ts.ns : -1;
}

qsizetype loggerTimestampLength(QStringView message)
{
    // "YYYY-MM-DD", 'T' or a space, the time (digits, ':', '.', ','), an optional zone ('Z', ±HH:MM or ±HHMM),
    // then at least one blank: what a logger writes before its message. ASCII only.
    const qsizetype n = message.size();
    const auto isAsciiDigit = [&](qsizetype i) { return i < n && message[i] >= u'0' && message[i] <= u'9'; };
    const auto digits = [&](qsizetype at, qsizetype count) {
        for (qsizetype i = at; i < at + count; ++i) {
            if (!isAsciiDigit(i))
                return false;
        }
        return true;
    };
    if (!digits(0, 4) || n < 11 || message[4] != u'-' || !digits(5, 2) || message[7] != u'-' || !digits(8, 2)
        || (message[10] != u'T' && message[10] != u' '))
        return 0;
    qsizetype p = 11;
    while (p < n && (isAsciiDigit(p) || message[p] == u':' || message[p] == u'.' || message[p] == u','))
        ++p;
    if (p == 11)
        return 0;
    if (p < n && message[p] == u'Z') {
        ++p;
    } else if (p < n && (message[p] == u'+' || message[p] == u'-') && digits(p + 1, 2)) {
        const qsizetype colon = p + 3 < n && message[p + 3] == u':' ? 1 : 0;
        if (digits(p + 3 + colon, 2))
            p += 5 + colon;
    }
    const qsizetype blanks = p;
    while (p < n && (message[p] == u' ' || (message[p] >= u'\t' && message[p] <= u'\r')))
        ++p;
    return p > blanks ? p : 0;
}

QString LogParser::messageText(QByteArrayView message)
{
    return heapwatch::messageText(message.data(), message.data() + message.size());
}

QString LogParser::recordText(const LogRecord& record, const MemoryRows& rows)
{
    const QByteArrayView raw = recordRaw(record, rows);
    return raw.isEmpty() ? record.text : messageText(raw);
}

QByteArrayView LogParser::recordRaw(const LogRecord& record, const MemoryRows& rows)
{
    if (record.textBytes == 0 || size_t(record.textAt) + record.textBytes > rows.texts.size())
        return {};
    return QByteArrayView(rows.texts.data() + record.textAt, record.textBytes);
}

quint64 LogParser::hashLine(QByteArrayView message)
{
    return hashBytes(message.data(), message.size());
}

bool LogParser::parseLine(QByteArrayView line, LogStream stream, LogRecord& out)
{
    LineScan s;
    scanTimestamp(line, s, Timestamps::Detect, nullptr);
    scanKind(s);
    if (s.kind == LogKind::Other)
        return false;
    s.hash = hashBytes(s.message, s.end - s.message);
    LogRecord r;
    if (fillRecord(s, stream, r) != Outcome::Record)
        return false;
    out = std::move(r);
    return true;
}

void LogParser::consumeLine(QByteArrayView line, LogStream stream, std::vector<LogRecord>& out, LineGate* gate)
{
    if (line.size() > kMaxLineBytes) {
        ++m_counters.lines;
        ++m_counters.oversized;
        return;
    }
    LineScan s;
    const MinuteCache cache {m_minutePrefix, &m_minuteSeconds};
    s.cache = &cache;
    scanTimestamp(line, s, m_timestamps, &cache);
    if (gate) {
        // The one hash of the line, taken here for the gate (the resume dedupe) and kept for its record.
        LogLine l;
        l.stream = stream;
        l.dockerTimeNs = s.dockerNs;
        l.message = QByteArrayView(s.message, s.end);
        if (s.dockerNs >= 0) {
            s.hash = l.hash = hashBytes(s.message, s.end - s.message);
            s.hashed = true;
            ++m_hashes;
        }
        if (!gate->admit(l))
            return;
    }
    ++m_counters.lines;
    scanKind(s);
    if (s.kind != LogKind::Other) {
        if (!m_memoryRows) {
            parseScanned(s, stream, out, m_counters, m_hashes, m_hashRecords);
        } else if (s.kind == LogKind::Memory) {
            if (appendMemoryRow(s.marker + 12, s.end, recordTime(s))) {
                ++m_counters.recognised;
#ifdef HEAPWATCH_LINE_LAYOUTS
                // Every decision taken in reading this line followed from which of its bytes are digits and what
                // the others are, but for the timestamp's values, which a layout reads again: a line with the same
                // bytes but for its digits reads the same way. A layout is learnt from the second of two lines in a
                // row that missed every layout and have the same length (a figure that gained a digit, not a line
                // of its own), and less often while layouts are replaced before they serve.
                if (m_layoutMissed && s.appLine && m_lastDigits.pending && learnNow(m_memoryLayouts, line.size()))
                    learnLayout(line, s.marker + 12, s.dockerNs >= 0, LogKind::Memory);
#endif
            } else {
                ++m_counters.malformed;
            }
        } else if (s.kind == LogKind::Cache) {
            // A row for the cache ring, as for Memory lines: no record, no text, nothing for the applying thread
            // to do but append it.
            CacheSample c;
            std::array<float, 4> row;
            const bool exact = parseCacheExact(s.marker + 14, s.end, c, &row);
            if (exact || parseCache(s.marker + 14, s.end, c)) {
                ++m_counters.recognised;
                c.atMs = recordTime(s);
                if (!exact)
                    row = storedCacheRow(c);
                appendCacheRow(c, row, out.size());
#ifdef HEAPWATCH_LINE_LAYOUTS
                // As for Memory lines: the app's exact spelling, learnt from the second of two in a row that
                // missed every layout with the same length.
                if (exact && m_layoutMissed && s.appLine && learnNow(m_cacheLayouts, line.size()))
                    learnLayout(line, s.marker + 20, s.dockerNs >= 0, LogKind::Cache); // after "Keys: "
#endif
            } else {
                ++m_counters.malformed;
            }
        } else {
            const size_t before = out.size();
            parseScanned(s, stream, out, m_counters, m_hashes, m_hashRecords, &m_memoryRows->texts);
            if (out.size() > before) {
                m_memoryRows->rowsBefore.push_back(quint32(m_memoryRows->rows.size()));
#ifdef HEAPWATCH_LINE_LAYOUTS
                // The app's overflow warnings, warnings and errors as its Memory lines: the line's kind, where its
                // message and its counts are, follow from which of its bytes are digits and what the others are
                // (no marker, level word or colour code is told apart by a digit's value); an overflow's counts are
                // read again, and compared again. An overflow's layout is learnt from the app's own wording only
                // (both its counts known): one in other words has its counts found the long way (parseOverflow).
                if (m_layoutMissed
                    && ((s.kind == LogKind::Overflow && out.back().overflow.totalDropped >= 0)
                        || s.kind == LogKind::Warning || s.kind == LogKind::Error)
                    && learnRecordNow(s.kind, line.size()))
                    learnLayout(line, s.kind == LogKind::Overflow ? overflowDroppedAt(s.marker + 25, s.end) : nullptr,
                                s.dockerNs >= 0, s.kind, s.message - line.data(),
                                afterLoggerTimestamp(s) + 1 - line.data());
#endif
            }
        }
    }
    if (gate)
        gate->parsed();
}

// The row of a Memory line read as the digits of its five figures (in m_lastDigits): the hundredths the ring keeps
// follow from them without a division, and the sample's values are worked out only for the last line
// (settleLastMemory).
Q_ALWAYS_INLINE void LogParser::appendDigitsRow(qint64 atMs, const quint32* toHundredths)
{
    const quint64(&mantissa)[5] = m_lastDigits.mantissa;
    const int(&fractionDigits)[5] = m_lastDigits.fractionDigits;
    m_lastDigits.atMs = atMs;
    m_lastDigits.pending = true;
    if (atMs < 0)
        return; // a line without a time has no row: only the last sample is made of its digits
    MemoryRows& rows = *m_memoryRows;
    MemoryRows::Row& row = rows.rows.emplace_back();
    row.atMs = atMs;
    float* const v = row.v.data(); // written in place in the new row: no copy of it through the stack
    rows.lastMs = std::max(rows.lastMs, atMs);
#if defined(__GNUC__) && !defined(__clang__)
#    pragma GCC unroll 5
#endif
    for (int i = 0; i < 5; ++i) {
        if (toHundredths) {
            // A layout's figure: at most 8 digits, and its factor known. What hundredthsOfDigits() and
            // fromHundredths() decide, with the checks that cannot fail left out.
            const quint64 h = mantissa[i] * toHundredths[i];
            v[i] = toHundredths[i] != 0 && h < ringcodec::kHundredthsOfDigitsLimit
                ? float(double(h) * 0.01)
                : ringcodec::storedDouble(plainValue(mantissa[i], fractionDigits[i]));
        } else {
            qint64 q;
            v[i] = ringcodec::hundredthsOfDigits(mantissa[i], fractionDigits[i], q)
                ? ringcodec::fromHundredths(q)
                : ringcodec::storedDouble(plainValue(mantissa[i], fractionDigits[i]));
        }
    }
    HeapTotalFactor& heap = m_heapFactor;
    if (mantissa[2] != 0
        && (mantissa[2] != heap.total || fractionDigits[2] != heap.totalFractionDigits
            || fractionDigits[1] != heap.usedFractionDigits)) [[unlikely]] {
        heap.total = mantissa[2];
        heap.totalFractionDigits = fractionDigits[2];
        heap.usedFractionDigits = fractionDigits[1];
        heap.factor = heapPercentFactor(mantissa[2], fractionDigits[1], fractionDigits[2]);
    }
    v[5] = heapPercentOfDigits(mantissa, fractionDigits, heap.factor);
}

// A cache stats line's row, kept when the line has a time (recordsBefore: the parser's records before it), and the
// last cache sample.
Q_ALWAYS_INLINE void LogParser::appendCacheRow(const CacheSample& c, const std::array<float, 4>& row,
                                               size_t recordsBefore)
{
    MemoryRows& rows = *m_memoryRows;
    if (c.atMs >= 0) {
        rows.cacheRows.push_back(MemoryRows::CacheRow {c.atMs, row, quint32(recordsBefore), quint32(rows.rows.size())});
        rows.lastMs = std::max(rows.lastMs, c.atMs);
    }
    rows.lastCache = c;
}

// A Memory line's row, p after "Memory: RSS=". The app's exact spelling is read as digits; any other spelling is
// parsed as a record's would be.
bool LogParser::appendMemoryRow(const char* p, const char* e, qint64 atMs)
{
    MemoryRows& rows = *m_memoryRows;
    MemoryDigits d;
    if (Q_LIKELY(readMemoryExact(p, e, d))) {
        std::memcpy(m_lastDigits.mantissa, d.mantissa, sizeof d.mantissa);
        std::memcpy(m_lastDigits.fractionDigits, d.fractionDigits, sizeof d.fractionDigits);
        appendDigitsRow(atMs);
        return true;
    }
    std::array<float, 6> v;
    if (!parseMemoryRecordRow(p, e, atMs, rows, v))
        return false;
    m_lastDigits.pending = false;
    if (atMs >= 0) {
        rows.rows.push_back(MemoryRows::Row {atMs, v});
        rows.lastMs = std::max(rows.lastMs, atMs);
    }
    return true;
}

#ifdef HEAPWATCH_LINE_LAYOUTS
namespace {

// The values of a layout's figures i and i + 1 of the line at p, in the two halves: each figure's digits (fraction
// included, at most 8) as one number, read from the 8 bytes that end with its last digit (LineLayout::windowAt).
template<typename Layout> Q_ALWAYS_INLINE __m128i laidOutPair(const char* p, const Layout& l, int i)
{
    __m128i x = _mm_unpacklo_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + l.windowAt[i])),
                                   _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + l.windowAt[i + 1])));
    x = _mm_xor_si128(x, _mm_set1_epi8('0'));
    // The figure's digits in the top bytes of each half, the first of them the highest: zeros below.
    const __m128i digits = _mm_or_si128(
        _mm_and_si128(x, _mm_load_si128(reinterpret_cast<const __m128i*>(l.keptBytes + i))),
        _mm_and_si128(_mm_slli_epi64(x, 8), _mm_load_si128(reinterpret_cast<const __m128i*>(l.movedBytes + i))));
    // Pairs of digits, then fours, then eights (eightDigitsValue() in lanes).
    const __m128i pairs = _mm_add_epi16(
        _mm_mullo_epi16(_mm_and_si128(digits, _mm_set1_epi16(0xFF)), _mm_set1_epi16(10)), _mm_srli_epi16(digits, 8));
    const __m128i fours = _mm_madd_epi16(pairs, _mm_set1_epi32(0x00010064));
    return _mm_add_epi64(_mm_mul_epu32(fours, _mm_set1_epi64x(10000)), _mm_srli_epi64(fours, 32));
}

Q_ALWAYS_INLINE __m128i load16(const char* p)
{
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

// Non-zero bytes where the 16 bytes at p break the layout's: another byte where the learnt line has no digit, no
// digit where it has one. Against a learnt digit the line's byte must have the same high half (0x30-0x3F) and be
// at most '9'; elsewhere it must be the learnt byte (care 0xFF, highest 0xFF: nothing is above it).
Q_ALWAYS_INLINE __m128i layoutBreaks(const char* p, const char* learnt, const char* care, const char* highest)
{
    const __m128i line = load16(p);
    const __m128i x = _mm_xor_si128(line, _mm_load_si128(reinterpret_cast<const __m128i*>(learnt)));
    return _mm_or_si128(_mm_and_si128(x, _mm_load_si128(reinterpret_cast<const __m128i*>(care))),
                        _mm_subs_epu8(line, _mm_load_si128(reinterpret_cast<const __m128i*>(highest))));
}

Q_ALWAYS_INLINE bool allZero(__m128i v)
{
    return _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())) == 0xFFFF;
}

// Moves the entry at position to the front of a most-recently-used order, the ones before it one place back.
template<size_t N> Q_ALWAYS_INLINE void moveToFront(quint8 (&order)[N], size_t position)
{
    // A loop, not memmove: the entry is nearly always first already, and the call (for no bytes) was made for
    // every laid-out line.
    const quint8 entry = order[position];
    for (size_t i = position; i > 0; --i)
        order[i] = order[i - 1];
    order[0] = entry;
}

// Whether the bytes at p are those of layout l up to the end of its block at lastBlock, of which only the bytes
// under lastCare count: that block first (a line of another layout nearly always differs where its line ends).
template<typename Layout>
Q_ALWAYS_INLINE bool hasLayoutBytes(const char* p, const Layout& l, qsizetype lastBlock, const char* lastCare)
{
    const __m128i care = _mm_load_si128(reinterpret_cast<const __m128i*>(lastCare));
    if (!allZero(_mm_and_si128(
            layoutBreaks(p + lastBlock, l.bytes + lastBlock, l.care + lastBlock, l.highest + lastBlock), care)))
        return false;
    __m128i breaks = _mm_setzero_si128();
    for (qsizetype at = 0; at < lastBlock; at += 16)
        breaks = _mm_or_si128(breaks, layoutBreaks(p + at, l.bytes + at, l.care + at, l.highest + at));
    return allZero(breaks);
}

// The places of the points in the PointLayouts::kBytes at p: the first 64 bytes' and the 16 after them.
Q_ALWAYS_INLINE quint64 pointPlaces(const char* p, quint16& more)
{
    const __m128i point = _mm_set1_epi8('.');
    quint64 places = 0;
    for (int i = 0; i < 4; ++i)
        places |= quint64(quint16(_mm_movemask_epi8(_mm_cmpeq_epi8(load16(p + 16 * i), point)))) << (16 * i);
    more = quint16(_mm_movemask_epi8(_mm_cmpeq_epi8(load16(p + 64), point)));
    return places;
}

} // namespace

bool LogParser::learnNow(LayoutSet& set, qsizetype length, qsizetype* missedLength)
{
    qsizetype& missed = missedLength ? *missedLength : set.missedLength;
    if (length != missed) {
        missed = length;
        return false;
    }
    if (set.learnSkips > 0) {
        --set.learnSkips;
        return false;
    }
    missed = -1;
    const bool served = set.count < set.capacity || set.layouts[set.order[set.capacity - 1]].served >= set.servedLines;
    set.learnBackoff = served ? 0 : std::min<quint32>(set.learnBackoff * 2 + 1, 1023);
    set.learnSkips = set.learnBackoff;
    return true;
}

bool LogParser::learnRecordNow(LogKind kind, qsizetype length)
{
    return learnNow(m_recordLayouts, length,
                    &m_recordMissedLength[kind == LogKind::Overflow      ? 0
                                              : kind == LogKind::Warning ? 1
                                                                         : 2]);
}

// Learns the layout of line, a Memory or cache stats line or a record with a text (an overflow warning, a warning,
// an error: kind) that missed every layout of its kind. The line was read the exact way (so its literals are the
// app's); firstFigure is after its "Memory: RSS=" or its "Cache stats - Keys: ", or an overflow's "dropped " (null
// for a record without counts); its message starts at messageAt. Its time is the engine's timestamp, else the
// logger's at its start (the time the long way finds first), or none for a Memory or cache stats line that has no
// timestamp, no digit before its figures and nothing after them; a line whose time is elsewhere is left to the long
// way.
bool LogParser::learnLayout(QByteArrayView line, const char* firstFigure, bool engineTime, LogKind kind,
                            qsizetype messageAt, qsizetype keyAt, LineLayout* into)
{
    const qsizetype length = line.size() + 1;
    if (length > LineLayout::kMaxBytes)
        return false;
    const char* const b = line.data();
    const char* const e = b + line.size();
    const char* const end = e > b && e[-1] == '\r' ? e - 1 : e;
    const qsizetype timestampLength = readTimestamp(b, end, !engineTime).length;
    // What follows each figure in the app's line: a Memory line's five, a cache stats line's four.
    static constexpr qsizetype kMemoryAfter[5] = {sizeof "MB, Heap=" - 1, sizeof "MB/" - 1, sizeof "MB, External=" - 1,
                                                  sizeof "MB, ArrayBuffers=" - 1, sizeof "MB" - 1};
    static constexpr qsizetype kCacheAfter[4]
        = {sizeof ", Hits: " - 1, sizeof ", Misses: " - 1, sizeof ", Hit rate: " - 1, sizeof "%" - 1};
    const bool cache = kind == LogKind::Cache;
    const bool record = kind != LogKind::Memory && !cache;
    // An overflow's two counts: the entries dropped, and the running total after the '(' (parseOverflowCounts).
    const int figures = cache ? 4 : record ? (firstFigure ? 2 : 0) : 5;
    const qsizetype* const after = cache ? kCacheAfter : kMemoryAfter;
    quint8 at[5] = {}, count[5] = {}, fraction[5] = {};
    const char* p = firstFigure;
    for (int i = 0; i < figures; ++i) {
        while (record && p < e && *p == ' ')
            ++p; // as readCount
        const char* const f = p;
        while (p < e && isDigit(*p))
            ++p;
        const qsizetype whole = p - f;
        qsizetype fractionDigits = 0;
        if (p < e && *p == '.') {
            const char* const g = ++p;
            while (p < e && isDigit(*p))
                ++p;
            fractionDigits = p - g;
        }
        if (whole < 1 || p - f > 8 || (fractionDigits == 0 && p[-1] == '.')
            || ((record || (cache && i < 3)) && fractionDigits > 0) || p - b < 8)
            return false; // left to the long way (a count is whole; a figure is read from the 8 bytes it ends)
        at[i] = quint8(f - b);
        count[i] = quint8(whole + fractionDigits);
        fraction[i] = quint8(fractionDigits);
        if (!record)
            p += i == 1 && *p == '/' ? 1 : after[i]; // "Heap=212.7/218.0MB" as readMemoryExact takes it
        else if (i == 0 && !(p = overflowTotalAfter(p, e)))
            return false;
    }
    if (timestampLength == 0) {
        // A Memory or cache stats line without a timestamp (the seed's sample output): the long way gives it none
        // (-1) as long as no digit before its figures could start one and nothing follows them (recordTime looks
        // for a date in a message's first 64 bytes); other lines are left to the long way.
        if (record || p != end || std::any_of(b, firstFigure, isDigit))
            return false;
    }
    // A reading touches the line's 16-byte blocks and no more (each figure is read from bytes that end with it).
    static_assert(LineLayout::kMaxBytes % 16 == 0);
    const qsizetype span = (length + 15) & ~qsizetype(15);

    // In the place of the least recently used layout of the kind, first in its order (or into).
    LayoutSet& set = cache ? m_cacheLayouts : record ? m_recordLayouts : m_memoryLayouts;
    int slot = -1;
    if (!into) {
        slot = set.count < set.capacity ? set.count++ : set.order[set.capacity - 1];
        if (record) {
            m_recordKind[slot] = kind;
            m_recordMessageAt[slot] = quint8(messageAt);
            m_recordKeyAtOf[slot] = keyAt < line.size() ? keyAt : -1;
            m_recordKey[slot] = keyAt < line.size() ? b[keyAt] : '\0';
            m_recordKeyAt = m_recordKeyAtOf[slot];
            m_recordKeys = 0;
            for (int i = 0; i < LayoutSet::kMax; ++i) {
                if (i < set.count && m_recordKeyAtOf[i] != m_recordKeyAt)
                    m_recordKeyAt = -1;
                m_recordKeys |= quint32(quint8(m_recordKey[i < set.count ? i : 0])) << (8 * i);
            }
        }
        moveToFront(set.order, size_t(std::find(set.order, set.order + set.capacity, quint8(slot)) - set.order));
    }
    LineLayout& l = into ? *into : set.layouts[slot];
    // "…:SS.fffffffffZ": milliseconds in the fraction's first three digits, no zone offset.
    l.utcMilliseconds = timestampLength >= 24 && (b[19] == '.' || b[19] == ',')
        && (b[timestampLength - 1] == 'Z' || b[timestampLength - 1] == 'z');
    // "…:SSZ": whole seconds, as docker 28 writes its own timestamps.
    l.utcSeconds = timestampLength == 20 && (b[19] == 'Z' || b[19] == 'z');
    for (int i = 0; i < 5; ++i) {
        l.fractionDigits[i] = fraction[i];
        l.toHundredths[i] = fraction[i] == 0 ? 100 : fraction[i] == 1 ? 10 : fraction[i] == 2 ? 1 : 0;
    }
    // Each figure's 8 bytes, and the bytes of its digits in them (laidOutPair); the windows after the figures are
    // empty (nothing kept).
    const auto topBytes = [](int n) { return n <= 0 ? quint64(0) : ~quint64(0) << (8 * (8 - n)); };
    for (int i = 0; i < 6; ++i) {
        const bool figure = i < figures;
        l.windowAt[i] = figure ? quint8(at[i] + count[i] + (fraction[i] > 0 ? 1 : 0) - 8) : 0;
        l.keptBytes[i] = figure ? topBytes(fraction[i] > 0 ? fraction[i] : count[i]) : 0;
        l.movedBytes[i] = figure && fraction[i] > 0 ? topBytes(count[i]) & ~topBytes(fraction[i]) : 0;
    }
    l.lastBlock = (length - 1) & ~qsizetype(15); // the block of the newline
    std::memcpy(l.bytes, b, size_t(line.size()));
    l.bytes[line.size()] = '\n';
    std::memset(l.bytes + length, 0, size_t(l.lastBlock + 16 - length));
    for (qsizetype block = 0; block <= l.lastBlock; block += 16) {
        const __m128i v = _mm_sub_epi8(load16(l.bytes + block), _mm_set1_epi8('0'));
        const __m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(9)), v);
        const auto select = [&digit](char atDigit) {
            return _mm_or_si128(_mm_and_si128(digit, _mm_set1_epi8(atDigit)),
                                _mm_andnot_si128(digit, _mm_set1_epi8(char(0xFF))));
        };
        _mm_store_si128(reinterpret_cast<__m128i*>(l.care + block), select(char(0xF0)));
        _mm_store_si128(reinterpret_cast<__m128i*>(l.highest + block), select('9'));
    }
    for (qsizetype i = 0; i < 16; ++i)
        l.lastCare[i] = l.lastBlock + i < length ? char(0xFF) : char(0);
    l.span = span;
    // What the exact reader reads starts at the first figure of a Memory line and at the "Keys: " before a cache
    // stats line's (records have no prefix path).
    l.prefixLength = record ? 0 : (firstFigure - b) - (cache ? qsizetype(sizeof "Keys: " - 1) : 0);
    l.prefixLastBlock = l.prefixLength > 0 ? (l.prefixLength - 1) & ~qsizetype(15) : 0;
    for (qsizetype i = 0; i < 16; ++i)
        l.prefixLastCare[i] = l.prefixLastBlock + i < l.prefixLength ? char(0xFF) : char(0);
    l.end = end - b;
    l.timestampLength = timestampLength;
    l.zoneOptional = !engineTime;
    l.length = length;
    l.served = 0;
    if (cache && !into) {
        const qsizetype kindAt = (firstFigure - b) - qsizetype(sizeof "Cache stats - Keys: " - 1);
        m_cacheKindAt = kindAt;
        for (int i = 0; i < set.count; ++i) {
            const LineLayout& other = set.layouts[i];
            if (other.bytes[kindAt] != 'C')
                m_cacheKindAt = -1; // learnt from lines of another timestamp
        }
    }
    return true;
}

Q_ALWAYS_INLINE const LogParser::LineLayout* LogParser::matchLayout(const LayoutSet& set, const char* p,
                                                                    const char* end, int& k, qint64& atMs, bool& stop)
{
    for (k = 0; k < set.count; ++k) {
        const LineLayout& l = set.layouts[set.order[k]];
        if (end - p < l.span) {
            stop = true; // the end of the chunk: the long way, which learns nothing from it
            return nullptr;
        }
        if (!hasLayoutBytes(p, l, l.lastBlock, l.lastCare))
            continue;
        if (!layoutTime(l, p, p + l.end, atMs)) {
            stop = true;
            return nullptr;
        }
        return &l;
    }
    return nullptr;
}

Q_ALWAYS_INLINE bool LogParser::layoutTime(const LineLayout& l, const char* p, const char* bound, qint64& atMs)
{
    int second;
    if ((l.utcMilliseconds || l.utcSeconds) && m_minuteSeconds >= 0 && equalBytes<16>(p, m_minutePrefix)) {
        // Within the minute of the line before, in UTC: readTimestamp() would check only the second and take the
        // calendar from the cache, and the milliseconds are the fraction's first three digits (none in whole
        // seconds). (The cache holds the minute of the last timestamp read with it, the engine's or the logger's:
        // the same seconds either way.)
        readDigits2(p + 17, second);
        if (second > 60)
            return false;
        atMs = (m_minuteSeconds + second) * 1000;
        if (l.utcMilliseconds)
            atMs += digit(p[20]) * 100 + digit(p[21]) * 10 + digit(p[22]);
        return true;
    }
    if (l.timestampLength == 0) {
        atMs = -1; // a layout without a timestamp has no digit before its figures (learnLayout)
        return true;
    }
    const MinuteCache cache {m_minutePrefix, &m_minuteSeconds};
    const Timestamp ts = readTimestamp(p, bound, l.zoneOptional, &cache);
    if (ts.length != l.timestampLength)
        return false;
    atMs = ts.ns / 1000000;
    return true;
}

LogParser::PointLayouts::Slot* LogParser::PointLayouts::find(quint64 points, quint16 morePoints, bool insert)
{
    const quint64 hash = (points ^ (quint64(morePoints) << 24)) * 0x9E3779B97F4A7C15ull;
    const int first = int(hash >> 56) & (kSlots - 1);
    Slot* empty = nullptr;
    for (int i = 0; i < kProbes; ++i) {
        Slot& s = keys[(first + i) & (kSlots - 1)];
        if (s.state == Empty) {
            if (!empty)
                empty = &s;
        } else if (s.points == points && s.morePoints == morePoints) {
            return &s;
        }
    }
    if (!insert)
        return nullptr;
    Slot& s = empty ? *empty : keys[first];
    s = Slot {points, morePoints, Seen, 0};
    return nullptr;
}

bool LogParser::PointLayouts::makeRoom()
{
    if (count < kLayouts)
        return true;
    std::fill(std::begin(keys), std::end(keys), Slot {});
    count = 0;
    return false;
}

// A Memory line read by the layout of its points' places (the latest Memory layout's prefix before them); 0 when
// it has none. insert: a key not seen before is noted (PointLayouts::find); learnInto: the key's slot, when the
// line's layout is to be learnt (the key's second line, or a line with other bytes than its layout's).
Q_ALWAYS_INLINE qsizetype LogParser::readPointLaidOut(const LineLayout& latest, const char* p, const char* end,
                                                      bool insert, PointLayouts::Slot** learnInto)
{
    quint16 morePoints;
    const quint64 points = pointPlaces(p + latest.prefixLength, morePoints);
    PointLayouts::Slot* const slot = m_pointLayouts->find(points, morePoints, insert);
    if (!slot)
        return 0;
    if (slot->state == PointLayouts::LaidOut) {
        const LineLayout& l = m_pointLayouts->layouts[slot->layout];
        if (end - p >= l.span && hasLayoutBytes(p, l, l.lastBlock, l.lastCare)) {
            qint64 atMs;
            if (!layoutTime(l, p, p + l.end, atMs))
                return 0;
            readLaidOutDigits(p, l);
            ++m_counters.lines;
            ++m_counters.recognised;
            ++m_laidOutLines;
            ++m_pointLaidOutLines;
            m_pointsFirst = true;
            appendDigitsRow(atMs, l.toHundredths);
            return l.length;
        }
    }
    if (learnInto)
        *learnInto = slot;
    return 0;
}

// The figures of a Memory line at p that has layout l, as the digits a layout reads.
Q_ALWAYS_INLINE void LogParser::readLaidOutDigits(const char* p, const LineLayout& l)
{
    quint64* const mantissa = m_lastDigits.mantissa;
    _mm_storeu_si128(reinterpret_cast<__m128i*>(mantissa), laidOutPair(p, l, 0));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(mantissa + 2), laidOutPair(p, l, 2));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(mantissa + 4), laidOutPair(p, l, 4));
    std::memcpy(m_lastDigits.fractionDigits, l.fractionDigits, sizeof l.fractionDigits);
}

// A Memory line that missed its point layout (slot: its key's, seen before) was read by layout l of the Memory set:
// l becomes the key's point layout, so that the key's lines are read with one lookup instead of a lookup and the
// comparisons with the set's layouts. When all are taken, the set's layouts go first again.
void LogParser::keepPointLayout(PointLayouts::Slot& slot, const LineLayout& l)
{
    PointLayouts& points = *m_pointLayouts;
    if (slot.state == PointLayouts::LaidOut) {
        points.layouts[slot.layout] = l;
    } else if (points.makeRoom()) {
        points.layouts[points.count] = l;
        points.take(slot);
    }
}

// A line that has the bytes of a layout but for its figures (the prefix, read the way matchLayout reads a whole
// line) makes every decision the long way makes before its exact reader the same way, since those look at the
// timestamps, the level and the marker alone; the exact reader then reads what follows as the long way does, to
// the same end of line. A Memory line first looks for its layout by the places of its points (PointLayouts).
Q_NEVER_INLINE qsizetype LogParser::readPrefixedLine(LayoutSet& set, LogKind kind, const char* p, const char* end,
                                                     std::vector<LogRecord>& out, const PointLookup& looked)
{
    if (set.count == 0)
        return 0;
    const LineLayout& l = set.layouts[set.order[0]];
    if (end - p < l.prefixLastBlock + 16 || l.prefixLength == 0)
        return 0;
    PointLayouts::Slot* learnInto = looked.slot;
    // The table is made once lines go this way more than now and then (a replay's segment of regular figures has one
    // or two read before their layout is learnt); its layouts' bytes are left as they are until learnt.
    if (kind == LogKind::Memory && !m_pointLayouts && m_prefixedLines >= 8)
        m_pointLayouts.reset(new PointLayouts);
    if (!looked.done && kind == LogKind::Memory && m_pointLayouts && end - p >= l.prefixLength + PointLayouts::kBytes) {
        if (const qsizetype n = readPointLaidOut(l, p, end, true, &learnInto))
            return n;
    }
    if (!hasLayoutBytes(p, l, l.prefixLastBlock, l.prefixLastCare))
        return 0;
    // The line's end, within the longest line a layout is learnt from (a longer one goes the long way).
    const char* const from = p + l.prefixLength;
    const char* const nl = static_cast<const char*>(
        std::memchr(from, '\n', size_t(std::min<qsizetype>(end - from, LineLayout::kMaxBytes - 1 - l.prefixLength))));
    if (!nl)
        return 0;
    const char* const e = nl[-1] == '\r' ? nl - 1 : nl; // nl > p: the prefix comes first
    qint64 atMs;
    if (!layoutTime(l, p, e, atMs))
        return 0;
    const bool engineTime = !l.zoneOptional;
    if (kind == LogKind::Memory) {
        // Without a timestamp, a line with something after its figures may have a time there (learnLayout).
        MemoryDigits d;
        const char* stop;
        if (!readMemoryExact(from, e, d, &stop) || (l.timestampLength == 0 && stop != e))
            return 0;
        std::memcpy(m_lastDigits.mantissa, d.mantissa, sizeof d.mantissa);
        std::memcpy(m_lastDigits.fractionDigits, d.fractionDigits, sizeof d.fractionDigits);
        appendDigitsRow(atMs);
    } else {
        CacheSample c;
        std::array<float, 4> row;
        if (l.timestampLength == 0 || !parseCacheExact(from, e, c, &row))
            return 0; // (parseCacheExact does not say where it stopped)
        c.atMs = atMs;
        appendCacheRow(c, row, out.size());
    }
    ++m_counters.lines;
    ++m_counters.recognised;
    ++m_prefixedLines;
    // As the long way would after reading the line: a layout learnt from it (l may be the one replaced), and one for
    // its points' places.
    const qsizetype length = nl - p;
    const char* const firstFigure = kind == LogKind::Memory ? from : from + (sizeof "Keys: " - 1);
    if (learnInto) {
        PointLayouts& points = *m_pointLayouts;
        PointLayouts::Slot& slot = *learnInto;
        if (slot.state == PointLayouts::LaidOut) {
            learnLayout(QByteArrayView(p, length), firstFigure, engineTime, kind, 0, -1, &points.layouts[slot.layout]);
        } else if (points.makeRoom()
                   && learnLayout(QByteArrayView(p, length), firstFigure, engineTime, kind, 0, -1,
                                  &points.layouts[points.count])) {
            points.take(slot);
        }
    }
    if (learnNow(set, length))
        learnLayout(QByteArrayView(p, length), firstFigure, engineTime, kind);
    return length + 1;
}

// A line read by the layout at place k of set: that layout goes first in the set's order, and the line is counted
// (in kindLines too: laidOutLines() and the like).
Q_ALWAYS_INLINE void LogParser::countLaidOut(LayoutSet& set, int k, quint64& kindLines)
{
    moveToFront(set.order, size_t(k));
    ++m_counters.lines;
    ++m_counters.recognised;
    ++set.layouts[set.order[0]].served;
    ++kindLines;
}

// A Memory line whose point layout did not read it (slot: its key's, when seen before), read by one of the Memory set's
// layouts, which becomes the key's point layout, or after the latest one's prefix; its bytes, or 0.
Q_NEVER_INLINE qsizetype LogParser::readPointMissed(const char* p, const char* end, std::vector<LogRecord>& out,
                                                    PointLayouts::Slot* slot)
{
    int k;
    qint64 atMs;
    bool stop = false;
    if (const LineLayout* const found = matchLayout(m_memoryLayouts, p, end, k, atMs, stop)) {
        if (slot)
            keepPointLayout(*slot, *found); // the key's next line is read by its point layout
        return readBySetLayout(*found, k, p, atMs);
    }
    if (stop)
        return 0;
    return readPrefixedLine(m_memoryLayouts, LogKind::Memory, p, end, out, PointLookup {true, slot});
}

// A Memory line read by the layout at place k of the Memory set.
Q_ALWAYS_INLINE qsizetype LogParser::readBySetLayout(const LineLayout& l, int k, const char* p, qint64 atMs)
{
    readLaidOutDigits(p, l);
    countLaidOut(m_memoryLayouts, k, m_laidOutLines);
    appendDigitsRow(atMs, l.toHundredths);
    return l.length;
}

// The bytes of the line at p when it has one of the layouts learnt and was read by it, else 0.
Q_ALWAYS_INLINE qsizetype LogParser::readLaidOutLine(const char* p, const char* end, LogStream stream,
                                                     std::vector<LogRecord>& out)
{
    if (m_pointsFirst) {
        // A point layout read a Memory line before: this one likely has one too (its key is noted when new). One
        // that has not is read by the set's layouts or after the prefix there (else it goes on below, and misses
        // them again, to the long way).
        const LineLayout& latest = m_memoryLayouts.layouts[m_memoryLayouts.order[0]];
        if (end - p >= latest.prefixLength + PointLayouts::kBytes
            && p[latest.prefixLength - qsizetype(sizeof "Memory: RSS=" - 1)] == 'M') {
            PointLayouts::Slot* slot = nullptr;
            if (const qsizetype n = readPointLaidOut(latest, p, end, true, &slot))
                return n;
            if (const qsizetype n = readPointMissed(p, end, out, slot))
                return n;
        }
    }
    int k;
    qint64 atMs;
    bool stop = false;
    if (const LineLayout* const found = matchLayout(m_memoryLayouts, p, end, k, atMs, stop)) {
        m_pointsFirst = false;
        return readBySetLayout(*found, k, p, atMs);
    }
    if (stop)
        return 0;
    // A Memory line of the latest layout's prefix has the 'M' of its marker where the layout has it (checked here:
    // most lines that miss the Memory layouts are other lines, and this turns them away in one comparison).
    const LineLayout& latest = m_memoryLayouts.layouts[m_memoryLayouts.order[0]];
    if (latest.prefixLength > 0 && end - p > latest.prefixLength
        && p[latest.prefixLength - qsizetype(sizeof "Memory: RSS=" - 1)] == 'M') {
        if (const qsizetype n = readPrefixedLine(m_memoryLayouts, LogKind::Memory, p, end, out, PointLookup {}))
            return n;
    }
    if (m_cacheKindAt >= 0 && (end - p <= m_cacheKindAt || p[m_cacheKindAt] != 'C')) {
        if (end - p <= m_cacheKindAt)
            return 0; // the end of the chunk, as below
    } else if (const LineLayout* const found = matchLayout(m_cacheLayouts, p, end, k, atMs, stop)) {
        const LineLayout& l = *found;
        // What parseCacheExact() reads: three counts and the hit rate.
        quint64 v[4];
        _mm_storeu_si128(reinterpret_cast<__m128i*>(v), laidOutPair(p, l, 0));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(v + 2), laidOutPair(p, l, 2));
        CacheSample c;
        std::array<float, 4> row;
        if (!cacheOfDigits(v[0], v[1], v[2], v[3], l.fractionDigits[3], c, &row))
            return 0; // the long way refuses it
        c.atMs = atMs;
        appendCacheRow(c, row, out.size());
        countLaidOut(m_cacheLayouts, k, m_laidOutCacheLines);
        return l.length;
    } else if (stop) {
        return 0;
    } else if (const qsizetype n = readPrefixedLine(m_cacheLayouts, LogKind::Cache, p, end, out, PointLookup {})) {
        return n;
    }
    if (m_recordLayouts.count > 0) {
        if (m_recordKeyAt < 0)
            return readLaidOutRecord(p, end, stream, out);
        if (end - p <= m_recordKeyAt)
            return 0; // the end of the chunk, as above
        // Whether one of the record layouts has the line's byte at their key's place: a byte of the word is 0.
        const quint32 v = m_recordKeys ^ (quint32(quint8(p[m_recordKeyAt])) * 0x01010101u);
        if (((v - 0x01010101u) & ~v & 0x80808080u) != 0)
            return readLaidOutRecord(p, end, stream, out);
    }
    m_layoutMissed = true;
    return 0;
}

// Its record made as the long way makes it (parseScanned, its text left to the applying thread), its counts read at
// the places learnt.
Q_NEVER_INLINE qsizetype LogParser::readLaidOutRecord(const char* p, const char* end, LogStream stream,
                                                      std::vector<LogRecord>& out)
{
    int k;
    qint64 atMs;
    bool stop = false;
    const LineLayout* const found = matchLayout(m_recordLayouts, p, end, k, atMs, stop);
    if (!found) {
        m_layoutMissed = !stop;
        return 0;
    }
    const LineLayout& l = *found;
    const int slot = m_recordLayouts.order[k];
    const LogKind kind = m_recordKind[slot];
    OverflowEvent overflow;
    if (kind == LogKind::Overflow) {
        overflow.atMs = atMs;
        quint64 counts[2];
        _mm_storeu_si128(reinterpret_cast<__m128i*>(counts), laidOutPair(p, l, 0));
        overflow.dropped = qint64(counts[0]);
        overflow.totalDropped = qint64(counts[1]);
        if (overflow.dropped > overflow.totalDropped)
            return 0; // not the app's wording: the long way reads it (parseOverflow)
    }
    const char* const message = p + m_recordMessageAt[slot];
    const char* const messageEnd = p + l.end;
    LogRecord& r = out.emplace_back(kBlankRecord);
    r.kind = kind;
    r.stream = stream;
    r.atMs = atMs;
    if (!l.zoneOptional) { // the engine's timestamp, whose nanoseconds the record keeps
        const MinuteCache cache {m_minutePrefix, &m_minuteSeconds};
        r.dockerTimeNs = readTimestamp(p, messageEnd, false, &cache).ns;
    }
    if (m_hashRecords) {
        r.lineHash = hashBytes(message, messageEnd - message);
        ++m_hashes;
    }
    if (kind == LogKind::Overflow)
        r.overflow = overflow;
    deferText(r, message, messageEnd, m_memoryRows->texts);
    m_memoryRows->rowsBefore.push_back(quint32(m_memoryRows->rows.size()));
    countLaidOut(m_recordLayouts, k, m_laidOutRecordLines);
    return l.length;
}
#endif

void LogParser::settleLastMemory()
{
    if (!m_lastDigits.pending || !m_memoryRows)
        return;
    MemorySample m;
    m.atMs = m_lastDigits.atMs;
    setMemoryValues(m, m_lastDigits.mantissa, m_lastDigits.fractionDigits);
    m_memoryRows->last = m;
    m_lastDigits.pending = false;
}

bool LogParser::skipsOtherLines()
{
#ifdef HEAPWATCH_OTHER_LINES
    return kOtherLinesSkipped;
#else
    return false;
#endif
}

void LogParser::feed(QByteArrayView chunk, LogStream stream, std::vector<LogRecord>& out, LineGate* gate)
{
    m_counters.bytes += quint64(chunk.size());
    const int s = stream == LogStream::Stderr ? 1 : 0;
    QByteArray& partial = m_partial[s];
    const char* p = chunk.data();
    const char* const end = p + chunk.size();
#ifdef HEAPWATCH_LINE_LAYOUTS
    const bool layouts = m_memoryRows && !gate;
#endif
    while (p < end) {
#ifdef HEAPWATCH_LINE_LAYOUTS
        m_layoutMissed = false;
        if (layouts && partial.isEmpty() && !m_skipping[s]) {
            // Line after line while a layout reads them or they are of no kind (which leaves the partial line and
            // skipping as they are).
            for (;;) {
                while (const qsizetype n = readLaidOutLine(p, end, stream, out))
                    p += n;
#    ifdef HEAPWATCH_OTHER_LINES
                if (!kOtherLinesSkipped)
                    break;
                quint64 skipped = 0;
                const qsizetype other = surelyOtherLines(p, end, kMaxLineBytes, skipped);
                if (other == 0)
                    break;
                p += other;
                m_counters.lines += skipped;
                m_skippedOtherLines += skipped;
                m_layoutMissed = false;
#    else
                break;
#    endif
            }
            if (p == end)
                break;
        }
#endif
        const char* nl = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
        const char* segEnd = nl ? nl : end;
        const qsizetype segLen = segEnd - p;
        if (m_skipping[s]) {
            // Inside an oversized line (counted when it went over): its bytes are dropped, not buffered.
            if (nl)
                m_skipping[s] = false;
        } else if (partial.size() + segLen > kMaxLineBytes) {
            ++m_counters.lines;
            ++m_counters.oversized;
            partial.clear(); // release the buffer: a huge line must not pin memory
            m_skipping[s] = !nl;
        } else if (partial.isEmpty()) {
            if (nl)
                consumeLine(QByteArrayView(p, segLen), stream, out, gate); // the common case: no copy
            else
                partial.append(p, segLen);
        } else {
            partial.append(p, segLen);
            if (nl) {
                consumeLine(partial, stream, out, gate);
                if (partial.capacity() > 64 * 1024)
                    partial.clear();
                else
                    partial.resize(0);
            }
        }
        p = nl ? nl + 1 : end;
    }
    settleLastMemory();
}

void LogParser::finish(std::vector<LogRecord>& out)
{
    for (int s = 0; s < 2; ++s) {
        if (!m_skipping[s] && !m_partial[s].isEmpty())
            consumeLine(m_partial[s], s == 0 ? LogStream::Stdout : LogStream::Stderr, out, nullptr);
    }
    dropPartialLines();
    settleLastMemory();
}

void LogParser::dropPartialLines()
{
    for (int s = 0; s < 2; ++s) {
        m_skipping[s] = false;
        m_partial[s].clear();
    }
}

} // namespace heapwatch
