// The console after a restart: the target's rings start from the history store, so the CSV export and the
// incident report cover what was recorded before heapwatch (or the desktop) restarted, and every chart shows
// the time nothing watched as a gap band. Real data: the demo host's six hours of the
// investigation's story, recorded three days ago (RSS 336.6 MiB, heap 212.7/218.0 MiB at its end).
#include "ChartGrid.h"
#include "ChartViewport.h"
#include "DemoSource.h"
#include "HistoryRecorder.h"
#include "HistoryStore.h"
#include "SampleCsvWriter.h"
#include "SeedTarget.h"
#include "StateReport.h"
#include "Target.h"
#include "TimeSeriesChart.h"

#include <QBuffer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <set>

using namespace heapwatch;

class TestHistoryExports : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void afterRestart_data()
    {
        QTest::addColumn<int>("daysAgo");
        QTest::addColumn<bool>("covered"); // inside the week the exports cover
        QTest::addRow("3 days ago") << 3 << true;
        QTest::addRow("6 days ago") << 6 << true;
        QTest::addRow("8 days ago") << 8 << false;
    }
    void afterRestart()
    {
        QFETCH(int, daysAgo);
        QFETCH(bool, covered);
        QTemporaryDir dir;
        HistoryOptions options;
        options.path = dir.filePath(QStringLiteral("history.sqlite"));
        options.fullRetentionMs = 30 * HistoryOptions::kDay; // kept; the restore reads 7 days back
        HistoryStore store(options);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        const QString key = QStringLiteral("ssh://ops@web1/pangolin");
        const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
        const qint64 recordedMs = nowMs - daysAgo * HistoryOptions::kDay;

        // The run of daysAgo: six hours of the story, recorded.
        TargetState before(QStringLiteral("pangolin"));
        {
            DemoOptions demoOptions;
            demoOptions.live = false;
            demoOptions.nowMs = recordedMs;
            demoOptions.historyHours = 6;
            DemoSource demo(demoOptions);
            demo.generateHistory(recordedMs, [&before](const IngestBatch& b) { before.apply(b); });
            HistoryRecorder recorder(&store, key, QStringLiteral("pangolin"));
            recorder.save(before, nullptr, recordedMs);
        }

        // Today's start, before any data arrives: the week the charts (and so the exports) show.
        TargetState after(QStringLiteral("pangolin"));
        HistoryRecorder recorder(&store, key, QStringLiteral("pangolin"));
        after.restoreHistory(recorder.restore(nowMs, &error));
        const qint64 t0 = nowMs - 7 * HistoryOptions::kDay;

        QBuffer csv;
        QVERIFY(csv.open(QIODevice::WriteOnly));
        const qint64 rows = SampleCsvWriter::write(after, t0, nowMs, &csv);
        std::set<qint64> times;
        for (qsizetype i = 0; i < before.process().size(); ++i)
            times.insert(before.process().at(i).atMs);
        for (qsizetype i = 0; i < before.stats().size(); ++i)
            times.insert(before.stats().at(i).atMs);
        for (qsizetype i = 0; i < before.cache().size(); ++i)
            times.insert(before.cache().at(i).atMs);
        QVERIFY(times.size() > 1000);
        QCOMPARE(rows, covered ? qint64(times.size()) : qint64(0));

        Thresholds thresholds = Thresholds::defaults();
        const Assessment assessment = assess(after, thresholds, nowMs);
        const ReportInput input {after, assessment, thresholds, nowMs};
        const QString md = markdownReport(input, QStringLiteral("pangolin"), t0, nowMs);
        // The last Memory line of the recorded run is the investigation's T+5 figure.
        QCOMPARE(md.contains(QLatin1String("336.6")), covered);
    }

    // A target started on a store that knew it: the time since it was last saved is a band on every chart
    // (the docker-stats charts too: nothing was measured), and its stored rows are drawn.
    void unwatchedIsABandOnEveryChart()
    {
        QTemporaryDir dir;
        HistoryOptions options;
        options.path = dir.filePath(QStringLiteral("history.sqlite"));
        options.fullRetentionMs = 3650 * HistoryOptions::kDay; // the seed's January lies in the past
        HistoryStore store(options);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        const QString key = QStringLiteral("ssh://ops@web1/pangolin");
        TargetState before(QStringLiteral("pangolin"));
        before.apply(test::seedBatch());
        const qint64 lastSeenMs = before.lastDataMs();
        HistoryRecorder(&store, key, QStringLiteral("pangolin")).save(before, nullptr, lastSeenMs);

        auto target
            = std::make_unique<Target>(std::make_unique<test::FixedSource>(IngestBatch {}), Thresholds::defaults());
        target->recordHistory(&store, key, QStringLiteral("pangolin"));
        const qint64 startedMs = QDateTime::currentMSecsSinceEpoch();
        target->start();
        QCOMPARE(target->state().process().size(), before.process().size());
        QCOMPARE(target->state().unwatched().size(), size_t(1));
        QCOMPARE(target->state().gapCount(), 0u); // not a log gap: check's input.gaps stays empty

        ChartViewport viewport;
        ChartGrid grid(&viewport);
        grid.resize(1000, 700);
        grid.setTarget(target.get());
        grid.refresh(true);
        for (TimeSeriesChart* chart : grid.charts()) {
            QCOMPARE(chart->gaps().size(), size_t(1));
            QCOMPARE(chart->gaps().front().fromMs, lastSeenMs);
            QVERIFY(chart->gaps().front().toMs >= startedMs);
        }
        QVERIFY(!grid.grab().isNull());
        target->stop();
    }
};

QTEST_MAIN(TestHistoryExports)
#include "tst_historyexports.moc"
