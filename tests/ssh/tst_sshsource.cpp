// The SSH source end to end, in process, against a real sshd on 127.0.0.1 (SshdFixture) and the fake docker:
// authentication, host keys, backfill and live data, gapless resume across an sshd restart and a container
// restart, dead-link detection, and no process left on the server after reconnects and stop().
#include "Prompter.h"
#include "SourceFactory.h"
#include "SourceRecorder.h"
#include "SshdFixture.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QTest>
#include <map>

using namespace heapwatch;
using namespace heapwatch::test;
using State = ConnectionStatus::State;

namespace {

class TestPrompter : public Prompter
{
public:
    HostKeyDecision decision = HostKeyDecision::Reject;
    std::optional<QString> secret;
    int hostKeyQuestions = 0;
    int secretQuestions = 0;
    HostKeyQuestion lastHostKey;
    SecretQuestion lastSecret;

    HostKeyDecision confirmHostKey(const HostKeyQuestion& q) override
    {
        ++hostKeyQuestions;
        lastHostKey = q;
        return decision;
    }
    std::optional<QString> askSecret(const SecretQuestion& q) override
    {
        ++secretQuestions;
        lastSecret = q;
        return secret;
    }
};

double rssFromText(const QByteArray& text)
{
    static const QRegularExpression re(QStringLiteral("RSS=([0-9.]+)MB"));
    const auto m = re.match(QString::fromUtf8(text));
    return m.hasMatch() ? m.captured(1).toDouble() : -1;
}

qint64 nowNs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000000;
}

} // namespace

class TestSshSource : public QObject
{
    Q_OBJECT

    std::unique_ptr<SshdFixture> f;

    std::unique_ptr<Source> make(Prompter* prompter = nullptr, bool acceptNew = false,
                                 const QString& container = QStringLiteral("pangolin"),
                                 const QString& identity = QString(), int livenessMs = 10000)
    {
        TargetConfig o;
        SourceContext ctx;
        o.location = f->target(container);
        o.identityFile = identity.isEmpty() ? f->clientKey() : identity;
        o.knownHostsFile = f->knownHostsFile();
        o.acceptNewHostKey = acceptNew;
        ctx.prompter = prompter;
        ctx.livenessTimeoutMs = livenessMs;
        QString error;
        auto s = createSource(o, ctx, &error);
        if (!s) {
            qWarning("createSource: %s", qPrintable(error));
        }
        return s;
    }

    // Every Memory line the container printed up to untilNs arrived exactly once, with its value; nothing
    // arrived that the container did not print.
    void verifyGapless(const SourceRecorder& rec, qint64 untilNs)
    {
        std::map<qint64, double> produced;
        for (const auto& l : f->containerLog()) {
            if (l.text.contains("Memory: RSS=")) {
                produced[l.ns] = rssFromText(l.text);
            }
        }
        std::map<qint64, int> got;
        for (const LogRecord& r : rec.logs(LogKind::Memory)) {
            ++got[r.dockerTimeNs];
            const auto it = produced.find(r.dockerTimeNs);
            QVERIFY2(it != produced.end(),
                     qPrintable(QStringLiteral("received a line the server never printed: %1").arg(r.dockerTimeNs)));
            QVERIFY(qAbs(it->second - r.memory.rssMiB) < 0.05);
        }
        for (const auto& [ns, n] : got) {
            QVERIFY2(n == 1, qPrintable(QStringLiteral("line at %1 received %2 times").arg(ns).arg(n)));
        }
        int checked = 0;
        for (const auto& [ns, rss] : produced) {
            if (ns > untilNs) {
                continue;
            }
            ++checked;
            QVERIFY2(got.count(ns) == 1, qPrintable(QStringLiteral("missing line at %1 (RSS %2)").arg(ns).arg(rss)));
        }
        QVERIFY(checked >= 17);
    }

