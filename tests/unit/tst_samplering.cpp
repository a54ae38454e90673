// The bounded history: capacity, wrap-around, order, binary search and min/max decimation.
#include "SampleRing.h"

#include <QScopeGuard>
#include <QTest>
#include <cmath>
#include <cstring>
#include <map>

using namespace heapwatch;

class TestSampleRing : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void wrapsAtCapacity()
    {
        SampleRing<1> ring(5000); // several chunks, so that wrapping drops sealed chunks
        for (int i = 0; i < 12000; ++i)
            QVERIFY(ring.push(i, {float(i)}));
        QCOMPARE(ring.size(), qsizetype(5000));
        QCOMPARE(ring.first().atMs, qint64(7000));
        QCOMPARE(ring.last().atMs, qint64(11999));
        QCOMPARE(ring.at(1234).v[0], 8234.0f);
        for (qsizetype i = 0; i < ring.size(); ++i)
            QCOMPARE(ring.at(i).atMs, qint64(7000 + i));
        // Memory stays what the capacity allows, however long it runs.
        const qsizetype bytes = ring.allocatedBytes();
        for (int i = 12000; i < 40000; ++i)
            ring.push(i, {float(i)});
        QCOMPARE(ring.size(), qsizetype(5000));
        QCOMPARE(ring.first().atMs, qint64(35000));
        QVERIFY2(ring.allocatedBytes() <= bytes + 4096, qPrintable(QString::number(ring.allocatedBytes())));
    }

    // A week of one-second samples as docker and the app print them (one or two decimals, small steps):
    // sealed rows take a few bytes, against 8 + 4 * N raw.
    void weekOfSecondsIsCompact()
    {
        SampleRing<2> stats(7 * 24 * 3600);
        SampleRing<6> process(7 * 24 * 3600);
        quint32 seed = 12345;
        auto noise = [&seed] {
            seed = seed * 1664525u + 1013904223u;
            return int(seed >> 24) % 9 - 4; // -4..4 tenths
        };
        qint64 t = 1764000000000;
        for (int i = 0; i < 7 * 24 * 3600; ++i) {
            t += 1000 + (noise() * 3); // docker's stream ticks about every second, with jitter
            stats.push(t, {float(2.8 + noise() / 100.0), float(364.8 + noise() / 10.0)});
            const float rss = float(336.6 + i / 36000.0 + noise() / 10.0);
            process.push(t, {rss, 212.7f + float(noise()) / 10.0f, 218.0f, 17.6f, 13.6f, 97.57f});
        }
        const double statsPerRow = double(stats.allocatedBytes()) / double(stats.size());
        const double processPerRow = double(process.allocatedBytes()) / double(process.size());
        qInfo("bytes per row: stats %.2f (raw %d), process %.2f (raw %d)", statsPerRow, int(sizeof(SampleRow<2>)),
              processPerRow, int(sizeof(SampleRow<6>)));
        QVERIFY(statsPerRow < 6.0);
        QVERIFY(processPerRow < 12.0);
        // And reads back what went in (to the hundredth).
        QCOMPARE(stats.size(), qsizetype(7 * 24 * 3600));
        QCOMPARE(process.at(12345).v[2], 218.0f);
        QCOMPARE(process.at(600000).v[5], 97.57f);
    }

    void roundTripsEveryKindOfValue()
    {
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const float inf = std::numeric_limits<float>::infinity();
        const std::vector<std::array<float, 3>> values = {
            {336.6f, 2.8f, 0.0f},      {-12.34f, 1e20f, nan},       {inf, -inf, 5e12f},
            {0.005f, 0.004f, -0.006f}, {3.4e38f, -3.4e38f, 1e-30f}, {364.8f, 2.81f, 100.0f},
        };
        SampleRing<3> ring(100000);
        qint64 t = -5000; // times before the epoch, equal times, big jumps
        const qint64 steps[] = {0, 1, 1000, 0, 86400000LL * 400, 3, 999};
        for (int i = 0; i < 3000; ++i) {
            t += steps[i % 7];
            QVERIFY(ring.push(t, values[size_t(i) % values.size()]));
        }
        t = -5000;
        for (int i = 0; i < 3000; ++i) {
            t += steps[i % 7];
            const auto row = ring.at(i); // rows 0..2047 are sealed, the rest open
            QCOMPARE(row.atMs, t);
            for (int c = 0; c < 3; ++c) {
                const float in = values[size_t(i) % values.size()][size_t(c)];
                const float out = row.v[size_t(c)];
                if (!std::isfinite(in)) {
                    QVERIFY(std::isnan(out));
                } else if (std::fabs(in) >= 1e13f) {
                    QCOMPARE(out, in); // large values exactly
                } else {
                    QVERIFY2(std::fabs(double(out) - double(in)) <= 0.005 + 1e-6 * std::fabs(double(in)),
                             qPrintable(QStringLiteral("%1 -> %2").arg(double(in)).arg(double(out))));
                    QCOMPARE(out, float(std::llround(double(in) * 100.0) / 100.0));
                }
            }
        }
    }

    // A row's value is the float of its hundredths divided by 100, whichever way it is computed: the multiplication
    // that replaced the division must give the same float, sealed or open, at both ends of its range and past it.
    void hundredthsReadBackAsTheirQuotient_data()
    {
        QTest::addColumn<qint64>("first");
        QTest::addColumn<qint64>("last");
        QTest::addColumn<qint64>("step");
        QTest::addRow("the seed's MiB and percentages") << qint64(0) << qint64(100000) << qint64(1);
        QTest::addRow("negative deltas") << qint64(-100000) << qint64(0) << qint64(1);
        QTest::addRow("the whole product range, sampled")
            << -ringcodec::kExactByProduct + 1 << ringcodec::kExactByProduct - 1 << qint64(997);
        QTest::addRow("the edge of the product range")
            << ringcodec::kExactByProduct - 50000 << ringcodec::kExactByProduct + 50000 << qint64(1);
        QTest::addRow("quarters past 2^22 (float midpoints)")
            << qint64(100) * (qint64(1) << 22) << qint64(100) * (qint64(1) << 22) + 10000 << qint64(25);
        QTest::addRow("large counts") << qint64(99999999999900) << qint64(99999999999999 + 1) << qint64(7);
    }
    void hundredthsReadBackAsTheirQuotient()
    {
        QFETCH(qint64, first);
        QFETCH(qint64, last);
        QFETCH(qint64, step);
        SampleRing<1> ring(1 << 20);
        qint64 at = 0;
        std::vector<float> expected;
        for (qint64 q = first; q <= last; q += step) {
            const float quotient = float(double(q) / 100.0);
            QCOMPARE(ringcodec::fromHundredths(q), quotient);
            if (std::fabs(quotient) < 10000.0f) {
                // Hundredths of the app's MiB: kept as the quotient itself, read back the same from sealed chunks.
                QCOMPARE(ringcodec::stored(quotient), quotient);
                ring.push(at++, {quotient});
                expected.push_back(quotient);
            }
        }
        for (qsizetype i = 0; i < ring.size(); i += 13)
            QCOMPARE(ring.at(i).v[0], expected[size_t(i)]);
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

    // The summaries of sealed groups give exactly what a plain min/max pass over every row gives.
    void decimationMatchesAPlainPass_data()
    {
        QTest::addColumn<int>("pixels");
        QTest::addColumn<qint64>("t0");
        QTest::addColumn<qint64>("t1");
        QTest::addRow("week, 1600 px") << 1600 << qint64(0) << qint64(604799999);
        QTest::addRow("day, 1200 px") << 1200 << qint64(300000000) << qint64(386400000);
        QTest::addRow("odd window, 377 px") << 377 << qint64(12345678) << qint64(512345678);
        QTest::addRow("narrow, 3 px") << 3 << qint64(200000000) << qint64(290000000);
    }
    void decimationMatchesAPlainPass()
    {
        QFETCH(int, pixels);
        QFETCH(qint64, t0);
        QFETCH(qint64, t1);
        SampleRing<2> ring(500000); // less than a week: the oldest chunks have been dropped
        std::vector<std::pair<qint64, float>> kept;
        quint32 seed = 7;
        for (qint64 i = 0; i < 604800; ++i) {
            seed = seed * 1664525u + 1013904223u;
            float v = float(int(seed >> 20) % 1000) / 10.0f;
            if (i % 5000 == 17)
                v = std::numeric_limits<float>::quiet_NaN();
            const qint64 at = i * 1000 + (i % 3);
            ring.push(at, {v, float(i % 700)});
            kept.emplace_back(at, ringcodec::stored(v));
        }
        kept.erase(kept.begin(), kept.end() - 500000);
        // The plain pass.
        std::vector<QPointF> expected;
        const double span = double(t1 - t0) + 1.0;
        int bucket = -1;
        const std::pair<qint64, float>*lo = nullptr, *hi = nullptr;
        auto flush = [&] {
            if (!lo)
                return;
            if (lo == hi) {
                expected.emplace_back(double(lo->first), double(lo->second));
            } else {
                const auto* a = lo->first <= hi->first ? lo : hi;
                const auto* b = a == lo ? hi : lo;
                expected.emplace_back(double(a->first), double(a->second));
                expected.emplace_back(double(b->first), double(b->second));
            }
            lo = hi = nullptr;
        };
        qsizetype inWindow = 0;
        for (const auto& p : kept) {
            if (p.first < t0 || p.first > t1)
                continue;
            ++inWindow;
            if (std::isnan(p.second))
                continue;
            const int b = std::min(pixels - 1, int(double(p.first - t0) / span * pixels));
            if (b != bucket) {
                flush();
                bucket = b;
            }
            if (!lo || p.second < lo->second)
                lo = &p;
            if (!hi || p.second > hi->second)
                hi = &p;
        }
        flush();
        QVERIFY(inWindow > 2 * pixels);
        const std::vector<QPointF> got = ring.decimate(0, t0, t1, pixels);
        QCOMPARE(got.size(), expected.size());
        for (size_t i = 0; i < got.size(); ++i)
            QCOMPARE(got[i], expected[i]);
        QVERIFY(got.size() <= size_t(2 * pixels));
    }

    void decimatesSeveralColumnsInOnePass()
    {
        SampleRing<3> ring(100000);
        for (int i = 0; i < 50000; ++i)
            ring.push(i * 1000, {float(i % 100), float(i % 37), i == 40000 ? 999.0f : 1.0f});
        const auto columns = ring.decimate(std::vector<int> {2, 0}, 0, 50000 * 1000, 200);
        QCOMPARE(columns.size(), size_t(2));
        QCOMPARE(columns[0], ring.decimate(2, 0, 50000 * 1000, 200));
        QCOMPARE(columns[1], ring.decimate(0, 0, 50000 * 1000, 200));
        double peak = 0;
        for (const QPointF& p : columns[0])
            peak = std::max(peak, p.y());
        QCOMPARE(peak, 999.0);
        QVERIFY(ring.decimate(std::vector<int> {0, 3}, 0, 1000, 10)[0].empty()); // a bad column: nothing
    }

    // The run of values above a line, ending at the newest row: the same answer as a walk back row by row,
    // across sealed groups (read from their summaries), a NaN, the dropped head and the open chunk.
    void runStartMatchesAWalkBack()
    {
        SampleRing<1> ring(20000);
        std::vector<float> kept;
        for (int i = 0; i < 30000; ++i) {
            float v = 90.0f;
            if (i == 5000 || i == 12345 || i == 21000)
                v = 50.0f; // dips
            if (i == 25000)
                v = std::numeric_limits<float>::quiet_NaN();
            ring.push(i, {v});
            kept.push_back(v);
        }
        auto walkBack = [&](float above, float below, size_t upTo) {
            size_t i = upTo;
            while (i > 0 && !std::isnan(kept[i - 1]) && kept[i - 1] > above && kept[i - 1] < below)
                --i;
            return i;
        };
        // Kept rows are pushed times 10000..29999; indexes are relative to the oldest kept row.
        QCOMPARE(ring.runStart(0, 85.0f, 1000.0f), qsizetype(walkBack(85, 1000, kept.size()) - 10000));
        QCOMPARE(ring.runStart(0, 85.0f, 1000.0f), qsizetype(25001 - 10000));
        QCOMPARE(ring.runStart(0, 40.0f, 1000.0f), qsizetype(25001 - 10000)); // the NaN ends it too
        QCOMPARE(ring.runStart(0, 95.0f, 1000.0f), ring.size()); // the newest value is not above 95
        for (int i = 30000; i < 50000; ++i) // no dip left in the ring: the run reaches the oldest row
            ring.push(i, {90.0f});
        QCOMPARE(ring.runStart(0, 85.0f, 1000.0f), qsizetype(0));
    }

    // Rows pushed in batches (a replay's, which seal whole chunks straight from the batch) leave the ring as pushing
    // them one by one does: the same rows, sealed chunks, dropped front and refused out-of-order rows. Rows: the
    // seed's RSS (336.6 MiB) with noise, a few going back in time, batches of every size around a chunk's.
    void batchesSealAsRowByRow()
    {
        using Ring = SampleRing<2>;
        for (const qsizetype capacity : {qsizetype(5000), qsizetype(1500), qsizetype(700)}) {
            Ring single(capacity);
            Ring batched(capacity);
            std::vector<Ring::Row> rows;
            quint32 seed = 3;
            for (int i = 0; i < 20000; ++i) {
                seed = seed * 1664525u + 1013904223u;
                qint64 at = qint64(i) * 1000;
                if (i % 4111 == 4000)
                    at -= 5000; // older than the newest: refused
                rows.push_back({at, {ringcodec::stored(336.6f + float(seed >> 24) / 10.0f), float(i % 3)}});
            }
            size_t refusedSingle = 0, refusedBatched = 0;
            for (const Ring::Row& r : rows)
                refusedSingle += single.pushStoredRows(&r, 1);
            const size_t sizes[] = {1, 1023, 1024, 1025, 3000, 2048, 7, 4100};
            for (size_t at = 0, k = 0; at < rows.size(); ++k) {
                const size_t n = std::min(sizes[k % std::size(sizes)], rows.size() - at);
                refusedBatched += batched.pushStoredRows(rows.data() + at, n);
                at += n;
            }
            QCOMPARE(refusedBatched, refusedSingle);
            QVERIFY(refusedSingle >= 4);
            QCOMPARE(batched.size(), single.size());
            QCOMPARE(batched.sealedChunkCount(), single.sealedChunkCount());
            for (qsizetype i = 0; i < single.size(); ++i) {
                QCOMPARE(batched.at(i).atMs, single.at(i).atMs);
                QCOMPARE(batched.at(i).v, single.at(i).v);
            }
            for (qsizetype i = 0; i < single.sealedChunkCount(); ++i) {
                QCOMPARE(batched.sealedSerial(i), single.sealedSerial(i));
                QCOMPARE(batched.sealedChunk(i).bytes, single.sealedChunk(i).bytes);
            }
        }
    }

    // A saved ring encodes its open chunk at every save, keeping the encoding of the groups already whole; the
    // bytes and groups must be those of encoding the rows at once, at every size, and the sealed chunk the
    // same as a ring never saved. Rows: one-second docker stats at the seed's figures (364.8 MiB of 860.6,
    // 2.8 % CPU) with noise, a NaN now and then (a missing figure) and a huge value (kept as a raw float).
    void openChunkEncodesAsAWhole_data()
    {
        QTest::addColumn<int>("saveEvery");
        QTest::addRow("saved every row") << 1;
        QTest::addRow("saved every 4 rows") << 4;
        QTest::addRow("saved every 64 rows") << 64;
        QTest::addRow("saved every 100 rows") << 100;
    }
    void openChunkEncodesAsAWhole()
    {
        QFETCH(int, saveEvery);
        using Ring = SampleRing<2>;
        Ring saved(10000), plain(10000);
        std::vector<Ring::Row> rows;
        quint32 seed = 20260114u;
        auto noise = [&seed] {
            seed = seed * 1664525u + 1013904223u;
            return float(int(seed >> 16) % 80 - 40) / 100.0f;
        };
        auto sameChunk = [](const Ring::Chunk& a, const Ring::Chunk& b) {
            if (a.bytes != b.bytes)
                return false;
            for (int g = 0; g < Ring::kGroupsPerChunk; ++g) {
                const auto &x = a.groups[size_t(g)], &y = b.groups[size_t(g)];
                if (x.firstMs != y.firstMs || x.lastMs != y.lastMs || x.offset != y.offset
                    || x.summarised != y.summarised || x.nanColumns != y.nanColumns)
                    return false;
                for (int c = 0; c < 2; ++c)
                    if (std::memcmp(&x.summary[size_t(c)], &y.summary[size_t(c)], sizeof(x.summary[0])) != 0)
                        return false;
            }
            return true;
        };
        const qint64 t0 = 1768382400000;
        for (int i = 0; i < 2 * Ring::kChunkRows + 300; ++i) {
            std::array<float, 2> v {2.8f + noise(), 364.8f + noise()};
            if (i % 97 == 13)
                v[0] = std::numeric_limits<float>::quiet_NaN();
            if (i % 211 == 7)
                v[1] = 3e13f;
            const qint64 at = t0 + qint64(i) * 1000 + i % 5;
            saved.push(at, v);
            plain.push(at, v);
            rows.push_back({at, v});
            if (i % saveEvery == 0 && saved.openRowCount() > 0) {
                std::vector<Ring::Row> open;
                for (qsizetype k = saved.size() - saved.openRowCount(); k < saved.size(); ++k)
                    open.push_back(saved.at(k));
                QVERIFY2(sameChunk(saved.openChunk(), Ring::encode(open.data(), int(open.size()))),
                         qPrintable(QStringLiteral("open chunk of %1 rows").arg(open.size())));
            }
        }
        QCOMPARE(saved.sealedChunkCount(), qsizetype(2));
        for (qsizetype c = 0; c < saved.sealedChunkCount(); ++c)
            QVERIFY2(sameChunk(saved.sealedChunk(c), plain.sealedChunk(c)), qPrintable(QString::number(c)));
        QVERIFY(sameChunk(saved.openChunk(), plain.openChunk()));
    }

    // The vectorised encoding (rows whose values are all finite and below 2^17) writes the bytes and summaries of
    // the one-value-at-a-time encoding, whatever the values' steps, signs and sizes; groups with a NaN, a value of
    // 2^17 or more, or a raw float go one value at a time, and chunks mixing both kinds decode the same.
    // Each of encode()'s paths: with AVX2 (where the processor has it, the one taken) and with SSE2 alone.
    void vectorsEncodeAsOneByOne_data()
    {
        QTest::addColumn<int>("avx2"); // 1 or 0, -1: the build has one path
#ifdef HEAPWATCH_RING_AVX2
        QTest::newRow("sse2") << 0;
        QTest::newRow("avx2") << 1;
#else
        QTest::newRow("as built") << -1;
#endif
    }
    void vectorsEncodeAsOneByOne()
    {
        QFETCH(int, avx2);
#ifdef HEAPWATCH_RING_AVX2
        if (avx2 == 1 && !__builtin_cpu_supports("avx2"))
            QSKIP("this processor has no AVX2: encode() takes the SSE2 path (the other row)");
        const bool was = ringcodec::avx2Encoding;
        const auto restore = qScopeGuard([was] { ringcodec::avx2Encoding = was; });
        ringcodec::avx2Encoding = avx2 == 1;
#else
        Q_UNUSED(avx2);
#endif
        encodesAsOneByOne<6>();
        encodesAsOneByOne<4>();
        encodesAsOneByOne<2>();
    }

private:
    template<int N>
    static bool sameChunk(const typename SampleRing<N>::Chunk& a, const typename SampleRing<N>::Chunk& b)
    {
        if (a.bytes != b.bytes)
            return false;
        for (int g = 0; g < SampleRing<N>::kGroupsPerChunk; ++g) {
            const auto &x = a.groups[size_t(g)], &y = b.groups[size_t(g)];
            if (x.firstMs != y.firstMs || x.lastMs != y.lastMs || x.offset != y.offset || x.summarised != y.summarised
                || x.nanColumns != y.nanColumns)
                return false;
            for (int c = 0; c < N; ++c)
                if (std::memcmp(&x.summary[size_t(c)], &y.summary[size_t(c)], sizeof(x.summary[0])) != 0)
                    return false;
        }
        return true;
    }

    template<int N> void encodesAsOneByOne()
    {
        using Ring = SampleRing<N>;
        quint64 seed = 0x5eed2026u + N;
        const auto next = [&seed] {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            return quint32(seed >> 33);
        };
        const auto uniform = [&](double lo, double hi) { return lo + (hi - lo) * double(next()) / 2147483648.0; };
        // Styles of a group: 0 the app's figures (steps of a tenth, one-byte varints), 1 jumps of up to 10 000
        // (varints of two and three bytes), 2 any float of either sign near the range's edges and zeros of both
        // signs, 3 as 0 with a NaN, 4 as 0 with a value of 2^17 or a raw float; 5 times far apart; 6 cumulative
        // counts past 2^17 (the cache ring's hits and misses in a long log) beside a small value; 7 any float of
        // the wider range, halves of a hundredth on both sides of 2^17 and once in a while one past the range.
        std::array<double, N> counts {};
        const auto styled = [&](int style, int r, std::array<float, N>& last) {
            std::array<float, N> v = last;
            for (int c = 0; c < N; ++c) {
                switch (style) {
                case 1:
                    v[size_t(c)] = float(ringcodec::stored(float(uniform(-10000, 10000))));
                    break;
                case 2: {
                    static constexpr float kEdges[] = {131071.99f, -131071.99f, 131071.9921875f, -0.0f,  0.0f,
                                                       0.005f,     -0.005f,     0.015f,          1e-30f, 99999.995f};
                    v[size_t(c)]
                        = (next() % 3 == 0) ? kEdges[next() % std::size(kEdges)] : float(uniform(-131071.0, 131071.0));
                    break;
                }
                case 6:
                    if (r == 0)
                        counts[size_t(c)] = std::floor(uniform(131072.0, 8300000.0));
                    counts[size_t(c)] += double(next() % 12);
                    v[size_t(c)] = c == 0 ? 2.0f : ringcodec::stored(float(counts[size_t(c)]));
                    break;
                case 7: {
                    static constexpr float kWideEdges[]
                        = {131072.0f,  -131072.0f, 131072.125f, -131072.125f, 8388607.5f, -8388607.5f,
                           8388607.0f, 131071.99f, 0.125f,      -0.375f,      -0.0f};
                    if (next() % 400 == 0)
                        v[size_t(c)] = (next() % 2) ? 8388608.0f : -8388608.0f;
                    else
                        v[size_t(c)] = (next() % 3 == 0) ? kWideEdges[next() % std::size(kWideEdges)]
                                                         : float(uniform(-8388607.0, 8388607.0));
                    break;
                }
                default:
                    v[size_t(c)] = ringcodec::stored(std::max(0.0f, v[size_t(c)] + float(int(next() % 5) - 2) / 10.0f));
                    break;
                }
            }
            if (style == 3 && r == 17)
                v[size_t(next() % N)] = std::numeric_limits<float>::quiet_NaN();
            if (style == 4 && r == 40)
                v[size_t(next() % N)] = (next() % 2) ? 131072.0f : -3e13f;
            last = v;
            for (float& x : last)
                if (std::isnan(x) || std::fabs(x) >= 131072.0f)
                    x = 100.0f;
            return v;
        };
        std::array<float, N> last;
        last.fill(336.6f);
        qint64 at = 1764590400000;
        std::map<typename Ring::VectorPath, int> paths; // groups by how they were encoded
        for (int chunk = 0; chunk < 80; ++chunk) {
            std::vector<typename Ring::Row> rows;
            for (int g = 0; g < Ring::kGroupsPerChunk; ++g) {
                const int style = int(next() % 8);
                for (int r = 0; r < Ring::kGroupRows; ++r) {
                    at += style == 5 ? qint64(next()) * 4 : 250 + qint64(next() % 3);
                    rows.push_back({at, styled(style, r, last)});
                }
                ++paths[Ring::vectorPath(rows.data() + rows.size() - size_t(Ring::kGroupRows), Ring::kGroupRows)];
            }
            // Whole chunks and shorter ones (an open chunk: a last group of 1 to 63 rows).
            const int count = chunk % 3 == 0 ? int(1 + next() % rows.size()) : int(rows.size());
            const auto vectors = Ring::encode(rows.data(), count);
            const auto oneByOne = Ring::encodeOneByOne(rows.data(), count);
            QVERIFY2(sameChunk<N>(vectors, oneByOne),
                     qPrintable(QStringLiteral("%1 columns, chunk %2 of %3 rows").arg(N).arg(chunk).arg(count)));
            std::vector<typename Ring::Row> decoded;
            QVERIFY(Ring::decodeChunk(vectors, count, &decoded));
            QCOMPARE(decoded.size(), size_t(count));
            for (int i = 0; i < count; ++i) {
                QCOMPARE(decoded[size_t(i)].atMs, rows[size_t(i)].atMs);
                for (int c = 0; c < N; ++c) {
                    const float was = rows[size_t(i)].v[size_t(c)];
                    const float want = ringcodec::stored(was);
                    const float got = decoded[size_t(i)].v[size_t(c)];
                    if (!std::isnan(was) && std::memcmp(&want, &was, sizeof(float)) != 0)
                        continue; // not a value a ring holds (style 2's floats): only its encoding is compared
                    QVERIFY2((std::isnan(want) && std::isnan(got)) || want == got,
                             qPrintable(QStringLiteral("row %1 column %2: %3 read back as %4")
                                            .arg(i)
                                            .arg(c)
                                            .arg(double(want))
                                            .arg(double(got))));
                }
            }
        }
        // Each path had groups to encode (the vectorised ones are compared with one value at a time above); rows
        // of other widths always go one value at a time.
        if constexpr (N != 4 && N != 6) {
            QCOMPARE(paths.size(), size_t(1));
            QCOMPARE(paths.begin()->first, Ring::VectorPath::None);
            return;
        }
        QVERIFY2(paths[Ring::VectorPath::Narrow] > 300, qPrintable(QString::number(paths[Ring::VectorPath::Narrow])));
        QVERIFY2(paths[Ring::VectorPath::Wide] > 150, qPrintable(QString::number(paths[Ring::VectorPath::Wide])));
        QVERIFY2(paths[Ring::VectorPath::None] > 150, qPrintable(QString::number(paths[Ring::VectorPath::None])));
    }
};

QTEST_GUILESS_MAIN(TestSampleRing)
#include "tst_samplering.moc"
