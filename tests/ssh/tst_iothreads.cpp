// The threading model of ssh/SshHost.h, measured: stopping or removing a target never waits for the
// network, even while its host is still connecting to a server that accepted TCP and never answers; the
// worker then lets go of the connection on its own and its thread is joined (ThreadReaper). The same for a
// container listing and a saved log still being read.
#include "ContainerLister.h"
#include "NonInteractivePrompter.h"
#include "ReplaySource.h"
#include "SourceFactory.h"
#include "ThreadReaper.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryFile>
#include <QTest>
#include <memory>
#include <vector>

using namespace heapwatch;

namespace {

// What a stop, a remove or a cancel may take on the GUI thread: posting a request, nothing more.
constexpr qint64 kAtOnceMs = 50;

// Accepts every connection on 127.0.0.1 and never sends a byte (no SSH banner): a client stays in connect.
class SilentServer : public QTcpServer
{
public:
    SilentServer()
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = nextPendingConnection())
                accepted.push_back(s);
        });
    }
    int open() const
    {
        return int(std::count_if(accepted.begin(), accepted.end(),
                                 [](QTcpSocket* s) { return s->state() == QAbstractSocket::ConnectedState; }));
    }
    std::vector<QTcpSocket*> accepted;
};

// A port on 127.0.0.1 where nothing listens: connecting is refused at once.
quint16 closedPort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost);
    return s.serverPort();
}

} // namespace

