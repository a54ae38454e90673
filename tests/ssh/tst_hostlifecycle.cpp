// Five containers on one host whose sshd has OpenSSH's default MaxSessions (10), through heapwatch's SSH
// path: every target's streams flow (their channels spread over more than one connection, without a storm of
// refused channels), and an ordinary day — stop, start, `rm -f`, `run` under the same name with a new id —
// leaves every target with fresh app samples and container stats by itself. Nothing is left on the server.
#include "NonInteractivePrompter.h"
#include "SourceFactory.h"
#include "SourceRecorder.h"
#include "SshdFixture.h"

#include <QElapsedTimer>
#include <QTest>
#include <memory>

using namespace heapwatch;
using heapwatch::test::SourceRecorder;
using heapwatch::test::SshdFixture;
using State = ConnectionStatus::State;
using Container = ConnectionStatus::Container;

class TestHostLifecycle : public QObject
{
    Q_OBJECT

    std::unique_ptr<SshdFixture> f;
    std::unique_ptr<NonInteractivePrompter> prompter; // shared: the targets share the host's connections
    std::vector<std::unique_ptr<Source>> sources;
    std::vector<std::unique_ptr<SourceRecorder>> recorders;
    QElapsedTimer clock;

    static QStringList names()
    {
        return {QStringLiteral("pangolin"), QStringLiteral("badger"), QStringLiteral("gerbil"),
                QStringLiteral("marmot"), QStringLiteral("otter")};
    }

    QString dump() const
    {
        QStringList out;
        for (size_t i = 0; i < recorders.size(); ++i) {
            out << QStringLiteral("== %1: stats %2, memory lines %3\n%4")
                       .arg(names()[qsizetype(i)])
                       .arg(recorders[i]->statsSamples())
                       .arg(recorders[i]->logs(LogKind::Memory).size())
                       .arg(recorders[i]->statusLog());
        }
        out << QStringLiteral("== server processes:\n") + f->taggedProcesses().join(QLatin1Char('\n'));
        return out.join(QLatin1Char('\n'));
    }

    // Every target gets more than `more` new stats samples and Memory lines from now on.
    void waitAllFlowing(int more, int timeoutMs)
    {
        std::vector<std::pair<int, size_t>> before;
        for (const auto& r : recorders) {
            before.emplace_back(r->statsSamples(), r->logs(LogKind::Memory).size());
        }
        const bool ok = QTest::qWaitFor(
            [&] {
                for (size_t i = 0; i < recorders.size(); ++i) {
                    if (recorders[i]->statsSamples() <= before[i].first + more
                        || recorders[i]->logs(LogKind::Memory).size() <= before[i].second + size_t(more)) {
                        return false;
                    }
                }
                return true;
            },
            timeoutMs);
        QVERIFY2(ok, qPrintable(dump()));
    }

    void waitAll(Container container, int timeoutMs)
    {
        const bool ok = QTest::qWaitFor(
            [&] {
                for (const auto& r : recorders) {
                    if (r->lastStatus().container != container || r->lastStatus().state != State::Connected) {
                        return false;
                    }
                }
                return true;
            },
            timeoutMs);
        QVERIFY2(ok,
                 qPrintable(QStringLiteral("waiting for every target to be %1\n%2").arg(toString(container), dump())));
    }

    // sshd refuses a channel over MaxSessions with "no more sessions": allowed about once a second at most.
    void verifyNoStorm()
    {
        const qsizetype refused = f->sshdLog().count(QLatin1String("no more sessions"));
        const qint64 seconds = clock.elapsed() / 1000 + 1;
        QVERIFY2(refused <= seconds,
                 qPrintable(QStringLiteral("%1 refused channels in %2 s").arg(refused).arg(seconds)));
    }

    // Starts the fixture (sshd with MaxSessions, 0: OpenSSH's default) and the five targets; with
    // firstAlone, the first one flows on its own before the others start.
    void startAll(int maxSessions = 0, bool firstAlone = false)
    {
        f->setMaxSessions(maxSessions);
        QString error;
        QVERIFY2(f->start(&error), qPrintable(error));
        f->trustHostKey();
        f->setAliases(names().mid(1));
        prompter = std::make_unique<NonInteractivePrompter>(false, false);
        for (const QString& name : names()) {
            TargetConfig o;
            SourceContext ctx;
            o.location = f->target(name);
            o.identityFile = f->clientKey();
            o.knownHostsFile = f->knownHostsFile();
            ctx.prompter = prompter.get();
            auto source = createSource(o, ctx, &error);
            QVERIFY2(source, qPrintable(error));
            recorders.push_back(std::make_unique<SourceRecorder>(source.get()));
            sources.push_back(std::move(source));
        }
        for (size_t i = 0; i < sources.size(); ++i) {
            sources[i]->start();
            if (i == 0 && firstAlone) {
                QTRY_VERIFY_WITH_TIMEOUT(
                    recorders[0]->statsSamples() > 3 && recorders[0]->logs(LogKind::Memory).size() > 3, 30000);
            }
        }
    }

private Q_SLOTS:
    void init()
    {
        f = std::make_unique<SshdFixture>();
        clock.start();
    }

