// Node's --trace-gc lines: parsed from real output, kept in the state, judged. The post-GC heap floor's
// Theil–Sen slope decides the leak verdict when there are enough full GCs; long pauses are a flag; without
// such lines nothing changes.
#include "Assessment.h"
#include "LogParser.h"
#include "TargetState.h"

#include <QFile>
#include <QTest>
#include <cmath>

using namespace heapwatch;

namespace {

constexpr qint64 kT0 = 1768384800000; // 2026-01-14T10:00:00Z, the seed's deployment
constexpr qint64 kMinute = 60 * 1000;

QByteArray readFixture(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read fixture %s", qPrintable(path));
    return f.readAll();
}

// The line as `docker logs -t` writes it: the engine's timestamp, then the app's line.
QByteArray withDockerTime(qint64 atMs, const QByteArray& line)
{
    return QDateTime::fromMSecsSinceEpoch(atMs, Qt::UTC).toString(Qt::ISODateWithMs).toUtf8().replace('Z', "000000Z")
        + ' ' + line;
}

LogRecord gc(qint64 at, bool full, double before, double after, double pauseMs)
{
    LogRecord r;
    r.kind = LogKind::Gc;
    r.atMs = at;
    r.gc = GcSample {at, full, before, after, pauseMs};
    return r;
}

LogRecord memory(qint64 at, double rss, double used, double total)
{
    LogRecord r;
    r.kind = LogKind::Memory;
    r.atMs = at;
    r.memory = MemorySample {at, rss, used, total, 17.6, 13.6};
    return r;
}

double leastSquaresSlope(const std::vector<std::pair<double, double>>& p)
{
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const auto& [x, y] : p) {
        n += 1;
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

} // namespace

class TestGcTrace : public QObject
{
    Q_OBJECT

private slots:
    void parseLine_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<bool>("recognised");
        QTest::addColumn<bool>("full");
        QTest::addColumn<double>("before");
        QTest::addColumn<double>("after");
        QTest::addColumn<double>("pause");
        // Real lines of Debian's Node 20 (tests/fixtures/node-trace-gc/node20-leak.log).
        QTest::addRow("node20 scavenge") << QByteArray(
            "[15925:0xabb5d50]      171 ms: Scavenge 3.9 (4.0) -> 3.7 (5.0) MB, 2.61 / 0.00 ms  (average "
            "mu = 1.000, current mu = 1.000) allocation failure; ")
                                         << true << false << 3.9 << 3.7 << 2.61;
        QTest::addRow("node20 mark-compact, incremental")
            << QByteArray("[15925:0xabb5d50]     1071 ms: Mark-Compact 87.2 (114.9) -> 71.9 (107.7) MB, 125.59 / 0.00 "
                          "ms  (+ 4.3 ms in 14 steps since start of marking, biggest step 3.0 ms, walltime since "
                          "start of marking 135 ms) (average mu = 0.710, current mu = 0.710) finalize incremental "
                          "marking via stack guard; GC in old space requested")
            << true << true << 87.2 << 71.9 << 125.59;
        QTest::addRow("node20 mark-compact, gc()")
            << QByteArray("[15925:0xabb5d50]      648 ms: Mark-Compact 57.7 (81.0) -> 45.7 (80.2) MB, 91.44 / 0.00 ms "
                          " (average mu = 0.532, current mu = 0.264) testing; GC in old space requested")
            << true << true << 57.7 << 45.7 << 91.44;
        // The shapes the issue quotes (one-decimal pauses, as older V8 prints them).
        QTest::addRow("issue's mark-compact")
            << QByteArray("[1:0x5581c0e0a000]   123456 ms: Mark-Compact 210.3 (218.0) -> 198.1 (219.0) MB, 120.5 / "
                          "0.0 ms  (average mu = 0.123, current mu = 0.045) allocation failure; scavenge might not "
                          "succeed")
            << true << true << 210.3 << 198.1 << 120.5;
        QTest::addRow("issue's scavenge")
            << QByteArray("[1:0x5581c0e0a000]   123400 ms: Scavenge 12.1 (14.0) -> 11.2 (15.0) MB, 1.2 / 0.0 ms  "
                          "(average mu = 0.123, current mu = 0.045) allocation failure;")
            << true << false << 12.1 << 11.2 << 1.2;
        // Other V8 versions' names and Node 22's "pooled" size (V8's format string).
        QTest::addRow("mark-sweep") << QByteArray(
            "[7:0x4a2b7c0]    88210 ms: Mark-sweep 301.2 (320.5) -> 287.0 (318.1) MB, 402.3 / 0.1 ms  "
            "(average mu = 0.201, current mu = 0.100) allocation failure GC in old space requested")
                                    << true << true << 301.2 << 287.0 << 402.3;
        QTest::addRow("mark-compact (reduce)")
            << QByteArray("[7:0x4a2b7c0]    90000 ms: Mark-Compact (reduce) 150.0 (160.0) -> 140.5 (150.0) MB, 80.00 "
                          "/ 0.00 ms  (average mu = 0.5, current mu = 0.4) low memory notification; GC in old space "
                          "requested")
            << true << true << 150.0 << 140.5 << 80.0;
        QTest::addRow("node22 pooled") << QByteArray(
            "[1:0x7f8e3c000000]    52011 ms: Mark-Compact 210.3 (218.0) -> 198.1 (219.0) MB, pooled: 0.0 "
            "MB, 120.50 / 0.00 ms  (average mu = 0.123, current mu = 0.045) allocation failure; "
            "scavenge might not succeed")
                                       << true << true << 210.3 << 198.1 << 120.5;
        QTest::addRow("minor mark-sweep")
            << QByteArray("[1:0x7f8e3c000000]    52100 ms: Minor Mark-Sweep 20.1 (24.0) -> 18.3 (24.0) MB, pooled: 0.0 "
                          "MB, 3.10 / 0.00 ms  (average mu = 0.9, current mu = 0.9) allocation failure;")
            << true << false << 20.1 << 18.3 << 3.1;
        // Cut off, or an unknown collector: malformed, not a record.
        QTest::addRow("cut after the arrow")
            << QByteArray("[1:0x5581c0e0a000]   123456 ms: Mark-Compact 210.3 (218.0) -> ") << false << false << 0.0
            << 0.0 << 0.0;
        QTest::addRow("no pause") << QByteArray(
            "[1:0x5581c0e0a000]   123456 ms: Scavenge 12.1 (14.0) -> 11.2 (15.0) MB, ")
                                  << false << false << 0.0 << 0.0 << 0.0;
        QTest::addRow("unknown collector") << QByteArray(
            "[1:0x5581c0e0a000]   123456 ms: Compact-Everything 12.1 (14.0) -> 11.2 (15.0) MB, 1.0 / 0.0 ms")
                                           << false << false << 0.0 << 0.0 << 0.0;
    }

