// The memory investigation's recommendations as rules: each has a stable id, a title, a concrete action and the
// evidence that fired it.
#include "Assessment.h"
#include "Format.h"
#include "SafeMath.h"

#include <QDateTime>
#include <QStringList>
#include <cmath>
#include <limits>

namespace heapwatch {
namespace {

constexpr double kMsPerMinute = 60.0 * 1000.0;

// "LeakyRecord +35000 objects (+2.1 MiB)", the growers of the latest snapshot comparison, for the advice.
QString heapGrowthAdvice(const HeapGrowthEvidence& e)
{
    QStringList growers;
    for (const HeapGrowthEvidence::Grower& g : e.growers) {
        growers << QStringLiteral("%1 %2%3 objects (%4%5)")
                       .arg(g.constructor.left(120))
                       .arg(g.countDelta >= 0 ? QStringLiteral("+") : QString())
                       .arg(g.countDelta)
                       .arg(g.sizeDeltaBytes >= 0 ? QStringLiteral("+") : QStringLiteral("-"))
                       .arg(format::bytes(double(g.sizeDeltaBytes >= 0 ? g.sizeDeltaBytes : -g.sizeDeltaBytes)));
    }
    const auto at = [](qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm")); };
    return QStringLiteral("Between the heap snapshots of %1 and %2 these grew: %3. Find what holds them (the "
                          "comparison's retainer paths, Target > Heap snapshot…): a cache, Map or listener list "
                          "that only grows.")
        .arg(at(e.olderAtMs), at(e.newerAtMs), growers.join(QStringLiteral(", ")));
}

QString mib(double v)
{
    return QString::number(v, 'f', 1) + QStringLiteral(" MiB");
}
QString pct(double v)
{
    return QString::number(v, 'f', 1) + QLatin1Char('%');
}

// How long (minutes) the newest values of a column have stayed strictly above a line, counted back from the
// newest row; 0 when the newest value is not above it (or unknown).
// Only samples of the current deployment count: a run that began before the last start is the old process's.
template<int N> double minutesAbove(const SampleRing<N>& ring, int column, double line, qint64 notBefore = -1)
{
    qsizetype start = ring.runStart(column, float(line), std::numeric_limits<float>::infinity());
    if (start >= ring.size())
        return 0;
    if (notBefore >= 0)
        start = std::max(start, ring.lowerBound(notBefore));
    if (start >= ring.size())
        return 0;
    return double(ring.last().atMs - ring.at(start).atMs) / kMsPerMinute;
}

// The next heap limit to suggest: the investigation went from 384 to 512; beyond that, half as much again, in 128s.
int nextHeapLimit(double current)
{
    if (!isKnown(current) || current < 512)
        return 512;
    return int(std::ceil(current * 1.5 / 128.0) * 128.0);
}

const Flag* find(const std::vector<Flag>& flags, const char* id)
{
    for (const Flag& f : flags) {
        if (f.id == QLatin1String(id))
            return &f;
    }
    return nullptr;
}

// The restart loop's evidence: each restart of the loop window with the exit code before it and the last
// warning or error the app logged before it, which is usually why it died.
void addRestartLoop(const TargetState& s, const Thresholds& t, qint64 nowMs, std::vector<Recommendation>& out)
{
    const qint64 from = restartLoopWindowStart(t, nowMs);
    QStringList restarts;
    qint64 previous = from;
    for (const Marker& m : s.markers()) {
        if (m.kind != Marker::Kind::Restart || m.atMs < from)
            continue;
        int exitCode = -1;
        for (const Marker& d : s.markers()) {
            if ((d.kind == Marker::Kind::Die || d.kind == Marker::Kind::OomKill) && d.exitCode >= 0 && d.atMs <= m.atMs
                && d.atMs >= previous)
                exitCode = d.exitCode;
        }
        QString lastLine;
        for (const Problem& p : s.problems()) {
            if (p.atMs >= previous && p.atMs <= m.atMs)
                lastLine = p.text;
        }
        QString entry = QDateTime::fromMSecsSinceEpoch(m.atMs, Qt::UTC).toString(QStringLiteral("HH:mm:ss"));
        entry += exitCode >= 0 ? QStringLiteral(" after exit code %1").arg(exitCode)
                               : QStringLiteral(" (exit code unknown)");
        if (!lastLine.isEmpty())
            entry += QStringLiteral(", last line: %1").arg(lastLine.left(160));
        restarts << entry;
        previous = m.atMs;
    }
    const int count = s.restartsSince(from);
    out.push_back(Recommendation {
        QStringLiteral("restart-loop"), Level::Critical, QStringLiteral("The container is in a restart loop"),
        QStringLiteral("Look at why it exits (the exit codes and last lines below; docker logs --tail 50 of the "
                       "container), fix that first, and consider a restart policy with a backoff or a limit "
                       "(restart: on-failure:5) so a crashing container does not hide behind restarts."),
        QStringLiteral("%1 restart(s) in the last %2%3%4")
            .arg(count)
            .arg(durationText(nowMs - from))
            .arg(s.info() && s.info()->status == QLatin1String("restarting") ? QStringLiteral(" (inspect: restarting)")
                                                                             : QString())
            .arg(restarts.isEmpty() ? QString() : QStringLiteral(": ") + restarts.join(QStringLiteral("; ")))});
}

} // namespace

std::vector<Recommendation> recommend(const TargetState& s, const Thresholds& t, const GrowthResult& growth,
                                      const std::vector<Flag>& flags, qint64 nowMs)
{
    std::vector<Recommendation> out;
    auto add = [&out](const char* id, Level level, QString title, QString action, QString evidence) {
        out.push_back(
            Recommendation {QLatin1String(id), level, std::move(title), std::move(action), std::move(evidence)});
    };
    const auto& memory = s.lastMemory();
    const double heapLimit = s.heapLimitMiB();
    const double limitForAdvice = isKnown(heapLimit) ? heapLimit : t.defaultHeapLimitMiB;
    // Events count within the events window; deployment facts since the last start (a new deployment
    // resolves what the previous one's lines said).
    const qint64 windowFrom = eventWindowStart(t, nowMs);
    const qint64 deployedAt = s.lastStartMs();
    const int ooms = s.oomKillsSince(windowFrom);
    const int heapOoms = s.heapOomLinesSince(windowFrom);

    // OOM kills and heap exhaustion first: they are the incidents the rest tries to prevent.
    if (ooms > 0 || heapOoms > 0) {
        add("oom-restart", Level::Critical, QStringLiteral("The container was killed for lack of memory"),
            QStringLiteral("Raise the heap limit (ENV NODE_OPTIONS=\"--max-old-space-size=%1\") and the container "
                           "memory limit together, then capture heap snapshots (node --heapsnapshot-near-heap-limit=2) "
                           "to find what filled the heap.")
                .arg(nextHeapLimit(limitForAdvice)),
            QStringLiteral(
                "%1 OOM incident(s), %2 'JavaScript heap out of memory' line(s), %3 restart(s) in the last %4")
                .arg(ooms)
                .arg(heapOoms)
                .arg(s.restartsSince(windowFrom))
                .arg(durationText(nowMs - windowFrom)));
    }

    if (inRestartLoop(s, t, nowMs))
        addRestartLoop(s, t, nowMs, out);

    if (const qint64 devLines = s.devModeLinesSince(deployedAt); devLines > 0) {
        add("dev-mode", Level::Critical, QStringLiteral("Next.js is running in development mode"),
            QStringLiteral("Start the container with NODE_ENV=production (and ENVIRONMENT=prod) so that next() gets "
                           "dev: false and turbopack: false; development mode costs ~50-100 MB (source maps, HMR, "
                           "larger caches)."),
            QStringLiteral("%1 development-mode line(s) (Compiling / Compiled / Fast Refresh / HMR) in the logs%2")
                .arg(devLines)
                .arg(deployedAt >= 0 ? QStringLiteral(" since the last start") : QString()));
    }

    if (s.info() && s.info()->nodeOptionsKnown && !isKnown(heapLimit)) {
        add("no-heap-limit", Level::Warning, QStringLiteral("No V8 heap limit is set"),
            QStringLiteral("Add ENV NODE_OPTIONS=\"--max-old-space-size=%1\" to the Dockerfile so V8 collects "
                           "garbage before the container runs out of memory.")
                .arg(int(t.defaultHeapLimitMiB)),
            s.info()->nodeOptions.isEmpty()
                ? QStringLiteral("NODE_OPTIONS is not set in the container")
                : QStringLiteral("NODE_OPTIONS=%1 has no --max-old-space-size").arg(s.info()->nodeOptions));
    }

    // A heap limit the container cannot hold: the kernel's OOM killer, not V8's collector, would stop the heap.
    const Flag* fit = find(flags, "heap_limit_fit");
    const double containerLimit = s.containerLimitMiB();
    if (fit && (fit->level == Level::Warning || fit->level == Level::Critical) && isKnown(heapLimit)
        && isKnown(containerLimit)) {
        const double needs = fit->value * containerLimit / 100.0; // heap limit + what is beside the heap
        const double beside = needs - heapLimit;
        const double share = t.heapLimitFitPercent.warning / 100.0;
        const int fittingHeap = int(std::floor((containerLimit * share - beside) / 32.0) * 32.0);
        const int fittingLimit = int(std::ceil(needs / share / 64.0) * 64.0);
        const QString raise = QStringLiteral("raise the container memory limit to %1 MiB").arg(fittingLimit);
        add("heap-limit-over-container", fit->level, QStringLiteral("The heap limit does not fit in the container"),
            fittingHeap >= 64 ? QStringLiteral("Lower the heap limit to what the container can hold (ENV "
                                               "NODE_OPTIONS=\"--max-old-space-size=%1\"), or %2.")
                                    .arg(fittingHeap)
                                    .arg(raise)
                              : QStringLiteral("The container cannot hold a useful heap: %1.").arg(raise),
            QStringLiteral("heap limit %1 + %2 beside the heap (RSS − heap total) = %3, %4 of the container limit %5")
                .arg(mib(heapLimit), mib(beside), mib(needs), pct(fit->value), mib(containerLimit)));
    }

    const double rssAbove = minutesAbove(s.process(), RssColumn, t.increaseHeapRssMiB, deployedAt);
    if (memory && isKnown(memory->rssMiB) && memory->rssMiB > t.increaseHeapRssMiB
        && rssAbove >= t.increaseHeapSustainMinutes) {
        const Flag* rss = find(flags, "rss");
        add("increase-heap-limit", rss && rss->level == Level::Critical ? Level::Critical : Level::Warning,
            QStringLiteral("Increase the heap limit to %1 MB").arg(nextHeapLimit(limitForAdvice)),
            QStringLiteral("ENV NODE_OPTIONS=\"--max-old-space-size=%1\"").arg(nextHeapLimit(limitForAdvice)),
            QStringLiteral("RSS %1 has stayed above %2 for %3 min (heap limit %4)")
                .arg(mib(memory->rssMiB), mib(t.increaseHeapRssMiB))
                .arg(int(rssAbove))
                .arg(isKnown(heapLimit) ? mib(heapLimit) : QStringLiteral("unknown")));
    }

    const Flag* heap = find(flags, "heap_usage");
    if (heap && (heap->level == Level::Warning || heap->level == Level::Critical)
        && minutesAbove(s.process(), HeapUsagePercentColumn, t.heapUsagePercent.warning, deployedAt)
            >= t.gcPressureSustainMinutes) {
        add("heap-gc-pressure", heap->level, QStringLiteral("High heap utilization: GC pressure likely"),
            QStringLiteral("Give V8 headroom (ENV NODE_OPTIONS=\"--max-old-space-size=%1\") or reduce what stays "
                           "reachable; confirm with node --trace-gc and watch whether usage stays above %2%.")
                .arg(nextHeapLimit(limitForAdvice))
                .arg(t.heapUsagePercent.warning, 0, 'f', 0),
            QStringLiteral("heap %1 / %2 = %3 (warning > %4%, critical > %5%)")
                .arg(mib(memory->heapUsedMiB), mib(memory->heapTotalMiB), pct(heap->value))
                .arg(t.heapUsagePercent.warning)
                .arg(t.heapUsagePercent.critical));
    }

    const double heapOver = minutesAbove(s.process(), HeapUsedColumn, t.heapOverMiB, deployedAt);
    if (memory && isKnown(memory->heapUsedMiB) && memory->heapUsedMiB > t.heapOverMiB
        && heapOver >= t.heapOverSustainMinutes) {
        add("heap-over-300", Level::Warning,
            QStringLiteral("Heap used consistently above %1 MB").arg(t.heapOverMiB, 0, 'f', 0),
            QStringLiteral("The heap limit may be too small for the workload: raise it to %1 MB "
                           "(ENV NODE_OPTIONS=\"--max-old-space-size=%1\") or find what holds memory "
                           "with a heap snapshot.")
                .arg(nextHeapLimit(limitForAdvice)),
            QStringLiteral("heap used %1 for %2 min").arg(mib(memory->heapUsedMiB)).arg(int(heapOver)));
    }

    if (growth.leakJudged() && isKnown(growth.leakMiBPerHour())
        && growth.leakMiBPerHour() > t.growthMiBPerHour.warning) {
        // With --trace-gc lines, the heap each full GC leaves behind: what the app keeps, not what it churns.
        const QString floor = growth.usesGcFloor
            ? QStringLiteral("; the heap left after each full GC rises %1 MiB/h (Theil–Sen over %2 full GCs in %3 min)")
                  .arg(growth.gcFloorMiBPerHour, 0, 'f', 1)
                  .arg(growth.gcFloorPoints)
                  .arg(int(growth.gcFloorMinutes))
            : QString();
        add("possible-leak", growth.leakMiBPerHour() > t.growthMiBPerHour.critical ? Level::Critical : Level::Warning,
            QStringLiteral("Memory keeps growing after warm-up: possible leak"),
            s.heapGrowth().isEmpty()
                ? QStringLiteral("Take two heap snapshots some minutes apart (Target > Heap snapshot…, or "
                                 "`heapwatch snapshot TARGET -o FILE` twice, then `heapwatch snapshot --diff OLD "
                                 "NEW`) and compare the retained objects; check caches, Maps and listeners that "
                                 "only grow.")
                : heapGrowthAdvice(s.heapGrowth()),
            QStringLiteral("RSS +%1 MiB/h, heap used +%2 MiB/h over %3 min after warm-up%4%5")
                .arg(growth.rssMiBPerHour, 0, 'f', 1)
                .arg(growth.heapUsedMiBPerHour, 0, 'f', 1)
                .arg(int(growth.observedMinutes))
                .arg(growth.projectedLimitAtMs >= 0
                         ? QStringLiteral("; reaches the %1 at this rate").arg(growth.projectedLimitName)
                         : QString())
                .arg(floor));
    }

    if (!growth.leakJudged() && memory) {
        add("observe-longer", Level::Ok, QStringLiteral("Keep watching: growth needs a longer observation"),
            QStringLiteral("Monitor for the next 30-60 minutes to see whether memory stabilises or keeps growing; "
                           "the growth rate is judged after %1 min of data past the %2 min warm-up.")
                .arg(t.growthMinObservationMinutes, 0, 'f', 0)
                .arg(t.growthWarmupMinutes, 0, 'f', 0),
            QStringLiteral("%1 of %2 min observed since the warm-up ended")
                .arg(int(std::floor(growth.observedMinutes)))
                .arg(t.growthMinObservationMinutes, 0, 'f', 0));
    }

    if (const auto& cache = s.lastCache();
        cache && isKnown(cache->hitRatePercent) && inCurrentDeployment(s, cache->atMs)) {
        const double hitRate = cache->hitRatePercent;
        if (hitRate < t.cacheHitRatePercent.warning) {
            add("cache-ttl-short", hitRate < t.cacheHitRatePercent.critical ? Level::Critical : Level::Warning,
                QStringLiteral("Cache hit rate is low: TTL may be too short"),
                QStringLiteral("Raise the NodeCache stdTTL (e.g. from 300 s to 600 s) for entries that are read "
                               "repeatedly, and check that keys are stable."),
                QStringLiteral("hit rate %1 (%2 hits, %3 misses)")
                    .arg(pct(hitRate))
                    .arg(cache->hits)
                    .arg(cache->misses));
        }
        const double highFor = minutesAbove(s.cache(), HitRateColumn, t.cacheTtlIncreasePercent, deployedAt);
        if (hitRate > t.cacheTtlIncreasePercent && highFor >= t.cacheTtlIncreaseSustainMinutes) {
            add("cache-ttl-increase", Level::Ok, QStringLiteral("Cache works well: a longer TTL could save more"),
                QStringLiteral("Consider raising stdTTL from 5 to 10 minutes while the hit rate stays above %1%.")
                    .arg(t.cacheTtlIncreasePercent, 0, 'f', 0),
                QStringLiteral("hit rate above %1% for %2 min (now %3)")
                    .arg(t.cacheTtlIncreasePercent, 0, 'f', 0)
                    .arg(int(highFor))
                    .arg(pct(hitRate)));
        }
        if (cache->keys >= 0 && double(cache->keys) >= t.cacheMaxKeys * t.cacheMaxKeysFraction) {
            add("cache-maxkeys", Level::Warning, QStringLiteral("Cache is close to maxKeys"),
                QStringLiteral("Raise maxKeys above %1 or lower the TTL; a full NodeCache throws on set().")
                    .arg(t.cacheMaxKeys, 0, 'f', 0),
                QStringLiteral("%1 keys of %2 (%3)")
                    .arg(cache->keys)
                    .arg(t.cacheMaxKeys, 0, 'f', 0)
                    .arg(pct(100.0 * double(cache->keys) / t.cacheMaxKeys)));
        }
        const qint64 lookups = safe::add(cache->hits, cache->misses); // the app's numbers: any size
        if (lookups > 0 && cache->keys >= 0) {
            const double missPercent = 100.0 * double(cache->misses) / double(lookups);
            if (missPercent > t.cacheStrategyMissPercent && double(cache->keys) <= t.cacheStrategyFewKeys) {
                add("cache-strategy", Level::Warning,
                    QStringLiteral("Many misses with few keys: review the caching strategy"),
                    QStringLiteral("Most lookups miss although almost nothing is cached: check that what is read is "
                                   "also written to the cache, and that keys do not expire before reuse."),
                    QStringLiteral("%1 misses of %2 lookups (%3) with %4 key(s)")
                        .arg(cache->misses)
                        .arg(lookups)
                        .arg(pct(missPercent))
                        .arg(cache->keys));
            }
        }
    }

    if (const qint64 overflows = s.overflowEventsSince(std::max(windowFrom, deployedAt)); overflows > 0) {
        add("db-write-slow", overflows >= t.bufferOverflows.critical ? Level::Critical : Level::Warning,
            QStringLiteral("Audit log buffer overflowed: database writes are too slow"),
            QStringLiteral("Any overflow means audit entries were dropped. Check database write latency and locks "
                           "(e.g. SQLITE_BUSY), batch inserts, and alert on the dropped total."),
            QStringLiteral("%1 overflow event(s) in the last %2 of this run, %3 entries dropped in total%4")
                .arg(overflows)
                .arg(durationText(nowMs - windowFrom))
                .arg(s.totalDropped())
                .arg(s.overflowsWithoutCount() > 0
                         ? QStringLiteral(" (%1 overflow(s) without a count)").arg(s.overflowsWithoutCount())
                         : QString()));
    }

    if (const Flag* container = find(flags, "container_memory");
        container && (container->level == Level::Warning || container->level == Level::Critical)) {
        add("container-memory-high", container->level, QStringLiteral("Container memory is close to its limit"),
            QStringLiteral("Raise the container limit (docker update --memory …, or mem_limit in compose) above the "
                           "heap limit plus ~100 MB for native memory, or lower the heap limit."),
            QStringLiteral("container memory at %1 of its limit (%2)")
                .arg(pct(container->value))
                .arg(mib(s.containerLimitMiB())));
    }
    return out;
}

} // namespace heapwatch
