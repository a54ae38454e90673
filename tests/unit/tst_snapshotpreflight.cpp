// The safety rules before a heap snapshot (SnapshotPreflight) on the seed investigation's numbers (heap
// 212.7 MB used of 218 MB, RSS 336.6 MB, a container limit of 860 MB) and around them, and the in-process
// one-snapshot-per-target lock.
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
        QTest::addColumn<qint64>("limit");
        QTest::addColumn<qint64>("usage");
        QTest::addColumn<qint64>("available");
        QTest::addColumn<qint64>("maxHeap");
        QTest::addColumn<bool>("allowed");
        QTest::addColumn<qint64>("freeBytes");
        QTest::addColumn<QString>("reasonHas");

        const qint64 cap = SnapshotLimits::kDefaultMaxHeapBytes;
        // 860 − 336.6 = 523.4 MiB free, 1.5 × 212.7 = 319.05 MiB needed.
        QTest::addRow("seed: 523 MiB free for a 213 MiB heap")
            << mib(212.7) << mib(860) << mib(336.6) << qint64(-1) << cap << true << mib(860) - mib(336.6)
            << QStringLiteral("the app pauses for about");
        QTest::addRow("seed heap, container nearly full")
            << mib(212.7) << mib(860) << mib(600) << qint64(-1) << cap << false << mib(260)
            << QStringLiteral("is less than 1.5 × the heap used 212.7 MiB = 319.1 MiB");
        QTest::addRow("free exactly 1.5 × the heap")
            << mib(200) << mib(800) << mib(500) << qint64(-1) << cap << true << mib(300) << QString();
        QTest::addRow("one byte short of 1.5 × the heap") << mib(200) << mib(800) << mib(500) + 1 << qint64(-1) << cap
                                                          << false << mib(300) - 1 << QStringLiteral("refused");
        QTest::addRow("usage over the limit counts as nothing free")
            << mib(50) << mib(96) << mib(100) << qint64(-1) << cap << false << qint64(0)
            << QStringLiteral("0 B free (limit 96.0 MiB − usage 100.0 MiB)");
        QTest::addRow("heap over the default 800 MiB, memory plenty")
            << mib(900) << 16 * 1024 * MiB << mib(1200) << qint64(-1) << cap << false << 16 * 1024 * MiB - mib(1200)
            << QStringLiteral("over the 800.0 MiB a snapshot may take");
        QTest::addRow("heap at exactly the cap") << cap << 16 * 1024 * MiB << mib(1000) << qint64(-1) << cap << true
                                                 << 16 * 1024 * MiB - mib(1000) << QString();
        QTest::addRow("--max-heap 100 on the seed heap")
            << mib(212.7) << mib(860) << mib(336.6) << qint64(-1) << mib(100) << false << mib(860) - mib(336.6)
            << QStringLiteral("over the 100.0 MiB");
        QTest::addRow("no container limit: the machine's available memory")
            << mib(212.7) << qint64(-1) << mib(336.6) << mib(8192) << cap << true << mib(8192)
            << QStringLiteral("available on the machine (no container limit)");
        QTest::addRow("no limit, little available") << mib(212.7) << qint64(-1) << mib(336.6) << mib(300) << cap
                                                    << false << mib(300) << QStringLiteral("available on the machine");
        QTest::addRow("free memory unknown") << mib(212.7) << qint64(-1) << qint64(-1) << qint64(-1) << cap << false
                                             << qint64(-1) << QStringLiteral("free memory is unknown");
        QTest::addRow("heap unknown") << qint64(-1) << mib(860) << mib(336.6) << qint64(-1) << cap << false
                                      << qint64(-1) << QStringLiteral("heap size is unknown");
    }
    void judge()
    {
        QFETCH(qint64, heapUsed);
        QFETCH(qint64, limit);
        QFETCH(qint64, usage);
        QFETCH(qint64, available);
        QFETCH(qint64, maxHeap);
        QFETCH(bool, allowed);
        QFETCH(qint64, freeBytes);
        QFETCH(QString, reasonHas);
        SnapshotMemory m;
        m.heapUsed = heapUsed;
        m.limit = limit;
        m.usage = usage;
        m.available = available;
        SnapshotLimits limits;
        limits.maxHeapBytes = maxHeap;
        const SnapshotVerdict v = SnapshotPreflight::judge(m, limits);
        QCOMPARE(v.allowed, allowed);
        QCOMPARE(v.freeBytes, freeBytes);
        QVERIFY2(v.reason.contains(reasonHas), qPrintable(v.reason));
        QCOMPARE(v.reason.startsWith(QLatin1String("refused")), !allowed && heapUsed > 0);
    }

    void headroomFactorIsASetting()
    {
        SnapshotMemory m;
        m.heapUsed = mib(212.7);
        m.limit = mib(860);
        m.usage = mib(336.6); // 523.4 MiB free
        SnapshotLimits limits;
        QVERIFY(SnapshotPreflight::judge(m, limits).allowed);
        limits.headroomFactor = 2.5; // 531.75 MiB needed
        const SnapshotVerdict v = SnapshotPreflight::judge(m, limits);
        QVERIFY(!v.allowed);
        QCOMPARE(v.neededBytes, qint64(std::ceil(2.5 * double(mib(212.7)))));
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
