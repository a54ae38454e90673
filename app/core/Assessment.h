// The verdict on a target at one moment: red flags, growth and recommendations. Computed from a TargetState
// and Thresholds by pure functions, so every front end gets the same answer.
#pragma once

#include "Samples.h"
#include "TargetState.h"
#include "Thresholds.h"

#include <QString>
#include <vector>

namespace heapwatch {

struct GrowthResult
{
    double rssMiBPerHour = kUnknown;
    double heapUsedMiBPerHour = kUnknown;
    double observedMinutes = 0; // span of samples used (after warm-up, since the last start, within window)
    bool enoughObservation = false;
    int samples = 0;
    // When RSS reaches the nearer of the heap limit and the container limit at the current rate; -1 when
    // not growing or unknown.
    qint64 projectedLimitAtMs = -1;
    QString projectedLimitName; // "heap limit" or "container limit"
    double projectedLimitMiB = kUnknown;
    // The heap left after each full GC (Node's --trace-gc lines), within the same window: its Theil–Sen slope.
    // usesGcFloor: enough full GCs over a long enough span that the leak verdict judges this slope, not RSS's.
    double gcFloorMiBPerHour = kUnknown;
    int gcFloorPoints = 0;
    double gcFloorMinutes = 0;
    bool usesGcFloor = false;
    // The slope the leak verdict judges (the floor's when usesGcFloor, else RSS's), and whether it is judged.
    double leakMiBPerHour() const { return usesGcFloor ? gcFloorMiBPerHour : rssMiBPerHour; }
    bool leakJudged() const { return usesGcFloor || enoughObservation; }
};

// Theil–Sen slope of (x, y): the median of the slopes of all pairs with distinct x. Robust: up to about 29 % of
// the points may be outliers without moving it. More than maxPoints points are thinned evenly first, to bound
// the cost (pairs grow with the square). NaN with fewer than two distinct x.
double theilSenSlope(const std::vector<std::pair<double, double>>& points, size_t maxPoints = 200);

// A flag entering or leaving a level (the timeline under the red-flag table, `transitions` in the JSON).
struct FlagTransition
{
    qint64 atMs = 0;
    Level from = Level::Unknown;
    Level to = Level::Unknown;
};

struct Flag
{
    QString id; // rss, heap_usage, memory_growth, cache_hit_rate, buffer_overflows, container_memory, restarts
    QString metric; // "RSS Memory", … as the investigation's table names them
    QString unit; // "MiB", "%", "MiB/h", "events", "restarts"
    double value = kUnknown;
    double warning = 0;
    double critical = 0;
    bool lowerIsWorse = false;
    Level level = Level::Unknown;
    QString note; // "approaching warning", "needs longer observation (12 of 30 min)", …
    // Short trend word for the table: "rising", "falling", "steady" or empty.
    QString trend;
    // Flags judged in time (rss, heap_usage, container_memory, cache_hit_rate): when the level was entered
    // (-1: it held from the first sample judged), whether it flaps, and its changes in the judged history.
    qint64 sinceMs = -1;
    bool flapping = false;
    std::vector<FlagTransition> transitions;
};

struct Recommendation
{
    QString id; // stable: increase-heap-limit, heap-gc-pressure, …
    Level level = Level::Warning;
    QString title;
    QString action; // the concrete thing to do (a Dockerfile line, a command, a setting)
    QString evidence; // the numbers that fired it
};

// A recommendation raised or resolved: the timeline under the red-flag table, `transitions` in the JSON.
struct RecommendationChange
{
    qint64 atMs = 0;
    QString id; // the recommendation's id
    Level level = Level::Warning; // the level it was raised at
    bool raised = true; // false: resolved (its events aged out, or a new deployment no longer supports it)
};

struct Assessment
{
    qint64 atMs = 0;
    Level overall = Level::Unknown;
    std::vector<Flag> flags;
    GrowthResult growth;
    std::vector<Recommendation> recommendations;
    // Recommendations of events and deployment facts raised and resolved over the history, oldest first.
    std::vector<RecommendationChange> recommendationChanges;

    const Flag* flag(const QString& id) const;
    const Recommendation* recommendation(const QString& id) const;
};

// Least-squares slope of RSS and heap used over the growth window, skipping the warm-up after the last start.
GrowthResult estimateGrowth(const TargetState& state, const Thresholds& t, qint64 nowMs);
// Event flags count the events of the last events window (overflows: of the current container run too) before nowMs.
std::vector<Flag> evaluateFlags(const TargetState& state, const Thresholds& t, const GrowthResult& growth,
                                qint64 nowMs);
std::vector<Recommendation> recommend(const TargetState& state, const Thresholds& t, const GrowthResult& growth,
                                      const std::vector<Flag>& flags, qint64 nowMs);
// All of the above; overall is the worst flag level (unknown flags do not count unless every flag is unknown).
Assessment assess(const TargetState& state, const Thresholds& t, qint64 nowMs);

// The start of the events window at nowMs, and of the restart-loop window.
qint64 eventWindowStart(const Thresholds& t, qint64 nowMs);
qint64 restartLoopWindowStart(const Thresholds& t, qint64 nowMs);
// Restarts in the restart-loop window reach the loop count, or inspect says the container keeps restarting.
bool inRestartLoop(const TargetState& state, const Thresholds& t, qint64 nowMs);
// A cache sample belongs to the current deployment (a sample of the previous one says nothing of it).
bool inCurrentDeployment(const TargetState& state, qint64 atMs);
// "45 s", "12 min", "2 h 40 min", "3 d 4 h": how long ago or for how long, for notes and the red-flag table.
QString durationText(qint64 ms);

QString levelName(Level level); // "ok", "warning", "critical", "unknown"
// Worst-first ordering for badges, sorting and alert escalation: unknown 0, ok 1, warning 2, critical 3.
int levelSeverity(Level level);
QString levelTitle(Level level); // "OK", "WARNING", "CRITICAL", "UNKNOWN"

} // namespace heapwatch
