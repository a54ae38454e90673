// bench_overview: the fleet overview with 50 targets (default), each holding the demo host's history (two hours
// of one-second stats, a Memory: line every 10 s), offscreen in a 1600×1000 window. Every target takes a new
// stats sample and Memory line before each refresh (the worst case: every target moved in that second), then
// the overview refreshes: the model re-reads every target (verdict, liveness, three sparklines decimated from
// the rings) and the view repaints. Prints the time per refresh (target: well under the one-second tick; the
// console refreshes the overview at most once a second and only while it is shown).
// Usage: bench_overview [--targets N] [--hours H] [--refreshes N]
#include "DemoSource.h"
#include "FleetOverview.h"
#include "FleetOverviewModel.h"
#include "Target.h"
#include "TargetListModel.h"

#include <QApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QListView>
#include <QTest>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <random>
#include <vector>

using namespace heapwatch;

namespace {

// The demo host's history at once, then whatever the benchmark hands to the target.
class HistorySource : public Source
{
public:
    HistorySource(int index, double hours, qint64 nowMs)
        : m_index(index)
        , m_hours(hours)
        , m_nowMs(nowMs)
    {
    }
    void start() override
    {
        ConnectionStatus status;
        status.state = ConnectionStatus::State::Connected;
        status.engine = QStringLiteral("demo");
        Q_EMIT connectionChanged(status);
        DemoOptions options;
        options.container = QStringLiteral("pangolin-%1").arg(m_index);
        options.historyHours = m_hours;
        options.seed = 20260114u + unsigned(m_index);
        options.live = false;
        DemoSource demo(options);
        demo.generateHistory(m_nowMs, [this](const IngestBatch& batch) { Q_EMIT batchReady(batch); });
        Q_EMIT backfillFinished();
    }
    void stop() override { }
    QString targetName() const override { return QStringLiteral("bench/pangolin-%1").arg(m_index); }

private:
    int m_index;
    double m_hours;
    qint64 m_nowMs;
};

IngestBatch secondOf(qint64 atMs, std::mt19937& rng)
{
    std::normal_distribution<double> noise(0, 0.4);
    IngestBatch batch;
    StatsSample s;
    s.atMs = atMs;
    s.cpuPercent = 2.8 + noise(rng);
    s.memUsageBytes = (364.8 + noise(rng)) * 1024 * 1024;
    s.memLimitBytes = 860.6 * 1024 * 1024;
    s.memPercent = s.memUsageBytes / s.memLimitBytes * 100;
    batch.stats.push_back(s);
    LogRecord r;
    r.kind = LogKind::Memory;
    r.atMs = atMs;
    r.memory.atMs = atMs;
    r.memory.rssMiB = 336.6 + noise(rng);
    r.memory.heapUsedMiB = 212.7 + noise(rng);
    r.memory.heapTotalMiB = 218.0;
    r.memory.externalMiB = 17.6;
    r.memory.arrayBuffersMiB = 13.6;
    batch.logs.push_back(r);
    return batch;
}

struct Timing
{
    double median = 0, p95 = 0, max = 0;
};

Timing timing(std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    if (ms.empty())
        return {};
    return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 95 / 100)], ms.back()};
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    int targets = 50;
    double hours = 2;
    int refreshes = 30;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--targets"))
            targets = std::max(1, args[i + 1].toInt());
        else if (args[i] == QLatin1String("--hours"))
            hours = std::max(0.1, args[i + 1].toDouble());
        else if (args[i] == QLatin1String("--refreshes"))
            refreshes = std::max(1, args[i + 1].toInt());
    }

    QElapsedTimer setup;
    setup.start();
    TargetListModel list;
    std::vector<std::unique_ptr<Target>> owned;
    const qint64 now = QDateTime::currentMSecsSinceEpoch() - 60 * 1000; // room for the seconds added below
    for (int i = 0; i < targets; ++i) {
        owned.push_back(
            std::make_unique<Target>(std::make_unique<HistorySource>(i, hours, now), Thresholds::defaults()));
        owned.back()->start();
        QCoreApplication::processEvents();
        list.addTarget(TargetConfig::remote(QStringLiteral("host%1/pangolin-%2").arg(i % 7).arg(i)),
                       owned.back().get());
    }
    std::printf("bench_overview: %d targets, %.1f h of history each, set up in %.1f s\n", targets, hours,
                double(setup.elapsed()) / 1000.0);

    FleetOverview overview(&list);
    overview.resize(1600, 1000);
    overview.show();
    if (!QTest::qWaitForWindowExposed(&overview)) {
        std::printf("bench_overview: the window was not exposed\n");
        return 1;
    }
    overview.refresh(true); // the first read decimates every ring from scratch
    const double first = overview.lastRefreshMs();

    std::mt19937 rng(20260114u);
    std::vector<double> all, modelOnly, idle, verdicts;
    for (int k = 0; k < refreshes; ++k) {
        const qint64 at = now + 1000 * (k + 1);
        for (auto& t : owned)
            t->ingest(secondOf(at, rng));
        QCoreApplication::processEvents();
        // The verdicts: the window's tick computes them for the sidebar and the alerts before the overview reads
        // them (Target caches one per second), so they are timed apart.
        QElapsedTimer v;
        v.start();
        for (auto& t : owned)
            t->assessment();
        verdicts.push_back(double(v.nsecsElapsed()) / 1e6);
        overview.refresh(true);
        all.push_back(overview.lastRefreshMs());
        // The model alone (no paint), with the same second again: what a refresh costs when nothing moved.
        QElapsedTimer m;
        m.start();
        overview.model()->refresh(QDateTime::currentMSecsSinceEpoch());
        idle.push_back(double(m.nsecsElapsed()) / 1e6);
    }
    // The model alone when every target moved.
    for (int k = 0; k < refreshes; ++k) {
        const qint64 at = now + 1000 * (refreshes + k + 1);
        for (auto& t : owned) {
            t->ingest(secondOf(at, rng));
            t->assessment();
        }
        QElapsedTimer m;
        m.start();
        overview.model()->refresh(QDateTime::currentMSecsSinceEpoch());
        modelOnly.push_back(double(m.nsecsElapsed()) / 1e6);
    }
    // The paint alone: the visible rows repainted with nothing changed.
    std::vector<double> paints;
    for (int k = 0; k < refreshes; ++k) {
        QElapsedTimer p;
        p.start();
        overview.view()->viewport()->repaint();
        paints.push_back(double(p.nsecsElapsed()) / 1e6);
    }
    const int visibleRows = [&] {
        int n = 0;
        for (int r = 0; r < overview.model()->rowCount(); ++r)
            n += overview.view()
                     ->visualRect(overview.model()->index(r))
                     .intersects(overview.view()->viewport()->rect());
        return n;
    }();
    const Timing a = timing(all), m = timing(modelOnly), i = timing(idle), v = timing(verdicts);
    std::printf("verdicts of every target (the window's tick, shared with the sidebar and alerts): median %.2f ms\n",
                v.median);
    std::printf("first refresh (every ring decimated): %.1f ms\n", first);
    std::printf("update+paint per refresh, every target moved (%d rows painted): median %.2f ms, p95 %.2f ms, "
                "max %.2f ms\n",
                visibleRows, a.median, a.p95, a.max);
    std::printf("model update alone, every target moved: median %.2f ms, p95 %.2f ms\n", m.median, m.p95);
    std::printf("model update alone, nothing moved: median %.2f ms\n", i.median);
    std::printf("paint alone: median %.2f ms\n", timing(paints).median);
    std::printf("sparkline columns: %d\n", overview.model()->sparklinePixels());
    return a.p95 < 250 ? 0 : 1;
}
