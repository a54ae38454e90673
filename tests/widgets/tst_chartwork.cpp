// Chart work is spent only where it shows: a hidden or minimised window refreshes no chart and pushes no
// series, a visible one refreshes each chart at most once a second with live data and catches up when it
// shows again, and a series switched off in the legend gets no points until it is switched back on.
#include "ChartGrid.h"
#include "ChartViewport.h"
#include "DashboardPage.h"
#include "LevelStyle.h"
#include "MainWindow.h"
#include "Target.h"
#include "TargetListModel.h"
#include "TimeSeriesChart.h"
#include "WindowWait.h"

#include <QApplication>
#include <QChartView>
#include <QGraphicsLineItem>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace heapwatch;

namespace {

using test::waitForBackfill;

quint64 replaces(const ChartGrid* grid)
{
    quint64 n = 0;
    for (const TimeSeriesChart* chart : grid->charts())
        n += chart->replaceCount();
    return n;
}

// The seed's process memory (MiB) a second apart: RSS and heap used.
std::vector<QPointF> seedLine(qint64 t0, double base, int n)
{
    std::vector<QPointF> points;
    for (int i = 0; i < n; ++i)
        points.emplace_back(double(t0 + qint64(i) * 1000), base + (i % 7) * 0.3);
    return points;
}

} // namespace

