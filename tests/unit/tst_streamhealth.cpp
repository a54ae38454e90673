// StreamHealth: a target is live only while each of its streams flows at its expected pace; a silent stream
// makes it stale, a stopped or absent container makes it "waiting", a stream whose command does not run
// "down". Demo and replay sources are not judged.
#include "StreamHealth.h"

#include <QDateTime>
#include <QTest>

using namespace heapwatch;

Q_DECLARE_METATYPE(heapwatch::ConnectionStatus::Container)

namespace {

using S = StreamHealth::State;
using C = ConnectionStatus::Container;

// A target that got Memory lines every intervalS seconds (history, docker times) ending lastMemoryAgoS ago,
// and a stats sample statsAgoS ago; streams running as given.
TargetState makeState(qint64 now, int intervalS, int lastMemoryAgoS, int statsAgoS, C container, bool running)
{
    TargetState state(QStringLiteral("t"));
    IngestBatch history;
    history.backfill = true;
    for (int i = 5; i >= 0; --i) {
        LogRecord r;
        r.kind = LogKind::Memory;
        r.atMs = now - qint64(lastMemoryAgoS + i * intervalS) * 1000;
        r.memory.atMs = r.atMs;
        r.memory.rssMiB = 300 + i;
        history.logs.push_back(r);
    }
    state.apply(history);
    if (statsAgoS >= 0) {
        IngestBatch live;
        live.backfill = true; // the arrival time of Memory lines must stay the history's
        StatsSample s;
        s.atMs = now - qint64(statsAgoS) * 1000;
        s.containerId = QStringLiteral("6f70f8e18d04");
        s.cpuPercent = 1.5;
        s.memUsageBytes = 139.6 * 1024 * 1024;
        live.stats.push_back(s);
        state.apply(live);
    }
    ConnectionStatus c;
    c.state = ConnectionStatus::State::Connected;
    c.container = container;
    c.statsRunning = running;
    c.logsRunning = running;
    c.eventsRunning = running;
    c.statsRunningSinceMs = now - 60000;
    state.setConnection(c);
    return state;
}

} // namespace

class TestStreamHealth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void judged_data()
    {
        QTest::addColumn<int>("intervalS");
        QTest::addColumn<int>("lastMemoryAgoS");
        QTest::addColumn<int>("statsAgoS");
        QTest::addColumn<C>("container");
        QTest::addColumn<bool>("running");
        QTest::addColumn<int>("stats");
        QTest::addColumn<int>("logs");
        QTest::addColumn<bool>("allUp");

        // The seed's app logs Memory every 60 s: 2 intervals + 30 s of silence are allowed.
        QTest::addRow("all flowing") << 60 << 20 << 1 << C::Running << true << int(S::Flowing) << int(S::Flowing)
                                     << true;
        QTest::addRow("memory line overdue")
            << 60 << 200 << 1 << C::Running << true << int(S::Flowing) << int(S::Stale) << false;
        QTest::addRow("memory within its own slow pace")
            << 300 << 400 << 1 << C::Running << true << int(S::Flowing) << int(S::Flowing) << true;
        QTest::addRow("stats silent 20 s")
            << 60 << 20 << 20 << C::Running << true << int(S::Stale) << int(S::Flowing) << false;
        QTest::addRow("podman's 5 s stats pace")
            << 60 << 20 << 5 << C::Running << true << int(S::Flowing) << int(S::Flowing) << true;
        QTest::addRow("commands not running")
            << 60 << 20 << 1 << C::Running << false << int(S::Down) << int(S::Down) << false;
        QTest::addRow("container stopped")
            << 60 << 20 << 30 << C::Stopped << false << int(S::Waiting) << int(S::Waiting) << false;
        QTest::addRow("container absent")
            << 60 << 20 << 30 << C::Absent << false << int(S::Waiting) << int(S::Waiting) << false;
    }

    void judged()
    {
        QFETCH(int, intervalS);
        QFETCH(int, lastMemoryAgoS);
        QFETCH(int, statsAgoS);
        QFETCH(C, container);
        QFETCH(bool, running);
        QFETCH(int, stats);
        QFETCH(int, logs);
        QFETCH(bool, allUp);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const TargetState state = makeState(now, intervalS, lastMemoryAgoS, statsAgoS, container, running);
        QCOMPARE(state.memoryIntervalMs(), qint64(intervalS) * 1000);
        const auto h = streamHealth(state, now);
        QCOMPARE(h.size(), size_t(3));
        QCOMPARE(toString(h[0].state), toString(S(stats)));
        QCOMPARE(toString(h[1].state), toString(S(logs)));
        QCOMPARE(allStreamsUp(h), allUp);
        if (h[1].state == S::Stale)
            QCOMPARE(staleForMs(h, now), qint64(lastMemoryAgoS) * 1000);
    }

    void demoIsNotJudged()
    {
        TargetState state(QStringLiteral("demo"));
        ConnectionStatus c;
        c.state = ConnectionStatus::State::Connected;
        c.engine = QStringLiteral("demo");
        state.setConnection(c);
        QVERIFY(streamHealth(state, QDateTime::currentMSecsSinceEpoch()).empty());
    }
};

QTEST_GUILESS_MAIN(TestStreamHealth)
#include "tst_streamhealth.moc"
