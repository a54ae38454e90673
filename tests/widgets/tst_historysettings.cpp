// The history store in Settings: every stored target with the disk it uses, "Forget this target's history"
// deleting exactly that target's rows, and the retention (7 and 90 days by default) edited, saved and given
// to the store, whose next prune keeps to it. Real data: the demo host's six hours of the investigation.
#include "DemoSource.h"
#include "Format.h"
#include "HistoryReader.h"
#include "HistoryRecorder.h"
#include "HistorySettings.h"
#include "HistoryStore.h"
#include "SettingsDialog.h"

#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace heapwatch;

namespace {

const qint64 kNowMs = QDateTime::fromString(QStringLiteral("2026-01-14T10:00:00Z"), Qt::ISODate).toMSecsSinceEpoch();
const QString kWeb1 = QStringLiteral("ssh://ops@web1/pangolin");
const QString kWeb2 = QStringLiteral("ssh://ops@web2/pangolin");

// The demo's hours of history recorded under key, as a target records itself.
void record(HistoryStore& store, const QString& key, double hours)
{
    DemoOptions options;
    options.live = false;
    options.nowMs = kNowMs;
    options.historyHours = hours;
    DemoSource demo(options);
    TargetState state(QStringLiteral("pangolin"));
    demo.generateHistory(kNowMs, [&state](const IngestBatch& b) { state.apply(b); });
    HistoryRecorder recorder(&store, key, QStringLiteral("pangolin"));
    recorder.save(state, nullptr, kNowMs);
}

} // namespace

class TestHistorySettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void diskUseAndForget_data()
    {
        QTest::addColumn<double>("hours1");
        QTest::addColumn<double>("hours2");
        QTest::addRow("6 h and 1 h") << 6.0 << 1.0;
        QTest::addRow("2 h and 6 h") << 2.0 << 6.0;
    }
    void diskUseAndForget()
    {
        QFETCH(double, hours1);
        QFETCH(double, hours2);
        QTemporaryDir dir;
        HistoryOptions options;
        options.path = dir.filePath(QStringLiteral("history.sqlite"));
        options.fullRetentionMs = 30 * HistoryOptions::kDay; // the demo's January lies in the past
        options.rollupRetentionMs = 60 * HistoryOptions::kDay;
        HistoryStore store(options);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        record(store, kWeb1, hours1);
        record(store, kWeb2, hours2);

        HistorySettings panel(&store, 7, 90);
        auto* table = panel.findChild<QTableWidget*>(QStringLiteral("historyTargets"));
        QVERIFY(table);
        QCOMPARE(table->rowCount(), 2);
        HistoryReader reader(options.path);
        QVERIFY(reader.open(&error));
        // Rows sorted by key: web1, web2. The longer history uses more disk.
        QCOMPARE(table->item(0, 0)->data(Qt::UserRole).toString(), kWeb1);
        QCOMPARE(table->item(1, 0)->data(Qt::UserRole).toString(), kWeb2);
        const qint64 use1 = reader.diskUse(kWeb1);
        const qint64 use2 = reader.diskUse(kWeb2);
        QVERIFY(use1 > 0 && use2 > 0);
        QCOMPARE(use1 > use2, hours1 > hours2);
        QCOMPARE(table->item(0, 1)->text(), format::bytes(double(use1)));

        QVERIFY(panel.forget(kWeb1));
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(table->item(0, 0)->data(Qt::UserRole).toString(), kWeb2);
        QCOMPARE(reader.diskUse(kWeb1), qint64(0));
        QCOMPARE(reader.diskUse(kWeb2), use2);
        QVERIFY(!panel.forget(kWeb1)); // nothing left of it
    }

    void retention()
    {
        HistorySettings panel(nullptr, 7, 90);
        auto* full = panel.findChild<QSpinBox*>(QStringLiteral("historyFullDays"));
        auto* rollup = panel.findChild<QSpinBox*>(QStringLiteral("historyRollupDays"));
        QVERIFY(full && rollup);
        QCOMPARE(panel.fullDays(), 7);
        QCOMPARE(panel.rollupDays(), 90);
        full->setValue(30);
        rollup->setValue(14); // the rollups cannot end before the samples
        QCOMPARE(panel.rollupDays(), 30);

        AppSettings a;
        a.historyFullDays = 14;
        a.historyRollupDays = 180;
        a.save();
        const AppSettings loaded = AppSettings::load();
        QCOMPARE(loaded.historyFullDays, 14);
        QCOMPARE(loaded.historyRollupDays, 180);
        SettingsDialog dialog(loaded);
        QCOMPARE(dialog.settings().historyFullDays, 14);
        QCOMPARE(dialog.settings().historyRollupDays, 180);
    }

    // The store prunes to a new retention at once: a day of full resolution keeps the last day's chunks only.
    void storeTakesRetention()
    {
        QTemporaryDir dir;
        HistoryOptions options;
        options.path = dir.filePath(QStringLiteral("history.sqlite"));
        options.fullRetentionMs = 30 * HistoryOptions::kDay;
        HistoryStore store(options);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        record(store, kWeb1, 6.0);
        QVERIFY(store.flush().result());
        // Seen from 1 day and 3 h after the demo's now: the six hours end 27 h before.
        const PruneResult kept
            = store.setRetention(2 * HistoryOptions::kDay, 90 * HistoryOptions::kDay, kNowMs + 27 * 3600 * 1000LL)
                  .result();
        QCOMPARE(kept.chunks, qint64(0));
        const PruneResult pruned
            = store.setRetention(HistoryOptions::kDay, 90 * HistoryOptions::kDay, kNowMs + 27 * 3600 * 1000LL).result();
        QVERIFY(pruned.chunks > 0);
        QCOMPARE(store.options().fullRetentionMs, HistoryOptions::kDay);
    }
};

QTEST_MAIN(TestHistorySettings)
#include "tst_historysettings.moc"
