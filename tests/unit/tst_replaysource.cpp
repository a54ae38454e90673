// ReplaySource reads a saved log in line-aligned segments on worker threads: its records and counts must be the
// ones a single LogParser gives reading the file from the start, in the same order, whatever the file's shape
// (the Memory lines as the process ring's rows, in their place among the records). And the ring's rounding must
// stay std::llround's.
#include "EngineLogFile.h"
#include "LogParser.h"
#include "ProcessRow.h"
#include "ReplaySource.h"
#include "SampleRing.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

using namespace heapwatch;

namespace {

QByteArray fixture(const char* relative)
{
    QFile f(QStringLiteral(HEAPWATCH_FIXTURES "/") + QLatin1String(relative));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", relative);
    return f.readAll();
}

// The captured logs, repeated with their docker timestamps moved on a second per copy, to about bytes.
QByteArray repeated(qsizetype bytes)
{
    const QByteArray mixed = fixture("synthetic/logs-mixed.txt")
        + fixture("docker-cli-28.2.2/logs-timestamps.stdout.txt")
        + fixture("podman-cli-4.3.1/logs-timestamps-tail.txt");
    QByteArray out;
    for (int copy = 0; out.size() < bytes; ++copy) {
        QByteArray c = mixed;
        c.replace("2026-11-27T12:", QByteArray("2026-11-27T") + QByteArray::number(13 + copy % 10) + ':');
        out += c;
    }
    return out;
}

// The lines of base with a line of x's put before each segment boundary (every 1 MiB, as ReplaySource cuts a file)
// so that a newline falls at byte k MiB - 1 + offset: the segment's search for its first line starts at k MiB - 1. The
// filler is at least minFiller bytes long: it begins that far before its newline.
QByteArray withNewlinesNearBoundaries(const QByteArray& base, qsizetype offset, qsizetype minFiller)
{
    constexpr qsizetype kSegment = 1024 * 1024;
    QByteArray out;
    qsizetype boundary = kSegment - 1 + offset;
    for (const QByteArray& line : base.split('\n')) {
        if (out.size() + line.size() + 1 > boundary - minFiller && out.size() <= boundary) {
            out += QByteArray(boundary - out.size(), 'x') + '\n';
            boundary += kSegment;
        }
        out += line + '\n';
    }
    return out;
}

struct Read
{
    std::vector<LogRecord> records; // a replay's Memory rows as records of kind Memory with only their time
    std::vector<std::optional<std::array<float, 6>>> rows; // beside records: the row of each of those
    // A replay's cache rows as records of kind Cache with only their time, and beside records their rows.
    std::vector<std::optional<std::array<float, 4>>> cacheRows;
    std::optional<MemorySample> lastMemory;
    std::optional<CacheSample> lastCache;
    ParseCounters counters;
    quint64 bytesReceived = 0;
};

Read readWithSource(const QString& path)
{
    Read r;
    QString error;
    const bool ok = ReplaySource(path).read(
        [&r](const IngestBatch& b) {
            size_t next = 0;
            const auto rowsUpTo = [&](size_t end) {
                for (; next < end && next < b.memoryRows.rows.size(); ++next) {
                    LogRecord m;
                    m.kind = LogKind::Memory;
                    m.atMs = b.memoryRows.rows[next].atMs;
                    r.records.push_back(m);
                    r.rows.push_back(b.memoryRows.rows[next].v);
                    r.cacheRows.emplace_back();
                }
            };
            // The cache rows that came before the record logsBefore, each after the Memory rows before it.
            size_t nextCache = 0;
            const auto cacheUpTo = [&](size_t logsBefore) {
                const std::vector<MemoryRows::CacheRow>& cache = b.memoryRows.cacheRows;
                for (; nextCache < cache.size() && cache[nextCache].logsBefore <= logsBefore; ++nextCache) {
                    rowsUpTo(cache[nextCache].rowsBefore);
                    LogRecord c;
                    c.kind = LogKind::Cache;
                    c.atMs = cache[nextCache].atMs;
                    r.records.push_back(c);
                    r.rows.emplace_back();
                    r.cacheRows.push_back(cache[nextCache].v);
                }
            };
            for (size_t i = 0; i < b.logs.size(); ++i) {
                cacheUpTo(i);
                // (A pipe is read without rows: Memory lines as records.)
                rowsUpTo(i < b.memoryRows.rowsBefore.size() ? b.memoryRows.rowsBefore[i] : 0);
                // The parsing threads leave a record's text to whoever applies it: made here as the state makes it.
                LogRecord record = b.logs[i];
                record.text = LogParser::recordText(record, b.memoryRows);
                record.textAt = record.textBytes = 0;
                r.records.push_back(record);
                r.rows.emplace_back();
                r.cacheRows.emplace_back();
            }
            cacheUpTo(b.logs.size());
            rowsUpTo(b.memoryRows.rows.size());
            if (b.memoryRows.last)
                r.lastMemory = b.memoryRows.last;
            if (b.memoryRows.lastCache)
                r.lastCache = b.memoryRows.lastCache;
            r.counters += b.logCounters;
            r.bytesReceived += b.bytesReceived;
        },
        &error);
    if (!ok)
        qWarning("read failed: %s", qPrintable(error));
    return r;
}

Read readWithOneParser(const QByteArray& bytes)
{
    Read r;
    LogParser parser(LogParser::Timestamps::Detect, LogParser::Hashing::Gated);
    for (qsizetype at = 0; at < bytes.size(); at += 65536)
        parser.feed(QByteArrayView(bytes).sliced(at, std::min<qsizetype>(65536, bytes.size() - at)), LogStream::Stdout,
                    r.records);
    parser.finish(r.records);
    r.counters = parser.counters();
    r.bytesReceived = r.counters.bytes;
    for (const LogRecord& m : r.records) {
        if (m.kind == LogKind::Memory)
            r.lastMemory = m.memory;
        if (m.kind == LogKind::Cache)
            r.lastCache = m.cache;
    }
    // A replay's rows are those with a time; the others count only as the last sample.
    r.records.erase(std::remove_if(r.records.begin(), r.records.end(),
                                   [](const LogRecord& m) {
                                       return (m.kind == LogKind::Memory || m.kind == LogKind::Cache) && m.atMs < 0;
                                   }),
                    r.records.end());
    return r;
}

bool same(double a, double b)
{
    return a == b || (std::isnan(a) && std::isnan(b));
}

// bytes written to a file named name in dir; its path, empty if it could not be written.
QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& bytes)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!dir.isValid() || !f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        return {};
    return path;
}

