// The red-flag panel and the summary header show the seed report's numbers with the seed's own verdicts:
// RSS ok and "approaching warning", heap usage critical, growth unknown ("needs longer observation"),
// cache hit rate ok, no overflows.
#include "LevelStyle.h"
#include "RedFlagModel.h"
#include "RedFlagPanel.h"
#include "SeedTarget.h"
#include "SummaryHeader.h"

#include <QListWidget>
#include <QLocale>
#include <QRegularExpression>
#include <QTest>

using namespace heapwatch;

class TestRedFlagPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QLocale::setDefault(QLocale::c());
        m_target = test::seedTarget();
        QVERIFY(m_target);
        QVERIFY(m_target->state().lastMemory().has_value());
    }

    void flags_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("current");
        QTest::addColumn<QString>("warning");
        QTest::addColumn<QString>("critical");
        QTest::addColumn<int>("level");
        QTest::addColumn<QString>("notesPattern");
        QTest::addRow("rss") << "rss"
                             << "336.6 MiB"
                             << ">350 MiB"
                             << ">370 MiB" << int(Level::Ok) << "approaching warning";
        QTest::addRow("heap usage") << "heap_usage"
                                    << "97.6%"
                                    << ">85%"
                                    << ">95%" << int(Level::Critical) << "";
        QTest::addRow("growth") << "memory_growth"
                                << "—"
                                << ">10 MiB/h"
                                << ">20 MiB/h" << int(Level::Unknown)
                                << "needs longer observation \\(\\d+ of 30 min\\)";
        QTest::addRow("cache") << "cache_hit_rate"
                               << "73.63%"
                               << "<50%"
                               << "<30%" << int(Level::Ok) << "";
        QTest::addRow("overflows") << "buffer_overflows"
                                   << "none"
                                   << "any"
                                   << "multiple" << int(Level::Ok) << "";
        QTest::addRow("container") << "container_memory"
                                   << "42.4%"
                                   << ">80%"
                                   << ">90%" << int(Level::Ok) << "";
    }

    void flags()
    {
        QFETCH(QString, id);
        QFETCH(QString, current);
        QFETCH(QString, warning);
        QFETCH(QString, critical);
        QFETCH(int, level);
        QFETCH(QString, notesPattern);
        RedFlagPanel panel;
        panel.refresh(m_target.get());
        RedFlagModel* model = panel.model();
        const int row = model->rowOf(id);
        QVERIFY2(row >= 0, qPrintable(id));
        auto cell = [&](int column, int role = Qt::DisplayRole) { return model->index(row, column).data(role); };
        QCOMPARE(cell(RedFlagModel::CurrentColumn).toString(), current);
        QCOMPARE(cell(RedFlagModel::WarningColumn).toString(), warning);
        QCOMPARE(cell(RedFlagModel::CriticalColumn).toString(), critical);
        QCOMPARE(cell(RedFlagModel::StatusColumn, RedFlagModel::LevelRole).toInt(), level);
        QCOMPARE(cell(RedFlagModel::StatusColumn).toString(), levelName(Level(level)));
        // Status carries an icon and the level's colour, not only a word.
        QVERIFY(!cell(RedFlagModel::StatusColumn, Qt::DecorationRole).value<QIcon>().isNull());
        QCOMPARE(cell(RedFlagModel::StatusColumn, Qt::ForegroundRole).value<QColor>(), LevelStyle::color(Level(level)));
        if (!notesPattern.isEmpty())
            QVERIFY2(QRegularExpression(notesPattern).match(cell(RedFlagModel::NotesColumn).toString()).hasMatch(),
                     qPrintable(cell(RedFlagModel::NotesColumn).toString()));
    }

    void header_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("level");
        QTest::addColumn<QString>("notePattern");
        QTest::addRow("rss") << "rss"
                             << "336.6 MiB" << int(Level::Ok) << "approaching warning";
        QTest::addRow("heap") << "heap"
                              << "212.7 / 218.0 MiB" << int(Level::Unknown) << "limit 384 MiB";
        QTest::addRow("heap usage") << "heap_usage"
                                    << "97.6%" << int(Level::Critical) << "";
        QTest::addRow("external") << "external"
                                  << "17.6 MiB" << int(Level::Unknown) << "";
        QTest::addRow("array buffers") << "array_buffers"
                                       << "13.6 MiB" << int(Level::Unknown) << "";
        QTest::addRow("growth") << "growth"
                                << "—" << int(Level::Unknown) << "needs longer observation \\(\\d+ of 30 min\\)";
        QTest::addRow("container") << "container_memory"
                                   << "364.8 MiB" << int(Level::Ok) << "of 860.6 MiB \\(42.4%\\)";
        QTest::addRow("cpu") << "cpu"
                             << "2.82%" << int(Level::Unknown) << "";
        QTest::addRow("status") << "status"
                                << "running" << int(Level::Ok) << "health: healthy";
        QTest::addRow("cache") << "cache_hit_rate"
                               << "73.63%" << int(Level::Ok) << "2 keys · 1346 hits · 482 misses";
        QTest::addRow("overall") << "overall"
                                 << "CRITICAL" << int(Level::Critical) << "Heap Usage";
    }

    void header()
    {
        QFETCH(QString, key);
        QFETCH(QString, text);
        QFETCH(int, level);
        QFETCH(QString, notePattern);
        SummaryHeader header;
        header.refresh(m_target.get());
        QCOMPARE(header.text(key), text);
        QCOMPARE(int(header.level(key)), level);
        if (!notePattern.isEmpty())
            QVERIFY2(QRegularExpression(notePattern).match(header.note(key)).hasMatch(), qPrintable(header.note(key)));
    }

    // Under the table, the timeline, newest first: the heap flag entered critical with the T+5 line, and
    // heap-gc-pressure was raised with it.
    void timeline()
    {
        RedFlagPanel panel;
        panel.refresh(m_target.get());
        QListWidget* list = panel.timeline();
        QVERIFY(list->count() >= 2);
        QStringList newest {list->item(0)->text(), list->item(1)->text()};
        newest.sort();
        QVERIFY2(newest[0].endsWith(QStringLiteral("Heap Usage %: ok → critical")), qPrintable(newest.join('|')));
        QVERIFY2(newest[1].endsWith(QStringLiteral("recommendation heap-gc-pressure raised (critical)")),
                 qPrintable(newest.join('|')));
        QCOMPARE(newest[0].left(19), newest[1].left(19)); // the same time
        panel.refresh(nullptr);
        QCOMPARE(list->count(), 1);
        QCOMPARE(list->item(0)->text(), QStringLiteral("No level changes yet"));
    }

    void headerBlank()
    {
        SummaryHeader header;
        header.refresh(nullptr);
        QCOMPARE(header.text(QStringLiteral("rss")), QStringLiteral("—"));
        QCOMPARE(header.level(QStringLiteral("overall")), Level::Unknown);
    }

private:
    std::unique_ptr<Target> m_target;
};

QTEST_MAIN(TestRedFlagPanel)
#include "tst_redflagpanel.moc"
