#include "ChartGrid.h"

#include "ChartViewport.h"
#include "LevelStyle.h"
#include "RingDecimation.h"
#include "Target.h"
#include "TimeSeriesChart.h"

#include <QGridLayout>
#include <QResizeEvent>
#include <QWindow>
#include <algorithm>
#include <cmath>
#include <limits>

namespace heapwatch {

namespace {

// Series colours: distinct in hue and lightness so that they also read for colour-blind users, and none
// of them is a level colour (red/amber/green mean a verdict here).
const QColor kRss(0x25, 0x63, 0xeb);
const QColor kHeapUsed(0x7c, 0x3a, 0xed);
const QColor kHeapTotal(0xa7, 0x8b, 0xfa);
const QColor kExternal(0x0d, 0x94, 0x88);
const QColor kArrayBuffers(0xdb, 0x27, 0x77);
const QColor kLimit(0x64, 0x74, 0x8b);

std::vector<QPointF> horizontal(double value, qint64 t0, qint64 t1)
{
    if (!isKnown(value))
        return {};
    return {QPointF(double(t0), value), QPointF(double(t1), value)};
}

ChartSeriesSpec spec(const QString& name, const QColor& color, const QString& unit, int decimals = 1)
{
    ChartSeriesSpec s;
    s.name = name;
    s.color = color;
    s.unit = unit;
    s.decimals = decimals;
    return s;
}

ChartSeriesSpec limitSpec(const QString& name)
{
    ChartSeriesSpec s = spec(name, kLimit, QStringLiteral("MiB"), 0);
    s.dashed = true;
    s.width = 1.4;
    return s;
}

} // namespace

ChartGrid::ChartGrid(ChartViewport* viewport, QWidget* parent)
    : QWidget(parent)
    , m_viewport(viewport)
{
    const QString mib = QStringLiteral("MiB");
    m_process = new TimeSeriesChart(tr("Process memory"), this);
    m_process->setObjectName(QStringLiteral("processChart"));
    m_process->addSeries(spec(tr("RSS"), kRss, mib));
    m_process->addSeries(spec(tr("Heap used"), kHeapUsed, mib));
    m_process->addSeries(spec(tr("Heap total"), kHeapTotal, mib));
    m_process->addSeries(spec(tr("External"), kExternal, mib));
    m_process->addSeries(spec(tr("Array buffers"), kArrayBuffers, mib));
    m_process->addSeries(limitSpec(tr("Heap limit")));
    m_process->setLeftAxis(mib, 100);

    m_container = new TimeSeriesChart(tr("Container"), this);
    m_container->setObjectName(QStringLiteral("containerChart"));
    m_container->addSeries(spec(tr("Memory"), kRss, mib));
    m_container->addSeries(limitSpec(tr("Limit")));
    m_container->setLeftAxis(mib, 100);

    m_heap = new TimeSeriesChart(tr("Heap usage"), this);
    m_heap->setObjectName(QStringLiteral("heapChart"));
    m_heap->addSeries(spec(tr("used / total"), kHeapUsed, QStringLiteral("%")));
    m_heap->setLeftAxis(QStringLiteral("%"), 100, true, 100);

    m_cache = new TimeSeriesChart(tr("Cache"), this);
    m_cache->setObjectName(QStringLiteral("cacheChart"));
    m_cache->addSeries(spec(tr("Hit rate"), kExternal, QStringLiteral("%"), 2));
    ChartSeriesSpec keys = spec(tr("Keys"), kArrayBuffers, tr("keys"), 0);
    keys.rightAxis = true;
    m_cache->addSeries(keys);
    m_cache->setLeftAxis(QStringLiteral("%"), 100, false, 100);
    m_cache->setRightAxis(tr("keys"), 5);
    m_cache->setBands({{30, 50, Level::Warning}, {0, 30, Level::Critical}});

    m_cpu = new TimeSeriesChart(tr("CPU"), this);
    m_cpu->setObjectName(QStringLiteral("cpuChart"));
    m_cpu->addSeries(spec(tr("CPU"), QColor(0xea, 0x58, 0x0c), QStringLiteral("%"), 2));
    m_cpu->setLeftAxis(QStringLiteral("%"), 5);

    m_gc = new TimeSeriesChart(tr("Garbage collection"), this);
    m_gc->setObjectName(QStringLiteral("gcChart"));
    m_gc->addSeries(spec(tr("Heap after full GC"), kHeapUsed, mib));
    ChartSeriesSpec pause = spec(tr("Pause"), QColor(0xea, 0x58, 0x0c), QStringLiteral("ms"), 1);
    pause.rightAxis = true;
    m_gc->addSeries(pause);
    m_gc->setLeftAxis(mib, 100);
    m_gc->setRightAxis(QStringLiteral("ms"), 100);
    m_gc->setVisible(false);

    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(6);
    grid->addWidget(m_process, 0, 0, 1, 2);
    grid->addWidget(m_container, 1, 0);
    grid->addWidget(m_heap, 1, 1);
    grid->addWidget(m_cache, 2, 0);
    grid->addWidget(m_cpu, 2, 1);
    grid->addWidget(m_gc, 3, 0, 1, 2);
    grid->setRowStretch(0, 5);
    grid->setRowStretch(1, 3);
    grid->setRowStretch(2, 3);
    grid->setRowStretch(3,
                        0); // the GC chart's row takes room only while it is shown (an empty row with a stretch would)

    for (TimeSeriesChart* chart : charts()) {
        chart->setEmptyText(tr("No data in this range"));
        connectChart(chart);
    }
    m_cpu->setEmptyText(tr("No container stats in this range"));
    m_gc->setEmptyText(tr("No garbage collection logged in this range"));
    connectChart(m_gc);
    m_container->setEmptyText(tr("No container stats in this range"));
    m_cache->setEmptyText(tr("No cache stats in this range (the app logs them every 5 min)"));
    connect(m_viewport, &ChartViewport::changed, this, [this] { refresh(true); });
}

int ChartGrid::buckets(const TimeSeriesChart* chart)
{
    return std::max(1, chart->plotWidth() / 2);
}

void ChartGrid::connectChart(TimeSeriesChart* chart)
{
    auto now = [this] { return m_target ? m_target->now() : 0; };
    connect(chart, &TimeSeriesChart::zoomRequested, this,
            [this, now](double factor, qint64 anchor) { m_viewport->zoom(factor, anchor, now()); });
    connect(chart, &TimeSeriesChart::panRequested, this, [this, now](qint64 delta) { m_viewport->pan(delta, now()); });
    connect(chart, &TimeSeriesChart::resetRequested, m_viewport, &ChartViewport::followLive);
}

void ChartGrid::setTarget(const Target* target)
{
    m_target = target;
    refresh(true);
}

void ChartGrid::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    // The plot width sets the decimation; the layout settles after this event, so read it on the next turn.
    QMetaObject::invokeMethod(
        this, [this] { refresh(true); }, Qt::QueuedConnection);
}