    void waitConnectedWithData(const SourceRecorder& rec, int reconnects)
    {
        const auto dump = [&] {
            qWarning("statuses:\n%s\nserver processes:\n%s\ninvocations:\n%s", qPrintable(rec.statusLog()),
                     qPrintable(f->taggedProcesses().join(QLatin1Char('\n'))),
                     qPrintable(f->invocations().join(QLatin1Char('\n'))));
        };
        if (!QTest::qWaitFor(
                [&] { return rec.lastStatus().state == State::Connected && rec.lastStatus().reconnects >= reconnects; },
                30000)) {
            dump();
            QFAIL("not connected again");
        }
        const int stats = rec.statsSamples();
        if (!QTest::qWaitFor([&] { return rec.statsSamples() > stats + 1; }, 30000)) {
            dump();
            QFAIL("no stats after connecting");
        }
    }

    void stopQuickly(Source& source)
    {
        QElapsedTimer t;
        t.start();
        source.stop(); // posts the request: the host's worker closes the channels
        QVERIFY2(t.elapsed() < 100, qPrintable(QStringLiteral("stop() took %1 ms").arg(t.elapsed())));
        QVERIFY2(f->waitUntilNoTaggedProcesses(4000), qPrintable(f->taggedProcesses().join(QLatin1Char('\n'))));
    }

private Q_SLOTS:
    void init()
    {
        f = std::make_unique<SshdFixture>();
        QString error;
        QVERIFY2(f->start(&error), qPrintable(error)); // no sshd is a failure, never a skip
        f->trustHostKey();
    }

    void cleanup() { f.reset(); }

    void keyAuthenticationBackfillAndLiveData()
    {
        auto source = make();
        QVERIFY(source);
        SourceRecorder rec(source.get());
        source->start();
        QTRY_VERIFY2_WITH_TIMEOUT(rec.backfillFinished == 1 && rec.statsSamples() > 0,
                                  qPrintable(rec.statusLog() + f->sshdLog()), 30000);
        QVERIFY(rec.sawState(State::Connecting));
        QVERIFY2(rec.lastStatus().state == State::Connected, qPrintable(toString(rec.lastStatus().state)));
        QCOMPARE(rec.lastStatus().engine, QStringLiteral("docker"));
        QCOMPARE(rec.lastStatus().host, QStringLiteral("127.0.0.1:%1").arg(f->port()));
        QVERIFY(f->sshdLog().contains(QLatin1String("Accepted publickey")));

        // The backfill carries the captured history, before backfillFinished.
        int backfillMemory = 0;
        for (const auto& b : rec.batches) {
            if (b.backfill) {
                for (const auto& r : b.logs) {
                    backfillMemory += r.kind == LogKind::Memory;
                }
            }
        }
        QVERIFY2(backfillMemory >= 17, qPrintable(QString::number(backfillMemory)));
        std::optional<ContainerInfo> info;
        for (const auto& b : rec.batches) {
            if (b.info) {
                info = b.info;
            }
        }
        QVERIFY(info);
        QCOMPARE(info->heapLimitMiB, 384.0);
        QCOMPARE(info->restartCount, 0);
        QVERIFY(info->running);
        const auto stats = rec.batches.back().stats.empty() ? std::vector<StatsSample> {} : rec.batches.back().stats;
        bool sawStats = false;
        for (const auto& b : rec.batches) {
            for (const auto& s : b.stats) {
                QCOMPARE(s.containerId, QStringLiteral("6f70f8e18d04"));
                QCOMPARE(s.cpuPercent, 0.0);
                QVERIFY(qAbs(s.memUsageBytes - 6.875 * 1024 * 1024) < 1);
                QCOMPARE(s.pids, 7);
                sawStats = true;
            }
        }
        QVERIFY(sawStats);
        const auto caches = rec.logs(LogKind::Cache);
        QVERIFY(!caches.empty());
        QCOMPARE(caches.front().cache.hitRatePercent, 73.63);
        const auto overflows = rec.logs(LogKind::Overflow);
        QVERIFY(!overflows.empty());
        QVERIFY(overflows.front().stream == LogStream::Stderr);

        // The commands: explicit stats template, bounded backfill, follower from the last timestamp, events.
        QTest::qWait(1500);
        const QString inv = f->invocations().join(QLatin1Char('\n'));
        QVERIFY2(inv.contains(QLatin1String("stats --format {{.ID}}\\t{{.CPUPerc}}")), qPrintable(inv));
        QVERIFY2(inv.contains(QLatin1String("logs --timestamps --since 3600s --tail 100000 pangolin")),
                 qPrintable(inv));
        QVERIFY2(
            QRegularExpression(
                QStringLiteral(
                    "logs --timestamps --since \\d{4}-\\d\\d-\\d\\dT[0-9:]+\\.\\d{9}Z --tail 100000 --follow pangolin"))
                .match(inv)
                .hasMatch(),
            qPrintable(inv));
        QVERIFY(inv.contains(QLatin1String("events --filter container=pangolin --filter event=die")));
        QVERIFY(inv.contains(QLatin1String("inspect --type container --format")));
        // Filtered on the server: the health-check noise never arrives.
        for (const auto& b : rec.batches) {
            for (const auto& r : b.logs) {
                QVERIFY(!r.text.contains(QLatin1String("/api/health")));
            }
        }
        QTest::qWait(2000);
        verifyGapless(rec, nowNs() - 2500000000LL);
        stopQuickly(*source);
    }

