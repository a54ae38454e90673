// bench_gui: the console left running with five targets, each holding seven days of one-second history
// (stats and the app's Memory: line every second), offscreen. Prints:
//   - heapwatch's RSS (VmRSS; target ≤ 60 MiB) and what the history rings hold of it: the targets record into a
//     real history store in a temporary directory, as remote targets do, so the rings keep in memory only the
//     last hours whole and summaries of the rest; --store-days 90 first fills the store with 83 more days of
//     one-minute rollups (what the retention keeps beyond the week of full resolution),
//   - idle CPU while the five targets stream live and the window refreshes (target ≤ 0.5 % of one core),
//   - the time to update and repaint one chart: decimate, replace(), paint (target ≤ 4 ms).
//   - idle CPU with the window minimised (no chart work at all) and how often the charts refreshed,
//   - the chart update time at 1 h, 24 h and 7 d.
// Usage: bench_gui [--short] [--idle-seconds N] [--hidden-idle-seconds N] [--memory-interval-ms N]
//                  [--targets N] [--hours N] [--store-days N] [--no-store]
#include "ChartGrid.h"
#include "ChartViewport.h"
#include "DashboardPage.h"
#include "DemoSource.h"
#include "HistoryChunk.h"
#include "HistoryRecorder.h"
#include "HistoryStore.h"
#include "MainWindow.h"
#include "ProcessStats.h"
#include "Target.h"
#include "TargetConfig.h"
#include "TargetListModel.h"
#include "TimeSeriesChart.h"

#include <QApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <malloc.h>
#include <random>
#include <vector>

using namespace heapwatch;

namespace {

// The demo host with a week of history handed over slice by slice (each slice applied before the next is
// made, as a week accumulating live would be), then one stats sample and one Memory: line every second.
class WeekSource : public Source
{
public:
    WeekSource(int index, double hours, int memoryIntervalMs)
        : m_index(index)
        , m_hours(hours)
        , m_memoryIntervalMs(memoryIntervalMs)
        , m_rng(unsigned(index) * 7919u)
    {
        m_timer.setInterval(1000);
        m_timer.setTimerType(Qt::CoarseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] { tick(); });
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
        options.statsIntervalMs = 1000;
        options.memoryLogIntervalMs = m_memoryIntervalMs;
        options.seed = 20260114u + unsigned(m_index);
        options.live = false;
        DemoSource demo(options);
        m_last = QDateTime::currentMSecsSinceEpoch();
        demo.generateHistory(m_last, [this](const IngestBatch& batch) {
            Q_EMIT batchReady(batch);
            QCoreApplication::processEvents(); // deliver it now: the queue never holds the whole week
        });
        Q_EMIT backfillFinished();
        m_timer.start();
    }
    void stop() override { m_timer.stop(); }
    QString targetName() const override { return QStringLiteral("bench/pangolin-%1").arg(m_index); }

private:
    void tick()
    {
        const qint64 now = std::max(QDateTime::currentMSecsSinceEpoch(), m_last + 1);
        m_last = now;
        std::normal_distribution<double> noise(0, 0.4);
        IngestBatch batch;
        StatsSample s;
        s.atMs = now;
        s.containerId = QStringLiteral("bench%1").arg(m_index);
        s.cpuPercent = 2.8 + noise(m_rng);
        s.memUsageBytes = (364.8 + noise(m_rng)) * 1024 * 1024;
        s.memLimitBytes = 860.6 * 1024 * 1024;
        s.memPercent = s.memUsageBytes / s.memLimitBytes * 100;
        batch.stats.push_back(s);
        LogRecord r;
        r.kind = LogKind::Memory;
        r.atMs = now;
        r.memory.atMs = now;
        r.memory.rssMiB = 336.6 + noise(m_rng);
        r.memory.heapUsedMiB = 212.7 + noise(m_rng);
        r.memory.heapTotalMiB = 218.0;
        r.memory.externalMiB = 17.6;
        r.memory.arrayBuffersMiB = 13.6;
        batch.logs.push_back(r);
        batch.bytesReceived = 180;
        Q_EMIT batchReady(batch);
    }