    void cleanup()
    {
        if (!f->port()) {
            return;
        }
        QElapsedTimer stopping;
        stopping.start();
        for (auto& s : sources) {
            s->stop();
        }
        // stop() only asks the host's worker to close the channels, it never waits for the network.
        QVERIFY2(stopping.elapsed() < 200, qPrintable(QStringLiteral("stop() took %1 ms").arg(stopping.elapsed())));
        // Every remote command ends with its channel: nothing heapwatch started is left on the server soon
        // after it stopped (about a second for the wrapper to kill the engine, then sshd reaps them).
        QVERIFY2(f->waitUntilNoTaggedProcesses(4000), qPrintable(f->taggedProcesses().join(QLatin1Char('\n'))));
        recorders.clear();
        sources.clear();
        prompter.reset();
        f.reset();
    }

    void everyStreamOfFiveTargetsFlows()
    {
        startAll();
        waitAll(Container::Running, 30000);
        waitAllFlowing(3, 30000);
        for (const auto& r : recorders) {
            QCOMPARE(r->backfillFinished, 1);
        }
        // 5 targets × (stats, logs -f, events) do not fit in one connection of 10 sessions.
        const qsizetype logins = f->sshdLog().count(QLatin1String("Accepted publickey"));
        QVERIFY2(logins >= 2 && logins <= 4, qPrintable(QStringLiteral("%1 connections").arg(logins)));
        QCOMPARE(f->sshdLog().count(QLatin1String("no more sessions")), 0); // within the limit from the start
        verifyNoStorm();
    }

    // Targets removed: the further connections they needed are closed once idle (SshHost::kIdleConnectionMs).
    // The one left, which flowed alone on the first connection before the others came, keeps flowing.
    void idleConnectionsClose()
    {
        startAll(0, true);
        waitAll(Container::Running, 30000);
        waitAllFlowing(3, 30000);
        const auto open = [this] {
            return f->sshdLog().count(QLatin1String("Accepted publickey"))
                - f->sshdLog().count(QLatin1String("Disconnected from user"));
        };
        QVERIFY2(open() >= 2, qPrintable(QStringLiteral("%1 connections").arg(open())));
        while (sources.size() > 1) {
            sources.back()->stop();
            sources.pop_back();
            recorders.pop_back();
        }
        QTRY_VERIFY2_WITH_TIMEOUT(open() == 1, qPrintable(QStringLiteral("%1 connections open").arg(open())), 40000);
        waitAllFlowing(3, 30000);
        QCOMPARE(open(), 1);
    }

    // A server that allows fewer sessions than heapwatch puts on a connection: the refused channels are
    // asked for again on further connections, paced, and every stream flows in the end.
    void refusedChannelsMoveToAnotherConnection()
    {
        startAll(4);
        waitAll(Container::Running, 30000);
        waitAllFlowing(3, 60000);
        QVERIFY2(f->sshdLog().count(QLatin1String("no more sessions")) >= 1, "the server never refused a channel");
        verifyNoStorm();
    }

    void stopStartAndRecreateResumeEveryStream()
    {
        startAll();
        waitAll(Container::Running, 30000);
        waitAllFlowing(2, 30000);

        f->lifecycle(QStringLiteral("stop"));
        waitAll(Container::Stopped, 15000);
        QVERIFY(recorders.front()->lastStatus().message.contains(QLatin1String("stopped")));
        f->lifecycle(QStringLiteral("start"));
        waitAll(Container::Running, 15000);
        waitAllFlowing(3, 30000);

        f->lifecycle(QStringLiteral("rm"));
        waitAll(Container::Absent, 15000);
        QVERIFY2(recorders.back()->lastStatus().message.contains(QLatin1String("waiting for container 'otter'")),
                 qPrintable(recorders.back()->lastStatus().message));
        QTest::qWait(3000); // absent for a while: nothing gives up
        f->lifecycle(QStringLiteral("run"));
        waitAll(Container::Running, 15000);
        waitAllFlowing(3, 30000);
        verifyNoStorm();
    }
};

QTEST_GUILESS_MAIN(TestHostLifecycle)
#include "tst_hostlifecycle.moc"
