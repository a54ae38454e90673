// `heapwatch check TARGET` end to end: the built binary against a real sshd on 127.0.0.1 and the fake docker.
#include "SshChannel.h"
#include "SshSession.h"
#include "SshdFixture.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using namespace heapwatch;
using namespace heapwatch::test;

namespace {

struct CheckRun
{
    int exitCode = -1;
    QByteArray out;
    QString err;
    QJsonObject json;
};

} // namespace

class TestSshCheck : public QObject
{
    Q_OBJECT

    std::unique_ptr<SshdFixture> f;

    // The default outlasts check's own 60 s deadline, so that a check that gets no verdict reports its
    // connection state itself instead of being killed here.
    CheckRun check(const QStringList& extra, const QString& target = QString(), int timeoutMs = 90000)
    {
        QProcess p;
        QStringList args {QStringLiteral("check"),  target.isEmpty() ? f->target() : target,
                          QStringLiteral("--json"), QStringLiteral("-i"),
                          f->clientKey(),           QStringLiteral("--known-hosts"),
                          f->knownHostsFile()};
        p.start(QStringLiteral(HEAPWATCH_BINARY), args + extra);
        p.closeWriteChannel(); // not a terminal: nothing may be asked
        CheckRun r;
        if (!p.waitForStarted()) {
            r.err = QStringLiteral("could not start %1: %2").arg(QStringLiteral(HEAPWATCH_BINARY), p.errorString());
            return r;
        }
        if (!p.waitForFinished(timeoutMs)) {
            // Say where it hangs: what it printed so far and the state of each of its threads.
            const QString threads = threadStates(p.processId());
            p.kill();
            p.waitForFinished();
            r.out = p.readAllStandardOutput();
            r.err = QStringLiteral("timed out after %1 s; threads: %2; stderr so far: %3")
                        .arg(timeoutMs / 1000)
                        .arg(threads, QString::fromLocal8Bit(p.readAllStandardError()));
            return r;
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = QString::fromLocal8Bit(p.readAllStandardError());
        r.json = QJsonDocument::fromJson(r.out).object();
        return r;
    }

    // "name state wchan" of every thread of a running process, from /proc.
    static QString threadStates(qint64 pid)
    {
        QStringList out;
        const QString task = QStringLiteral("/proc/%1/task").arg(pid);
        for (const QString& tid : QDir(task).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            auto read = [&](const char* file) {
                QFile f(task + QLatin1Char('/') + tid + QLatin1Char('/') + QLatin1String(file));
                return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()).trimmed() : QString();
            };
            const QString stat = read("stat"); // "tid (comm) S …": the state follows the last ')'
            out << QStringLiteral("%1 %2 %3")
                       .arg(read("comm"), stat.mid(stat.lastIndexOf(QLatin1Char(')')) + 2, 1), read("wchan"));
        }
        return out.join(QStringLiteral(", "));
    }

    QString describe(const CheckRun& r) const
    {
        return QStringLiteral("exit %1\nstdout: %2\nstderr: %3")
            .arg(r.exitCode)
            .arg(QString::fromUtf8(r.out.left(4000)), r.err);
    }

private Q_SLOTS:
    void init()
    {
        f = std::make_unique<SshdFixture>();
        QString error;
        QVERIFY2(f->start(&error), qPrintable(error));
        f->trustHostKey();
    }

    void cleanup() { f.reset(); }