class TestChartWork : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void offScreenWindowDoesNoChartWork_data()
    {
        QTest::addColumn<bool>("minimise");
        QTest::addRow("hidden") << false;
        QTest::addRow("minimised") << true;
    }

    void offScreenWindowDoesNoChartWork()
    {
        QFETCH(bool, minimise);
        MainWindow w;
        w.resize(1400, 900);
        w.openDemo();
        QVERIFY(waitForBackfill(w));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.viewport()->setRange(ChartViewport::Minutes15); // one pixel column < 1 s: every tick may refresh
        ChartGrid* grid = w.dashboard()->charts();
        QVERIFY(grid->onScreen());
        // Shown, the live demo refreshes the charts.
        const int shownBefore = grid->refreshCount();
        QTRY_VERIFY_WITH_TIMEOUT(grid->refreshCount() > shownBefore, 3000);

        if (minimise)
            w.showMinimized();
        else
            w.hide();
        QTRY_VERIFY_WITH_TIMEOUT(!grid->onScreen(), 2000);
        QCoreApplication::processEvents();
        const int refreshes = grid->refreshCount();
        const quint64 pushed = replaces(grid);
        const quint64 revision = w.currentTarget()->state().revision();
        QTest::qWait(2600);
        QVERIFY2(w.currentTarget()->state().revision() != revision, "the demo kept streaming meanwhile");
        QCOMPARE(grid->refreshCount(), refreshes);
        QCOMPARE(replaces(grid), pushed);

        // Shown again, the next tick catches up with what arrived meanwhile.
        w.showNormal();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTRY_VERIFY_WITH_TIMEOUT(grid->refreshCount() > refreshes, 2500);
        QVERIFY(replaces(grid) > pushed);
    }

    void visibleChartRefreshesAtMostOnceASecond_data()
    {
        QTest::addColumn<int>("range");
        QTest::addRow("15 min") << int(ChartViewport::Minutes15);
        QTest::addRow("1 h") << int(ChartViewport::Hour1);
    }

    void visibleChartRefreshesAtMostOnceASecond()
    {
        QFETCH(int, range);
        MainWindow w;
        w.resize(1400, 900);
        w.openDemo();
        QVERIFY(waitForBackfill(w));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.viewport()->setRange(ChartViewport::Range(range));
        ChartGrid* grid = w.dashboard()->charts();
        TimeSeriesChart* process = grid->processChart();
        QTest::qWait(300);
        // A refresh can show no less than one decimation bucket (two pixel columns): under a second at 15 min
        // (then one a second), several seconds at 1 h on a plot a thousand pixels wide.
        const auto [t0, t1] = w.viewport()->window(w.currentTarget()->now());
        const qint64 interval = std::clamp<qint64>((t1 - t0) / std::max(1, process->plotWidth() / 2), 1000, 10000);
        const int before = grid->refreshCount();
        const quint64 pushedBefore = process->replaceCount();
        QElapsedTimer clock;
        clock.start();
        QTest::qWait(int(interval) + 3200);
        const int refreshes = grid->refreshCount() - before;
        const double seconds = double(clock.elapsed()) / 1000.0;
        // Live data every second: at least one refresh, at most one an interval (the tick may land on either
        // side of the measured stretch, hence one more).
        QVERIFY2(refreshes >= 1, qPrintable(QStringLiteral("%1 in %2 s").arg(refreshes).arg(seconds)));
        QVERIFY2(
            refreshes <= int(seconds * 1000 / double(interval)) + 1,
            qPrintable(QStringLiteral("%1 in %2 s, one in %3 ms at most").arg(refreshes).arg(seconds).arg(interval)));
        // Each series is pushed at most once per refresh.
        QVERIFY(process->replaceCount() - pushedBefore <= quint64(refreshes) * quint64(process->seriesCount()));
    }

    void hiddenSeriesGetsNoPoints_data()
    {
        QTest::addColumn<double>("rss");
        QTest::addColumn<double>("heapUsed");
        QTest::addColumn<int>("points");
        // The seed's figures: RSS 336.6 MiB with 212.7 MiB of heap used; then near its 384 MB heap limit.
        QTest::addRow("seed steady") << 336.6 << 212.7 << 120;
        QTest::addRow("near the heap limit") << 402.0 << 371.5 << 600;
    }

    void hiddenSeriesGetsNoPoints()
    {
        QFETCH(double, rss);
        QFETCH(double, heapUsed);
        QFETCH(int, points);
        TimeSeriesChart chart(QStringLiteral("Process memory"));
        chart.resize(900, 300);
        ChartSeriesSpec a;
        a.name = QStringLiteral("RSS");
        a.color = Qt::blue;
        ChartSeriesSpec b = a;
        b.name = QStringLiteral("Heap used");
        chart.addSeries(a);
        chart.addSeries(b);
        const qint64 t0 = 1768380000000;
        chart.setTimeWindow(t0, t0 + qint64(points) * 1000);
        chart.setSeriesVisible(1, false);
        chart.setSeriesPoints(0, seedLine(t0, rss, points));
        chart.setSeriesPoints(1, seedLine(t0, heapUsed, points));
        chart.commit();
        QCOMPARE(chart.replaceCount(), quint64(1));
        const qsizetype rssOnly = chart.pointCount();
        QVERIFY(rssOnly > 0);
        // The hidden series' data is kept (for when it is shown) but not given to the chart.
        QCOMPARE(chart.seriesPoints(1).size(), size_t(points));

        // The window slides by a second: only the visible series is pushed again.
        chart.setTimeWindow(t0 + 1000, t0 + qint64(points + 1) * 1000);
        chart.setSeriesPoints(0, seedLine(t0 + 1000, rss, points));
        chart.setSeriesPoints(1, seedLine(t0 + 1000, heapUsed, points));
        chart.commit();
        QCOMPARE(chart.replaceCount(), quint64(2));
        QCOMPARE(chart.pointCount(), rssOnly);

        // Switched back on, it gets the current points at once, the same as the visible series would.
        chart.setSeriesVisible(1, true);
        QCOMPARE(chart.replaceCount(), quint64(3));
        QCOMPARE(chart.pointCount(), 2 * rssOnly);
        // Switched off again, its line is emptied.
        chart.setSeriesVisible(1, false);
        QCOMPARE(chart.pointCount(), rssOnly);
    }

    void denseLineIsSimplifiedToItsPixels_data()
    {
        QTest::addColumn<double>("base");
        QTest::addColumn<double>("amplitude");
        QTest::addColumn<int>("points");
        QTest::addColumn<double>("maxShare"); // of the points that may reach Qt Charts
        QTest::addColumn<double>("minShare");
        // The seed's RSS, 336.6 MiB, growing by 2 MiB over the window (the axis spans 400 MiB): a line that
        // climbs a pixel or two, whatever the plot's height (amplitude 0: a ramp, no swings).
        QTest::addRow("seed RSS, slow growth") << 336.6 << 0.0 << 1800 << 0.05 << 0.0;
        // Swings of 120 MiB from one point to the next: every point moves the line by many pixels.
        QTest::addRow("swings of 120 MiB") << 212.7 << 120.0 << 1800 << 1.0 << 0.95;
    }

    // A dense envelope (one-pixel lines, no antialiasing) reaches Qt Charts without the points that change
    // no pixel, and keeps every point that does; the hover read-out still has every point.
    void denseLineIsSimplifiedToItsPixels()
    {
        QFETCH(double, base);
        QFETCH(double, amplitude);
        QFETCH(int, points);
        QFETCH(double, maxShare);
        QFETCH(double, minShare);
        TimeSeriesChart chart(QStringLiteral("Process memory"));
        chart.resize(900, 300);
        ChartSeriesSpec a;
        a.name = QStringLiteral("RSS");
        a.color = Qt::blue;
        chart.addSeries(a);
        chart.setLeftAxis(QStringLiteral("MiB"), 400);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        const qint64 t0 = 1768380000000;
        std::vector<QPointF> line;
        for (int i = 0; i < points; ++i)
            line.emplace_back(double(t0 + qint64(i) * 2000),
                              base + 2.0 * i / points + (i % 2 ? amplitude : -amplitude) * ((i % 5) / 4.0));
        chart.setTimeWindow(t0, t0 + qint64(points) * 2000);
        chart.setSeriesPoints(0, line);
        chart.commit();
        const double share = double(chart.pointCount()) / double(points);
        QVERIFY2(share <= maxShare && share >= minShare, qPrintable(QString::number(share)));
        QCOMPARE(chart.seriesPoints(0).size(), size_t(points));
    }

    void gridAndAxisLinesAreNoSceneItems_data()
    {
        QTest::addColumn<double>("rss");
        QTest::addColumn<int>("points");
        QTest::addRow("seed steady") << 336.6 << 120;
        QTest::addRow("near the heap limit") << 402.0 << 600;
    }

    // The grid and the axis lines are painted with the background: no line item of Qt Charts' is
    // left to lay out and paint on every repaint, whatever the axis' range.
    void gridAndAxisLinesAreNoSceneItems()
    {
        QFETCH(double, rss);
        QFETCH(int, points);
        TimeSeriesChart chart(QStringLiteral("Process memory"));
        chart.resize(900, 300);
        ChartSeriesSpec a;
        a.name = QStringLiteral("RSS");
        a.color = Qt::blue;
        chart.addSeries(a);
        chart.setLeftAxis(QStringLiteral("MiB"), 100);
        const qint64 t0 = 1768380000000;
        chart.setTimeWindow(t0, t0 + qint64(points) * 1000);
        chart.setSeriesPoints(0, seedLine(t0, rss, points));
        chart.commit();
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        auto* view = chart.findChild<QGraphicsView*>();
        QVERIFY(view);
        int lineItems = 0;
        for (QGraphicsItem* item : view->scene()->items())
            if (item->type() == QGraphicsLineItem::Type && item->isVisible())
                ++lineItems;
        QCOMPARE(lineItems, 0);
        // The axis still reaches above the data (its grid is drawn from the same range).
        QVERIFY(chart.leftRange().second >= rss);
    }

    void bandIsTheTintOverTheBaseWithoutACache_data()
    {
        QTest::addColumn<int>("level");
        QTest::addColumn<bool>("dark");
        QTest::addRow("warning, light") << int(Level::Warning) << false;
        QTest::addRow("critical, light") << int(Level::Critical) << false;
        QTest::addRow("warning, dark") << int(Level::Warning) << true;
        QTest::addRow("critical, dark") << int(Level::Critical) << true;
    }

    // The background is drawn as opaque rectangles with no cache (a cache held a pixmap of the whole view
    // per chart): a level band must still look as the translucent tint blended over the base did.
    void bandIsTheTintOverTheBaseWithoutACache()
    {
        QFETCH(int, level);
        QFETCH(bool, dark);
        TimeSeriesChart chart(QStringLiteral("Process memory"));
        if (dark) {
            QPalette p = chart.palette();
            p.setColor(QPalette::Base, QColor(30, 30, 30));
            p.setColor(QPalette::Window, QColor(45, 45, 45));
            p.setColor(QPalette::WindowText, QColor(230, 230, 230));
            chart.setPalette(p);
        }
        chart.resize(900, 300);
        ChartSeriesSpec a;
        a.name = QStringLiteral("RSS");
        a.color = Qt::blue;
        chart.addSeries(a);
        chart.setLeftAxis(QStringLiteral("MiB"), 400);
        chart.setBands({{0, 1e6, Level(level)}}); // the whole plot, whatever the axis' range
        const qint64 t0 = 1768380000000;
        chart.setTimeWindow(t0, t0 + 120 * 1000);
        chart.setSeriesPoints(0, seedLine(t0, 336.6, 120));
        chart.commit();
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        auto* view = chart.findChild<QChartView*>();
        QVERIFY(view);
        QCOMPARE(view->cacheMode(), QGraphicsView::CacheNone);

        // What painting the translucent tint over the base gives.
        const QColor base = chart.palette().color(QPalette::Base);
        QImage reference(1, 1, QImage::Format_RGB32);
        reference.fill(base);
        {
            QPainter p(&reference);
            p.fillRect(QRect(0, 0, 1, 1), LevelStyle::tint(Level(level), dark, dark ? 46 : 34));
        }
        const QColor expected = reference.pixelColor(0, 0);
        QVERIFY(expected != base);

        const QImage shot = chart.grab().toImage();
        const QRect plot = view->mapFromScene(view->chart()->mapRectToScene(view->chart()->plotArea()))
                               .boundingRect()
                               .adjusted(4, 4, -4, -4);
        QVERIFY(plot.width() > 100 && plot.height() > 50);
        int tinted = 0;
        int total = 0;
        for (int y = plot.top(); y <= plot.bottom(); y += 3)
            for (int x = plot.left(); x <= plot.right(); x += 3) {
                const QColor c = shot.pixelColor(view->mapTo(&chart, QPoint(x, y)));
                ++total;
                if (std::abs(c.red() - expected.red()) <= 1 && std::abs(c.green() - expected.green()) <= 1
                    && std::abs(c.blue() - expected.blue()) <= 1)
                    ++tinted;
            }
        // The grid lines and the series take a few pixels; the rest of the plot is the band.
        QVERIFY2(tinted * 10 >= total * 8, qPrintable(QStringLiteral("%1 of %2").arg(tinted).arg(total)));
    }

    void windowIconIsSetOnlyWhenTheLevelChanges_data()
    {
        QTest::addColumn<int>("waitMs");
        QTest::addRow("two ticks") << 2200;
        QTest::addRow("four ticks") << 4200;
    }

    // Setting the window icon sends an event to every widget of the window: the once-a-second tick does it
    // only when the worst level changed, which the steady demo does not.
    void windowIconIsSetOnlyWhenTheLevelChanges()
    {
        QFETCH(int, waitMs);
        MainWindow w;
        w.resize(1400, 900);
        w.openDemo();
        QVERIFY(waitForBackfill(w));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTest::qWait(1300); // the first tick sets the icon
        struct Counter : QObject
        {
            int n = 0;
            bool eventFilter(QObject*, QEvent* e) override
            {
                if (e->type() == QEvent::WindowIconChange)
                    ++n;
                return false;
            }
        } counter;
        w.installEventFilter(&counter);
        const Level level = w.targetModel()->worstLevel();
        QTest::qWait(waitMs);
        if (w.targetModel()->worstLevel() == level)
            QCOMPARE(counter.n, 0);
        else
            QVERIFY(counter.n <= 1);
    }
};

QTEST_MAIN(TestChartWork)
#include "tst_chartwork.moc"
