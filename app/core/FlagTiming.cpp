#include "FlagTiming.h"

#include <cmath>
#include <deque>
#include <limits>

namespace heapwatch {
namespace {

Level levelOf(double v, const ThresholdPair& p, bool lowerIsWorse, double shift)
{
    // shift moves both lines inside (towards better values) by that fraction: the clear lines.
    if (lowerIsWorse) {
        if (v < p.critical * (1.0 + shift))
            return Level::Critical;
        if (v < p.warning * (1.0 + shift))
            return Level::Warning;
        return Level::Ok;
    }
    if (v > p.critical * (1.0 - shift))
        return Level::Critical;
    if (v > p.warning * (1.0 - shift))
        return Level::Warning;
    return Level::Ok;
}

int rank(Level l)
{
    return l == Level::Critical ? 2 : l == Level::Warning ? 1 : 0;
}

Level fromRank(int r)
{
    return r >= 2 ? Level::Critical : r == 1 ? Level::Warning : Level::Ok;
}

// A run of consecutive samples at or beyond one level's line.
struct Run
{
    int samples = 0;
    qint64 fromMs = 0;
};

} // namespace

qint64 timingLookbackMs(const Thresholds& t)
{
    // Two flap windows: the first one's changes decide whether the second one starts out flapping.
    return qint64(2.0 * t.flapWindowMinutes * 60000.0);
}

TimedLevel judgeInTime(const std::vector<std::pair<qint64, double>>& series, const ThresholdPair& lines,
                       bool lowerIsWorse, const Sustain& sustain, const Thresholds& t)
{
    TimedLevel out;
    const qint64 dwellMs = qint64(t.minDwellSeconds * 1000.0);
    const qint64 flapWindowMs = qint64(t.flapWindowMinutes * 60000.0);
    const qint64 sustainMs = qint64(sustain.seconds * 1000.0);
    const int sustainSamples = std::max(1, int(sustain.samples));
    Run runs[3]; // by rank: 1 warning, 2 critical
    std::deque<qint64> changes;
    qint64 lastChange = std::numeric_limits<qint64>::min() / 2;
    int level = -1;
    int enter = 0;
    qint64 lastMs = 0;
    for (const auto& [sampleMs, v] : series) {
        const qint64 atMs = sampleMs; // a structured binding cannot be captured by the lambda below (C++17)
        if (!std::isfinite(v))
            continue;
        lastMs = atMs;
        enter = rank(levelOf(v, lines, lowerIsWorse, 0));
        for (int r = 1; r <= 2; ++r) {
            if (enter >= r) {
                if (runs[r].samples++ == 0)
                    runs[r].fromMs = atMs;
            } else {
                runs[r].samples = 0;
            }
        }
        if (level < 0) {
            // The first sample judged: nothing says for how long it has been so; take it as settled.
            level = enter;
            out.judgedFromMs = atMs;
            continue;
        }
        auto sustained = [&](int r) { return runs[r].samples >= sustainSamples && atMs - runs[r].fromMs >= sustainMs; };
        int target = level;
        const int up = enter >= 2 && sustained(2) ? 2 : enter >= 1 && sustained(1) ? 1 : 0;
        const int keep = rank(levelOf(v, lines, lowerIsWorse, t.clearFraction));
        if (up > level)
            target = up;
        else if (keep < level)
            target = keep; // back past the clear line
        while (!changes.empty() && changes.front() < atMs - flapWindowMs)
            changes.pop_front();
        const bool flapping = int(changes.size()) > int(t.flapChanges);
        if (flapping && target < level)
            target = level; // a flapping flag holds the worst level of its range
        if (target != level && atMs - lastChange >= dwellMs) {
            out.transitions.push_back(FlagTransition {atMs, fromRank(level), fromRank(target)});
            level = target;
            out.sinceMs = atMs;
            lastChange = atMs;
            changes.push_back(atMs);
        }
    }
    if (level < 0)
        return out;
    out.level = fromRank(level);
    while (!changes.empty() && changes.front() < lastMs - flapWindowMs)
        changes.pop_front();
    out.changesInWindow = int(changes.size());
    out.flapping = out.changesInWindow > int(t.flapChanges);
    if (out.flapping) {
        int low = 2, high = 0;
        for (const FlagTransition& tr : out.transitions) {
            if (tr.atMs < lastMs - flapWindowMs)
                continue;
            low = std::min({low, rank(tr.from), rank(tr.to)});
            high = std::max({high, rank(tr.from), rank(tr.to)});
        }
        out.flapLow = fromRank(low);
        out.flapHigh = fromRank(high);
    }
    for (int r = 2; r > level; --r) {
        if (enter >= r) {
            out.entering = fromRank(r);
            out.enteringSamples = runs[r].samples;
            out.enteringMs = lastMs - runs[r].fromMs;
            break;
        }
    }
    return out;
}

void applyTiming(Flag& flag, const TimedLevel& timed, const Sustain& sustain, const Thresholds& t, qint64 nowMs)
{
    if (timed.level == Level::Unknown)
        return;
    flag.level = timed.level;
    flag.sinceMs = timed.sinceMs;
    flag.flapping = timed.flapping;
    flag.transitions = timed.transitions;
    QStringList notes;
    if (timed.flapping) {
        notes << QStringLiteral("flapping between %1 and %2 (%3 changes in %4)")
                     .arg(levelName(timed.flapLow), levelName(timed.flapHigh))
                     .arg(timed.changesInWindow)
                     .arg(durationText(qint64(t.flapWindowMinutes * 60000.0)));
    }
    if (timed.level != Level::Ok) {
        if (timed.sinceMs >= 0)
            notes << QStringLiteral("%1 for %2").arg(levelName(timed.level), durationText(nowMs - timed.sinceMs));
        else if (timed.judgedFromMs >= 0 && nowMs - timed.judgedFromMs >= 60000)
            notes << QStringLiteral("%1 for over %2")
                         .arg(levelName(timed.level), durationText(nowMs - timed.judgedFromMs));
    }
    if (timed.entering != Level::Unknown) {
        if (sustain.seconds > 0)
            notes << QStringLiteral("entering %1 (%2 of %3)")
                         .arg(levelName(timed.entering), durationText(timed.enteringMs),
                              durationText(qint64(sustain.seconds * 1000.0)));
        else
            notes << QStringLiteral("entering %1 (%2 of %3 samples)")
                         .arg(levelName(timed.entering))
                         .arg(timed.enteringSamples)
                         .arg(int(sustain.samples));
    }
    if (!notes.isEmpty()) {
        const QString timing = notes.join(QStringLiteral("; "));
        flag.note = flag.note.isEmpty() ? timing : flag.note + QStringLiteral("; ") + timing;
    }
}

} // namespace heapwatch