    void unknownHostRefusedWithoutPrompter()
    {
        f->clearKnownHosts();
        auto source = make();
        SourceRecorder rec(source.get());
        source->start();
        QTRY_VERIFY_WITH_TIMEOUT(rec.lastStatus().state == State::HostKeyRefused, 10000);
        const QString msg = rec.lastStatus().message;
        QVERIFY2(msg.contains(QStringLiteral("host key for 127.0.0.1:%1 is not known").arg(f->port())),
                 qPrintable(msg));
        QVERIFY2(msg.contains(f->hostFingerprint()), qPrintable(msg));
        QVERIFY(msg.contains(QLatin1String("--accept-new-host-key")));
        QFile kh(f->knownHostsFile());
        QVERIFY(kh.open(QIODevice::ReadOnly));
        QVERIFY(kh.readAll().isEmpty());
        QVERIFY(f->invocations().isEmpty());
        stopQuickly(*source);
    }

    void unknownHostAcceptedByPrompterOrFlag_data()
    {
        QTest::addColumn<bool>("usePrompter");
        QTest::addRow("prompter says yes") << true;
        QTest::addRow("--accept-new-host-key") << false;
    }

    void unknownHostAcceptedByPrompterOrFlag()
    {
        QFETCH(bool, usePrompter);
        f->clearKnownHosts();
        TestPrompter prompter;
        prompter.decision = HostKeyDecision::AcceptAndSave;
        auto source = make(usePrompter ? &prompter : nullptr, !usePrompter);
        SourceRecorder rec(source.get());
        source->start();
        QTRY_VERIFY2_WITH_TIMEOUT(rec.backfillFinished == 1, qPrintable(rec.statusLog()), 30000);
        if (usePrompter) {
            QCOMPARE(prompter.hostKeyQuestions, 1);
            QCOMPARE(prompter.lastHostKey.fingerprint, f->hostFingerprint());
            QCOMPARE(prompter.lastHostKey.port, f->port());
            QCOMPARE(prompter.lastHostKey.keyType, QStringLiteral("ssh-ed25519"));
        }
        QFile kh(f->knownHostsFile());
        QVERIFY(kh.open(QIODevice::ReadOnly));
        QVERIFY(kh.readAll().startsWith(QStringLiteral("[127.0.0.1]:%1 ssh-ed25519 ").arg(f->port()).toUtf8()));
        stopQuickly(*source);
    }

