// The three front ends read a target from the command line with one option set: every --since spelling of
// the duration grammar (90s, 30m, 1h30m, 2d) is accepted by the console, `check` and `serve` alike, and a
// malformed one is refused by each with a message that names it. Runs the real executable; the target is a
// loopback port where nothing listens, so nothing leaves this machine.
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

class TestFrontEnds : public QObject
{
    Q_OBJECT

    QTemporaryDir m_home;
    QString m_target;

    struct Run
    {
        bool exited = false; // false: still running after the grace period (then killed)
        int code = -1;
        QString err;
        QString out;
    };

    Run run(const QStringList& arguments, int graceMs)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_home.path()); // the console saves its session: not in the user's
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.path() + QStringLiteral("/config"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.path() + QStringLiteral("/data"));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(HEAPWATCH_BINARY), arguments);
        Run r;
        if (!p.waitForStarted(10000)) {
            r.err = p.errorString();
            r.exited = true;
            return r;
        }
        r.exited = p.waitForFinished(graceMs);
        if (!r.exited) {
            p.terminate();
            if (!p.waitForFinished(10000)) {
                p.kill();
                p.waitForFinished(5000);
            }
        }
        r.code = p.exitCode();
        r.err = QString::fromUtf8(p.readAllStandardError());
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        // A port that was free a moment ago: connecting to it is refused at once.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        m_target = QStringLiteral("ssh://nobody@127.0.0.1:%1/pangolin").arg(probe.serverPort());
        probe.close();
    }

    void since_data()
    {
        QTest::addColumn<QString>("frontEnd");
        QTest::addColumn<QString>("since");
        QTest::addColumn<bool>("accepted");
        for (const char* frontEnd : {"console", "check", "serve"}) {
            for (const char* since : {"90s", "30m", "1h30m", "2d"})
                QTest::addRow("%s --since %s", frontEnd, since)
                    << QString::fromLatin1(frontEnd) << QString::fromLatin1(since) << true;
            for (const char* since : {"1h 30m", "1w", "soon"})
                QTest::addRow("%s --since '%s'", frontEnd, since)
                    << QString::fromLatin1(frontEnd) << QString::fromLatin1(since) << false;
        }
    }
    void since()
    {
        QFETCH(QString, frontEnd);
        QFETCH(QString, since);
        QFETCH(bool, accepted);
        QStringList arguments;
        if (frontEnd == QLatin1String("check"))
            arguments << QStringLiteral("check") << QStringLiteral("--known-hosts")
                      << m_home.filePath(QStringLiteral("known_hosts"));
        else if (frontEnd == QLatin1String("serve"))
            arguments << QStringLiteral("serve") << QStringLiteral("--listen") << QStringLiteral("127.0.0.1:0");
        arguments << QStringLiteral("--since") << since << m_target;
        const Run r = run(arguments, 3000);

        if (!accepted) {
            QVERIFY2(r.exited, qPrintable(r.err));
            QVERIFY2(r.code != 0, qPrintable(r.err));
            // check speaks the monitoring-plugin language on stdout (UNKNOWN), the others on stderr.
            const QString said = r.err + r.out;
            QVERIFY2(said.contains(QLatin1String("--since")) && said.contains(since), qPrintable(said));
            return;
        }
        QVERIFY2(!r.err.contains(QLatin1String("--since")), qPrintable(r.err));
        if (frontEnd == QLatin1String("check")) {
            // Judged after the connection failed: UNKNOWN because nothing answers, not because of --since.
            QVERIFY2(r.exited, qPrintable(r.err));
            QCOMPARE(r.code, 3);
            QVERIFY2(r.out.startsWith(QLatin1String("HEAPWATCH UNKNOWN")), qPrintable(r.out));
        } else if (frontEnd == QLatin1String("serve")) {
            QVERIFY2(!r.exited, qPrintable(r.err)); // serves on, retrying the target
            QVERIFY2(r.err.contains(QLatin1String("listening on http://127.0.0.1:")), qPrintable(r.err));
        } else {
            QVERIFY2(!r.exited, qPrintable(r.err)); // the window stays up, reconnecting
        }
    }
};

QTEST_GUILESS_MAIN(TestFrontEnds)
#include "tst_frontends.moc"
