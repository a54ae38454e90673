// The fleet overview: rows sorted by urgency (critical, warning, data not live, ok; then the shortest time to a
// limit), the page that opens once two targets are watched, click and Enter open a target and Escape returns,
// a level change highlighted for a few seconds, rows announced only when they changed, and the wall mode
// full screen. Set HEAPWATCH_SCREENSHOTS=dir to keep PNGs of the overview and of the wall.
#include "FleetOverview.h"
#include "FleetOverviewDelegate.h"
#include "FleetOverviewModel.h"
#include "FleetTargets.h"
#include "MainWindow.h"
#include "Target.h"
#include "TargetListModel.h"
#include "TargetSidebar.h"

#include <QApplication>
#include <QDockWidget>
#include <QListView>
#include <QMenuBar>
#include <QPainter>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace heapwatch;
using namespace heapwatch::test;

namespace {

using State = ConnectionStatus::State;

// The catalogue: the seed's numbers (critical), two warnings that reach a limit at different times, an ok
// one, one whose connection is lost.
FleetSpec spec(const QString& name)
{
    if (name == QLatin1String("pangolin"))
        return seedSpec();
    if (name == QLatin1String("checkout")) // RSS over its warning line, growing: heap limit in about 5 h
        return {QStringLiteral("web2"), name, 345.0, 357.0, 150.0, 160.0, 230.0, 380.0, 412.0, 1024.0, 420.0};
    if (name == QLatin1String("search")) // heap usage 88%, growing slowly
        return {QStringLiteral("web1"), name, 272.0, 281.0, 186.0, 190.0, 216.0, 300.0, 309.0, 1024.0};
    if (name == QLatin1String("billing")) // flat and well inside every line
        return {QStringLiteral("db1"), name, 181.0, 180.0, 88.0, 90.0, 140.0, 210.0, 210.0, 1024.0};
    if (name == QLatin1String("mailer")) { // lost: reconnecting
        FleetSpec s {QStringLiteral("web3"), name, 200.0, 201.0, 100.0, 101.0, 160.0, 240.0, 240.0, 1024.0};
        s.state = State::Reconnecting;
        s.retryInSeconds = 5;
        s.endsAgoMs = 2 * 60 * 1000;
        return s;
    }
    if (name == QLatin1String("reports")) { // connected, but nothing came for four minutes
        FleetSpec s {QStringLiteral("web2"), name, 240.0, 244.0, 120.0, 122.0, 180.0, 280.0, 282.0, 1024.0};
        s.endsAgoMs = 4 * 60 * 1000;
        return s;
    }
    return {};
}

struct Fleet
{
    TargetListModel targets;
    std::vector<std::unique_ptr<Target>> owned;
    std::vector<FleetSource*> sources;
    qint64 nowMs = QDateTime::currentMSecsSinceEpoch();

    Target* add(const QString& name)
    {
        const FleetSpec s = spec(name);
        auto source = std::make_unique<FleetSource>(s, nowMs);
        sources.push_back(source.get());
        owned.push_back(std::make_unique<Target>(std::move(source), Thresholds::defaults()));
        Target* t = owned.back().get();
        t->start();
        QCoreApplication::processEvents();
        targets.addTarget(s.entry(), t);
        return t;
    }
};

QStringList order(const FleetOverviewModel& m)
{
    QStringList names;
    for (int r = 0; r < m.rowCount(); ++r)
        names << m.row(r).name;
    return names;
}

} // namespace