// The docker fixture's stdout and stderr lines in the order the app wrote them (by its own times), each with its
// stream and an engine time in nanoseconds (a microsecond apart, so that no two are the same).
struct EngineLine
{
    LogStream stream;
    qint64 timeNs;
    QByteArray message;
};
std::vector<EngineLine> fixtureEngineLines(bool longFirstLine = false)
{
    std::vector<EngineLine> lines;
    for (const auto& [name, stream] : {std::pair {"docker-cli-28.2.2/logs-timestamps.stdout.txt", LogStream::Stdout},
                                       std::pair {"docker-cli-28.2.2/logs-timestamps.stderr.txt", LogStream::Stderr}}) {
        for (const QByteArray& line : fixture(name).split('\n')) {
            const qsizetype space = line.indexOf(' ');
            if (space > 0)
                lines.push_back({stream, parseRfc3339Ns(line.first(space)), line.mid(space + 1)});
        }
    }
    std::stable_sort(lines.begin(), lines.end(),
                     [](const EngineLine& a, const EngineLine& b) { return a.message.left(24) < b.message.left(24); });
    for (size_t i = 0; i < lines.size(); ++i)
        lines[i].timeNs += qint64(i) * 1000 + 123;
    // A request line of 20 kB first: longer than the first bytes a replay reads to tell the format.
    if (longFirstLine)
        lines.insert(
            lines.begin(),
            EngineLine {LogStream::Stdout, lines.front().timeNs - 1000, "[info]: request " + QByteArray(20000, 'q')});
    return lines;
}

