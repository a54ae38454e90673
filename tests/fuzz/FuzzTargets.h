// What each fuzz target does with one input. Shared by the libFuzzer executables and by the unit test
// that replays every input kept in tests/fuzz/regressions, so a crash found once stays fixed.
//
// Besides crashes and sanitizer reports the targets check properties, and abort when one fails so that
// libFuzzer keeps the input like a crash:
// - a stream cut into chunks anywhere gives exactly the records (and counters) of the stream fed whole;
// - every number a parser hands on is unknown (NaN) or finite and not negative;
// - parse → state → the `check --json` object holds no NaN, no infinity and no negative size.
#pragma once

#include "Assessment.h"
#include "CgroupStatsParser.h"
#include "DockerStatsParser.h"
#include "EngineLogFile.h"
#include "InspectParser.h"
#include "LogParser.h"
#include "StateReport.h"
#include "TargetState.h"
#include "Thresholds.h"
#include "Units.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

namespace heapwatch::fuzz {

// A property failed: say which, and abort (libFuzzer saves the input; a unit test replaying it fails).
[[noreturn]] inline void violated(const char* property, const QString& detail = QString())
{
    std::fprintf(stderr, "heapwatch fuzz property violated: %s %s\n", property, qPrintable(detail));
    std::abort();
}

// The first byte picks where the input is cut into chunks, so that partial lines, split CRLFs and split
// escape sequences are exercised too.
inline size_t cutPoint(const uint8_t* data, size_t size)
{
    return size ? size_t(data[0]) % (size + 1) : 0;
}

// Up to four cut positions derived from the data (FNV-1a of it), sorted: the same input always splits the
// same way, and a mutation of any byte moves the cuts.
inline std::vector<size_t> cutsFor(const uint8_t* data, size_t size)
{
    quint64 h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < size; ++i)
        h = (h ^ data[i]) * 0x100000001b3ULL;
    std::vector<size_t> cuts {cutPoint(data, size)};
    for (int i = 0; i < 3 && size > 0; ++i, h = h * 6364136223846793005ULL + 1442695040888963407ULL)
        cuts.push_back(size_t(h >> 33) % (size + 1));
    std::sort(cuts.begin(), cuts.end());
    return cuts;
}

inline bool sameNumber(double a, double b)
{
    return a == b || (std::isnan(a) && std::isnan(b));
}

inline bool sameCounters(const ParseCounters& a, const ParseCounters& b)
{
    return a.lines == b.lines && a.recognised == b.recognised && a.malformed == b.malformed
        && a.oversized == b.oversized && a.skipped == b.skipped && a.bytes == b.bytes;
}

inline bool sameRecord(const LogRecord& a, const LogRecord& b)
{
    return a.kind == b.kind && a.stream == b.stream && a.atMs == b.atMs && a.dockerTimeNs == b.dockerTimeNs
        && a.lineHash == b.lineHash && a.text == b.text && a.memory.atMs == b.memory.atMs
        && sameNumber(a.memory.rssMiB, b.memory.rssMiB) && sameNumber(a.memory.heapUsedMiB, b.memory.heapUsedMiB)
        && sameNumber(a.memory.heapTotalMiB, b.memory.heapTotalMiB)
        && sameNumber(a.memory.externalMiB, b.memory.externalMiB)
        && sameNumber(a.memory.arrayBuffersMiB, b.memory.arrayBuffersMiB) && a.cache.atMs == b.cache.atMs
        && a.cache.keys == b.cache.keys && a.cache.hits == b.cache.hits && a.cache.misses == b.cache.misses
        && sameNumber(a.cache.hitRatePercent, b.cache.hitRatePercent) && a.overflow.atMs == b.overflow.atMs
        && a.overflow.dropped == b.overflow.dropped && a.overflow.totalDropped == b.overflow.totalDropped;
}

inline bool sameSample(const StatsSample& a, const StatsSample& b)
{
    return a.atMs == b.atMs && a.containerId == b.containerId && a.name == b.name
        && sameNumber(a.cpuPercent, b.cpuPercent) && sameNumber(a.memUsageBytes, b.memUsageBytes)
        && sameNumber(a.memLimitBytes, b.memLimitBytes) && sameNumber(a.memPercent, b.memPercent)
        && sameNumber(a.netRxBytes, b.netRxBytes) && sameNumber(a.netTxBytes, b.netTxBytes)
        && sameNumber(a.blockReadBytes, b.blockReadBytes) && sameNumber(a.blockWriteBytes, b.blockWriteBytes)
        && a.pids == b.pids;
}

