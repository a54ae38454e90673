// LogParser on the captured `docker logs` / `podman logs` output, on the lines the app prints, and on garbage.
#include "LogParser.h"
#include "ProcessRow.h"

#include <QDateTime>
#include <QFile>
#include <QLocale>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <iterator>

using namespace heapwatch;

Q_DECLARE_METATYPE(heapwatch::LogKind)
Q_DECLARE_METATYPE(heapwatch::LogStream)

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

qint64 utcMs(int y, int mo, int d, int h, int mi, int s, int ms = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), Qt::UTC).toMSecsSinceEpoch();
}

bool sameDouble(double a, double b)
{
    return a == b || (std::isnan(a) && std::isnan(b));
}

bool sameRecord(const LogRecord& a, const LogRecord& b)
{
    return a.kind == b.kind && a.stream == b.stream && a.atMs == b.atMs && a.dockerTimeNs == b.dockerTimeNs
        && a.lineHash == b.lineHash && a.text == b.text && a.memory.atMs == b.memory.atMs
        && sameDouble(a.memory.rssMiB, b.memory.rssMiB) && sameDouble(a.memory.heapUsedMiB, b.memory.heapUsedMiB)
        && sameDouble(a.memory.heapTotalMiB, b.memory.heapTotalMiB)
        && sameDouble(a.memory.externalMiB, b.memory.externalMiB)
        && sameDouble(a.memory.arrayBuffersMiB, b.memory.arrayBuffersMiB) && a.cache.atMs == b.cache.atMs
        && a.cache.keys == b.cache.keys && a.cache.hits == b.cache.hits && a.cache.misses == b.cache.misses
        && sameDouble(a.cache.hitRatePercent, b.cache.hitRatePercent) && a.overflow.atMs == b.overflow.atMs
        && a.overflow.dropped == b.overflow.dropped && a.overflow.totalDropped == b.overflow.totalDropped;
}

bool sameCounters(const ParseCounters& a, const ParseCounters& b)
{
    return a.lines == b.lines && a.recognised == b.recognised && a.malformed == b.malformed
        && a.oversized == b.oversized && a.bytes == b.bytes;
}

QByteArray readFixture(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open fixture %s", qPrintable(path));
    return f.readAll();
}

struct Parsed
{
    std::vector<LogRecord> records;
    ParseCounters counters;
};

// Feeds data in chunks whose sizes come from nextSize (0 = all at once).
template<typename NextSize> Parsed parseChunked(const QByteArray& data, LogStream stream, NextSize nextSize)
{
    LogParser parser;
    Parsed p;
    qsizetype i = 0;
    while (i < data.size()) {
        qsizetype n = nextSize();
        if (n <= 0 || n > data.size() - i)
            n = data.size() - i;
        parser.feed(QByteArrayView(data).sliced(i, n), stream, p.records);
        i += n;
    }
    parser.finish(p.records);
    p.counters = parser.counters();
    return p;
}

Parsed parseAll(const QByteArray& data, LogStream stream = LogStream::Stdout)
{
    return parseChunked(data, stream, [] { return qsizetype(0); });
}

// One line between two valid Memory lines: the neighbours must survive whatever the middle line is.
const QByteArray kBefore = "[info]: Memory: RSS=100.0MB, Heap=50.0MB/60.0MB, External=1.0MB, ArrayBuffers=0.5MB\n";
const QByteArray kAfter = "[info]: Memory: RSS=101.0MB, Heap=51.0MB/61.0MB, External=1.5MB, ArrayBuffers=0.25MB\n";

void verifyNeighbours(const Parsed& p)
{
    QVERIFY(p.records.size() >= 2);
    QCOMPARE(p.records.front().kind, LogKind::Memory);
    QCOMPARE(p.records.front().memory.rssMiB, 100.0);
    QCOMPARE(p.records.back().kind, LogKind::Memory);
    QCOMPARE(p.records.back().memory.rssMiB, 101.0);
    QCOMPARE(p.records.back().memory.arrayBuffersMiB, 0.25);
}

// Records what the live path's resume logic would see, and drops the lines it is told to (replays).
class RecordingGate : public LineGate
{
public:
    struct Seen
    {
        LogStream stream;
        qint64 dockerTimeNs;
        quint64 hash;
        QByteArray message;
    };
    std::vector<Seen> seen;
    std::vector<QByteArray> drop; // messages to refuse
    std::vector<size_t> recordsAfterParsed; // out.size() each time parsed() was called
    const std::vector<LogRecord>* out = nullptr;

    bool admit(const LogLine& line) override
    {
        const QByteArray message = line.message.toByteArray();
        seen.push_back({line.stream, line.dockerTimeNs, line.hash, message});
        return std::find(drop.begin(), drop.end(), message) == drop.end();
    }
    void parsed() override { recordsAfterParsed.push_back(out->size()); }
};

} // namespace

class TestLogParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void rfc3339_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<qint64>("ns");
        const qint64 base = utcMs(2026, 11, 27, 12, 20, 33) * 1000000;
        QTest::addRow("second precision") << QByteArray("2026-11-27T12:20:33Z") << base;
        QTest::addRow("nano") << QByteArray("2026-11-27T12:20:33.882071633Z") << base + 882071633;
        QTest::addRow("1 digit") << QByteArray("2026-11-27T12:20:33.5Z") << base + 500000000;
        QTest::addRow("3 digits") << QByteArray("2026-11-27T12:20:33.123Z") << base + 123000000;
        QTest::addRow("6 digits") << QByteArray("2026-11-27T12:20:33.000001Z") << base + 1000;
        QTest::addRow("12 digits truncated") << QByteArray("2026-11-27T12:20:33.123456789999Z") << base + 123456789;
        QTest::addRow("+01:00") << QByteArray("2026-11-27T13:20:33+01:00") << base;
        QTest::addRow("-05:30") << QByteArray("2026-11-27T06:50:33.25-05:30") << base + 250000000;
        QTest::addRow("+00:00") << QByteArray("2026-11-27T12:20:33+00:00") << base;
        QTest::addRow("lower case") << QByteArray("2026-11-27t12:20:33z") << base;
        QTest::addRow("leap day") << QByteArray("2028-02-29T00:00:00Z") << utcMs(2028, 2, 29, 0, 0, 0) * 1000000;
        QTest::addRow("epoch") << QByteArray("1970-01-01T00:00:00Z") << qint64(0);
        QTest::addRow("year 2000") << QByteArray("2000-03-01T00:00:00Z") << utcMs(2000, 3, 1, 0, 0, 0) * 1000000;
        QTest::addRow("no zone") << QByteArray("2026-11-27T12:20:33") << qint64(-1);
        QTest::addRow("zero time") << QByteArray("0001-01-01T00:00:00Z") << qint64(-1);
        QTest::addRow("before epoch") << QByteArray("1969-12-31T23:59:59Z") << qint64(-1);
        QTest::addRow("month 13") << QByteArray("2026-13-27T12:20:33Z") << qint64(-1);
        QTest::addRow("feb 29 2026") << QByteArray("2026-02-29T12:20:33Z") << qint64(-1);
        QTest::addRow("hour 24") << QByteArray("2026-11-27T24:20:33Z") << qint64(-1);
        QTest::addRow("empty fraction") << QByteArray("2026-11-27T12:20:33.Z") << qint64(-1);
        QTest::addRow("trailing") << QByteArray("2026-11-27T12:20:33Zx") << qint64(-1);
        QTest::addRow("bad offset") << QByteArray("2026-11-27T12:20:33+1:00") << qint64(-1);
        QTest::addRow("garbage") << QByteArray("yesterday") << qint64(-1);
        QTest::addRow("empty") << QByteArray() << qint64(-1);
        QTest::addRow("year 2262") << QByteArray("2262-06-01T00:00:00Z") << qint64(-1);
    }

    void rfc3339()
    {
        QFETCH(QByteArray, text);
        QFETCH(qint64, ns);
        QCOMPARE(parseRfc3339Ns(text), ns);
    }

    void dockerStdoutFixture()
    {
        Parsed p = parseAll(readFixture(QFINDTESTDATA("../fixtures/docker-cli-28.2.2/logs-timestamps.stdout.txt")));
        QCOMPARE(p.counters.lines, quint64(21));
        QCOMPARE(p.counters.recognised, quint64(21)); // the start line, 17 Memory, 3 Cache
        QCOMPARE(p.counters.malformed, quint64(0));
        QCOMPARE(p.counters.bytes, quint64(2738));
        QCOMPARE(p.records.size(), size_t(21));
        const LogRecord start = p.records.front();
        QCOMPARE(start.kind, LogKind::AppStart);
        QCOMPARE(start.atMs, utcMs(2026, 11, 27, 12, 25, 36));
        QCOMPARE(start.text,
                 QStringLiteral("2026-11-27T12:25:36.935Z [info]: Starting Pangolin (simulated) in production mode"));
        p.records.erase(p.records.begin());
        int memory = 0;
        double expectedRss = 330.1;
        for (const LogRecord& r : p.records) {
            QCOMPARE(r.stream, LogStream::Stdout);
            QVERIFY(r.text.isEmpty());
            if (r.kind == LogKind::Memory) {
                // RSS climbs by 0.1 MiB a second from 330.1; the rest is the app's steady state.
                QCOMPARE(r.memory.rssMiB, roundToTenth(expectedRss));
                expectedRss += 0.1;
                QCOMPARE(r.memory.heapUsedMiB, 212.7);
                QCOMPARE(r.memory.heapTotalMiB, 218.0);
                QCOMPARE(r.memory.externalMiB, 17.6);
                QCOMPARE(r.memory.arrayBuffersMiB, 13.6);
                QCOMPARE(r.memory.atMs, r.atMs);
                ++memory;
            } else {
                QCOMPARE(r.kind, LogKind::Cache);
                QCOMPARE(r.cache.keys, qint64(2));
                QCOMPARE(r.cache.hits, qint64(1346));
                QCOMPARE(r.cache.misses, qint64(482));
                QCOMPARE(r.cache.hitRatePercent, 73.63);
                QCOMPARE(r.cache.atMs, r.atMs);
            }
        }
        QCOMPARE(memory, 17);
        // Second-precision docker timestamps win over the logger's millisecond one.
        QCOMPARE(p.records.front().atMs, utcMs(2026, 11, 27, 12, 25, 37));
        QCOMPARE(p.records.front().dockerTimeNs, utcMs(2026, 11, 27, 12, 25, 37) * 1000000);
        QCOMPARE(p.records.back().atMs, utcMs(2026, 11, 27, 12, 25, 53));
        QCOMPARE(p.records.at(5).kind, LogKind::Cache);
        QCOMPARE(p.records.at(5).atMs, utcMs(2026, 11, 27, 12, 25, 41));
    }

    void dockerStderrFixture()
    {
        const Parsed p = parseAll(
            readFixture(QFINDTESTDATA("../fixtures/docker-cli-28.2.2/logs-timestamps.stderr.txt")), LogStream::Stderr);
        QCOMPARE(p.counters.lines, quint64(2));
        QCOMPARE(p.records.size(), size_t(2));
        const LogRecord& overflow = p.records.at(0);
        QCOMPARE(overflow.kind, LogKind::Overflow); // also a [warn] line: Overflow wins
        QCOMPARE(overflow.stream, LogStream::Stderr);
        QCOMPARE(overflow.overflow.dropped, qint64(400));
        QCOMPARE(overflow.overflow.totalDropped, qint64(400));
        QCOMPARE(overflow.overflow.atMs, utcMs(2026, 11, 27, 12, 25, 44));
        QCOMPARE(overflow.text,
                 QStringLiteral("2026-11-27T12:25:44.962Z [warn]: Audit log buffer overflow - dropped 400 entries (400 "
                                "total dropped)"));
        const LogRecord& error = p.records.at(1);
        QCOMPARE(error.kind, LogKind::Error);
        QCOMPARE(error.atMs, utcMs(2026, 11, 27, 12, 25, 49));
        QCOMPARE(
            error.text,
            QStringLiteral("2026-11-27T12:25:49.968Z [error]: Failed to flush audit logs: SQLITE_BUSY: database is "
                           "locked"));
    }

    void podmanFixture()
    {
        const Parsed p = parseAll(readFixture(QFINDTESTDATA("../fixtures/podman-cli-4.3.1/logs-timestamps-tail.txt")));
        QCOMPARE(p.counters.lines, quint64(5));
        QCOMPARE(p.records.size(), size_t(5));
        QCOMPARE(p.records.at(0).kind, LogKind::Cache);
        const qint64 t0 = utcMs(2026, 11, 27, 12, 21, 13) * 1000000 + 938395740;
        QCOMPARE(p.records.at(0).dockerTimeNs, t0);
        QCOMPARE(p.records.at(0).atMs, t0 / 1000000);
        const double rss[] = {334.1, 334.2, 334.3, 334.4};
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(p.records.at(size_t(i + 1)).kind, LogKind::Memory);
            QCOMPARE(p.records.at(size_t(i + 1)).memory.rssMiB, rss[i]);
        }
        QCOMPARE(p.records.at(4).dockerTimeNs, utcMs(2026, 11, 27, 12, 21, 17) * 1000000 + 944317698);
    }

    // The app's start line begins a deployment; lines that only look alike must not.
    void appStartLines_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<bool>("start");
        QTest::addRow("the app, production")
            << QByteArray("2026-11-27T12:25:36Z 2026-11-27T12:25:36.935Z [info]: Starting Pangolin in production mode")
            << true;
        QTest::addRow("the app, development, coloured")
            << QByteArray("2026-11-27T12:20:33Z \x1b[32m[info]\x1b[39m: Starting Pangolin in development mode") << true;
        QTest::addRow("winston plain") << QByteArray("info: Starting Pangolin in production mode") << true;
        QTest::addRow("Next.js banner") << QByteArray("  \xe2\x96\xb2 Next.js 14.1.0") << true;
        QTest::addRow("Next.js banner, turbopack is dev mode")
            << QByteArray("  \xe2\x96\xb2 Next.js 14.1.0 (turbopack)") << false;
        QTest::addRow("a job starting") << QByteArray("[info]: Starting cleanup job") << false;
        QTest::addRow("started in production mode")
            << QByteArray("[info]: Pangolin started in production mode") << true;
        QTest::addRow("server starting in development mode")
            << QByteArray("[info]: Server starting in development mode on port 3000") << true;
        QTest::addRow("a job started") << QByteArray("[info]: Cleanup job started") << false;
        QTest::addRow("not at the start") << QByteArray("[info]: Job finished. Starting next in batch mode") << false;
        QTest::addRow("a warning") << QByteArray("[warn]: Starting Pangolin in development mode") << false;
        QTest::addRow("no mode") << QByteArray("[info]: Starting Pangolin") << false;
        QTest::addRow("mode at the end") << QByteArray("[info]: Starting Pangolin in mode") << true;
        QTest::addRow("a mode of its colour code")
            << QByteArray("\x1b[ mode [info]: Pangolin started in production") << false;
        QTest::addRow("a word that starts with mode") << QByteArray("[info]: Starting Pangolin in modes") << true;
    }
    void appStartLines()
    {
        QFETCH(QByteArray, line);
        QFETCH(bool, start);
        LogRecord r;
        const bool recognised = LogParser::parseLine(line, LogStream::Stdout, r);
        QCOMPARE(recognised && r.kind == LogKind::AppStart, start);
    }

    void syntheticMixedFixture()
    {
        const Parsed p = parseAll(readFixture(QFINDTESTDATA("../fixtures/synthetic/logs-mixed.txt")));
        QCOMPARE(p.counters.lines, quint64(18));
        // The first line, "Starting Pangolin in development mode", is the app's start line.
        QCOMPARE(p.counters.recognised, quint64(14));
        QCOMPARE(p.counters.malformed, quint64(2)); // "RSS=33" and "RSS=NaNMB"
        QCOMPARE(p.counters.oversized, quint64(0));
        using K = LogKind;
        const LogKind expected[] = {K::AppStart, K::Memory,  K::DevMode, K::DevMode, K::DevMode, K::Overflow, K::Cache,
                                    K::Error,    K::Warning, K::DevMode, K::Memory,  K::HeapOom, K::Memory,   K::Error};
        QCOMPARE(p.records.size(), std::size(expected));
        for (size_t i = 0; i < std::size(expected); ++i)
            QCOMPARE(p.records[i].kind, expected[i]);

        QCOMPARE(p.records[1].dockerTimeNs, utcMs(2026, 11, 27, 12, 20, 34) * 1000000 + 1);
        QCOMPARE(p.records[1].memory.rssMiB, 244.2);
        QCOMPARE(p.records[1].memory.heapUsedMiB, 140.7);
        QCOMPARE(p.records[1].memory.heapTotalMiB, 166.7);
        QCOMPARE(p.records[1].memory.externalMiB, 13.1);
        QCOMPARE(p.records[1].memory.arrayBuffersMiB, 9.4);
        QCOMPARE(p.records[2].text, QString::fromUtf8("  \u25b2 Next.js 14.1.0 (turbopack)"));
        QCOMPARE(p.records[5].overflow.dropped, qint64(12));
        QCOMPARE(p.records[5].overflow.totalDropped, qint64(40));
        QCOMPARE(
            p.records[5].text,
            QStringLiteral("2026-11-27T12:20:37.000Z [warn]: Audit log buffer overflow - dropped 12 entries (40 total "
                           "dropped)"));
        QCOMPARE(p.records[7].text, QStringLiteral("error: Unhandled rejection: ECONNRESET"));
        QCOMPARE(p.records[11].text,
                 QStringLiteral("FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"));
        // "+01:00" docker timestamp, unit-less heap used in GB, MiB and KB.
        const LogRecord& gb = p.records[12];
        QCOMPARE(gb.atMs, utcMs(2026, 11, 27, 12, 20, 45));
        QCOMPARE(gb.memory.rssMiB, 1536.0);
        QCOMPARE(gb.memory.heapUsedMiB, 1024.0);
        QCOMPARE(gb.memory.heapTotalMiB, 1.2 * 1024);
        QCOMPARE(gb.memory.externalMiB, 2.0);
        QCOMPARE(gb.memory.arrayBuffersMiB, 0.5);
        QCOMPARE(p.records[13].text, QStringLiteral("[error]: last line without newline")); // parsed by finish()
        QCOMPARE(p.records[13].atMs, utcMs(2026, 11, 27, 12, 20, 46));
    }

    // Chunk boundaries anywhere (inside CRLF, escapes, timestamps, numbers) must not change a single record.
    void chunking_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("crlf");
        for (const char* f :
             {"docker-cli-28.2.2/logs-timestamps.stdout.txt", "docker-cli-28.2.2/logs-timestamps.stderr.txt",
              "podman-cli-4.3.1/logs-timestamps-tail.txt", "synthetic/logs-mixed.txt"}) {
            QTest::addRow("%s", f) << QString::fromLatin1(f) << false;
            QTest::addRow("%s crlf", f) << QString::fromLatin1(f) << true;
        }
    }

    void chunking()
    {
        QFETCH(QString, file);
        QFETCH(bool, crlf);
        QByteArray data = readFixture(QFINDTESTDATA(QStringLiteral("../fixtures/") + file));
        QVERIFY(!data.isEmpty());
        if (crlf)
            data.replace("\n", "\r\n");
        const Parsed whole = parseAll(data);
        QVERIFY(!whole.records.empty());
        const Parsed bytewise = parseChunked(data, LogStream::Stdout, [] { return qsizetype(1); });
        QRandomGenerator rng(4711);
        const Parsed random = parseChunked(data, LogStream::Stdout, [&] { return qsizetype(rng.bounded(1, 97)); });
        for (const Parsed* other : {&bytewise, &random}) {
            QVERIFY(sameCounters(whole.counters, other->counters));
            QCOMPARE(other->records.size(), whole.records.size());
            for (size_t i = 0; i < whole.records.size(); ++i)
                QVERIFY2(sameRecord(whole.records[i], other->records[i]), qPrintable(QString::number(i)));
        }
    }

    void lines_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<LogKind>("kind");
        QTest::addColumn<double>("first"); // rss, keys or dropped
        QTest::addColumn<double>("second"); // heap used, hits or total dropped
        QTest::addColumn<double>("third"); // heap total, misses
        QTest::addColumn<double>("fourth"); // external, hit rate
        QTest::addColumn<double>("fifth"); // array buffers
        QTest::addColumn<qint64>("atMs");

        const qint64 logger = utcMs(2026, 1, 14, 10, 0, 0);
        const auto mem = LogKind::Memory;
        QTest::addRow("the app after 5 min")
            << QByteArray("2026-01-14T10:00:00.000Z [info]: Memory: RSS=336.6MB, Heap=212.7MB/218.0MB, "
                          "External=17.6MB, ArrayBuffers=13.6MB")
            << mem << 336.6 << 212.7 << 218.0 << 17.6 << 13.6 << logger;
        QTest::addRow("the app at startup, heap used without a unit")
            << QByteArray("Memory: RSS=244.2MB, Heap=140.7/166.7MB, External=13.1MB, ArrayBuffers=9.4MB") << mem
            << 244.2 << 140.7 << 166.7 << 13.1 << 9.4 << qint64(-1);
        QTest::addRow("winston plain") << QByteArray(
            "info: Memory: RSS=1.5GB, Heap=512KB/1GB, External=2MiB, ArrayBuffers=1048576B")
                                       << mem << 1536.0 << 0.5 << 1024.0 << 2.0 << 1.0 << qint64(-1);
        QTest::addRow("unitless used takes GB")
            << QByteArray("Memory: RSS=1GB, Heap=0.5/1GB, External=1MB, ArrayBuffers=1MB") << mem << 1024.0 << 512.0
            << 1024.0 << 1.0 << 1.0 << qint64(-1);
        QTest::addRow("colourised") << QByteArray(
            "\x1b[32m[info]\x1b[39m: Memory: RSS=336.6MB, Heap=212.7MB/218.0MB, External=17.6MB, "
            "ArrayBuffers=13.6MB\x1b[0m")
                                    << mem << 336.6 << 212.7 << 218.0 << 17.6 << 13.6 << qint64(-1);
        QTest::addRow("warn level memory line stays memory")
            << QByteArray("[warn]: Memory: RSS=380MB, Heap=300MB/310MB, External=1MB, ArrayBuffers=1MB") << mem << 380.0
            << 300.0 << 310.0 << 1.0 << 1.0 << qint64(-1);
        QTest::addRow("docker and logger timestamps")
            << QByteArray("2026-11-27T12:25:37.954071633Z 2026-11-27T12:25:37.954Z [info]: Memory: RSS=1MB, "
                          "Heap=1MB/2MB, External=0MB, ArrayBuffers=0MB")
            << mem << 1.0 << 1.0 << 2.0 << 0.0 << 0.0 << utcMs(2026, 11, 27, 12, 25, 37, 954);
        QTest::addRow("crlf") << QByteArray(
            "Memory: RSS=336.6MB, Heap=212.7MB/218.0MB, External=17.6MB, ArrayBuffers=13.6MB\r")
                              << mem << 336.6 << 212.7 << 218.0 << 17.6 << 13.6 << qint64(-1);
        QTest::addRow("cache") << QByteArray(
            "2026-01-14T10:00:00.000Z [info]: Cache stats - Keys: 2, Hits: 1346, Misses: 482, Hit rate: "
            "73.63%") << LogKind::Cache
                               << 2.0 << 1346.0 << 482.0 << 73.63 << kNaN << logger;
        QTest::addRow("overflow") << QByteArray(
            "[warn]: Audit log buffer overflow - dropped 12 entries (40 total dropped)")
                                  << LogKind::Overflow << 12.0 << 40.0 << kNaN << kNaN << kNaN << qint64(-1);

        const struct
        {
            const char* name;
            const char* line;
            LogKind kind;
        } plain[] = {
            {"warn", "2026-01-14T10:00:00.000Z [warn]: slow query", LogKind::Warning},
            {"WARN", "[WARN] slow query", LogKind::Warning},
            {"warning", "[Warning]: disk", LogKind::Warning},
            {"error", "[error]: boom", LogKind::Error},
            {"ERROR colour", "\x1b[31m[ERROR]\x1b[39m: boom", LogKind::Error},
            {"colour inside brackets", "[\x1b[33mwarn\x1b[39m]: careful", LogKind::Warning},
            {"winston warn", "warn: careful", LogKind::Warning},
            {"winston error after timestamp", "2026-01-14T10:00:00.000Z error: boom", LogKind::Error},
            {"winston colourised level", "\x1b[33mwarn\x1b[39m: careful", LogKind::Warning},
            {"next compiling", "\xe2\x97\x8b Compiling /page ...", LogKind::DevMode},
            {"next compiled", "\xe2\x9c\x93 Compiled in 1.2s", LogKind::DevMode},
            {"fast refresh", "[Fast Refresh] rebuilding", LogKind::DevMode},
            {"fast refresh warn", "[warn]: Fast Refresh had to perform a full reload", LogKind::DevMode},
            {"webpack", "<w> webpack.Progress 10% building", LogKind::DevMode},
            {"hmr", "[HMR] connected", LogKind::DevMode},
            {"turbopack", "   \xe2\x96\xb2 Next.js 14.1.0 (turbopack)", LogKind::DevMode},
            {"next 12 wait", "wait  - compiling...", LogKind::DevMode},
            {"next 12 event", "event - compiled client and server successfully in 300 ms", LogKind::DevMode},
            {"heap oom", "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
             LogKind::HeapOom},
            {"heap oom old", "FATAL ERROR: CALL_AND_RETRY_LAST Allocation failed - JavaScript heap out of memory",
             LogKind::HeapOom},
            {"info", "2026-01-14T10:00:00.000Z [info]: Starting Pangolin", LogKind::Other},
            {"warnings word", "warnings are fine", LogKind::Other},
            {"errors word", "errors: 0", LogKind::Other},
            {"information", "[information] x", LogKind::Other},
            {"lower compiled", "template compiled", LogKind::Other},
            {"memory word", "Memory: fine", LogKind::Other},
            {"empty", "", LogKind::Other},
        };
        for (const auto& row : plain)
            QTest::addRow("%s", row.name) << QByteArray(row.line) << row.kind << kNaN << kNaN << kNaN << kNaN << kNaN
                                          << qint64(QByteArray(row.line).startsWith("2026") ? logger : -1);
    }

    // winston's level after a timestamp of its own: the first word after the first space among the line's first 40
    // bytes, in lines long and short (read 16 bytes at a time, or byte by byte near the end of the line).
    void levelAfterTheLoggersTimestamp_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<LogKind>("kind");
        const auto stamp = [](int length) { return "2026-01-14T" + QByteArray(length - 11, '1'); };
        const QByteArray tail = " and the rest of a long line";
        for (int length : {20, 24, 31, 32, 39}) {
            QTest::addRow("space at %d, long", length) << stamp(length) + " error: boom" + tail << LogKind::Error;
            QTest::addRow("space at %d, short", length) << stamp(length) + " warn:" << LogKind::Warning;
        }
        for (int length : {40, 47, 60}) {
            QTest::addRow("space at %d, long", length) << stamp(length) + " error: boom" + tail << LogKind::Other;
            QTest::addRow("space at %d, short", length) << stamp(length) + " warn:" << LogKind::Other;
        }
        QTest::addRow("a space inside the timestamp")
            << QByteArray("2026-01-14 10:00:00.000Z error: boom") + tail << LogKind::Other;
    }
    void levelAfterTheLoggersTimestamp()
    {
        QFETCH(QByteArray, line);
        QFETCH(LogKind, kind);
        LogRecord r;
        const bool recognised = LogParser::parseLine(line, LogStream::Stdout, r);
        QCOMPARE(recognised ? r.kind : LogKind::Other, kind);
    }

    void lines()
    {
        QFETCH(QByteArray, line);
        QFETCH(LogKind, kind);
        QFETCH(double, first);
        QFETCH(double, second);
        QFETCH(double, third);
        QFETCH(double, fourth);
        QFETCH(double, fifth);
        QFETCH(qint64, atMs);

        const Parsed p = parseAll(line + '\n', LogStream::Stderr);
        QCOMPARE(p.counters.lines, quint64(1));
        QCOMPARE(p.counters.malformed, quint64(0));
        if (kind == LogKind::Other) {
            QVERIFY(p.records.empty());
            QCOMPARE(p.counters.recognised, quint64(0));
            LogRecord r;
            QVERIFY(!LogParser::parseLine(line, LogStream::Stdout, r));
            return;
        }
        QCOMPARE(p.counters.recognised, quint64(1));
        QCOMPARE(p.records.size(), size_t(1));
        const LogRecord& r = p.records.front();
        QCOMPARE(r.kind, kind);
        QCOMPARE(r.stream, LogStream::Stderr);
        QCOMPARE(r.atMs, atMs);
        switch (kind) {
        case LogKind::Memory:
            QCOMPARE(r.memory.rssMiB, first);
            QCOMPARE(r.memory.heapUsedMiB, second);
            QCOMPARE(r.memory.heapTotalMiB, third);
            QCOMPARE(r.memory.externalMiB, fourth);
            QCOMPARE(r.memory.arrayBuffersMiB, fifth);
            QCOMPARE(r.memory.atMs, atMs);
            QVERIFY(r.text.isEmpty());
            break;
        case LogKind::Cache:
            QCOMPARE(r.cache.keys, qint64(first));
            QCOMPARE(r.cache.hits, qint64(second));
            QCOMPARE(r.cache.misses, qint64(third));
            QCOMPARE(r.cache.hitRatePercent, fourth);
            break;
        case LogKind::Overflow:
            QCOMPARE(r.overflow.dropped, qint64(first));
            QCOMPARE(r.overflow.totalDropped, qint64(second));
            QVERIFY(!r.text.isEmpty());
            break;
        default:
            // The message as shown: escapes gone, nothing else changed.
            QCOMPARE(r.text, QString::fromUtf8(line).remove(QRegularExpression(QStringLiteral("\x1b\\[[0-9;]*m"))));
            break;
        }
        // The static entry point agrees with the streaming one.
        LogRecord single;
        QVERIFY(LogParser::parseLine(line, LogStream::Stderr, single));
        QVERIFY(sameRecord(single, r));
    }

    // The app's exact "…MB, …" shape takes a shortcut; any other spelling takes the general path. Both must give
    // the same numbers.
    void exactAndGeneralPathsAgree()
    {
        QRandomGenerator rng(31337);
        for (int i = 0; i < 2000; ++i) {
            double v[5];
            for (double& x : v)
                x = std::round(rng.bounded(100000.0)) / (i % 3 == 0 ? 1000.0 : 10.0);
            const QByteArray exact
                = QStringLiteral("Memory: RSS=%1MB, Heap=%2MB/%3MB, External=%4MB, ArrayBuffers=%5MB")
                      .arg(v[0])
                      .arg(v[1])
                      .arg(v[2])
                      .arg(v[3])
                      .arg(v[4])
                      .toLatin1();
            QByteArray general = exact;
            general.replace("MB", " MiB");
            LogRecord a, b;
            QVERIFY(LogParser::parseLine(exact, LogStream::Stdout, a));
            QVERIFY(LogParser::parseLine(general, LogStream::Stdout, b));
            for (int k = 0; k < 5; ++k) {
                const double fromExact[] = {a.memory.rssMiB, a.memory.heapUsedMiB, a.memory.heapTotalMiB,
                                            a.memory.externalMiB, a.memory.arrayBuffersMiB};
                const double fromGeneral[] = {b.memory.rssMiB, b.memory.heapUsedMiB, b.memory.heapTotalMiB,
                                              b.memory.externalMiB, b.memory.arrayBuffersMiB};
                QCOMPARE(fromExact[k], fromGeneral[k]);
                QCOMPARE(fromExact[k], v[k]); // and both equal the printed decimal, correctly rounded
            }
        }
    }

    // The cache stats line as the app prints it takes a shortcut too; the same figures spelt with more spaces take
    // the general path. Both give the same numbers: the counts, and the rate as the printed decimal.
    // The app's level prefixes ("[error]: ", "[warn]: ", coloured or not) are read at once, the pass over the rest
    // starting after them: every line gets the kind, record and time the long way gives it (the same line behind
    // a space, which the shortcut does not take).
    void appLevelPrefixesReadAsTheLongWay()
    {
        const QByteArray prefixes[]
            = {"[error]: ", "[warn]: ", "\x1b[31m[error]\x1b[39m: ", "\x1b[33m[warn]\x1b[39m: ", "[info]: ",
               "[error]:",  "[warn] "};
        const QByteArray bodies[] = {
            "Failed to flush audit logs: SQLITE_BUSY: database is locked",
            "Audit log buffer overflow - dropped 400 entries (800 total dropped)",
            "Memory: RSS=336.6MB, Heap=212.7MB/218.0MB, External=17.6MB, ArrayBuffers=13.6MB",
            "Cache stats - Keys: 2, Hits: 1346, Misses: 482, Hit rate: 73.63%",
            "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
            "wait compiling /api/route ...",
            "[HMR] connected",
            "Server listening on port 3000 in production mode",
            "[error] twice",
            "",
        };
        const QByteArray stamps[] = {"", "2026-11-27T12:20:01.250Z ", "2026-11-27T12:20:01.250051940Z ",
                                     "2026-11-27T12:20:01.250051940Z 2026-11-27T12:20:01.250Z "};
        int shortcuts = 0;
        for (const QByteArray& stamp : stamps) {
            for (const QByteArray& prefix : prefixes) {
                for (const QByteArray& body : bodies) {
                    const QByteArray line = stamp + prefix + body;
                    const QByteArray longWay = stamp + ' ' + prefix + body;
                    LogRecord a, b;
                    const bool okA = LogParser::parseLine(line, LogStream::Stdout, a);
                    const bool okB = LogParser::parseLine(longWay, LogStream::Stdout, b);
                    QVERIFY2(okA == okB && a.kind == b.kind, line.constData());
                    QCOMPARE(a.atMs, b.atMs);
                    if (a.kind == LogKind::Overflow)
                        QCOMPARE(a.overflow.totalDropped, b.overflow.totalDropped);
                    if (a.kind == LogKind::Memory)
                        QCOMPARE(a.memory.rssMiB, b.memory.rssMiB);
                    shortcuts += prefix.endsWith(": ") && prefix != "[info]: " ? 1 : 0;
                }
            }
        }
        QVERIFY(shortcuts > 100);
    }

    void exactAndGeneralCachePathsAgree()
    {
        QRandomGenerator rng(4242);
        // The exact lines again as a replay reads them, each the cache ring's row: storedCacheRow() of its sample.
        QByteArray log;
        std::vector<std::array<float, 4>> wantRows;
        for (int i = 0; i < 2000; ++i) {
            const qint64 keys = rng.bounded(i % 7 == 0 ? 1000000000 : 100);
            const qint64 hits = rng.bounded(i % 5 == 0 ? 999999999 : 100000);
            const qint64 misses = rng.bounded(i % 3 == 0 ? 999999999 : 10000);
            const double rate = std::round(rng.bounded(10001.0)) / (i % 4 == 0 ? 1.0 : 100.0);
            if (rate > 100)
                continue;
            const QByteArray exact
                = QStringLiteral("[info]: Cache stats - Keys: %1, Hits: %2, Misses: %3, Hit rate: %4%")
                      .arg(keys)
                      .arg(hits)
                      .arg(misses)
                      .arg(rate)
                      .toLatin1();
            QByteArray general = exact;
            general.replace(": ", ":  ");
            LogRecord a, b;
            QVERIFY2(LogParser::parseLine(exact, LogStream::Stdout, a), exact.constData());
            QVERIFY2(LogParser::parseLine(general, LogStream::Stdout, b), general.constData());
            QCOMPARE(a.kind, LogKind::Cache);
            QCOMPARE(b.kind, LogKind::Cache);
            QCOMPARE(a.cache.keys, keys);
            QCOMPARE(a.cache.hits, hits);
            QCOMPARE(a.cache.misses, misses);
            QCOMPARE(a.cache.hitRatePercent, rate); // the printed decimal, correctly rounded
            QCOMPARE(b.cache.keys, a.cache.keys);
            QCOMPARE(b.cache.hits, a.cache.hits);
            QCOMPARE(b.cache.misses, a.cache.misses);
            QCOMPARE(b.cache.hitRatePercent, a.cache.hitRatePercent);
            log += "2026-11-27T12:20:" + QByteArray::number(10 + i % 50) + ".000000001Z " + exact + '\n';
            wantRows.push_back(storedCacheRow(a.cache));
        }
        LogParser replay(LogParser::Timestamps::Detect, LogParser::Hashing::Gated);
        MemoryRows rows;
        replay.setMemoryRows(&rows);
        std::vector<LogRecord> records;
        replay.feed(log, LogStream::Stdout, records);
        replay.finish(records);
        QCOMPARE(rows.cacheRows.size(), wantRows.size());
        for (size_t i = 0; i < wantRows.size(); ++i)
            QVERIFY2(std::memcmp(rows.cacheRows[i].v.data(), wantRows[i].data(), sizeof wantRows[i]) == 0,
                     qPrintable(QString::number(i)));
        // Shapes near the shortcut's edges: each is what the general path makes of it.
        const QByteArray edges[] = {
            "Cache stats - Keys: 2, Hits: 1346, Misses: 482, Hit rate: 100.01%", // above 100: refused
            "Cache stats - Keys: 2., Hits: 1346, Misses: 482, Hit rate: 73.63%", // a count with a point: refused
            "Cache stats - Keys: 2, Hits: 1234567890, Misses: 482, Hit rate: 73.63%", // ten digits: general, taken
            "Cache stats - Keys: 2, Hits: 1346, Misses: 482, Hit rate: 73.6312345%", // long rate: general, taken
            "Cache stats - Keys: 2, Hits: 1346, Misses: 482, Hit rate: 73.63", // no '%': refused
            "Cache stats - Keys: 2, Hits: 1346, Misses: 482, Hit rate: 7e1%", // exponent: general, taken
        };
        const bool taken[] = {false, false, true, true, false, true};
        for (size_t k = 0; k < std::size(edges); ++k) {
            LogRecord r;
            QCOMPARE(LogParser::parseLine(edges[k], LogStream::Stdout, r) && r.kind == LogKind::Cache, taken[k]);
        }
        LogRecord r;
        QVERIFY(LogParser::parseLine(edges[2], LogStream::Stdout, r));
        QCOMPARE(r.cache.hits, qint64(1234567890));
        QVERIFY(LogParser::parseLine(edges[3], LogStream::Stdout, r));
        QCOMPARE(r.cache.hitRatePercent, 73.6312345);
        QVERIFY(LogParser::parseLine(edges[5], LogStream::Stdout, r));
        QCOMPARE(r.cache.hitRatePercent, 70.0);
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addRow("cut off") << QByteArray("[info]: Memory: RSS=33");
        QTest::addRow("cut in heap") << QByteArray("[info]: Memory: RSS=336.6MB, Heap=212.7MB/");
        QTest::addRow("no array buffers") << QByteArray("Memory: RSS=336.6MB, Heap=212.7MB/218.0MB, External=17.6MB");
        QTest::addRow("NaN") << QByteArray("Memory: RSS=NaNMB, Heap=1MB/2MB, External=1MB, ArrayBuffers=1MB");
        QTest::addRow("1e309") << QByteArray("Memory: RSS=1e309MB, Heap=1MB/2MB, External=1MB, ArrayBuffers=1MB");
        QTest::addRow("negative") << QByteArray("Memory: RSS=-5MB, Heap=1MB/2MB, External=1MB, ArrayBuffers=1MB");
        QTest::addRow("unknown unit") << QByteArray("Memory: RSS=5XB, Heap=1MB/2MB, External=1MB, ArrayBuffers=1MB");
        QTest::addRow("NUL inside") << QByteArray("Memory: RSS=336.6MB") + '\0'
                + QByteArray(", Heap=1MB/2MB, External=1MB, ArrayBuffers=1MB");
        QTest::addRow("cache cut") << QByteArray("Cache stats - Keys: 2, Hits: 13");
        QTest::addRow("cache rate cut") << QByteArray("Cache stats - Keys: 2, Hits: 1346, Misses: 482, Hit rate: 73.6");
        QTest::addRow("cache letters") << QByteArray("Cache stats - Keys: two, Hits: 1, Misses: 1, Hit rate: 1%");
        QTest::addRow("cache negative") << QByteArray("Cache stats - Keys: -2, Hits: 1, Misses: 1, Hit rate: 1%");
        QTest::addRow("cache huge") << QByteArray(
            "Cache stats - Keys: 99999999999999999999, Hits: 1, Misses: 1, Hit rate: 1%");
        QTest::addRow("unit with trailing letters")
            << QByteArray("Memory: RSS=336.6MB, Heap=212.7MB/218.0MB, External=17.6MB, ArrayBuffers=13.6MBs");
    }

    void malformed()
    {
        QFETCH(QByteArray, line);
        const Parsed p = parseAll(kBefore + line + '\n' + kAfter);
        QCOMPARE(p.counters.lines, quint64(3));
        QCOMPARE(p.counters.malformed, quint64(1));
        QCOMPARE(p.counters.recognised, quint64(2));
        QCOMPARE(p.records.size(), size_t(2));
        verifyNeighbours(p);
        LogRecord r;
        QVERIFY(!LogParser::parseLine(line, LogStream::Stdout, r));
    }

    // An overflow warning is an event whatever its wording (the seed's monitoring script counts every line that says
    // "buffer overflow"): a line cut short, another wording, counts out of range. Not malformed, and the flag is not
    // "none"; the entries dropped are read where a count follows "dropped ", the running total only from the app's
    // own wording.
    void overflowInOtherWords_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<qint64>("dropped");
        QTest::addColumn<qint64>("total");
        QTest::addRow("the app's") << QByteArray(
            "[warn]: Audit log buffer overflow - dropped 12 entries (40 total dropped)")
                                   << qint64(12) << qint64(40);
        QTest::addRow("cut") << QByteArray("[warn]: Audit log buffer overflow - dropped") << qint64(-1) << qint64(-1);
        QTest::addRow("no total") << QByteArray("[warn]: Audit log buffer overflow - dropped 12 entries (")
                                  << qint64(12) << qint64(-1);
        QTest::addRow("alone") << QByteArray("[warn]: Audit log buffer overflow") << qint64(-1) << qint64(-1);
        QTest::addRow("other words") << QByteArray(
            "2026-11-20T00:10:02.922Z [warn]: Audit log buffer overflow, dropped 31 entries (buffer size: "
            "1000)") << qint64(31) << qint64(-1);
        QTest::addRow("at error level") << QByteArray("[error]: Audit log buffer overflow: 5 entries lost")
                                        << qint64(-1) << qint64(-1);
        QTest::addRow("dropped above total")
            << QByteArray("[warn]: Audit log buffer overflow - dropped 41 entries (40 total dropped)") << qint64(41)
            << qint64(-1);
        QTest::addRow("negative") << QByteArray(
            "[warn]: Audit log buffer overflow - dropped -1 entries (-5 total dropped)")
                                  << qint64(-1) << qint64(-1);
        QTest::addRow("19 digits") << QByteArray(
            "[warn]: Audit log buffer overflow - dropped 9999999999999999999 entries (1 total dropped)")
                                   << qint64(-1) << qint64(-1);
        QTest::addRow("a total in other words")
            << QByteArray("[warn]: Audit log buffer overflow - dropped 12 entries (40 dropped so far)") << qint64(12)
            << qint64(-1);
        QTest::addRow("a fraction") << QByteArray("[warn]: Audit log buffer overflow - dropped 1.5 entries")
                                    << qint64(-1) << qint64(-1);
    }

    void overflowInOtherWords()
    {
        QFETCH(QByteArray, line);
        QFETCH(qint64, dropped);
        QFETCH(qint64, total);
        // Each line twice in a row and among Memory lines, so that a layout learnt from the first would read the
        // second.
        const Parsed p = parseAll(kBefore + line + '\n' + line + '\n' + kAfter);
        QCOMPARE(p.counters.lines, quint64(4));
        QCOMPARE(p.counters.malformed, quint64(0));
        QCOMPARE(p.counters.recognised, quint64(4));
        QCOMPARE(p.records.size(), size_t(4));
        for (int i : {1, 2}) {
            const LogRecord& r = p.records[size_t(i)];
            QCOMPARE(r.kind, LogKind::Overflow);
            QCOMPARE(r.overflow.dropped, dropped);
            QCOMPARE(r.overflow.totalDropped, total);
            QVERIFY(r.text.contains(QStringLiteral("Audit log buffer overflow")));
        }
        LogRecord r;
        QVERIFY(LogParser::parseLine(line, LogStream::Stdout, r));
        QCOMPARE(r.overflow.dropped, dropped);
        QCOMPARE(r.overflow.totalDropped, total);
        // A replay's parser, which learns a layout from the second of two lines of one length and reads the next
        // ones by it: the same counts (a layout is learnt from the app's own wording only).
        LogParser replay(LogParser::Timestamps::Detect, LogParser::Hashing::Gated);
        MemoryRows rows;
        replay.setMemoryRows(&rows);
        std::vector<LogRecord> records;
        QByteArray log;
        for (int i = 0; i < 5; ++i)
            log += "2026-11-27T12:20:3" + QByteArray::number(i) + ".000000000Z " + line + '\n';
        replay.feed(log, LogStream::Stdout, records);
        replay.finish(records);
        QCOMPARE(replay.counters().malformed, quint64(0));
        QCOMPARE(records.size(), size_t(5));
        for (const LogRecord& o : records) {
            QCOMPARE(o.kind, LogKind::Overflow);
            QCOMPARE(o.overflow.dropped, dropped);
            QCOMPARE(o.overflow.totalDropped, total);
        }
        QCOMPARE(replay.laidOutRecordLines() > 0, total >= 0);
    }

    void oversized_data()
    {
        QTest::addColumn<qsizetype>("length");
        QTest::addColumn<bool>("oversized");
        QTest::addRow("1 MB") << qsizetype(1000000) << false;
        QTest::addRow("exactly the limit") << LogParser::kMaxLineBytes << false;
        QTest::addRow("one over") << LogParser::kMaxLineBytes + 1 << true;
        QTest::addRow("10 MB") << qsizetype(10 * 1024 * 1024) << true;
    }

    void oversized()
    {
        QFETCH(qsizetype, length);
        QFETCH(bool, oversized);
        // A long [error] line: if it is not oversized it must come out as an Error with a capped text.
        QByteArray line = "[error]: ";
        line += QByteArray(length - line.size(), 'x');
        const QByteArray data = kBefore + line + '\n' + kAfter;
        for (const qsizetype chunk : {qsizetype(0), qsizetype(65536), qsizetype(1000003)}) {
            const Parsed p = parseChunked(data, LogStream::Stdout, [chunk] { return chunk; });
            QCOMPARE(p.counters.lines, quint64(3));
            QCOMPARE(p.counters.oversized, quint64(oversized ? 1 : 0));
            QCOMPARE(p.counters.bytes, quint64(data.size()));
            QCOMPARE(p.records.size(), size_t(oversized ? 2 : 3));
            verifyNeighbours(p);
            if (!oversized) {
                QCOMPARE(p.records.at(1).kind, LogKind::Error);
                QCOMPARE(p.records.at(1).text.size(), 4096);
            }
        }
    }

    void oversizedAtEndOfStream()
    {
        LogParser parser;
        std::vector<LogRecord> out;
        parser.feed(kBefore, LogStream::Stdout, out);
        const QByteArray block(64 * 1024, 'y');
        for (int i = 0; i < 40; ++i) // 2.5 MiB without a newline
            parser.feed(block, LogStream::Stdout, out);
        parser.finish(out);
        QCOMPARE(parser.counters().lines, quint64(2));
        QCOMPARE(parser.counters().oversized, quint64(1));
        QCOMPARE(out.size(), size_t(1));
    }

    void garbage()
    {
        QRandomGenerator rng(20261127);
        QByteArray noise(1 << 20, '\0');
        for (char& c : noise)
            c = char(rng.bounded(256));
        const QByteArray data = kBefore + noise + '\n' + kAfter;
        const Parsed p = parseAll(data);
        const Parsed chunked = parseChunked(data, LogStream::Stdout, [&] { return qsizetype(rng.bounded(1, 5000)); });
        QVERIFY(sameCounters(p.counters, chunked.counters));
        QCOMPARE(p.counters.lines, quint64(data.count('\n')));
        QCOMPARE(p.counters.bytes, quint64(data.size()));
        QCOMPARE(p.counters.oversized, quint64(0));
        verifyNeighbours(p);
        QCOMPARE(p.records.size(), size_t(2)); // random bytes do not spell "Memory: RSS=" by chance
    }

    // Valid lines with random bytes overwritten: whatever they turn into, chunking never changes the outcome and
    // every line is counted once.
    void mutatedLines()
    {
        const QByteArray original = readFixture(QFINDTESTDATA("../fixtures/synthetic/logs-mixed.txt"));
        QRandomGenerator rng(777);
        for (int round = 0; round < 200; ++round) {
            QByteArray data = original;
            for (int i = 0; i < 8; ++i)
                data[rng.bounded(int(data.size()))] = char(rng.bounded(256));
            const Parsed whole = parseAll(data);
            const Parsed random = parseChunked(data, LogStream::Stdout, [&] { return qsizetype(rng.bounded(1, 40)); });
            QVERIFY(sameCounters(whole.counters, random.counters));
            QCOMPARE(whole.counters.lines, quint64(data.count('\n') + (data.endsWith('\n') ? 0 : 1)));
            QCOMPARE(whole.counters.recognised, quint64(whole.records.size()));
            QCOMPARE(random.records.size(), whole.records.size());
            for (size_t r = 0; r < whole.records.size(); ++r)
                QVERIFY(sameRecord(whole.records[r], random.records[r]));
        }
    }

    void nulAndInvalidUtf8()
    {
        const QByteArray nul("\0\0[warn]\0 disk almost \0full", 27);
        const QByteArray utf8 = "[error]: bad bytes \xff\xfe\xc3 end";
        const Parsed p = parseAll(kBefore + nul + '\n' + utf8 + '\n' + kAfter);
        QCOMPARE(p.counters.lines, quint64(4));
        QCOMPARE(p.records.size(), size_t(4));
        verifyNeighbours(p);
        QCOMPARE(p.records.at(1).kind, LogKind::Warning);
        QCOMPARE(p.records.at(1).text, QStringLiteral("[warn] disk almost full"));
        QCOMPARE(p.records.at(2).kind, LogKind::Error);
        QVERIFY(p.records.at(2).text.startsWith(QStringLiteral("[error]: bad bytes ")));
        QVERIFY(p.records.at(2).text.contains(QChar(0xfffd)));
        QVERIFY(p.records.at(2).text.endsWith(QStringLiteral(" end")));
    }

    void streamsKeepTheirOwnPartialLines()
    {
        LogParser parser;
        std::vector<LogRecord> out;
        parser.feed("[info]: Memory: RSS=1MB, Heap=1MB/2MB, Ext", LogStream::Stdout, out);
        parser.feed("[error]: first\n[err", LogStream::Stderr, out);
        parser.feed("ernal=1MB, ArrayBuffers=1MB\n", LogStream::Stdout, out);
        parser.feed("or]: second", LogStream::Stderr, out);
        QCOMPARE(out.size(), size_t(2));
        parser.finish(out); // the last stderr line has no newline
        QCOMPARE(out.size(), size_t(3));
        QCOMPARE(out.at(0).kind, LogKind::Error);
        QCOMPARE(out.at(0).stream, LogStream::Stderr);
        QCOMPARE(out.at(1).kind, LogKind::Memory);
        QCOMPARE(out.at(1).stream, LogStream::Stdout);
        QCOMPARE(out.at(1).memory.heapTotalMiB, 2.0);
        QCOMPARE(out.at(2).text, QStringLiteral("[error]: second"));
        QCOMPARE(parser.counters().lines, quint64(3));
    }

    void lineHashIgnoresDockerTimestamp()
    {
        const QByteArray message = "2026-11-27T12:25:49.968Z [error]: Failed to flush audit logs";
        LogRecord a, b, c, d;
        QVERIFY(LogParser::parseLine("2026-11-27T12:25:49Z " + message, LogStream::Stdout, a));
        QVERIFY(LogParser::parseLine("2026-11-27T12:25:49.968123456Z " + message, LogStream::Stdout, b));
        QVERIFY(LogParser::parseLine(message, LogStream::Stdout, c));
        QVERIFY(LogParser::parseLine(message + '.', LogStream::Stdout, d));
        QCOMPARE(a.lineHash, b.lineHash);
        QCOMPARE(a.lineHash, c.lineHash);
        QVERIFY(a.lineHash != d.lineHash);
        QVERIFY(a.lineHash != 0);
        QCOMPARE(a.dockerTimeNs, utcMs(2026, 11, 27, 12, 25, 49) * 1000000);
        QCOMPARE(b.dockerTimeNs, utcMs(2026, 11, 27, 12, 25, 49) * 1000000 + 968123456);
        QCOMPARE(c.dockerTimeNs, qint64(-1)); // a lone 3-digit timestamp is the logger's
        QCOMPARE(c.atMs, utcMs(2026, 11, 27, 12, 25, 49, 968));
        QCOMPARE(a.text, c.text);
    }

    void gateSeesEachLineAndTheOneHash_data()
    {
        QTest::addColumn<int>("chunkBytes");
        QTest::addRow("whole") << 0;
        QTest::addRow("1-byte reads") << 1;
        QTest::addRow("7-byte reads") << 7;
    }

    // The live path: every line reaches the gate once, in order, with its engine timestamp and its hash; the
    // lines it refuses are neither parsed nor counted; no line is hashed twice.
    void gateSeesEachLineAndTheOneHash()
    {
        QFETCH(int, chunkBytes);
        const QByteArray memory = "[info]: Memory: RSS=336.6MB, Heap=212.7MB/218.0MB, External=17.6MB, "
                                  "ArrayBuffers=13.6MB";
        const QByteArray replay = "[warn]: Slow query took 1200 ms";
        const QByteArray data = "2026-11-27T12:20:33.882071633Z " + memory + "\r\n" // CRLF
            + "2026-11-27T12:20:34.000000001Z " + replay + "\n" // refused: a replay
            + "Error response from daemon: No such container: badger\n" // the CLI, no timestamp
            + "2026-11-27T12:20:35.5Z [info]: GET / 200\n" // podman trims zeros; an Other line
            + "2026-11-27T12:20:36.123Z [error]: SQLITE_BUSY\n"; // 3 digits: still the engine's
        LogParser parser(LogParser::Timestamps::Engine);
        std::vector<LogRecord> out;
        RecordingGate gate;
        gate.out = &out;
        gate.drop = {replay, "Error response from daemon: No such container: badger"};
        for (qsizetype at = 0; at<data.size(); at += chunkBytes> 0 ? chunkBytes : data.size())
            parser.feed(QByteArrayView(data).sliced(
                            at, std::min<qsizetype>(chunkBytes > 0 ? chunkBytes : data.size(), data.size() - at)),
                        LogStream::Stderr, out, &gate);
        parser.finish(out);

        QCOMPARE(gate.seen.size(), size_t(5));
        const qint64 base = utcMs(2026, 11, 27, 12, 20, 33) * 1000000;
        const std::vector<qint64> times {base + 882071633, base + 1000000001, -1, base + 2500000000, base + 3123000000};
        const std::vector<QByteArray> messages {memory, replay, "Error response from daemon: No such container: badger",
                                                "[info]: GET / 200", "[error]: SQLITE_BUSY"};
        for (size_t i = 0; i < gate.seen.size(); ++i) {
            QCOMPARE(gate.seen[i].stream, LogStream::Stderr);
            QCOMPARE(gate.seen[i].dockerTimeNs, times[i]);
            QCOMPARE(gate.seen[i].message, messages[i]);
            QCOMPARE(gate.seen[i].hash, times[i] >= 0 ? LogParser::hashLine(messages[i]) : quint64(0));
        }
        // Refused lines (the replay, the CLI's message) are not lines of the app: not counted, not parsed.
        QCOMPARE(parser.counters().lines, quint64(3));
        QCOMPARE(parser.counters().recognised, quint64(2));
        QCOMPARE(out.size(), size_t(2));
        QCOMPARE(out[0].kind, LogKind::Memory);
        QCOMPARE(out[0].dockerTimeNs, times[0]);
        QCOMPARE(out[0].lineHash, gate.seen[0].hash);
        QCOMPARE(out[1].kind, LogKind::Error);
        QCOMPARE(out[1].dockerTimeNs, times[4]);
        QCOMPARE(out[1].lineHash, gate.seen[4].hash);
        // parsed() follows each admitted line, its record already in the output.
        QCOMPARE(gate.recordsAfterParsed, (std::vector<size_t> {1, 1, 2}));
        // One hash per line with a timestamp, shared by the gate and the record: none for the CLI's message.
        QCOMPARE(parser.hashesComputed(), quint64(4));
    }

    void withoutAGateOnlyRecordsAreHashed()
    {
        LogParser parser;
        std::vector<LogRecord> out;
        parser.feed(kBefore + "[info]: GET / 200\n" + kAfter, LogStream::Stdout, out);
        QCOMPARE(parser.counters().lines, quint64(3));
        QCOMPARE(parser.hashesComputed(), quint64(2));
        QCOMPARE(out.size(), size_t(2));
        QCOMPARE(out[0].lineHash, LogParser::hashLine(kBefore.chopped(1)));
    }

    void engineTimestamps_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<bool>("detected"); // Timestamps::Detect takes it for docker's
        QTest::addColumn<bool>("engine"); // Timestamps::Engine does
        QTest::addRow("nanoseconds") << QByteArray("2026-11-27T12:25:49.968123456Z [error]: x") << true << true;
        QTest::addRow("3 digits") << QByteArray("2026-11-27T12:25:49.968Z [error]: x") << false << true;
        QTest::addRow("3 digits, then the logger's") << QByteArray("2026-11-27T12:25:49.968Z 2026-11-27T12:25:49Z "
                                                                   "[error]: x")
                                                     << true << true;
        QTest::addRow("offset") << QByteArray("2026-11-27T13:25:49.5+01:00 [error]: x") << true << true;
        QTest::addRow("no space") << QByteArray("2026-11-27T12:25:49Z[error]: x") << false << false;
        QTest::addRow("nothing after it") << QByteArray("2026-11-27T12:25:49Z") << true << false;
        QTest::addRow("no zone") << QByteArray("2026-11-27T12:25:49 [error]: x") << false << false;
        QTest::addRow("space for the T") << QByteArray("2026-11-27 12:25:49.5Z [error]: x") << true << false;
        QTest::addRow("the CLI") << QByteArray("Error response from daemon: [error]") << false << false;
    }

    void engineTimestamps()
    {
        QFETCH(QByteArray, line);
        QFETCH(bool, detected);
        QFETCH(bool, engine);
        for (const auto mode : {LogParser::Timestamps::Detect, LogParser::Timestamps::Engine}) {
            LogParser parser(mode);
            RecordingGate gate;
            std::vector<LogRecord> out;
            gate.out = &out;
            parser.feed(line + '\n', LogStream::Stdout, out, &gate);
            QCOMPARE(gate.seen.size(), size_t(1));
            const bool expected = mode == LogParser::Timestamps::Engine ? engine : detected;
            QCOMPARE(gate.seen[0].dockerTimeNs >= 0, expected);
            QCOMPARE(gate.seen[0].message.size() < line.size(), expected);
        }
    }

    void loggerTimestampLength_data()
    {
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("length");
        QTest::addRow("toISOString") << QStringLiteral("2026-01-14T10:00:00.000Z [warn]: x") << 25;
        QTest::addRow("space and comma") << QStringLiteral("2026-01-14 10:00:00,123 error: x") << 24;
        QTest::addRow("offset, two blanks") << QStringLiteral("2026-01-14T10:00:00+01:00  x") << 27;
        QTest::addRow("offset without colon") << QStringLiteral("2026-01-14T10:00:00+0100\tx") << 25;
        QTest::addRow("cut-off offset") << QStringLiteral("2026-01-14T10:00:00+01 x") << 0;
        QTest::addRow("not first") << QStringLiteral("[warn]: 2026-01-14T10:00:00Z x") << 0;
        QTest::addRow("no blank after it") << QStringLiteral("2026-01-14T10:00:00Z") << 0;
        QTest::addRow("no time") << QStringLiteral("2026-01-14T x") << 0;
        QTest::addRow("Arabic-Indic digits") << QStringLiteral("\u0662026-01-14T10:00:00Z x") << 0;
        QTest::addRow("empty") << QString() << 0;
    }

    // What the log panel leaves out of a message: the logger's timestamp, exactly as far as the pattern the
    // panel once ran on every paint reached.
    void loggerTimestampLength()
    {
        QFETCH(QString, message);
        QFETCH(int, length);
        QCOMPARE(heapwatch::loggerTimestampLength(message), qsizetype(length));
        static const QRegularExpression stamp(
            QStringLiteral("^\\d{4}-\\d\\d-\\d\\d[T ][0-9:.,]+(Z|[+-]\\d\\d:?\\d\\d)?\\s+"));
        const QRegularExpressionMatch m = stamp.match(message);
        QCOMPARE(m.hasMatch() ? m.capturedLength() : 0, length);
    }

private:
    static double roundToTenth(double v) { return std::round(v * 10) / 10; }
};

QTEST_GUILESS_MAIN(TestLogParser)
#include "tst_logparser.moc"
