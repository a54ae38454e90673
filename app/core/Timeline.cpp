#include "Timeline.h"

#include <algorithm>
#include <functional>
#include <limits>

namespace heapwatch {
namespace {

constexpr qint64 kMsPerMinute = 60 * 1000;

// The event history as sorted times, for counting events within any window by binary search.
struct EventTimes
{
    std::vector<qint64> starts; // container starts and restarts, and start lines without one
    std::vector<qint64> restarts;
    std::vector<qint64> ooms;
    std::vector<qint64> overflows;
    std::vector<qint64> devModeLines;

    explicit EventTimes(const TargetState& s)
    {
        for (const Marker& m : s.markers()) {
            if (m.kind == Marker::Kind::Start || m.kind == Marker::Kind::Restart)
                starts.push_back(m.atMs);
            if (m.kind == Marker::Kind::Restart)
                restarts.push_back(m.atMs);
            if (m.kind == Marker::Kind::OomKill || m.kind == Marker::Kind::HeapOom)
                ooms.push_back(m.atMs);
        }
        for (const OverflowEvent& o : s.overflows()) {
            if (o.atMs >= 0) // an event without a time has no place in a timeline
                overflows.push_back(o.atMs);
        }
        for (qint64 at : s.devModeTimes()) {
            if (at >= 0)
                devModeLines.push_back(at);
        }
        for (auto* v : {&starts, &restarts, &ooms, &overflows, &devModeLines})
            std::sort(v->begin(), v->end());
    }