class TestIoThreads : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // Threads of earlier tests are gone before anything is counted.
        ThreadReaper::joinAll();
    }

    void stopReturnsAtOnce_data()
    {
        QTest::addColumn<int>("targets"); // containers on the one host
        QTest::addColumn<bool>("withPrompter"); // console and serve: failures are retried with backoff
        QTest::addColumn<bool>("silent"); // false: the port is closed (connect refused, then backoff)
        QTest::addColumn<bool>("destroyOnly"); // no stop(): the destructor is what stops it
        QTest::addRow("check, server never answers") << 1 << false << true << false;
        QTest::addRow("console, server never answers") << 1 << true << true << false;
        QTest::addRow("console, three containers of one host") << 3 << true << true << false;
        QTest::addRow("console, destroyed while connecting") << 2 << true << true << true;
        QTest::addRow("console, port closed, in backoff") << 1 << true << false << false;
    }

    void stopReturnsAtOnce()
    {
        QFETCH(int, targets);
        QFETCH(bool, withPrompter);
        QFETCH(bool, silent);
        QFETCH(bool, destroyOnly);

        SilentServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        const quint16 port = silent ? server.serverPort() : closedPort();
        auto prompter = std::make_unique<NonInteractivePrompter>(false, false);

        std::vector<std::unique_ptr<Source>> sources;
        std::vector<std::unique_ptr<QSignalSpy>> spies;
        for (int i = 0; i < targets; ++i) {
            TargetConfig o;
            SourceContext ctx;
            o.location = QStringLiteral("ssh://heapwatch@127.0.0.1:%1/pangolin-%2").arg(port).arg(i);
            o.knownHostsFile = QStringLiteral("/nonexistent/known_hosts");
            ctx.prompter = withPrompter ? prompter.get() : nullptr;
            QString error;
            auto source = createSource(o, ctx, &error);
            QVERIFY2(source, qPrintable(error));
            spies.push_back(std::make_unique<QSignalSpy>(source.get(), &Source::connectionChanged));
            QElapsedTimer t;
            t.start();
            source->start();
            QVERIFY2(t.elapsed() < kAtOnceMs, qPrintable(QStringLiteral("start() took %1 ms").arg(t.elapsed())));
            sources.push_back(std::move(source));
        }
        if (silent) {
            // Mid-connect: the TCP connection is up, the worker waits for the server's banner.
            QTRY_VERIFY_WITH_TIMEOUT(server.open() == 1, 5000);
            QTest::qWait(100);
            QCOMPARE(server.open(), 1); // one connection for every container of the host
        } else {
            QTRY_VERIFY_WITH_TIMEOUT(!spies.front()->isEmpty()
                                         && spies.front()->last().at(0).value<ConnectionStatus>().state
                                             == ConnectionStatus::State::Reconnecting,
                                     5000);
        }
        QVERIFY(ThreadReaper::pending() == 0);

        for (auto& source : sources) {
            QElapsedTimer t;
            t.start();
            if (destroyOnly) {
                source.reset();
            } else {
                source->stop();
            }
            QVERIFY2(t.elapsed() < kAtOnceMs, qPrintable(QStringLiteral("stopping took %1 ms").arg(t.elapsed())));
        }
        // Handed over, not joined by the caller: the worker is still winding down.
        QVERIFY(ThreadReaper::pending() >= 1);
        // The caller's prompter may go at once: the host asks it nothing more.
        prompter.reset();
        const qsizetype statusesAtStop = spies.empty() ? 0 : spies.front()->size();

        // The worker notices on its own, drops the connection and ends; its thread is joined.
        QTRY_COMPARE_WITH_TIMEOUT(server.open(), 0, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(ThreadReaper::pending(), 0, 5000);
        if (!destroyOnly)
            QCOMPARE(spies.front()->size(), statusesAtStop); // a stopped source hears nothing more
    }

    // A listing of a host that never answers: cancel() and the destructor return at once, no result comes.
    void listingCancelsAtOnce_data()
    {
        QTest::addColumn<bool>("destroy");
        QTest::addRow("cancel") << false;
        QTest::addRow("destroy") << true;
    }

    void listingCancelsAtOnce()
    {
        QFETCH(bool, destroy);
        SilentServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        auto lister = std::make_unique<ContainerLister>();
        QSignalSpy finished(lister.get(), &ContainerLister::finished);
        ContainerListRequest request;
        request.target.location = QStringLiteral("ssh://heapwatch@127.0.0.1:%1/").arg(server.serverPort());
        request.target.knownHostsFile = QStringLiteral("/nonexistent/known_hosts");
        QElapsedTimer t;
        t.start();
        lister->start(request);
        QVERIFY2(t.elapsed() < kAtOnceMs, qPrintable(QStringLiteral("start() took %1 ms").arg(t.elapsed())));
        QVERIFY(lister->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(server.open() == 1, 5000);

        t.restart();
        if (destroy)
            lister.reset();
        else
            lister->cancel();
        QVERIFY2(t.elapsed() < kAtOnceMs, qPrintable(QStringLiteral("cancelling took %1 ms").arg(t.elapsed())));
        QTRY_COMPARE_WITH_TIMEOUT(server.open(), 0, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(ThreadReaper::pending(), 0, 5000);
        QCOMPARE(finished.size(), 0);
    }

    // A saved log of 200 000 lines: start() returns before it is read, stop() in the middle returns at once
    // and nothing is emitted after it; read to the end, every line arrives, in order, and Finished last.
    void replayNeverBlocks_data()
    {
        QTest::addColumn<bool>("stopEarly");
        QTest::addRow("read to the end") << false;
        QTest::addRow("stopped while reading") << true;
    }

    void replayNeverBlocks()
    {
        QFETCH(bool, stopEarly);
        QTemporaryFile file;
        QVERIFY(file.open());
        constexpr int kLines = 200000;
        QByteArray data;
        for (int i = 0; i < kLines; ++i)
            data += "2026-11-27T12:20:" + QByteArray::number(10 + i % 50) + "." + QByteArray::number(100000 + i)
                + "Z [info]: Memory: RSS=380.0MB, Heap=200.0MB/300.0MB, External=1.0MB, ArrayBuffers=0.5MB\n";
        QCOMPARE(file.write(data), qint64(data.size()));
        file.close();

        ReplaySource source(file.fileName());
        quint64 lines = 0;
        int batches = 0;
        QList<ConnectionStatus::State> states;
        connect(&source, &Source::batchReady, this, [&](const IngestBatch& b) {
            lines += b.logCounters.lines;
            ++batches;
        });
        connect(&source, &Source::connectionChanged, this, [&](const ConnectionStatus& s) { states.append(s.state); });
        // Stopped by the first batch's handler: the reader then has at most kMaxBatchesInFlight of the file's twenty
        // or so batches posted, so it is still reading however fast the machine (stopped after a wait for the first
        // batch, it could have read the whole file and posted Finished meanwhile).
        qint64 stopMs = -1;
        quint64 atStop = 0;
        if (stopEarly) {
            connect(&source, &Source::batchReady, this, [&](const IngestBatch&) {
                if (stopMs >= 0)
                    return;
                QElapsedTimer stopping;
                stopping.start();
                source.stop();
                stopMs = stopping.elapsed();
                atStop = lines; // the first batch's, counted by the handler connected before this one
            });
        }
        QElapsedTimer t;
        t.start();
        source.start();
        QVERIFY2(t.elapsed() < kAtOnceMs, qPrintable(QStringLiteral("start() took %1 ms").arg(t.elapsed())));
        QCOMPARE(lines, quint64(0)); // nothing was read in start()
        QCOMPARE(states.size(), 1);
        QVERIFY(states.first() == ConnectionStatus::State::Connecting);
        if (stopEarly) {
            QTRY_VERIFY_WITH_TIMEOUT(stopMs >= 0, 10000);
            QVERIFY2(stopMs < kAtOnceMs, qPrintable(QStringLiteral("stop() took %1 ms").arg(stopMs)));
            QCOMPARE(batches, 1);
            QVERIFY(atStop > 0 && atStop < quint64(kLines)); // in the middle
            QTRY_COMPARE_WITH_TIMEOUT(ThreadReaper::pending(), 0, 5000);
            QTest::qWait(50);
            QCOMPARE(lines, atStop);
            QCOMPARE(batches, 1);
            QCOMPARE(states.size(), 1);
            return;
        }
        QTRY_COMPARE_WITH_TIMEOUT(states.size(), 2, 30000);
        QVERIFY2(states.last() == ConnectionStatus::State::Finished, qPrintable(toString(states.last())));
        QCOMPARE(lines, quint64(kLines));
    }
};

QTEST_GUILESS_MAIN(TestIoThreads)
#include "tst_iothreads.moc"
