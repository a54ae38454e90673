#include "GcTrace.h"

#include <QByteArrayView>
#include <cstdlib>
#include <cstring>

namespace heapwatch::gctrace {
namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}
bool isHex(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
const char* skipSpaces(const char* p, const char* e)
{
    while (p < e && *p == ' ')
        ++p;
    return p;
}
bool startsWith(const char* p, const char* e, const char* lit)
{
    const size_t n = std::strlen(lit);
    return size_t(e - p) >= n && std::memcmp(p, lit, n) == 0;
}
// Skips lit (after spaces); nullptr when it is not there.
const char* expect(const char* p, const char* e, const char* lit)
{
    p = skipSpaces(p, e);
    return startsWith(p, e, lit) ? p + std::strlen(lit) : nullptr;
}
// A plain decimal ("210.3", "0.00"), at most 12 bytes: V8 prints nothing else here.
const char* number(const char* p, const char* e, double& out)
{
    if (!p)
        return nullptr;
    p = skipSpaces(p, e);
    const char* b = p;
    while (p < e && p - b < 13 && (isDigit(*p) || *p == '.'))
        ++p;
    if (p == b || p - b > 12 || !isDigit(*b))
        return nullptr;
    char buf[16];
    std::memcpy(buf, b, size_t(p - b));
    buf[p - b] = '\0';
    char* endp = nullptr;
    out = std::strtod(buf, &endp);
    return endp == buf + (p - b) ? p : nullptr;
}
// After "ms: ": the name, up to the first number.
const char* afterHeader(const char* p, const char* e)
{
    if (p >= e || *p != '[')
        return nullptr;
    ++p;
    const char* d = p;
    while (p < e && isDigit(*p))
        ++p;
    if (p == d || !startsWith(p, e, ":0x"))
        return nullptr;
    p += 3;
    const char* h = p;
    while (p < e && isHex(*p))
        ++p;
    if (p == h || p >= e || *p != ']')
        return nullptr;
    p = skipSpaces(p + 1, e);
    const char* t = p;
    while (p < e && (isDigit(*p) || *p == '.'))
        ++p;
    if (p == t)
        return nullptr;
    return expect(p, e, "ms: ");
}

} // namespace

bool looksLikeTrace(const char* p, const char* e)
{
    return afterHeader(p, e) != nullptr;
}

bool parse(const char* p, const char* e, GcSample& out)
{
    const char* name = afterHeader(p, e);
    if (!name)
        return false;
    // The name ends where the first number begins: "Mark-Compact (reduce) 210.3 …".
    const char* q = name;
    while (q < e && !(isDigit(*q) && q[-1] == ' '))
        ++q;
    const QByteArrayView kind(name, q - name);
    if (kind.startsWith("Mark-")) // Mark-Compact, Mark-sweep, Mark-sweep-compact
        out.full = true;
    else if (kind.startsWith("Scavenge") || kind.startsWith("Minor"))
        out.full = false;
    else
        return false;
    double committed = 0;
    double external = 0;
    q = number(q, e, out.heapBeforeMiB);
    q = q ? expect(q, e, "(") : nullptr;
    q = number(q, e, committed);
    q = q ? expect(q, e, ")") : nullptr;
    q = q ? expect(q, e, "->") : nullptr;
    q = number(q, e, out.heapAfterMiB);
    q = q ? expect(q, e, "(") : nullptr;
    q = number(q, e, committed);
    q = q ? expect(q, e, ")") : nullptr;
    q = q ? expect(q, e, "MB,") : nullptr;
    if (q) {
        // Node 22: "pooled: 0.0 MB, ".
        if (const char* pooled = expect(q, e, "pooled:")) {
            q = number(pooled, e, committed);
            q = q ? expect(q, e, "MB,") : nullptr;
        }
    }
    q = number(q, e, out.pauseMs);
    q = q ? expect(q, e, "/") : nullptr;
    q = number(q, e, external);
    q = q ? expect(q, e, "ms") : nullptr;
    return q != nullptr;
}

} // namespace heapwatch::gctrace