// A size, percentage or count a parser hands on: unknown (NaN) or finite and not negative.
inline bool saneNumber(double v)
{
    return std::isnan(v) || (std::isfinite(v) && v >= 0);
}

inline bool saneRecord(const LogRecord& r)
{
    const MemorySample& m = r.memory;
    const CacheSample& c = r.cache;
    const OverflowEvent& o = r.overflow;
    return saneNumber(m.rssMiB) && saneNumber(m.heapUsedMiB) && saneNumber(m.heapTotalMiB) && saneNumber(m.externalMiB)
        && saneNumber(m.arrayBuffersMiB) && c.keys >= -1 && c.hits >= -1 && c.misses >= -1
        && saneNumber(c.hitRatePercent) && !(c.hitRatePercent > 100) && o.dropped >= -1
        && (o.totalDropped == -1 || (o.dropped >= 0 && o.totalDropped >= o.dropped)) // -1: not given
        && r.atMs >= -1 && r.dockerTimeNs >= -1;
}

inline bool saneSample(const StatsSample& s)
{
    return saneNumber(s.cpuPercent) && saneNumber(s.memUsageBytes) && saneNumber(s.memLimitBytes)
        && saneNumber(s.memPercent) && saneNumber(s.netRxBytes) && saneNumber(s.netTxBytes)
        && saneNumber(s.blockReadBytes) && saneNumber(s.blockWriteBytes) && s.pids >= -1;
}

struct LogFeed
{
    std::vector<LogRecord> records;
    ParseCounters counters;
};

// The bytes fed in chunks ending at each cut (sorted positions), then the rest, then finish().
inline LogFeed feedLog(QByteArrayView bytes, const std::vector<size_t>& cuts = {})
{
    LogFeed f;
    LogParser parser;
    size_t from = 0;
    for (size_t cut : cuts) {
        parser.feed(bytes.sliced(qsizetype(from), qsizetype(cut - from)), LogStream::Stdout, f.records);
        from = cut;
    }
    parser.feed(bytes.sliced(qsizetype(from)), LogStream::Stdout, f.records);
    parser.finish(f.records);
    f.counters = parser.counters();
    return f;
}

// A replay's parsing: Memory lines become rows (LogParser::setMemoryRows). With a gate that admits every line, each
// line is read the long way; without one, most are read by a layout learnt from an earlier line.
class AdmitEveryLine : public LineGate
{
public:
    bool admit(const LogLine&) override { return true; }
};

struct RowsFeed
{
    MemoryRows rows;
    LogFeed log;
};

inline RowsFeed feedRows(QByteArrayView bytes, const std::vector<size_t>& cuts, bool longWay)
{
    RowsFeed f;
    LogParser parser(LogParser::Timestamps::Detect, LogParser::Hashing::Gated);
    parser.setMemoryRows(&f.rows);
    AdmitEveryLine gate;
    size_t from = 0;
    for (size_t cut : cuts) {
        parser.feed(bytes.sliced(qsizetype(from), qsizetype(cut - from)), LogStream::Stdout, f.log.records,
                    longWay ? &gate : nullptr);
        from = cut;
    }
    parser.feed(bytes.sliced(qsizetype(from)), LogStream::Stdout, f.log.records, longWay ? &gate : nullptr);
    parser.finish(f.log.records);
    f.log.counters = parser.counters();
    return f;
}

// Empty when both readings gave the same rows, records and counters, else what differs first.
inline QString rowsDifference(const RowsFeed& longWay, const RowsFeed& laidOut)
{
    if (!sameCounters(longWay.log.counters, laidOut.log.counters))
        return QStringLiteral("counters");
    if (longWay.rows.rows.size() != laidOut.rows.rows.size())
        return QStringLiteral("%1 rows the long way, %2 by layouts")
            .arg(longWay.rows.rows.size())
            .arg(laidOut.rows.rows.size());
    for (size_t i = 0; i < longWay.rows.rows.size(); ++i) {
        const MemoryRows::Row& a = longWay.rows.rows[i];
        const MemoryRows::Row& b = laidOut.rows.rows[i];
        if (a.atMs != b.atMs || std::memcmp(a.v.data(), b.v.data(), sizeof a.v) != 0)
            return QStringLiteral("row %1").arg(i);
    }
    if (longWay.rows.cacheRows.size() != laidOut.rows.cacheRows.size())
        return QStringLiteral("cache rows");
    for (size_t i = 0; i < longWay.rows.cacheRows.size(); ++i) {
        const MemoryRows::CacheRow& a = longWay.rows.cacheRows[i];
        const MemoryRows::CacheRow& b = laidOut.rows.cacheRows[i];
        if (a.atMs != b.atMs || a.logsBefore != b.logsBefore || a.rowsBefore != b.rowsBefore
            || std::memcmp(a.v.data(), b.v.data(), sizeof a.v) != 0)
            return QStringLiteral("cache row %1").arg(i);
    }
    if (longWay.rows.rowsBefore != laidOut.rows.rowsBefore || longWay.rows.lastMs != laidOut.rows.lastMs
        || longWay.rows.last.has_value() != laidOut.rows.last.has_value()
        || (longWay.rows.last && longWay.rows.last->atMs != laidOut.rows.last->atMs))
        return QStringLiteral("rows' placing or last sample");
    if (longWay.log.records.size() != laidOut.log.records.size())
        return QStringLiteral("records");
    for (size_t i = 0; i < longWay.log.records.size(); ++i) {
        LogRecord a = longWay.log.records[i];
        LogRecord b = laidOut.log.records[i];
        a.lineHash = b.lineHash; // only a gate's lines are hashed
        // A replay's records keep their raw messages; their texts are made as the state makes them.
        a.text = LogParser::recordText(a, longWay.rows);
        b.text = LogParser::recordText(b, laidOut.rows);
        if (!sameRecord(a, b))
            return QStringLiteral("record %1").arg(i);
    }
    return {};
}