    void changedHostKeyRefused()
    {
        const QString oldFp = f->writeWrongHostKey();
        TestPrompter prompter;
        prompter.decision = HostKeyDecision::AcceptAndSave; // must not even be asked
        auto source = make(&prompter, true);
        SourceRecorder rec(source.get());
        source->start();
        QTRY_VERIFY_WITH_TIMEOUT(rec.lastStatus().state == State::HostKeyRefused, 10000);
        const QString msg = rec.lastStatus().message;
        QVERIFY2(msg.contains(QLatin1String("CHANGED")), qPrintable(msg));
        QVERIFY2(msg.contains(f->hostFingerprint()) && msg.contains(oldFp), qPrintable(msg));
        QVERIFY2(msg.contains(f->knownHostsFile() + QStringLiteral(" line 2")), qPrintable(msg));
        QCOMPARE(prompter.hostKeyQuestions, 0);
        QVERIFY(f->invocations().isEmpty());
        stopQuickly(*source);
    }

    void passphraseAskedOnceAndKeptInMemory()
    {
        const QString key = f->encryptedClientKey(QStringLiteral("correct horse"));
        TestPrompter prompter;
        prompter.secret = QStringLiteral("correct horse");
        auto source = make(&prompter, false, QStringLiteral("pangolin"), key);
        SourceRecorder rec(source.get());
        source->start();
        waitConnectedWithData(rec, 0);
        QCOMPARE(prompter.secretQuestions, 1);
        QVERIFY(prompter.lastSecret.kind == SecretQuestion::Kind::KeyPassphrase);
        f->killSessions();
        waitConnectedWithData(rec, 1);
        QCOMPARE(prompter.secretQuestions, 1); // the reconnect did not ask again
        stopQuickly(*source);
    }

    void encryptedKeyWithoutTerminalFails()
    {
        const QString key = f->encryptedClientKey(QStringLiteral("secret"));
        auto source = make(nullptr, false, QStringLiteral("pangolin"), key);
        SourceRecorder rec(source.get());
        source->start();
        QTRY_VERIFY2_WITH_TIMEOUT(rec.lastStatus().state == State::AuthenticationFailed, qPrintable(rec.statusLog()),
                                  30000);
        const QString msg = rec.lastStatus().message;
        QVERIFY2(
            msg.contains(QStringLiteral("authentication failed for %1@127.0.0.1:%2").arg(f->user()).arg(f->port())),
            qPrintable(msg));
        QVERIFY(msg.contains(QLatin1String("publickey")));
        stopQuickly(*source);
    }

    // A container that is not there (removed, not created yet) is waited for, and watched once it is.
    void missingContainerIsWaitedFor()
    {
        auto source = make(nullptr, false, QStringLiteral("nosuch"));
        SourceRecorder rec(source.get());
        source->start();
        QTRY_VERIFY2_WITH_TIMEOUT(rec.lastStatus().container == ConnectionStatus::Container::Absent,
                                  qPrintable(rec.statusLog()), 10000);
        QVERIFY(rec.lastStatus().state == State::Connected);
        QVERIFY2(rec.lastStatus().message.contains(QLatin1String("waiting for container 'nosuch'")),
                 qPrintable(rec.lastStatus().message));
        QCOMPARE(rec.backfillFinished, 0);
        QCOMPARE(rec.statsSamples(), 0);
        f->setAliases({QStringLiteral("nosuch")}); // `docker run --name nosuch …`
        QTRY_VERIFY2_WITH_TIMEOUT(rec.backfillFinished == 1 && rec.statsSamples() > 1, qPrintable(rec.statusLog()),
                                  20000);
        QVERIFY(rec.lastStatus().container == ConnectionStatus::Container::Running);
        stopQuickly(*source);
    }