// lines as dockerd's json-file holds them; pieceBytes > 0: every line cut into pieces of that many bytes (dockerd
// cuts at 16 KiB), only the last ending in a newline.
QByteArray jsonFile(const std::vector<EngineLine>& lines, qsizetype pieceBytes = 0)
{
    QByteArray out;
    for (const EngineLine& l : lines) {
        const QByteArray text = l.message + '\n';
        const qsizetype step = pieceBytes > 0 ? pieceBytes : text.size();
        for (qsizetype at = 0; at < text.size(); at += step) {
            QByteArray escaped = text.mid(at, step);
            escaped.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\x1b", "\\u001b");
            out += "{\"log\":\"" + escaped + "\",\"stream\":\"" + (l.stream == LogStream::Stderr ? "stderr" : "stdout")
                + "\",\"time\":\"" + EngineLogFile::rfc3339Nano(l.timeNs) + "\"}\n";
        }
    }
    return out;
}

// lines as podman's conmon writes a k8s-file (times with the UTC offset); pieceBytes > 0: every line cut into
// pieces of that many bytes, flagged P but the last (F).
QByteArray k8sFile(const std::vector<EngineLine>& lines, qsizetype pieceBytes = 0)
{
    QByteArray out;
    for (const EngineLine& l : lines) {
        const qsizetype step = pieceBytes > 0 ? pieceBytes : std::max<qsizetype>(1, l.message.size());
        for (qsizetype at = 0; at == 0 || at < l.message.size(); at += step) {
            const bool last = at + step >= l.message.size();
            out += EngineLogFile::rfc3339Nano(l.timeNs).chopped(1) + "+00:00 "
                + (l.stream == LogStream::Stderr ? "stderr" : "stdout") + (last ? " F " : " P ")
                + l.message.mid(at, step) + '\n';
        }
    }
    return out;
}

// The fixture's lines over and over to about bytes, a second later each time, with a warning or error of
// longLineBytes every 64 lines, on stdout and stderr by turns: lines that an engine writes in pieces, some of them
// across the boundaries of the segments a replay parses apart.
std::vector<EngineLine> manyEngineLines(qsizetype bytes, qsizetype longLineBytes)
{
    const std::vector<EngineLine> fixtureLines = fixtureEngineLines();
    std::vector<EngineLine> lines;
    qsizetype size = 0;
    for (qint64 copy = 0; size < bytes; ++copy) {
        for (EngineLine line : fixtureLines) {
            line.timeNs += copy * 1000000000;
            size += line.message.size() + 80;
            if (lines.size() % 64 == 63) {
                const bool onStderr = lines.size() % 128 == 127;
                lines.push_back({onStderr ? LogStream::Stderr : LogStream::Stdout, line.timeNs - 1,
                                 (onStderr ? "[error]: request failed " : "[warn]: slow request ")
                                     + QByteArray(longLineBytes, onStderr ? 'e' : 'o')});
                size += longLineBytes + 80;
            }
            lines.push_back(line);
        }
    }
    return lines;
}

// What `docker logs --timestamps` of lines gives the parser: each line with its stream.
Read readAsDockerLogs(const std::vector<EngineLine>& lines)
{
    Read r;
    LogParser parser(LogParser::Timestamps::Detect, LogParser::Hashing::Gated);
    for (const EngineLine& l : lines) {
        QByteArray text;
        EngineLogFile::appendTimestamped(l.timeNs, {}, l.message, text);
        parser.feed(text, l.stream, r.records);
    }
    parser.finish(r.records);
    r.counters = parser.counters();
    return r;
}

