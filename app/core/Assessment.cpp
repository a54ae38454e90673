#include "Assessment.h"

#include "Timeline.h"

#include <algorithm>

namespace heapwatch {

const Flag* Assessment::flag(const QString& id) const
{
    for (const Flag& f : flags) {
        if (f.id == id)
            return &f;
    }
    return nullptr;
}

const Recommendation* Assessment::recommendation(const QString& id) const
{
    for (const Recommendation& r : recommendations) {
        if (r.id == id)
            return &r;
    }
    return nullptr;
}

Assessment assess(const TargetState& state, const Thresholds& t, qint64 nowMs)
{
    Assessment a;
    a.atMs = nowMs;
    a.growth = estimateGrowth(state, t, nowMs);
    a.flags = evaluateFlags(state, t, a.growth, nowMs);
    a.recommendations = recommend(state, t, a.growth, a.flags, nowMs);
    a.recommendationChanges = recommendationTimeline(state, t, a.flags, nowMs);
    bool anyKnown = false;
    Level worst = Level::Ok;
    for (const Flag& f : a.flags) {
        if (f.level == Level::Unknown)
            continue;
        anyKnown = true;
        if (int(f.level) > int(worst))
            worst = f.level;
    }
    a.overall = anyKnown ? worst : Level::Unknown;
    return a;
}

qint64 eventWindowStart(const Thresholds& t, qint64 nowMs)
{
    return nowMs - qint64(t.eventWindowMinutes * 60.0 * 1000.0);
}

qint64 restartLoopWindowStart(const Thresholds& t, qint64 nowMs)
{
    return nowMs - qint64(t.restartLoopWindowMinutes * 60.0 * 1000.0);
}

bool inRestartLoop(const TargetState& state, const Thresholds& t, qint64 nowMs)
{
    if (state.restartsSince(restartLoopWindowStart(t, nowMs)) >= int(t.restartLoopRestarts))
        return true;
    // A container that never stays up: inspect sees it restarting again, and it restarted recently.
    const auto& info = state.info();
    return info && info->status == QLatin1String("restarting")
        && state.restartsSince(restartLoopWindowStart(t, nowMs)) > 0;
}

bool inCurrentDeployment(const TargetState& state, qint64 atMs)
{
    return atMs < 0 || state.lastStartMs() < 0 || atMs >= state.lastStartMs();
}

QString durationText(qint64 ms)
{
    const qint64 seconds = std::max<qint64>(0, ms / 1000);
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds);
    const qint64 minutes = seconds / 60;
    if (minutes < 60)
        return QStringLiteral("%1 min").arg(minutes);
    const qint64 hours = minutes / 60;
    if (hours < 24)
        return minutes % 60 ? QStringLiteral("%1 h %2 min").arg(hours).arg(minutes % 60)
                            : QStringLiteral("%1 h").arg(hours);
    return hours % 24 ? QStringLiteral("%1 d %2 h").arg(hours / 24).arg(hours % 24)
                      : QStringLiteral("%1 d").arg(hours / 24);
}

QString levelName(Level level)
{
    switch (level) {
    case Level::Ok:
        return QStringLiteral("ok");
    case Level::Warning:
        return QStringLiteral("warning");
    case Level::Critical:
        return QStringLiteral("critical");
    case Level::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

int levelSeverity(Level level)
{
    switch (level) {
    case Level::Critical:
        return 3;
    case Level::Warning:
        return 2;
    case Level::Ok:
        return 1;
    case Level::Unknown:
        break;
    }
    return 0;
}

QString levelTitle(Level level)
{
    return levelName(level).toUpper();
}

} // namespace heapwatch
