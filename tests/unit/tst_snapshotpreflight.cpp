// The safety rules before a heap snapshot (SnapshotPreflight) on the seed investigation's numbers (heap
// 212.7 MB used of 218 MB, RSS 336.6 MB, a container limit of 860 MB), on the snapshots measured in a
// container (README "Heap snapshots"), and the in-process one-snapshot-per-target lock.
#include "SnapshotPreflight.h"

#include <QtTest>

using namespace heapwatch;

namespace {
constexpr qint64 MiB = 1024 * 1024;
qint64 mib(double v)
{
    return qint64(v * double(MiB));
}
} // namespace

class TestSnapshotPreflight : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void judge_data()
    {
        QTest::addColumn<qint64>("heapUsed");
        QTest::addColumn<qint64>("objects");
        QTest::addColumn<qint64>("limit");
        QTest::addColumn<qint64>("usage");
        QTest::addColumn<qint64>("available");
        QTest::addColumn<qint64>("maxHeap");
        QTest::addColumn<bool>("allowed");
        QTest::addColumn<qint64>("freeBytes");
        QTest::addColumn<qint64>("neededBytes");
        QTest::addColumn<QString>("reasonHas");

        const qint64 cap = SnapshotLimits::kDefaultMaxHeapBytes;
        const qint64 G = 1024 * MiB;
        // The seed's heap (212.7 MiB used) at the densest measured rate, 43 B an object: 5.19 M objects need
        // 5.19 GB + 4 x 212.7 MiB; its container has 860 − 336.6 = 523.4 MiB free.
        const qint64 seedDense = 5187000;
        const qint64 seedDenseNeed = qint64(std::ceil(1000.0 * double(seedDense) + 4.0 * double(mib(212.7))));
        QTest::addRow("seed: 523 MiB free, a dense heap of 213 MiB")
            << mib(212.7) << seedDense << mib(860) << mib(336.6) << qint64(-1) << cap << false << mib(860) - mib(336.6)
            << seedDenseNeed
            << QStringLiteral("is less than the 5.66 GiB a snapshot would take (5187000 objects × 1000 B + 4 × the "
                              "heap used 212.7 MiB; never less than 1.5 × the heap)");
        // Large objects: 500 000 of them, 476.8 MiB + 850.8 MiB = 1327.6 MiB needed, 3759.4 MiB free.
        QTest::addRow("seed heap in large objects, 4 GiB container")
            << mib(212.7) << qint64(500000) << 4 * G << mib(336.6) << qint64(-1) << cap << true << 4 * G - mib(336.6)
            << qint64(std::ceil(500000000.0 + 4.0 * double(mib(212.7))))
            << QStringLiteral("in 500000 objects, 3.67 GiB free (limit 4.00 GiB − usage 336.6 MiB)");
        // Measured (README): 79.2 MB in 1 840 722 objects grew the app by 1764 MiB, and killed it in 860 MiB.
        QTest::addRow("the measured dense heap in 860 MiB")
            << qint64(79223928) << qint64(1840722) << mib(860) << qint64(136892416) << qint64(-1) << cap << false
            << mib(860) - qint64(136892416) << qint64(std::ceil(1840722000.0 + 4.0 * 79223928.0))
            << QStringLiteral("a snapshot could get the container killed");
        QTest::addRow("the measured dense heap in 3 GiB")
            << qint64(79223928) << qint64(1840722) << 3 * G << qint64(136892416) << qint64(-1) << cap << true
            << 3 * G - qint64(136892416) << qint64(std::ceil(1840722000.0 + 4.0 * 79223928.0))
            << QStringLiteral("the snapshot needs about 2.01 GiB");
        // 100 000 objects and 10 MiB: 100 000 000 + 41 943 040 B.
        const qint64 need = 141943040;
        QTest::addRow("free exactly what it needs") << mib(10) << qint64(100000) << mib(500) << mib(500) - need
                                                    << qint64(-1) << cap << true << need << need << QString();
        QTest::addRow("one byte short") << mib(10) << qint64(100000) << mib(500) << mib(500) - need + 1 << qint64(-1)
                                        << cap << false << need - 1 << need << QStringLiteral("refused");
        QTest::addRow("objects not counted: 27 × the heap")
            << mib(10) << qint64(-1) << mib(500) << mib(100) << qint64(-1) << cap << true << mib(400) << mib(270)
            << QStringLiteral("the snapshot needs about 270.0 MiB");
        QTest::addRow("objects not counted, too little free")
            << mib(20) << qint64(-1) << mib(500) << mib(100) << qint64(-1) << cap << false << mib(400) << mib(540)
            << QStringLiteral("27 × the heap used 20.0 MiB, its objects not counted");
        QTest::addRow("usage over the limit counts as nothing free")
            << mib(50) << qint64(60000) << mib(96) << mib(100) << qint64(-1) << cap << false << qint64(0)
            << qint64(std::ceil(60000000.0 + 4.0 * double(mib(50))))
            << QStringLiteral("0 B free (limit 96.0 MiB − usage 100.0 MiB)");
        QTest::addRow("heap over the default 800 MiB, memory plenty")
            << mib(900) << qint64(1000000) << 64 * G << mib(1200) << qint64(-1) << cap << false << 64 * G - mib(1200)
            << qint64(std::ceil(1e9 + 4.0 * double(mib(900))))
            << QStringLiteral("over the 800.0 MiB a snapshot may take");
        QTest::addRow("heap at exactly the cap")
            << cap << qint64(1000000) << 64 * G << mib(1000) << qint64(-1) << cap << true << 64 * G - mib(1000)
            << qint64(std::ceil(1e9 + 4.0 * double(cap))) << QString();
        QTest::addRow("--max-heap 100 on the seed heap")
            << mib(212.7) << qint64(500000) << 4 * G << mib(336.6) << qint64(-1) << mib(100) << false
            << 4 * G - mib(336.6) << qint64(std::ceil(500000000.0 + 4.0 * double(mib(212.7))))
            << QStringLiteral("over the 100.0 MiB");
        QTest::addRow("no container limit: the machine's available memory")
            << mib(212.7) << qint64(500000) << qint64(-1) << mib(336.6) << mib(8192) << cap << true << mib(8192)
            << qint64(std::ceil(500000000.0 + 4.0 * double(mib(212.7))))
            << QStringLiteral("available on the machine (no container limit)");
        QTest::addRow("no limit, little available")
            << mib(212.7) << qint64(500000) << qint64(-1) << mib(336.6) << mib(300) << cap << false << mib(300)
            << qint64(std::ceil(500000000.0 + 4.0 * double(mib(212.7)))) << QStringLiteral("available on the machine");
        QTest::addRow("free memory unknown")
            << mib(212.7) << qint64(500000) << qint64(-1) << qint64(-1) << qint64(-1) << cap << false << qint64(-1)
            << qint64(std::ceil(500000000.0 + 4.0 * double(mib(212.7)))) << QStringLiteral("free memory is unknown");
        QTest::addRow("heap unknown") << qint64(-1) << qint64(500000) << mib(860) << mib(336.6) << qint64(-1) << cap
                                      << false << qint64(-1) << qint64(-1) << QStringLiteral("heap size is unknown");
    }
    void judge()
    {
        QFETCH(qint64, heapUsed);
        QFETCH(qint64, objects);
        QFETCH(qint64, limit);
        QFETCH(qint64, usage);
        QFETCH(qint64, available);
        QFETCH(qint64, maxHeap);
        QFETCH(bool, allowed);
        QFETCH(qint64, freeBytes);
        QFETCH(qint64, neededBytes);
        QFETCH(QString, reasonHas);
        SnapshotMemory m;
        m.heapUsed = heapUsed;
        m.objects = objects;
        m.limit = limit;
        m.usage = usage;
        m.available = available;
        SnapshotLimits limits;
        limits.maxHeapBytes = maxHeap;
        const SnapshotVerdict v = SnapshotPreflight::judge(m, limits);
        QCOMPARE(v.allowed, allowed);
        QCOMPARE(v.freeBytes, freeBytes);
        QCOMPARE(v.neededBytes, neededBytes);
        QVERIFY2(v.reason.contains(reasonHas), qPrintable(v.reason));
        QCOMPARE(v.reason.startsWith(QLatin1String("refused")), !allowed && heapUsed > 0);
    }

    // Before counting (the count itself takes memory): at least 4 × the heap must be free.
    void judgeBeforeCount_data()
    {
        QTest::addColumn<qint64>("heapUsed");
        QTest::addColumn<qint64>("limit");
        QTest::addColumn<qint64>("usage");
        QTest::addColumn<double>("factor");
        QTest::addColumn<bool>("allowed");
        QTest::addColumn<qint64>("neededBytes");
        QTest::addColumn<QString>("reasonHas");
        // The engine test's tight container: 65.1 MiB of heap in 96 MiB, 95.1 MiB used.
        QTest::addRow("tight container") << mib(65.1) << mib(96) << mib(95.1) << 1.5 << false
                                         << qint64(std::ceil(4.0 * double(mib(65.1))))
                                         << QStringLiteral("at least 4 × the heap used 65.1 MiB, before its objects "
                                                           "are counted");
        QTest::addRow("seed: 523 MiB free, 4 × 212.7 MiB needed at least")
            << mib(212.7) << mib(860) << mib(336.6) << 1.5 << false << qint64(std::ceil(4.0 * double(mib(212.7))))
            << QStringLiteral("refused: 523.4 MiB free");
        QTest::addRow("room to count") << mib(30) << mib(2048) << mib(130) << 1.5 << true << mib(120)
                                       << QStringLiteral("the snapshot needs about 120.0 MiB");
        QTest::addRow("a higher headroom factor counts")
            << mib(30) << mib(2048) << mib(130) << 10.0 << true << mib(300) << QStringLiteral("needs about 300.0 MiB");
    }
    void judgeBeforeCount()
    {
        QFETCH(qint64, heapUsed);
        QFETCH(qint64, limit);
        QFETCH(qint64, usage);
        QFETCH(double, factor);
        QFETCH(bool, allowed);
        QFETCH(qint64, neededBytes);
        QFETCH(QString, reasonHas);
        SnapshotMemory m;
        m.heapUsed = heapUsed;
        m.limit = limit;
        m.usage = usage;
        SnapshotLimits limits;
        limits.headroomFactor = factor;
        const SnapshotVerdict v = SnapshotPreflight::judgeBeforeCount(m, limits);
        QCOMPARE(v.allowed, allowed);
        QCOMPARE(v.neededBytes, neededBytes);
        QVERIFY2(v.reason.contains(reasonHas), qPrintable(v.reason));
    }

    // The floor: never less than headroomFactor × the heap, whatever the estimate.
    void headroomFactorIsAFloor()
    {
        SnapshotMemory m;
        m.heapUsed = mib(100);
        m.objects = 10000; // 10 MB + 400 MiB
        m.limit = 2048 * MiB;
        m.usage = mib(1000); // 1048 MiB free
        SnapshotLimits limits;
        QVERIFY(SnapshotPreflight::judge(m, limits).allowed);
        QCOMPARE(SnapshotPreflight::neededMemory(m, limits), qint64(10000000 + 4 * mib(100)));
        limits.headroomFactor = 12; // 1200 MiB
        const SnapshotVerdict v = SnapshotPreflight::judge(m, limits);
        QVERIFY(!v.allowed);
        QCOMPARE(v.neededBytes, 12 * mib(100));
    }

    void expectedPause_data()
    {
        QTest::addColumn<qint64>("heapUsed");
        QTest::addColumn<double>("seconds");
        const double per100 = SnapshotLimits::kPauseSecondsPer100MB;
        QTest::addRow("100 MiB") << mib(100) << per100;
        QTest::addRow("seed heap 212.7 MiB") << mib(212.7) << per100 * 2.127;
        QTest::addRow("nothing") << qint64(0) << 0.0;
        QTest::addRow("unknown") << qint64(-1) << 0.0;
    }
    void expectedPause()
    {
        QFETCH(qint64, heapUsed);
        QFETCH(double, seconds);
        QVERIFY(qAbs(SnapshotPreflight::expectedPauseSeconds(heapUsed) - seconds) < 1e-6);
    }
    // Many small objects pause the app longer than their bytes say: 1.84 M objects in 79 MB took 35 s.
    void expectedPauseCountsObjects()
    {
        QVERIFY(qAbs(SnapshotPreflight::expectedPauseSeconds(79223928, 1840722) - 36.81444) < 1e-3);
        QVERIFY(qAbs(SnapshotPreflight::expectedPauseSeconds(mib(100), 10000) - 25.0) < 1e-6);
    }

    void oneSnapshotPerTarget()
    {
        auto first = std::make_unique<SnapshotTargetLock>(QStringLiteral("ssh://web1/pangolin"));
        QVERIFY(first->acquired());
        {
            SnapshotTargetLock again(QStringLiteral("ssh://web1/pangolin"));
            QVERIFY(!again.acquired());
            SnapshotTargetLock other(QStringLiteral("ssh://web1/otter"));
            QVERIFY(other.acquired());
        }
        // A refused lock does not release the holder's.
        SnapshotTargetLock stillHeld(QStringLiteral("ssh://web1/pangolin"));
        QVERIFY(!stillHeld.acquired());
        first.reset();
        SnapshotTargetLock afterRelease(QStringLiteral("ssh://web1/pangolin"));
        QVERIFY(afterRelease.acquired());
    }
};

QTEST_GUILESS_MAIN(TestSnapshotPreflight)
#include "tst_snapshotpreflight.moc"
