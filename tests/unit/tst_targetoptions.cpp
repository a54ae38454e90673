// The command-line spelling of a target, shared by the console, `check` and `serve`: every option lands in
// the one TargetConfig, every --since spelling of the duration grammar is accepted, malformed ones are named.
#include "TargetConfig.h"
#include "TargetOptions.h"

#include <QCommandLineParser>
#include <QTest>

using namespace heapwatch;

class TestTargetOptions : public QObject
{
    Q_OBJECT

    static std::optional<std::vector<TargetConfig>> read(const QStringList& arguments, QString* error)
    {
        QCommandLineParser parser;
        const TargetOptions options;
        options.addTo(parser, true);
        if (!parser.parse(QStringList {QStringLiteral("heapwatch")} + arguments)) {
            *error = parser.errorText();
            return std::nullopt;
        }
        return options.read(parser, error);
    }

private Q_SLOTS:
    void since_data()
    {
        QTest::addColumn<QString>("since");
        QTest::addColumn<qint64>("seconds"); // -1: refused
        QTest::addRow("seconds") << QStringLiteral("90s") << qint64(90);
        QTest::addRow("bare seconds") << QStringLiteral("90") << qint64(90);
        QTest::addRow("minutes") << QStringLiteral("30m") << qint64(1800);
        QTest::addRow("compound") << QStringLiteral("1h30m") << qint64(5400);
        QTest::addRow("days") << QStringLiteral("2d") << qint64(172800);
        QTest::addRow("zero") << QStringLiteral("0") << qint64(-1);
        QTest::addRow("space inside") << QStringLiteral("1h 30m") << qint64(-1);
        QTest::addRow("weeks") << QStringLiteral("1w") << qint64(-1);
    }
    void since()
    {
        QFETCH(QString, since);
        QFETCH(qint64, seconds);
        QString error;
        const auto targets = read({QStringLiteral("--since"), since, QStringLiteral("web1/pangolin"),
                                   QStringLiteral("ssh://ops@web2:2222/api")},
                                  &error);
        if (seconds < 0) {
            QVERIFY(!targets);
            QVERIFY2(error.contains(QLatin1String("--since")) && error.contains(since), qPrintable(error));
            return;
        }
        QVERIFY2(targets, qPrintable(error));
        QCOMPARE(targets->size(), size_t(2));
        for (const TargetConfig& t : *targets)
            QCOMPARE(t.sinceSeconds, seconds);
    }

    void defaultsAreOneHour()
    {
        QString error;
        const auto targets = read({QStringLiteral("web1/pangolin")}, &error);
        QVERIFY2(targets, qPrintable(error));
        QCOMPARE(targets->front().sinceSeconds, qint64(3600));
        QCOMPARE(TargetConfig::demo().sinceSeconds, qint64(3600));
        QCOMPARE(TargetConfig::remote(QStringLiteral("web1/pangolin")).sinceSeconds, qint64(3600));
        // A session saved without the key (an older version) gets the same default.
        QCOMPARE(TargetConfig::fromMap({{QStringLiteral("kind"), QStringLiteral("remote")},
                                        {QStringLiteral("location"), QStringLiteral("web1/pangolin")}})
                     .sinceSeconds,
                 qint64(3600));
    }

    void everyOptionLandsInTheConfig()
    {
        QString error;
        const auto targets
            = read({QStringLiteral("--demo"), QStringLiteral("--replay"), QStringLiteral("/tmp/app.log"),
                    QStringLiteral("--stats"), QStringLiteral("/tmp/stats.txt"), QStringLiteral("-i"),
                    QStringLiteral("/keys/ops"), QStringLiteral("--known-hosts"), QStringLiteral("/keys/known"),
                    QStringLiteral("--accept-new-host-key"), QStringLiteral("--engine"), QStringLiteral("podman"),
                    QStringLiteral("--sudo"), QStringLiteral("ssh://ops@web1:2222/pangolin")},
                   &error);
        QVERIFY2(targets, qPrintable(error));
        QCOMPARE(targets->size(), size_t(3));
        QCOMPARE(targets->at(0).kind, TargetConfig::Kind::Demo);
        QCOMPARE(targets->at(1).kind, TargetConfig::Kind::Replay);
        QCOMPARE(targets->at(1).location, QStringLiteral("/tmp/app.log"));
        QCOMPARE(targets->at(1).statsPath, QStringLiteral("/tmp/stats.txt"));
        const TargetConfig& remote = targets->at(2);
        QCOMPARE(remote.kind, TargetConfig::Kind::Remote);
        QCOMPARE(remote.location, QStringLiteral("ssh://ops@web1:2222/pangolin"));
        QCOMPARE(remote.identityFile, QStringLiteral("/keys/ops"));
        QCOMPARE(remote.knownHostsFile, QStringLiteral("/keys/known"));
        QVERIFY(remote.acceptNewHostKey);
        QCOMPARE(remote.engine, QStringLiteral("podman"));
        QVERIFY(remote.sudo);
        QCOMPARE(remote.key(), QStringLiteral("ssh://ops@web1:2222/pangolin"));
        QCOMPARE(remote.displayName(), QStringLiteral("pangolin"));
        QCOMPARE(remote.hostName(), QStringLiteral("ops@web1:2222"));
        // The QSettings spelling reads back the same description.
        const TargetConfig back = TargetConfig::fromMap(remote.toMap());
        QCOMPARE(back.location, remote.location);
        QCOMPARE(back.identityFile, remote.identityFile);
        QCOMPARE(back.knownHostsFile, remote.knownHostsFile);
        QCOMPARE(back.acceptNewHostKey, remote.acceptNewHostKey);
        QCOMPARE(back.engine, remote.engine);
        QCOMPARE(back.sudo, remote.sudo);
        QCOMPARE(back.sinceSeconds, remote.sinceSeconds);
    }

    void malformedOptionsAreNamed_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("named");
        QTest::addRow("unknown engine") << QStringList {QStringLiteral("--engine"), QStringLiteral("lxc"),
                                                        QStringLiteral("web1/app")}
                                        << QStringLiteral("--engine");
        QTest::addRow("stats without replay")
            << QStringList {QStringLiteral("--stats"), QStringLiteral("/tmp/s.txt")} << QStringLiteral("--stats");
    }
    void malformedOptionsAreNamed()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, named);
        QString error;
        QVERIFY(!read(arguments, &error));
        QVERIFY2(error.contains(named), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestTargetOptions)
#include "tst_targetoptions.moc"
