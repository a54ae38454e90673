// The console's targets of one host share a prompter, and with it SshHost's pool of connections: one
// host-key question and one password question per host. TargetLauncher::hostKey decides what "one host" is.
#include "TargetConfig.h"
#include "TargetLauncher.h"

#include <QTest>

using namespace heapwatch;

class TestTargetLauncher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hostKey_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<QString>("identityB");
        QTest::addColumn<bool>("shared");
        QTest::addRow("two containers, one host") << "ssh://ops@web1:2222/pangolin"
                                                  << "ssh://ops@web1:2222/badger"
                                                  << "" << true;
        QTest::addRow("alias form") << "ops@web1/pangolin"
                                    << "ops@web1/gerbil"
                                    << "" << true;
        QTest::addRow("another port") << "ssh://ops@web1:2222/pangolin"
                                      << "ssh://ops@web1:2223/pangolin"
                                      << "" << false;
        QTest::addRow("another user") << "ssh://ops@web1/pangolin"
                                      << "ssh://root@web1/pangolin"
                                      << "" << false;
        QTest::addRow("another host") << "ssh://ops@web1/pangolin"
                                      << "ssh://ops@web2/pangolin"
                                      << "" << false;
        QTest::addRow("another identity") << "ssh://ops@web1/pangolin"
                                          << "ssh://ops@web1/badger"
                                          << "/home/ops/.ssh/other" << false;
    }

    void hostKey()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(QString, identityB);
        QFETCH(bool, shared);
        const TargetConfig ea = TargetConfig::remote(a);
        TargetConfig eb = TargetConfig::remote(b);
        eb.identityFile = identityB;
        QCOMPARE(TargetLauncher::hostKey(ea) == TargetLauncher::hostKey(eb), shared);
        QVERIFY(ea.key() != eb.key() || a == b); // the targets stay apart; only the host is shared
    }
};

QTEST_MAIN(TestTargetLauncher)
#include "tst_targetlauncher.moc"
