// Properties of the whole pipeline that the fuzz targets check too (tests/fuzz/FuzzTargets.h), here over the
// real captures and over hostile variants of them, from fixed seeds so that every run tries the same inputs:
// - a log or stats stream fed in random chunks gives exactly the records and counters of feeding it whole;
// - parse → state → the `check --json` object never holds NaN, infinity or a negative size.
#include "../fuzz/FuzzTargets.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTest>

using namespace heapwatch;

namespace {

QByteArray readFixture(const char* name)
{
    QFile f(QStringLiteral(HEAPWATCH_FIXTURES "/") + QLatin1String(name));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Between 1 and 40 cut positions, sorted; about one in five splits cuts byte by byte over a stretch.
std::vector<size_t> randomCuts(QRandomGenerator& rng, size_t size)
{
    std::vector<size_t> cuts;
    const int count = int(rng.bounded(1, 41));
    for (int i = 0; i < count; ++i)
        cuts.push_back(size_t(rng.bounded(quint64(size) + 1)));
    if (size > 0 && rng.bounded(5) == 0) {
        const size_t from = size_t(rng.bounded(quint64(size)));
        for (size_t p = from; p < std::min(size, from + 64); ++p)
            cuts.push_back(p);
    }
    std::sort(cuts.begin(), cuts.end());
    return cuts;
}

// The fixture with a few bytes overwritten by the characters that matter to the parsers (digits, separators,
// ESC, newlines, signs, exponents): whatever it turns into, the properties still hold.
QByteArray mutated(QByteArray data, QRandomGenerator& rng)
{
    static const char kInteresting[] = "0123456789.,:%/ \t\r\n\x1b[{}\"-+eEkMGTiB9";
    const int edits = int(rng.bounded(1, 9));
    for (int i = 0; i < edits && !data.isEmpty(); ++i)
        data[qsizetype(rng.bounded(quint64(data.size())))]
            = kInteresting[rng.bounded(quint32(sizeof kInteresting - 1))];
    return data;
}

const char* const kLogFixtures[]
    = {"docker-cli-28.2.2/logs-timestamps.stdout.txt", "docker-cli-28.2.2/logs-timestamps.stderr.txt",
       "podman-cli-4.3.1/logs-timestamps-tail.txt", "synthetic/logs-mixed.txt"};
const char* const kStatsFixtures[] = {"docker-cli-28.2.2/stats-stream.txt",
                                      "docker-cli-28.2.2/stats-stream-json.txt",
                                      "docker-cli-28.2.2/stats-no-stream-table.txt",
                                      "docker-cli-28.2.2/stats-no-stream-json.txt",
                                      "podman-cli-4.3.1/stats-stream.txt",
                                      "podman-cli-4.3.1/stats-no-stream-table.txt",
                                      "podman-cli-4.3.1/stats-no-stream-json.txt",
                                      "synthetic/stats-stream-template.txt",
                                      "synthetic/stats-stream-docker27.3.txt",
                                      "synthetic/stats-podman-json-stream.txt",
                                      "synthetic/stats-garbage.txt"};

constexpr int kSplitsPerInput = 200;
constexpr int kMutantsPerFixture = 20;

// Hostile lines in every stream, with the values that break arithmetic: the largest counts and sizes a line
// may carry, zeros where a divisor is expected (heap total 0, limit 0), negative numbers, exponents.
const char* const kHostileLog[] = {
    "2026-11-27T12:20:33.000000000Z [info]: Memory: RSS=336.6MB, Heap=212.7MB/0MB, External=17.6MB, "
    "ArrayBuffers=13.6MB",
    "2026-11-27T12:20:34.000000000Z [info]: Memory: RSS=0MB, Heap=0MB/0MB, External=0MB, ArrayBuffers=0MB",
    "2026-11-27T12:20:35.000000000Z [info]: Memory: RSS=8796093022208MB, Heap=8796093022208MB/1e-300MB, "
    "External=8796093022208MB, ArrayBuffers=8796093022208MB",
    "2026-11-27T12:20:36.000000000Z [info]: Memory: RSS=1e300TB, Heap=1e300/1TB, External=1MB, ArrayBuffers=1MB",
    "2026-11-27T12:20:37.000000000Z [info]: Memory: RSS=-5MB, Heap=-1MB/-2MB, External=-1MB, ArrayBuffers=-1MB",
    "2026-11-27T12:20:38.000000000Z [info]: Cache stats - Keys: 999999999999999999, Hits: 999999999999999999, "
    "Misses: 999999999999999999, Hit rate: 50.00%",
    "2026-11-27T12:20:39.000000000Z [info]: Cache stats - Keys: 0, Hits: 0, Misses: 0, Hit rate: 0%",
    "2026-11-27T12:20:40.000000000Z [info]: Cache stats - Keys: -1, Hits: -1, Misses: -1, Hit rate: -1%",
    "2026-11-27T12:20:41.000000000Z [warn]: Audit log buffer overflow - dropped 999999999999999999 entries "
    "(999999999999999999 total dropped)",
    "2026-11-27T12:20:42.000000000Z [warn]: Audit log buffer overflow - dropped 1 entries (1 total dropped)",
    "2026-11-27T12:20:43.000000000Z [warn]: Audit log buffer overflow - dropped -1 entries (-5 total dropped)",
    "2261-12-31T23:59:60.999999999-23:59 [info]: Memory: RSS=1MB, Heap=1MB/2MB, External=1MB, ArrayBuffers=1MB",
    "9999-12-31T23:59:59.999999999Z [error]: far away",
    "1970-01-01T00:00:00.000000000Z [info]: Memory: RSS=1MB, Heap=1MB/2MB, External=1MB, ArrayBuffers=1MB",
    "2026-11-27T12:20:44.000Z FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
};

const char* const kHostileStats[] = {
    "4f6bdb8e0c7a\t0%\t0B / 0B\t0%\t0B / 0B\t0B / 0B\t0",
    "4f6bdb8e0c7a\t1048576%\t9223372036854775808B / 1B\t1048576%\t8388608TiB / 8388608TiB\t0B / 0B\t999999999999",
    "4f6bdb8e0c7a\t1e300%\t1e300TB / 1e-300B\t1e300%\t1e300TB / 1e300TB\t-1B / -1B\t1e300",
    "4f6bdb8e0c7a\t-5%\t-1MB / -2MB\t-1%\t-1B / -2B\t-3B / -4B\t-1",
    "4f6bdb8e0c7a\t1%\t1MB / 1e-300B\t1%\t0B / 0B\t0B / 0B\t1",
    "4f6bdb8e0c7a\t1%\t5MB / 0B\t1%\t0B / 0B\t0B / 0B\t1",
    "4f6bdb8e0c7a\t1.7976931348623157e308%\t1MB / 2MB\t1.7976931348623157e308%\t0B / 0B\t0B / 0B\t1",
};

const char* const kHostileInspect[] = {
    R"({"Id":"4f6b","State":{"Status":"exited","Running":false,"OOMKilled":true,"ExitCode":137,)"
    R"("StartedAt":"2261-12-31T23:59:59Z","FinishedAt":"2262-01-01T00:00:00Z"},"RestartCount":4294967297,)"
    R"("HostConfig":{"Memory":1},"NodeOptions":"NODE_OPTIONS=--max-old-space-size=8796093022208"})",
    R"({"Id":"4f6b","State":{"Status":"running","Running":true,"StartedAt":"1970-01-01T00:00:00Z"},)"
    R"("RestartCount":-1,"HostConfig":{"Memory":9223372036854775807},"NodeOptions":"--max-old-space-size=0"})",
    R"({"Id":"4f6b","State":{"Status":"running","Running":true,"StartedAt":"2026-11-27T12:20:33Z"},)"
    R"("RestartCount":0,"HostConfig":{"Memory":-1e300},"NodeOptions":"--max-old-space-size=1e-300"})",
};

} // namespace

class TestProperties : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void logChunksGiveTheWholeRecords_data()
    {
        QTest::addColumn<QByteArray>("data");
        for (const char* f : kLogFixtures) {
            const QByteArray data = readFixture(f);
            QTest::addRow("%s", f) << data;
            QByteArray crlf = data;
            QTest::addRow("%s crlf", f) << crlf.replace("\n", "\r\n");
            QRandomGenerator rng(20261127);
            for (int i = 0; i < kMutantsPerFixture; ++i)
                QTest::addRow("%s mutant %d", f, i) << mutated(data, rng);
        }
        QByteArray hostile;
        for (const char* line : kHostileLog)
            hostile += QByteArray(line) + '\n';
        QTest::addRow("hostile lines") << hostile;
        QTest::addRow("hostile lines without the last newline") << hostile.chopped(1);
    }
    void logChunksGiveTheWholeRecords()
    {
        QFETCH(QByteArray, data);
        QVERIFY(!data.isEmpty());
        const fuzz::LogFeed whole = fuzz::feedLog(data);
        QCOMPARE(whole.counters.bytes, quint64(data.size()));
        QRandomGenerator rng(4711);
        for (int split = 0; split < kSplitsPerInput; ++split) {
            const std::vector<size_t> cuts = randomCuts(rng, size_t(data.size()));
            const QString difference = fuzz::logDifference(whole, fuzz::feedLog(data, cuts));
            QVERIFY2(difference.isEmpty(), qPrintable(QStringLiteral("split %1: %2").arg(split).arg(difference)));
        }
    }

