// ReplaySource reads a saved log in line-aligned segments on worker threads: its records and counts must be the
// ones a single LogParser gives reading the file from the start, in the same order, whatever the file's shape
// (the Memory lines as the process ring's rows, in their place among the records). And the ring's rounding must
// stay std::llround's.
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
                rowsUpTo(b.memoryRows.rowsBefore.at(i));
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
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("app.log"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QCOMPARE(f.write(bytes), bytes.size());
        f.close();

        const Read expected = readWithOneParser(bytes);
        const Read got = readWithSource(path);
        QCOMPARE(got.counters.lines, expected.counters.lines);
        QCOMPARE(got.counters.recognised, expected.counters.recognised);
        QCOMPARE(got.counters.malformed, expected.counters.malformed);
        QCOMPARE(got.counters.oversized, expected.counters.oversized);
        QCOMPARE(got.counters.bytes, quint64(bytes.size()));
        QCOMPARE(got.bytesReceived, quint64(bytes.size()));
        QCOMPARE(got.records.size(), expected.records.size());
        for (size_t i = 0; i < got.records.size(); ++i) {
            const LogRecord& a = got.records[i];
            const LogRecord& b = expected.records[i];
            if (a.kind == LogKind::Memory) {
                QVERIFY2(b.kind == LogKind::Memory && a.atMs == b.atMs && got.rows[i]
                             && std::memcmp(got.rows[i]->data(), storedProcessRow(b.memory).data(),
                                            sizeof(std::array<float, 6>))
                                 == 0,
                         qPrintable(QStringLiteral("row %1 differs").arg(i)));
                continue;
            }
            if (a.kind == LogKind::Cache) {
                QVERIFY2(b.kind == LogKind::Cache && a.atMs == b.atMs && got.cacheRows[i]
                             && std::memcmp(got.cacheRows[i]->data(), storedCacheRow(b.cache).data(),
                                            sizeof(std::array<float, 4>))
                                 == 0,
                         qPrintable(QStringLiteral("cache row %1 differs").arg(i)));
                continue;
            }
            QVERIFY2(a.kind == b.kind && a.atMs == b.atMs && a.dockerTimeNs == b.dockerTimeNs && a.text == b.text
                         && a.cache.hits == b.cache.hits && a.overflow.totalDropped == b.overflow.totalDropped,
                     qPrintable(QStringLiteral("record %1 differs").arg(i)));
        }
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
