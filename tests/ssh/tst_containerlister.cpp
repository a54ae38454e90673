// ContainerLister over a real sshd on 127.0.0.1 (SshdFixture) with the fake docker answering `ps` from the
// docker CLI 28.2.2 capture: the list arrives parsed, host-key and passphrase questions go through the
// Prompter, failures are worded, a pending question is cancelled promptly, and nothing is left running.
#include "ContainerLister.h"
#include "Prompter.h"
#include "SshdFixture.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <atomic>

using namespace heapwatch;
using namespace heapwatch::test;

namespace {

class TestPrompter : public Prompter
{
public:
    HostKeyDecision decision = HostKeyDecision::Reject;
    std::optional<QString> secret;
    std::atomic<int> hostKeyQuestions {0};
    std::atomic<int> secretQuestions {0};
    SecretQuestion lastSecret;
    // When set, confirmHostKey() blocks until cancelPending() (a dialog nobody answers).
    bool blockOnHostKey = false;
    std::atomic<bool> cancelled {false};
    std::atomic<int> cancelCalls {0};

    HostKeyDecision confirmHostKey(const HostKeyQuestion&) override
    {
        ++hostKeyQuestions;
        while (blockOnHostKey && !cancelled)
            QThread::msleep(10);
        return cancelled ? HostKeyDecision::Reject : decision;
    }
    std::optional<QString> askSecret(const SecretQuestion& q) override
    {
        ++secretQuestions;
        lastSecret = q;
        return secret;
    }
    void cancelPending() override
    {
        ++cancelCalls;
        cancelled = true;
    }
    void resetCancel() override { cancelled = false; }
};

QString fixtureShortId(const SshdFixture& f)
{
    QFile file(f.stateDir() + QStringLiteral("/id"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll().trimmed().left(12));
}

int psInvocations(const SshdFixture& f)
{
    int n = 0;
    for (const QString& inv : f.invocations())
        n += inv.contains(QLatin1String(" ps --format {{json .}}")) ? 1 : 0;
    return n;
}

} // namespace

class TestContainerLister : public QObject
{
    Q_OBJECT

    std::unique_ptr<SshdFixture> f;

    ContainerListRequest request(Prompter* prompter = nullptr)
    {
        ContainerListRequest r;
        r.target.location = QStringLiteral("ssh://%1@127.0.0.1:%2/").arg(f->user()).arg(f->port());
        r.target.identityFile = f->clientKey();
        r.target.knownHostsFile = f->knownHostsFile();
        r.prompter = prompter;
        return r;
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

    void listsContainersInTheBackground()
    {
        ContainerLister lister;
        QSignalSpy spy(&lister, &ContainerLister::finished);
        lister.start(request());
        QVERIFY(lister.isRunning());
        QVERIFY(spy.wait(30000));
        QCOMPARE(spy.count(), 1);
        QVERIFY(!lister.isRunning());
        const auto r = spy.at(0).at(0).value<ContainerListResult>();
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.engine, QStringLiteral("docker")); // detected on the server
        QCOMPARE(r.where, QStringLiteral("127.0.0.1:%1").arg(f->port()));
        QCOMPARE(int(r.listing.containers.size()), 1);
        const ContainerListEntry& c = r.listing.containers.front();
        QCOMPARE(c.name, QStringLiteral("pangolin"));
        QCOMPARE(c.image, QStringLiteral("<no image>"));
        QCOMPARE(c.state, QStringLiteral("running"));
        QCOMPARE(c.status, QStringLiteral("Up 37 seconds"));
        QCOMPARE(c.id, fixtureShortId(*f));
        QCOMPARE(c.id.size(), 12);
        QCOMPARE(r.listing.malformed, 0);
        QCOMPARE(psInvocations(*f), 1);
        QVERIFY2(f->waitUntilNoTaggedProcesses(4000), qPrintable(f->taggedProcesses().join(QLatin1Char('\n'))));
    }

    void explicitEngineSkipsDetection()
    {
        ContainerListRequest r = request();
        r.target.engine = QStringLiteral("docker");
        const auto result = ContainerLister::list(r, nullptr);
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(int(result.listing.containers.size()), 1);
        QCOMPARE(result.listing.containers.front().name, QStringLiteral("pangolin"));
    }

    void stoppedContainerIsNotListed()
    {
        QFile status(f->stateDir() + QStringLiteral("/status"));
        QVERIFY(status.open(QIODevice::WriteOnly | QIODevice::Truncate));
        status.write("exited\n");
        status.close();
        const auto result = ContainerLister::list(request(), nullptr);
        QVERIFY2(result.ok, qPrintable(result.error));
        QVERIFY(result.listing.containers.empty());
        QCOMPARE(psInvocations(*f), 1);
    }