struct StatsFeed
{
    std::vector<StatsSample> samples;
    ParseCounters counters;
};

inline StatsFeed feedStats(QByteArrayView bytes, const std::vector<size_t>& cuts = {})
{
    StatsFeed f;
    DockerStatsParser parser;
    size_t from = 0;
    for (size_t cut : cuts) {
        parser.feed(bytes.sliced(qsizetype(from), qsizetype(cut - from)), 1000, f.samples);
        from = cut;
    }
    parser.feed(bytes.sliced(qsizetype(from)), 1000, f.samples);
    parser.finish(1000, f.samples);
    f.counters = parser.counters();
    return f;
}

// Empty when the two feeds agree, else what differs first.
inline QString logDifference(const LogFeed& whole, const LogFeed& chunked)
{
    if (!sameCounters(whole.counters, chunked.counters))
        return QStringLiteral("counters");
    if (whole.records.size() != chunked.records.size())
        return QStringLiteral("%1 records whole, %2 chunked").arg(whole.records.size()).arg(chunked.records.size());
    for (size_t i = 0; i < whole.records.size(); ++i) {
        if (!sameRecord(whole.records[i], chunked.records[i]))
            return QStringLiteral("record %1").arg(i);
    }
    return {};
}

inline QString statsDifference(const StatsFeed& whole, const StatsFeed& chunked)
{
    if (!sameCounters(whole.counters, chunked.counters))
        return QStringLiteral("counters");
    if (whole.samples.size() != chunked.samples.size())
        return QStringLiteral("%1 samples whole, %2 chunked").arg(whole.samples.size()).arg(chunked.samples.size());
    for (size_t i = 0; i < whole.samples.size(); ++i) {
        if (!sameSample(whole.samples[i], chunked.samples[i]))
            return QStringLiteral("sample %1").arg(i);
    }
    return {};
}

// Numbers of the `check --json` object that may be negative: growth rates (a shrinking heap) and the value of
// a flag measured in MiB/h. Everything else is a size, a count, a percentage or a threshold.
inline bool mayBeNegative(const QString& key, const QJsonObject& holder)
{
    return key.endsWith(QLatin1String("_per_hour"))
        || (key == QLatin1String("value") && holder.value(QLatin1String("unit")).toString() == QLatin1String("MiB/h"));
}

// The path of the first number in v that is NaN, infinite, or negative where it must not be; empty if none.
// key and holder: v's name and the object holding it.
inline QString firstBadNumber(const QJsonValue& v, const QString& path, const QString& key, const QJsonObject& holder)
{
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (!std::isfinite(d) || (d < 0 && !mayBeNegative(key, holder)))
            return path + QLatin1Char('=') + QString::number(d);
    } else if (v.isObject()) {
        const QJsonObject object = v.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            const QString bad = firstBadNumber(it.value(), path + QLatin1Char('.') + it.key(), it.key(), object);
            if (!bad.isEmpty())
                return bad;
        }
    } else if (v.isArray()) {
        const QJsonArray array = v.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QString bad = firstBadNumber(array.at(i), path + QStringLiteral("[%1]").arg(i), {}, {});
            if (!bad.isEmpty())
                return bad;
        }
    }
    return {};
}

inline QString firstBadNumber(const QJsonObject& json)
{
    return firstBadNumber(QJsonValue(json), QString(), QString(), QJsonObject());
}