    void parseLine()
    {
        QFETCH(QByteArray, line);
        QFETCH(bool, recognised);
        QFETCH(bool, full);
        QFETCH(double, before);
        QFETCH(double, after);
        QFETCH(double, pause);

        const qint64 at = kT0 + 5 * kMinute;
        std::vector<LogRecord> out;
        LogParser parser;
        parser.feed(withDockerTime(at, line) + '\n', LogStream::Stdout, out);
        QCOMPARE(parser.counters().lines, 1u);
        QCOMPARE(parser.counters().recognised, recognised ? 1u : 0u);
        QCOMPARE(parser.counters().malformed, recognised ? 0u : 1u); // counted and skipped like any other line
        QCOMPARE(out.size(), recognised ? size_t(1) : size_t(0));
        if (!recognised)
            return;
        const LogRecord& r = out.front();
        QCOMPARE(r.kind, LogKind::Gc);
        QCOMPARE(r.gc.atMs, at);
        QCOMPARE(r.gc.full, full);
        QCOMPARE(r.gc.heapBeforeMiB, before);
        QCOMPARE(r.gc.heapAfterMiB, after);
        QCOMPARE(r.gc.pauseMs, pause);
    }

    void otherLinesStayOther_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<LogKind>("kind");
        QTest::addRow("memory") << QByteArray(
            "[info]: Memory: RSS=336.6MB, Heap=212.7MB/218.0MB, External=17.6MB, ArrayBuffers=13.6MB")
                                << LogKind::Memory;
        QTest::addRow("bracket level") << QByteArray("[warn]: 1234 ms: Scavenge is slow") << LogKind::Warning;
        QTest::addRow("mid-line trace") << QByteArray("see [1:0x55] 12 ms: Scavenge 1.0 (2.0) -> 1.0 (2.0) MB, 1.0 / "
                                                      "0.0 ms")
                                        << LogKind::Other;
    }

    void otherLinesStayOther()
    {
        QFETCH(QByteArray, line);
        QFETCH(LogKind, kind);
        LogRecord r;
        const bool recognised = LogParser::parseLine(line, LogStream::Stdout, r);
        QCOMPARE(recognised ? r.kind : LogKind::Other, kind);
    }

    // The whole captured run: every line a collection, the full ones' floor rising with the leak.
    void realCapture()
    {
        const QByteArray raw = readFixture(QFINDTESTDATA("../fixtures/node-trace-gc/node20-leak.log"));
        QByteArray log;
        qint64 at = kT0;
        for (const QByteArray& line : raw.split('\n')) {
            if (line.isEmpty())
                continue;
            log += withDockerTime(at, line) + '\n';
            at += 1000;
        }
        std::vector<LogRecord> out;
        LogParser parser;
        parser.feed(log, LogStream::Stdout, out);
        parser.finish(out);
        QCOMPARE(parser.counters().lines, 91u);
        QCOMPARE(parser.counters().malformed, 0u);
        QCOMPARE(out.size(), size_t(91));
        IngestBatch batch;
        batch.logs = out;
        TargetState state(QStringLiteral("app"));
        state.apply(batch);
        QCOMPARE(state.gc().size(), 91);
        QCOMPARE(state.fullGc().size(), 10);
        QCOMPARE(state.fullGc().at(0).v[GcHeapAfterColumn], 23.2f);
        QCOMPARE(state.fullGc().last().v[GcHeapAfterColumn], 259.7f);
        QCOMPARE(state.fullGc().last().v[GcPauseColumn], 592.88f);
    }

    // A leak of 30 MiB/h in the floor, with a few full GCs far off it (a burst of requests in flight):
    // least squares is pulled by them, Theil–Sen is not.
    void theilSenIgnoresOutliers_data()
    {
        QTest::addColumn<std::vector<double>>("outliers"); // added to points 3, 7, 11, … in turn
        QTest::addColumn<double>("lsError"); // least squares is at least this far off (MiB/h)
        QTest::addRow("two high early") << std::vector<double> {120, 90} << 5.0;
        QTest::addRow("three low late") << std::vector<double> {0, 0, -150, -150, -150} << 5.0;
        QTest::addRow("none") << std::vector<double> {} << 0.0;
    }

    void theilSenIgnoresOutliers()
    {
        QFETCH(std::vector<double>, outliers);
        QFETCH(double, lsError);
        std::vector<std::pair<double, double>> points;
        for (int i = 0; i < 20; ++i) // one full GC every 3 minutes for an hour
            points.emplace_back(i * 0.05, 198.1 + 30.0 * i * 0.05 + (i % 2 ? 0.4 : -0.4));
        for (size_t k = 0; k < outliers.size(); ++k)
            points[3 + 4 * k].second += outliers[k];
        const double ts = theilSenSlope(points);
        QVERIFY2(std::fabs(ts - 30.0) < 2.0, qPrintable(QString::number(ts)));
        const double ls = leastSquaresSlope(points);
        QVERIFY2(std::fabs(ls - 30.0) >= lsError, qPrintable(QString::number(ls)));
    }

    void theilSenBounded()
    {
        // 5000 points thinned to 200: the exact line's slope survives, and fewer than two x's give NaN.
        std::vector<std::pair<double, double>> points;
        for (int i = 0; i < 5000; ++i)
            points.emplace_back(i, 2.5 * i + 7);
        QCOMPARE(theilSenSlope(points), 2.5);
        QVERIFY(std::isnan(theilSenSlope({{1.0, 2.0}})));
        QVERIFY(std::isnan(theilSenSlope({{1.0, 2.0}, {1.0, 3.0}})));
    }

    void pauseFlag_data()
    {
        QTest::addColumn<double>("pause");
        QTest::addColumn<Level>("level");
        QTest::addRow("issue's mark-compact 120.5 ms") << 120.5 << Level::Warning;
        QTest::addRow("issue's scavenge 1.2 ms") << 1.2 << Level::Ok;
        QTest::addRow("just under 100 ms") << 99.9 << Level::Ok;
        QTest::addRow("captured 1.5 s pause") << 1500.0 << Level::Critical;
    }

    void pauseFlag()
    {
        QFETCH(double, pause);
        QFETCH(Level, level);
        TargetState state(QStringLiteral("app"));
        IngestBatch b;
        b.logs.push_back(memory(kT0, 336.6, 212.7, 218.0));
        b.logs.push_back(gc(kT0 + 1000, pause > 50, 210.3, 198.1, pause));
        b.logs.push_back(gc(kT0 + 2000, false, 12.1, 11.2, 1.2));
        state.apply(b);
        const Assessment a = assess(state, Thresholds::defaults(), kT0 + 5 * kMinute);
        const Flag* f = a.flag(QStringLiteral("gc_pause"));
        QVERIFY(f);
        QCOMPARE(f->value, std::max(pause, 1.2));
        QCOMPARE(f->level, level);
        QVERIFY(f->note.contains(QString::number(std::max(pause, 1.2), 'f', 1)));

        // The threshold is the configured one.
        Thresholds t = Thresholds::defaults();
        t.gcPauseMs = {200, 2000};
        const Assessment relaxedAssessment = assess(state, t, kT0 + 5 * kMinute);
        const Flag* relaxed = relaxedAssessment.flag(QStringLiteral("gc_pause"));
        QVERIFY(relaxed);
        QCOMPARE(relaxed->level, pause > 2000 ? Level::Critical : pause > 200 ? Level::Warning : Level::Ok);
    }

    // The leak verdict: RSS flat (the allocator holds on), the post-GC floor climbing. With enough full GCs the
    // floor decides; with too few, or none, the verdict is the RSS one as before.
    void leakVerdictUsesFloor_data()
    {
        QTest::addColumn<int>("fullGcs");
        QTest::addColumn<int>("everyMinutes");
        QTest::addColumn<bool>("usesFloor");
        QTest::addRow("12 full GCs over 33 min") << 12 << 3 << true;
        QTest::addRow("5 full GCs over 12 min") << 5 << 3 << true;
        QTest::addRow("4 full GCs: too few") << 4 << 5 << false;
        QTest::addRow("6 full GCs over 5 min: too short") << 6 << 1 << false;
        QTest::addRow("no trace-gc lines") << 0 << 1 << false;
    }

    void leakVerdictUsesFloor()
    {
        QFETCH(int, fullGcs);
        QFETCH(int, everyMinutes);
        QFETCH(bool, usesFloor);
        TargetState state(QStringLiteral("app"));
        IngestBatch b;
        // 50 minutes of flat RSS after a start at kT0 (the warm-up is 10 min).
        b.logs.push_back(memory(kT0, 300.0, 150.0, 218.0));
        const qint64 first = kT0 + 11 * kMinute;
        for (int i = 0; i < 40; ++i)
            b.logs.push_back(memory(kT0 + 11 * kMinute + i * kMinute, 300.0 + (i % 2), 150.0, 218.0));
        for (int i = 0; i < fullGcs; ++i) {
            const double hours = double(i * everyMinutes) / 60.0;
            // +40 MiB/h, one GC after a burst far above the line.
            const double floor = 150.0 + 40.0 * hours + (i == 1 ? 60.0 : 0.0);
            b.logs.push_back(gc(first + i * everyMinutes * kMinute, true, floor + 20, floor, 120.5));
        }
        std::sort(b.logs.begin(), b.logs.end(), [](const LogRecord& x, const LogRecord& y) { return x.atMs < y.atMs; });
        state.apply(b);
        const Assessment a = assess(state, Thresholds::defaults(), first + 40 * kMinute);
        QCOMPARE(a.growth.usesGcFloor, usesFloor);
        const Recommendation* leak = a.recommendation(QStringLiteral("possible-leak"));
        const Flag* growth = a.flag(QStringLiteral("memory_growth"));
        QVERIFY(growth);
        if (usesFloor) {
            QVERIFY2(std::fabs(a.growth.gcFloorMiBPerHour - 40.0) < 0.5,
                     qPrintable(QString::number(a.growth.gcFloorMiBPerHour)));
            QVERIFY(leak);
            QCOMPARE(leak->level, Level::Critical); // 40 MiB/h > 20
            QVERIFY2(leak->evidence.contains(QStringLiteral("Theil–Sen over %1 full GCs").arg(fullGcs)),
                     qPrintable(leak->evidence));
            QCOMPARE(growth->value, a.growth.gcFloorMiBPerHour);
            QVERIFY(growth->note.contains(QStringLiteral("post-GC heap floor")));
        } else {
            // RSS alone: flat, no leak.
            QVERIFY(!leak);
            QVERIFY(!growth->note.contains(QStringLiteral("post-GC")));
        }
        QCOMPARE(a.flag(QStringLiteral("gc_pause")) != nullptr, fullGcs > 0);
    }
};

QTEST_GUILESS_MAIN(TestGcTrace)
#include "tst_gctrace.moc"