// The first record of got that differs from expected's (one parser's records, Memory and cache stats lines as records
// with their values), described; empty when none does. got's Memory and cache rows are compared as the rings store
// them; its other records field by field, with their streams.
QString firstDifference(const Read& got, const Read& expected)
{
    if (got.records.size() != expected.records.size())
        return QStringLiteral("%1 records, expected %2").arg(got.records.size()).arg(expected.records.size());
    for (size_t i = 0; i < got.records.size(); ++i) {
        const LogRecord& a = got.records[i];
        const LogRecord& b = expected.records[i];
        bool equal;
        if (a.kind == LogKind::Memory && got.rows[i])
            equal = b.kind == LogKind::Memory && a.atMs == b.atMs
                && std::memcmp(got.rows[i]->data(), storedProcessRow(b.memory).data(), sizeof(std::array<float, 6>))
                    == 0;
        else if (a.kind == LogKind::Cache && got.cacheRows[i])
            equal = b.kind == LogKind::Cache && a.atMs == b.atMs
                && std::memcmp(got.cacheRows[i]->data(), storedCacheRow(b.cache).data(), sizeof(std::array<float, 4>))
                    == 0;
        else
            equal = a.kind == b.kind && a.stream == b.stream && a.atMs == b.atMs && a.dockerTimeNs == b.dockerTimeNs
                && a.text == b.text && a.cache.hits == b.cache.hits
                && a.overflow.totalDropped == b.overflow.totalDropped;
        if (!equal)
            return QStringLiteral("record %1 differs").arg(i);
    }
    return {};
}

} // namespace