    void statsChunksGiveTheWholeSamples_data()
    {
        QTest::addColumn<QByteArray>("data");
        for (const char* f : kStatsFixtures) {
            const QByteArray data = readFixture(f);
            QTest::addRow("%s", f) << data;
            QRandomGenerator rng(1234);
            for (int i = 0; i < kMutantsPerFixture; ++i)
                QTest::addRow("%s mutant %d", f, i) << mutated(data, rng);
        }
        QByteArray hostile;
        for (const char* line : kHostileStats)
            hostile += QByteArray(line) + '\n';
        QTest::addRow("hostile lines") << hostile;
    }
    void statsChunksGiveTheWholeSamples()
    {
        QFETCH(QByteArray, data);
        QVERIFY(!data.isEmpty());
        const fuzz::StatsFeed whole = fuzz::feedStats(data);
        QRandomGenerator rng(99);
        for (int split = 0; split < kSplitsPerInput; ++split) {
            const std::vector<size_t> cuts = randomCuts(rng, size_t(data.size()));
            const QString difference = fuzz::statsDifference(whole, fuzz::feedStats(data, cuts));
            QVERIFY2(difference.isEmpty(), qPrintable(QStringLiteral("split %1: %2").arg(split).arg(difference)));
        }
    }

    // Each hostile line alone and together with the real captures: the JSON of `check --json` has only finite
    // numbers, and only growth rates may be negative.
    void checkJsonNumbersAreSane_data()
    {
        QTest::addColumn<QByteArray>("logs");
        QTest::addColumn<QByteArray>("stats");
        QTest::addColumn<QByteArray>("inspect");
        const QByteArray realLogs = readFixture("docker-cli-28.2.2/logs-timestamps.stdout.txt");
        const QByteArray realStats = readFixture("docker-cli-28.2.2/stats-stream.txt");
        const QByteArray realInspect = readFixture("docker-cli-28.2.2/inspect.json");
        QTest::addRow("the real captures") << realLogs << realStats << realInspect;
        for (size_t i = 0; i < std::size(kHostileLog); ++i) {
            QTest::addRow("log %zu alone", i) << QByteArray(kHostileLog[i]) << QByteArray() << QByteArray();
            QTest::addRow("log %zu after the captures", i) << realLogs + kHostileLog[i] << realStats << realInspect;
        }
        for (size_t i = 0; i < std::size(kHostileStats); ++i) {
            QTest::addRow("stats %zu alone", i) << QByteArray() << QByteArray(kHostileStats[i]) << QByteArray();
            QTest::addRow("stats %zu with the memory lines", i)
                << realLogs << QByteArray(kHostileStats[i]) << realInspect;
        }
        for (size_t i = 0; i < std::size(kHostileInspect); ++i) {
            QTest::addRow("inspect %zu alone", i) << QByteArray() << QByteArray() << QByteArray(kHostileInspect[i]);
            QTest::addRow("inspect %zu with the captures", i)
                << realLogs << realStats << QByteArray(kHostileInspect[i]);
        }
        QByteArray allLogs, allStats;
        for (const char* line : kHostileLog)
            allLogs += QByteArray(line) + '\n';
        for (const char* line : kHostileStats)
            allStats += QByteArray(line) + '\n';
        QTest::addRow("everything hostile") << allLogs << allStats << QByteArray(kHostileInspect[0]);
        // Ten lives of the app, each dropping 10^18 - 1 audit entries: the sum is beyond qint64.
        QByteArray lives;
        for (int i = 0; i < 10; ++i)
            lives += "[warn]: Audit log buffer overflow - dropped 1 entries (999999999999999999 total dropped)\n"
                     "[warn]: Audit log buffer overflow - dropped 1 entries (1 total dropped)\n";
        QTest::addRow("dropped entries of ten lives") << lives << QByteArray() << QByteArray();
    }
    void checkJsonNumbersAreSane()
    {
        QFETCH(QByteArray, logs);
        QFETCH(QByteArray, stats);
        QFETCH(QByteArray, inspect);
        IngestBatch batch;
        const fuzz::LogFeed log = fuzz::feedLog(logs);
        const fuzz::StatsFeed stat = fuzz::feedStats(stats);
        batch.logs = log.records;
        batch.logCounters = log.counters;
        batch.stats = stat.samples;
        batch.statsCounters = stat.counters;
        if (!inspect.isEmpty()) {
            QString error;
            batch.info = InspectParser::parse(inspect, &error);
            QVERIFY2(batch.info, qPrintable(error));
        }
        for (const LogRecord& r : batch.logs)
            QVERIFY2(fuzz::saneRecord(r), qPrintable(r.text));
        for (const StatsSample& s : batch.stats)
            QVERIFY(fuzz::saneSample(s));
        const QJsonObject json = fuzz::checkJson(batch);
        QVERIFY(json.contains(QStringLiteral("process")));
        const QString bad = fuzz::firstBadNumber(json);
        QVERIFY2(bad.isEmpty(), qPrintable(bad));
    }

