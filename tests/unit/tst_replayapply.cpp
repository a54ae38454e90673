// A replay rounds the process ring's rows on its parsing threads (IngestBatch::processRows). That may not change a
// single row: the ring must end the same as when every row is rounded by the thread that applies it, bit for bit.
#include "ReplaySource.h"
#include "TargetState.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <cstring>

using namespace heapwatch;

namespace {

QByteArray fixture(const char* relative)
{
    QFile f(QStringLiteral(HEAPWATCH_FIXTURES "/") + QLatin1String(relative));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", relative);
    return f.readAll();
}

// The captured logs repeated, their docker timestamps moved on an hour per copy (so that every copy's rows are
// newer than the last), to about bytes.
QByteArray repeated(const QByteArray& lines, qsizetype bytes)
{
    QByteArray out;
    for (int copy = 0; out.size() < bytes; ++copy) {
        QByteArray c = lines;
        c.replace("2026-11-27T12:",
                  QByteArray("2026-11-") + QByteArray::number(28 + copy / 24) + 'T'
                      + QByteArray::number(10 + copy % 24).rightJustified(2, '0') + ':');
        out += c;
    }
    return out;
}

// The app's Memory lines in the spellings the parser takes, with values at the ring's rounding edges (x.xx5),
// large ones, and one older than its predecessor (dropped as out of order).
QByteArray unusualMemoryLines()
{
    return "2026-11-27T12:30:00.000000001Z [info]: Memory: RSS=336.6MB, Heap=212.7MB/218.0MB, External=17.6MB, "
           "ArrayBuffers=13.6MB\n"
           "2026-11-27T12:30:00.250000001Z [info]: Memory: RSS=0.005MB, Heap=0.015MB/0.025MB, External=1.005MB, "
           "ArrayBuffers=2.675MB\n"
           "2026-11-27T12:30:00.500000001Z [info]: Memory: RSS=1.5GB, Heap=212.7/218.0MB, External=17.6 MiB, "
           "ArrayBuffers=13600KB\n"
           "2026-11-27T12:30:00.750000001Z [info]: Memory: RSS=123456.789MB, Heap=98765.4321MB/98765.4322MB, "
           "External=0MB, ArrayBuffers=0MB\n"
           "2026-11-27T12:30:00.600000001Z [info]: Memory: RSS=336.6MB, Heap=0MB/0MB, External=17.6MB, "
           "ArrayBuffers=13.6MB\n"
           "2026-11-27T12:30:01.000000001Z [info]: Memory: RSS=4194304.005MB, Heap=212.7MB/218.0MB, "
           "External=17.6MB, ArrayBuffers=13.6MB\n"
           "2026-11-27T12:30:01.250000001Z [info]: Memory: RSS=336.6MB, Heap=212.7MB/218.0MB, External=17.6MB\n";
}

QString writeFile(const QTemporaryDir& dir, const QByteArray& bytes)
{
    const QString path = dir.filePath(QStringLiteral("app.log"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

bool sameBits(float a, float b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

} // namespace

class TestReplayApply : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsingThreadsRoundAsTheRingDoes_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("capacity");
        const QByteArray captured = fixture("synthetic/logs-mixed.txt")
            + fixture("docker-cli-28.2.2/logs-timestamps.stdout.txt") + unusualMemoryLines();
        QTest::addRow("captured logs, every row kept") << repeated(captured, 64 * 1024) << 100000;
        // Several segments, sealed chunks, and a ring that drops two thirds of the rows pushed.
        QTest::addRow("several segments, a ring of 3000 rows") << repeated(captured, 3 * 1024 * 1024) << 3000;
        QTest::addRow("a ring of one chunk") << repeated(captured, 1024 * 1024 + 77) << 1024;
        QTest::addRow("only the unusual lines") << unusualMemoryLines() << 4;
    }
    void parsingThreadsRoundAsTheRingDoes()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, capacity);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = writeFile(dir, bytes);

        Thresholds capacities = Thresholds::defaults();
        capacities.processCapacity = capacity;
        TargetState withRows(QStringLiteral("a"), capacities);
        TargetState without(QStringLiteral("b"), capacities);
        qsizetype rowsGiven = 0;
        QString error;
        QVERIFY2(ReplaySource(path).read(
                     [&](const IngestBatch& batch) {
                         rowsGiven += qsizetype(batch.processRows.size());
                         withRows.apply(batch);
                         IngestBatch plain = batch;
                         plain.processRows.clear();
                         without.apply(plain);
                     },
                     &error),
                 qPrintable(error));
        QVERIFY(rowsGiven > 0); // the parsing threads did round the rows

        const ProcessRing& a = withRows.process();
        const ProcessRing& b = without.process();
        QVERIFY(a.size() > 0);
        QCOMPARE(a.size(), b.size());
        QCOMPARE(a.size(), std::min<qsizetype>(capacity, a.size()));
        for (qsizetype i = 0; i < a.size(); ++i) {
            const auto ra = a.at(i);
            const auto rb = b.at(i);
            QCOMPARE(ra.atMs, rb.atMs);
            for (int c = 0; c < ProcessRing::kColumns; ++c)
                QVERIFY2(sameBits(ra.v[size_t(c)], rb.v[size_t(c)]),
                         qPrintable(QStringLiteral("row %1 column %2: %3 vs %4")
                                        .arg(i)
                                        .arg(c)
                                        .arg(double(ra.v[size_t(c)]))
                                        .arg(double(rb.v[size_t(c)]))));
        }
        const ProcessRing::Chunk openA = a.openChunk();
        const ProcessRing::Chunk openB = b.openChunk();
        QVERIFY(openA.bytes == openB.bytes);
        QCOMPARE(withRows.samplesDroppedOutOfOrder(), without.samplesDroppedOutOfOrder());
        QCOMPARE(withRows.logCounters().malformed, without.logCounters().malformed);
        QVERIFY(withRows.lastMemory().has_value());
        QCOMPARE(withRows.lastMemory()->atMs, without.lastMemory()->atMs);
    }