class TestOverview : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("heapwatch-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_overview"));
        QSettings().clear();
    }

    // The seed target reads as the red-flag table and `check` read it, in the same words.
    void seedRowSpeaksLikeTheRedFlagTable()
    {
        Fleet f;
        f.add(QStringLiteral("pangolin"));
        FleetOverviewModel m(&f.targets);
        m.refresh(f.nowMs);
        QCOMPARE(m.rowCount(), 1);
        const FleetRow& r = m.row(0);
        QCOMPARE(r.level, Level::Critical);
        QVERIFY(r.live);
        QCOMPARE(r.liveness, QStringLiteral("connected"));
        QVERIFY2(r.flags.contains(QStringLiteral("Heap Usage % 97.6% (>95%)")), qPrintable(r.flags.join('|')));
        QCOMPARE(r.rss.value, QStringLiteral("336.6 / 384 MiB"));
        QCOMPARE(r.heap.value, QStringLiteral("97.6%"));
        QCOMPARE(r.container.value, QStringLiteral("364.8 / 861 MiB"));
        QVERIFY2(r.projection.startsWith(QStringLiteral("heap limit reached in")), qPrintable(r.projection));
        QVERIFY(r.timeToLimitMs > 0);
        // The sparklines are the rings' decimation: at most two points per pixel column, inside the last hour.
        for (const Sparkline* s : {&r.rss, &r.heap, &r.container}) {
            QVERIFY(!s->isEmpty());
            QVERIFY(int(s->points.size()) <= 2 * m.sparklinePixels());
            QVERIFY(s->points.front().x() >= double(s->t0));
            // The last pixel column's min and max hold the latest sample.
            const float latest = s == &r.rss ? 336.6f : s == &r.heap ? 97.57f : 364.8f;
            const QPointF a = s->points[s->points.size() - 2], b = s->points.back();
            QVERIFY2(std::min(a.y(), b.y()) <= latest + 0.01 && std::max(a.y(), b.y()) >= latest - 0.01,
                     qPrintable(QStringLiteral("%1 %2 %3").arg(a.y()).arg(b.y()).arg(latest)));
        }
    }

    // A target listed before its history arrives (the overview refreshes while it connects): once the history
    // is in, the sparklines hold the whole hour, not only the seconds after it.
    void sparklinesTakeHistoryDeliveredLater_data()
    {
        QTest::addColumn<int>("refreshesBefore");
        QTest::addRow("one refresh before") << 1;
        QTest::addRow("three refreshes before") << 3;
    }

    void sparklinesTakeHistoryDeliveredLater()
    {
        QFETCH(int, refreshesBefore);
        TargetListModel targets;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const FleetSpec s = seedSpec();
        Target target(std::make_unique<FleetSource>(s, now), Thresholds::defaults());
        targets.addTarget(s.entry(), &target);
        FleetOverviewModel m(&targets);
        for (int i = 0; i < refreshesBefore; ++i)
            m.refresh(now);
        QVERIFY(m.row(0).rss.isEmpty());
        target.start();
        QCoreApplication::processEvents();
        m.refresh(now + 500);
        // An hour of Memory lines every 30 s and stats every 5 s: every pixel column of the line has points.
        const FleetRow& r = m.row(0);
        QVERIFY2(int(r.rss.points.size()) >= m.sparklinePixels() / 2, qPrintable(QString::number(r.rss.points.size())));
        QVERIFY2(int(r.container.points.size()) >= m.sparklinePixels(),
                 qPrintable(QString::number(r.container.points.size())));
        QVERIFY(r.rss.points.front().x() < double(r.rss.t0 + FleetOverviewModel::kWindowMs / 10));
    }

    void sortsByUrgency_data()
    {
        QTest::addColumn<QStringList>("added");
        QTest::addColumn<QStringList>("expected");
        const QStringList all {QStringLiteral("pangolin"), QStringLiteral("checkout"), QStringLiteral("search"),
                               QStringLiteral("mailer"), QStringLiteral("billing")};
        QTest::addRow("added in urgency order") << all << all;
        QStringList reversed = all;
        std::reverse(reversed.begin(), reversed.end());
        QTest::addRow("added in reverse") << reversed << all;
        QTest::addRow("ok first, critical last")
            << QStringList {QStringLiteral("billing"), QStringLiteral("search"), QStringLiteral("pangolin")}
            << QStringList {QStringLiteral("pangolin"), QStringLiteral("search"), QStringLiteral("billing")};
        // Two warnings: the one that reaches its limit sooner first.
        QTest::addRow("warnings by time to limit")
            << QStringList {QStringLiteral("search"), QStringLiteral("checkout")}
            << QStringList {QStringLiteral("checkout"), QStringLiteral("search")};
        QTest::addRow("lost connection above ok") << QStringList {QStringLiteral("billing"), QStringLiteral("mailer")}
                                                  << QStringList {QStringLiteral("mailer"), QStringLiteral("billing")};
    }

    void sortsByUrgency()
    {
        QFETCH(QStringList, added);
        QFETCH(QStringList, expected);
        Fleet f;
        for (const QString& name : added)
            f.add(name);
        FleetOverviewModel m(&f.targets);
        m.refresh(f.nowMs);
        QCOMPARE(order(m), expected);
        // The states are the ones the catalogue means.
        const QHash<QString, Level> levels {{QStringLiteral("pangolin"), Level::Critical},
                                            {QStringLiteral("checkout"), Level::Warning},
                                            {QStringLiteral("search"), Level::Warning},
                                            {QStringLiteral("billing"), Level::Ok},
                                            {QStringLiteral("mailer"), Level::Unknown}};
        for (int r = 0; r < m.rowCount(); ++r)
            QCOMPARE(m.row(r).level, levels.value(m.row(r).name));
        const int checkout = m.rowOfKey(spec(QStringLiteral("checkout")).entry().key());
        const int search = m.rowOfKey(spec(QStringLiteral("search")).entry().key());
        if (checkout >= 0 && search >= 0)
            QVERIFY(m.row(checkout).timeToLimitMs < m.row(search).timeToLimitMs);
        const int mailer = m.rowOfKey(spec(QStringLiteral("mailer")).entry().key());
        if (mailer >= 0) {
            QVERIFY(!m.row(mailer).live);
            QCOMPARE(m.row(mailer).liveness, QStringLiteral("reconnecting in 5 s"));
        }
    }

    // Liveness in the sidebar's words: the same text for every target.
    void livenessAsTheSidebarSaysIt()
    {
        Fleet f;
        for (const char* name : {"pangolin", "mailer", "reports"})
            f.add(QString::fromLatin1(name));
        // A saved target that could not be opened stays listed with its error, as in the sidebar.
        const TargetConfig broken = TargetConfig::remote(QStringLiteral("web9/ledger"));
        f.targets.addTarget(broken, nullptr, QStringLiteral("Cannot resolve host web9"));
        f.targets.refresh();
        FleetOverviewModel m(&f.targets);
        m.refresh(QDateTime::currentMSecsSinceEpoch());
        for (int s = 0; s < f.targets.rowCount(); ++s) {
            const QString key = f.targets.entryAt(s)->key();
            const FleetRow& r = m.row(m.rowOfKey(key));
            QCOMPARE(r.liveness, f.targets.index(s).data(TargetListModel::ConnectionRole).toString());
            QCOMPARE(r.level, Level(f.targets.index(s).data(TargetListModel::LevelRole).toInt()));
        }
        const FleetRow& failed = m.row(m.rowOfKey(broken.key()));
        QCOMPARE(failed.liveness, QStringLiteral("failed"));
        QVERIFY(!failed.live);
        QCOMPARE(failed.flags, QStringList {QStringLiteral("Cannot resolve host web9")});
        // Critical before a target whose data does not flow.
        QVERIFY(m.rowOfKey(spec(QStringLiteral("pangolin")).entry().key()) < m.rowOfKey(broken.key()));
        const FleetRow& stale = m.row(m.rowOfKey(spec(QStringLiteral("reports")).entry().key()));
        QVERIFY2(stale.liveness.startsWith(QStringLiteral("stale: ")), qPrintable(stale.liveness));
        QVERIFY(!stale.live);
    }

    // A refresh with nothing new announces nothing; a row that changed is announced alone.
    void announcesOnlyChangedRows()
    {
        Fleet f;
        for (const char* name : {"pangolin", "billing", "search"})
            f.add(QString::fromLatin1(name));
        FleetOverviewModel m(&f.targets);
        m.refresh(f.nowMs);
        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
        QSignalSpy layout(&m, &QAbstractItemModel::layoutChanged);
        QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
        m.refresh(f.nowMs);
        QCOMPARE(changed.count(), 0);
        QCOMPARE(layout.count() + reset.count(), 0);
        // Billing's connection is lost: its row alone changes (and moves above ok... it is the last but one).
        f.sources[1]->setState(State::Reconnecting, 5);
        QCoreApplication::processEvents();
        m.refresh(f.nowMs);
        QCOMPARE(changed.count(), 1);
        const QModelIndex cell = changed.at(0).at(0).value<QModelIndex>();
        QCOMPARE(m.row(cell.row()).name, QStringLiteral("billing"));
        QVERIFY(changed.at(0).at(2).value<QList<int>>().contains(FleetOverviewModel::LivenessRole));
    }

    void highlightsLevelChange_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("loseConnection"); // else: its heap fills up
        QTest::addColumn<Level>("after");
        QTest::addRow("ok target's heap fills") << QStringLiteral("billing") << false << Level::Critical;
        QTest::addRow("critical target loses its connection") << QStringLiteral("pangolin") << true << Level::Unknown;
    }

    void highlightsLevelChange()
    {
        QFETCH(QString, name);
        QFETCH(bool, loseConnection);
        QFETCH(Level, after);
        Fleet f;
        f.add(QStringLiteral("search"));
        Target* t = f.add(name);
        FleetOverviewModel m(&f.targets);
        const qint64 t0 = f.nowMs;
        m.refresh(t0);
        for (int r = 0; r < m.rowCount(); ++r)
            QVERIFY2(m.row(r).highlightUntilMs < 0, "a first verdict is not a change");
        if (loseConnection) {
            f.sources.back()->setState(State::Reconnecting, 5);
        } else {
            // Two Memory lines at 97.6% of the heap, the seed's: heap usage turns critical.
            const qint64 at = std::max(QDateTime::currentMSecsSinceEpoch(), f.nowMs + 1);
            QByteArray log;
            for (int i = 0; i < 2; ++i)
                log += QDateTime::fromMSecsSinceEpoch(at + i, Qt::UTC).toString(Qt::ISODateWithMs).toUtf8()
                    + " [info]: Memory: RSS=336.6MB, Heap=212.7MB/218.0MB, External=17.6MB, ArrayBuffers=13.6MB\n";
            IngestBatch batch;
            LogParser parser;
            parser.feed(log, LogStream::Stdout, batch.logs);
            parser.finish(batch.logs);
            t->ingest(batch);
        }
        QCoreApplication::processEvents();
        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
        m.refresh(t0 + 1000);
        const int row = m.rowOfKey(spec(name).entry().key());
        QCOMPARE(m.row(row).level, after);
        QCOMPARE(m.row(row).highlightUntilMs, t0 + 1000 + FleetOverviewModel::kHighlightMs);
        QVERIFY(m.index(row).data(FleetOverviewModel::HighlightRole).toBool());
        QVERIFY(!m.index(m.rowOfKey(spec(QStringLiteral("search")).entry().key()))
                     .data(FleetOverviewModel::HighlightRole)
                     .toBool());
        QVERIFY(!changed.isEmpty());
        // The card is painted in a tint of its new level while highlighted (a pixel of its empty right end).
        auto cardPixel = [&m](int r) {
            FleetOverviewDelegate delegate(&m);
            QImage image(1200, 80, QImage::Format_ARGB32);
            image.fill(QApplication::palette().color(QPalette::Window));
            QPainter painter(&image);
            QStyleOptionViewItem option;
            option.rect = image.rect();
            option.palette = QApplication::palette();
            option.font = QApplication::font();
            delegate.paint(&painter, option, m.index(r));
            painter.end();
            return image.pixelColor(1186, 40);
        };
        const QColor highlighted = cardPixel(row);
        // Still news two seconds later; over after the highlight's time, announced as a change of that row.
        m.refresh(t0 + 3000);
        QVERIFY(m.index(m.rowOfKey(spec(name).entry().key())).data(FleetOverviewModel::HighlightRole).toBool());
        changed.clear();
        m.refresh(t0 + 1000 + FleetOverviewModel::kHighlightMs + 1);
        QVERIFY(!m.index(m.rowOfKey(spec(name).entry().key())).data(FleetOverviewModel::HighlightRole).toBool());
        const QColor settled = cardPixel(m.rowOfKey(spec(name).entry().key()));
        QVERIFY2(highlighted != settled, qPrintable(highlighted.name()));
        if (after == Level::Critical)
            QVERIFY2(highlighted.red() - highlighted.green() > settled.red() - settled.green(),
                     qPrintable(highlighted.name() + QLatin1Char(' ') + settled.name()));
        bool announced = false;
        for (const QList<QVariant>& args : std::as_const(changed))
            announced |= args.at(2).value<QList<int>>().contains(FleetOverviewModel::HighlightRole);
        QVERIFY(announced);
    }

    void homePageWithTwoTargets_data()
    {
        QTest::addColumn<int>("count");
        QTest::addColumn<bool>("overview");
        QTest::addRow("one target: its page") << 1 << false;
        QTest::addRow("two targets: the overview") << 2 << true;
        QTest::addRow("four targets: the overview") << 4 << true;
    }

    void homePageWithTwoTargets()
    {
        QFETCH(int, count);
        QFETCH(bool, overview);
        MainWindow w;
        w.resize(1400, 900);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const QStringList names {QStringLiteral("pangolin"), QStringLiteral("billing"), QStringLiteral("search"),
                                 QStringLiteral("checkout")};
        for (int i = 0; i < count; ++i)
            QVERIFY(w.addSourceTarget(spec(names[i]).entry(), std::make_unique<FleetSource>(spec(names[i]), now)));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCOMPARE(w.overviewShown(), overview);
        QCOMPARE(w.overview()->isVisible(), overview);
        QCOMPARE(w.overview()->model()->rowCount(), overview ? count : 0);
        // The window's one-second tick refreshes the overview: the critical target comes first.
        if (overview)
            QTRY_COMPARE_WITH_TIMEOUT(w.overview()->model()->row(0).name, QStringLiteral("pangolin"), 5000);
    }

    void opensAndReturns_data()
    {
        QTest::addColumn<bool>("byKeyboard");
        QTest::addColumn<int>("row");
        QTest::addRow("click on the first") << false << 0;
        QTest::addRow("click on the third") << false << 2;
        QTest::addRow("Enter on the second") << true << 1;
        QTest::addRow("Enter on the third") << true << 2;
    }

    void opensAndReturns()
    {
        QFETCH(bool, byKeyboard);
        QFETCH(int, row);
        MainWindow w;
        w.resize(1400, 900);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (const char* name : {"billing", "pangolin", "search"})
            QVERIFY(w.addSourceTarget(spec(QString::fromLatin1(name)).entry(),
                                      std::make_unique<FleetSource>(spec(QString::fromLatin1(name)), now)));
        w.show();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QVERIFY(w.overviewShown());
        QListView* view = w.overview()->view();
        const QString key = w.overview()->model()->row(row).key;
        const QString name = w.overview()->model()->row(row).name;
        if (byKeyboard) {
            view->setFocus();
            view->setCurrentIndex(view->model()->index(0, 0));
            for (int i = 0; i < row; ++i)
                QTest::keyClick(view, Qt::Key_Down);
            QTest::keyClick(view, Qt::Key_Return);
        } else {
            const QRect rect = view->visualRect(view->model()->index(row, 0));
            QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
        }
        QVERIFY(!w.overviewShown());
        QVERIFY(w.currentTarget());
        QCOMPARE(w.currentTarget()->name(), w.targetModel()->targetAt(w.targetModel()->indexOf(key))->name());
        QVERIFY(w.windowTitle().startsWith(name));
        // Escape returns to the overview, with the target just left selected.
        QTest::keyClick(&w, Qt::Key_Escape);
        QVERIFY(w.overviewShown());
        QCOMPARE(w.overview()->currentKey(), key);
    }

    void wallModeFullScreen_data()
    {
        QTest::addColumn<bool>("byKey");
        QTest::addRow("View > Wall") << false;
        QTest::addRow("F11") << true;
    }

    void wallModeFullScreen()
    {
        QFETCH(bool, byKey);
        MainWindow w;
        w.resize(1400, 900);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (const char* name : {"billing", "pangolin"})
            QVERIFY(w.addSourceTarget(spec(QString::fromLatin1(name)).entry(),
                                      std::make_unique<FleetSource>(spec(QString::fromLatin1(name)), now)));
        w.show();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        const int normalFont = w.overview()->view()->font().pixelSize() > 0
            ? w.overview()->view()->font().pixelSize()
            : QFontInfo(w.overview()->view()->font()).pixelSize();
        auto toggle = [&] {
            if (byKey)
                QTest::keyClick(&w, Qt::Key_F11);
            else
                w.wallAction()->trigger();
        };
        toggle();
        QVERIFY(w.wallMode());
        QVERIFY(w.isFullScreen());
        QVERIFY(w.overviewShown());
        QVERIFY(w.overview()->wallMode());
        QVERIFY(!w.menuBar()->isVisible());
        for (QDockWidget* d : w.findChildren<QDockWidget*>())
            QVERIFY2(!d->isVisible(), qPrintable(d->objectName()));
        QVERIFY(QFontInfo(w.overview()->view()->font()).pixelSize() >= 2 * normalFont - 4);
        // Keyboard only: Enter opens, Escape returns, still on the wall.
        QTest::keyClick(w.overview()->view(), Qt::Key_Return);
        QVERIFY(!w.overviewShown());
        QTest::keyClick(&w, Qt::Key_Escape);
        QVERIFY(w.overviewShown());
        QVERIFY(w.isFullScreen());
        toggle();
        QVERIFY(!w.wallMode());
        QVERIFY(!w.isFullScreen());
        QVERIFY(w.menuBar()->isVisible());
        QVERIFY(w.sidebar()->isVisible());
        QVERIFY(!w.overview()->wallMode());
    }

    // Not a check: PNGs of the overview and of the wall for the README and for a look.
    void screenshots()
    {
        const QString dir = qEnvironmentVariable("HEAPWATCH_SCREENSHOTS");
        if (dir.isEmpty())
            QSKIP("HEAPWATCH_SCREENSHOTS not set");
        MainWindow w;
        w.resize(1600, 640);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (const char* name : {"billing", "pangolin", "reports", "search", "mailer", "checkout"})
            QVERIFY(w.addSourceTarget(spec(QString::fromLatin1(name)).entry(),
                                      std::make_unique<FleetSource>(spec(QString::fromLatin1(name)), now)));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.refreshNow();
        w.overview()->refresh(true);
        QVERIFY(w.grab().save(dir + QStringLiteral("/overview.png")));
        w.setWallMode(true);
        w.resize(1920, 1080);
        QTest::qWait(50);
        w.overview()->refresh(true);
        QVERIFY(w.grab().save(dir + QStringLiteral("/wall.png")));
        // The desktop turns dark: the wall follows.
        const QPalette light = QApplication::palette();
        QPalette dark = light;
        dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
        dark.setColor(QPalette::WindowText, QColor(0xee, 0xee, 0xee));
        dark.setColor(QPalette::Base, QColor(0x20, 0x20, 0x20));
        dark.setColor(QPalette::Text, QColor(0xee, 0xee, 0xee));
        QApplication::setPalette(dark);
        QCoreApplication::processEvents();
        w.overview()->refresh(true);
        QVERIFY(w.grab().save(dir + QStringLiteral("/wall-dark.png")));
        // Billing's heap fills: its card is highlighted on the wall.
        Target* billing
            = w.targetModel()->targetAt(w.targetModel()->indexOf(spec(QStringLiteral("billing")).entry().key()));
        const qint64 at = QDateTime::currentMSecsSinceEpoch();
        QByteArray log;
        for (int i = 0; i < 2; ++i)
            log += QDateTime::fromMSecsSinceEpoch(at + i, Qt::UTC).toString(Qt::ISODateWithMs).toUtf8()
                + " [info]: Memory: RSS=336.6MB, Heap=212.7MB/218.0MB, External=17.6MB, ArrayBuffers=13.6MB\n";
        IngestBatch batch;
        LogParser parser;
        parser.feed(log, LogStream::Stdout, batch.logs);
        parser.finish(batch.logs);
        billing->ingest(batch);
        QCoreApplication::processEvents();
        w.overview()->refresh(true);
        QVERIFY(w.grab().save(dir + QStringLiteral("/wall-highlight.png")));
        QApplication::setPalette(light);
    }
};

QTEST_MAIN(TestOverview)
#include "tst_overview.moc"
