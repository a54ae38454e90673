#include "DockerStatsParser.h"

#include "PlainText.h"
#include "SafeMath.h"
#include "Units.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <algorithm>
#include <cmath>
#include <cstring>

// Frames. Docker ≤ 27.3 starts each frame with ESC[2J ESC[H. Docker ≥ 27.4 writes ESC[H, the lines (ending in
// ESC[K), then ESC[J, and prints the whole frame twice, each copy after its own ESC[H and header
// (docker/cli#5586, #6876). So once a stream erases (ESC[J or ESC[2J), only the erases delimit frames: an
// ESC[H or a header inside a frame is the duplicate copy and its lines are dropped by container ID. A stream
// that homes the cursor but never erases (none known, but cheap to handle) is framed by ESC[H once it has
// shown three of them. Output without cursor escapes (`--no-stream`, podman without a TTY, templates) has no
// duplicates: every line is a sample, and a header or a JSON array starts a new frame.

namespace heapwatch {

namespace {

constexpr qsizetype kMaxLineBytes = 256 * 1024; // a stats line is ~150 bytes; anything this long is garbage
constexpr qsizetype kMaxJsonBytes = 1024 * 1024;
constexpr size_t kMaxFrameIds = 4096;

// Length of the ESC sequence at text[i] (text[i] == ESC); CSI final byte and parameters are reported.
qsizetype escapeLength(QByteArrayView text, qsizetype i, char* csiFinal, QByteArrayView* params)
{
    const qsizetype n = text.size();
    *csiFinal = 0;
    if (i + 1 >= n)
        return n - i;
    const char kind = text[i + 1];
    if (kind == '[') {
        qsizetype j = i + 2;
        while (j < n && static_cast<unsigned char>(text[j]) >= 0x20 && static_cast<unsigned char>(text[j]) <= 0x3f)
            ++j;
        if (j >= n)
            return n - i; // unterminated: drop the rest
        *csiFinal = text[j];
        *params = text.sliced(i + 2, j - (i + 2));
        return j + 1 - i;
    }
    if (kind == ']') { // OSC (window titles): up to BEL or ESC backslash
        for (qsizetype j = i + 2; j < n; ++j) {
            if (text[j] == '\a')
                return j + 1 - i;
            if (text[j] == '\x1b' && j + 1 < n && text[j + 1] == '\\')
                return j + 2 - i;
        }
        return n - i;
    }
    return 2;
}

bool isPlaceholder(QByteArrayView v)
{
    v = trimmedBytes(v);
    return v.isEmpty() || v == "--" || v == "-- / --" || v == "N/A";
}

// "6.875MiB / 860MiB" → both halves in bytes; "--" halves are NaN. False when a half is garbage.
bool parsePair(QByteArrayView v, double& first, double& second)
{
    first = second = kUnknown;
    v = trimmedBytes(v);
    if (v.isEmpty() || v == "--")
        return true;
    const qsizetype slash = v.indexOf('/');
    if (slash < 0)
        return false;
    const QByteArrayView a = trimmedBytes(v.first(slash));
    const QByteArrayView b = trimmedBytes(v.sliced(slash + 1));
    first = units::parseSize(a, units::MbMeaning::Decimal);
    second = units::parseSize(b, units::MbMeaning::Decimal);
    // "1e300TB" parses, but it is no machine's memory: a size beyond 8 EiB makes the pair garbage.
    for (double* half : {&first, &second}) {
        if (isKnown(*half) && !safe::isPlausibleSize(*half))
            *half = kUnknown;
    }
    return (isKnown(first) || a == "--") && (isKnown(second) || b == "--");
}

bool isValidId(QByteArrayView id)
{
    if (id.isEmpty() || id.size() > 128)
        return false;
    for (char c : id) {
        const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
            || c == '.' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

// The text fields of one container line, whatever format it came in.
struct Fields
{
    QByteArrayView id, name, cpu, mem, memPercent, net, block, pids;
};

// Fills a sample; false when the line is not a stats line (bad ID, CPU or memory).
bool toSample(const Fields& f, qint64 atMs, StatsSample& s)
{
    const QByteArrayView id = trimmedBytes(f.id);
    if (!isValidId(id) || (f.cpu.isEmpty() && f.mem.isEmpty()))
        return false; // e.g. a `docker ps` JSON line: it has an ID but no stats
    s.atMs = atMs;
    s.containerId = QString::fromLatin1(id);
    s.name = QString::fromUtf8(trimmedBytes(f.name));
    s.cpuPercent = units::parsePercent(f.cpu);
    if (isKnown(s.cpuPercent) && s.cpuPercent > safe::kMaxPlausiblePercent)
        return false; // more than a million percent: no machine has that many cores
    if (!isKnown(s.cpuPercent) && !isPlaceholder(f.cpu))
        return false;
    if (!parsePair(f.mem, s.memUsageBytes, s.memLimitBytes))
        return false;
    s.memPercent = units::parsePercent(f.memPercent);
    if (s.memPercent > safe::kMaxPlausiblePercent)
        s.memPercent = kUnknown; // informative, like the I/O columns
    // Network and block I/O are informative: a value we cannot read stays unknown rather than losing the line.
    if (!parsePair(f.net, s.netRxBytes, s.netTxBytes))
        s.netRxBytes = s.netTxBytes = kUnknown;
    if (!parsePair(f.block, s.blockReadBytes, s.blockWriteBytes))
        s.blockReadBytes = s.blockWriteBytes = kUnknown;
    const double pids = units::parseNumber(f.pids);
    // Range first: converting an out-of-range double to an integer is undefined (the fuzzer found 2e26).
    s.pids = isKnown(pids) && pids >= 0 && pids < 1e12 && pids == std::floor(pids) ? qint64(pids) : -1;
    return true;
}

// docker's `{{json .}}` keys (CPUPerc, MemUsage, …) and podman's `--format json` keys (cpu_percent, mem_usage,
// …) compared without case and underscores.
bool jsonToSample(const QJsonObject& o, qint64 atMs, StatsSample& s)
{
    enum Slot
    {
        Id,
        Container,
        Name,
        Cpu,
        Mem,
        MemPercent,
        Net,
        Block,
        Pids,
        SlotCount
    };
    QByteArray values[SlotCount];
    for (auto it = o.begin(); it != o.end(); ++it) {
        QByteArray key = it.key().toLatin1().toLower();
        key.replace('_', QByteArray());
        Slot slot;
        if (key == "id")
            slot = Id;
        else if (key == "container")
            slot = Container;
        else if (key == "name")
            slot = Name;
        else if (key == "cpuperc" || key == "cpupercent")
            slot = Cpu;
        else if (key == "memusage")
            slot = Mem;
        else if (key == "memperc" || key == "mempercent")
            slot = MemPercent;
        else if (key == "netio")
            slot = Net;
        else if (key == "blockio")
            slot = Block;
        else if (key == "pids")
            slot = Pids;
        else
            continue;
        if (it.value().isString())
            values[slot] = it.value().toString().toUtf8();
        else if (it.value().isDouble())
            values[slot] = QByteArray::number(it.value().toDouble(), 'g', 17);
    }
    Fields f;
    f.id = values[Id].isEmpty() ? values[Container] : values[Id]; // match by ID; Container is a fallback
    f.name = values[Name];
    f.cpu = values[Cpu];
    f.mem = values[Mem];
    f.memPercent = values[MemPercent];
    f.net = values[Net];
    f.block = values[Block];
    f.pids = values[Pids];
    return toSample(f, atMs, s);
}

// Splits a table line on runs of two or more spaces (values such as "6.875MiB / 860MiB" hold single ones).
template<typename Fn> void splitColumns(QByteArrayView text, Fn&& fn)
{
    qsizetype i = 0;
    const qsizetype n = text.size();
    while (i < n) {
        while (i < n && text[i] == ' ')
            ++i;
        if (i >= n)
            break;
        const qsizetype start = i;
        while (i < n && !(text[i] == ' ' && (i + 1 >= n || text[i + 1] == ' ')))
            ++i;
        fn(text.sliced(start, i - start), start);
    }
}

// "[" alone or "[{…": the first line of a JSON array of objects (a log line such as "[warn] …" is not).
bool isJsonArrayStart(QByteArrayView text)
{
    if (!text.startsWith('['))
        return false;
    const QByteArrayView rest = trimmedBytes(text.sliced(1));
    return rest.isEmpty() || rest.startsWith('{') || rest.startsWith(']');
}

// A line of pretty-printed JSON starts with a bracket, a brace or a key.
bool looksLikeJsonLine(QByteArrayView text)
{
    if (text.isEmpty())
        return true;
    const char c = text.front();
    return c == '{' || c == '}' || c == '[' || c == ']' || c == '"' || c == ',';
}

} // namespace

void DockerStatsParser::JsonDepth::scan(QByteArrayView text)
{
    for (const char c : text) {
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            ++depth;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
}

QByteArray stripEscapes(QByteArrayView text)
{
    // Copied a run at a time into room for all of it, through plain pointers.
    const char* const s = text.data();
    const qsizetype n = text.size();
    QByteArray out(n, Qt::Uninitialized);
    char* const d = out.data();
    qsizetype w = 0;
    qsizetype i = 0;
    while (i < n) {
        const void* found = std::memchr(s + i, '\x1b', size_t(n - i));
        const qsizetype esc = found ? static_cast<const char*>(found) - s : n;
        std::memcpy(d + w, s + i, size_t(esc - i));
        w += esc - i;
        if (!found)
            break;
        char final;
        QByteArrayView params;
        i = esc + escapeLength(text, esc, &final, &params);
    }
    out.truncate(w);
    return out;
}

void DockerStatsParser::feed(QByteArrayView chunk, qint64 receivedAtMs, std::vector<StatsSample>& out)
{
    m_counters.bytes += quint64(chunk.size());
    qsizetype i = 0;
    while (i < chunk.size()) {
        const qsizetype nl = chunk.indexOf('\n', i);
        const qsizetype segEnd = nl < 0 ? chunk.size() : nl;
        const QByteArrayView seg = chunk.sliced(i, segEnd - i);
        if (m_skipping) {
            if (nl >= 0) {
                m_skipping = false;
                ++m_counters.lines;
            }
        } else if (m_partial.size() + seg.size() > kMaxLineBytes) {
            ++m_counters.oversized;
            m_partial.clear();
            if (nl >= 0)
                ++m_counters.lines;
            else
                m_skipping = true;
        } else if (nl < 0) {
            m_partial.append(seg);
        } else if (m_partial.isEmpty()) {
            consumeLine(seg, receivedAtMs, out);
        } else {
            m_partial.append(seg);
            consumeLine(m_partial, receivedAtMs, out);
            m_partial.resize(0);
        }
        i = nl < 0 ? chunk.size() : nl + 1;
    }
}

void DockerStatsParser::finish(qint64 receivedAtMs, std::vector<StatsSample>& out)
{
    if (m_skipping) {
        m_skipping = false;
        ++m_counters.lines;
    } else if (!m_partial.isEmpty()) {
        consumeLine(m_partial, receivedAtMs, out);
    }
    m_partial.clear();
    if (m_collectingJson && !m_jsonDropped)
        ++m_counters.malformed; // the array never closed
    endJson();
}

void DockerStatsParser::consumeLine(QByteArrayView line, qint64 receivedAtMs, std::vector<StatsSample>& out)
{
    ++m_counters.lines;
    // Split the line at the escapes that move the cursor or erase: text before a frame boundary belongs to the
    // old frame, text after it to the new one. Other escapes (ESC[K, colours) are simply removed.
    QByteArray text;
    qsizetype i = 0;
    while (i < line.size()) {
        const qsizetype esc = line.indexOf('\x1b', i);
        if (esc < 0) {
            text.append(line.sliced(i));
            break;
        }
        text.append(line.sliced(i, esc - i));
        char final;
        QByteArrayView params;
        i = esc + escapeLength(line, esc, &final, &params);
        if (final == 'J' || final == 'H' || final == 'f') {
            consumeText(text, receivedAtMs, out);
            text.resize(0);
            frameEscape(final, params);
        }
    }
    consumeText(text, receivedAtMs, out);
}

void DockerStatsParser::frameEscape(char final, QByteArrayView params)
{
    if (final == 'J') {
        if (params == "1")
            return; // erase above the cursor: not a new screen
        m_escapeFramed = true;
        m_sawErase = true;
        newFrame();
        return;
    }
    m_escapeFramed = true; // cursor home
    if (!m_sawErase && ++m_homesWithoutErase >= 3)
        newFrame();
}

void DockerStatsParser::emitSample(StatsSample&& sample, std::vector<StatsSample>& out)
{
    const bool seen = std::find(m_frameIds.begin(), m_frameIds.end(), sample.containerId) != m_frameIds.end();
    if (seen) {
        if (m_escapeFramed)
            return; // the duplicate copy of a docker ≥ 27.4 frame
        newFrame(); // plain output: a container seen again is the next snapshot
    }
    if (m_frameIds.size() >= kMaxFrameIds)
        newFrame();
    m_frameIds.push_back(sample.containerId);
    ++m_counters.recognised;
    out.push_back(std::move(sample));
}

void DockerStatsParser::consumeText(QByteArrayView raw, qint64 receivedAtMs, std::vector<StatsSample>& out)
{
    const QByteArrayView text = trimmedBytes(raw);

    if (m_collectingJson) {
        if (looksLikeJsonLine(text)) {
            m_jsonDepth.scan(text);
            if (!m_jsonDropped) {
                m_json.append(text);
                m_json.append('\n');
            }
            if (m_jsonDepth.depth <= 0) {
                if (m_jsonDropped)
                    endJson();
                else
                    consumeJsonArray(receivedAtMs, out);
            } else if (!m_jsonDropped && m_json.size() > kMaxJsonBytes) {
                ++m_counters.malformed;
                m_jsonDropped = true;
                m_json.clear();
            }
            return;
        }
        // Not JSON: the array was cut off (or the '[' line was not one). Count it and read this line afresh.
        if (!m_jsonDropped)
            ++m_counters.malformed;
        endJson();
    }
    if (text.isEmpty())
        return; // the blank " ESC[K" lines that pad a frame

    if (isJsonArrayStart(text)) {
        // podman's `--format json`: one array per snapshot, usually over several lines.
        if (!m_escapeFramed)
            newFrame();
        endJson();
        m_json = text.toByteArray();
        m_json.append('\n');
        m_collectingJson = true;
        m_jsonDepth = JsonDepth();
        m_jsonDepth.scan(text);
        if (m_jsonDepth.depth <= 0)
            consumeJsonArray(receivedAtMs, out);
        return;
    }

    StatsSample sample;
    if (text.startsWith('{')) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(text.toByteArray(), &error);
        if (error.error == QJsonParseError::NoError && doc.isObject()
            && jsonToSample(doc.object(), receivedAtMs, sample))
            emitSample(std::move(sample), out);
        else
            ++m_counters.malformed;
        return;
    }

    if (text.contains('\t')) {
        // Our explicit template: ID, CPU %, MEM USAGE / LIMIT, MEM %, NET I/O, BLOCK I/O, PIDS.
        QByteArrayView parts[7];
        int count = 0;
        qsizetype start = 0;
        for (qsizetype i = 0; i <= text.size() && count < 8; ++i) {
            if (i == text.size() || text[i] == '\t') {
                if (count < 7)
                    parts[count] = text.sliced(start, i - start);
                ++count;
                start = i + 1;
            }
        }
        Fields f;
        f.id = parts[0];
        f.cpu = parts[1];
        f.mem = parts[2];
        f.memPercent = parts[3];
        f.net = parts[4];
        f.block = parts[5];
        f.pids = parts[6];
        if (count == 7 && toSample(f, receivedAtMs, sample))
            emitSample(std::move(sample), out);
        else
            ++m_counters.malformed;
        return;
    }

    if (parseHeader(text)) {
        if (!m_escapeFramed)
            newFrame();
        return;
    }

    if (m_columns.empty()) {
        ++m_counters.malformed;
        return;
    }

    // A table row. Columns are split on runs of two or more spaces; if that does not give the header's column
    // count (an empty cell), the header's column positions decide.
    QByteArrayView cells[32];
    qsizetype count = 0;
    splitColumns(text, [&](QByteArrayView cell, qsizetype) {
        if (count < 32)
            cells[count] = cell;
        ++count;
    });
    if (count != qsizetype(m_columns.size())) {
        count = qsizetype(m_columns.size());
        for (qsizetype c = 0; c < count; ++c) {
            const qsizetype from = std::min(m_columns[size_t(c)].start, text.size());
            const qsizetype to = c + 1 < count ? std::min(m_columns[size_t(c + 1)].start, text.size()) : text.size();
            cells[c] = trimmedBytes(text.sliced(from, std::max<qsizetype>(0, to - from)));
        }
    }
    Fields f;
    for (qsizetype c = 0; c < count && c < 32; ++c) {
        switch (m_columns[size_t(c)].field) {
        case Field::Id:
            f.id = cells[c];
            break;
        case Field::Name:
            f.name = cells[c];
            break;
        case Field::Cpu:
            f.cpu = cells[c];
            break;
        case Field::MemUsage:
            f.mem = cells[c];
            break;
        case Field::MemPercent:
            f.memPercent = cells[c];
            break;
        case Field::NetIO:
            f.net = cells[c];
            break;
        case Field::BlockIO:
            f.block = cells[c];
            break;
        case Field::Pids:
            f.pids = cells[c];
            break;
        case Field::Ignored:
            break;
        }
    }
    if (toSample(f, receivedAtMs, sample))
        emitSample(std::move(sample), out);
    else
        ++m_counters.malformed;
}

void DockerStatsParser::endJson()
{
    m_collectingJson = false;
    m_jsonDropped = false;
    m_json.clear();
}

void DockerStatsParser::consumeJsonArray(qint64 receivedAtMs, std::vector<StatsSample>& out)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(m_json, &error);
    endJson();
    if (error.error != QJsonParseError::NoError || !doc.isArray()) {
        ++m_counters.malformed;
        return;
    }
    const QJsonArray array = doc.array();
    for (const QJsonValue& v : array) {
        StatsSample sample;
        if (v.isObject() && jsonToSample(v.toObject(), receivedAtMs, sample))
            emitSample(std::move(sample), out);
        else
            ++m_counters.malformed;
    }
}

bool DockerStatsParser::parseHeader(QByteArrayView text)
{
    if (!(text.startsWith("CONTAINER") || text.startsWith("ID ")))
        return false;
    std::vector<Column> columns;
    bool hasStats = false;
    splitColumns(text, [&](QByteArrayView name, qsizetype start) {
        Column c;
        c.start = start;
        if (name == "CONTAINER ID" || name == "CONTAINER" || name == "ID")
            c.field = Field::Id;
        else if (name == "NAME")
            c.field = Field::Name;
        else if (name == "CPU %")
            c.field = Field::Cpu;
        else if (name == "MEM USAGE / LIMIT")
            c.field = Field::MemUsage;
        else if (name == "MEM %")
            c.field = Field::MemPercent;
        else if (name == "NET I/O" || name == "NET IO")
            c.field = Field::NetIO;
        else if (name == "BLOCK I/O" || name == "BLOCK IO")
            c.field = Field::BlockIO;
        else if (name == "PIDS")
            c.field = Field::Pids;
        hasStats = hasStats || c.field == Field::Cpu || c.field == Field::MemUsage;
        if (columns.size() < 32)
            columns.push_back(c);
    });
    if (!hasStats || columns.empty() || columns.front().field != Field::Id)
        return false;
    m_columns = std::move(columns);
    return true;
}

} // namespace heapwatch
