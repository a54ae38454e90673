// Restart continuity: a target's history saved by HistoryRecorder in one run is loaded into its rings by the
// next, with a gap for the time nothing watched it, and the log backfill that follows (docker logs re-reading
// what the store has, and what the app printed meanwhile) adds each row once: the rings end exactly as one
// uninterrupted run would have left them, and the store holds every row once. Real data: the demo host's
// seven hours of the investigation's story (RSS 244.2 MiB at start, 336.6 MiB and heap 212.7/218.0 MiB at T+5).
#include "HistoryFixture.h"
#include "HistoryReader.h"
#include "HistoryRecorder.h"
#include "HistoryStore.h"

#include <QTemporaryDir>
#include <QTest>

using namespace heapwatch;
using namespace heapwatch::historytest;

namespace {

constexpr qint64 kMinute = 60 * 1000;
const QString kKey = QStringLiteral("ssh://ops@web1:2222/pangolin");

std::vector<IngestBatch> demoBatches(qint64 nowMs, double hours)
{
    DemoOptions options;
    options.live = false;
    options.nowMs = nowMs;
    options.historyHours = hours;
    DemoSource demo(options);
    std::vector<IngestBatch> batches;
    demo.generateHistory(nowMs, [&batches](const IngestBatch& b) { batches.push_back(b); });
    return batches;
}

// The time a record's row gets in its ring.
qint64 rowTime(const LogRecord& r)
{
    return r.kind == LogKind::Memory ? r.memory.atMs : r.kind == LogKind::Cache ? r.cache.atMs : r.atMs;
}

// What a run that stopped at cutMs had received: the parts of the batches up to then.
IngestBatch upTo(const IngestBatch& batch, qint64 cutMs)
{
    IngestBatch out = batch;
    out.logs.clear();
    out.stats.clear();
    out.events.clear();
    for (const LogRecord& r : batch.logs)
        if (rowTime(r) <= cutMs)
            out.logs.push_back(r);
    for (const StatsSample& s : batch.stats)
        if (s.atMs <= cutMs)
            out.stats.push_back(s);
    for (const ContainerEvent& e : batch.events)
        if (e.atMs <= cutMs)
            out.events.push_back(e);
    if (out.info && out.info->startedAtMs > cutMs)
        out.info.reset(); // inspect of a deployment not made yet
    return out;
}

template<int N> void compareRings(const SampleRing<N>& got, const SampleRing<N>& expected, const char* name)
{
    const auto a = ringRows(got);
    const auto b = ringRows(expected);
    QVERIFY2(a.size() == b.size(),
             qPrintable(
                 QStringLiteral("%1: %2 rows, uninterrupted %3").arg(QLatin1String(name)).arg(a.size()).arg(b.size())));
    for (size_t i = 0; i < a.size(); ++i) {
        QCOMPARE(a[i].atMs, b[i].atMs);
        for (int c = 0; c < N; ++c)
            QVERIFY((std::isnan(a[i].v[size_t(c)]) && std::isnan(b[i].v[size_t(c)]))
                    || a[i].v[size_t(c)] == b[i].v[size_t(c)]);
    }
}

// Stored rows of a ring, all chunks decoded; their times must never repeat or go back.
qsizetype storedRowCount(const HistoryReader& reader, RingKind ring, bool* ordered)
{
    qsizetype n = 0;
    qint64 last = std::numeric_limits<qint64>::min();
    *ordered = true;
    std::vector<DecodedRow> rows;
    for (const StoredChunk& c : reader.chunks(kKey, ring, 0, std::numeric_limits<qint64>::max())) {
        if (!decodeStoredChunk(c, &rows))
            *ordered = false;
        for (const DecodedRow& r : rows) {
            if (r.atMs < last)
                *ordered = false;
            last = r.atMs;
            ++n;
        }
    }
    return n;
}

} // namespace

