// Snoozes and quiet hours: which alerts are held back, and until when. Local times in Europe/Berlin, so that
// "until tomorrow" is tried across a change to summer time too.
#include "AlertSilencer.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace heapwatch;

namespace {

const QString kTarget = QStringLiteral("ssh://deploy@10.0.0.5/pangolin");
const QString kOther = QStringLiteral("demo");

QDateTime local(const QString& text)
{
    const QDateTime at = QDateTime::fromString(text, QStringLiteral("yyyy-MM-dd HH:mm"));
    return QDateTime(at.date(), at.time(), QTimeZone("Europe/Berlin"));
}

QString localText(qint64 ms)
{
    return ms < 0
        ? QStringLiteral("-")
        : QDateTime::fromMSecsSinceEpoch(ms, QTimeZone("Europe/Berlin")).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

} // namespace

class TestAlertSilencer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(QTimeZone("Europe/Berlin").isValid()); }

    void quietHours_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<bool>("criticalPasses");
        QTest::addColumn<QString>("at");
        QTest::addColumn<int>("level");
        QTest::addColumn<QString>("until"); // "-": not held
        const int w = int(Level::Warning), c = int(Level::Critical);
        // Across midnight: 22:00 to 07:00.
        QTest::addRow("night, before midnight") << "22:00"
                                                << "07:00" << true << "2026-12-01 23:30" << w << "2026-12-02 07:00";
        QTest::addRow("night, after midnight") << "22:00"
                                               << "07:00" << true << "2026-12-02 06:59" << w << "2026-12-02 07:00";
        QTest::addRow("night starts at its from") << "22:00"
                                                  << "07:00" << true << "2026-12-01 22:00" << w << "2026-12-02 07:00";
        QTest::addRow("night ends at its to") << "22:00"
                                              << "07:00" << true << "2026-12-02 07:00" << w << "-";
        QTest::addRow("evening before it") << "22:00"
                                           << "07:00" << true << "2026-12-01 21:59" << w << "-";
        QTest::addRow("critical passes") << "22:00"
                                         << "07:00" << true << "2026-12-01 23:30" << c << "-";
        QTest::addRow("critical held when it may not pass")
            << "22:00"
            << "07:00" << false << "2026-12-01 23:30" << c << "2026-12-02 07:00";
        // Within a day: a lunch break.
        QTest::addRow("lunch") << "12:00"
                               << "14:00" << true << "2026-12-01 13:00" << w << "2026-12-01 14:00";
        QTest::addRow("after lunch") << "12:00"
                                     << "14:00" << true << "2026-12-01 14:00" << w << "-";
        QTest::addRow("night before lunch") << "12:00"
                                            << "14:00" << true << "2026-12-01 02:00" << w << "-";
        QTest::addRow("from equals to: never quiet") << "09:00"
                                                     << "09:00" << false << "2026-12-01 09:00" << c << "-";
    }

    void quietHours()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(bool, criticalPasses);
        QFETCH(QString, at);
        QFETCH(int, level);
        QFETCH(QString, until);
        AlertSilencer silencer;
        QuietHours quiet {true, QTime::fromString(from, QStringLiteral("HH:mm")),
                          QTime::fromString(to, QStringLiteral("HH:mm")), criticalPasses};
        silencer.setQuietHours(quiet);
        const Suppression s = silencer.suppression(kTarget, Level(level), local(at));
        QCOMPARE(s.suppressed(), until != QLatin1String("-"));
        if (s.suppressed()) {
            QCOMPARE(s.reason, Suppression::Reason::QuietHours);
            QCOMPARE(localText(s.untilMs), until);
        }
        // Off by default, and off means off.
        quiet.enabled = false;
        silencer.setQuietHours(quiet);
        QVERIFY(!silencer.suppression(kTarget, Level(level), local(at)).suppressed());
        QVERIFY(!QuietHours().enabled);
        QVERIFY(QuietHours().criticalPasses);
    }

    void snoozes_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("snoozedAt");
        QTest::addColumn<QList<int>>("observed"); // overall levels seen after snoozing
        QTest::addColumn<QString>("at");
        QTest::addColumn<bool>("held");
        QTest::addColumn<QString>("until"); // "-": until it recovers, or not held
        QTest::addColumn<QString>("text");
        const int hour = int(SnoozeKind::OneHour), tomorrow = int(SnoozeKind::UntilTomorrow),
                  recovered = int(SnoozeKind::UntilRecovered);
        const int ok = int(Level::Ok), w = int(Level::Warning), c = int(Level::Critical), u = int(Level::Unknown);
        QTest::addRow("1 h, within it") << hour << "2026-12-01 13:05" << QList<int> {} << "2026-12-01 14:04" << true
                                        << "2026-12-01 14:05"
                                        << "snoozed until 14:05";
        QTest::addRow("1 h, over") << hour << "2026-12-01 13:05" << QList<int> {} << "2026-12-01 14:05" << false << "-"
                                   << "";
        QTest::addRow("1 h across midnight")
            << hour << "2026-12-01 23:30" << QList<int> {} << "2026-12-01 23:45" << true << "2026-12-02 00:30"
            << "snoozed until tomorrow 00:30";
        QTest::addRow("1 h is not ended by recovery")
            << hour << "2026-12-01 13:05" << QList<int> {ok} << "2026-12-01 13:30" << true << "2026-12-01 14:05"
            << "snoozed until 14:05";
        QTest::addRow("tomorrow, in the afternoon")
            << tomorrow << "2026-12-01 13:05" << QList<int> {} << "2026-12-02 07:59" << true << "2026-12-02 08:00"
            << "snoozed until 08:00";
        QTest::addRow("tomorrow, ended at 08:00")
            << tomorrow << "2026-12-01 13:05" << QList<int> {} << "2026-12-02 08:00" << false << "-"
            << "";
        QTest::addRow("tomorrow, snoozed before 08:00 ends the same morning")
            << tomorrow << "2026-12-01 02:00" << QList<int> {} << "2026-12-01 03:00" << true << "2026-12-01 08:00"
            << "snoozed until 08:00";
        QTest::addRow("tomorrow, snoozed at 08:00 ends the next one")
            << tomorrow << "2026-12-01 08:00" << QList<int> {} << "2026-12-01 20:00" << true << "2026-12-02 08:00"
            << "snoozed until tomorrow 08:00";
        QTest::addRow("tomorrow across summer time")
            << tomorrow << "2026-03-28 20:00" << QList<int> {} << "2026-03-29 07:30" << true << "2026-03-29 08:00"
            << "snoozed until 08:00";
        QTest::addRow("until it recovers, still critical")
            << recovered << "2026-12-01 13:05" << QList<int> {c, w, u} << "2026-12-03 13:05" << true << "-"
            << "snoozed until it recovers";
        QTest::addRow("until it recovers, ok again")
            << recovered << "2026-12-01 13:05" << QList<int> {c, ok, c} << "2026-12-01 13:10" << false << "-"
            << "";
    }

    void snoozes()
    {
        QFETCH(int, kind);
        QFETCH(QString, snoozedAt);
        QFETCH(QList<int>, observed);
        QFETCH(QString, at);
        QFETCH(bool, held);
        QFETCH(QString, until);
        QFETCH(QString, text);
        AlertSilencer silencer;
        silencer.snooze(kTarget, SnoozeKind(kind), local(snoozedAt));
        bool endedByRecovery = false;
        for (int level : observed)
            endedByRecovery |= silencer.observeLevel(kTarget, Level(level));
        QCOMPARE(endedByRecovery, kind == int(SnoozeKind::UntilRecovered) && !held);
        // A snooze holds critical alerts too, whatever quiet hours let through; other targets are not held.
        for (Level level : {Level::Warning, Level::Critical}) {
            const Suppression s = silencer.suppression(kTarget, level, local(at));
            QCOMPARE(s.suppressed(), held);
            if (held) {
                QCOMPARE(s.reason, Suppression::Reason::Snoozed);
                QCOMPARE(localText(s.untilMs), until);
            }
            QVERIFY(!silencer.suppression(kOther, level, local(at)).suppressed());
        }
        QCOMPARE(silencer.snoozeText(kTarget, local(at)), text);
        QCOMPARE(silencer.expire(local(at)), !held && kind != int(SnoozeKind::UntilRecovered));
        QCOMPARE(silencer.snoozeCount(), held ? 1 : 0);
        silencer.unsnooze(kTarget);
        QVERIFY(!silencer.suppression(kTarget, Level::Warning, local(at)).suppressed());
    }

    // Snoozes survive a restart; those that ended meanwhile are dropped, "until it recovers" is kept.
    void persistence()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("heapwatch.conf"));
        {
            AlertSilencer silencer;
            silencer.snooze(kTarget, SnoozeKind::OneHour, local(QStringLiteral("2026-12-01 13:05")));
            silencer.snooze(kOther, SnoozeKind::UntilTomorrow, local(QStringLiteral("2026-12-01 13:05")));
            silencer.snooze(QStringLiteral("log:/var/log/pangolin.log"), SnoozeKind::UntilRecovered,
                            local(QStringLiteral("2026-12-01 13:05")));
            QSettings settings(path, QSettings::IniFormat);
            silencer.save(settings);
        }
        QSettings settings(path, QSettings::IniFormat);
        AlertSilencer restored;
        restored.load(settings, local(QStringLiteral("2026-12-01 15:00")));
        QCOMPARE(restored.snoozeCount(), 2);
        QVERIFY(!restored.snoozeOf(kTarget, local(QStringLiteral("2026-12-01 15:00"))));
        QCOMPARE(restored.snoozeText(kOther, local(QStringLiteral("2026-12-01 15:00"))),
                 QStringLiteral("snoozed until tomorrow 08:00"));
        QCOMPARE(
            restored.snoozeText(QStringLiteral("log:/var/log/pangolin.log"), local(QStringLiteral("2026-12-01 15:00"))),
            QStringLiteral("snoozed until it recovers"));
        // Nonsense written into the file is skipped, not believed.
        settings.beginWriteArray(QStringLiteral("snoozes"));
        settings.setArrayIndex(3);
        settings.setValue(QStringLiteral("target"), kTarget);
        settings.setValue(QStringLiteral("kind"), QStringLiteral("forever"));
        settings.setArrayIndex(4);
        settings.setValue(QStringLiteral("target"), kTarget);
        settings.setValue(QStringLiteral("kind"), QStringLiteral("hour"));
        settings.setValue(QStringLiteral("until"), QStringLiteral("soon"));
        settings.endArray();
        restored.load(settings, local(QStringLiteral("2026-12-01 15:00")));
        QCOMPARE(restored.snoozeCount(), 2);
    }
};

QTEST_GUILESS_MAIN(TestAlertSilencer)
#include "tst_alertsilencer.moc"
