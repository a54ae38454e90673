// The state model and its verdicts: the seed's own figures must give the seed's own verdicts, and each
// red flag and recommendation fires exactly where its threshold says.
#include "Assessment.h"
#include "TargetState.h"
#include "Units.h"

#include <QTest>
#include <cmath>

using namespace heapwatch;

namespace {

constexpr qint64 kT0 = 1768384800000; // 2026-01-14T10:00:00Z, the seed's deployment
constexpr qint64 kMinute = 60 * 1000;

LogRecord memory(qint64 at, double rss, double used, double total, double external = 17.6, double ab = 13.6)
{
    LogRecord r;
    r.kind = LogKind::Memory;
    r.atMs = at;
    r.memory = MemorySample {at, rss, used, total, external, ab};
    return r;
}

LogRecord cache(qint64 at, qint64 keys, qint64 hits, qint64 misses, double rate)
{
    LogRecord r;
    r.kind = LogKind::Cache;
    r.atMs = at;
    r.cache = CacheSample {at, keys, hits, misses, rate};
    return r;
}

LogRecord overflow(qint64 at, qint64 dropped, qint64 total)
{
    LogRecord r;
    r.kind = LogKind::Overflow;
    r.atMs = at;
    r.overflow = OverflowEvent {at, dropped, total};
    r.text
        = QStringLiteral("Audit log buffer overflow - dropped %1 entries (%2 total dropped)").arg(dropped).arg(total);
    return r;
}

LogRecord line(qint64 at, LogKind kind, const QString& text)
{
    LogRecord r;
    r.kind = kind;
    r.atMs = at;
    r.text = text;
    return r;
}

StatsSample stats(qint64 at, double usageMiB, double limitMiB, double cpu)
{
    StatsSample s;
    s.atMs = at;
    s.containerId = QStringLiteral("6f70f8e18d04");
    s.cpuPercent = cpu;
    s.memUsageBytes = usageMiB * units::kMiB;
    s.memLimitBytes = limitMiB * units::kMiB;
    return s;
}

ContainerInfo info(qint64 startedAt, const QString& nodeOptions = QStringLiteral("--max-old-space-size=384"))
{
    ContainerInfo i;
    i.status = QStringLiteral("running");
    i.health = QStringLiteral("healthy");
    i.running = true;
    i.exitCode = 0;
    i.restartCount = 0;
    i.startedAtMs = startedAt;
    i.nodeOptionsKnown = true;
    i.nodeOptions = nodeOptions;
    i.heapLimitMiB = nodeOptions.contains(QLatin1String("384")) ? 384 : kUnknown;
    return i;
}

// The seed report's production story: startup, then T+5 minutes.
TargetState seedState()
{
    TargetState s(QStringLiteral("seed"));
    IngestBatch b;
    b.info = info(kT0);
    b.logs.push_back(memory(kT0, 244.2, 140.7, 166.7, 13.1, 9.4));
    b.logs.push_back(memory(kT0 + 5 * kMinute, 336.6, 212.7, 218.0, 17.6, 13.6));
    b.logs.push_back(cache(kT0 + 5 * kMinute, 2, 1346, 482, 73.63));
    b.stats.push_back(stats(kT0 + 5 * kMinute, 364.8, 860.6, 2.82));
    b.logCounters.lines = 3;
    s.apply(b);
    return s;
}

// RSS growing linearly at perHour MiB/h for the given minutes after a start at kT0, one sample a minute.
TargetState growingState(double perHour, int minutes, double base = 250)
{
    TargetState s(QStringLiteral("growth"));
    IngestBatch b;
    b.info = info(kT0);
    for (int m = 0; m <= minutes; ++m) {
        const double rss = base + perHour * m / 60.0;
        b.logs.push_back(memory(kT0 + m * kMinute, rss, 150 + perHour * m / 120.0, 200));
    }
    b.logCounters.lines = b.logs.size();
    s.apply(b);
    return s;
}

} // namespace

