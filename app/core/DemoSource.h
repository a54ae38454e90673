// The built-in demo host: a simulated Pangolin container replaying the memory investigation's production story.
// Six hours of the previous deployment are already in it; five minutes ago the reduced-memory image was
// deployed: RSS started at 244.2 MB and warmed up by 92.4 MB to the investigation's T+5 figures, which are "now".
// From there it streams live, one stats sample a second. No network.
#pragma once

#include "Source.h"

#include <QTimer>
#include <random>

namespace heapwatch {

struct DemoOptions
{
    QString container = QStringLiteral("pangolin");
    double historyHours = 6.0; // history of the previous deployment, before the redeploy five minutes ago
    int statsIntervalMs = 1000; // docker stats, as the live stream
    int memoryLogIntervalMs = 10000; // the app's Memory: line (production logs it every 5 min)
    int cacheLogIntervalMs = 60000; // the app's Cache stats line
    unsigned seed = 20260114;
    bool live = true; // keep streaming after the history
    qint64 nowMs = -1; // -1: the wall clock
};

class DemoSource : public Source
{
    Q_OBJECT
public:
    static constexpr qint64 kWarmupMs = 5 * 60 * 1000; // the investigation's T+0 → T+5 min

    explicit DemoSource(DemoOptions options = {}, QObject* parent = nullptr);

    void start() override;
    void stop() override;
    QString targetName() const override;
    // The history up to the wall clock (or options.nowMs).
    bool readHistory(const std::function<void(const IngestBatch&)>& sink, QString* error) override;

    // Everything from the start of the history up to nowMs, handed to sink in batches (tests, benchmarks).
    void generateHistory(qint64 nowMs, const std::function<void(const IngestBatch&)>& sink);

private:
    void tick();
    void generate(qint64 fromMs, qint64 toMs, IngestBatch& batch);
    LogRecord memoryRecord(qint64 atMs);
    LogRecord cacheRecord(qint64 atMs);
    StatsSample statsSample(qint64 atMs);
    ContainerInfo info() const;
    double noise(double amplitude);

    DemoOptions m_options;
    qint64 m_historyStartMs = 0;
    qint64 m_deployMs = 0; // the reduced-memory image started here
    qint64 m_storyNowMs = 0; // T+5 min: the investigation's figures, exactly
    qint64 m_nextMemoryMs = 0;
    qint64 m_nextCacheMs = 0;
    qint64 m_nextStatsMs = 0;
    qint64 m_nextProblemMs = 0;
    qint64 m_emittedUntilMs = -1;
    bool m_oldStopped = false;
    bool m_newStarted = false;
    std::mt19937 m_rng;
    QTimer m_timer;
};

} // namespace heapwatch
