// Every item model of the GUI passes QAbstractItemModelTester through its updates: red flags, recommendations
// (with acknowledgement), the problem log (appends and the core's cap dropping old rows), its filter proxy, and
// the target list.
#include "ChartGrid.h"
#include "ChartViewport.h"
#include "LogFilterProxy.h"
#include "ProblemLogModel.h"
#include "RecommendationModel.h"
#include "RedFlagModel.h"
#include "ReplaySource.h"
#include "SeedTarget.h"
#include "SummaryHeader.h"
#include "TargetListModel.h"
#include "TimeSeriesChart.h"
#include "TwoLineNote.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

Q_DECLARE_METATYPE(heapwatch::ConnectionStatus::State)
Q_DECLARE_METATYPE(heapwatch::ConnectionStatus::Container)

using namespace heapwatch;

namespace {

Problem problem(qint64 at, LogKind kind, const QString& text)
{
    Problem p;
    p.atMs = at;
    p.kind = kind;
    p.level = kind == LogKind::Error || kind == LogKind::HeapOom ? Level::Critical : Level::Warning;
    p.text = text;
    return p;
}

Recommendation rec(const QString& id, Level level, const QString& title)
{
    Recommendation r;
    r.id = id;
    r.level = level;
    r.title = title;
    r.evidence = QStringLiteral("evidence of ") + id;
    r.action = QStringLiteral("ENV NODE_OPTIONS=\"--max-old-space-size=512\"\nsecond line");
    return r;
}

} // namespace

class TestModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // Log history a reconnect could not read back is a band on the charts the log feeds (process memory,
    // heap, cache), not on those of docker stats (container memory, CPU).
    void gapsAreBandsOnTheLogCharts()
    {
        IngestBatch batch = test::seedBatch();
        const qint64 t0 = test::seedStartMs();
        batch.gaps.push_back({t0 + 60 * 1000, t0 + 3 * 60 * 1000});
        auto target
            = std::make_unique<Target>(std::make_unique<test::FixedSource>(std::move(batch)), Thresholds::defaults());
        QSignalSpy done(target.get(), &Target::backfillFinished);
        target->start();
        QVERIFY(done.wait(5000));
        QCOMPARE(target->state().gapCount(), 1u);
        ChartViewport viewport;
        ChartGrid grid(&viewport);
        grid.resize(1000, 700);
        grid.setTarget(target.get());
        grid.refresh(true);
        for (TimeSeriesChart* chart : {grid.processChart(), grid.heapChart(), grid.cacheChart()}) {
            QCOMPARE(chart->gaps().size(), size_t(1));
            QCOMPARE(chart->gaps().front().fromMs, t0 + 60 * 1000);
            QCOMPARE(chart->gaps().front().toMs, t0 + 3 * 60 * 1000);
        }
        QVERIFY(grid.containerChart()->gaps().empty());
        QVERIFY(grid.cpuChart()->gaps().empty());
        QVERIFY(!grid.grab().isNull()); // painted without trouble
    }

    void redFlagModel()
    {
        RedFlagModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto target = test::seedTarget();
        QVERIFY(target);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
        model.setAssessment(target->assessment(), target->now());
        QCOMPARE(model.rowCount(), int(target->assessment().flags.size()));
        QCOMPARE(model.columnCount(), int(RedFlagModel::ColumnCount));
        QCOMPARE(resets.count(), 1);
        // The same assessment again changes nothing: no reset, no repaint.
        model.setAssessment(target->assessment(), target->now());
        QCOMPARE(resets.count(), 1);
        QCOMPARE(changes.count(), 0);
        // Problems first (critical, warning, unknown, ok), each level in the assessment's order: the investigation's
        // heap usage (critical), then growth (unknown, too short), then the rest as the table lists them.
        QStringList expected;
        for (Level level : {Level::Critical, Level::Warning, Level::Unknown, Level::Ok})
            for (const Flag& f : target->assessment().flags)
                if (f.level == level)
                    expected << f.id;
        QStringList shown;
        for (int r = 0; r < model.rowCount(); ++r)
            shown << model.index(r, 0).data(RedFlagModel::FlagIdRole).toString();
        QCOMPARE(shown, expected);
        QCOMPARE(shown.mid(0, 3),
                 (QStringList {QStringLiteral("heap_usage"), QStringLiteral("memory_growth"), QStringLiteral("rss")}));
        const int rss = model.rowOf(QStringLiteral("rss"));
        QCOMPARE(rss, 2);
        // A value that moves repaints its one cell, with the display role only.
        Assessment changed = target->assessment();
        QCOMPARE(changed.flags[0].id, QStringLiteral("rss"));
        changed.flags[0].value = 340.2; // 336.6 MiB in the investigation's T+5 figures
        model.setAssessment(changed, target->now());
        QCOMPARE(resets.count(), 1);
        QCOMPARE(changes.count(), 1);
        QCOMPARE(changes.at(0).at(0).toModelIndex(), model.index(rss, RedFlagModel::CurrentColumn));
        QCOMPARE(changes.at(0).at(1).toModelIndex(), model.index(rss, RedFlagModel::CurrentColumn));
        QCOMPARE(changes.at(0).at(2).value<QList<int>>(), QList<int> {Qt::DisplayRole});
        QCOMPARE(model.index(rss, RedFlagModel::CurrentColumn).data().toString(), QStringLiteral("340.2 MiB"));
        // A flag whose level changes moves to its level's place: the cache hit rate falling to unknown goes after
        // growth, the first unknown, and before RSS, the first ok (a layout change, no reset).
        const auto flagIndex = [&changed](const char* id) {
            return size_t(std::find_if(changed.flags.begin(), changed.flags.end(),
                                       [id](const Flag& f) { return f.id == QLatin1String(id); })
                          - changed.flags.begin());
        };
        const size_t cacheFlag = flagIndex("cache_hit_rate");
        QVERIFY(cacheFlag < changed.flags.size());
        QSignalSpy layouts(&model, &QAbstractItemModel::layoutChanged);
        changed.flags[cacheFlag].level = Level::Unknown;
        model.setAssessment(changed, target->now());
        QCOMPARE(model.rowOf(QStringLiteral("cache_hit_rate")), 2);
        QCOMPARE(model.rowOf(QStringLiteral("rss")), 3);
        QCOMPARE(layouts.count(), 1);
        QCOMPARE(resets.count(), 1);
        // A flag that turns critical moves to the top, before heap usage (the assessment lists RSS first), and a
        // selected row moves with it: a layout change, not a reset.
        changes.clear();
        layouts.clear();
        QPersistentModelIndex selected(model.index(model.rowOf(QStringLiteral("rss")), RedFlagModel::MetricColumn));
        QPersistentModelIndex heap(model.index(model.rowOf(QStringLiteral("heap_usage")), RedFlagModel::StatusColumn));
        changed.flags[0].level = Level::Critical;
        changed.flags[0].value = 380;
        model.setAssessment(changed, target->now());
        QCOMPARE(resets.count(), 1);
        QCOMPARE(layouts.count(), 1);
        QCOMPARE(model.rowOf(QStringLiteral("rss")), 0);
        QCOMPARE(model.rowOf(QStringLiteral("heap_usage")), 1);
        QCOMPARE(selected.row(), 0);
        QCOMPARE(selected.data(RedFlagModel::FlagIdRole).toString(), QStringLiteral("rss"));
        QCOMPARE(heap.row(), 1);
        QCOMPARE(heap.column(), int(RedFlagModel::StatusColumn));
        QCOMPARE(model.index(0, RedFlagModel::CurrentColumn).data().toString(), QStringLiteral("380.0 MiB"));
        QCOMPARE(model.index(0, RedFlagModel::StatusColumn).data(RedFlagModel::LevelRole).toInt(),
                 int(Level::Critical));
        QVERIFY(!changes.isEmpty()); // the moved rows are repainted
        // The same assessment again: nothing moves, nothing repaints.
        changes.clear();
        layouts.clear();
        model.setAssessment(changed, target->now());
        QCOMPARE(layouts.count(), 0);
        QCOMPARE(changes.count(), 0);
        QCOMPARE(resets.count(), 1);
        // A level change that keeps the row's place repaints the cells that show the level (value and status), with
        // the level's roles: buffer overflows, the first ok row, turning unknown stays after the cache hit rate.
        const size_t overflowFlag = flagIndex("buffer_overflows");
        QVERIFY(overflowFlag < changed.flags.size());
        const int overflows = model.rowOf(QStringLiteral("buffer_overflows"));
        QCOMPARE(overflows, 4); // rss and heap usage (critical), growth and cache (unknown), then the ok rows
        changed.flags[overflowFlag].level = Level::Unknown;
        model.setAssessment(changed, target->now());
        QCOMPARE(model.rowOf(QStringLiteral("buffer_overflows")), overflows);
        QCOMPARE(layouts.count(), 0);
        QCOMPARE(resets.count(), 1);
        QSet<int> repainted; // cells announced with a role a view paints
        for (const QList<QVariant>& change : std::as_const(changes)) {
            QCOMPARE(change.at(0).toModelIndex().row(), overflows);
            QCOMPARE(change.at(0).toModelIndex(), change.at(1).toModelIndex());
            const QList<int> roles = change.at(2).value<QList<int>>();
            QVERIFY(roles.contains(RedFlagModel::LevelRole));
            if (roles.contains(Qt::DisplayRole) || roles.contains(Qt::DecorationRole)
                || roles.contains(Qt::ForegroundRole))
                repainted.insert(change.at(0).toModelIndex().column());
            if (change.at(0).toModelIndex().column() == RedFlagModel::StatusColumn)
                QVERIFY(roles.contains(Qt::DecorationRole) && roles.contains(Qt::DisplayRole));
        }
        QCOMPARE(repainted, (QSet<int> {RedFlagModel::CurrentColumn, RedFlagModel::StatusColumn})); // its colour
        for (int c = 0; c < model.columnCount(); ++c)
            QVERIFY(!model.headerData(c, Qt::Horizontal).toString().isEmpty());
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void recommendationModel()
    {
        RecommendationModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRecommendations(
            {rec(QStringLiteral("observe-longer"), Level::Ok, QStringLiteral("Keep watching")),
             rec(QStringLiteral("heap-gc-pressure"), Level::Critical, QStringLiteral("GC pressure"))});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, 0).data(RecommendationModel::IdRole).toString(),
                 QStringLiteral("heap-gc-pressure")); // worst first
        QCOMPARE(model.index(0, RecommendationModel::ActionColumn).data().toString(),
                 QStringLiteral("ENV NODE_OPTIONS=\"--max-old-space-size=512\""));
        QVERIFY(model.flags(model.index(0, 0)) & Qt::ItemIsUserCheckable);
        QSignalSpy acked(&model, &RecommendationModel::acknowledgedChanged);
        QVERIFY(model.setData(model.index(0, 0), Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(acked.count(), 1);
        QCOMPARE(model.unacknowledgedCount(), 1);
        // The acknowledged hint moves after the others, greyed but still listed.
        QCOMPARE(model.index(1, 0).data(RecommendationModel::IdRole).toString(), QStringLiteral("heap-gc-pressure"));
        QCOMPARE(model.index(1, 0).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QVERIFY(model.acknowledged().contains(QStringLiteral("heap-gc-pressure:critical")));
        // An escalated or new rule comes back unacknowledged; a vanished one goes.
        model.setRecommendations(
            {rec(QStringLiteral("heap-gc-pressure"), Level::Critical, QStringLiteral("GC pressure")),
             rec(QStringLiteral("possible-leak"), Level::Warning, QStringLiteral("Leak?"))});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.unacknowledgedCount(), 1);
        model.acknowledge(1, false);
        QCOMPARE(model.unacknowledgedCount(), 2);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void problemLogModel()
    {
        ProblemLogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        std::deque<Problem> problems;
        for (int i = 0; i < 5; ++i)
            problems.push_back(problem(1000 + i, LogKind::Warning, QStringLiteral("warn %1").arg(i)));
        model.setProblems(problems);
        QCOMPARE(model.rowCount(), 5);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        // Two new lines arrive and the cap drops the two oldest: rows move, the model is not reset.
        problems.push_back(problem(2000, LogKind::Error, QStringLiteral("<b>error</b> & markup")));
        problems.push_back(
            problem(2001, LogKind::Overflow, QStringLiteral("Audit log buffer overflow - dropped 12 entries")));
        problems.pop_front();
        problems.pop_front();
        model.setProblems(problems);
        QCOMPARE(resets.count(), 0);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.index(0, ProblemLogModel::MessageColumn).data().toString(), QStringLiteral("warn 2"));
        // Server text is shown as it is, and tool tips escape it so markup is never interpreted.
        QCOMPARE(model.index(3, ProblemLogModel::MessageColumn).data().toString(),
                 QStringLiteral("<b>error</b> & markup"));
        QVERIFY(model.index(3, ProblemLogModel::MessageColumn)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("&lt;b&gt;")));
        // A megabyte line is shortened for display, kept whole in FullTextRole.
        problems.push_back(problem(3000, LogKind::Error, QString(1 << 20, QLatin1Char('x'))));
        model.setProblems(problems);
        QVERIFY(model.index(5, ProblemLogModel::MessageColumn).data().toString().size()
                <= ProblemLogModel::kMaxShownChars + 1);
        QCOMPARE(model.index(5, ProblemLogModel::MessageColumn).data(ProblemLogModel::FullTextRole).toString().size(),
                 1 << 20);
        // Unrelated contents (another target) reset.
        model.setProblems({problem(1, LogKind::DevMode, QStringLiteral("Compiling /api ..."))});
        QCOMPARE(resets.count(), 1);
        QCOMPARE(model.rowCount(), 1);
        model.setProblems({});
        QCOMPARE(model.rowCount(), 0);
    }

    void problemLogModelLeavesOutTheLoggerTimestamp_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("shown");
        QTest::addRow("toISOString") << QStringLiteral("2026-11-27T12:25:49.968Z [error]: SQLITE_BUSY")
                                     << QStringLiteral("[error]: SQLITE_BUSY");
        QTest::addRow("offset") << QStringLiteral("2026-11-27 13:25:49,968+01:00 warn: slow")
                                << QStringLiteral("warn: slow");
        QTest::addRow("not at the start") << QStringLiteral("[warn]: 2026-11-27T12:25:49Z slow")
                                          << QStringLiteral("[warn]: 2026-11-27T12:25:49Z slow");
    }

    // The state model marks where the message begins when it takes the line in; the panel shows it from there,
    // and copies and searches keep the whole line.
    void problemLogModelLeavesOutTheLoggerTimestamp()
    {
        QFETCH(QString, text);
        QFETCH(QString, shown);
        LogRecord r;
        r.kind = LogKind::Error;
        r.atMs = 1795782349968;
        r.text = text;
        IngestBatch batch;
        batch.logs.push_back(r);
        TargetState state(QStringLiteral("pangolin"));
        state.apply(batch);
        QCOMPARE(state.problems().size(), size_t(1));
        ProblemLogModel model;
        model.setProblems(state.problems());
        QCOMPARE(model.index(0, ProblemLogModel::MessageColumn).data().toString(), shown);
        QCOMPARE(model.index(0, ProblemLogModel::MessageColumn).data(ProblemLogModel::FullTextRole).toString(), text);
    }

    void logFilterProxy()
    {
        ProblemLogModel model;
        LogFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setProblems(
            {problem(1, LogKind::Warning, QStringLiteral("Slow query on /api (486 ms)")),
             problem(2, LogKind::Error, QStringLiteral("SQLITE_BUSY: database is locked")),
             problem(3, LogKind::Overflow, QStringLiteral("Audit log buffer overflow - dropped 12 entries")),
             problem(4, LogKind::HeapOom, QStringLiteral("FATAL ERROR: JavaScript heap out of memory")),
             problem(5, LogKind::DevMode, QStringLiteral("Compiling /dashboard ..."))});
        QCOMPARE(proxy.rowCount(), 5);
        proxy.setLevelFilter(LogFilterProxy::Filter::Errors);
        QCOMPARE(proxy.rowCount(), 2);
        proxy.setLevelFilter(LogFilterProxy::Filter::Overflows);
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setLevelFilter(LogFilterProxy::Filter::All);
        // The search is literal and case-insensitive: regex characters match themselves.
        proxy.setSearchText(QStringLiteral("(486"));
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setSearchText(QStringLiteral("DATABASE"));
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setSearchText(QStringLiteral(".*"));
        QCOMPARE(proxy.rowCount(), 0);
        proxy.setSearchText({});
        model.setProblems({problem(1, LogKind::Warning, QStringLiteral("Slow query on /api (486 ms)"))});
        QCOMPARE(proxy.rowCount(), 1);
    }

    // What the sidebar says of a container that does not run: the seed's badger stopped at 10:05 (podman's
    // FinishedAt), looked at later; a server clock ahead of ours never gives a negative age.
    void containerText_data()
    {
        QTest::addColumn<ConnectionStatus::Container>("container");
        QTest::addColumn<qint64>("finishedAtMs");
        QTest::addColumn<qint64>("lookedAfterMs");
        QTest::addColumn<QString>("text");
        using C = ConnectionStatus::Container;
        QTest::addRow("stopped 2 min ago")
            << C::Stopped << qint64(0) << qint64(125000) << QStringLiteral("container stopped 2 min 5 s ago");
        QTest::addRow("stopped just now")
            << C::Stopped << qint64(0) << qint64(900) << QStringLiteral("container stopped just now");
        QTest::addRow("server clock ahead")
            << C::Stopped << qint64(0) << qint64(-4000) << QStringLiteral("container stopped just now");
        QTest::addRow("stopped, never finished")
            << C::Stopped << qint64(-1) << qint64(0) << QStringLiteral("container stopped");
        QTest::addRow("removed") << C::Absent << qint64(-1) << qint64(0)
                                 << QStringLiteral("waiting for container badger");
        QTest::addRow("paused") << C::Paused << qint64(-1) << qint64(0) << QStringLiteral("paused");
        QTest::addRow("engine down") << C::EngineError << qint64(-1) << qint64(0)
                                     << QStringLiteral("engine not answering");
        QTest::addRow("running") << C::Running << qint64(-1) << qint64(0) << QString();
    }
    void containerText()
    {
        QFETCH(ConnectionStatus::Container, container);
        QFETCH(qint64, finishedAtMs);
        QFETCH(qint64, lookedAfterMs);
        QFETCH(QString, text);
        const qint64 stoppedAt = test::seedStartMs() + 5 * 60 * 1000;
        ContainerInfo info;
        info.name = QStringLiteral("badger");
        info.status = container == ConnectionStatus::Container::Stopped ? QStringLiteral("exited") : QString();
        info.running = container != ConnectionStatus::Container::Stopped;
        info.finishedAtMs = finishedAtMs < 0 ? -1 : stoppedAt + finishedAtMs;
        QCOMPARE(TargetListModel::containerText(container, QStringLiteral("badger"), info, stoppedAt + lookedAfterMs),
                 text);
    }

    // The sidebar and the header tell the same truth about a watched target: the seed's critical pangolin
    // keeps its badge only while it is live; a connection that is being made again or failed, a container
    // that does not run or a silent stream (the seed's stats are months old) show the state instead, and the
    // header's verdict becomes the last one.
    void livenessInSidebarAndHeader_data()
    {
        QTest::addColumn<ConnectionStatus::State>("state");
        QTest::addColumn<ConnectionStatus::Container>("container");
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("live");
        using S = ConnectionStatus::State;
        using C = ConnectionStatus::Container;
        QTest::addRow("saved log, not watched") << S::Idle << C::Unknown << QStringLiteral("idle") << true;
        QTest::addRow("stopped") << S::Connected << C::Stopped << QStringLiteral("container stopped 2 min 5 s ago")
                                 << false;
        QTest::addRow("paused") << S::Connected << C::Paused << QStringLiteral("paused") << false;
        QTest::addRow("removed") << S::Connected << C::Absent << QStringLiteral("waiting for container pangolin")
                                 << false;
        QTest::addRow("engine down") << S::Connected << C::EngineError << QStringLiteral("engine not answering")
                                     << false;
        QTest::addRow("running, stats silent")
            << S::Connected << C::Running << QStringLiteral("stale: stats ") << false;
        QTest::addRow("reconnecting") << S::Reconnecting << C::Running << QStringLiteral("reconnecting in 5 s")
                                      << false;
        QTest::addRow("failed") << S::Failed << C::Unknown << QStringLiteral("failed") << false;
    }
    void livenessInSidebarAndHeader()
    {
        QFETCH(ConnectionStatus::State, state);
        QFETCH(ConnectionStatus::Container, container);
        QFETCH(QString, text);
        QFETCH(bool, live);
        IngestBatch batch = test::seedBatch();
        if (container == ConnectionStatus::Container::Stopped) {
            batch.info->running = false;
            batch.info->status = QStringLiteral("exited");
            batch.info->finishedAtMs = QDateTime::currentMSecsSinceEpoch() - 125400;
        }
        ConnectionStatus status;
        status.state = state;
        status.container = container;
        status.retryInSeconds = state == ConnectionStatus::State::Reconnecting ? 5 : 0;
        status.statsRunning = status.logsRunning = status.eventsRunning = state == ConnectionStatus::State::Connected;
        auto* source = new test::FixedSource(batch);
        Target target(std::unique_ptr<Source>(source), test::seedThresholds());
        QSignalSpy done(&target, &Target::backfillFinished);
        target.start();
        QVERIFY(done.count() > 0 || done.wait(5000));
        if (state != ConnectionStatus::State::Idle)
            Q_EMIT source->connectionChanged(status);
        QCoreApplication::processEvents();
        QCOMPARE(int(target.state().connection().state), int(state));

        TargetListModel model;
        const int row = model.addTarget(TargetConfig::remote(QStringLiteral("ssh://ops@web1/pangolin")), &target);
        QVERIFY2(model.index(row).data(TargetListModel::ConnectionRole).toString().startsWith(text),
                 qPrintable(model.index(row).data(TargetListModel::ConnectionRole).toString()));
        QCOMPARE(Level(model.index(row).data(TargetListModel::LevelRole).toInt()),
                 live ? Level::Critical : Level::Unknown);
        SummaryHeader header;
        header.refresh(&target);
        QCOMPARE(header.level(QStringLiteral("overall")), live ? Level::Critical : Level::Unknown);
        QCOMPARE(header.text(QStringLiteral("overall")),
                 live ? QStringLiteral("CRITICAL") : QStringLiteral("NOT LIVE"));
        const QString verdict = header.note(QStringLiteral("overall"));
        QCOMPARE(verdict.startsWith(text) && verdict.contains(QStringLiteral(" · last verdict: ")), !live);
    }

    // A saved log with nothing to judge in it: the header says why it failed, not a "last verdict" of all clear
    // (its lines read, no overflow among them, is the one flag known).
    void headerOfAReplayWithNothingToJudge_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("note");
        QTest::addRow("other lines") << QByteArray("GET /health 200\nGET /api/items 200\n")
                                     << QStringLiteral("failed: nothing recognisable in %1 (2 lines, 0 malformed, "
                                                       "0 oversized)");
        QTest::addRow("the app's start line alone")
            << QByteArray("2026-11-27T12:25:36Z 2026-11-27T12:25:36.935Z [info]: Starting Pangolin (simulated) in "
                          "production mode\n")
            << QStringLiteral("failed: nothing to judge in %1 (1 line, 1 recognised, none with a figure; 0 malformed, "
                              "0 oversized)");
    }
    void headerOfAReplayWithNothingToJudge()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, note);
        QTemporaryDir dir;
        const QString log = dir.filePath(QStringLiteral("other.log"));
        QFile f(log);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        Target target(std::make_unique<ReplaySource>(log), test::seedThresholds());
        QSignalSpy done(&target, &Target::backfillFinished);
        target.start();
        QVERIFY(done.count() > 0 || done.wait(5000));
        QCOMPARE(target.assessment().flag(QStringLiteral("buffer_overflows"))->level, Level::Ok);
        SummaryHeader header;
        header.refresh(&target);
        QCOMPARE(header.text(QStringLiteral("overall")), QStringLiteral("NOT LIVE"));
        QCOMPARE(header.note(QStringLiteral("overall")), note.arg(log));
    }

    // A header note longer than two lines of its width (the growth tile's on a laptop's screen): its first line as
    // it wraps, the rest elided in the second, so that it reads as cut; the whole note is the tooltip and note().
    void headerNotesLongerThanTwoLinesEndInAnEllipsis()
    {
        const QFont font = QApplication::font();
        const QFontMetrics m(font);
        const QString note = QStringLiteral("needs longer observation (0 of 30 min)");
        const int width = m.horizontalAdvance(QStringLiteral("needs longer")) + 2;
        const QString shown = TwoLineNote::fit(note, font, width);
        const QStringList lines = shown.split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines[0], QStringLiteral("needs longer"));
        QVERIFY2(lines[1].startsWith(QLatin1String("obs")) && lines[1].endsWith(QChar(0x2026)), qPrintable(shown));
        for (const QString& line : lines)
            QVERIFY2(m.horizontalAdvance(line) <= width, qPrintable(line));
        // Notes that fit are shown whole: in one line, or wrapped in two without an ellipsis.
        const QString oneLine = QStringLiteral("critical for 2 min");
        QCOMPARE(TwoLineNote::fit(oneLine, font, m.horizontalAdvance(oneLine)), oneLine);
        QCOMPARE(TwoLineNote::fit(QStringLiteral("approaching warning"), font,
                                  m.horizontalAdvance(QStringLiteral("approaching ")) + 1),
                 QStringLiteral("approaching\nwarning"));

        TwoLineNote label;
        label.setFont(font);
        label.show(); // a shown label gets its resize events at once
        label.resize(width, label.height());
        label.setNote(note);
        QCOMPARE(label.text(), shown);
        QCOMPARE(label.note(), note);
        QCOMPARE(label.toolTip(), note);
        label.resize(m.horizontalAdvance(note) + 10, label.height());
        QCOMPARE(label.text(), note); // wide enough again: whole
    }

    void targetListModel()
    {
        TargetListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto target = test::seedTarget();
        QVERIFY(target);
        const int row = model.addTarget(TargetConfig::demo(), target.get());
        model.addTarget(TargetConfig::remote(QStringLiteral("ssh://ops@web1:2222/pangolin")), nullptr,
                        QStringLiteral("no route"));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(row).data(TargetListModel::LevelRole).toInt(), int(Level::Critical));
        QVERIFY(!model.index(row).data(Qt::DecorationRole).value<QIcon>().isNull());
        QCOMPARE(model.index(row).data().toString(), QStringLiteral("pangolin · demo host\nidle"));
        QCOMPARE(model.index(1).data(TargetListModel::HostRole).toString(), QStringLiteral("ops@web1:2222"));
        QCOMPARE(model.index(1).data(TargetListModel::ErrorRole).toString(), QStringLiteral("no route"));
        QCOMPARE(model.worstLevel(), Level::Critical);
        QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
        model.refresh();
        QCOMPARE(changes.count(), 0); // nothing moved
        QCOMPARE(model.indexOf(QStringLiteral("ssh://ops@web1:2222/pangolin")), 1);
        model.removeTarget(0);
        QCOMPARE(model.rowCount(), 1);
        target.reset(); // a deleted target leaves a row without a badge level, not a dangling pointer
        QCOMPARE(model.worstLevel(), Level::Unknown);
        model.removeTarget(0);
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_MAIN(TestModels)
#include "tst_models.moc"