// Parse → state → assessment → the `check --json` object, judged at the latest time the data mentions.
inline QJsonObject checkJson(const IngestBatch& batch)
{
    TargetState state(QStringLiteral("fuzz"));
    state.apply(batch);
    const Thresholds thresholds = Thresholds::defaults();
    const qint64 now = std::max<qint64>(state.lastDataMs(), 0);
    const Assessment assessment = assess(state, thresholds, now);
    return jsonReport(ReportInput {state, assessment, thresholds, now});
}

inline void logParser(const uint8_t* data, size_t size)
{
    const char* bytes = reinterpret_cast<const char*>(data);
    const QByteArrayView all(bytes, qsizetype(size));
    const LogFeed whole = feedLog(all);
    const LogFeed chunked = feedLog(all, cutsFor(data, size));
    const QString difference = logDifference(whole, chunked);
    if (!difference.isEmpty())
        violated("log stream in chunks != fed whole:", difference);
    for (const LogRecord& r : whole.records) {
        if (!saneRecord(r))
            violated("log record with a negative or infinite number (or dropped > total)");
    }
    IngestBatch batch;
    batch.logs = whole.records;
    batch.logCounters = whole.counters;
    const QString bad = firstBadNumber(checkJson(batch));
    if (!bad.isEmpty())
        violated("check --json number:", bad);

    // A replay's rows, the input three times over so that its Memory lines come back and layouts are learnt.
    const QByteArray thrice = all.toByteArray().repeated(3);
    std::vector<size_t> cuts = cutsFor(data, size);
    for (size_t& cut : cuts)
        cut *= 2;
    const QString rows = rowsDifference(feedRows(thrice, cuts, true), feedRows(thrice, cuts, false));
    if (!rows.isEmpty())
        violated("replay rows read by layouts != read the long way:", rows);

    // Both streams of one parser, interleaved, and the single-line entry points.
    LogParser parser;
    std::vector<LogRecord> out;
    const size_t cut = cutPoint(data, size);
    parser.feed(QByteArrayView(bytes, qsizetype(cut)), LogStream::Stdout, out);
    parser.feed(all, LogStream::Stderr, out);
    parser.feed(QByteArrayView(bytes + cut, qsizetype(size - cut)), LogStream::Stdout, out);
    parser.finish(out);
    LogRecord record;
    LogParser::parseLine(all, LogStream::Stdout, record);
    parseRfc3339Ns(all);
    units::parseSize(all, units::MbMeaning::Binary);
    units::parsePercent(all);
}

inline void statsParser(const uint8_t* data, size_t size)
{
    const char* bytes = reinterpret_cast<const char*>(data);
    const QByteArrayView all(bytes, qsizetype(size));
    const StatsFeed whole = feedStats(all);
    const StatsFeed chunked = feedStats(all, cutsFor(data, size));
    const QString difference = statsDifference(whole, chunked);
    if (!difference.isEmpty())
        violated("stats stream in chunks != fed whole:", difference);
    for (const StatsSample& s : whole.samples) {
        if (!saneSample(s))
            violated("stats sample with a negative or infinite number");
    }
    IngestBatch batch;
    batch.stats = whole.samples;
    batch.statsCounters = whole.counters;
    const QString bad = firstBadNumber(checkJson(batch));
    if (!bad.isEmpty())
        violated("check --json number:", bad);
    stripEscapes(all);
}

// The cgroup loop's output (CgroupStatsParser): the same samples and counters whole or in chunks, every sample
// sane, every byte counted.
inline StatsFeed feedCgroupStats(QByteArrayView all, const std::vector<size_t>& cuts = {})
{
    StatsFeed feed;
    CgroupStatsParser parser;
    parser.reset(QStringLiteral("dbabfe853db9feea"), QStringLiteral("pangolin"));
    size_t at = 0;
    for (size_t cut : cuts) {
        parser.feed(all.sliced(qsizetype(at), qsizetype(cut - at)), 1, feed.samples);
        at = cut;
    }
    parser.feed(all.sliced(qsizetype(at)), 1, feed.samples);
    feed.counters = parser.counters();
    return feed;
}

inline void cgroupStatsParser(const uint8_t* data, size_t size)
{
    const QByteArrayView all(reinterpret_cast<const char*>(data), qsizetype(size));
    const StatsFeed whole = feedCgroupStats(all);
    const QString difference = statsDifference(whole, feedCgroupStats(all, cutsFor(data, size)));
    if (!difference.isEmpty())
        violated("cgroup stats in chunks != fed whole:", difference);
    if (whole.counters.bytes != size)
        violated("cgroup stats bytes not all counted");
    for (const StatsSample& s : whole.samples) {
        if (!saneSample(s) || !(s.memUsageBytes >= 0))
            violated("cgroup stats sample with a negative, infinite or missing number");
    }
}

