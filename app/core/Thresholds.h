// Red-flag thresholds, growth windows and recommendation triggers. Defaults are the memory investigation's numbers;
// every value can be overridden from a JSON file (schema in the README).
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace heapwatch {

struct ThresholdPair
{
    double warning;
    double critical;
};

// How long a value must stay beyond a line before its flag enters that level: at least `samples` samples
// in a row, spanning at least `seconds`.
struct Sustain
{
    double samples;
    double seconds;
};

struct Thresholds
{
    // Red flags (the investigation's table, plus container memory and restarts).
    ThresholdPair rssMiB {350, 370}; // above is worse
    ThresholdPair heapUsagePercent {85, 95};
    ThresholdPair growthMiBPerHour {10, 20};
    ThresholdPair cacheHitRatePercent {50, 30}; // below is worse
    ThresholdPair bufferOverflows {1, 2}; // events: any / multiple
    ThresholdPair containerMemoryPercent {80, 90};
    ThresholdPair restarts {1, 1}; // restarts while watched; an OOM kill is always critical
    // The heap limit plus what the process holds beside the heap (RSS − heap total), against the container's
    // memory limit: past it, the kernel kills the process before V8 would collect.
    ThresholdPair heapLimitFitPercent {90, 100};
    // The longest garbage-collection pause of the events window (Node's --trace-gc lines), ms: the app answers
    // nothing while V8 collects. No flag at all without such lines.
    ThresholdPair gcPauseMs {100, 1000};
    double approachingFraction = 0.05; // an ok value this close to its warning line is "approaching warning"

    // Event flags (overflows, restarts, OOM kills) count only events this recent (the shipped alert rules
    // resolve an hour after the last event too); overflows also only those of the current container run.
    double eventWindowMinutes = 60;
    // A restart loop: this many restarts within this window is critical.
    double restartLoopRestarts = 3;
    double restartLoopWindowMinutes = 10;

    // Levels in time (flags judged from a sampled value: RSS, heap usage, container memory, cache hit rate).
    Sustain rssSustain {1, 120};
    Sustain heapUsageSustain {2, 0};
    Sustain containerMemorySustain {1, 30};
    Sustain cacheHitRateSustain {1, 0};
    double clearFraction = 0.02; // a level is left only once the value is this far back inside its line
    double minDwellSeconds = 75; // a flag keeps a level at least this long before it changes again
    double flapChanges = 3; // more level changes than this within the flap window: flapping
    double flapWindowMinutes = 10;

    // Growth estimation.
    double growthWindowMinutes = 60;
    double growthWarmupMinutes = 10;
    double growthMinObservationMinutes = 30;
    // With --trace-gc lines: the leak verdict judges the post-GC heap floor's slope once this many full GCs
    // span at least this long (within the growth window, after the warm-up).
    double gcFloorMinPoints = 5;
    double gcFloorMinMinutes = 10;

    // Recommendation triggers.
    double increaseHeapRssMiB = 360; // RSS above this …
    double increaseHeapSustainMinutes = 10; // … for this long → increase-heap-limit
    double heapOverMiB = 300; // heap used consistently above → heap-over-300
    double heapOverSustainMinutes = 10;
    double gcPressureSustainMinutes = 0; // heap usage over its warning line this long → heap-gc-pressure
    double cacheTtlIncreasePercent = 70; // hit rate above this, sustained → cache-ttl-increase
    double cacheTtlIncreaseSustainMinutes = 30;
    double cacheMaxKeys = 5000; // NodeCache maxKeys of the app
    double cacheMaxKeysFraction = 0.8;
    double cacheStrategyMissPercent = 40; // misses above this share …
    double cacheStrategyFewKeys = 10; // … with no more keys than this → cache-strategy
    double defaultHeapLimitMiB = 384; // assumed when NODE_OPTIONS is not known

    // Heap snapshots (SnapshotPreflight): refused above this heap, or with less free memory than this × heap.
    double snapshotMaxHeapMiB = 800;
    double snapshotHeadroomFactor = 1.5;

    // History capacities (rows). Stats: 7 days at one sample a second.
    qsizetype statsCapacity = 7 * 24 * 3600;
    qsizetype processCapacity = 7 * 24 * 3600;
    qsizetype cacheCapacity = 7 * 24 * 360;

    static Thresholds defaults() { return {}; }

    // Applies the keys present in json on top of *this; unknown keys and wrong types are errors.
    bool apply(const QJsonObject& json, QString* error);
    static std::optional<Thresholds> fromJson(const QByteArray& json, QString* error);
    static std::optional<Thresholds> fromFile(const QString& path, QString* error);
    QJsonObject toJson() const;
};

} // namespace heapwatch
