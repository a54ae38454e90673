// Target > Heap snapshot… against a real container over SSH, run by engine-snapshot.sh (which sets up the
// engine, sshd and the leaking app, and passes HW_TARGET, HW_KEY and HW_KNOWN_HOSTS): the dialog says what
// will happen, takes a snapshot and shows its top constructors; a second one shows the comparison with
// LeakyRecord first and leaves a chart marker with the pause; a cancel while the app is paused returns at
// once (the script then checks that the inspector closed and nothing was left behind).
#include "DemoSource.h"
#include "SnapshotDialog.h"
#include "Target.h"
#include "Thresholds.h"

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QtTest>

using namespace heapwatch;

class TestSnapshotDialog : public QObject
{
    Q_OBJECT
private:
    TargetConfig config() const
    {
        TargetConfig c = TargetConfig::remote(qEnvironmentVariable("HW_TARGET"));
        c.identityFile = qEnvironmentVariable("HW_KEY");
        c.knownHostsFile = qEnvironmentVariable("HW_KNOWN_HOSTS");
        c.engine = QStringLiteral("docker");
        return c;
    }
    // Takes one snapshot through the dialog; the result and the dialog's tables stay for the caller.
    SnapshotCaptureResult take(SnapshotDialog& dialog)
    {
        QSignalSpy done(&dialog, &SnapshotDialog::finishedWith);
        dialog.start();
        if (!done.wait(180000))
            return {};
        return done.front().front().value<SnapshotCaptureResult>();
    }

    // HW_SCREENSHOTS=DIR: the README's pictures of the dialog.
    static void screenshot(QWidget& w, const QString& name)
    {
        const QString dir = qEnvironmentVariable("HW_SCREENSHOTS");
        if (!dir.isEmpty()) {
            w.resize(720, 520);
            w.show();
            QCoreApplication::processEvents();
            QVERIFY(w.grab().save(dir + QLatin1Char('/') + name));
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariableIsEmpty("HW_TARGET"), "run by tests/engine/engine-snapshot.sh");
        QDir(SnapshotDialog::directoryFor(config())).removeRecursively();
    }

    void firstSnapshotShowsTheSummary()
    {
        SnapshotDialog dialog(config(), nullptr);
        QVERIFY(dialog.explanation().contains(QLatin1String("127.0.0.1")));
        QVERIFY(dialog.explanation().contains(
            QStringLiteral("about %1 s per 100 MB of heap").arg(SnapshotLimits::kPauseSecondsPer100MB)));
        const SnapshotCaptureResult r = take(dialog);
        QVERIFY2(r.outcome == SnapshotCaptureResult::Outcome::Taken, qPrintable(r.message));
        QCOMPARE(r.inspector, QStringLiteral("closed"));
        QTRY_VERIFY_WITH_TIMEOUT(dialog.summaryTable()->rowCount() > 0, 120000);
        QVERIFY(dialog.comparisonTable()->rowCount() == 0); // nothing to compare with yet
        screenshot(dialog, QStringLiteral("snapshot-summary.png"));
        QCOMPARE(QDir(SnapshotDialog::directoryFor(config())).entryList({QStringLiteral("*.heapsnapshot")}).size(), 1);
    }

    void secondSnapshotComparesAndMarksTheChart()
    {
        QTest::qWait(4000); // the app leaks 5000 LeakyRecord a second
        Target target(std::make_unique<DemoSource>(), Thresholds {});
        SnapshotDialog dialog(config(), &target);
        const SnapshotCaptureResult r = take(dialog);
        QVERIFY2(r.outcome == SnapshotCaptureResult::Outcome::Taken, qPrintable(r.message));
        QTRY_VERIFY_WITH_TIMEOUT(dialog.comparisonTable()->rowCount() > 0, 120000);
        QCOMPARE(dialog.comparisonTable()->item(0, 0)->text(), QStringLiteral("LeakyRecord"));
        screenshot(dialog, QStringLiteral("snapshot-comparison.png"));
        QVERIFY(dialog.comparisonTable()->item(0, 1)->text().toLongLong() >= 10000);
        // The app frees no record. Two inspector sessions, each the first of its numbering: their ids do not
        // name the same objects (the tab says so), New and Freed are net changes, and none is freed.
        const int comparisonTab = dialog.findChild<QTabWidget*>()->indexOf(dialog.comparisonTable());
        QVERIFY(comparisonTab >= 0);
        QVERIFY(!dialog.findChild<QTabWidget*>()->tabToolTip(comparisonTab).isEmpty());
        QVERIFY(dialog.comparisonTable()->item(0, 3)->text().toLongLong() >= 10000);
        QCOMPARE(dialog.comparisonTable()->item(0, 4)->text().toLongLong(), 0LL);
        // The target's leak advice names the class.
        QVERIFY(!target.state().heapGrowth().isEmpty());
        QCOMPARE(target.state().heapGrowth().growers.front().constructor, QStringLiteral("LeakyRecord"));
        const auto& markers = target.state().markers();
        const auto snap = std::find_if(markers.begin(), markers.end(),
                                       [](const Marker& m) { return m.kind == Marker::Kind::HeapSnapshot; });
        QVERIFY(snap != markers.end());
        QCOMPARE(snap->durationMs, r.pauseMs);
        QVERIFY(r.pauseMs > 0);
    }

    void cancelWhileTheAppIsPaused()
    {
        auto* dialog = new SnapshotDialog(config(), nullptr);
        dialog->start();
        auto* status = dialog->findChild<QLabel*>(QStringLiteral("snapshotStatus"));
        QVERIFY(status);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QLatin1String("paused")), 120000);
        QElapsedTimer t;
        t.start();
        dialog->reject(); // the worker sees the cancel and closes the channel
        delete dialog;
        QVERIFY(t.elapsed() < 1000); // the GUI never waits for the network
        QTest::qWait(12000); // the worker closes the channel; the helper then closes the inspector
    }
};

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("heapwatch-test"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_snapshot_dialog"));
    TestSnapshotDialog test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_snapshot_dialog.moc"