    void unreachableHost()
    {
        f->killSshd();
        auto source = make();
        SourceRecorder rec(source.get());
        source->start();
        QTRY_VERIFY_WITH_TIMEOUT(rec.lastStatus().state == State::Failed, 10000);
        QVERIFY2(rec.lastStatus().message.startsWith(QStringLiteral("cannot connect to 127.0.0.1:%1").arg(f->port())),
                 qPrintable(rec.lastStatus().message));
        source->stop();
        // With a prompter (the GUI), the first connection is retried with backoff instead.
        TestPrompter prompter;
        auto gui = make(&prompter);
        SourceRecorder guiRec(gui.get());
        gui->start();
        QTRY_VERIFY_WITH_TIMEOUT(
            guiRec.lastStatus().state == State::Reconnecting && guiRec.lastStatus().retryInSeconds >= 1, 10000);
        QString error;
        QVERIFY(f->startSshd(&error));
        QTRY_VERIFY2_WITH_TIMEOUT(guiRec.backfillFinished == 1, qPrintable(guiRec.statusLog()), 30000);
        stopQuickly(*gui);
    }

    // sshd dies in the middle of the stream and comes back: the source reconnects and the samples equal the
    // lines the server printed, none missing, none twice.
    void sshdRestartIsGapless()
    {
        auto source = make();
        SourceRecorder rec(source.get());
        source->start();
        QTRY_VERIFY_WITH_TIMEOUT(rec.backfillFinished == 1, 30000);
        QTest::qWait(2500);
        f->killSshd();
        QTRY_VERIFY_WITH_TIMEOUT(rec.lastStatus().state == State::Reconnecting, 5000);
        QTest::qWait(2500); // the container keeps logging while we are away
        QString error;
        QVERIFY2(f->startSshd(&error), qPrintable(error));
        waitConnectedWithData(rec, 1);
        QCOMPARE(rec.backfillFinished, 1);
        QTest::qWait(3000);
        const qint64 until = nowNs() - 2500000000LL;
        verifyGapless(rec, until);
        stopQuickly(*source);
    }

