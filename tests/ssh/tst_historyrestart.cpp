// History that survives the console: the real executable watches a container over a real sshd (fake docker
// replaying the captures), is killed with SIGKILL, and `heapwatch export` reads the samples back without
// connecting; a second run killed the same way adds a second session, with a ConnectionGap event for the time
// no heapwatch ran, and the store passes SQLite's own integrity check. Nothing is asked of the console but to
// run: what a crash leaves is what is judged.
#include "SshdFixture.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <memory>

using heapwatch::test::SshdFixture;

class TestHistoryRestart : public QObject
{
    Q_OBJECT

    std::unique_ptr<SshdFixture> f;
    QTemporaryDir m_home;

    QString storePath() const { return m_home.filePath(QStringLiteral("history.sqlite")); }

    QProcessEnvironment environment(const QString& store = {}) const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_home.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("HEAPWATCH_HISTORY"), store.isEmpty() ? storePath() : store);
        return env;
    }

    // Runs the console on the fixture's container for seconds, then SIGKILLs it. Returns the kill's time.
    qint64 runConsoleAndKill(int seconds, QString* output = nullptr, const QString& store = {})
    {
        QProcess p;
        p.setProcessEnvironment(environment(store));
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral(HEAPWATCH_BINARY),
                {f->target(), QStringLiteral("--identity"), f->clientKey(), QStringLiteral("--known-hosts"),
                 f->knownHostsFile(), QStringLiteral("--no-restore")});
        if (!p.waitForStarted(10000))
            return -1;
        QTest::qWait(seconds * 1000);
        if (p.state() != QProcess::Running) {
            qWarning("console ended early: %s", p.readAll().constData());
            return -1;
        }
        const qint64 killedAt = QDateTime::currentMSecsSinceEpoch();
        ::kill(pid_t(p.processId()), SIGKILL);
        p.waitForFinished(10000);
        if (output)
            *output = QString::fromUtf8(p.readAll());
        return killedAt;
    }

    QJsonObject exportJson(QString* err)
    {
        QProcess p;
        p.setProcessEnvironment(environment());
        // TARGET spelled as on the console's command line.
        p.start(QStringLiteral(HEAPWATCH_BINARY),
                {QStringLiteral("export"), f->target(), QStringLiteral("--format"), QStringLiteral("json")});
        p.waitForFinished(60000);
        *err = QString::fromUtf8(p.readAllStandardError());
        return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    }

    // Sample times of rows that have a container memory value (docker stats: live only, never backfilled).
    static std::vector<qint64> statsTimes(const QJsonObject& exported)
    {
        std::vector<qint64> times;
        for (const QJsonValue& v : exported.value(QStringLiteral("samples")).toArray()) {
            const QJsonObject s = v.toObject();
            if (s.value(QStringLiteral("mem_usage_mib")).isDouble())
                times.push_back(qint64(s.value(QStringLiteral("time_ms")).toDouble()));
        }
        return times;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        f = std::make_unique<SshdFixture>();
        QString error;
        QVERIFY2(f->start(&error), qPrintable(error));
        f->trustHostKey();
    }

    void cleanupTestCase() { f.reset(); }

    // `heapwatch serve` records the same way, and a SIGTERM ends it with everything committed.
    void serveRecords()
    {
        const QString store = m_home.filePath(QStringLiteral("serve.sqlite"));
        QProcess p;
        p.setProcessEnvironment(environment(store));
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral(HEAPWATCH_BINARY),
                {QStringLiteral("serve"), f->target(), QStringLiteral("--identity"), f->clientKey(),
                 QStringLiteral("--known-hosts"), f->knownHostsFile(), QStringLiteral("--listen"),
                 QStringLiteral("127.0.0.1:0")});
        QVERIFY(p.waitForStarted(10000));
        QTest::qWait(8000);
        QVERIFY2(p.state() == QProcess::Running, p.readAll().constData());
        const qint64 stoppedAt = QDateTime::currentMSecsSinceEpoch();
        p.terminate();
        QVERIFY(p.waitForFinished(20000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);

        QProcess exporter;
        exporter.setProcessEnvironment(environment(store));
        exporter.start(QStringLiteral(HEAPWATCH_BINARY),
                       {QStringLiteral("export"), f->target(), QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY(exporter.waitForFinished(60000));
        const QJsonObject exported = QJsonDocument::fromJson(exporter.readAllStandardOutput()).object();
        const std::vector<qint64> times = statsTimes(exported);
        QVERIFY2(times.size() >= 3, qPrintable(QString::fromUtf8(exporter.readAllStandardError())));
        // Stopped cleanly: the rows up to the stop are there (a stats row comes about every second).
        QVERIFY2(times.back() >= stoppedAt - 3000,
                 qPrintable(QStringLiteral("last row %1 ms before the stop").arg(stoppedAt - times.back())));
    }

    // A store that cannot be opened (its directory is a file) leaves the console watching, and says so.
    void unopenableStoreIsNotFatal()
    {
        QFile blocker(m_home.filePath(QStringLiteral("not-a-directory")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        QString output;
        QVERIFY(runConsoleAndKill(5, &output, blocker.fileName() + QStringLiteral("/history.sqlite")) > 0);
        QVERIFY2(output.contains(QLatin1String("history is not kept on disk")), qPrintable(output));
    }

    void killedConsoleKeepsItsSamples()
    {
        const int seconds = qEnvironmentVariableIntValue("HEAPWATCH_HISTORY_SESSION_SECONDS") > 0
            ? qEnvironmentVariableIntValue("HEAPWATCH_HISTORY_SESSION_SECONDS")
            : 20;
        const qint64 started1 = QDateTime::currentMSecsSinceEpoch();
        const qint64 killed1 = runConsoleAndKill(seconds);
        QVERIFY(killed1 > 0);

        QString err;
        QJsonObject first = exportJson(&err);
        QVERIFY2(!first.isEmpty(), qPrintable(err));
        std::vector<qint64> times = statsTimes(first);
        QVERIFY2(times.size() >= 5, qPrintable(QStringLiteral("%1 stats rows").arg(times.size())));
        // A kill loses at most the last 10 s.
        QVERIFY2(times.back() >= killed1 - 10000,
                 qPrintable(QStringLiteral("last stored row %1 ms before the kill").arg(killed1 - times.back())));
        // The app's Memory lines are stored too (backfilled and live).
        bool memory = false;
        for (const QJsonValue& v : first.value(QStringLiteral("samples")).toArray())
            memory = memory || v.toObject().value(QStringLiteral("rss_mib")).isDouble();
        QVERIFY(memory);

        // Nobody watches for a while, then a second session, killed too.
        QTest::qWait(12000);
        const qint64 started2 = QDateTime::currentMSecsSinceEpoch();
        const qint64 killed2 = runConsoleAndKill(seconds);
        QVERIFY(killed2 > 0);

        const QJsonObject both = exportJson(&err);
        QVERIFY2(!both.isEmpty(), qPrintable(err));
        times = statsTimes(both);
        const auto inSession = [&](qint64 from, qint64 to) {
            return std::count_if(times.begin(), times.end(), [&](qint64 t) { return t >= from && t <= to; });
        };
        qInfo("stats rows: %lld in the first session, %lld in the second; %lld samples, %lld events in all",
              qint64(inSession(started1, killed1)), qint64(inSession(started2, killed2)),
              qint64(both.value(QStringLiteral("samples")).toArray().size()),
              qint64(both.value(QStringLiteral("events")).toArray().size()));
        if (qEnvironmentVariableIsSet("HEAPWATCH_HISTORY_KEEP"))
            m_home.setAutoRemove(false);
        QVERIFY(inSession(started1, killed1) >= 5);
        QVERIFY(inSession(started2, killed2) >= 5);
        QCOMPARE(inSession(killed1, started2), 0); // no stats rows while nothing ran
        QVERIFY(std::is_sorted(times.begin(), times.end()));
        QVERIFY(std::adjacent_find(times.begin(), times.end()) == times.end()); // no row twice

        // The gap between them is an event: from the first session's last save to the second's start.
        bool gap = false;
        for (const QJsonValue& v : both.value(QStringLiteral("events")).toArray()) {
            const QJsonObject e = v.toObject();
            if (e.value(QStringLiteral("kind")).toString() != QLatin1String("connection_gap"))
                continue;
            const qint64 from = qint64(e.value(QStringLiteral("time_ms")).toDouble());
            const qint64 until
                = qint64(e.value(QStringLiteral("detail")).toObject().value(QStringLiteral("until")).toDouble());
            gap = gap || (from >= killed1 - 10000 && from <= killed1 && until >= started2 && until <= started2 + 15000);
        }
        QVERIFY2(gap,
                 qPrintable(QString::fromUtf8(QJsonDocument(both.value(QStringLiteral("events")).toArray()).toJson())));

        // SQLite's own check of the file a kill -9 left twice.
        const QString check
            = SshdFixture::run(QStringLiteral("sqlite3"), {storePath(), QStringLiteral("pragma integrity_check")});
        QCOMPARE(check.trimmed(), QStringLiteral("ok"));
    }
};

QTEST_GUILESS_MAIN(TestHistoryRestart)
#include "tst_historyrestart.moc"