    void fullCheckMatchesReplayedData()
    {
        const CheckRun r = check({});
        QVERIFY2(r.exitCode == 2, qPrintable(describe(r))); // heap usage 97.6 % of the captured app: CRITICAL
        // The channels still opening when check has its verdict are given up, not refused: before, each run
        // warned "cannot open a channel on …: ; next channel attempt in 2 s" (a stop leaves libssh's text empty),
        // which a cron job mails and a plugin's log keeps.
        QVERIFY2(!r.err.contains(QLatin1String("channel")), qPrintable(describe(r)));
        // Nor does a healthy check print notes (the container running, where its stats come from): the report
        // carries the sources, and a cron job mails whatever reaches stderr.
        QVERIFY2(r.err.isEmpty(), qPrintable(describe(r)));
        const QJsonObject j = r.json;
        QCOMPARE(j.value(QStringLiteral("overall")).toString(), QStringLiteral("critical"));
        const QJsonObject c = j.value(QStringLiteral("container")).toObject();
        QCOMPARE(c.value(QStringLiteral("status")).toString(), QStringLiteral("running"));
        QCOMPARE(c.value(QStringLiteral("restart_count")).toInt(), 0);
        QCOMPARE(c.value(QStringLiteral("cpu_percent")).toDouble(), 0.0);
        QCOMPARE(c.value(QStringLiteral("mem_usage_mib")).toDouble(), 6.88); // docker stats' 6.875MiB, two decimals
        QVERIFY(qAbs(c.value(QStringLiteral("mem_limit_mib")).toDouble() - 860) < 0.01);
        QCOMPARE(c.value(QStringLiteral("pids")).toInt(), 7);
        const QJsonObject p = j.value(QStringLiteral("process")).toObject();
        QCOMPARE(p.value(QStringLiteral("heap_limit_mib")).toDouble(), 384.0);
        QCOMPARE(p.value(QStringLiteral("heap_used_mib")).toDouble(), 212.7);
        QCOMPARE(p.value(QStringLiteral("heap_total_mib")).toDouble(), 218.0);
        // The last Memory line the server printed before check judged it (history, then live lines).
        std::vector<double> rss;
        int memoryLines = 0;
        for (const auto& l : f->containerLog()) {
            if (l.text.contains("Memory: RSS=")) {
                rss.push_back(QString::fromUtf8(l.text)
                                  .section(QStringLiteral("RSS="), 1)
                                  .section(QStringLiteral("MB"), 0, 0)
                                  .toDouble());
                ++memoryLines;
            }
        }
        const double gotRss = p.value(QStringLiteral("rss_mib")).toDouble();
        QVERIFY2(std::find_if(rss.begin(), rss.end(), [&](double v) { return qAbs(v - gotRss) < 0.05; }) != rss.end(),
                 qPrintable(describe(r)));
        const int samples = p.value(QStringLiteral("samples")).toInt();
        QVERIFY2(samples >= 17 && samples <= memoryLines, qPrintable(describe(r)));
        QCOMPARE(j.value(QStringLiteral("cache")).toObject().value(QStringLiteral("hit_rate_percent")).toDouble(),
                 73.63);
        QVERIFY(j.value(QStringLiteral("audit_overflows")).toObject().value(QStringLiteral("events")).toInt() >= 1);
        const QJsonObject conn = j.value(QStringLiteral("connection")).toObject();
        QCOMPARE(conn.value(QStringLiteral("host")).toString(), QStringLiteral("127.0.0.1:%1").arg(f->port()));
        QCOMPARE(conn.value(QStringLiteral("engine")).toString(), QStringLiteral("docker"));
        QCOMPARE(conn.value(QStringLiteral("reconnects")).toInt(), 0);
        QVERIFY(conn.value(QStringLiteral("bytes_received")).toDouble() > 1000);
        QVERIFY2(f->waitUntilNoTaggedProcesses(4000), qPrintable(f->taggedProcesses().join(QLatin1Char('\n'))));
    }

    // A channel still opening when its host stops is given up with that reason, not libssh's empty text: the
    // host then knows it was not refused (above, the warning each check printed).
    void aChannelGivenUpOnStopSaysSo()
    {
        SshConnectParams params;
        params.user = f->user();
        params.host = QStringLiteral("127.0.0.1");
        params.port = f->port();
        params.identityFile = f->clientKey();
        params.knownHostsFile = f->knownHostsFile();
        std::atomic<bool> stop {false};
        SecretCache secrets;
        SshSession session(params, &stop, &secrets);
        QString message;
        QVERIFY2(session.connect(&message) == SshSession::Result::Ok, qPrintable(message));
        QString error;
        QVERIFY2(SshChannel::exec(session, "true", &error), qPrintable(error)); // the connection takes channels
        stop = true;
        QVERIFY(!SshChannel::exec(session, "true", &error));
        QCOMPARE(error, QStringLiteral("cannot open a channel on 127.0.0.1:%1: stopped").arg(f->port()));
        QVERIFY(session.isAlive()); // the channel given up, the connection not cut
    }

    void unknownHostRefusedThenAccepted()
    {
        f->clearKnownHosts();
        CheckRun r = check({});
        QVERIFY2(r.exitCode == 3, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QStringLiteral("host key for 127.0.0.1:%1 is not known").arg(f->port())),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains(f->hostFingerprint()), qPrintable(r.err));
        QVERIFY(r.err.contains(QLatin1String("--accept-new-host-key")));
        QVERIFY(f->invocations().isEmpty());