    // The row a parsing thread computes is the one push() stores, for the values at the rounding's edges too.
    void storedRowIsWhatPushStores_data()
    {
        QTest::addColumn<double>("value");
        QTest::addRow("seed RSS") << 336.6;
        QTest::addRow("half a hundredth") << 0.005;
        QTest::addRow("negative half") << -2.675;
        QTest::addRow("hundredths limit of the product") << 4194304.005;
        QTest::addRow("past float precision") << 123456.789;
        QTest::addRow("near 1e12") << 999999999999.99;
        QTest::addRow("past 1e13: kept exact") << 3e13;
        QTest::addRow("beyond float") << 1e300;
        QTest::addRow("NaN") << std::numeric_limits<double>::quiet_NaN();
        QTest::addRow("infinity") << std::numeric_limits<double>::infinity();
    }
    void storedRowIsWhatPushStores()
    {
        QFETCH(double, value);
        MemorySample m;
        m.atMs = 1000;
        m.rssMiB = value;
        m.heapUsedMiB = value;
        m.heapTotalMiB = 218.0;
        m.externalMiB = -value;
        m.arrayBuffersMiB = value / 3;
        TargetState state(QStringLiteral("t"));
        IngestBatch batch;
        LogRecord r;
        r.kind = LogKind::Memory;
        r.atMs = 1000;
        r.memory = m;
        batch.logs.push_back(r);
        state.apply(batch);
        const std::array<float, 6> row = TargetState::storedProcessRow(m);
        const auto pushed = state.process().last();
        for (size_t c = 0; c < row.size(); ++c)
            QVERIFY2(sameBits(row[c], pushed.v[c]), qPrintable(QStringLiteral("column %1").arg(c)));
    }
};

QTEST_GUILESS_MAIN(TestReplayApply)
#include "tst_replayapply.moc"
