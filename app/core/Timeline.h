// The timeline of a target: its flags entering and leaving levels, and recommendations raised and resolved.
// The event flags (overflows, restarts, OOM kills) and the recommendations of events and deployment facts
// change when an event arrives, when it ages out of its window, and when a new start begins a deployment;
// all of it is derived from the bounded event history at every evaluation, like the sampled flags'
// transitions (FlagTiming), so the console, `check` and the incident report tell the same story.
#pragma once

#include "Assessment.h"

namespace heapwatch {

// Keeps the newest this many changes per flag or recommendation.
constexpr size_t kMaxTimelineChanges = 50;

// Fills an event flag's (buffer_overflows, restarts) transitions and sinceMs from the event history.
void applyEventTimeline(Flag& flag, const TargetState& state, const Thresholds& t, qint64 nowMs);

// dev-mode (raised by the first development-mode line of a deployment, resolved by the next start),
// db-write-slow (overflows of the run within the events window), oom-restart (OOM kills within the events
// window) and restart-loop (restarts within the loop window): raised and resolved, oldest first.
// container-memory-high follows its flag: raised when container_memory enters warning or critical, resolved
// when it is back to ok (within the flag's judged history).
std::vector<RecommendationChange> recommendationTimeline(const TargetState& state, const Thresholds& t,
                                                         const std::vector<Flag>& flags, qint64 nowMs);

// One line of the timeline, for the views: a flag's change or a recommendation's.
struct TimelineEntry
{
    qint64 atMs = 0;
    const Flag* flag = nullptr; // set for a flag's change
    Level from = Level::Unknown;
    Level to = Level::Unknown;
    const RecommendationChange* recommendation = nullptr; // set for a recommendation's

    // "Heap Usage %: warning → critical", "recommendation dev-mode raised (critical)",
    // "recommendation dev-mode resolved"; arrow is "→" or "->".
    QString text(const QString& arrow) const;
};

// Every change of the assessment, oldest first (entries at the same time: flags before recommendations).
std::vector<TimelineEntry> timelineOf(const Assessment& a);

} // namespace heapwatch