    // The latest start at or before atMs, -1 if none.
    qint64 startBefore(qint64 atMs) const
    {
        const auto it = std::upper_bound(starts.begin(), starts.end(), atMs);
        return it == starts.begin() ? -1 : *(it - 1);
    }
    // The first start after atMs, -1 if none.
    qint64 startAfter(qint64 atMs) const
    {
        const auto it = std::upper_bound(starts.begin(), starts.end(), atMs);
        return it == starts.end() ? -1 : *it;
    }
};

qint64 countIn(const std::vector<qint64>& times, qint64 fromMs, qint64 toMs)
{
    return std::upper_bound(times.begin(), times.end(), toMs) - std::lower_bound(times.begin(), times.end(), fromMs);
}

qint64 windowMs(double minutes)
{
    return qint64(minutes * double(kMsPerMinute));
}

// A time at which a level may change: judged at evalMs, reported at atMs. An event is in a window that starts
// at or before it, so it leaves the window 1 ms after the window's length; that change is reported at the
// window's length, a round time.
struct ChangeTime
{
    qint64 evalMs = 0;
    qint64 atMs = 0;
    bool operator<(const ChangeTime& o) const { return evalMs < o.evalMs; }
    bool operator==(const ChangeTime& o) const { return evalMs == o.evalMs; }
};

// The times at which a count within a trailing window of windowLength can change: each event, the moment
// just after it leaves the window, and each start (which resets what a run counts). Sorted, up to nowMs.
std::vector<ChangeTime> changeTimes(std::initializer_list<std::pair<const std::vector<qint64>*, qint64>> events,
                                    const std::vector<qint64>& starts, qint64 nowMs)
{
    std::vector<ChangeTime> out;
    for (const auto& [times, windowLength] : events) {
        for (qint64 at : *times) {
            out.push_back(ChangeTime {at, at});
            if (windowLength > 0)
                out.push_back(ChangeTime {at + windowLength + 1, at + windowLength});
        }
    }
    for (qint64 at : starts)
        out.push_back(ChangeTime {at, at});
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    out.erase(std::upper_bound(out.begin(), out.end(), ChangeTime {nowMs, nowMs}), out.end());
    return out;
}

// The changes of a level over the change times, starting from ok (no event yet), the newest kept.
std::vector<FlagTransition> sweep(const std::vector<ChangeTime>& times, const std::function<Level(qint64)>& levelAt)
{
    std::vector<FlagTransition> out;
    Level previous = Level::Ok;
    for (const ChangeTime& at : times) {
        const Level level = levelAt(at.evalMs);
        if (level == previous)
            continue;
        out.push_back(FlagTransition {at.atMs, previous, level});
        previous = level;
    }
    if (out.size() > kMaxTimelineChanges)
        out.erase(out.begin(), out.end() - qsizetype(kMaxTimelineChanges));
    return out;
}

Level countLevel(qint64 count, const ThresholdPair& p)
{
    if (count >= qint64(p.critical))
        return Level::Critical;
    if (count >= qint64(p.warning) && count > 0)
        return Level::Warning;
    return Level::Ok;
}

// A recommendation active while levelAt is above ok: raised when it becomes so, resolved when it stops.
void addChanges(std::vector<RecommendationChange>& out, const char* id, const std::vector<FlagTransition>& levels)
{
    for (const FlagTransition& tr : levels) {
        const bool wasActive = tr.from != Level::Ok;
        const bool active = tr.to != Level::Ok;
        if (wasActive == active)
            continue; // a change of level while raised is not a new recommendation
        out.push_back(RecommendationChange {tr.atMs, QLatin1String(id), active ? tr.to : tr.from, active});
    }
}

} // namespace

void applyEventTimeline(Flag& flag, const TargetState& s, const Thresholds& t, qint64 nowMs)
{
    if (flag.level == Level::Unknown)
        return;
    const EventTimes events(s);
    const qint64 window = windowMs(t.eventWindowMinutes);
    if (flag.id == QLatin1String("buffer_overflows")) {
        // Overflows of the current run within the events window.
        flag.transitions = sweep(changeTimes({{&events.overflows, window}}, events.starts, nowMs), [&](qint64 at) {
            return countLevel(countIn(events.overflows, std::max(at - window, events.startBefore(at)), at),
                              t.bufferOverflows);
        });
    } else if (flag.id == QLatin1String("restarts")) {
        const qint64 loopWindow = windowMs(t.restartLoopWindowMinutes);
        flag.transitions
            = sweep(changeTimes({{&events.restarts, window}, {&events.restarts, loopWindow}, {&events.ooms, window}},
                                {}, nowMs),
                    [&](qint64 at) {
                        if (countIn(events.ooms, at - window, at) > 0
                            || countIn(events.restarts, at - loopWindow, at) >= qint64(t.restartLoopRestarts))
                            return Level::Critical;
                        const qint64 restarts = countIn(events.restarts, at - window, at);
                        return restarts > 0 && restarts >= qint64(t.restarts.warning) ? Level::Warning : Level::Ok;
                    });
    } else {
        return;
    }
    if (!flag.transitions.empty() && flag.transitions.back().to == flag.level)
        flag.sinceMs = flag.transitions.back().atMs;
}

std::vector<RecommendationChange> recommendationTimeline(const TargetState& s, const Thresholds& t,
                                                         const std::vector<Flag>& flags, qint64 nowMs)
{
    std::vector<RecommendationChange> out;
    const EventTimes events(s);
    const qint64 window = windowMs(t.eventWindowMinutes);
    const qint64 loopWindow = windowMs(t.restartLoopWindowMinutes);

    // dev-mode: a deployment that logged development-mode lines, from its first such line to the next start.
    {
        std::vector<FlagTransition> levels;
        qint64 deployment = std::numeric_limits<qint64>::min();
        for (qint64 at : events.devModeLines) {
            if (at > nowMs)
                break;
            const qint64 started = events.startBefore(at);
            if (!levels.empty() && started == deployment)
                continue;
            deployment = started;
            if (!levels.empty() && levels.back().to == Level::Critical)
                continue; // still raised: the previous deployment's end was not seen
            levels.push_back(FlagTransition {at, Level::Ok, Level::Critical});
            const qint64 next = events.startAfter(at);
            if (next >= 0 && next <= nowMs)
                levels.push_back(FlagTransition {next, Level::Critical, Level::Ok});
        }
        addChanges(out, "dev-mode", levels);
    }
    // oom-restart: OOM kills within the events window.
    addChanges(out, "oom-restart", sweep(changeTimes({{&events.ooms, window}}, {}, nowMs), [&](qint64 at) {
                   return countIn(events.ooms, at - window, at) > 0 ? Level::Critical : Level::Ok;
               }));
    // restart-loop: the loop count of restarts within the loop window.
    addChanges(out, "restart-loop", sweep(changeTimes({{&events.restarts, loopWindow}}, {}, nowMs), [&](qint64 at) {
                   return countIn(events.restarts, at - loopWindow, at) >= qint64(t.restartLoopRestarts)
                       ? Level::Critical
                       : Level::Ok;
               }));
    // db-write-slow: overflows of the run within the events window.
    addChanges(
        out, "db-write-slow", sweep(changeTimes({{&events.overflows, window}}, events.starts, nowMs), [&](qint64 at) {
            const qint64 n = countIn(events.overflows, std::max(at - window, events.startBefore(at)), at);
            return n <= 0 ? Level::Ok : n >= qint64(t.bufferOverflows.critical) ? Level::Critical : Level::Warning;
        }));
    // Recommendations raised exactly while their flag is warning or critical, at the flag's level:
    // container-memory-high, cache-ttl-short, and heap-gc-pressure when it needs no time above the line.
    std::vector<std::pair<const char*, const char*>> followers {{"container_memory", "container-memory-high"},
                                                                {"cache_hit_rate", "cache-ttl-short"}};
    if (t.gcPressureSustainMinutes <= 0)
        followers.emplace_back("heap_usage", "heap-gc-pressure");
    for (const auto& [flagId, recommendationId] : followers) {
        const auto f = std::find_if(flags.begin(), flags.end(),
                                    [id = flagId](const Flag& flag) { return flag.id == QLatin1String(id); });
        if (f == flags.end())
            continue;
        std::vector<FlagTransition> levels;
        for (FlagTransition tr : f->transitions) {
            // Unknown before the first sample judged: the recommendation was not raised then.
            tr.from = tr.from == Level::Unknown ? Level::Ok : tr.from;
            tr.to = tr.to == Level::Unknown ? Level::Ok : tr.to;
            levels.push_back(tr);
        }
        addChanges(out, recommendationId, levels);
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const RecommendationChange& a, const RecommendationChange& b) { return a.atMs < b.atMs; });
    return out;
}

