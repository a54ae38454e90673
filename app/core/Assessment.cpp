#include "Assessment.h"

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
    a.flags = evaluateFlags(state, t, a.growth);
    a.recommendations = recommend(state, t, a.growth, a.flags, nowMs);
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
