// A target holding exactly the seed report's numbers: T+0 and T+5 min `Memory:` lines, the cache line,
// one `docker stats` sample and the inspect data, judged at T+5 (a finite source, so "now" is its last data).
#pragma once

#include "LogParser.h"
#include "Source.h"
#include "Target.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QSignalSpy>
#include <QTest>
#include <memory>

namespace heapwatch::test {

class FixedSource : public Source
{
public:
    explicit FixedSource(IngestBatch batch)
        : m_batch(std::move(batch))
    {
    }
    void start() override
    {
        Q_EMIT batchReady(m_batch);
        Q_EMIT backfillFinished();
    }
    void stop() override { }
    QString targetName() const override { return QStringLiteral("seed/pangolin"); }
    bool isLive() const override { return false; }

private:
    IngestBatch m_batch;
};

inline qint64 seedStartMs()
{
    return QDateTime::fromString(QStringLiteral("2026-01-14T10:00:00Z"), Qt::ISODate).toMSecsSinceEpoch();
}

inline IngestBatch seedBatch()
{
    const QByteArray log
        = "2026-01-14T10:00:00.000Z [info]: Memory: RSS=244.2MB, Heap=140.7MB/166.7MB, External=13.1MB, "
          "ArrayBuffers=9.4MB\n"
          "2026-01-14T10:05:00.000Z [info]: Memory: RSS=336.6MB, Heap=212.7MB/218.0MB, External=17.6MB, "
          "ArrayBuffers=13.6MB\n"
          "2026-01-14T10:05:00.000Z [info]: Cache stats - Keys: 2, Hits: 1346, Misses: 482, Hit rate: 73.63%\n"
          "2026-01-14T10:04:00.000Z [warn]: Slow query on /api/v1/org | resources: <b>486 ms</b>\n";
    IngestBatch batch;
    LogParser parser;
    parser.feed(log, LogStream::Stdout, batch.logs);
    parser.finish(batch.logs);
    StatsSample s;
    s.atMs = seedStartMs() + 5 * 60 * 1000;
    s.containerId = QStringLiteral("abc123");
    s.name = QStringLiteral("pangolin");
    s.cpuPercent = 2.82;
    s.memUsageBytes = 364.8 * 1024 * 1024;
    s.memLimitBytes = 860.6 * 1024 * 1024;
    s.memPercent = 42.4;
    s.pids = 11;
    batch.stats.push_back(s);
    ContainerInfo info;
    info.id = QStringLiteral("abc123");
    info.name = QStringLiteral("pangolin");
    info.image = QStringLiteral("jjeuriss/pangolin:reduced_memory");
    info.status = QStringLiteral("running");
    info.health = QStringLiteral("healthy");
    info.running = true;
    info.exitCode = 0;
    info.restartCount = 0;
    info.startedAtMs = seedStartMs();
    info.nodeOptionsKnown = true;
    info.nodeOptions = QStringLiteral("--max-old-space-size=384");
    info.heapLimitMiB = 384;
    batch.info = info;
    return batch;
}

// The seed judged its single T+5 line on its own: heap usage enters a level at one sample here (the default
// waits for two, which two Memory lines five minutes apart cannot show at T+5).
inline Thresholds seedThresholds()
{
    Thresholds t = Thresholds::defaults();
    t.heapUsageSustain = {1, 0};
    return t;
}

// The seed target, started and with its batch applied.
// A target that has taken the batch as its history; nullptr when it did not within 5 s.
inline std::unique_ptr<Target> startedTarget(IngestBatch batch, const Thresholds& thresholds)
{
    auto target = std::make_unique<Target>(std::make_unique<FixedSource>(std::move(batch)), thresholds);
    QSignalSpy done(target.get(), &Target::backfillFinished);
    target->start();
    if (!done.wait(5000))
        return nullptr;
    QCoreApplication::processEvents();
    return target;
}

inline std::unique_ptr<Target> seedTarget()
{
    return startedTarget(seedBatch(), seedThresholds());
}

} // namespace heapwatch::test