    // The container restarts: `logs -f` exits with it, is re-run from the last timestamp, and the restart is
    // reported as an event; nothing is lost or doubled around it.
    void containerRestartReattachesFollower()
    {
        auto source = make();
        SourceRecorder rec(source.get());
        source->start();
        QTRY_VERIFY_WITH_TIMEOUT(rec.backfillFinished == 1, 30000);
        QTest::qWait(1500);
        const int followersBefore = int(f->invocations().filter(QStringLiteral("--follow")).size());
        f->requestRestart();
        QTRY_VERIFY2_WITH_TIMEOUT(
            [&] {
                for (const auto& e : rec.events()) {
                    if (e.kind == ContainerEvent::Kind::Start || e.kind == ContainerEvent::Kind::Restart) {
                        return true;
                    }
                }
                return false;
            }(),
            qPrintable(rec.statusLog()), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(f->invocations().filter(QStringLiteral("--follow")).size() > followersBefore, 10000);
        // Inspect catches up with the new start.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const auto& b : rec.batches) {
                    if (b.info && b.info->restartCount == 1) {
                        return true;
                    }
                }
                return false;
            }(),
            10000);
        QTest::qWait(4000);
        verifyGapless(rec, nowNs() - 2500000000LL);
        bool sawDie = false;
        for (const auto& e : rec.events()) {
            sawDie = sawDie || e.kind == ContainerEvent::Kind::Die;
        }
        QVERIFY(sawDie);
        stopQuickly(*source);
    }

    // A link that goes quiet without an error (half-open TCP) is declared dead by stats silence.
    void silentStatsMeansDeadLink()
    {
        auto source = make(nullptr, false, QStringLiteral("pangolin"), QString(), 3000);
        SourceRecorder rec(source.get());
        source->start();
        waitConnectedWithData(rec, 0);
        f->pauseStats(true);
        QTRY_VERIFY_WITH_TIMEOUT(rec.sawState(State::Reconnecting), 8000);
        QVERIFY2(rec.statusLog().contains(QLatin1String("no data from")), qPrintable(rec.statusLog()));
        f->pauseStats(false);
        waitConnectedWithData(rec, 1);
        stopQuickly(*source);
    }

    // Five forced reconnects: each old connection's processes end with it, and stop() leaves nothing.
    void fiveReconnectsLeaveNothingBehind()
    {
        auto source = make();
        SourceRecorder rec(source.get());
        source->start();
        waitConnectedWithData(rec, 0);
        if (QTest::currentTestFailed()) {
            return;
        }
        for (int i = 1; i <= 5; ++i) {
            f->killSessions();
            waitConnectedWithData(rec, i);
            if (QTest::currentTestFailed()) {
                return;
            }
            // Only this connection's long-running commands remain (stats, logs -f, events; maybe an inspect).
            QTRY_VERIFY2_WITH_TIMEOUT(f->liveDockerProcesses().size() <= 4,
                                      qPrintable(f->liveDockerProcesses().join(QLatin1Char('\n'))), 4000);
        }
        QCOMPARE(rec.lastStatus().reconnects, 5);
        QVERIFY(f->invocations().filter(QStringLiteral("stats ")).size() >= 6);
        stopQuickly(*source);
        QVERIFY(f->liveDockerProcesses().isEmpty());
    }

    void injectionRunsNothing_data()
    {
        QTest::addColumn<QString>("container");
        QTest::addRow("semicolon") << "pangolin;touch CANARY";
        QTest::addRow("subst") << "$(touch CANARY)";
        QTest::addRow("backticks") << "`touch CANARY`";
        QTest::addRow("quotes") << "pangolin';touch CANARY;'";
        QTest::addRow("double quotes") << "pangolin\"$(touch CANARY)\"";
        QTest::addRow("newline") << "pangolin\ntouch CANARY";
        QTest::addRow("ampersand") << "pangolin&touch CANARY";
    }

    void injectionRunsNothing()
    {
        QFETCH(QString, container);
        const QString canary = f->dir() + QStringLiteral("/canary");
        container.replace(QLatin1String("CANARY"), canary);
        TargetConfig o;
        SourceContext ctx;
        o.location = f->target(container);
        o.identityFile = f->clientKey();
        o.knownHostsFile = f->knownHostsFile();
        QString error;
        QVERIFY(!createSource(o, ctx, &error));
        QVERIFY2(error.contains(QLatin1String("invalid container name")), qPrintable(error));
        QTest::qWait(200);
        QVERIFY(!QFile::exists(canary));
        QVERIFY(f->invocations().isEmpty());
        QVERIFY(!f->sshdLog().contains(QLatin1String("Accepted")));
    }

    // Two containers on one host share one SSH connection. The second target comes once the first flows: a
    // channel heapwatch closed is counted against its connection's room for two seconds (sshd may still hold
    // its session), so both start-up bursts at once (engine, inspect and backfill commands of both, each
    // counted for those two seconds) can fill the room of 8 on a slow machine, where a second connection is
    // the pool doing its job, not two hosts.
    void oneConnectionPerHost()
    {
        TestPrompter prompter; // sources share a host only when they share the prompter that may be asked
        auto a = make(&prompter);
        auto b = make(&prompter, false, QStringLiteral("nosuch"));
        SourceRecorder recA(a.get());
        SourceRecorder recB(b.get());
        a->start();
        QTRY_VERIFY_WITH_TIMEOUT(recA.backfillFinished == 1 && recA.statsSamples() > 0, 30000);
        QTest::qWait(2500); // the first target's start-up commands are off its connection's count
        b->start();
        QTRY_VERIFY_WITH_TIMEOUT(recB.lastStatus().container == ConnectionStatus::Container::Absent, 30000);
        QVERIFY2(f->sshdLog().count(QLatin1String("Accepted publickey")) == 1, qPrintable(f->sshdLog()));
        b->stop();
        QTest::qWait(1000);
        QVERIFY2(recA.lastStatus().state == State::Connected, qPrintable(toString(recA.lastStatus().state)));
        stopQuickly(*a);
    }
};

QTEST_GUILESS_MAIN(TestSshSource)
#include "tst_sshsource.moc"