    int m_index;
    double m_hours;
    int m_memoryIntervalMs;
    std::mt19937 m_rng;
    QTimer m_timer;
    qint64 m_last = 0;
};

void runFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// CPU time of the calling (GUI) thread: on a shared VM the wall clock also counts the time other jobs held
// the cores; this counts only the work done.
double threadCpuMs()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

double mib(qint64 bytes)
{
    return double(bytes) / (1024.0 * 1024.0);
}

// What the heap holds (glibc's arenas: in use and free but not returned), beside the RSS.
struct HeapFigures
{
    double inUseMiB = 0;
    double freeMiB = 0;
};
HeapFigures heapFigures()
{
    const struct mallinfo2 m = mallinfo2();
    return {mib(qint64(m.uordblks + m.hblkhd)), mib(qint64(m.fordblks))};
}

// Days 8 to storeDays before now as one-minute rollups of every ring of the target, written straight into the
// store's table (a store kept for 90 days holds them; generating 90 days of rows to roll them up would take
// minutes). The rows say what the demo's steady values are.
bool fillRollups(const QString& path, const QString& key, double storeDays, qint64 nowMs)
{
    const qint64 day = HistoryOptions::kDay;
    const qint64 from = nowMs - qint64(storeDays * double(day));
    const qint64 until = nowMs - 7 * day;
    if (from >= until)
        return true;
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bench-fill"));
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery id(db);
            id.prepare(QStringLiteral("SELECT id FROM targets WHERE key = ?"));
            id.addBindValue(key);
            if (id.exec() && id.next()) {
                const qint64 targetId = id.value(0).toLongLong();
                db.transaction();
                QSqlQuery w(db);
                w.prepare(QStringLiteral("INSERT OR REPLACE INTO rollups (target_id, ring, minute, data) VALUES "
                                         "(?, ?, ?, ?)"));
                for (RingKind ring : kRingKinds) {
                    const int columns = ringColumnCount(ring);
                    for (qint64 m = from / 60000 * 60000; m < until; m += 60000) {
                        QByteArray data;
                        for (int c = 0; c < columns; ++c) {
                            const float v = 100.0f + float(c) + float((m / 60000) % 50) / 10.0f;
                            historycodec::put<float>(data, v - 1.0f);
                            historycodec::put<float>(data, v + 1.0f);
                            historycodec::put<double>(data, double(v) * 60.0);
                            historycodec::put<quint32>(data, 60);
                        }
                        w.addBindValue(targetId);
                        w.addBindValue(int(ring));
                        w.addBindValue(m);
                        w.addBindValue(data);
                        w.exec();
                    }
                }
                ok = db.commit();
            }
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("bench-fill"));
    return ok;
}

struct Timing
{
    double median = 0;
    double p95 = 0;
    double max = 0;
};

// Paint events while idle, per widget class: what the window redraws when nothing but the data moves.
class PaintCounter : public QObject
{
public:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Paint && watched->isWidgetType()) {
            QString name = QString::fromLatin1(watched->metaObject()->className());
            if (!watched->objectName().isEmpty())
                name += QLatin1Char('#') + watched->objectName();
            if (watched->parent())
                name += QLatin1String(" in ") + QString::fromLatin1(watched->parent()->metaObject()->className());
            ++counts[name];
        }
        return false;
    }
    QString top(int n) const
    {
        std::vector<std::pair<int, QString>> v;
        for (auto it = counts.cbegin(); it != counts.cend(); ++it)
            v.emplace_back(it.value(), it.key());
        std::sort(v.rbegin(), v.rend());
        QStringList out;
        for (size_t i = 0; i < v.size() && int(i) < n; ++i)
            out << QStringLiteral("%1 %2").arg(v[i].second).arg(v[i].first);
        return out.join(QStringLiteral(", "));
    }
    QHash<QString, int> counts;
};