    // The comparisons see a difference: one changed digit in one Memory line, one in one stats line.
    void comparisonsSeeOneChangedNumber()
    {
        const QByteArray logs = readFixture("docker-cli-28.2.2/logs-timestamps.stdout.txt");
        const qsizetype rss = logs.indexOf("RSS=") + 4;
        QVERIFY(rss > 4);
        QByteArray otherLogs = logs;
        otherLogs[rss] = otherLogs[rss] == '1' ? '2' : '1';
        QVERIFY(fuzz::logDifference(fuzz::feedLog(logs), fuzz::feedLog(logs)).isEmpty());
        const QString difference = fuzz::logDifference(fuzz::feedLog(logs), fuzz::feedLog(otherLogs));
        QVERIFY2(difference.startsWith(QLatin1String("record ")), qPrintable(difference));

        const QByteArray stats = readFixture("docker-cli-28.2.2/stats-stream.txt");
        const qsizetype cpu = stats.indexOf("0.00%");
        QVERIFY(cpu > 0);
        QByteArray otherStats = stats;
        otherStats[cpu] = '1';
        QVERIFY(fuzz::statsDifference(fuzz::feedStats(stats), fuzz::feedStats(stats)).isEmpty());
        QCOMPARE(fuzz::statsDifference(fuzz::feedStats(stats), fuzz::feedStats(otherStats)),
                 QStringLiteral("sample 0"));
    }

