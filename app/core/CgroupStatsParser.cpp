#include "CgroupStatsParser.h"

#include "PlainText.h"

#include <QList>

namespace heapwatch {

namespace {

// Bounds for what a cgroup can say: beyond them the line is not believed.
constexpr quint64 kMaxBytes = quint64(1) << 52; // 4 PiB
constexpr quint64 kMaxCpuHundredths = 1024ull * 100 * 100; // 1024 cores busy
constexpr quint64 kMaxPids = 1ull << 22; // Linux's pid_max limit

// Digits only, at most 19 of them (fits in quint64), value ≤ max.
bool parseNumber(QByteArrayView digits, quint64 max, quint64* value)
{
    if (digits.isEmpty() || digits.size() > 19)
        return false;
    quint64 v = 0;
    for (const char c : digits) {
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + quint64(c - '0');
    }
    if (v > max)
        return false;
    *value = v;
    return true;
}

bool isWord(QByteArrayView w)
{
    if (w.isEmpty() || w.size() > 64)
        return false;
    for (const char c : w) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

} // namespace

void CgroupStatsParser::reset(const QString& containerId, const QString& name)
{
    m_id = containerId.left(12); // the ID column of `docker stats`: the short ID
    m_name = name;
    m_partial.clear();
    m_skipping = false;
    m_state = State::Starting;
    m_version = 0;
    m_builtinSleep = false;
    m_libpod = false;
    m_reason.clear();
    m_mem = m_limit = m_cpu = kUnknown;
    m_pids = -1;
}

void CgroupStatsParser::feed(QByteArrayView chunk, qint64 receivedAtMs, std::vector<StatsSample>& out)
{
    m_counters.bytes += quint64(chunk.size());
    while (!chunk.isEmpty()) {
        const qsizetype nl = chunk.indexOf('\n');
        const QByteArrayView piece = nl < 0 ? chunk : chunk.first(nl);
        if (!m_skipping) {
            if (m_partial.size() + piece.size() > kMaxLineBytes) {
                m_partial.clear();
                m_skipping = true;
                ++m_counters.oversized;
            } else {
                m_partial.append(piece.data(), piece.size());
            }
        }
        if (nl < 0)
            break;
        chunk = chunk.sliced(nl + 1);
        ++m_counters.lines;
        if (m_skipping) {
            m_skipping = false;
            continue;
        }
        const QByteArray line = std::exchange(m_partial, QByteArray());
        consumeLine(line, receivedAtMs, out);
    }
}

void CgroupStatsParser::consumeLine(QByteArrayView line, qint64 receivedAtMs, std::vector<StatsSample>& out)
{
    if (line.endsWith('\r'))
        line.chop(1);
    if (line.startsWith("hw1 ")) {
        if (consumeHeader(line))
            ++m_counters.recognised;
        else
            ++m_counters.malformed;
        return;
    }
    // Values before the header (or after "none"/"gone") are not from a loop that found the cgroup.
    if (m_state != State::Reading) {
        ++m_counters.malformed;
        return;
    }
    if (line == ".") {
        ++m_counters.recognised;
        emitSample(receivedAtMs, out);
        return;
    }
    if (!consumeValues(line)) {
        ++m_counters.malformed;
        return;
    }
    ++m_counters.recognised;
    emitSample(receivedAtMs, out);
}

bool CgroupStatsParser::consumeHeader(QByteArrayView line)
{
    const QList<QByteArrayView> words = [&] {
        QList<QByteArrayView> w;
        for (qsizetype at = 0; at <= line.size();) {
            qsizetype sp = line.indexOf(' ', at);
            if (sp < 0)
                sp = line.size();
            w << line.sliced(at, sp - at);
            at = sp + 1;
        }
        return w;
    }();
    if (m_state != State::Starting && !(m_state == State::Reading && words.size() == 2 && words[1] == "gone"))
        return false; // one header per run, then at most "gone"
    if ((words.size() == 3 || (words.size() == 4 && words[3] == "libpod")) && (words[1] == "v1" || words[1] == "v2")
        && (words[2] == "read" || words[2] == "sleep")) {
        m_state = State::Reading;
        m_version = words[1] == "v1" ? 1 : 2;
        m_builtinSleep = words[2] == "read";
        m_libpod = words.size() == 4;
        return true;
    }
    if (words.size() == 3 && words[1] == "none" && isWord(words[2])) {
        m_state = State::Unavailable;
        m_reason = plainText(QString::fromLatin1(words[2]), 64);
        return true;
    }
    if (words.size() == 2 && words[1] == "gone") {
        m_state = State::Gone;
        return true;
    }
    return false;
}

bool CgroupStatsParser::consumeValues(QByteArrayView line)
{
    // Checked whole before anything is applied.
    double mem = m_mem, limit = m_limit, cpu = m_cpu;
    qint64 pids = m_pids;
    if (line.isEmpty())
        return false;
    for (qsizetype at = 0; at <= line.size();) {
        qsizetype sp = line.indexOf(' ', at);
        if (sp < 0)
            sp = line.size();
        const QByteArrayView token = line.sliced(at, sp - at);
        at = sp + 1;
        if (token.size() < 2)
            return false;
        quint64 v = 0;
        const QByteArrayView digits = token.sliced(1);
        switch (token[0]) {
        case 'm':
            if (!parseNumber(digits, kMaxBytes, &v))
                return false;
            mem = double(v);
            break;
        case 'l':
            if (!parseNumber(digits, kMaxBytes, &v) || v == 0)
                return false;
            limit = double(v);
            break;
        case 'c':
            if (!parseNumber(digits, kMaxCpuHundredths, &v))
                return false;
            cpu = double(v) / 100.0;
            break;
        case 'p':
            if (!parseNumber(digits, kMaxPids, &v))
                return false;
            pids = qint64(v);
            break;
        default:
            return false;
        }
    }
    m_mem = mem;
    m_limit = limit;
    m_cpu = cpu;
    m_pids = pids;
    return true;
}

void CgroupStatsParser::emitSample(qint64 receivedAtMs, std::vector<StatsSample>& out)
{
    if (!isKnown(m_mem))
        return; // the first line of a run carries the memory; a keepalive before it has nothing to say
    StatsSample s;
    s.atMs = receivedAtMs;
    s.containerId = m_id;
    s.name = m_name;
    s.cpuPercent = m_cpu;
    s.memUsageBytes = m_mem;
    s.memLimitBytes = m_limit;
    if (isKnown(m_limit) && m_limit > 0)
        s.memPercent = m_mem / m_limit * 100.0;
    s.pids = m_pids;
    out.push_back(std::move(s));
}

} // namespace heapwatch