class TestAssessment : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void seedFiguresGiveTheSeedVerdicts()
    {
        const TargetState s = seedState();
        // The seed judged its one T+5 line on its own; heapwatch waits for a second sample by default
        // (heapUsageSustainDefaultsToTwoSamples).
        Thresholds oneLine;
        oneLine.heapUsageSustain = {1, 0};
        const Assessment a = assess(s, oneLine, kT0 + 5 * kMinute);

        const Flag* rss = a.flag(QStringLiteral("rss"));
        QVERIFY(rss);
        QCOMPARE(rss->value, 336.6);
        QCOMPARE(rss->level, Level::Ok);
        QCOMPARE(rss->note, QStringLiteral("approaching warning"));

        const Flag* heap = a.flag(QStringLiteral("heap_usage"));
        QCOMPARE(heap->level, Level::Critical);
        QVERIFY(qAbs(heap->value - 97.5688) < 0.001);

        const Flag* growth = a.flag(QStringLiteral("memory_growth"));
        QCOMPARE(growth->level, Level::Unknown);
        QCOMPARE(growth->note, QStringLiteral("needs longer observation (0 of 30 min)"));

        const Flag* cacheFlag = a.flag(QStringLiteral("cache_hit_rate"));
        QCOMPARE(cacheFlag->level, Level::Ok);
        QCOMPARE(cacheFlag->value, 73.63);
        QVERIFY(cacheFlag->note.isEmpty());

        const Flag* overflows = a.flag(QStringLiteral("buffer_overflows"));
        QCOMPARE(overflows->level, Level::Ok);
        QCOMPARE(overflows->value, 0.0);

        const Flag* container = a.flag(QStringLiteral("container_memory"));
        QCOMPARE(container->level, Level::Ok);
        QVERIFY(qAbs(container->value - 42.39) < 0.01); // the seed's 364.8MiB / 860.6MiB (42.4%)

        const Flag* restarts = a.flag(QStringLiteral("restarts"));
        QCOMPARE(restarts->level, Level::Ok);

        QCOMPARE(a.overall, Level::Critical);
        QVERIFY(a.recommendation(QStringLiteral("heap-gc-pressure")));
        QCOMPARE(a.recommendation(QStringLiteral("heap-gc-pressure"))->level, Level::Critical);
        QVERIFY(a.recommendation(QStringLiteral("observe-longer")));
        QVERIFY(!a.recommendation(QStringLiteral("increase-heap-limit"))); // 336.6 is below 360
        QVERIFY(!a.recommendation(QStringLiteral("db-write-slow")));
        QVERIFY(!a.recommendation(QStringLiteral("cache-ttl-short")));
        QVERIFY(!a.recommendation(QStringLiteral("no-heap-limit")));
    }

    void rssLevels_data()
    {
        QTest::addColumn<double>("rss");
        QTest::addColumn<Level>("level");
        QTest::addColumn<QString>("note");
        QTest::addRow("well below") << 300.0 << Level::Ok << QString();
        QTest::addRow("just outside 5 percent") << 332.4 << Level::Ok << QString();
        QTest::addRow("within 5 percent") << 332.6 << Level::Ok << QStringLiteral("approaching warning");
        QTest::addRow("on the line") << 350.0 << Level::Ok << QStringLiteral("approaching warning");
        QTest::addRow("over warning") << 350.1 << Level::Warning << QString();
        QTest::addRow("on critical") << 370.0 << Level::Warning << QString();
        QTest::addRow("over critical") << 370.1 << Level::Critical << QString();
    }
    void rssLevels()
    {
        QFETCH(double, rss);
        QFETCH(Level, level);
        QFETCH(QString, note);
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        b.logs.push_back(memory(kT0, rss, 100, 200));
        s.apply(b);
        const Assessment a = assess(s, Thresholds::defaults(), kT0);
        QCOMPARE(a.flag(QStringLiteral("rss"))->level, level);
        QCOMPARE(a.flag(QStringLiteral("rss"))->note, note);
    }

    void cacheLevels_data()
    {
        QTest::addColumn<double>("rate");
        QTest::addColumn<Level>("level");
        QTest::addColumn<bool>("ttlShort");
        QTest::addRow("excellent") << 73.63 << Level::Ok << false;
        QTest::addRow("approaching") << 52.0 << Level::Ok << false;
        QTest::addRow("warning") << 49.9 << Level::Warning << true;
        QTest::addRow("critical") << 29.0 << Level::Critical << true;
    }
    void cacheLevels()
    {
        QFETCH(double, rate);
        QFETCH(Level, level);
        QFETCH(bool, ttlShort);
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        b.logs.push_back(cache(kT0, 100, qint64(rate * 10), qint64((100 - rate) * 10), rate));
        s.apply(b);
        const Assessment a = assess(s, Thresholds::defaults(), kT0);
        QCOMPARE(a.flag(QStringLiteral("cache_hit_rate"))->level, level);
        QCOMPARE(a.recommendation(QStringLiteral("cache-ttl-short")) != nullptr, ttlShort);
        if (level == Level::Ok && rate < 52.5)
            QCOMPARE(a.flag(QStringLiteral("cache_hit_rate"))->note, QStringLiteral("approaching warning"));
    }

    void growthNeedsObservationAfterWarmup_data()
    {
        QTest::addColumn<double>("perHour");
        QTest::addColumn<int>("minutes");
        QTest::addColumn<Level>("level");
        QTest::addColumn<bool>("leak");
        // Warm-up is 10 min and 30 min are needed after it: 39 minutes of data are not enough.
        QTest::addRow("too short") << 50.0 << 39 << Level::Unknown << false;
        QTest::addRow("flat") << 0.0 << 70 << Level::Ok << false;
        QTest::addRow("slow") << 6.0 << 70 << Level::Ok << false;
        QTest::addRow("warning") << 12.0 << 70 << Level::Warning << true;
        QTest::addRow("critical") << 25.0 << 70 << Level::Critical << true;
    }
    void growthNeedsObservationAfterWarmup()
    {
        QFETCH(double, perHour);
        QFETCH(int, minutes);
        QFETCH(Level, level);
        QFETCH(bool, leak);
        const TargetState s = growingState(perHour, minutes);
        const Assessment a = assess(s, Thresholds::defaults(), kT0 + minutes * kMinute);
        const Flag* f = a.flag(QStringLiteral("memory_growth"));
        QCOMPARE(f->level, level);
        QCOMPARE(a.recommendation(QStringLiteral("possible-leak")) != nullptr, leak);
        QCOMPARE(a.recommendation(QStringLiteral("observe-longer")) != nullptr, level == Level::Unknown);
        if (level != Level::Unknown) {
            // The history keeps values to the hundredth of a MiB: the fitted slope is that close.
            QVERIFY2(qAbs(a.growth.rssMiBPerHour - perHour) < 0.01,
                     qPrintable(QString::number(a.growth.rssMiBPerHour)));
            QVERIFY(qAbs(a.growth.observedMinutes - (minutes - 10)) < 1e-9);
        } else {
            QCOMPARE(f->note, QStringLiteral("needs longer observation (29 of 30 min)"));
        }
    }

    void leakAdviceNamesTheConstructorsThatGrew()
    {
        // Growing 25 MiB/h for an hour; then two heap snapshots compared: the advice names what grew.
        TargetState s = growingState(25.0, 70);
        const Assessment before = assess(s, Thresholds::defaults(), kT0 + 70 * kMinute);
        QVERIFY(before.recommendation(QStringLiteral("possible-leak")));
        QVERIFY(before.recommendation(QStringLiteral("possible-leak"))->action.contains(QLatin1String("Take two")));
        HeapGrowthEvidence e;
        e.olderAtMs = kT0 + 60 * kMinute;
        e.newerAtMs = kT0 + 61 * kMinute;
        e.growers = {{QStringLiteral("LeakyRecord"), 35000, 2200000}, {QStringLiteral("Array"), 2, 1048576}};
        s.setHeapGrowth(e);
        const Assessment after = assess(s, Thresholds::defaults(), kT0 + 70 * kMinute);
        const Recommendation* r = after.recommendation(QStringLiteral("possible-leak"));
        QVERIFY(r);
        QVERIFY2(r->action.contains(QLatin1String("LeakyRecord +35000 objects (+2.10 MiB)")), qPrintable(r->action));
        QVERIFY2(r->action.contains(QLatin1String("Array +2 objects (+1.00 MiB)")), qPrintable(r->action));
        QVERIFY(!r->action.contains(QLatin1String("Take two")));
    }

    void growthWindowIgnoresOldSamples()
    {
        // Fast growth long ago, flat for the last hour: the 60 min window sees no growth.
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        b.info = info(kT0);
        for (int m = 0; m <= 180; ++m)
            b.logs.push_back(memory(kT0 + m * kMinute, m < 100 ? 200 + m : 300, 150, 200));
        s.apply(b);
        const Assessment a = assess(s, Thresholds::defaults(), kT0 + 180 * kMinute);
        QVERIFY(qAbs(a.growth.rssMiBPerHour) < 1e-6);
        QCOMPARE(a.flag(QStringLiteral("memory_growth"))->level, Level::Ok);
    }

    void growthProjectsTheNearerLimit()
    {
        // 340 MiB growing 20 MiB/h reaches the 384 MiB heap limit before the 860 MiB container limit.
        TargetState s = growingState(20.0, 70, 340.0 - 20.0 * 70 / 60.0);
        IngestBatch b;
        b.stats.push_back(stats(kT0 + 70 * kMinute, 400, 860.6, 3));
        s.apply(b);
        const Assessment a = assess(s, Thresholds::defaults(), kT0 + 70 * kMinute);
        QCOMPARE(a.growth.projectedLimitName, QStringLiteral("heap limit"));
        const qint64 expected = kT0 + 70 * kMinute + qint64((384.0 - 340.0) / 20.0 * 3600 * 1000);
        QVERIFY(qAbs(a.growth.projectedLimitAtMs - expected) < 1000);
        QVERIFY(a.flag(QStringLiteral("memory_growth"))->note.contains(QLatin1String("reaches the heap limit")));
    }

    void growthRestartsAtContainerRestart()
    {
        TargetState s = growingState(30.0, 70);
        IngestBatch b;
        b.info = info(kT0 + 71 * kMinute); // restarted
        b.logs.push_back(memory(kT0 + 72 * kMinute, 250, 150, 200));
        s.apply(b);
        const Assessment a = assess(s, Thresholds::defaults(), kT0 + 72 * kMinute);
        QCOMPARE(a.flag(QStringLiteral("memory_growth"))->level, Level::Unknown);
        QCOMPARE(s.restartsWhileWatched(), 1);
        QCOMPARE(a.flag(QStringLiteral("restarts"))->level, Level::Warning);
    }

    void heapUsageLevels_data()
    {
        QTest::addColumn<double>("used");
        QTest::addColumn<Level>("level");
        QTest::addRow("startup 84 percent") << 140.7 << Level::Ok; // 140.7/166.7, the seed's T+0
        QTest::addRow("86 percent") << 143.4 << Level::Warning;
        QTest::addRow("96 percent") << 160.0 << Level::Critical;
    }
    void heapUsageLevels()
    {
        QFETCH(double, used);
        QFETCH(Level, level);
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        b.logs.push_back(memory(kT0, 244.2, used, 166.7));
        s.apply(b);
        const Assessment a = assess(s, Thresholds::defaults(), kT0);
        QCOMPARE(a.flag(QStringLiteral("heap_usage"))->level, level);
        QCOMPARE(a.recommendation(QStringLiteral("heap-gc-pressure")) != nullptr, level != Level::Ok);
    }

    void overflowsCountEventsAndDroppedAcrossRestarts()
    {
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        b.logs.push_back(memory(kT0, 300, 100, 200));
        b.logs.push_back(overflow(kT0 + 1000, 12, 40));
        s.apply(b);
        Assessment a = assess(s, Thresholds::defaults(), kT0 + 1000);
        QCOMPARE(a.flag(QStringLiteral("buffer_overflows"))->level, Level::Warning);
        QCOMPARE(a.recommendation(QStringLiteral("db-write-slow"))->level, Level::Warning);

        IngestBatch c;
        c.logs.push_back(overflow(kT0 + 2000, 400, 400)); // the app restarted: its running total began again
        s.apply(c);
        a = assess(s, Thresholds::defaults(), kT0 + 2000);
        QCOMPARE(s.overflowEvents(), qint64(2));
        QCOMPARE(s.totalDropped(), qint64(440));
        QCOMPARE(a.flag(QStringLiteral("buffer_overflows"))->level, Level::Critical);
        QCOMPARE(a.recommendation(QStringLiteral("db-write-slow"))->level, Level::Critical);
        QVERIFY(a.recommendation(QStringLiteral("db-write-slow"))->evidence.contains(QLatin1String("440")));
    }

    void containerMemoryLevels_data()
    {
        QTest::addColumn<double>("usage");
        QTest::addColumn<Level>("level");
        QTest::addRow("seed 42 percent") << 364.8 << Level::Ok;
        QTest::addRow("85 percent") << 731.5 << Level::Warning;
        QTest::addRow("95 percent") << 817.6 << Level::Critical;
    }
    void containerMemoryLevels()
    {
        QFETCH(double, usage);
        QFETCH(Level, level);
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        b.stats.push_back(stats(kT0, usage, 860.6, 1));
        s.apply(b);
        const Assessment a = assess(s, Thresholds::defaults(), kT0);
        QCOMPARE(a.flag(QStringLiteral("container_memory"))->level, level);
        QCOMPARE(a.recommendation(QStringLiteral("container-memory-high")) != nullptr, level != Level::Ok);
    }

    // The heap limit plus what the process holds beside the heap, against the container's limit. The
    // investigation's T+5 figures: RSS 336.6, heap total 218.0 (118.6 MiB beside the heap), limit 384.
    void heapLimitFit_data()
    {
        QTest::addColumn<QString>("nodeOptions");
        QTest::addColumn<double>("containerMiB");
        QTest::addColumn<Level>("level");
        QTest::addColumn<double>("percent");
        QTest::addColumn<QString>("action"); // a fragment of the recommendation's action, empty: none
        // (384 + 118.6) / 860.6 = 58.4 %: the seed's container holds its heap.
        QTest::addRow("seed container") << "--max-old-space-size=384" << 860.6 << Level::Ok << 58.4 << "";
        // (384 + 118.6) / 540 = 93.1 %: warning; 90 % of 540 less 118.6 leaves 367 → 352 MiB of heap.
        QTest::addRow("tight container") << "--max-old-space-size=384" << 540.0 << Level::Warning << 93.1
                                         << "--max-old-space-size=352";
        // (384 + 118.6) / 480 = 104.7 %: critical; or raise the limit to 502.6 / 0.9 → 576 MiB.
        QTest::addRow("too small") << "--max-old-space-size=384" << 480.0 << Level::Critical << 104.7
                                   << "raise the container memory limit to 576 MiB";
        QTest::addRow("no heap limit set") << "" << 480.0 << Level::Unknown << -1.0 << "";
    }
    void heapLimitFit()
    {
        QFETCH(QString, nodeOptions);
        QFETCH(double, containerMiB);
        QFETCH(Level, level);
        QFETCH(double, percent);
        QFETCH(QString, action);
        TargetState s(QStringLiteral("fit"));
        IngestBatch b;
        b.info = info(kT0, nodeOptions);
        b.logs.push_back(memory(kT0 + 5 * kMinute, 336.6, 212.7, 218.0, 17.6, 13.6));
        b.stats.push_back(stats(kT0 + 5 * kMinute, 300, containerMiB, 2.82));
        s.apply(b);
        const Assessment a = assess(s, Thresholds::defaults(), kT0 + 5 * kMinute);
        const Flag* f = a.flag(QStringLiteral("heap_limit_fit"));
        QVERIFY(f);
        QCOMPARE(f->level, level);
        if (percent >= 0)
            QCOMPARE(qRound(f->value * 10), qRound(percent * 10));
        const Recommendation* r = a.recommendation(QStringLiteral("heap-limit-over-container"));
        QCOMPARE(r != nullptr, !action.isEmpty());
        if (r) {
            QVERIFY2(r->action.contains(action), qPrintable(r->action));
            QCOMPARE(r->level, level);
        }
    }

    // Recommendations that follow a flag are raised and resolved in the timeline at the flag's own transition
    // times: a 90 s spell at 95 % of the seed's 860.6 MiB limit (container-memory-high), at the seed's 97.6 %
    // heap (heap-gc-pressure), at a 25 % cache hit rate (cache-ttl-short), each between calm minutes.
    void recommendationFollowsItsFlag_data()
    {
        QTest::addColumn<QString>("flagId");
        QTest::addColumn<QString>("recommendationId");
        QTest::addRow("container memory")
            << QStringLiteral("container_memory") << QStringLiteral("container-memory-high");
        QTest::addRow("heap usage") << QStringLiteral("heap_usage") << QStringLiteral("heap-gc-pressure");
        QTest::addRow("cache hit rate") << QStringLiteral("cache_hit_rate") << QStringLiteral("cache-ttl-short");
    }
    void recommendationFollowsItsFlag()
    {
        QFETCH(QString, flagId);
        QFETCH(QString, recommendationId);
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        b.info = info(kT0 - 20 * kMinute);
        for (int second = 0; second <= 400; ++second) {
            const qint64 at = kT0 + second * 1000;
            const bool spell = second >= 60 && second < 150;
            b.stats.push_back(
                stats(at, spell && flagId == QLatin1String("container_memory") ? 817.6 : 364.8, 860.6, 1));
            if (second % 5 == 0) {
                b.logs.push_back(memory(at, 300, spell && flagId == QLatin1String("heap_usage") ? 212.7 : 150, 218));
                b.logs.push_back(spell && flagId == QLatin1String("cache_hit_rate") ? cache(at, 2, 250, 750, 25.0)
                                                                                    : cache(at, 2, 750, 250, 75.0));
            }
        }
        s.apply(b);
        const Assessment a = assess(s, Thresholds::defaults(), kT0 + 400 * 1000);
        const Flag* flag = a.flag(flagId);
        QVERIFY(flag && flag->level == Level::Ok);
        QVERIFY(!a.recommendation(recommendationId));
        QVERIFY(flag->transitions.size() >= 2);
        std::vector<const RecommendationChange*> changes;
        for (const RecommendationChange& c : a.recommendationChanges) {
            if (c.id == recommendationId)
                changes.push_back(&c);
        }
        QCOMPARE(changes.size(), size_t(2));
        QVERIFY(changes[0]->raised);
        QCOMPARE(changes[0]->atMs, flag->transitions.front().atMs);
        QVERIFY(changes[0]->atMs >= kT0 + 60 * 1000 && changes[0]->atMs < kT0 + 150 * 1000);
        QVERIFY(!changes[1]->raised);
        QCOMPARE(changes[1]->atMs, flag->transitions.back().atMs);
        QCOMPARE(flag->transitions.back().to, Level::Ok);
    }

    void oomKillIsCriticalAndCountedOnce_data()
    {
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<bool>("oomEvent");
        QTest::addColumn<double>("memoryMiB"); // container memory just before, of the seed's 860.6 MiB limit
        QTest::addRow("kernel OOM: oom event and exit 137") << 137 << true << 364.8;
        QTest::addRow("exit 137 at the memory limit, no oom event") << 137 << false << 858.0;
        QTest::addRow("V8 heap OOM: exit 134") << 134 << false << 364.8;
    }
    void oomKillIsCriticalAndCountedOnce()
    {
        QFETCH(int, exitCode);
        QFETCH(bool, oomEvent);
        QFETCH(double, memoryMiB);
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        b.info = info(kT0);
        b.stats.push_back(stats(kT0 + 2 * kMinute - 1000, memoryMiB, 860.6, 12));
        b.logs.push_back(memory(kT0 + kMinute, 380, 200, 210));
        if (exitCode == 134)
            b.logs.push_back(line(
                kT0 + 2 * kMinute, LogKind::HeapOom,
                QStringLiteral("FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory")));
        if (oomEvent)
            b.events.push_back(ContainerEvent {kT0 + 2 * kMinute, ContainerEvent::Kind::Oom, {}, -1, {}});
        b.events.push_back(ContainerEvent {kT0 + 2 * kMinute + 500, ContainerEvent::Kind::Die, {}, exitCode, {}});
        b.events.push_back(ContainerEvent {kT0 + 3 * kMinute, ContainerEvent::Kind::Start, {}, -1, {}});
        s.apply(b);
        const Assessment a = assess(s, Thresholds::defaults(), kT0 + 3 * kMinute);
        QCOMPARE(s.oomKills(), 1);
        QCOMPARE(s.restartsWhileWatched(), 1);
        QCOMPARE(a.flag(QStringLiteral("restarts"))->level, Level::Critical);
        QVERIFY(a.recommendation(QStringLiteral("oom-restart")));
        QCOMPARE(a.overall, Level::Critical);
    }

    // `docker stop` of a Node app that ignores SIGTERM ends in SIGKILL after the grace period: exit 137 with
    // no oom event and memory far from the limit is a death, not an OOM kill, however it is reported (the
    // "die" event, then inspect polled while the container is down, or inspect alone).
    void sigkillAfterAStopIsNotAnOomKill_data()
    {
        QTest::addColumn<bool>("dieEvent");
        QTest::addRow("die event, then inspect") << true;
        QTest::addRow("inspect only") << false;
    }
    void sigkillAfterAStopIsNotAnOomKill()
    {
        QFETCH(bool, dieEvent);
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        b.info = info(kT0);
        b.stats.push_back(stats(kT0 + 2 * kMinute - 1000, 364.8, 860.6, 1));
        if (dieEvent)
            b.events.push_back(ContainerEvent {kT0 + 2 * kMinute, ContainerEvent::Kind::Die, {}, 137, {}});
        s.apply(b);
        ContainerInfo stopped = info(kT0);
        stopped.running = false;
        stopped.status = QStringLiteral("exited");
        stopped.exitCode = 137;
        stopped.finishedAtMs = kT0 + 2 * kMinute;
        for (int poll = 0; poll < 3; ++poll) {
            IngestBatch inspect;
            inspect.info = stopped;
            s.apply(inspect);
        }
        QCOMPARE(s.oomKills(), 0);
        QCOMPARE(s.markers().size(), size_t(2)); // the start and one death
        const auto death = std::find_if(s.markers().begin(), s.markers().end(),
                                        [](const Marker& m) { return m.kind != Marker::Kind::Start; });
        QVERIFY(death != s.markers().end());
        QCOMPARE(death->kind, Marker::Kind::Die);
        QCOMPARE(death->exitCode, 137);
        QVERIFY2(death->text.contains(QLatin1String("SIGKILL")), qPrintable(death->text));
        const Assessment a = assess(s, Thresholds::defaults(), kT0 + 3 * kMinute);
        QVERIFY(a.flag(QStringLiteral("restarts"))->level != Level::Critical);
        QVERIFY(!a.recommendation(QStringLiteral("oom-restart")));
    }

    void startReportedTwiceIsOneStart()
    {
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        b.info = info(kT0 + 123); // inspect: ns precision
        b.events.push_back(ContainerEvent {kT0, ContainerEvent::Kind::Start, {}, -1, {}}); // events: seconds
        s.apply(b);
        QCOMPARE(s.restartsWhileWatched(), 0);
        QCOMPARE(s.markers().size(), size_t(1));
    }

    // A start under a new container id is a recreation (rm then run, a redeploy), told apart from a restart
    // of the same container on its marker, whichever of the start event and inspect reported it first.
    void recreateIsMarkedWithTheNewId_data()
    {
        QTest::addColumn<QString>("newId");
        QTest::addColumn<bool>("eventFirst");
        QTest::addColumn<bool>("recreated");
        const QString oldId = QStringLiteral("9860eab2b3a3d506afa24689fbadb5bb1d33b50cf69cba5eb605937fa9bd1507");
        const QString newId = QStringLiteral("21e7e08d1baace4459c786fba2fe6cd692a427a7fb30ee15b1bd8954049bacbd");
        QTest::addRow("recreated, inspect only") << newId << false << true;
        QTest::addRow("recreated, start event first") << newId << true << true;
        QTest::addRow("restarted, same id") << oldId << true << false;
        QTest::addRow("restarted, same id, inspect only") << oldId << false << false;
    }
    void recreateIsMarkedWithTheNewId()
    {
        QFETCH(QString, newId);
        QFETCH(bool, eventFirst);
        QFETCH(bool, recreated);
        TargetState s(QStringLiteral("t"));
        IngestBatch first;
        first.info = info(kT0);
        first.info->id = QStringLiteral("9860eab2b3a3d506afa24689fbadb5bb1d33b50cf69cba5eb605937fa9bd1507");
        s.apply(first);
        const qint64 again = kT0 + 10 * kMinute;
        IngestBatch second;
        if (eventFirst)
            second.events.push_back(ContainerEvent {again / 1000 * 1000, ContainerEvent::Kind::Start, newId, -1,
                                                    QStringLiteral("start")}); // events: seconds
        second.info = info(again + 123);
        second.info->id = newId;
        s.apply(second);
        s.apply(second); // inspect polled again: still one marker, still marked once
        QCOMPARE(s.restartsWhileWatched(), 1);
        QCOMPARE(s.markers().size(), size_t(2));
        const Marker& m = s.markers().back();
        QCOMPARE(m.kind, Marker::Kind::Restart);
        QCOMPARE(m.recreated, recreated);
        QCOMPARE(m.text.contains(QLatin1String("21e7e08d1baa")), recreated);
        QVERIFY(!s.markers().front().recreated);
    }

    void increaseHeapLimitNeedsTenMinutesAbove360_data()
    {
        QTest::addColumn<int>("minutesAbove");
        QTest::addColumn<bool>("fires");
        QTest::addRow("8 min") << 8 << false;
        QTest::addRow("10 min") << 10 << true;
        QTest::addRow("25 min") << 25 << true;
    }
    void increaseHeapLimitNeedsTenMinutesAbove360()
    {
        QFETCH(int, minutesAbove);
        QFETCH(bool, fires);
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        b.info = info(kT0);
        for (int m = 0; m <= 30; ++m)
            b.logs.push_back(memory(kT0 + m * kMinute, m >= 30 - minutesAbove ? 365 : 340, 150, 200));
        s.apply(b);
        const Assessment a = assess(s, Thresholds::defaults(), kT0 + 30 * kMinute);
        const Recommendation* r = a.recommendation(QStringLiteral("increase-heap-limit"));
        QCOMPARE(r != nullptr, fires);
        if (r) {
            QCOMPARE(r->action, QStringLiteral("ENV NODE_OPTIONS=\"--max-old-space-size=512\""));
            QVERIFY(r->evidence.contains(QLatin1String("365.0 MiB")));
        }
    }

    void heapOver300()
    {
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        for (int m = 0; m <= 15; ++m)
            b.logs.push_back(memory(kT0 + m * kMinute, 420, 310, 400));
        s.apply(b);
        const Assessment a = assess(s, Thresholds::defaults(), kT0 + 15 * kMinute);
        QVERIFY(a.recommendation(QStringLiteral("heap-over-300")));
    }

    void cacheRecommendations_data()
    {
        QTest::addColumn<qint64>("keys");
        QTest::addColumn<qint64>("hits");
        QTest::addColumn<qint64>("misses");
        QTest::addColumn<int>("sustainMinutes");
        QTest::addColumn<QStringList>("expected");
        QTest::addRow("seed, 5 min") << qint64(2) << qint64(1346) << qint64(482) << 5 << QStringList();
        QTest::addRow("seed, 35 min") << qint64(2) << qint64(1346) << qint64(482) << 35
                                      << QStringList {QStringLiteral("cache-ttl-increase")};
        QTest::addRow("keys near maxKeys")
            << qint64(4200) << qint64(900) << qint64(100) << 1 << QStringList {QStringLiteral("cache-maxkeys")};
        QTest::addRow("misses with few keys")
            << qint64(3) << qint64(550) << qint64(450) << 1 << QStringList {QStringLiteral("cache-strategy")};
        QTest::addRow("low hit rate") << qint64(500) << qint64(400) << qint64(600) << 1
                                      << QStringList {QStringLiteral("cache-ttl-short")};
    }
    void cacheRecommendations()
    {
        QFETCH(qint64, keys);
        QFETCH(qint64, hits);
        QFETCH(qint64, misses);
        QFETCH(int, sustainMinutes);
        QFETCH(QStringList, expected);
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        const double rate = 100.0 * double(hits) / double(hits + misses);
        for (int m = 0; m <= sustainMinutes; ++m)
            b.logs.push_back(cache(kT0 + m * kMinute, keys, hits, misses, rate));
        s.apply(b);
        const Assessment a = assess(s, Thresholds::defaults(), kT0 + sustainMinutes * kMinute);
        QStringList got;
        for (const Recommendation& r : a.recommendations) {
            if (r.id.startsWith(QLatin1String("cache-")))
                got << r.id;
        }
        QCOMPARE(got, expected);
    }

    void devModeAndHeapLimit()
    {
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        b.info = info(kT0, QStringLiteral("--enable-source-maps"));
        b.logs.push_back(memory(kT0, 300, 100, 200));
        b.logs.push_back(line(kT0, LogKind::DevMode, QStringLiteral("○ Compiling /dashboard ...")));
        s.apply(b);
        const Assessment a = assess(s, Thresholds::defaults(), kT0);
        QCOMPARE(a.recommendation(QStringLiteral("dev-mode"))->level, Level::Critical);
        const Recommendation* limit = a.recommendation(QStringLiteral("no-heap-limit"));
        QVERIFY(limit);
        QVERIFY(limit->action.contains(QLatin1String("--max-old-space-size=384")));
        QVERIFY(limit->evidence.contains(QLatin1String("--enable-source-maps")));
    }

    // Overflow events count within the events window and the current container run; older ones leave the
    // level and stay in the note.
    void overflowsAgeOut_data()
    {
        QTest::addColumn<QList<int>>("minutesAgo"); // overflow events, minutes before the judgement
        QTest::addColumn<int>("startedMinutesAgo"); // the current run's start (-1: unknown)
        QTest::addColumn<Level>("level");
        QTest::addColumn<QString>("note");
        QTest::addRow("one, 10 min ago") << QList<int> {10} << -1 << Level::Warning
                                         << QStringLiteral("12 entries dropped in total");
        QTest::addRow("two within the hour")
            << QList<int> {50, 10} << -1 << Level::Critical << QStringLiteral("24 entries dropped in total");
        QTest::addRow("one 61 min ago") << QList<int> {61} << -1 << Level::Ok
                                        << QStringLiteral("last overflow 1 h 1 min ago, 1 since watching");
        QTest::addRow("Monday's burst, judged on Friday")
            << QList<int> {4 * 24 * 60 + 5, 4 * 24 * 60} << -1 << Level::Ok
            << QStringLiteral("last overflow 4 d ago, 2 since watching");
        QTest::addRow("one old, one recent")
            << QList<int> {180, 5} << -1 << Level::Warning
            << QStringLiteral("24 entries dropped in total, 2 overflows since watching");
        QTest::addRow("before a redeploy 20 min ago")
            << QList<int> {40, 30} << 20 << Level::Ok
            << QStringLiteral("last overflow 30 min ago, 2 since watching, before the last start");
        QTest::addRow("after a redeploy 20 min ago")
            << QList<int> {40, 10} << 20 << Level::Warning
            << QStringLiteral("24 entries dropped in total, 2 overflows since watching");
    }
    void overflowsAgeOut()
    {
        QFETCH(QList<int>, minutesAgo);
        QFETCH(int, startedMinutesAgo);
        QFETCH(Level, level);
        QFETCH(QString, note);
        const qint64 now = kT0 + 5 * 24 * 60 * kMinute;
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        if (startedMinutesAgo >= 0)
            b.events.push_back(
                ContainerEvent {now - startedMinutesAgo * kMinute, ContainerEvent::Kind::Start, {}, -1, {}});
        qint64 total = 0;
        for (int ago : minutesAgo) {
            total += 12;
            b.logs.push_back(overflow(now - ago * kMinute, 12, total));
        }
        b.logs.push_back(memory(now, 300, 100, 200));
        s.apply(b);
        const Assessment a = assess(s, Thresholds::defaults(), now);
        const Flag* f = a.flag(QStringLiteral("buffer_overflows"));
        QCOMPARE(f->level, level);
        QCOMPARE(f->note, note);
        QCOMPARE(a.recommendation(QStringLiteral("db-write-slow")) != nullptr, level != Level::Ok);
        QCOMPARE(s.overflowEvents(), qint64(minutesAgo.size())); // the lifetime count stays
    }

    void eventWindowIsInTheThresholdsFile()
    {
        QString error;
        const auto t = Thresholds::fromJson(R"({"events": {"window_minutes": 240}})", &error);
        QVERIFY2(t, qPrintable(error));
        QCOMPARE(t->eventWindowMinutes, 240.0);
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        b.logs.push_back(overflow(kT0, 12, 12));
        b.logs.push_back(memory(kT0 + 180 * kMinute, 300, 100, 200));
        s.apply(b);
        QCOMPARE(assess(s, *t, kT0 + 180 * kMinute).flag(QStringLiteral("buffer_overflows"))->level, Level::Warning);
        QCOMPARE(assess(s, Thresholds::defaults(), kT0 + 180 * kMinute).flag(QStringLiteral("buffer_overflows"))->level,
                 Level::Ok);
    }

    // A restart keeps its warning for the events window, then only the note remembers it.
    void restartsAgeOut_data()
    {
        QTest::addColumn<int>("minutesAgo");
        QTest::addColumn<Level>("level");
        QTest::addRow("5 min ago") << 5 << Level::Warning;
        QTest::addRow("59 min ago") << 59 << Level::Warning;
        QTest::addRow("2 h ago") << 120 << Level::Ok;
    }
    void restartsAgeOut()
    {
        QFETCH(int, minutesAgo);
        QFETCH(Level, level);
        const qint64 now = kT0 + 6 * 60 * kMinute;
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        b.events.push_back(ContainerEvent {kT0, ContainerEvent::Kind::Start, {}, -1, {}});
        b.events.push_back(ContainerEvent {now - minutesAgo * kMinute, ContainerEvent::Kind::Restart, {}, -1, {}});
        s.apply(b);
        const Assessment a = assess(s, Thresholds::defaults(), now);
        const Flag* f = a.flag(QStringLiteral("restarts"));
        QCOMPARE(f->level, level);
        QCOMPARE(s.restartsWhileWatched(), 1);
        if (level == Level::Ok)
            QCOMPARE(f->note, QStringLiteral("last restart 2 h ago, 1 since watching"));
    }

    // A redeployment resolves what the previous deployment's lines said: development mode, its cache.
    void newDeploymentResolvesTheOldOnesFacts()
    {
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        b.logs.push_back(line(kT0, LogKind::AppStart, QStringLiteral("[info]: Starting Pangolin in development mode")));
        b.logs.push_back(line(kT0 + kMinute, LogKind::DevMode, QStringLiteral("○ Compiling /dashboard ...")));
        b.logs.push_back(memory(kT0 + 2 * kMinute, 300, 100, 200));
        b.logs.push_back(cache(kT0 + 3 * kMinute, 40, 300, 700, 30.0));
        s.apply(b);
        Assessment a = assess(s, Thresholds::defaults(), kT0 + 3 * kMinute);
        QCOMPARE(a.recommendation(QStringLiteral("dev-mode"))->level, Level::Critical);
        QVERIFY(a.recommendation(QStringLiteral("dev-mode"))->evidence.startsWith(QLatin1String("2 ")));
        QCOMPARE(a.flag(QStringLiteral("cache_hit_rate"))->level, Level::Warning);
        QCOMPARE(s.startedInDevelopmentMode(), std::optional<bool>(true));

        IngestBatch c;
        c.logs.push_back(line(kT0 + 60 * kMinute, LogKind::AppStart,
                              QStringLiteral("[info]: Starting Pangolin in production mode")));
        c.logs.push_back(memory(kT0 + 61 * kMinute, 300, 100, 200));
        s.apply(c);
        a = assess(s, Thresholds::defaults(), kT0 + 61 * kMinute);
        QCOMPARE(s.lastStartMs(), kT0 + 60 * kMinute);
        QCOMPARE(s.startedInDevelopmentMode(), std::optional<bool>(false));
        QVERIFY(!a.recommendation(QStringLiteral("dev-mode")));
        QVERIFY(!a.recommendation(QStringLiteral("cache-ttl-short")));
        QCOMPARE(a.flag(QStringLiteral("cache_hit_rate"))->level, Level::Unknown);
        QCOMPARE(a.flag(QStringLiteral("cache_hit_rate"))->note, QStringLiteral("no cache stats since the last start"));
        QCOMPARE(s.devModeLines(), qint64(2)); // still counted since watching
        QCOMPARE(s.restartsWhileWatched(), 1);
    }

    // The container start (inspect, event) and the app's start line a few seconds later are one start, in
    // whichever order they arrive; a start line with no container start known is a start of its own.
    void appStartLineAndContainerStartAreOneStart_data()
    {
        QTest::addColumn<bool>("containerFirst");
        QTest::addRow("inspect, then the log") << true;
        QTest::addRow("the log, then inspect") << false;
    }
    void appStartLineAndContainerStartAreOneStart()
    {
        QFETCH(bool, containerFirst);
        TargetState s(QStringLiteral("t"));
        IngestBatch container;
        container.info = info(kT0);
        IngestBatch log;
        log.logs.push_back(line(kT0 - 3 * 60 * kMinute + 4000, LogKind::AppStart,
                                QStringLiteral("[info]: Starting Pangolin in production mode"))); // an older run
        log.logs.push_back(
            line(kT0 + 4000, LogKind::AppStart, QStringLiteral("[info]: Starting Pangolin in production mode")));
        log.logs.push_back(line(kT0 + 5000, LogKind::AppStart, QString::fromUtf8("  ▲ Next.js 14.1.0")));
        if (containerFirst) {
            s.apply(container);
            s.apply(log);
        } else {
            s.apply(log);
            s.apply(container);
        }
        s.apply(container); // inspect polled again
        QCOMPARE(s.restartsWhileWatched(), 1); // the older run and this one
        QCOMPARE(s.lastStartMs(), kT0);
        QCOMPARE(s.markers().size(), size_t(2));
    }

    // k restarts within the loop window (default 3 in 10 min) are critical, with their exit codes and the
    // last lines before each restart as evidence.
    void restartLoop_data()
    {
        QTest::addColumn<QList<int>>("restartSeconds"); // restarts, seconds after the first start
        QTest::addColumn<Level>("level");
        QTest::addColumn<bool>("loop");
        QTest::addRow("three in two minutes") << QList<int> {40, 80, 120} << Level::Critical << true;
        QTest::addRow("two in two minutes") << QList<int> {40, 80} << Level::Warning << false;
        QTest::addRow("three in half an hour") << QList<int> {60, 900, 1800} << Level::Warning << false;
        QTest::addRow("four in nine minutes") << QList<int> {60, 200, 400, 540} << Level::Critical << true;
    }
    void restartLoop()
    {
        QFETCH(QList<int>, restartSeconds);
        QFETCH(Level, level);
        QFETCH(bool, loop);
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        b.events.push_back(ContainerEvent {kT0, ContainerEvent::Kind::Start, {}, -1, {}});
        for (int at : restartSeconds) {
            const qint64 t = kT0 + at * 1000;
            b.logs.push_back(line(t - 3000, LogKind::Error,
                                  QStringLiteral("[error]: Failed to connect to the database: ECONNREFUSED")));
            b.events.push_back(ContainerEvent {t - 2000, ContainerEvent::Kind::Die, {}, 1, {}});
            b.events.push_back(ContainerEvent {t, ContainerEvent::Kind::Start, {}, -1, {}});
        }
        s.apply(b);
        const qint64 now = kT0 + restartSeconds.back() * 1000 + 5000;
        const Assessment a = assess(s, Thresholds::defaults(), now);
        const Flag* f = a.flag(QStringLiteral("restarts"));
        QCOMPARE(f->level, level);
        QCOMPARE(f->note.startsWith(QLatin1String("restart loop")), loop);
        const Recommendation* r = a.recommendation(QStringLiteral("restart-loop"));
        QCOMPARE(r != nullptr, loop);
        if (r) {
            QCOMPARE(r->level, Level::Critical);
            QCOMPARE(r->evidence.count(QLatin1String("after exit code 1")), restartSeconds.size());
            QVERIFY(r->evidence.contains(QLatin1String("ECONNREFUSED")));
            QCOMPARE(a.overall, Level::Critical);
        }
    }

    void restartLoopIsInTheThresholdsFile()
    {
        QString error;
        const auto t = Thresholds::fromJson(R"({"restart_loop": {"restarts": 2, "window_minutes": 5}})", &error);
        QVERIFY2(t, qPrintable(error));
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        for (int i = 0; i < 3; ++i)
            b.events.push_back(ContainerEvent {kT0 + i * kMinute, ContainerEvent::Kind::Start, {}, -1, {}});
        s.apply(b);
        QCOMPARE(assess(s, *t, kT0 + 2 * kMinute).flag(QStringLiteral("restarts"))->level, Level::Critical);
        QCOMPARE(assess(s, Thresholds::defaults(), kT0 + 2 * kMinute).flag(QStringLiteral("restarts"))->level,
                 Level::Warning);
    }

    void heapUsageSustainDefaultsToTwoSamples()
    {
        TargetState s = seedState();
        Assessment a = assess(s, Thresholds::defaults(), kT0 + 5 * kMinute);
        QCOMPARE(a.flag(QStringLiteral("heap_usage"))->level, Level::Ok);
        QCOMPARE(a.flag(QStringLiteral("heap_usage"))->note, QStringLiteral("entering critical (1 of 2 samples)"));
        QVERIFY(!a.recommendation(QStringLiteral("heap-gc-pressure")));
        IngestBatch b;
        b.logs.push_back(memory(kT0 + 10 * kMinute, 337.0, 213.0, 218.0));
        s.apply(b);
        a = assess(s, Thresholds::defaults(), kT0 + 12 * kMinute);
        QCOMPARE(a.flag(QStringLiteral("heap_usage"))->level, Level::Critical);
        QCOMPARE(a.flag(QStringLiteral("heap_usage"))->note, QStringLiteral("critical for 2 min"));
        QCOMPARE(a.flag(QStringLiteral("heap_usage"))->transitions.size(), size_t(1));
        QCOMPARE(a.recommendation(QStringLiteral("heap-gc-pressure"))->level, Level::Critical);
    }

    // RSS enters a level only after two minutes beyond its line (Memory lines every minute here).
    void rssSustainsTwoMinutes_data()
    {
        QTest::addColumn<int>("minutesAbove"); // the last samples above 360
        QTest::addColumn<Level>("level");
        QTest::addColumn<QString>("note");
        QTest::addRow("one sample") << 0 << Level::Ok << QStringLiteral("entering warning (0 s of 2 min)");
        QTest::addRow("one minute") << 1 << Level::Ok << QStringLiteral("entering warning (1 min of 2 min)");
        QTest::addRow("two minutes") << 2 << Level::Warning << QStringLiteral("warning for 0 s");
        QTest::addRow("five minutes") << 5 << Level::Warning << QStringLiteral("warning for 3 min");
    }
    void rssSustainsTwoMinutes()
    {
        QFETCH(int, minutesAbove);
        QFETCH(Level, level);
        QFETCH(QString, note);
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        b.info = info(kT0);
        for (int m = 0; m <= 10; ++m)
            b.logs.push_back(memory(kT0 + m * kMinute, m >= 10 - minutesAbove ? 360 : 330, 150, 200));
        s.apply(b);
        const Assessment a = assess(s, Thresholds::defaults(), kT0 + 10 * kMinute);
        const Flag* f = a.flag(QStringLiteral("rss"));
        QCOMPARE(f->level, level);
        QCOMPARE(f->note, note);
    }

    // A level is left only once the value is 2 % inside its line: heap usage around 95 % stays critical.
    void hysteresisNeedsTheClearLine_data()
    {
        QTest::addColumn<double>("after"); // heap usage % of the last two samples, after ten at 97 %
        QTest::addColumn<Level>("level");
        QTest::addRow("94.5, inside the line, not past the clear line") << 94.5 << Level::Critical;
        QTest::addRow("93.2, just above the clear line 93.1") << 93.2 << Level::Critical;
        QTest::addRow("93.0, past the clear line") << 93.0 << Level::Warning;
        QTest::addRow("80, past both clear lines") << 80.0 << Level::Ok;
    }
    void hysteresisNeedsTheClearLine()
    {
        QFETCH(double, after);
        QFETCH(Level, level);
        TargetState s(QStringLiteral("t"));
        IngestBatch b;
        b.info = info(kT0);
        for (int i = 0; i < 12; ++i)
            b.logs.push_back(memory(kT0 + i * 10000, 330, i < 10 ? 194.0 : after * 2.0, 200));
        s.apply(b);
        QCOMPARE(assess(s, Thresholds::defaults(), kT0 + 110000).flag(QStringLiteral("heap_usage"))->level, level);
    }

    // The demo's heap: used/total moves around 95 % between collections (a 90 s sawtooth, a Memory line every
    // 10 s). Judged every second for eight minutes, the verdict changes at most once a minute, and the flag
    // is reported as flapping instead of changing on.
    void sawtoothAround95PercentDoesNotFlap()
    {
        TargetState s(QStringLiteral("t"));
        const qint64 start = kT0 + 5 * kMinute;
        IngestBatch first;
        first.info = info(kT0);
        for (qint64 at = kT0; at < start; at += 10000)
            first.logs.push_back(memory(at, 336.6, 212.7, 218.0));
        s.apply(first);
        std::vector<std::pair<qint64, Level>> changes;
        Level previous = Level::Unknown;
        // Without the clear line, the dwell and flap detection the flag changes at nearly every crossing.
        Thresholds bare;
        bare.clearFraction = 0;
        bare.minDwellSeconds = 0;
        bare.flapChanges = 1e6;
        bare.heapUsageSustain = {1, 0};
        int bareChanges = 0;
        Level bareLevel = Level::Unknown;
        for (qint64 now = start; now <= start + 8 * kMinute; now += 1000) {
            if ((now - start) % 10000 == 0) {
                const double sawtooth = std::fmod(double(now - start) / 90000.0, 1.0);
                IngestBatch b;
                b.logs.push_back(memory(now, 336.6, 200.5 + 13.0 * sawtooth, 218.0));
                s.apply(b);
                const Level l = assess(s, bare, now).flag(QStringLiteral("heap_usage"))->level;
                bareChanges += l != bareLevel && bareLevel != Level::Unknown ? 1 : 0;
                bareLevel = l;
            }
            const Level overall = assess(s, Thresholds::defaults(), now).overall;
            if (overall != previous)
                changes.emplace_back(now, overall);
            previous = overall;
        }
        for (size_t i = 2; i < changes.size(); ++i) // the first entry is the initial verdict
            QVERIFY2(changes[i].first - changes[i - 1].first >= kMinute,
                     qPrintable(QStringLiteral("changes at +%1 s and +%2 s")
                                    .arg((changes[i - 1].first - start) / 1000)
                                    .arg((changes[i].first - start) / 1000)));
        const Assessment end = assess(s, Thresholds::defaults(), start + 8 * kMinute);
        const Flag* heap = end.flag(QStringLiteral("heap_usage"));
        QVERIFY(heap->flapping);
        QCOMPARE(heap->level, Level::Critical);
        QVERIFY2(heap->note.startsWith(QLatin1String("flapping between warning and critical")), qPrintable(heap->note));
        QVERIFY2(bareChanges >= 8, qPrintable(QString::number(bareChanges)));
    }

    void timingIsInTheThresholdsFile()
    {
        QString error;
        const auto t = Thresholds::fromJson(
            R"({"sustain": {"heap_usage_samples": 3, "rss_seconds": 600, "clear_fraction": 0.05},
                "flapping": {"changes": 5, "window_minutes": 30}})",
            &error);
        QVERIFY2(t, qPrintable(error));
        QCOMPARE(t->heapUsageSustain.samples, 3.0);
        QCOMPARE(t->rssSustain.seconds, 600.0);
        QCOMPARE(t->clearFraction, 0.05);
        QCOMPARE(t->flapChanges, 5.0);
        QCOMPARE(t->flapWindowMinutes, 30.0);
        QVERIFY(!Thresholds::fromJson(R"({"sustain": {"heap_usage_samples": 0}})", &error));
        QVERIFY(error.contains(QLatin1String("sustain.heap_usage_samples")));
    }

    void noDataIsUnknown()
    {
        TargetState s(QStringLiteral("t"));
        const Assessment a = assess(s, Thresholds::defaults(), kT0);
        QCOMPARE(a.overall, Level::Unknown);
        for (const Flag& f : a.flags)
            QCOMPARE(f.level, Level::Unknown);
        QVERIFY(a.recommendations.empty());
    }

    void historyAndListsStayBounded()
    {
        Thresholds small;
        small.processCapacity = 100;
        small.statsCapacity = 100;
        small.cacheCapacity = 10;
        TargetState s(QStringLiteral("t"), small);
        for (int i = 0; i < 5000; ++i) {
            IngestBatch b;
            b.logs.push_back(memory(kT0 + i, 300, 100, 200));
            b.logs.push_back(line(kT0 + i, LogKind::Warning, QStringLiteral("[warn]: slow")));
            b.stats.push_back(stats(kT0 + i, 300, 800, 1));
            s.apply(b);
        }
        QCOMPARE(s.process().size(), qsizetype(100));
        QCOMPARE(s.stats().size(), qsizetype(100));
        QCOMPARE(s.problems().size(), TargetState::kMaxProblems);
        QCOMPARE(s.warningLines(), qint64(5000));
    }
};

QTEST_GUILESS_MAIN(TestAssessment)
#include "tst_assessment.moc"