        r = check({QStringLiteral("--accept-new-host-key")});
        QVERIFY2(r.exitCode == 2, qPrintable(describe(r)));
        QFile kh(f->knownHostsFile());
        QVERIFY(kh.open(QIODevice::ReadOnly));
        QVERIFY(kh.readAll().startsWith(QStringLiteral("[127.0.0.1]:%1 ssh-ed25519 ").arg(f->port()).toUtf8()));
        // Now known: a plain run connects without the flag.
        r = check({});
        QVERIFY2(r.exitCode == 2, qPrintable(describe(r)));
    }

    void changedHostKeyRefused()
    {
        const QString oldFp = f->writeWrongHostKey();
        const CheckRun r = check({QStringLiteral("--accept-new-host-key")}); // accept-new never accepts a change
        QVERIFY2(r.exitCode == 3, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(f->hostFingerprint()) && r.err.contains(oldFp), qPrintable(r.err));
        QVERIFY2(r.err.contains(f->knownHostsFile() + QStringLiteral(" line 2")), qPrintable(r.err));
        QVERIFY(f->invocations().isEmpty());
    }

    void injectionRunsNothing()
    {
        const QString canary = f->dir() + QStringLiteral("/canary");
        for (const QString& bad :
             {QStringLiteral("pangolin;touch %1"), QStringLiteral("$(touch %1)"), QStringLiteral("`touch %1`"),
              QStringLiteral("pangolin'$(touch %1)'"), QStringLiteral("pangolin\ntouch %1")}) {
            const CheckRun r = check({}, f->target(bad.arg(canary)), 20000);
            QVERIFY2(r.exitCode == 3, qPrintable(describe(r)));
            QVERIFY2(r.err.contains(QLatin1String("invalid container name")), qPrintable(r.err));
        }
        QVERIFY(!QFile::exists(canary));
        QVERIFY(f->invocations().isEmpty());
        QVERIFY(!f->sshdLog().contains(QLatin1String("Accepted")));
    }

    // sshd killed and restarted during `--watch`: check reconnects and counts every line once.
    void watchSurvivesSshdRestart()
    {
        QProcess p;
        p.start(QStringLiteral(HEAPWATCH_BINARY),
                {QStringLiteral("check"), f->target(), QStringLiteral("--json"), QStringLiteral("-i"), f->clientKey(),
                 QStringLiteral("--known-hosts"), f->knownHostsFile(), QStringLiteral("--watch"),
                 QStringLiteral("14s")});
        p.closeWriteChannel();
        QVERIFY(p.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(!f->invocations().filter(QStringLiteral("--follow")).isEmpty(), 15000);
        QTest::qWait(2000);
        f->killSshd();
        QTest::qWait(2000);
        QString error;
        QVERIFY2(f->startSshd(&error), qPrintable(error));
        QVERIFY(p.waitForFinished(40000));
        const QByteArray out = p.readAllStandardOutput();
        const QString err = QString::fromLocal8Bit(p.readAllStandardError());
        QVERIFY2(p.exitCode() == 2, qPrintable(err + QString::fromUtf8(out)));
        const QJsonObject j = QJsonDocument::fromJson(out).object();
        QVERIFY2(j.value(QStringLiteral("connection")).toObject().value(QStringLiteral("reconnects")).toInt() >= 1,
                 out.constData());
        // Every Memory line printed up to ~1 s before the end, at most every line printed: no gap, no double.
        int upToEnd = 0;
        int settled = 0;
        const qint64 endNs = QDateTime::currentMSecsSinceEpoch() * 1000000;
        for (const auto& l : f->containerLog()) {
            if (l.text.contains("Memory: RSS=")) {
                ++upToEnd;
                settled += l.ns < endNs - 2500000000LL;
            }
        }
        const int samples = j.value(QStringLiteral("process")).toObject().value(QStringLiteral("samples")).toInt();
        QVERIFY2(samples >= settled && samples <= upToEnd,
                 qPrintable(QStringLiteral("samples %1, printed %2..%3").arg(samples).arg(settled).arg(upToEnd)));
        QVERIFY2(f->waitUntilNoTaggedProcesses(4000), qPrintable(f->taggedProcesses().join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestSshCheck)
#include "tst_sshcheck.moc"