QString TimelineEntry::text(const QString& arrow) const
{
    if (flag)
        return QStringLiteral("%1: %2 %3 %4").arg(flag->metric, levelName(from), arrow, levelName(to))
            + (flag->flapping ? QStringLiteral(" (flapping)") : QString());
    if (recommendation)
        return recommendation->raised
            ? QStringLiteral("recommendation %1 raised (%2)").arg(recommendation->id, levelName(recommendation->level))
            : QStringLiteral("recommendation %1 resolved").arg(recommendation->id);
    return {};
}

std::vector<TimelineEntry> timelineOf(const Assessment& a)
{
    std::vector<TimelineEntry> out;
    for (const Flag& f : a.flags) {
        for (const FlagTransition& tr : f.transitions)
            out.push_back(TimelineEntry {tr.atMs, &f, tr.from, tr.to, nullptr});
    }
    for (const RecommendationChange& c : a.recommendationChanges)
        out.push_back(TimelineEntry {c.atMs, nullptr, Level::Unknown, Level::Unknown, &c});
    std::stable_sort(out.begin(), out.end(), [](const TimelineEntry& x, const TimelineEntry& y) {
        return x.atMs < y.atMs || (x.atMs == y.atMs && x.flag && !y.flag);
    });
    return out;
}

} // namespace heapwatch