    void unknownHostKeyAskedThroughPrompter()
    {
        f->clearKnownHosts();
        TestPrompter prompter;
        prompter.decision = HostKeyDecision::AcceptOnce;
        auto result = ContainerLister::list(request(&prompter), nullptr);
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(prompter.hostKeyQuestions.load(), 1);
        QCOMPARE(int(result.listing.containers.size()), 1);

        prompter.decision = HostKeyDecision::Reject;
        result = ContainerLister::list(request(&prompter), nullptr);
        QVERIFY(!result.ok);
        QCOMPARE(prompter.hostKeyQuestions.load(), 2);
        QVERIFY2(result.error.contains(f->hostFingerprint()), qPrintable(result.error));
        QCOMPARE(psInvocations(*f), 1); // nothing ran on a host that was not trusted
    }

    void unknownHostKeyRefusedWithoutPrompter()
    {
        f->clearKnownHosts();
        const auto result = ContainerLister::list(request(), nullptr);
        QVERIFY(!result.ok);
        QVERIFY2(result.error.contains(f->hostFingerprint()), qPrintable(result.error));
        QCOMPARE(psInvocations(*f), 0);
    }

    void passphraseAskedThroughPrompter()
    {
        TestPrompter prompter;
        prompter.secret = QStringLiteral("correct horse");
        ContainerListRequest r = request(&prompter);
        r.target.identityFile = f->encryptedClientKey(QStringLiteral("correct horse"));
        const auto result = ContainerLister::list(r, nullptr);
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(prompter.secretQuestions.load(), 1);
        QCOMPARE(prompter.lastSecret.kind, SecretQuestion::Kind::KeyPassphrase);
        QCOMPARE(int(result.listing.containers.size()), 1);
    }

    void unreachableHostIsAnError()
    {
        QTcpServer closed; // a loopback port that nobody listens on once this is closed
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close();
        ContainerListRequest r = request();
        r.target.location = QStringLiteral("ssh://%1@127.0.0.1:%2/").arg(f->user()).arg(port);
        const auto result = ContainerLister::list(r, nullptr);
        QVERIFY(!result.ok);
        QVERIFY2(result.error.contains(QStringLiteral("cannot connect")), qPrintable(result.error));
    }

    void unknownEngineRefusedBeforeConnecting()
    {
        ContainerListRequest r = request();
        r.target.engine = QStringLiteral("docker; touch /tmp/x");
        const auto result = ContainerLister::list(r, nullptr);
        QVERIFY(!result.ok);
        QVERIFY2(result.error.contains(QStringLiteral("unknown engine")), qPrintable(result.error));
        QCOMPARE(psInvocations(*f), 0);
    }

    void cancelEndsAPendingQuestion()
    {
        f->clearKnownHosts();
        TestPrompter prompter;
        prompter.blockOnHostKey = true;
        auto lister = std::make_unique<ContainerLister>();
        QSignalSpy spy(lister.get(), &ContainerLister::finished);
        lister->start(request(&prompter));
        QTRY_COMPARE_WITH_TIMEOUT(prompter.hostKeyQuestions.load(), 1, 20000);
        QElapsedTimer t;
        t.start();
        lister.reset(); // cancels the question and waits for the worker
        QVERIFY2(t.elapsed() < 2000, qPrintable(QStringLiteral("took %1 ms").arg(t.elapsed())));
        QCOMPARE(prompter.cancelCalls.load(), 1);
        QCOMPARE(spy.count(), 0); // a cancelled listing reports nothing
        QCOMPARE(psInvocations(*f), 0);
    }

    void restartDropsTheEarlierResult()
    {
        f->clearKnownHosts();
        TestPrompter blocking;
        blocking.blockOnHostKey = true;
        ContainerLister lister;
        QSignalSpy spy(&lister, &ContainerLister::finished);
        lister.start(request(&blocking));
        QTRY_COMPARE_WITH_TIMEOUT(blocking.hostKeyQuestions.load(), 1, 20000);
        f->trustHostKey();
        lister.start(request()); // the first run is cancelled, only the second reports
        QVERIFY(spy.wait(30000));
        QTest::qWait(300);
        QCOMPARE(spy.count(), 1);
        const auto r = spy.at(0).at(0).value<ContainerListResult>();
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(blocking.cancelCalls.load(), 1);
    }
};

QTEST_GUILESS_MAIN(TestContainerLister)
#include "tst_containerlister.moc"
