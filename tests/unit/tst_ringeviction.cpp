// Rings that keep only recent chunks whole: a sealed chunk the history store holds is dropped from memory
// (HistoryRecorder::dropStored, SampleRing::evictSealed) and read back from the store when its rows are
// needed. Every reader must get the same rows as from a ring that kept everything, and the ring's memory must
// stay bounded however long the target is watched. Real data: the demo host's story (RSS 244.2 MiB at start,
// 336.6 MiB and heap 212.7/218.0 MiB at T+5 min), and a week of one-second docker stats at the seed's
// figures (364.8 MiB used of an 860.6 MiB limit, 2.8 % CPU).
#include "HistoryFixture.h"
#include "HistoryRecorder.h"
#include "HistoryStore.h"

#include <QTemporaryDir>
#include <QTest>
#include <random>

using namespace heapwatch;
using namespace heapwatch::historytest;

namespace {

constexpr qint64 kHour = 3600 * 1000;
const QString kKey = QStringLiteral("ssh://ops@web1:2222/pangolin");

template<int N> bool sameRow(const SampleRow<N>& a, const SampleRow<N>& b)
{
    if (a.atMs != b.atMs)
        return false;
    for (int c = 0; c < N; ++c) {
        const float x = a.v[size_t(c)], y = b.v[size_t(c)];
        if (!(x == y || (std::isnan(x) && std::isnan(y))))
            return false;
    }
    return true;
}

bool samePoints(const std::vector<QPointF>& a, const std::vector<QPointF>& b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// A decimation drawn from the summaries of dropped groups (each spanning a few pixel columns): every point is a
// real row's value at its time, in time order, at least one point per two pixel columns, and the window's
// lowest and highest values are those of the exact decimation.
template<int N>
QString faithful(const std::vector<QPointF>& points, const std::vector<QPointF>& exact,
                 const std::vector<SampleRow<N>>& rows, int column, int pixels)
{
    if (points.size() < size_t(pixels / 2))
        return QStringLiteral("%1 points for %2 px").arg(points.size()).arg(pixels);
    auto byTime = [](const SampleRow<N>& r, qint64 t) { return r.atMs < t; };
    for (size_t i = 0; i < points.size(); ++i) {
        if (i > 0 && points[i].x() < points[i - 1].x())
            return QStringLiteral("point %1 out of order").arg(i);
        const qint64 t = qint64(points[i].x());
        auto it = std::lower_bound(rows.begin(), rows.end(), t, byTime);
        bool found = false;
        for (; it != rows.end() && it->atMs == t; ++it)
            found = found || double(it->v[size_t(column)]) == points[i].y();
        if (!found)
            return QStringLiteral("point %1 (%2, %3) is no row").arg(i).arg(t).arg(points[i].y());
    }
    auto yLess = [](QPointF a, QPointF b) { return a.y() < b.y(); };
    if (std::max_element(points.begin(), points.end(), yLess)->y()
            != std::max_element(exact.begin(), exact.end(), yLess)->y()
        || std::min_element(points.begin(), points.end(), yLess)->y()
            != std::min_element(exact.begin(), exact.end(), yLess)->y())
        return QStringLiteral("extremes differ");
    return QString();
}

} // namespace

class TstRingEviction : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The demo's story recorded into a store; then every chunk older than the resident span is dropped, and
    // each reader (at, lowerBound, decimate of a zoomed window, runStart, the growth fit) gets from the ring
    // what it got before.
    void droppedChunksReadBackIdentically_data()
    {
        QTest::addColumn<double>("hours");
        QTest::addRow("12 h of history") << 12.0;
        QTest::addRow("30 h of history") << 30.0;
    }
    void droppedChunksReadBackIdentically()
    {
        QFETCH(double, hours);
        QTemporaryDir dir;
        HistoryOptions options;
        options.path = dir.filePath(QStringLiteral("history.sqlite"));
        HistoryStore store(options);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));

        std::unique_ptr<TargetState> state = demoState(kDemoNowMs, hours);
        const auto before = ringRows(state->process());
        const auto statsBefore = ringRows(state->stats());
        QVERIFY(state->stats().size() > 40000);
        HistoryRecorder recorder(&store, kKey, QStringLiteral("pangolin"));
        recorder.attach(*state);
        recorder.save(*state, nullptr, kDemoNowMs);
        QCOMPARE(recorder.dropStored(*state), qsizetype(0)); // saved, not yet known committed: kept
        recorder.save(*state, nullptr, kDemoNowMs + 2000);
        const qsizetype dropped = recorder.dropStored(*state);
        QVERIFY(dropped > 0);

        const ProcessRing& ring = state->process();
        // Only the last kResidentMs are whole in memory; the rest is summaries.
        const qint64 residentSpan = HistoryRecorder::kResidentMs;
        const qsizetype residentMax = residentSpan / 1000 / ProcessRing::kChunkRows + 2;
        QVERIFY2(ring.residentChunkCount() <= residentMax, qPrintable(QString::number(ring.residentChunkCount())));
        QVERIFY(ring.residentChunkCount() < ring.sealedChunkCount());

        // A zoomed chart, the export and the growth fit read rows by index and by time.
        QCOMPARE(ring.size(), qsizetype(before.size()));
        const auto after = ringRows(ring);
        for (size_t i = 0; i < before.size(); ++i)
            QVERIFY2(sameRow(before[i], after[i]), qPrintable(QStringLiteral("process row %1").arg(i)));
        const auto statsAfter = ringRows(state->stats());
        QCOMPARE(statsAfter.size(), statsBefore.size());
        for (size_t i = 0; i < statsBefore.size(); ++i)
            QVERIFY2(sameRow(statsBefore[i], statsAfter[i]), qPrintable(QStringLiteral("stats row %1").arg(i)));
        QVERIFY(ring.chunksLoaded() > 0);

        // A reference ring that kept everything, for the readers that search and summarise.
        ProcessRing whole(ring.capacity());
        for (const auto& r : before)
            whole.push(r.atMs, r.v);
        const qint64 first = before.front().atMs;
        const qint64 last = before.back().atMs;
        for (qint64 t = first - 1000; t <= last + 1000; t += 7 * 60 * 1000 + 13)
            QCOMPARE(ring.lowerBound(t), whole.lowerBound(t));
        // One hour well inside the dropped span, 900 px: rows and group summaries, as zoomed in.
        const qint64 t0 = first + kHour + 1234;
        for (int column : {int(RssColumn), int(HeapUsedColumn)}) {
            QVERIFY(
                samePoints(ring.decimate(column, t0, t0 + kHour, 900), whole.decimate(column, t0, t0 + kHour, 900)));
            // 3 h at 300 px: a group (64 s) spans two or three 36 s columns and is drawn from its summary.
            const QString why = faithful(ring.decimate(column, t0, t0 + 3 * kHour, 300),
                                         whole.decimate(column, t0, t0 + 3 * kHour, 300), before, column, 300);
            QVERIFY2(why.isEmpty(), qPrintable(why));
        }
        // Redrawn a second later, the same wide window reads the store only at its edges: the groups' summaries
        // of the chunks inside were kept from the first read.
        const qint64 loadedBefore = ring.chunksLoaded();
        (void)ring.decimate(int(RssColumn), t0 + 1000, t0 + 3 * kHour + 1000, 300);
        QVERIFY2(ring.chunksLoaded() - loadedBefore <= 2,
                 qPrintable(QString::number(ring.chunksLoaded() - loadedBefore)));
        StatsRing wholeStats(state->stats().capacity());
        for (const auto& r : statsBefore)
            wholeStats.push(r.atMs, r.v);
        const qint64 s0 = statsBefore.front().atMs + kHour + 777;
        QVERIFY(samePoints(state->stats().decimate(MemUsageColumn, s0, s0 + kHour, 900),
                           wholeStats.decimate(MemUsageColumn, s0, s0 + kHour, 900)));
        const QString statsWhy
            = faithful(state->stats().decimate(MemUsageColumn, s0, s0 + 3 * kHour, 200),
                       wholeStats.decimate(MemUsageColumn, s0, s0 + 3 * kHour, 200), statsBefore, MemUsageColumn, 200);
        QVERIFY2(statsWhy.isEmpty(), qPrintable(statsWhy));
        for (qint64 t = s0 - kHour; t <= statsBefore.back().atMs; t += 11 * 60 * 1000 + 3)
            QCOMPARE(state->stats().lowerBound(t), wholeStats.lowerBound(t));
        QCOMPARE(ring.runStart(RssColumn, 0.0f, 1e9f), whole.runStart(RssColumn, 0.0f, 1e9f));
        QCOMPARE(ring.runStart(RssColumn, 250.0f, 1e9f), whole.runStart(RssColumn, 250.0f, 1e9f));
        // The whole span of the one-second stats at 60 px: a chunk (17 min) spans one or two columns and is
        // drawn from its summary, never read back; every chunk's peak is kept.
        const StatsRing& stats = state->stats();
        const qint64 loaded = stats.chunksLoaded();
        const qint64 sFirst = statsBefore.front().atMs, sLast = statsBefore.back().atMs;
        const auto wide = stats.decimate(MemUsageColumn, sFirst, sLast, 60);
        QVERIFY2(stats.chunksLoaded() - loaded <= 2, qPrintable(QString::number(stats.chunksLoaded() - loaded)));
        const auto wideWhole = wholeStats.decimate(MemUsageColumn, sFirst, sLast, 60);
        auto maxOf = [](const std::vector<QPointF>& p) {
            return std::max_element(p.begin(), p.end(), [](QPointF a, QPointF b) { return a.y() < b.y(); })->y();
        };
        QVERIFY(!wide.empty());
        QCOMPARE(maxOf(wide), maxOf(wideWhole));
    }

    // A week of one-second stats pushed into a ring that saves its chunks to the store and drops the old ones
    // every "two seconds" of its own time: its memory stays within the resident span's worth, while a ring
    // without a store grows with the week.
    void memoryStaysBoundedOverAWeek_data()
    {
        QTest::addColumn<int>("days");
        QTest::addRow("one day") << 1;
        QTest::addRow("seven days") << 7;
    }
    void memoryStaysBoundedOverAWeek()
    {
        QFETCH(int, days);
        QTemporaryDir dir;
        HistoryOptions options;
        options.path = dir.filePath(QStringLiteral("history.sqlite"));
        HistoryStore store(options);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        HistoryRecorder recorder(&store, kKey, QStringLiteral("pangolin"));
        TargetState state(QStringLiteral("pangolin"));
        recorder.attach(state);
        StatsRing& ring = state.statsStorage();
        StatsRing whole(ring.capacity());

        std::mt19937 rng(20260114u);
        std::normal_distribution<double> noise(0, 0.4);
        const qint64 start = kDemoNowMs - qint64(days) * 24 * kHour;
        const qint64 rows = qint64(days) * 24 * 3600;
        qsizetype peak = 0;
        qsizetype wholeBytes = 0;
        for (qint64 i = 0; i < rows; ++i) {
            const qint64 t = start + i * 1000;
            const std::array<float, 2> v {float(2.8 + noise(rng)), float(364.8 + noise(rng))};
            ring.push(t, v);
            whole.push(t, v);
            if (i % 3600 == 3599) { // an hour of rows: save, and drop what an earlier save committed
                recorder.save(state, nullptr, t);
                recorder.dropStored(state);
                peak = std::max(peak, ring.allocatedBytes());
                wholeBytes = whole.allocatedBytes();
            }
        }
        // Six hours of one-second rows whole (about 3.5 bytes a row for two columns) and a summary per chunk.
        const qsizetype bound = 6 * 3600 * 4 + (rows / StatsRing::kChunkRows + 1) * 128 + 64 * 1024;
        QVERIFY2(peak <= bound, qPrintable(QStringLiteral("peak %1 bytes, bound %2").arg(peak).arg(bound)));
        if (days == 7)
            QVERIFY2(wholeBytes > 4 * peak, qPrintable(QStringLiteral("%1 vs %2").arg(wholeBytes).arg(peak)));
        // And the rows are all there: every 997th one, and the search by time.
        QCOMPARE(ring.size(), whole.size());
        for (qsizetype i = 0; i < ring.size(); i += 997)
            QVERIFY2(sameRow(ring.at(i), whole.at(i)), qPrintable(QStringLiteral("row %1").arg(i)));
        for (qint64 t = start; t < start + rows * 1000; t += 5 * 3600 * 1000 + 777)
            QCOMPARE(ring.lowerBound(t), whole.lowerBound(t));
    }

    // A chunk the store no longer has (forgotten, pruned) reads as NaN rows at times within its span: the ring
    // stays searchable and nothing reads past an end.
    void missingChunkReadsAsNaN()
    {
        StatsRing ring(100000);
        for (int i = 0; i < 3 * StatsRing::kChunkRows; ++i)
            ring.push(kDemoNowMs + i * 1000, {2.8f, 364.8f});
        ring.setChunkLoader([](qint64, StatsRing::Chunk*) { return false; });
        QCOMPARE(ring.evictSealed(ring.sealedSerial(0), kDemoNowMs + 2000LL * StatsRing::kChunkRows), qsizetype(1));
        QCOMPARE(ring.residentChunkCount(), qsizetype(2));
        const auto r = ring.at(5);
        QVERIFY(std::isnan(r.v[0]));
        QVERIFY(r.atMs >= kDemoNowMs && r.atMs <= kDemoNowMs + 1023 * 1000);
        QCOMPARE(ring.at(StatsRing::kChunkRows).v[1], 364.8f);
        QCOMPARE(ring.lowerBound(kDemoNowMs + 1024 * 1000), qsizetype(StatsRing::kChunkRows));
        QCOMPARE(ring.lowerBound(kDemoNowMs), qsizetype(0));
        QCOMPARE(ring.lowerBound(kDemoNowMs + 1023 * 1000 + 1), qsizetype(StatsRing::kChunkRows));
    }
};

QTEST_GUILESS_MAIN(TstRingEviction)
#include "tst_ringeviction.moc"
