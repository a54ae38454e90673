// The memory investigation's red-flag table as rules, plus container memory and restarts.
#include "Assessment.h"
#include "FlagTiming.h"
#include "Timeline.h"
#include "Units.h"

#include <QDateTime>
#include <cmath>

namespace heapwatch {
namespace {

constexpr qint64 kTrendLookbackMs = 15 * 60 * 1000;

Level levelAbove(double value, const ThresholdPair& p)
{
    if (!isKnown(value))
        return Level::Unknown;
    if (value > p.critical)
        return Level::Critical;
    if (value > p.warning)
        return Level::Warning;
    return Level::Ok;
}

Level levelBelow(double value, const ThresholdPair& p)
{
    if (!isKnown(value))
        return Level::Unknown;
    if (value < p.critical)
        return Level::Critical;
    if (value < p.warning)
        return Level::Warning;
    return Level::Ok;
}

// "approaching warning" as the investigation writes it: ok, but within the approaching fraction of the warning line.
QString approachingNote(const Flag& f, double fraction)
{
    if (f.level != Level::Ok || !isKnown(f.value))
        return {};
    const bool near = f.lowerIsWorse ? f.value < f.warning * (1.0 + fraction) : f.value > f.warning * (1.0 - fraction);
    return near ? QStringLiteral("approaching warning") : QString();
}

// Compares the newest value of a ring column with the value about fifteen minutes earlier.
// Samples from before the last container start belong to another process and say nothing of this trend.
template<int N> QString trendOf(const SampleRing<N>& ring, int column, double epsilon, qint64 notBefore)
{
    if (ring.size() < 2)
        return {};
    const auto& last = ring.last();
    const qsizetype earlier = ring.lowerBound(std::max(last.atMs - kTrendLookbackMs, notBefore));
    if (earlier >= ring.size() - 1)
        return {};
    const double before = double(ring.at(earlier).v[size_t(column)]);
    const double now = double(last.v[size_t(column)]);
    if (!std::isfinite(before) || !std::isfinite(now))
        return {};
    if (now - before > epsilon)
        return QStringLiteral("rising");
    if (before - now > epsilon)
        return QStringLiteral("falling");
    return QStringLiteral("steady");
}

QString slopeTrend(double perHour)
{
    if (!isKnown(perHour))
        return {};
    if (perHour > 1.0)
        return QStringLiteral("rising");
    if (perHour < -1.0)
        return QStringLiteral("falling");
    return QStringLiteral("steady");
}

Flag makeFlag(const char* id, const char* metric, const char* unit, double value, const ThresholdPair& p,
              bool lowerIsWorse)
{
    Flag f;
    f.id = QLatin1String(id);
    f.metric = QLatin1String(metric);
    f.unit = QLatin1String(unit);
    f.value = value;
    f.warning = p.warning;
    f.critical = p.critical;
    f.lowerIsWorse = lowerIsWorse;
    f.level = lowerIsWorse ? levelBelow(value, p) : levelAbove(value, p);
    return f;
}

// The rows of one column judged in time: since the last start (the old process's values say nothing of this
// one), within the lookback, at most kMaxTimedRows of them.
constexpr qsizetype kMaxTimedRows = 4000;
template<int N>
std::vector<std::pair<qint64, double>> seriesOf(const SampleRing<N>& ring, int column, double factor, qint64 fromMs,
                                                qint64 nowMs)
{
    std::vector<std::pair<qint64, double>> out;
    qsizetype begin = ring.lowerBound(fromMs);
    const qsizetype end = ring.lowerBound(nowMs + 1);
    if (end - begin > kMaxTimedRows)
        begin = end - kMaxTimedRows;
    out.reserve(size_t(std::max<qsizetype>(0, end - begin)));
    ring.forEachRun(begin, end, [&](const typename SampleRing<N>::Row* rows, qsizetype count) {
        for (qsizetype i = 0; i < count; ++i)
            out.emplace_back(rows[i].atMs, double(rows[i].v[size_t(column)]) * factor);
    });
    return out;
}

// Judges a flag in time when its newest value is the ring's newest row; otherwise (a line without a time)
// the instant level stands. The "approaching warning" note comes first.
template<int N>
void judgeFlagInTime(Flag& f, const SampleRing<N>& ring, int column, double factor, qint64 sampleAtMs,
                     const ThresholdPair& lines, const Sustain& sustain, const Thresholds& t, const TargetState& s,
                     qint64 nowMs)
{
    if (f.level != Level::Unknown && sampleAtMs >= 0) {
        const auto series
            = seriesOf(ring, column, factor, std::max(nowMs - timingLookbackMs(t), s.lastStartMs()), nowMs);
        if (!series.empty() && series.back().first == sampleAtMs) {
            Flag timed = f;
            timed.note.clear();
            applyTiming(timed, judgeInTime(series, lines, f.lowerIsWorse, sustain, t), sustain, t, nowMs);
            // A value beyond a line, not yet for long enough, is "entering", not "approaching".
            const QString approaching = timed.note.contains(QLatin1String("entering"))
                ? QString()
                : approachingNote(timed, t.approachingFraction);
            const QString prefix = f.note.isEmpty() ? approaching : f.note;
            f = timed;
            f.note = prefix.isEmpty()  ? timed.note
                : timed.note.isEmpty() ? prefix
                                       : prefix + QStringLiteral("; ") + timed.note;
            return;
        }
    }
    if (f.note.isEmpty())
        f.note = approachingNote(f, t.approachingFraction);
}

} // namespace

std::vector<Flag> evaluateFlags(const TargetState& s, const Thresholds& t, const GrowthResult& growth, qint64 nowMs)
{
    const qint64 windowFrom = eventWindowStart(t, nowMs);
    std::vector<Flag> flags;
    const auto& memory = s.lastMemory();

    {
        Flag f = makeFlag("rss", "RSS Memory", "MiB", memory ? memory->rssMiB : kUnknown, t.rssMiB, false);
        judgeFlagInTime(f, s.process(), RssColumn, 1.0, memory ? memory->atMs : -1, t.rssMiB, t.rssSustain, t, s,
                        nowMs);
        f.trend = trendOf(s.process(), RssColumn, 1.0, s.lastStartMs());
        flags.push_back(f);
    }
    {
        double usage = kUnknown;
        if (memory && isKnown(memory->heapUsedMiB) && isKnown(memory->heapTotalMiB) && memory->heapTotalMiB > 0)
            usage = 100.0 * memory->heapUsedMiB / memory->heapTotalMiB;
        Flag f = makeFlag("heap_usage", "Heap Usage %", "%", usage, t.heapUsagePercent, false);
        judgeFlagInTime(f, s.process(), HeapUsagePercentColumn, 1.0, memory ? memory->atMs : -1, t.heapUsagePercent,
                        t.heapUsageSustain, t, s, nowMs);
        f.trend = trendOf(s.process(), HeapUsedColumn, 1.0, s.lastStartMs());
        flags.push_back(f);
    }
    {
        // With enough full GCs (--trace-gc), the heap they leave behind is the leak's evidence, not RSS.
        const double value = growth.leakJudged() ? growth.leakMiBPerHour() : kUnknown;
        Flag f = makeFlag("memory_growth", "Memory Growth", "MiB/h", value, t.growthMiBPerHour, false);
        if (growth.usesGcFloor) {
            f.note = approachingNote(f, t.approachingFraction);
            const QString floor = QStringLiteral("post-GC heap floor, Theil–Sen over %1 full GCs in %2 min")
                                      .arg(growth.gcFloorPoints)
                                      .arg(int(std::floor(growth.gcFloorMinutes)));
            f.note = f.note.isEmpty() ? floor : f.note + QStringLiteral("; ") + floor;
        } else if (!growth.enoughObservation) {
            f.note = QStringLiteral("needs longer observation (%1 of %2 min)")
                         .arg(int(std::floor(growth.observedMinutes)))
                         .arg(int(std::ceil(t.growthMinObservationMinutes)));
        } else {
            f.note = approachingNote(f, t.approachingFraction);
            if (growth.projectedLimitAtMs >= 0) {
                const QString when = QDateTime::fromMSecsSinceEpoch(growth.projectedLimitAtMs, Qt::UTC)
                                         .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
                const QString projection = QStringLiteral("reaches the %1 (%2 MiB) at %3")
                                               .arg(growth.projectedLimitName)
                                               .arg(growth.projectedLimitMiB, 0, 'f', 0)
                                               .arg(when);
                f.note = f.note.isEmpty() ? projection : f.note + QStringLiteral("; ") + projection;
            }
        }
        f.trend = slopeTrend(value);
        flags.push_back(f);
    }
    {
        // Cache behaviour is a fact of the current deployment: the previous one's hit rate says nothing of it.
        const auto& cache = s.lastCache();
        const bool current = cache && inCurrentDeployment(s, cache->atMs);
        Flag f = makeFlag("cache_hit_rate", "Cache Hit Rate", "%", current ? cache->hitRatePercent : kUnknown,
                          t.cacheHitRatePercent, true);
        if (cache && !current)
            f.note = QStringLiteral("no cache stats since the last start");
        else
            judgeFlagInTime(f, s.cache(), HitRateColumn, 1.0, cache ? cache->atMs : -1, t.cacheHitRatePercent,
                            t.cacheHitRateSustain, t, s, nowMs);
        f.trend = trendOf(s.cache(), HitRateColumn, 2.0, s.lastStartMs());
        flags.push_back(f);
    }
    {
        // No log line at all means nothing is known about overflows, not that there were none.
        // Only the events of the current container run within the events window count: a redeployed container
        // starts clean, and an overflow of last Monday is not a reason to act now.
        const bool known = s.logCounters().lines > 0 || memory.has_value();
        const qint64 recent = s.overflowEventsSince(std::max(windowFrom, s.lastStartMs()));
        const double events = known ? double(recent) : kUnknown;
        Flag f;
        f.id = QStringLiteral("buffer_overflows");
        f.metric = QStringLiteral("Buffer Overflows");
        f.unit = QStringLiteral("events");
        f.value = events;
        f.warning = t.bufferOverflows.warning;
        f.critical = t.bufferOverflows.critical;
        f.level = !known                           ? Level::Unknown
            : events >= t.bufferOverflows.critical ? Level::Critical
            : events >= t.bufferOverflows.warning  ? Level::Warning
                                                   : Level::Ok;
        if (recent > 0) {
            f.note = QStringLiteral("%1 entries dropped in total").arg(s.totalDropped());
            if (s.overflowsWithoutCount() > 0)
                f.note += QStringLiteral(" (%1 overflow(s) without a count)").arg(s.overflowsWithoutCount());
            if (s.overflowEvents() > recent)
                f.note += QStringLiteral(", %1 overflows since watching").arg(s.overflowEvents());
        } else if (s.overflowEvents() > 0) {
            const qint64 last = s.lastOverflowMs();
            f.note = last >= 0 ? QStringLiteral("last overflow %1 ago, %2 since watching")
                                     .arg(durationText(nowMs - last))
                                     .arg(s.overflowEvents())
                               : QStringLiteral("%1 since watching").arg(s.overflowEvents());
            if (last >= windowFrom)
                f.note += QStringLiteral(", before the last start");
        }
        applyEventTimeline(f, s, t, nowMs);
        flags.push_back(f);
    }
    {
        double percent = kUnknown;
        const auto& stats = s.lastStats();
        const double limit = s.containerLimitMiB();
        if (stats && isKnown(stats->memUsageBytes) && isKnown(limit) && limit > 0)
            percent = 100.0 * (stats->memUsageBytes / units::kMiB) / limit;
        else if (stats)
            percent = stats->memPercent;
        Flag f = makeFlag("container_memory", "Container Memory", "%", percent, t.containerMemoryPercent, false);
        // The ring keeps MiB; judged against the current limit.
        if (stats && isKnown(stats->memUsageBytes) && isKnown(limit) && limit > 0)
            judgeFlagInTime(f, s.stats(), MemUsageColumn, 100.0 / limit, stats->atMs, t.containerMemoryPercent,
                            t.containerMemorySustain, t, s, nowMs);
        else
            f.note = approachingNote(f, t.approachingFraction);
        f.trend = trendOf(s.stats(), MemUsageColumn, 2.0, s.lastStartMs());
        flags.push_back(f);
    }
    {
        // The V8 heap may grow to its limit (--max-old-space-size); what the process holds beside the heap
        // (RSS − heap total: code, stacks, buffers) comes on top. Past the container's limit the kernel kills
        // the process before V8 would collect. Judged only when the limit is known from NODE_OPTIONS.
        double percent = kUnknown;
        const double heapLimit = s.heapLimitMiB();
        const double limit = s.containerLimitMiB();
        double nonHeap = kUnknown;
        if (memory && isKnown(memory->rssMiB) && isKnown(memory->heapTotalMiB))
            nonHeap = std::max(0.0, memory->rssMiB - memory->heapTotalMiB);
        if (isKnown(heapLimit) && isKnown(limit) && limit > 0 && isKnown(nonHeap))
            percent = 100.0 * (heapLimit + nonHeap) / limit;
        Flag f = makeFlag("heap_limit_fit", "Heap Limit Fit", "%", percent, t.heapLimitFitPercent, false);
        if (isKnown(percent))
            f.note = QStringLiteral("heap limit %1 MiB + %2 MiB beside the heap, container limit %3 MiB")
                         .arg(heapLimit, 0, 'f', 0)
                         .arg(nonHeap, 0, 'f', 1)
                         .arg(limit, 0, 'f', 1);
        else if (!isKnown(heapLimit))
            f.note = QStringLiteral("heap limit not set in NODE_OPTIONS");
        flags.push_back(f);
    }
    if (!s.gc().isEmpty()) {
        // The longest GC pause of the events window: the app answers nothing while V8 collects. Only with
        // --trace-gc lines: without them there is no such flag.
        const GcRing& gc = s.gc();
        double longest = 0;
        qint64 longestAt = -1;
        bool full = false;
        for (qsizetype i = gc.lowerBound(windowFrom), end = gc.lowerBound(nowMs + 1); i < end; ++i) {
            const auto row = gc.at(i);
            const double pause = double(row.v[GcPauseColumn]);
            if (std::isfinite(pause) && pause > longest) {
                longest = pause;
                longestAt = row.atMs;
                full = row.v[GcFullColumn] > 0.5f;
            }
        }
        longest = std::round(longest * 100.0) / 100.0; // the ring keeps hundredths, as floats
        Flag f = makeFlag("gc_pause", "GC Pause", "ms", longest, t.gcPauseMs, false);
        if (longestAt >= 0)
            f.note = QStringLiteral("longest: %1 ms (%2) %3 ago")
                         .arg(longest, 0, 'f', 1)
                         .arg(full ? QStringLiteral("full GC") : QStringLiteral("scavenge"))
                         .arg(durationText(nowMs - longestAt));
        else
            f.note = QStringLiteral("no garbage collection logged in the events window");
        flags.push_back(f);
    }
    {
        const bool known = s.info().has_value() || !s.markers().empty();
        // Restarts and OOM kills of the events window; a restart loop (k restarts in a short window, or a
        // container that never stays up) is critical like an OOM kill.
        const int restarts = s.restartsSince(windowFrom);
        const int ooms = s.oomKillsSince(windowFrom);
        const bool loop = inRestartLoop(s, t, nowMs);
        Flag f;
        f.id = QStringLiteral("restarts");
        f.metric = QStringLiteral("Restarts / OOM Kills");
        f.unit = QStringLiteral("restarts");
        f.value = known ? double(restarts) : kUnknown;
        f.warning = t.restarts.warning;
        f.critical = t.restarts.critical;
        if (!known)
            f.level = Level::Unknown;
        else if (ooms > 0 || loop)
            f.level = Level::Critical;
        else if (restarts >= t.restarts.warning)
            f.level = Level::Warning;
        else
            f.level = Level::Ok;
        QStringList notes;
        if (loop)
            notes << QStringLiteral("restart loop: %1 restarts in %2")
                         .arg(s.restartsSince(restartLoopWindowStart(t, nowMs)))
                         .arg(durationText(qint64(t.restartLoopWindowMinutes * 60.0 * 1000.0)));
        if (ooms > 0)
            notes << QStringLiteral("%1 OOM kill(s)").arg(ooms);
        if (known && restarts == 0 && s.restartsWhileWatched() > 0) {
            qint64 last = -1;
            for (const Marker& m : s.markers()) {
                if (m.kind == Marker::Kind::Restart)
                    last = std::max(last, m.atMs);
            }
            if (last >= 0)
                notes << QStringLiteral("last restart %1 ago, %2 since watching")
                             .arg(durationText(nowMs - last))
                             .arg(s.restartsWhileWatched());
        }
        f.note = notes.join(QStringLiteral("; "));
        applyEventTimeline(f, s, t, nowMs);
        flags.push_back(f);
    }
    return flags;
}

} // namespace heapwatch