Timing summarize(std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    Timing t;
    t.median = ms[ms.size() / 2];
    t.p95 = ms[std::min(ms.size() - 1, ms.size() * 95 / 100)];
    t.max = ms.back();
    return t;
}

// Update and repaint the process-memory chart alone, as a refresh does: one min/max pass over the ring for
// its five columns, one replace() per series, a synchronous paint. Also returns the phases' medians.
struct ChartTiming
{
    Timing total;
    double decimateMs = 0;
    double replaceMs = 0;
    double paintMs = 0;
    double cpuMs = 0; // median GUI-thread CPU time of the whole update
};

ChartTiming timeOneChart(const Target& target, TimeSeriesChart* chart, qint64 spanMs, int iterations)
{
    const ProcessRing& ring = target.state().process();
    std::vector<double> total, decimate, replace, paint, cpu;
    const qint64 end = target.now();
    for (int i = 0; i < iterations; ++i) {
        const qint64 t1 = end - qint64(iterations - i) * 1000; // a new second each time: every series changes
        const qint64 t0 = t1 - spanMs;
        const double cpu0 = threadCpuMs();
        QElapsedTimer timer;
        timer.start();
        const int px = ChartGrid::buckets(chart);
        auto columns = ring.decimate({RssColumn, HeapUsedColumn, HeapTotalColumn, ExternalColumn, ArrayBuffersColumn},
                                     t0, t1, px);
        const qint64 a = timer.nsecsElapsed();
        for (int col = RssColumn; col <= ArrayBuffersColumn; ++col)
            chart->setSeriesPoints(col, std::move(columns[size_t(col)]));
        chart->setTimeWindow(t0, t1);
        chart->commit();
        const qint64 b = timer.nsecsElapsed();
        chart->repaint();
        const qint64 c = timer.nsecsElapsed();
        cpu.push_back(threadCpuMs() - cpu0);
        total.push_back(double(c) / 1e6);
        decimate.push_back(double(a) / 1e6);
        replace.push_back(double(b - a) / 1e6);
        paint.push_back(double(c - b) / 1e6);
    }
    ChartTiming t;
    t.total = summarize(total);
    t.decimateMs = summarize(decimate).median;
    t.replaceMs = summarize(replace).median;
    t.paintMs = summarize(paint).median;
    t.cpuMs = summarize(cpu).median;
    return t;
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true); // leave the user's settings alone
    QCoreApplication::setOrganizationName(QStringLiteral("heapwatch-bench"));
    QCoreApplication::setApplicationName(QStringLiteral("bench_gui"));

    bool shortMode = false;
    int idleSeconds = 60;
    int hiddenIdleSeconds = 20;
    int memoryIntervalMs = 1000;
    int targets = 5;
    double hours = 168;
    double storeDays = 7;
    bool useStore = true;
    const QStringList args = QCoreApplication::arguments();
    for (int i = 1; i < args.size(); ++i) {
        const QString& a = args[i];
        auto next = [&] { return i + 1 < args.size() ? args[++i] : QString(); };
        if (a == QLatin1String("--short"))
            shortMode = true;
        else if (a == QLatin1String("--idle-seconds"))
            idleSeconds = next().toInt();
        else if (a == QLatin1String("--hidden-idle-seconds"))
            hiddenIdleSeconds = next().toInt();
        else if (a == QLatin1String("--memory-interval-ms"))
            memoryIntervalMs = next().toInt();
        else if (a == QLatin1String("--targets"))
            targets = next().toInt();
        else if (a == QLatin1String("--hours"))
            hours = next().toDouble();
        else if (a == QLatin1String("--store-days"))
            storeDays = next().toDouble();
        else if (a == QLatin1String("--no-store"))
            useStore = false;
    }
    if (shortMode && !args.contains(QLatin1String("--idle-seconds")))
        idleSeconds = 10;
    if (shortMode && !args.contains(QLatin1String("--hidden-idle-seconds")))
        hiddenIdleSeconds = 5;
    QTextStream out(stdout);

    // The history store, in a directory of its own; with --store-days beyond the week, the older days' rollups
    // are in it before the targets start.
    QTemporaryDir storeDir;
    HistoryOptions storeOptions;
    storeOptions.path = storeDir.filePath(QStringLiteral("history.sqlite"));
    HistoryStore store(storeOptions);
    qint64 rollupRows = 0;
    if (useStore) {
        QString error;
        if (!store.open(&error)) {
            out << "bench_gui: the history store does not open: " << error << Qt::endl;
            return 1;
        }
        if (storeDays > 7) {
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            for (int i = 1; i <= targets; ++i)
                store.noteTarget(QStringLiteral("bench/pangolin-%1").arg(i), QStringLiteral("pangolin-%1").arg(i), now);
            store.flush().waitForFinished();
            for (int i = 1; i <= targets; ++i)
                if (fillRollups(storeOptions.path, QStringLiteral("bench/pangolin-%1").arg(i), storeDays, now))
                    rollupRows += qint64((storeDays - 7) * 1440) * 3;
        }
    }

    const qint64 rssStart = ProcessStats::residentBytes();
    QElapsedTimer load;
    load.start();
    MainWindow window;
    if (useStore)
        window.setHistoryStore(&store);
    window.resize(1600, 1000);
    window.show();
    runFor(200);
    const qint64 rssWindow = ProcessStats::residentBytes();
    const HeapFigures heapWindow = heapFigures();
    for (int i = 1; i <= targets; ++i) {
        TargetConfig entry = TargetConfig::demo();
        entry.location = QStringLiteral("bench/pangolin-%1").arg(i);
        window.addSourceTarget(entry, std::make_unique<WeekSource>(i, hours, memoryIntervalMs), useStore);
    }
    runFor(1500);
    // Two targets or more open the fleet overview: the figures below are of the first target's page.
    window.openFromOverview(window.targetModel()->entryAt(0)->key());
    runFor(300);
    if (useStore)
        runFor(2 * 2100); // two saves: the week's last chunks committed, then dropped from memory
    const double loadSeconds = double(load.elapsed()) / 1000.0;

    qint64 ringBytes = 0;
    qint64 rows = 0;
    qint64 chunks = 0;
    qint64 resident = 0;
    for (int row = 0; row < window.targetModel()->rowCount(); ++row) {
        const TargetState& st = window.targetModel()->targetAt(row)->state();
        ringBytes += st.process().allocatedBytes() + st.stats().allocatedBytes() + st.cache().allocatedBytes();
        rows += st.process().size() + st.stats().size() + st.cache().size();
        chunks += st.process().sealedChunkCount() + st.stats().sealedChunkCount() + st.cache().sealedChunkCount();
        resident
            += st.process().residentChunkCount() + st.stats().residentChunkCount() + st.cache().residentChunkCount();
    }
    const qint64 rssLoaded = ProcessStats::residentBytes();
    const HeapFigures heapLoaded = heapFigures();

    auto loadedSoFar = [&window] {
        qint64 n = 0;
        for (int row = 0; row < window.targetModel()->rowCount(); ++row) {
            const TargetState& st = window.targetModel()->targetAt(row)->state();
            n += st.process().chunksLoaded() + st.stats().chunksLoaded() + st.cache().chunksLoaded();
        }
        return n;
    };
    // Idle: five live targets, the window showing the first one at 1 h and refreshing every second.
    const qint64 loadedBeforeIdle = loadedSoFar();
    PaintCounter paints;
    app.installEventFilter(&paints);
    ChartGrid* charts = window.dashboard()->charts();
    const int refreshes0 = charts->refreshCount();
    const qint64 cpu0 = ProcessStats::cpuTimeUs();
    QElapsedTimer wall;
    wall.start();
    runFor(idleSeconds * 1000);
    const double cpuPercent = double(ProcessStats::cpuTimeUs() - cpu0) / 1000.0 / double(wall.elapsed()) * 100.0;
    const double idleWall = double(wall.elapsed()) / 1000.0;
    const int idleRefreshes = charts->refreshCount() - refreshes0;
    const qint64 rssIdle = ProcessStats::residentBytes();
    const qint64 idleLoads = loadedSoFar() - loadedBeforeIdle;
    app.removeEventFilter(&paints);
    const HeapFigures heapIdle = heapFigures();

    // Idle with the window minimised: the targets still stream and are judged (alerts), no chart is touched.
    window.showMinimized();
    runFor(300);
    const int refreshes1 = charts->refreshCount();
    const qint64 cpu1 = ProcessStats::cpuTimeUs();
    wall.restart();
    runFor(hiddenIdleSeconds * 1000);
    const double hiddenCpuPercent
        = double(ProcessStats::cpuTimeUs() - cpu1) / 1000.0 / double(std::max<qint64>(1, wall.elapsed())) * 100.0;
    const int hiddenRefreshes = charts->refreshCount() - refreshes1;
    window.showNormal();
    runFor(300);

    Target* target = window.currentTarget();
    TimeSeriesChart* chart = window.dashboard()->charts()->processChart();
    const int iterations = shortMode ? 20 : 60;

    const ChartTiming hour = timeOneChart(*target, chart, 3600 * 1000LL, iterations);
    const ChartTiming day = timeOneChart(*target, chart, 24 * 3600 * 1000LL, iterations);
    const ChartTiming week = timeOneChart(*target, chart, 7 * 24 * 3600 * 1000LL, iterations / 2);
    // The whole page (five charts) on the widest range, for comparison.
    window.viewport()->setRange(ChartViewport::Days7);
    std::vector<double> grid;
    for (int i = 0; i < (shortMode ? 5 : 15); ++i) {
        QElapsedTimer t;
        t.start();
        window.dashboard()->charts()->refresh(true);
        window.dashboard()->charts()->repaint();
        grid.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    const Timing gridWeek = summarize(grid);
    window.viewport()->setRange(ChartViewport::Hour1);
    const qint64 rssEnd = ProcessStats::residentBytes();
    // What is left that glibc could still give back (a diagnostic: the console trims after dropping chunks).
    malloc_trim(0);
    const qint64 rssTrimmed = ProcessStats::residentBytes();
    const qint64 chunksLoaded = loadedSoFar();

    out << "bench_gui: " << targets << " targets x " << hours << " h of history (stats every 1 s, Memory: line every "
        << memoryIntervalMs << " ms), offscreen, window 1600x1000" << Qt::endl;
    out << QStringLiteral("  history rows            %1 (%2 MiB in the rings, %3 bytes/row)")
               .arg(rows)
               .arg(mib(ringBytes), 0, 'f', 1)
               .arg(rows ? double(ringBytes) / double(rows) : 0.0, 0, 'f', 1)
        << Qt::endl;
    if (useStore) {
        out << QStringLiteral("  history store           %1 days (%2 one-minute rollup rows before the week), %3 MiB "
                              "on disk")
                   .arg(storeDays)
                   .arg(rollupRows)
                   .arg(mib(QFileInfo(storeOptions.path).size() + QFileInfo(storeOptions.path + "-wal").size()), 0, 'f',
                        1)
            << Qt::endl;
        out << QStringLiteral("  sealed chunks           %1, %2 of them whole in memory (the last %3 min), %4 read "
                              "back from the store by the charts")
                   .arg(chunks)
                   .arg(resident)
                   .arg(HistoryRecorder::kResidentMs / 60000)
                   .arg(chunksLoaded)
            << Qt::endl;
    } else {
        out << "  history store           none (--no-store: every chunk in memory)" << Qt::endl;
    }
    out << QStringLiteral("  load time               %1 s").arg(loadSeconds, 0, 'f', 1) << Qt::endl;
    out << QStringLiteral("  RSS at start            %1 MiB").arg(mib(rssStart), 0, 'f', 1) << Qt::endl;
    out << QStringLiteral("  RSS with window         %1 MiB").arg(mib(rssWindow), 0, 'f', 1) << Qt::endl;
    out << QStringLiteral("  RSS with history        %1 MiB").arg(mib(rssLoaded), 0, 'f', 1) << Qt::endl;
    out << QStringLiteral("  RSS after idle          %1 MiB   (target <= 60 MiB)").arg(mib(rssIdle), 0, 'f', 1)
        << Qt::endl;
    out << QStringLiteral("  heap (malloc)           %1 MiB in use with the window alone")
               .arg(heapWindow.inUseMiB, 0, 'f', 1)
        << Qt::endl;
    out << QStringLiteral("  heap (malloc)           %1 MiB in use, %2 MiB free in the arenas with history; %3 and "
                          "%4 MiB after idle")
               .arg(heapLoaded.inUseMiB, 0, 'f', 1)
               .arg(heapLoaded.freeMiB, 0, 'f', 1)
               .arg(heapIdle.inUseMiB, 0, 'f', 1)
               .arg(heapIdle.freeMiB, 0, 'f', 1)
        << Qt::endl;
    out << QStringLiteral("  RSS at end              %1 MiB (%2 MiB after a malloc_trim)")
               .arg(mib(rssEnd), 0, 'f', 1)
               .arg(mib(rssTrimmed), 0, 'f', 1)
        << Qt::endl;
    out << QStringLiteral("  idle CPU over %1 s       %2 % of one core   (target <= 0.5 %)")
               .arg(idleSeconds)
               .arg(cpuPercent, 0, 'f', 2)
        << Qt::endl;
    out << QStringLiteral("  chart refreshes while idle %1 in %2 s (the 1 h page: at most one per 7.8 s bucket), %3 "
                          "chunks read back from the store")
               .arg(idleRefreshes)
               .arg(idleWall, 0, 'f', 0)
               .arg(idleLoads)
        << Qt::endl;
    out << "  paint events while idle  " << paints.top(20) << Qt::endl;
    out << QStringLiteral("  idle CPU, minimised, %1 s %2 % of one core, %3 chart refreshes")
               .arg(hiddenIdleSeconds)
               .arg(hiddenCpuPercent, 0, 'f', 2)
               .arg(hiddenRefreshes)
        << Qt::endl;
    auto line = [&](const char* label, const Timing& t) {
        out << QStringLiteral("  %1 median %2 ms, p95 %3 ms, max %4 ms")
                   .arg(QString::fromLatin1(label))
                   .arg(t.median, 0, 'f', 2)
                   .arg(t.p95, 0, 'f', 2)
                   .arg(t.max, 0, 'f', 2);
    };
    auto chartLine = [&](const char* label, const ChartTiming& t) {
        line(label, t.total);
        out << QStringLiteral("  (decimate %1 + replace %2 + paint %3 ms; GUI thread CPU median %4 ms)")
                   .arg(t.decimateMs, 0, 'f', 2)
                   .arg(t.replaceMs, 0, 'f', 2)
                   .arg(t.paintMs, 0, 'f', 2)
                   .arg(t.cpuMs, 0, 'f', 2)
            << Qt::endl;
    };
    out << "  update + repaint of the process-memory chart (5 series + limit):" << Qt::endl;
    chartLine("one chart, 1 h: ", hour);
    chartLine("one chart, 24 h:", day);
    chartLine("one chart, 7 d: ", week);
    line("five charts, 7 d:", gridWeek);
    out << Qt::endl;
    out << QStringLiteral("  points in the process chart: %1 (plot width %2 px)")
               .arg(chart->pointCount())
               .arg(chart->plotWidth())
        << Qt::endl;
    const bool ok = mib(rssIdle) <= 60.0 && cpuPercent <= 0.5 && hour.total.median <= 4.0;
    out << (ok ? "bench_gui: all targets met" : "bench_gui: a target was missed (see above)") << Qt::endl;
    // A benchmark reports; it fails only when the window did not come up with its targets.
    return window.targetModel()->rowCount() == targets && chart->pointCount() > 0 ? 0 : 1;
}
