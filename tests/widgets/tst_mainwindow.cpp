// The main window on the demo target renders a dashboard (not a blank window), its charts hold decimated
// series (≤ 2 points per pixel column), the header judges the demo like the seed, and the session (targets,
// range) comes back from QSettings; closing the window hides it to the tray only when a tray is available
// and the setting is on (once with a "still running" message), while File > Quit and the tray's Quit quit.
// Every chart's legend and axis labels show their text, in a light and a dark palette. Set
// HEAPWATCH_SCREENSHOT=path to keep the rendered PNG.
#include "AlertGate.h"
#include "AlertNotifier.h"
#include "ChartGrid.h"
#include "ChartViewport.h"
#include "DashboardPage.h"
#include "HistoryReader.h"
#include "HistoryRecorder.h"
#include "HistoryStore.h"
#include "LevelStyle.h"
#include "MainWindow.h"
#include "RecommendationList.h"
#include "RecommendationModel.h"
#include "RedFlagModel.h"
#include "RedFlagPanel.h"
#include "StatusPanel.h"
#include "SummaryHeader.h"
#include "Target.h"
#include "TargetListModel.h"
#include "TargetSidebar.h"
#include "TimeSeriesChart.h"
#include "TrayController.h"
#include "WindowWait.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QGraphicsView>
#include <QImage>
#include <QMenu>
#include <QScreen>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStyle>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeEdit>

using namespace heapwatch;

