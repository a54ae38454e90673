// Levels in time: a flag judged from a sampled value enters a level only after the value has stayed beyond
// its line long enough, leaves it only once the value is back past a clear line, keeps a level at least a
// minimum dwell, and holds the worst level of its range while it flaps. Derived from the history rings at
// every evaluation (no state of its own), so the console, `check` and serve give the same answer, and a
// replay gives the answer the live watch gave.
#pragma once

#include "Assessment.h"

#include <utility>
#include <vector>

namespace heapwatch {

struct TimedLevel
{
    Level level = Level::Unknown;
    qint64 sinceMs = -1; // when the level was entered; -1 when it held from the first sample judged
    qint64 judgedFromMs = -1; // the first sample judged
    Level entering = Level::Unknown; // a worse level the value is beyond, not yet for long enough
    int enteringSamples = 0;
    qint64 enteringMs = 0;
    bool flapping = false;
    Level flapLow = Level::Unknown;
    Level flapHigh = Level::Unknown;
    int changesInWindow = 0;
    std::vector<FlagTransition> transitions;
};

// series: (time, value) in time order, NaN values skipped. Unknown level when no sample is usable.
TimedLevel judgeInTime(const std::vector<std::pair<qint64, double>>& series, const ThresholdPair& lines,
                       bool lowerIsWorse, const Sustain& sustain, const Thresholds& t);

// How far back the rows judged in time reach before nowMs.
qint64 timingLookbackMs(const Thresholds& t);

// Fills the flag's level, sinceMs, flapping, transitions and its notes ("critical for 12 min",
// "entering critical (1 of 2 samples)", "flapping between warning and critical (5 changes in 10 min)").
void applyTiming(Flag& flag, const TimedLevel& timed, const Sustain& sustain, const Thresholds& t, qint64 nowMs);

} // namespace heapwatch
