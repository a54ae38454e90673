// Targets for the fleet overview's tests and screenshots: an hour of `Memory:` lines (every 30 s) and
// `docker stats` samples (every 5 s) that move from one figure to another with a little noise, ending at a
// given time, delivered by a source that says it is connected (or reconnecting). The seed's figures make the
// critical one: RSS 336.6 MiB, heap 212.7/218 MiB (97.6%), container 364.8 MiB of 860.6 MiB.
#pragma once

#include "LogParser.h"
#include "Source.h"
#include "TargetConfig.h"

#include <QDateTime>
#include <cmath>
#include <memory>

namespace heapwatch::test {

struct FleetSpec
{
    QString host;
    QString container;
    double rss0 = 0, rss1 = 0; // MiB, an hour ago and at the end
    double heapUsed0 = 0, heapUsed1 = 0, heapTotal = 0;
    double mem0 = 0, mem1 = 0, memLimit = 0; // container memory, MiB
    double heapLimit = 384; // --max-old-space-size
    qint64 endsAgoMs = 0; // the data stops this long before now
    ConnectionStatus::State state = ConnectionStatus::State::Connected;
    int retryInSeconds = 0;

    TargetConfig entry() const { return TargetConfig::remote(QStringLiteral("%1/%2").arg(host, container)); }
};

inline FleetSpec seedSpec()
{
    return {QStringLiteral("web1"), QStringLiteral("pangolin"), 301.0, 336.6, 196.0, 212.7, 218.0, 330.0, 364.8, 860.6};
}

inline IngestBatch fleetBatch(const FleetSpec& s, qint64 nowMs)
{
    const qint64 end = nowMs - s.endsAgoMs;
    const qint64 start = end - 60 * 60 * 1000;
    const qint64 startedAt = start - 2 * 60 * 60 * 1000; // started three hours ago: past any warm-up
    auto along = [](double a, double b, double f, int i, double amplitude) {
        return a + (b - a) * f + amplitude * (std::sin(i * 0.9) * 0.6 + std::sin(i * 0.23) * 0.4);
    };
    QByteArray log;
    const int memoryLines = 120;
    for (int i = 0; i <= memoryLines; ++i) {
        const double f = double(i) / memoryLines;
        const bool last = i == memoryLines; // the end figures exactly
        const double rss = last ? s.rss1 : along(s.rss0, s.rss1, f, i, 1.5);
        const double used = last ? s.heapUsed1 : std::min(s.heapTotal, along(s.heapUsed0, s.heapUsed1, f, i, 1.2));
        const qint64 at = start + qint64(f * double(end - start));
        log += QDateTime::fromMSecsSinceEpoch(at, Qt::UTC).toString(Qt::ISODateWithMs).toUtf8()
            + " [info]: Memory: RSS=" + QByteArray::number(rss, 'f', 1) + "MB, Heap=" + QByteArray::number(used, 'f', 1)
            + "MB/" + QByteArray::number(s.heapTotal, 'f', 1) + "MB, External=17.6MB, ArrayBuffers=13.6MB\n";
    }
    IngestBatch batch;
    LogParser parser;
    parser.feed(log, LogStream::Stdout, batch.logs);
    parser.finish(batch.logs);
    const int samples = 720;
    for (int i = 0; i <= samples; ++i) {
        const double f = double(i) / samples;
        StatsSample st;
        st.atMs = start + qint64(f * double(end - start));
        st.containerId = QStringLiteral("c0ffee") + s.container;
        st.name = s.container;
        st.cpuPercent = 2.8;
        const double mem = i == samples ? s.mem1 : along(s.mem0, s.mem1, f, i, 1.0);
        st.memUsageBytes = mem * 1024 * 1024;
        st.memLimitBytes = s.memLimit * 1024 * 1024;
        st.memPercent = mem / s.memLimit * 100;
        st.pids = 11;
        batch.stats.push_back(st);
    }
    ContainerInfo info;
    info.id = QStringLiteral("c0ffee") + s.container;
    info.name = s.container;
    info.image = QStringLiteral("registry.example/%1:2026.01").arg(s.container);
    info.status = QStringLiteral("running");
    info.running = true;
    info.exitCode = 0;
    info.startedAtMs = startedAt;
    info.nodeOptionsKnown = true;
    info.nodeOptions = QStringLiteral("--max-old-space-size=%1").arg(s.heapLimit);
    info.heapLimitMiB = s.heapLimit;
    batch.info = info;
    return batch;
}

// A live source that has delivered its history and then reports a connection state.
class FleetSource : public Source
{
public:
    FleetSource(const FleetSpec& spec, qint64 nowMs)
        : m_spec(spec)
        , m_batch(fleetBatch(spec, nowMs))
        , m_nowMs(nowMs)
    {
    }
    void start() override
    {
        Q_EMIT batchReady(m_batch);
        Q_EMIT backfillFinished();
        emitState();
    }
    void stop() override { }
    QString targetName() const override { return m_spec.entry().location; }
    // The connection changes (a test loses it).
    void setState(ConnectionStatus::State state, int retryInSeconds = 0)
    {
        m_spec.state = state;
        m_spec.retryInSeconds = retryInSeconds;
        emitState();
    }

private:
    void emitState()
    {
        ConnectionStatus c;
        c.state = m_spec.state;
        c.host = m_spec.host;
        c.engine = QStringLiteral("docker");
        c.retryInSeconds = m_spec.retryInSeconds;
        if (c.state == ConnectionStatus::State::Connected) {
            c.container = ConnectionStatus::Container::Running;
            c.statsRunning = c.logsRunning = c.eventsRunning = true;
            c.statsRunningSinceMs = m_nowMs - 2 * 60 * 60 * 1000;
        }
        Q_EMIT connectionChanged(c);
    }

    FleetSpec m_spec;
    IngestBatch m_batch;
    qint64 m_nowMs;
};

} // namespace heapwatch::test