    // The scanner itself: it must see what it is meant to catch, or the property above cannot fail.
    void scannerFindsBadNumbers_data()
    {
        QTest::addColumn<QJsonObject>("json");
        QTest::addColumn<QString>("bad");
        const double inf = std::numeric_limits<double>::infinity();
        QTest::addRow("fine") << QJsonObject {{QStringLiteral("process"),
                                               QJsonObject {{QStringLiteral("rss_mib"), 1.5}}}}
                              << QString();
        QTest::addRow("negative size") << QJsonObject {{QStringLiteral("process"),
                                                        QJsonObject {{QStringLiteral("rss_mib"), -1.0}}}}
                                       << QStringLiteral(".process.rss_mib=-1");
        QTest::addRow("infinite percent")
            << QJsonObject {{QStringLiteral("container"), QJsonObject {{QStringLiteral("mem_percent"), inf}}}}
            << QStringLiteral(".container.mem_percent=inf");
        QTest::addRow("shrinking heap is fine")
            << QJsonObject {{QStringLiteral("growth"), QJsonObject {{QStringLiteral("rss_mib_per_hour"), -4.2}}}}
            << QString();
        QTest::addRow("negative flag value in MiB/h is fine")
            << QJsonObject {{QStringLiteral("flags"),
                             QJsonArray {QJsonObject {{QStringLiteral("unit"), QStringLiteral("MiB/h")},
                                                      {QStringLiteral("value"), -3.0}}}}}
            << QString();
        QTest::addRow("negative flag value in MiB")
            << QJsonObject {{QStringLiteral("flags"),
                             QJsonArray {QJsonObject {{QStringLiteral("unit"), QStringLiteral("MiB")},
                                                      {QStringLiteral("value"), -3.0}}}}}
            << QStringLiteral(".flags[0].value=-3");
    }
    void scannerFindsBadNumbers()
    {
        QFETCH(QJsonObject, json);
        QFETCH(QString, bad);
        QCOMPARE(fuzz::firstBadNumber(json), bad);
    }
};

QTEST_GUILESS_MAIN(TestProperties)
#include "tst_properties.moc"