bool ChartGrid::onScreen() const
{
    if (!isVisible())
        return false;
    const QWidget* top = window();
    if (top->isMinimized())
        return false;
    const QWindow* handle = top->windowHandle();
    return handle && handle->isExposed();
}

void ChartGrid::refresh(bool force)
{
    if (!m_target) {
        for (TimeSeriesChart* chart : charts()) {
            for (int i = 0; i < chart->seriesCount(); ++i)
                chart->setSeriesPoints(i, {});
            chart->setMarkers({}, false);
            chart->commit();
        }
        m_gc->setVisible(false);
        static_cast<QGridLayout*>(layout())->setRowStretch(3, 0);
        return;
    }
    // The ticking refresh does nothing for charts nobody can see (a hidden page, a minimised, hidden or
    // fully covered window): the first tick after they show again catches up. Forced refreshes (a new
    // target, range or size) still fill them, so that they are right when shown.
    if (!force && !onScreen())
        return;
    const qint64 now = m_target->now();
    const auto [t0, t1] = m_viewport->window(now);
    const quint64 revision = m_target->state().revision();
    if (!force) {
        if (revision == m_revision && t0 == m_t0 && t1 == m_t1)
            return;
        // One decimation bucket (two pixel columns, see buckets()) is the finest step a refresh can show.
        const qint64 bucketMs = (t1 - t0) / buckets(m_process);
        const qint64 minInterval = std::clamp<qint64>(bucketMs, 1000, 10000);
        if (m_sinceRefresh.isValid() && m_sinceRefresh.elapsed() < minInterval - 50)
            return;
    }
    m_revision = revision;
    m_t0 = t0;
    m_t1 = t1;
    m_sinceRefresh.start();
    ++m_refreshes;
    fill(t0, t1);
}