inline void inspectParser(const uint8_t* data, size_t size)
{
    const QByteArrayView view(reinterpret_cast<const char*>(data), qsizetype(size));
    QString error;
    IngestBatch batch;
    batch.info = InspectParser::parse(view, &error);
    if (std::optional<ContainerEvent> event = EventParser::parseLine(view))
        batch.events.push_back(*event);
    const QString bad = firstBadNumber(checkJson(batch));
    if (!bad.isEmpty())
        violated("check --json number:", bad);
    InspectParser::parseTimestampMs(view);
    InspectParser::heapLimitFromNodeOptions(QString::fromUtf8(view));
}

inline void thresholds(const uint8_t* data, size_t size)
{
    QString error;
    Thresholds::fromJson(QByteArray(reinterpret_cast<const char*>(data), qsizetype(size)), &error);
}

// The text a replay gathers of an engine's log file (EngineLogFile::Sink::timestampedText): each stream's lines as
// LogParser reads them, run after run (one stream's runs that follow each other taken for one: where a run ends
// changes nothing for the parser, which reads whole lines), and the reader's own lines.
class EngineText : public EngineLogFile::Sink
{
public:
    void line(LogStream stream, qint64 timeNs, QByteArrayView timeText, QByteArrayView message) override
    {
        EngineLogFile::appendTimestamped(timeNs, timeText, message, *timestampedText(stream));
    }
    void control(QByteArrayView line) override { controls.push_back(line.toByteArray()); }
    QByteArray* timestampedText(LogStream stream) override
    {
        if (stream != m_stream)
            endRun();
        m_stream = stream;
        return &m_text;
    }
    // "o|" or "e|" and the run's text, percent-encoded but for the bytes of a log line's words.
    QStringList runs()
    {
        endRun();
        return m_runs;
    }
    std::vector<QByteArray> controls;

private:
    void endRun()
    {
        if (m_text.isEmpty())
            return;
        const QString run = (m_stream == LogStream::Stderr ? QStringLiteral("e|") : QStringLiteral("o|"))
            + QString::fromLatin1(m_text.toPercentEncoding(" :.-|+[]=/,"));
        if (!m_runs.isEmpty() && m_runs.last().left(2) == run.left(2))
            m_runs.last() += run.mid(2);
        else
            m_runs.append(run);
        m_text.clear();
    }
    QByteArray m_text;
    LogStream m_stream = LogStream::Stdout;
    QStringList m_runs;
};

// The first difference between two engine texts' runs, or empty.
inline QString engineTextDifference(const QStringList& a, const QStringList& b)
{
    for (qsizetype i = 0; i < std::min(a.size(), b.size()); ++i) {
        if (a[i] != b[i])
            return QStringLiteral("run %1: %2 != %3").arg(i).arg(a[i].left(400), b[i].left(400));
    }
    return a.size() == b.size() ? QString() : QStringLiteral("%1 runs != %2").arg(a.size()).arg(b.size());
}

// An engine's log file (json-file, k8s-file): a replay's reader writes whole lines into its text itself; fed in
// chunks cut anywhere, the text, the reader's own lines and the count of bad lines must be those of the
// line-by-line way (Sink::line, as the live follower has the lines) fed whole.
inline void engineLogFile(const uint8_t* data, size_t size)
{
    const QByteArrayView all(reinterpret_cast<const char*>(data), qsizetype(size));
    EngineLogFile byLine;
    std::vector<EngineLogFile::Line> lines;
    std::vector<QByteArray> controls;
    byLine.feed(all, lines, controls);
    byLine.finish(lines, controls);
    EngineText expected;
    for (const EngineLogFile::Line& l : lines) {
        if (l.timeNs < 0)
            violated("engine log line without a time");
        expected.line(l.stream, l.timeNs, {}, l.message);
    }
    EngineLogFile whole;
    EngineText text;
    size_t at = 0;
    for (const size_t cut : cutsFor(data, size)) {
        whole.feed(all.sliced(qsizetype(at), qsizetype(cut - at)), text);
        at = cut;
    }
    whole.feed(all.sliced(qsizetype(at)), text);
    whole.finish(text);
    const QString difference = engineTextDifference(text.runs(), expected.runs());
    if (!difference.isEmpty())
        violated("engine log text written whole != line by line:", difference);
    if (text.controls != controls || whole.malformed() != byLine.malformed())
        violated("engine log file's own lines or bad lines differ");
}

} // namespace heapwatch::fuzz