class TestReplaySource : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void segmentedReadEqualsOneParser_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        const QByteArray big = repeated(5 * 1024 * 1024 + 123);
        QTest::addRow("empty file") << QByteArray();
        QTest::addRow("one segment") << repeated(40 * 1024);
        QTest::addRow("five segments of the captured logs") << big;
        QTest::addRow("no newline at the end") << big + "2026-11-28T00:00:00.000000001Z [warn]: cut off";
        QTest::addRow("CRLF line ends") << QByteArray(big).replace("\n", "\r\n");
        // Longer than a segment and than LogParser::kMaxLineBytes: counted as one oversized line, wherever it falls.
        QTest::addRow("oversized line across a segment boundary")
            << big.left(1024 * 1024 - 10) + "\n" + QByteArray(3 * 1024 * 1024, 'x') + "\n" + big;
        QTest::addRow("oversized last line without newline") << big + QByteArray(2 * 1024 * 1024, 'y');
        // Segment i's lines begin after the first newline at or after byte i MiB - 1, read with its last read.
        QTest::addRow("newlines at the last byte before segments") << withNewlinesNearBoundaries(big, 0, 0);
        QTest::addRow("newlines a byte before that") << withNewlinesNearBoundaries(big, -1, 0);
        QTest::addRow("newlines a byte after that") << withNewlinesNearBoundaries(big, 1, 0);
        QTest::addRow("lines ending more than a page into the next segment")
            << withNewlinesNearBoundaries(big, 6000, 8000);
        QTest::addRow("a line exactly at the limit") << big + QByteArray(LogParser::kMaxLineBytes, 'z') + "\n"
                + QByteArray(LogParser::kMaxLineBytes + 1, 'z') + "\n" + big;
    }
    void segmentedReadEqualsOneParser()
    {
        QFETCH(QByteArray, bytes);
        QTemporaryDir dir;
        const QString path = writeFile(dir, QStringLiteral("app.log"), bytes);
        QVERIFY(!path.isEmpty());

        const Read expected = readWithOneParser(bytes);
        const Read got = readWithSource(path);
        QCOMPARE(got.counters.lines, expected.counters.lines);
        QCOMPARE(got.counters.recognised, expected.counters.recognised);
        QCOMPARE(got.counters.malformed, expected.counters.malformed);
        QCOMPARE(got.counters.oversized, expected.counters.oversized);
        QCOMPARE(got.counters.bytes, quint64(bytes.size()));
        QCOMPARE(got.bytesReceived, quint64(bytes.size()));
        const QString difference = firstDifference(got, expected);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
        QCOMPARE(got.lastMemory.has_value(), expected.lastMemory.has_value());
        if (got.lastMemory) {
            QCOMPARE(got.lastMemory->atMs, expected.lastMemory->atMs);
            QVERIFY(same(got.lastMemory->rssMiB, expected.lastMemory->rssMiB));
            QVERIFY(same(got.lastMemory->arrayBuffersMiB, expected.lastMemory->arrayBuffersMiB));
        }
        QCOMPARE(got.lastCache.has_value(), expected.lastCache.has_value());
        if (got.lastCache) {
            QCOMPARE(got.lastCache->atMs, expected.lastCache->atMs);
            QCOMPARE(got.lastCache->hits, expected.lastCache->hits);
            QVERIFY(same(got.lastCache->hitRatePercent, expected.lastCache->hitRatePercent));
        }
        if (!bytes.isEmpty())
            QVERIFY(expected.counters.recognised > 0 || bytes.size() < 100);
        // The captured logs have cache stats lines: the rows were compared.
        if (bytes.size() > 1024 * 1024)
            QVERIFY(std::count_if(got.records.begin(), got.records.end(),
                                  [](const LogRecord& m) { return m.kind == LogKind::Cache; })
                    > 100);
    }

    // A replay's parser hashes no line on its own; a gate still gets every line's hash, and its records keep it.
    void gatedHashingHashesOnlyForTheGate_data()
    {
        QTest::addColumn<bool>("withGate");
        QTest::addRow("no gate") << false;
        QTest::addRow("a gate") << true;
    }
    void gatedHashingHashesOnlyForTheGate()
    {
        QFETCH(bool, withGate);
        struct AdmitAll : LineGate
        {
            std::vector<quint64> hashes;
            bool admit(const LogLine& line) override
            {
                hashes.push_back(line.hash);
                return true;
            }
        } gate;
        const QByteArray bytes = repeated(200 * 1024);
        std::vector<LogRecord> every, gated;
        LogParser(LogParser::Timestamps::Detect, LogParser::Hashing::EveryRecord)
            .feed(bytes, LogStream::Stdout, every, withGate ? &gate : nullptr);
        LogParser parser(LogParser::Timestamps::Detect, LogParser::Hashing::Gated);
        parser.feed(bytes, LogStream::Stdout, gated, withGate ? &gate : nullptr);
        QVERIFY(every.size() > 100);
        QCOMPARE(gated.size(), every.size());
        for (size_t i = 0; i < every.size(); ++i) {
            QVERIFY(every[i].lineHash != 0);
            QCOMPARE(gated[i].lineHash, withGate && every[i].dockerTimeNs >= 0 ? every[i].lineHash : quint64(0));
            QCOMPARE(gated[i].atMs, every[i].atMs);
            QCOMPARE(gated[i].text, every[i].text);
        }
        // One hash per gated line with a docker timestamp (the resume's key), none for the others.
        const auto stamped
            = quint64(std::count_if(gate.hashes.begin(), gate.hashes.end(), [](quint64 h) { return h != 0; }));
        QCOMPARE(parser.hashesComputed(), withGate ? stamped / 2 : quint64(0));
        if (withGate)
            QVERIFY(stamped > 0);
    }

    // The engines' own log files (dockerd's json-file, podman's k8s-file), as an operator copies them off the server:
    // read as `docker logs --timestamps` of the same lines would be (the engine's times, each line's stream, long
    // lines joined), not as text with JSON around it.
    void engineLogFilesReadAsDockerLogs_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("malformed");
        QTest::addColumn<bool>("longFirstLine");
        const std::vector<EngineLine> lines = fixtureEngineLines();
        QTest::addRow("json-file") << jsonFile(lines) << 0 << false;
        QTest::addRow("json-file, lines in pieces of 16 bytes") << jsonFile(lines, 16) << 0 << false;
        QTest::addRow("json-file without its last newline") << jsonFile(lines).chopped(1) << 0 << false;
        QTest::addRow("json-file with CRLF line ends") << jsonFile(lines).replace("}\n", "}\r\n") << 0 << false;
        QTest::addRow("k8s-file") << k8sFile(lines) << 0 << false;
        QTest::addRow("k8s-file with foreign lines") << k8sFile(lines) + "garbage\nhwlog first x\n" << 2 << false;
        QTest::addRow("json-file with a 20 kB first line") << jsonFile(fixtureEngineLines(true)) << 0 << true;
    }
    void engineLogFilesReadAsDockerLogs()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, malformed);
        QFETCH(bool, longFirstLine);
        QTemporaryDir dir;
        const QString path = writeFile(dir, QStringLiteral("container-json.log"), bytes);
        QVERIFY(!path.isEmpty());

        const std::vector<EngineLine> lines = fixtureEngineLines(longFirstLine);
        const Read expected = readAsDockerLogs(lines);
        const Read got = readWithSource(path);
        QCOMPARE(got.counters.lines, expected.counters.lines + quint64(malformed));
        QCOMPARE(got.counters.recognised, expected.counters.recognised);
        QCOMPARE(got.counters.malformed, expected.counters.malformed + quint64(malformed));
        QCOMPARE(got.bytesReceived, quint64(bytes.size()));
        const QString difference = firstDifference(got, expected);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
        // Every line of the fixture is one the app wrote: the start, Memory and cache stats lines, an overflow
        // warning on stderr (coloured) and an error.
        QCOMPARE(expected.counters.recognised, quint64(expected.records.size()));
        QVERIFY(expected.records.size() >= 20);
        int stderrLines = 0;
        const size_t unrecognised = lines.size() - expected.records.size(); // the long request line
        for (size_t i = 0; i < got.records.size(); ++i) {
            const LogRecord& a = got.records[i];
            // The engine's time of each line (the Memory and cache stats lines are rows: their time is the app's).
            if (!got.rows[i] && !got.cacheRows[i])
                QCOMPARE(a.dockerTimeNs, lines[i + unrecognised].timeNs);
            stderrLines += a.stream == LogStream::Stderr;
        }
        QCOMPARE(stderrLines, 2);
        // The Memory and cache stats lines, nearly all of a log, became rows on the parsing threads.
        QVERIFY(std::count_if(got.rows.begin(), got.rows.end(), [](const auto& row) { return row.has_value(); }) >= 10);
        QCOMPARE(std::count_if(got.records.begin(), got.records.end(),
                               [](const LogRecord& r) { return r.kind == LogKind::AppStart; }),
                 1);
        QCOMPARE(std::count_if(got.records.begin(), got.records.end(),
                               [](const LogRecord& r) { return r.kind == LogKind::Overflow; }),
                 1);
    }

    // An engine's log file of several segments is parsed in them as a log is, on several threads: the result is still
    // `docker logs --timestamps` of its lines, where a line's pieces cross from one segment into the next too.
    void engineLogFilesInSegments_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("longLineBytes");
        for (const int longLine : {40000, 300000}) {
            const std::vector<EngineLine> lines = manyEngineLines(5 * 1024 * 1024, longLine);
            QTest::addRow("json-file, lines of %d bytes in 16 KiB pieces", longLine)
                << jsonFile(lines, 16 * 1024) << longLine;
            QTest::addRow("k8s-file, lines of %d bytes in 8 KiB pieces", longLine)
                << k8sFile(lines, 8 * 1024) << longLine;
        }
        QTest::addRow("json-file, whole lines") << jsonFile(manyEngineLines(5 * 1024 * 1024, 100)) << 100;
    }
    void engineLogFilesInSegments()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, longLineBytes);
        QTemporaryDir dir;
        const QString path = writeFile(dir, QStringLiteral("container-json.log"), bytes);
        QVERIFY(!path.isEmpty());
        QVERIFY(bytes.size() > 4 * 1024 * 1024); // five segments and more

        const Read expected = readAsDockerLogs(manyEngineLines(5 * 1024 * 1024, longLineBytes));
        const Read got = readWithSource(path);
        QCOMPARE(got.counters.lines, expected.counters.lines);
        QCOMPARE(got.counters.recognised, expected.counters.recognised);
        QCOMPARE(got.counters.malformed, expected.counters.malformed);
        QCOMPARE(got.counters.oversized, expected.counters.oversized);
        QCOMPARE(got.bytesReceived, quint64(bytes.size()));
        const QString difference = firstDifference(got, expected);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
        QVERIFY(expected.records.size() > 500);
    }

    // Compressed logs are refused with the tool that prints their text, not read as a few unrecognised lines.
    void compressedLogsAreRefused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        QTest::addRow("gzip") << QByteArray("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03junk\n", 15)
                              << QStringLiteral("is gzip-compressed: replay its text (for example --replay <(zcat ");
        QTest::addRow("zstd") << QByteArray("\x28\xb5\x2f\xfd\x24\x00junk", 10) << QStringLiteral("zstdcat");
        QTest::addRow("xz") << QByteArray("\xfd\x37\x7a\x58\x5a\x00\x00junk", 11) << QStringLiteral("xzcat");
        QTest::addRow("bzip2") << QByteArray("BZh91AY&SY junk") << QStringLiteral("bzcat");
        QTest::addRow("lz4") << QByteArray("\x04\x22\x4d\x18junk", 8) << QStringLiteral("lz4cat");
    }
    void compressedLogsAreRefused()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = writeFile(dir, QStringLiteral("app log.1.gz"), bytes);
        QVERIFY(!path.isEmpty());
        QString error;
        int batches = 0;
        QVERIFY(!ReplaySource(path).read([&batches](const IngestBatch&) { ++batches; }, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY2(error.startsWith(path + QStringLiteral(" is ")), qPrintable(error));
        QVERIFY2(error.endsWith(QLatin1Char('\'') + path + QStringLiteral("'))")), qPrintable(error)); // quoted
        QCOMPARE(batches, 0);
        // A log that only begins with the same letters is read.
        const Read plain = readWithSource(
            writeFile(dir, QStringLiteral("app.log"),
                      "BZhello\n2026-11-27T12:25:37Z 2026-11-27T12:25:37.954Z [info]: Memory: RSS=330.1MB, "
                      "Heap=212.7MB/218.0MB, External=17.6MB, ArrayBuffers=13.6MB\n"));
        QCOMPARE(plain.counters.lines, quint64(2));
        QCOMPARE(plain.counters.recognised, quint64(1));
    }

    void readingAMissingFileFails()
    {
        QString error;
        QVERIFY(!ReplaySource(QStringLiteral("/nonexistent/app.log")).read([](const IngestBatch&) {}, &error));
        QVERIFY(error.contains(QLatin1String("cannot read")));
    }

    void ringRoundingIsLlround_data()
    {
        QTest::addColumn<double>("x");
        for (double x : {0.0, 0.5, -0.5, 1.5, -1.5, 2.5, 12.5, 0.49999999999999994, -0.49999999999999994, 33660.0,
                         33659.5, 21270.000000000004, -7.5e14 + 0.5, 1e15 - 0.5, 4503599627370495.0, 123456.49999})
            QTest::addRow("%.17g", x) << x;
    }
    void ringRoundingIsLlround()
    {
        QFETCH(double, x);
        QCOMPARE(ringcodec::roundHalfAway(x), qint64(std::llround(x)));
    }
};

QTEST_GUILESS_MAIN(TestReplaySource)
#include "tst_replaysource.moc"