void ChartGrid::fill(qint64 t0, qint64 t1)
{
    const TargetState& st = m_target->state();
    const Thresholds& th = m_target->thresholds();

    std::vector<ChartMarker> markers;
    for (const Marker& m : st.markers()) {
        if (m.atMs < t0 || m.atMs > t1)
            continue;
        ChartMarker cm;
        cm.atMs = m.atMs;
        switch (m.kind) {
        case Marker::Kind::Start:
            cm.level = Level::Unknown;
            cm.label = tr("start");
            break;
        case Marker::Kind::Restart:
            cm.level = Level::Warning;
            cm.label = m.recreated ? tr("recreate") : tr("restart");
            break;
        case Marker::Kind::Die:
            cm.level = m.exitCode == 137 || m.exitCode == 134 ? Level::Critical : Level::Warning;
            cm.label = m.exitCode >= 0 ? tr("exit %1").arg(m.exitCode) : tr("died");
            break;
        case Marker::Kind::OomKill:
            cm.level = Level::Critical;
            cm.label = tr("OOM kill");
            break;
        case Marker::Kind::HeapOom:
            cm.level = Level::Critical;
            cm.label = tr("heap OOM");
            break;
        case Marker::Kind::HeapSnapshot:
            cm.level = Level::Unknown;
            cm.label = tr("snapshot, paused %1 s").arg(double(m.durationMs) / 1000.0, 0, 'f', 1);
            break;
        }
        markers.push_back(cm);
    }

    // Log history an outage left unread: the log-fed charts (process memory, heap, cache) may miss samples.
    std::vector<ChartGap> gaps;
    for (const LogGap& g : st.gaps()) {
        if (g.toMs >= t0 && g.fromMs <= t1)
            gaps.push_back({g.fromMs, g.toMs});
    }
    // Time nobody watched (heapwatch was not running): no chart has data of it.
    std::vector<ChartGap> unwatched;
    for (const LogGap& g : st.unwatched()) {
        if (g.toMs >= t0 && g.fromMs <= t1)
            unwatched.push_back({g.fromMs, g.toMs});
    }
    for (TimeSeriesChart* c : {m_process, m_heap, m_cache}) {
        std::vector<ChartGap> all = gaps;
        all.insert(all.end(), unwatched.begin(), unwatched.end());
        c->setGaps(std::move(all));
    }
    for (TimeSeriesChart* c : {m_container, m_cpu})
        c->setGaps(unwatched);

    std::vector<QPointF> heapUsage;
    std::vector<QPointF> cpu;
    // Process memory.
    {
        TimeSeriesChart* c = m_process;
        const int px = buckets(c);
        // One pass over the ring for the five memory series and the heap usage of the heap chart.
        auto columns = st.process().decimate(
            {RssColumn, HeapUsedColumn, HeapTotalColumn, ExternalColumn, ArrayBuffersColumn, HeapUsagePercentColumn},
            t0, t1, px);
        for (int col = RssColumn; col <= ArrayBuffersColumn; ++col)
            c->setSeriesPoints(col, std::move(columns[size_t(col)]));
        heapUsage = std::move(columns[5]);
        const double heapLimit = st.heapLimitMiB();
        c->setSeriesPoints(5, horizontal(heapLimit, t0, t1));
        c->setBands({{th.rssMiB.warning, th.rssMiB.critical, Level::Warning},
                     {th.rssMiB.critical, std::numeric_limits<double>::max() / 4, Level::Critical}});
        c->setLeftAxis(QStringLiteral("MiB"),
                       std::max(isKnown(heapLimit) ? heapLimit : 0.0, th.rssMiB.critical) * 1.02);
        c->setMarkers(markers, true);
        c->setTimeWindow(t0, t1);
        c->commit();
    }
    // Container memory against its limit, with the container-memory flag's bands.
    {
        TimeSeriesChart* c = m_container;
        const double limit = st.containerLimitMiB();
        // One pass over the stats ring for memory and CPU (the CPU chart is as wide as this one).
        auto columns = st.stats().decimate({CpuColumn, MemUsageColumn}, t0, t1, buckets(c));
        c->setSeriesPoints(0, std::move(columns[MemUsageColumn]));
        cpu = redecimate(std::move(columns[CpuColumn]), t0, t1, buckets(m_cpu));
        c->setSeriesPoints(1, horizontal(limit, t0, t1));
        std::vector<ChartBand> bands;
        if (isKnown(limit)) {
            bands.push_back({limit * th.containerMemoryPercent.warning / 100,
                             limit * th.containerMemoryPercent.critical / 100, Level::Warning});
            bands.push_back({limit * th.containerMemoryPercent.critical / 100, std::numeric_limits<double>::max() / 4,
                             Level::Critical});
        }
        c->setBands(std::move(bands));
        c->setLeftAxis(QStringLiteral("MiB"), isKnown(limit) ? limit * 1.02 : 100);
        c->setMarkers(markers, false);
        c->setTimeWindow(t0, t1);
        c->commit();
    }
    // Heap usage % = used / total, per row.
    {
        TimeSeriesChart* c = m_heap;
        // Computed in the process chart's pass, then narrowed to this plot's width.
        c->setSeriesPoints(0, redecimate(std::move(heapUsage), t0, t1, buckets(c)));
        c->setBands({{th.heapUsagePercent.warning, th.heapUsagePercent.critical, Level::Warning},
                     {th.heapUsagePercent.critical, 1000, Level::Critical}});
        // Heap usage lives in its top quarter: start the axis below the warning line rather than at 0.
        c->setLeftAxis(QStringLiteral("%"), th.heapUsagePercent.warning - 10, true, 100);
        c->setMarkers(markers, false);
        c->setTimeWindow(t0, t1);
        c->commit();
    }
    // Cache hit rate and keys.
    {
        TimeSeriesChart* c = m_cache;
        auto columns = st.cache().decimate({HitRateColumn, KeysColumn}, t0, t1, buckets(c));
        c->setSeriesPoints(0, std::move(columns[0]));
        c->setSeriesPoints(1, std::move(columns[1]));
        c->setBands({{th.cacheHitRatePercent.critical, th.cacheHitRatePercent.warning, Level::Warning},
                     {0, th.cacheHitRatePercent.critical, Level::Critical}});
        c->setMarkers(markers, false);
        c->setTimeWindow(t0, t1);
        c->commit();
    }
    // CPU.
    {
        TimeSeriesChart* c = m_cpu;
        c->setSeriesPoints(0, std::move(cpu));
        c->setMarkers(markers, false);
        c->setTimeWindow(t0, t1);
        c->commit();
    }
    // Garbage collection (--trace-gc): the post-GC floor a leak raises, and the pauses with the gc_pause
    // flag's lines. Shown only for a target whose app logs them.
    {
        TimeSeriesChart* c = m_gc;
        const bool traced = !st.gc().isEmpty();
        if (c->isVisible() != traced) {
            c->setVisible(traced);
            static_cast<QGridLayout*>(layout())->setRowStretch(3, traced ? 3 : 0);
        }
        if (traced) {
            c->setSeriesPoints(0, st.fullGc().decimate(GcHeapAfterColumn, t0, t1, buckets(c)));
            c->setSeriesPoints(1, st.gc().decimate(GcPauseColumn, t0, t1, buckets(c)));
            c->setRightAxis(QStringLiteral("ms"), std::max(100.0, th.gcPauseMs.warning * 1.2));
            c->setGaps(unwatched);
            c->setMarkers(markers, false);
            c->setTimeWindow(t0, t1);
            c->commit();
        }
    }
}

} // namespace heapwatch