class TestHistoryContinuity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void continuity_data()
    {
        QTest::addColumn<qint64>("unwatchedMs"); // heapwatch not running before the second run starts
        QTest::addColumn<qint64>("backfillMs"); // how far back docker logs still reaches from then
        QTest::addColumn<bool>("gap");
        QTest::addRow("down an hour, logs reach 3 h back") << 60 * kMinute << 180 * kMinute << true;
        QTest::addRow("down 20 min, logs reach 30 min back") << 20 * kMinute << 30 * kMinute << true;
        QTest::addRow("down 20 min, logs reach 5 min back") << 20 * kMinute << 5 * kMinute << true;
        QTest::addRow("reconnect after 5 s") << qint64(5000) << 10 * kMinute << false;
    }
    void continuity()
    {
        QFETCH(qint64, unwatchedMs);
        QFETCH(qint64, backfillMs);
        QFETCH(bool, gap);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        HistoryOptions options;
        options.path = dir.filePath(QStringLiteral("history.sqlite"));
        options.fullRetentionMs = 30LL * 24 * 3600 * 1000; // the demo's January lies in the past
        HistoryStore store(options);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));

        // The demo's seven hours up to "now"; the first run stopped unwatchedMs before it.
        const qint64 nowMs = kDemoNowMs;
        const qint64 cutMs = nowMs - unwatchedMs;
        const std::vector<IngestBatch> batches = demoBatches(nowMs, 7.0);
        TargetState uninterrupted(QStringLiteral("pangolin"));
        for (const IngestBatch& b : batches)
            uninterrupted.apply(b);
        QVERIFY(uninterrupted.process().size() > 2 * ProcessRing::kChunkRows); // sealed chunks are adopted

        // First run: everything up to the cut, saved as the console saves it.
        TargetState first(QStringLiteral("pangolin"));
        for (const IngestBatch& b : batches)
            first.apply(upTo(b, cutMs));
        {
            HistoryRecorder recorder(&store, kKey, QStringLiteral("pangolin"));
            (void)recorder.restore(cutMs - 1, &error); // nothing stored yet
            recorder.save(first, nullptr, cutMs);
        }

        // Second run: the store first, before any data.
        TargetState second(QStringLiteral("pangolin"));
        HistoryRecorder recorder(&store, kKey, QStringLiteral("pangolin"));
        const RestoredHistory restored = recorder.restore(nowMs, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        second.restoreHistory(restored);
        recorder.restored(second);
        compareRings(second.process(), first.process(), "process after restore");
        compareRings(second.stats(), first.stats(), "stats after restore");
        compareRings(second.cache(), first.cache(), "cache after restore");
        QCOMPARE(second.firstDataMs(), first.firstDataMs());
        QCOMPARE(second.restartsWhileWatched(), first.restartsWhileWatched());
        const bool hasGap = std::any_of(second.unwatched().begin(), second.unwatched().end(),
                                        [&](const LogGap& g) { return g.fromMs == cutMs && g.toMs == nowMs; });
        QCOMPARE(hasGap, gap);

        // The backfill: docker logs from nowMs - backfillMs, everything the app printed (and the stats the
        // engine would stream live).
        const qint64 sinceMs = nowMs - backfillMs;
        qsizetype overlapping = 0;
        for (const IngestBatch& b : batches) {
            IngestBatch late = b;
            late.backfill = true;
            late.logs.clear();
            late.stats.clear();
            for (const LogRecord& r : b.logs) {
                if (rowTime(r) >= sinceMs)
                    late.logs.push_back(r);
                if (rowTime(r) >= sinceMs && rowTime(r) <= cutMs
                    && (r.kind == LogKind::Memory || r.kind == LogKind::Cache))
                    ++overlapping;
            }
            for (const StatsSample& s : b.stats)
                if (s.atMs > cutMs)
                    late.stats.push_back(s);
            second.apply(late);
        }
        QCOMPARE(second.samplesDroppedOutOfOrder(), quint64(0));
        QCOMPARE(qsizetype(second.duplicatesSkipped()), overlapping);
        if (backfillMs >= unwatchedMs) {
            // The logs reach over the whole outage: nothing is missing.
            compareRings(second.process(), uninterrupted.process(), "process");
            compareRings(second.cache(), uninterrupted.cache(), "cache");
        } else {
            QCOMPARE(second.process().size(),
                     first.process().size() + uninterrupted.process().size()
                         - uninterrupted.process().lowerBound(sinceMs));
        }
        compareRings(second.stats(), uninterrupted.stats(), "stats");
        // Growth goes on across the restart: judged over the same window, from the same rows.
        QCOMPARE(estimateGrowth(second, Thresholds::defaults(), nowMs).observedMinutes,
                 estimateGrowth(backfillMs >= unwatchedMs ? uninterrupted : second, Thresholds::defaults(), nowMs)
                     .observedMinutes);

        // Saved again: the store holds every row once.
        recorder.save(second, nullptr, nowMs);
        QVERIFY(store.flush().result());
        HistoryReader reader(options.path);
        QVERIFY2(reader.open(&error), qPrintable(error));
        bool ordered = false;
        QCOMPARE(storedRowCount(reader, RingKind::Process, &ordered), second.process().size());
        QVERIFY(ordered);
        QCOMPARE(storedRowCount(reader, RingKind::Stats, &ordered), second.stats().size());
        QVERIFY(ordered);
        QCOMPARE(storedRowCount(reader, RingKind::Cache, &ordered), second.cache().size());
        QVERIFY(ordered);
        const auto events = reader.events(kKey, 0, nowMs);
        const bool gapEvent = std::any_of(events.begin(), events.end(), [&](const StoredEvent& e) {
            return e.kind == HistoryEventKind::ConnectionGap && e.atMs == cutMs
                && qint64(e.detail.value(QStringLiteral("until")).toDouble()) == nowMs;
        });
        QCOMPARE(gapEvent, gap);
        QCOMPARE(reader.integrityCheck(), QStringLiteral("ok"));
    }

    // Markers go to the store as events and come back as the same markers.
    void markerRoundTrip_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<bool>("recreated");
        QTest::addRow("start") << int(Marker::Kind::Start) << -1 << false;
        QTest::addRow("restart") << int(Marker::Kind::Restart) << -1 << false;
        QTest::addRow("recreate") << int(Marker::Kind::Restart) << -1 << true;
        QTest::addRow("die 137") << int(Marker::Kind::Die) << 137 << false;
        QTest::addRow("oom kill") << int(Marker::Kind::OomKill) << 137 << false;
        QTest::addRow("heap oom") << int(Marker::Kind::HeapOom) << 134 << false;
    }
    void markerRoundTrip()
    {
        QFETCH(int, kind);
        QFETCH(int, exitCode);
        QFETCH(bool, recreated);
        Marker m;
        m.atMs = kDemoNowMs - 5 * kMinute;
        m.kind = Marker::Kind(kind);
        m.exitCode = exitCode;
        m.recreated = recreated;
        m.text = QStringLiteral("killed at its memory limit, exit code 137 (OOM kill)");
        const StoredEvent e = HistoryRecorder::markerEvent(kKey, m);
        const std::optional<Marker> back = HistoryRecorder::markerOf(e);
        QVERIFY(back);
        QCOMPARE(int(back->kind), kind);
        QCOMPARE(back->atMs, m.atMs);
        QCOMPARE(back->exitCode, exitCode);
        QCOMPARE(back->recreated, recreated);
        QCOMPARE(back->text, m.text);
    }
};

QTEST_GUILESS_MAIN(TestHistoryContinuity)
#include "tst_historycontinuity.moc"