namespace {

using test::waitForBackfill;

int distinctColours(const QImage& image, const QRect& area)
{
    QSet<QRgb> colours;
    for (int y = area.top(); y <= area.bottom(); y += 2)
        for (int x = area.left(); x <= area.right(); x += 2)
            colours.insert(image.pixel(x, y));
    return int(colours.size());
}

// How many pixels of each colour area has, and the most common of them (the area's background).
struct AreaColours
{
    QHash<QRgb, int> counts;
    QRgb background = 0;
    int total = 0;
};
AreaColours areaColours(const QImage& image, const QRect& area)
{
    AreaColours a;
    for (int y = area.top(); y <= area.bottom(); ++y)
        for (int x = area.left(); x <= area.right(); ++x) {
            ++a.counts[image.pixel(x, y)];
            ++a.total;
        }
    int most = 0;
    for (auto it = a.counts.cbegin(); it != a.counts.cend(); ++it)
        if (it.value() > most) {
            most = it.value();
            a.background = it.key();
        }
    return a;
}

// Pixels in area that differ from the area's most common colour (its background).
double inkFraction(const QImage& image, const QRect& area)
{
    const AreaColours a = areaColours(image, area);
    return a.total ? double(a.total - a.counts.value(a.background)) / a.total : 0;
}

// Pixels in area whose brightness is far from that of its background: the strokes of text, not the antialiased
// edges around them.
int strongInk(const QImage& image, const QRect& area)
{
    const AreaColours a = areaColours(image, area);
    int ink = 0;
    for (auto it = a.counts.cbegin(); it != a.counts.cend(); ++it)
        if (std::abs(qGray(it.key()) - qGray(a.background)) > 60)
            ink += it.value();
    return ink;
}

// The text items of a chart (its axes' labels and titles, its legend's labels) that have text but show none in
// image, a grab of window: each as "chart: text". Items not wholly inside the chart's view are not judged.
QStringList blankTexts(const QImage& image, const QWidget* window, const TimeSeriesChart* chart, int* judged)
{
    QStringList blank;
    const auto* view = chart->findChild<QGraphicsView*>();
    if (!view)
        return {chart->title() + QStringLiteral(": no view")};
    for (QGraphicsItem* item : view->scene()->items()) {
        QString text;
        if (item->type() == QGraphicsTextItem::Type)
            text = static_cast<QGraphicsTextItem*>(item)->toPlainText();
        else if (item->type() == QGraphicsSimpleTextItem::Type)
            text = static_cast<QGraphicsSimpleTextItem*>(item)->text();
        else
            continue;
        if (!item->isVisible() || text.trimmed().isEmpty())
            continue;
        const QRect inView = view->mapFromScene(item->sceneBoundingRect()).boundingRect();
        if (!view->viewport()->rect().contains(inView))
            continue;
        ++*judged;
        const QRect area(view->viewport()->mapTo(window, inView.topLeft()), inView.size());
        if (strongInk(image, area) < 8)
            blank << chart->title() + QStringLiteral(": ") + text;
    }
    return blank;
}

// blankTexts() of every chart of the window's dashboard; judged: how many text items were looked at.
QStringList blankChartTexts(const QImage& image, MainWindow& window, int* judged)
{
    QStringList blank;
    for (const TimeSeriesChart* chart : window.dashboard()->charts()->charts())
        blank << blankTexts(image, &window, chart, judged);
    return blank;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location, not the user's
        QCoreApplication::setOrganizationName(QStringLiteral("heapwatch-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
        QSettings().clear();
    }

    // With a history store, remote targets record into it and the demo does not; acknowledging a
    // recommendation of a recorded target is an event of its history.
    void recordsRemoteTargetsOnly()
    {
        QTemporaryDir dir;
        HistoryOptions options;
        options.path = dir.filePath(QStringLiteral("history.sqlite"));
        HistoryStore store(options);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        MainWindow w;
        w.setHistoryStore(&store);
        w.openDemo();
        QVERIFY(w.currentTarget());
        QVERIFY(!w.currentTarget()->recorder());
        // A loopback port where nothing listens: the target is created and recorded, it never connects.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const QString remote = QStringLiteral("ssh://nobody@127.0.0.1:%1/pangolin").arg(probe.serverPort());
        probe.close();
        QVERIFY(w.openRemote(remote));
        QVERIFY(w.currentTarget());
        QVERIFY(w.currentTarget()->recorder());
        QCOMPARE(w.currentTarget()->recorder()->key(), remote);
        Q_EMIT w.recommendations()->model()->acknowledgedChanged({QStringLiteral("heap-gc-pressure:critical")});
        QVERIFY(store.flush().result());
        HistoryReader reader(options.path);
        QVERIFY2(reader.open(&error), qPrintable(error));
        const auto events = reader.events(remote, 0, std::numeric_limits<qint64>::max());
        QCOMPARE(events.size(), size_t(1));
        QCOMPARE(events.front().kind, HistoryEventKind::RecommendationAcknowledged);
        QCOMPARE(events.front().detail.value(QStringLiteral("id")).toString(), QStringLiteral("heap-gc-pressure"));
        QVERIFY(!reader.findTarget(QStringLiteral("demo/pangolin")));
        QSettings().clear(); // the saved session names these targets: the next tests start without them
    }

    void rendersDemoDashboard()
    {
        MainWindow w;
        w.resize(1600, 1000);
        w.openDemo();
        QVERIFY(waitForBackfill(w));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTest::qWait(200); // let the layout settle so plot widths are final
        w.refreshNow();
        QTest::qWait(300); // and once more after the header's values set its column widths

        // The demo host is the seed's story: heap usage critical, RSS approaching warning.
        SummaryHeader* header = w.dashboard()->header();
        QCOMPARE(header->text(QStringLiteral("overall")), QStringLiteral("CRITICAL"));
        QCOMPARE(header->level(QStringLiteral("heap_usage")), Level::Critical);
        QCOMPARE(header->text(QStringLiteral("rss")), QStringLiteral("336.6 MiB"));
        QCOMPARE(w.redFlags()->model()->rowCount(), 8);
        QVERIFY(w.statusPanel()->ownRssText().contains(QStringLiteral("MiB")));
        QVERIFY(w.statusPanel()->connectionText().contains(QStringLiteral("connected")));

        // Every chart holds data, decimated to at most two points per pixel column.
        for (TimeSeriesChart* chart : w.dashboard()->charts()->charts()) {
            QVERIFY2(chart->pointCount() > 0, qPrintable(chart->title()));
            for (int i = 0; i < chart->seriesCount(); ++i)
                QVERIFY2(qsizetype(chart->seriesPoints(i).size()) <= 2 * chart->plotWidth() + 2,
                         qPrintable(chart->title()));
        }
        // One hour of one-second stats is more than the plot is wide: decimation must have kicked in.
        TimeSeriesChart* cpu = w.dashboard()->charts()->cpuChart();
        QVERIFY(cpu->plotWidth() < 1800);
        QVERIFY(cpu->seriesPoints(0).size() > 100);

        const QImage image = w.grab().toImage();
        QVERIFY(!image.isNull());
        const QByteArray keep = qgetenv("HEAPWATCH_SCREENSHOT");
        QTemporaryDir dir;
        const QString path
            = keep.isEmpty() ? dir.filePath(QStringLiteral("mainwindow.png")) : QString::fromLocal8Bit(keep);
        QVERIFY(image.save(path, "PNG"));
        QVERIFY(QImage(path).size() == image.size());
        QVERIFY2(distinctColours(image, image.rect()) > 40, "the window looks blank");
        // Inside the process-memory chart: lines, bands, markers and labels, not an empty frame.
        TimeSeriesChart* process = w.dashboard()->charts()->processChart();
        const QRect area(process->mapTo(&w, QPoint(0, 0)), process->size());
        QVERIFY(area.width() > 300 && area.height() > 150);
        QVERIFY2(inkFraction(image, area) > 0.03, qPrintable(QString::number(inkFraction(image, area))));
        QVERIFY(distinctColours(image, area) > 20);
        // Every chart's legend and axis labels are drawn: each of Qt Charts' text items with text shows it.
        int judged = 0;
        const QStringList blank = blankChartTexts(image, w, &judged);
        QVERIFY2(blank.isEmpty(), qPrintable(blank.join(QLatin1Char('\n'))));
        QVERIFY2(judged >= 40, qPrintable(QString::number(judged))); // 5 charts: legends, time and value labels
    }

    // The window with all its docks fits a laptop's 1366x768 screen (its title bar and a desktop panel beside it):
    // the dashboard scrolls instead of holding the window wider or taller than the screen, and a first window is
    // no larger than the screen it opens on.
    void fitsALaptopScreen()
    {
        MainWindow w;
        w.openDemo();
        QVERIFY(waitForBackfill(w));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.refreshNow();
        QTest::qWait(200);
        const QSize least = w.minimumSizeHint().expandedTo(w.minimumSize());
        QVERIFY2(least.width() <= 1366 - 16 && least.height() <= 768 - 32 - 40,
                 qPrintable(QStringLiteral("%1x%2").arg(least.width()).arg(least.height())));
        const QSize screen = w.screen()->availableGeometry().size();
        QVERIFY2(w.width() <= screen.width() && w.height() <= screen.height(),
                 qPrintable(QStringLiteral("%1x%2 on %3x%4")
                                .arg(w.width())
                                .arg(w.height())
                                .arg(screen.width())
                                .arg(screen.height())));
    }

    // Readable in a dark palette: level colours switch to their light variants and the window is not blank.
    void rendersDarkPalette()
    {
        const QPalette light = QApplication::palette();
        const QString lightStyle = QApplication::style()->name();
        QApplication::setStyle(QStringLiteral("Fusion"));
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x25, 0x28, 0x2e));
        dark.setColor(QPalette::WindowText, QColor(0xe6, 0xe8, 0xeb));
        dark.setColor(QPalette::Base, QColor(0x1b, 0x1e, 0x23));
        dark.setColor(QPalette::AlternateBase, QColor(0x23, 0x27, 0x2d));
        dark.setColor(QPalette::Text, QColor(0xe6, 0xe8, 0xeb));
        dark.setColor(QPalette::Button, QColor(0x2d, 0x31, 0x38));
        dark.setColor(QPalette::ButtonText, QColor(0xe6, 0xe8, 0xeb));
        dark.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xd6));
        dark.setColor(QPalette::HighlightedText, Qt::white);
        dark.setColor(QPalette::ToolTipBase, QColor(0x2d, 0x31, 0x38));
        dark.setColor(QPalette::ToolTipText, QColor(0xe6, 0xe8, 0xeb));
        dark.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x90, 0x99));
        QApplication::setPalette(dark);
        {
            MainWindow w;
            w.resize(1600, 1000);
            w.openDemo();
            QVERIFY(waitForBackfill(w));
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QTest::qWait(200);
            w.refreshNow();
            QTest::qWait(300);
            QVERIFY(LevelStyle::isDark(w.palette()));
            const QModelIndex heap = w.redFlags()->model()->index(
                w.redFlags()->model()->rowOf(QStringLiteral("heap_usage")), RedFlagModel::StatusColumn);
            QCOMPARE(heap.data(Qt::ForegroundRole).value<QColor>(), LevelStyle::color(Level::Critical, true));
            const QImage image = w.grab().toImage();
            const QByteArray keep = qgetenv("HEAPWATCH_SCREENSHOT_DARK");
            if (!keep.isEmpty())
                QVERIFY(image.save(QString::fromLocal8Bit(keep), "PNG"));
            QVERIFY(distinctColours(image, image.rect()) > 40);
            TimeSeriesChart* process = w.dashboard()->charts()->processChart();
            const QRect area(process->mapTo(&w, QPoint(0, 0)), process->size());
            QVERIFY(inkFraction(image, area) > 0.03);
            // The chart background follows the palette: dark, not a white box in a dark window.
            QVERIFY(qGray(image.pixel(area.center())) < 128
                    || qGray(image.pixel(area.left() + 20, area.bottom() - 40)) < 128);
            // Light labels on the dark charts, every one of them drawn.
            int judged = 0;
            const QStringList blank = blankChartTexts(image, w, &judged);
            QVERIFY2(blank.isEmpty(), qPrintable(blank.join(QLatin1Char('\n'))));
            QVERIFY2(judged >= 40, qPrintable(QString::number(judged)));
        }
        QApplication::setPalette(light);
        QApplication::setStyle(lightStyle);
    }

    void rangesAndRefreshBudget()
    {
        MainWindow w;
        w.resize(1400, 900);
        w.openDemo();
        QVERIFY(waitForBackfill(w));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        ChartViewport* vp = w.viewport();
        // Ctrl+1 … Ctrl+5 pick the ranges.
        QTest::keyClick(&w, Qt::Key_3, Qt::ControlModifier);
        QCOMPARE(vp->range(), ChartViewport::Hours6);
        QTest::keyClick(&w, Qt::Key_1, Qt::ControlModifier);
        QCOMPARE(vp->range(), ChartViewport::Minutes15);
        TimeSeriesChart* chart = w.dashboard()->charts()->processChart();
        const auto [t0, t1] = vp->window(w.currentTarget()->now());
        QVERIFY(chart->windowEnd() - chart->windowStart() == t1 - t0);
        // Zooming leaves live-follow; Ctrl+L returns to it.
        vp->zoom(0.5, t0 + (t1 - t0) / 4, w.currentTarget()->now());
        QVERIFY(!vp->isFollowing());
        QTest::keyClick(&w, Qt::Key_L, Qt::ControlModifier);
        QVERIFY(vp->isFollowing());
        // Left alone, each series is replaced at most once per refresh tick.
        const quint64 before = chart->replaceCount();
        QTest::qWait(3300);
        QVERIFY(chart->replaceCount() - before <= quint64(chart->seriesCount()) * 4);
    }

    void sessionRestores()
    {
        {
            MainWindow w;
            w.openDemo();
            QVERIFY(waitForBackfill(w));
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QTest::keyClick(&w, Qt::Key_4, Qt::ControlModifier); // 24 h
            w.close();
        }
        MainWindow restored;
        restored.restoreSession();
        QCOMPARE(restored.targetModel()->rowCount(), 1);
        QCOMPARE(restored.targetModel()->entryAt(0)->kind, TargetConfig::Kind::Demo);
        QVERIFY(restored.currentTarget() != nullptr);
        QCOMPARE(restored.viewport()->range(), ChartViewport::Hours24);
        QVERIFY(!restored.openRemote(QStringLiteral("ssh://host/bad name!"))); // invalid target strings never run
        QCOMPARE(restored.targetModel()->rowCount(), 1);
    }

    // Snoozed from the sidebar's context menu: the sidebar says until when, the target's alerts reach neither
    // the desktop nor the webhook, the snooze survives a restart, and Unsnooze lets them through again.
    void snoozeFromTheSidebar()
    {
        QSettings().remove(QStringLiteral("snoozes"));
        auto alertOf = [](const QString& key, Level level) {
            Alert a;
            a.targetKey = key;
            a.targetName = QStringLiteral("pangolin");
            a.flagId = QStringLiteral("heap_usage");
            a.metric = QStringLiteral("Heap Usage %");
            a.previous = Level::Ok;
            a.level = level;
            return a;
        };
        auto trigger = [](QMenu* menu, const char* name) {
            QAction* a = menu->findChild<QAction*>(QLatin1String(name));
            QVERIFY2(a && a->isEnabled(), name);
            a->trigger();
            delete menu;
        };
        QString key;
        {
            MainWindow w;
            w.openDemo();
            QVERIFY(waitForBackfill(w));
            w.refreshNow();
            key = w.targetModel()->entryAt(0)->key();
            const QModelIndex row = w.targetModel()->index(0);
            QVERIFY(row.data(TargetListModel::SnoozeRole).toString().isEmpty());
            QSignalSpy held(&w, &MainWindow::alertHeld);
            QSignalSpy delivered(&w, &MainWindow::alertDelivered);

            const QString before = QDateTime::currentDateTime().addSecs(3600).toString(QStringLiteral("HH:mm"));
            trigger(w.sidebar()->contextMenu(0), "snoozeHour");
            const QString after = QDateTime::currentDateTime().addSecs(3600).toString(QStringLiteral("HH:mm"));
            const QString text = row.data(TargetListModel::SnoozeRole).toString();
            QVERIFY2(text.startsWith(QStringLiteral("snoozed until "))
                         && (text.endsWith(before) || text.endsWith(after)),
                     qPrintable(text));
            QVERIFY(row.data(Qt::DisplayRole).toString().contains(QStringLiteral("snoozed until")));
            QVERIFY(row.data(Qt::ToolTipRole).toString().contains(QStringLiteral("no webhook")));
            Q_EMIT w.notifier()->alert(alertOf(key, Level::Critical)); // a snooze holds critical too
            QCOMPARE(held.size(), 1);
            QCOMPARE(delivered.size(), 0);
            Q_EMIT w.notifier()->alert(alertOf(QStringLiteral("other"), Level::Warning));
            QCOMPARE(delivered.size(), 1);

            trigger(w.sidebar()->contextMenu(0), "unsnooze");
            QVERIFY(row.data(TargetListModel::SnoozeRole).toString().isEmpty());
            Q_EMIT w.notifier()->alert(alertOf(key, Level::Warning));
            QCOMPARE(delivered.size(), 2);

            // The demo is critical: "until it recovers" is offered, and kept across a restart.
            trigger(w.sidebar()->contextMenu(0), "snoozeRecovered");
            QCOMPARE(row.data(TargetListModel::SnoozeRole).toString(), QStringLiteral("snoozed until it recovers"));
            w.refreshNow(); // still critical: still snoozed
            QCOMPARE(row.data(TargetListModel::SnoozeRole).toString(), QStringLiteral("snoozed until it recovers"));
            QCOMPARE(w.alertGate()->holdText(), QStringLiteral("1 target(s) snoozed"));
            // The current target's header says so too (refreshed only while the window is shown).
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            w.refreshNow();
            QCOMPARE(w.dashboard()->header()->alertHold(), QStringLiteral("Alerts snoozed until it recovers"));
        }
        MainWindow restored;
        restored.openDemo();
        QVERIFY(waitForBackfill(restored));
        QCOMPARE(restored.targetModel()->index(0).data(TargetListModel::SnoozeRole).toString(),
                 QStringLiteral("snoozed until it recovers"));
        QVERIFY(restored.alertGate()->silencer().snoozeOf(key, QDateTime::currentDateTime()).has_value());
        QSettings().remove(QStringLiteral("snoozes"));
    }

    // Quiet hours from the settings: a warning is held, a critical alert passes (the default), and the dialog
    // keeps what it was given.
    void quietHoursHoldWarningsLetCriticalPass()
    {
        const QTime now = QTime::currentTime();
        QSettings settings;
        settings.remove(QStringLiteral("snoozes"));
        settings.setValue(QStringLiteral("alerts/quietHours"), true);
        settings.setValue(QStringLiteral("alerts/quietFrom"), now.addSecs(-3600).toString(QStringLiteral("HH:mm")));
        settings.setValue(QStringLiteral("alerts/quietTo"), now.addSecs(3600).toString(QStringLiteral("HH:mm")));
        const AppSettings loaded = AppSettings::load();
        QVERIFY(loaded.quietHours.enabled);
        QVERIFY(loaded.quietHours.criticalPasses); // on by default
        {
            MainWindow w;
            QSignalSpy held(&w, &MainWindow::alertHeld);
            QSignalSpy delivered(&w, &MainWindow::alertDelivered);
            Alert a;
            a.targetKey = QStringLiteral("demo/pangolin");
            a.level = Level::Warning;
            Q_EMIT w.notifier()->alert(a);
            a.level = Level::Critical;
            Q_EMIT w.notifier()->alert(a);
            QCOMPARE(held.size(), 1);
            QCOMPARE(delivered.size(), 1);
            QCOMPARE(delivered.at(0).at(0).value<Alert>().level, Level::Critical);
            QVERIFY2(w.alertGate()->holdText().startsWith(QStringLiteral("quiet hours until ")),
                     qPrintable(w.alertGate()->holdText()));
        }
        SettingsDialog dialog(loaded);
        auto* quiet = dialog.findChild<QCheckBox*>(QStringLiteral("quietHours"));
        auto* passes = dialog.findChild<QCheckBox*>(QStringLiteral("quietCriticalPasses"));
        auto* from = dialog.findChild<QTimeEdit*>(QStringLiteral("quietFrom"));
        QVERIFY(quiet && passes && from);
        QVERIFY(quiet->isChecked() && passes->isEnabled());
        from->setTime(QTime(22, 30));
        passes->setChecked(false);
        QCOMPARE(dialog.settings().quietHours.from, QTime(22, 30));
        QVERIFY(!dialog.settings().quietHours.criticalPasses);
        quiet->setChecked(false);
        QVERIFY(!passes->isEnabled());
        QVERIFY(!dialog.settings().quietHours.enabled);
        for (const char* k : {"alerts/quietHours", "alerts/quietFrom", "alerts/quietTo"})
            settings.remove(QLatin1String(k));
        QVERIFY(!AppSettings::load().quietHours.enabled); // off by default
    }

    void settingsKeepRunningInTray()
    {
        QSettings().remove(QStringLiteral("window/keepRunningInTray"));
        QVERIFY(AppSettings::load().keepRunningInTray); // default on
        AppSettings a;
        a.keepRunningInTray = false;
        SettingsDialog dialog(a);
        auto* tray = dialog.findChild<QCheckBox*>(QStringLiteral("trayIcon"));
        auto* keep = dialog.findChild<QCheckBox*>(QStringLiteral("keepRunningInTray"));
        QVERIFY(tray && keep);
        QVERIFY(!keep->isChecked());
        QVERIFY(keep->isEnabled());
        tray->setChecked(false); // no tray icon: nothing to keep running in
        QVERIFY(!keep->isEnabled());
        tray->setChecked(true);
        keep->setChecked(true);
        QVERIFY(dialog.settings().keepRunningInTray);
        a = dialog.settings();
        a.keepRunningInTray = false;
        a.save();
        QVERIFY(!AppSettings::load().keepRunningInTray);
        QSettings().remove(QStringLiteral("window/keepRunningInTray"));
    }

    void closeHidesToTrayOnlyWithATray()
    {
        QSettings().remove(QStringLiteral("window/trayHintShown"));
        MainWindow w;
        QSignalSpy hidden(&w, &MainWindow::hiddenToTray);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));

        // Offscreen has no tray: closing quits as before (the close is accepted).
        QVERIFY(!w.tray()->available());
        QVERIFY(!w.closeHidesToTray());
        QVERIFY(w.close());
        QCOMPARE(hidden.count(), 0);

        // With a tray (forced): closing hides the window and keeps heapwatch running.
        w.tray()->setAvailableOverride(true);
        w.show();
        QVERIFY(QGuiApplication::quitOnLastWindowClosed());
        QVERIFY(w.closeHidesToTray());
        QVERIFY(!w.close()); // ignored
        QVERIFY(w.isHidden());
        QCOMPARE(hidden.count(), 1);
        QCOMPARE(hidden.at(0).at(0).toBool(), true); // the one-time message
        QVERIFY(QSettings().value(QStringLiteral("window/trayHintShown")).toBool());
        QVERIFY(!QGuiApplication::quitOnLastWindowClosed()); // a dialog closing now must not quit

        // The tray brings it back; closing again hides without the message.
        Q_EMIT w.tray()->showWindowRequested();
        QVERIFY(w.isVisible());
        QVERIFY(QGuiApplication::quitOnLastWindowClosed());
        QVERIFY(!w.close());
        QCOMPARE(hidden.count(), 2);
        QCOMPARE(hidden.at(1).at(0).toBool(), false);

        // File > Quit (Ctrl+Q) really quits: the close goes through.
        w.show();
        auto* quit = w.findChild<QAction*>(QStringLiteral("quitAction"));
        QVERIFY(quit);
        QCOMPARE(quit->shortcut(), QKeySequence(QKeySequence::Quit));
        quit->trigger();
        QVERIFY(w.isHidden());
        QCOMPARE(hidden.count(), 2);
        QVERIFY(QGuiApplication::quitOnLastWindowClosed());
    }

    void trayQuitAndSettingOffQuit()
    {
        {
            MainWindow w;
            QSignalSpy hidden(&w, &MainWindow::hiddenToTray);
            w.tray()->setAvailableOverride(true);
            w.show();
            QVERIFY(w.closeHidesToTray());
            Q_EMIT w.tray()->quitRequested(); // the tray menu's Quit
            QVERIFY(w.isHidden());
            QCOMPARE(hidden.count(), 0);
        }
        AppSettings a = AppSettings::load();
        a.keepRunningInTray = false;
        a.save();
        {
            MainWindow w;
            w.tray()->setAvailableOverride(true);
            w.show();
            QVERIFY(!w.closeHidesToTray());
            QVERIFY(w.close()); // setting off: closing quits although there is a tray
        }
        a.keepRunningInTray = true;
        a.trayIcon = false;
        a.save();
        {
            MainWindow w;
            w.tray()->setAvailableOverride(true);
            w.show();
            QVERIFY(!w.closeHidesToTray());
            QVERIFY(w.close()); // no tray icon shown: nothing to come back from
        }
        AppSettings().save(); // the defaults again
    }

    void replayOpens()
    {
        MainWindow w;
        const QString log = QStringLiteral(HEAPWATCH_FIXTURES "/docker-cli-28.2.2/logs-timestamps.stdout.txt");
        QVERIFY(w.openLog(log));
        QTRY_VERIFY_WITH_TIMEOUT(w.currentTarget() && w.currentTarget()->backfillDone(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(w.currentTarget()->state().lastMemory().has_value(), 5000);
        QVERIFY(!w.openLog(QStringLiteral("/nonexistent/file.log")));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
