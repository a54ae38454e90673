#include "DemoSource.h"

#include "Units.h"

#include <QDateTime>
#include <algorithm>
#include <cmath>

namespace heapwatch {
namespace {

constexpr qint64 kHourMs = 3600 * 1000;
constexpr const char* kContainerId = "6f70f8e18d04";
constexpr double kContainerLimitMiB = 860.6;
constexpr qint64 kOldStopBeforeDeployMs = 3000;
constexpr size_t kRecordsPerBatch = 20000;

// The investigation's figures at T+0 and T+5 min.
struct Figures
{
    double rss, heapUsed, heapTotal, external, arrayBuffers;
};
constexpr Figures kStartup {244.2, 140.7, 166.7, 13.1, 9.4};
constexpr Figures kAfterWarmup {336.6, 212.7, 218.0, 17.6, 13.6};
constexpr double kContainerAtSeedMiB = 364.8;
constexpr double kCpuAtSeed = 2.82;
constexpr qint64 kSeedHits = 1346;
constexpr qint64 kSeedMisses = 482;

// Cache warm-up: fast at first (the investigation saw ~18.5 MB/min), flattening by T+5.
double warmupCurve(double fraction)
{
    fraction = std::clamp(fraction, 0.0, 1.0);
    return 1.0 - std::pow(1.0 - fraction, 2.0);
}

double lerp(double a, double b, double f)
{
    return a + (b - a) * f;
}

LogRecord problemRecord(qint64 atMs, LogKind kind, const QString& text)
{
    LogRecord r;
    r.kind = kind;
    r.stream = LogStream::Stderr;
    r.atMs = atMs;
    r.dockerTimeNs = atMs * 1000000;
    r.text = QDateTime::fromMSecsSinceEpoch(atMs, Qt::UTC).toString(Qt::ISODateWithMs) + QLatin1Char(' ') + text;
    r.lineHash = qHash(r.text);
    return r;
}

ContainerEvent containerEvent(qint64 atMs, ContainerEvent::Kind kind, const QString& detail)
{
    ContainerEvent e;
    e.atMs = atMs;
    e.kind = kind;
    e.containerId = QLatin1String(kContainerId);
    e.detail = detail;
    return e;
}

} // namespace

DemoSource::DemoSource(DemoOptions options, QObject* parent)
    : Source(parent)
    , m_options(std::move(options))
    , m_rng(m_options.seed)
{
    m_timer.setInterval(std::max(100, m_options.statsIntervalMs));
    connect(&m_timer, &QTimer::timeout, this, &DemoSource::tick);
}

QString DemoSource::targetName() const
{
    return QStringLiteral("demo/") + m_options.container;
}

double DemoSource::noise(double amplitude)
{
    std::uniform_real_distribution<double> d(-amplitude, amplitude);
    return d(m_rng);
}

ContainerInfo DemoSource::info() const
{
    ContainerInfo i;
    i.id = QLatin1String(kContainerId);
    i.name = m_options.container;
    i.image = QStringLiteral("jjeuriss/pangolin:reduced_memory");
    i.status = QStringLiteral("running");
    i.health = QStringLiteral("healthy");
    i.running = true;
    i.exitCode = 0;
    i.restartCount = 0;
    i.startedAtMs = m_deployMs;
    i.nodeOptionsKnown = true;
    i.nodeOptions = QStringLiteral("--max-old-space-size=384");
    i.heapLimitMiB = 384;
    i.memLimitBytes = kContainerLimitMiB * units::kMiB;
    return i;
}

LogRecord DemoSource::memoryRecord(qint64 atMs)
{
    Figures f {};
    if (atMs < m_deployMs) {
        // The previous deployment: started high (the report's 300-350 MB) and crept up for six hours.
        const double hours = double(atMs - m_historyStartMs) / double(kHourMs);
        f.rss = 318.0 + 5.2 * hours + noise(1.2);
        f.heapTotal = 236.0 + 1.5 * hours + noise(0.5);
        f.heapUsed = std::min(f.heapTotal - 1.0, 196.0 + 3.8 * hours + noise(6.0));
        f.external = 18.9 + 0.1 * hours + noise(0.2);
        f.arrayBuffers = 14.2 + noise(0.3);
    } else if (atMs <= m_storyNowMs) {
        const double w = warmupCurve(double(atMs - m_deployMs) / double(kWarmupMs));
        const bool exact = atMs == m_deployMs || atMs == m_storyNowMs;
        const double n = exact ? 0.0 : 1.0;
        f.rss = lerp(kStartup.rss, kAfterWarmup.rss, w) + n * noise(0.8);
        f.heapTotal = lerp(kStartup.heapTotal, kAfterWarmup.heapTotal, w);
        f.heapUsed = std::min(f.heapTotal - 0.5, lerp(kStartup.heapUsed, kAfterWarmup.heapUsed, w) + n * noise(1.5));
        f.external = lerp(kStartup.external, kAfterWarmup.external, w);
        f.arrayBuffers = lerp(kStartup.arrayBuffers, kAfterWarmup.arrayBuffers, w);
    } else {
        // Live after the investigation's five minutes: nearly flat, a slow creep, and the GC's sawtooth on the heap.
        const double hours = double(atMs - m_storyNowMs) / double(kHourMs);
        const double sawtooth = std::fmod(double(atMs - m_storyNowMs) / 90000.0, 1.0);
        f.rss = kAfterWarmup.rss + 3.0 * hours + noise(0.6);
        f.heapTotal = kAfterWarmup.heapTotal + 0.5 * hours;
        f.heapUsed = std::min(f.heapTotal - 0.3, 200.5 + 13.0 * sawtooth + 0.6 * hours);
        f.external = kAfterWarmup.external + noise(0.1);
        f.arrayBuffers = kAfterWarmup.arrayBuffers + noise(0.1);
    }
    auto round1 = [](double v) { return std::round(v * 10.0) / 10.0; };
    LogRecord r;
    r.kind = LogKind::Memory;
    r.atMs = atMs;
    r.dockerTimeNs = atMs * 1000000;
    r.memory = MemorySample {
        atMs, round1(f.rss), round1(f.heapUsed), round1(f.heapTotal), round1(f.external), round1(f.arrayBuffers)};
    r.lineHash = quint64(atMs);
    return r;
}

LogRecord DemoSource::cacheRecord(qint64 atMs)
{
    // Hits and misses count from the start of the process, as NodeCache's getStats() does.
    const bool oldDeployment = atMs < m_deployMs;
    const double seconds = double(atMs - (oldDeployment ? m_historyStartMs : m_deployMs)) / 1000.0;
    const double perSecond = double(kSeedHits + kSeedMisses) / (double(kWarmupMs) / 1000.0);
    const double missShare
        = oldDeployment ? 0.29 + noise(0.03) : double(kSeedMisses) / double(kSeedHits + kSeedMisses) + noise(0.01);
    qint64 lookups = qint64(seconds * perSecond);
    qint64 misses = qint64(double(lookups) * missShare);
    if (atMs == m_storyNowMs) {
        lookups = kSeedHits + kSeedMisses;
        misses = kSeedMisses;
    }
    LogRecord r;
    r.kind = LogKind::Cache;
    r.atMs = atMs;
    r.dockerTimeNs = atMs * 1000000;
    r.cache.atMs = atMs;
    r.cache.keys = oldDeployment ? 3 : 2;
    r.cache.hits = lookups - misses;
    r.cache.misses = misses;
    r.cache.hitRatePercent = lookups > 0 ? std::round(10000.0 * double(r.cache.hits) / double(lookups)) / 100.0 : 0.0;
    r.lineHash = quint64(atMs) ^ 0x5bd1e995;
    return r;
}

StatsSample DemoSource::statsSample(qint64 atMs)
{
    StatsSample s;
    s.atMs = atMs;
    s.containerId = QLatin1String(kContainerId);
    s.name = m_options.container;
    double memMiB = 0;
    if (atMs < m_deployMs) {
        const double hours = double(atMs - m_historyStartMs) / double(kHourMs);
        memMiB = 346.0 + 5.4 * hours + noise(1.5);
        s.cpuPercent = 3.1 + noise(1.4);
    } else if (atMs < m_storyNowMs) {
        const double w = warmupCurve(double(atMs - m_deployMs) / double(kWarmupMs));
        memMiB = lerp(kStartup.rss + 20.0, kContainerAtSeedMiB, w) + noise(1.0);
        s.cpuPercent = 9.0 - 6.0 * w + noise(1.0);
    } else if (atMs == m_storyNowMs) {
        memMiB = kContainerAtSeedMiB;
        s.cpuPercent = kCpuAtSeed;
    } else {
        const double hours = double(atMs - m_storyNowMs) / double(kHourMs);
        memMiB = kContainerAtSeedMiB + 3.1 * hours + noise(0.8);
        s.cpuPercent = std::max(0.1, kCpuAtSeed + noise(1.2));
    }
    s.cpuPercent = std::round(std::max(0.0, s.cpuPercent) * 100.0) / 100.0;
    s.memUsageBytes = memMiB * units::kMiB;
    s.memLimitBytes = kContainerLimitMiB * units::kMiB;
    s.memPercent = 100.0 * memMiB / kContainerLimitMiB;
    const double seconds = double(atMs - m_historyStartMs) / 1000.0;
    s.netRxBytes = 1.2e6 + seconds * 2400.0;
    s.netTxBytes = 3.4e6 + seconds * 5100.0;
    s.blockReadBytes = 48.2e6;
    s.blockWriteBytes = 1.1e6 + seconds * 30.0;
    s.pids = 11;
    return s;
}

void DemoSource::generate(qint64 fromMs, qint64 toMs, IngestBatch& batch)
{
    Q_UNUSED(fromMs)
    // Container life cycle: the old deployment stops just before the new image starts.
    if (!m_oldStopped && toMs >= m_deployMs - kOldStopBeforeDeployMs) {
        m_oldStopped = true;
        ContainerEvent die
            = containerEvent(m_deployMs - kOldStopBeforeDeployMs, ContainerEvent::Kind::Die, QStringLiteral("die"));
        die.exitCode = 0;
        batch.events.push_back(die);
    }
    if (!m_newStarted && toMs >= m_deployMs) {
        m_newStarted = true;
        batch.events.push_back(containerEvent(m_deployMs, ContainerEvent::Kind::Start,
                                              QStringLiteral("redeployed "
                                                             "jjeuriss/pangolin:reduced_memory")));
        batch.info = info();
    }
    // Merge the three clocks in time order so each ring receives its rows in order.
    while (true) {
        const qint64 next = std::min({m_nextMemoryMs, m_nextCacheMs, m_nextStatsMs, m_nextProblemMs});
        if (next > toMs)
            break;
        if (next == m_nextStatsMs) {
            batch.stats.push_back(statsSample(next));
            m_nextStatsMs += m_options.statsIntervalMs;
        } else if (next == m_nextMemoryMs) {
            batch.logs.push_back(memoryRecord(next));
            m_nextMemoryMs += m_options.memoryLogIntervalMs;
        } else if (next == m_nextCacheMs) {
            // A process that has served nothing yet logs no cache stats worth charting.
            LogRecord record = cacheRecord(next);
            if (record.cache.hits + record.cache.misses > 0)
                batch.logs.push_back(std::move(record));
            m_nextCacheMs += m_options.cacheLogIntervalMs;
        } else {
            // An occasional slow query, as the real app logs it; the old deployment also hit a locked DB once.
            const bool old = next < m_deployMs;
            if (old && next - m_historyStartMs < kHourMs * 2 && next - m_historyStartMs > kHourMs)
                batch.logs.push_back(problemRecord(next, LogKind::Error,
                                                   QStringLiteral("[error]: Failed to flush audit logs: SQLITE_BUSY: "
                                                                  "database is locked")));
            else
                batch.logs.push_back(problemRecord(
                    next, LogKind::Warning,
                    QStringLiteral("[warn]: Slow query on /api/v1/org/resources: %1 ms").arg(700 + int(noise(300)))));
            m_nextProblemMs += kHourMs + qint64(noise(double(kHourMs) / 4));
        }
        // Within a merged step the same instant can hold several rows; the rings keep equal times.
    }
    m_emittedUntilMs = toMs;
    batch.logCounters.recognised += batch.logs.size();
    batch.logCounters.lines += batch.logs.size();
}

bool DemoSource::readHistory(const std::function<void(const IngestBatch&)>& sink, QString*)
{
    generateHistory(m_options.nowMs >= 0 ? m_options.nowMs : QDateTime::currentMSecsSinceEpoch(), sink);
    return true;
}

void DemoSource::generateHistory(qint64 nowMs, const std::function<void(const IngestBatch&)>& sink)
{
    m_storyNowMs = nowMs;
    m_deployMs = nowMs - kWarmupMs;
    m_historyStartMs = m_deployMs - qint64(m_options.historyHours * double(kHourMs));
    // Align the periodic lines on the deploy time so that T+0 and T+5 min land exactly on a line.
    auto alignedAfter = [this](qint64 interval) {
        const qint64 steps = (m_deployMs - m_historyStartMs) / interval;
        return m_deployMs - steps * interval;
    };
    m_nextMemoryMs = alignedAfter(m_options.memoryLogIntervalMs);
    m_nextCacheMs = alignedAfter(m_options.cacheLogIntervalMs) + m_options.cacheLogIntervalMs;
    m_nextStatsMs = alignedAfter(m_options.statsIntervalMs);
    m_nextProblemMs = m_historyStartMs + kHourMs / 3;
    m_oldStopped = m_newStarted = false;

    {
        IngestBatch first;
        first.backfill = true;
        first.events.push_back(containerEvent(m_historyStartMs, ContainerEvent::Kind::Start,
                                              QStringLiteral("started jjeuriss/pangolin:latest")));
        sink(first);
    }
    // In slices, so that a week of one-second history never sits in memory twice.
    const qint64 slice = std::max<qint64>(1000, qint64(kRecordsPerBatch) * m_options.statsIntervalMs / 2);
    for (qint64 t = m_historyStartMs; t <= nowMs; t += slice) {
        IngestBatch batch;
        batch.backfill = true;
        generate(t, std::min(nowMs, t + slice - 1), batch);
        if (!batch.isEmpty())
            sink(batch);
    }
    IngestBatch last;
    last.backfill = true;
    generate(nowMs, nowMs, last);
    last.info = info();
    sink(last);
}

void DemoSource::start()
{
    const qint64 now = m_options.nowMs >= 0 ? m_options.nowMs : QDateTime::currentMSecsSinceEpoch();
    ConnectionStatus status;
    status.host = QStringLiteral("demo");
    status.engine = QStringLiteral("demo");
    status.state = ConnectionStatus::State::Connected;
    status.message = QStringLiteral("simulated container, no network");
    Q_EMIT connectionChanged(status);
    generateHistory(now, [this](const IngestBatch& batch) { Q_EMIT batchReady(batch); });
    Q_EMIT backfillFinished();
    if (m_options.live)
        m_timer.start();
}

void DemoSource::stop()
{
    m_timer.stop();
}

void DemoSource::tick()
{
    // A wall clock that jumped back (suspend, NTP) must not emit rows older than the last ones.
    const qint64 now = std::max(QDateTime::currentMSecsSinceEpoch(), m_emittedUntilMs);
    IngestBatch batch;
    generate(m_emittedUntilMs + 1, now, batch);
    if (!batch.isEmpty())
        Q_EMIT batchReady(batch);
}

} // namespace heapwatch
