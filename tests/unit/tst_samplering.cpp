// The bounded history: capacity, wrap-around, order, binary search and min/max decimation.
#include "SampleRing.h"

#include <QTest>

using namespace heapwatch;

class TestSampleRing : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rowSizeIsAtMostSixteenBytesPerSample()
    {
        // The stats ring holds a time and two values: 16 bytes a sample, as the history budget says.
        QCOMPARE(SampleRing<2>::bytesPerRow(), qsizetype(16));
        QVERIFY(SampleRing<5>::bytesPerRow() / 5 <= 16);
    }

    void wrapsAtCapacity()
    {
        SampleRing<1> ring(5000); // more than one block, so that wrapping crosses blocks
        for (int i = 0; i < 12000; ++i)
            QVERIFY(ring.push(i, {float(i)}));
        QCOMPARE(ring.size(), qsizetype(5000));
        QCOMPARE(ring.first().atMs, qint64(7000));
        QCOMPARE(ring.last().atMs, qint64(11999));
        QCOMPARE(ring.at(1234).v[0], 8234.0f);
        // Memory stays what the capacity allows, however long it runs.
        QVERIFY(ring.allocatedBytes() <= 2 * SampleRing<1>::kBlockRows * SampleRing<1>::bytesPerRow());
    }

    void refusesOlderRows()
    {
        SampleRing<1> ring(10);
        QVERIFY(ring.push(100, {1}));
        QVERIFY(ring.push(100, {2})); // equal times are kept
        QVERIFY(!ring.push(99, {3}));
        QCOMPARE(ring.size(), qsizetype(2));
    }

    void lowerBound_data()
    {
        QTest::addColumn<qint64>("t");
        QTest::addColumn<qsizetype>("expected");
        QTest::addRow("before all") << qint64(-5) << qsizetype(0);
        QTest::addRow("exact") << qint64(30) << qsizetype(3);
        QTest::addRow("between") << qint64(31) << qsizetype(4);
        QTest::addRow("after all") << qint64(1000) << qsizetype(10);
    }
    void lowerBound()
    {
        QFETCH(qint64, t);
        QFETCH(qsizetype, expected);
        SampleRing<1> ring(10);
        for (int i = 0; i < 25; ++i)
            ring.push((i - 15) * 10, {0}); // keeps times 0..90 after wrapping
        QCOMPARE(ring.first().atMs, qint64(0));
        QCOMPARE(ring.lowerBound(t), expected);
    }

    void decimationKeepsPeaks()
    {
        SampleRing<1> ring(100000);
        for (int i = 0; i < 100000; ++i) {
            float v = float(i % 100);
            if (i == 54321)
                v = 1000; // a one-sample spike must survive
            if (i == 12345)
                v = -50;
            ring.push(i, {v});
        }
        const auto points = ring.decimate(0, 0, 99999, 400);
        QVERIFY(points.size() <= 800);
        QVERIFY(points.size() >= 400);
        double maxY = -1e9, minY = 1e9;
        for (size_t i = 1; i < points.size(); ++i)
            QVERIFY(points[i].x() >= points[i - 1].x());
        for (const QPointF& p : points) {
            maxY = std::max(maxY, p.y());
            minY = std::min(minY, p.y());
        }
        QCOMPARE(maxY, 1000.0);
        QCOMPARE(minY, -50.0);
    }

    void decimationOfFewPointsReturnsThemAll()
    {
        SampleRing<2> ring(100);
        ring.push(10, {1, std::numeric_limits<float>::quiet_NaN()});
        ring.push(20, {2, 5});
        ring.push(30, {3, 6});
        QCOMPARE(ring.decimate(0, 0, 100, 800).size(), size_t(3));
        QCOMPARE(ring.decimate(1, 0, 100, 800).size(), size_t(2)); // NaN skipped
        QCOMPARE(ring.decimate(0, 15, 25, 800).size(), size_t(1));
        QVERIFY(ring.decimate(0, 40, 50, 800).empty());
        QVERIFY(ring.decimate(7, 0, 100, 800).empty());
    }
};

QTEST_GUILESS_MAIN(TestSampleRing)
#include "tst_samplering.moc"
