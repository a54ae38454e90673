#include "Thresholds.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonValue>
#include <cmath>
#include <functional>
#include <vector>

namespace heapwatch {
namespace {

// One JSON-settable number: its section ("" for the top level), its key, and where it lives.
struct Field
{
    const char* section;
    const char* key;
    std::function<double&(Thresholds&)> ref;
    double min;
    double max;
};

const std::vector<Field>& fields()
{
    static const std::vector<Field> all = [] {
        std::vector<Field> f;
        auto pair = [&f](const char* section, ThresholdPair Thresholds::*member, double max) {
            f.push_back(
                {section, "warning", [member](Thresholds& t) -> double& { return (t.*member).warning; }, 0, max});
            f.push_back(
                {section, "critical", [member](Thresholds& t) -> double& { return (t.*member).critical; }, 0, max});
        };
        auto num = [&f](const char* section, const char* key, double Thresholds::*member, double min, double max) {
            f.push_back({section, key, [member](Thresholds& t) -> double& { return t.*member; }, min, max});
        };
        pair("rss_mib", &Thresholds::rssMiB, 1e9);
        pair("heap_usage_percent", &Thresholds::heapUsagePercent, 100);
        pair("memory_growth_mib_per_hour", &Thresholds::growthMiBPerHour, 1e9);
        pair("cache_hit_rate_percent", &Thresholds::cacheHitRatePercent, 100);
        pair("buffer_overflows", &Thresholds::bufferOverflows, 1e9);
        pair("container_memory_percent", &Thresholds::containerMemoryPercent, 100);
        pair("restarts", &Thresholds::restarts, 1e9);
        pair("heap_limit_fit_percent", &Thresholds::heapLimitFitPercent, 1000);
        pair("gc_pause_ms", &Thresholds::gcPauseMs, 1e7);
        num("", "approaching_fraction", &Thresholds::approachingFraction, 0, 1);
        num("events", "window_minutes", &Thresholds::eventWindowMinutes, 1, 365 * 24 * 60);
        num("restart_loop", "restarts", &Thresholds::restartLoopRestarts, 2, 1e6);
        num("restart_loop", "window_minutes", &Thresholds::restartLoopWindowMinutes, 1, 7 * 24 * 60);
        auto sustain = [&f](const char* samplesKey, const char* secondsKey, Sustain Thresholds::*member) {
            f.push_back(
                {"sustain", samplesKey, [member](Thresholds& t) -> double& { return (t.*member).samples; }, 1, 1e6});
            f.push_back({"sustain", secondsKey, [member](Thresholds& t) -> double& { return (t.*member).seconds; }, 0,
                         7 * 24 * 3600});
        };
        sustain("rss_samples", "rss_seconds", &Thresholds::rssSustain);
        sustain("heap_usage_samples", "heap_usage_seconds", &Thresholds::heapUsageSustain);
        sustain("container_memory_samples", "container_memory_seconds", &Thresholds::containerMemorySustain);
        sustain("cache_hit_rate_samples", "cache_hit_rate_seconds", &Thresholds::cacheHitRateSustain);
        num("sustain", "clear_fraction", &Thresholds::clearFraction, 0, 0.5);
        num("sustain", "min_dwell_seconds", &Thresholds::minDwellSeconds, 0, 24 * 3600);
        num("flapping", "changes", &Thresholds::flapChanges, 1, 1e6);
        num("flapping", "window_minutes", &Thresholds::flapWindowMinutes, 1, 24 * 60);
        num("growth", "window_minutes", &Thresholds::growthWindowMinutes, 1, 7 * 24 * 60);
        num("growth", "warmup_minutes", &Thresholds::growthWarmupMinutes, 0, 24 * 60);
        num("growth", "min_observation_minutes", &Thresholds::growthMinObservationMinutes, 1, 7 * 24 * 60);
        num("growth", "gc_floor_min_points", &Thresholds::gcFloorMinPoints, 2, 1e6);
        num("growth", "gc_floor_min_minutes", &Thresholds::gcFloorMinMinutes, 0, 7 * 24 * 60);
        num("recommendations", "increase_heap_rss_mib", &Thresholds::increaseHeapRssMiB, 0, 1e9);
        num("recommendations", "increase_heap_sustain_minutes", &Thresholds::increaseHeapSustainMinutes, 0, 1e6);
        num("recommendations", "heap_over_mib", &Thresholds::heapOverMiB, 0, 1e9);
        num("recommendations", "heap_over_sustain_minutes", &Thresholds::heapOverSustainMinutes, 0, 1e6);
        num("recommendations", "gc_pressure_sustain_minutes", &Thresholds::gcPressureSustainMinutes, 0, 1e6);
        num("recommendations", "cache_ttl_increase_percent", &Thresholds::cacheTtlIncreasePercent, 0, 100);
        num("recommendations", "cache_ttl_increase_sustain_minutes", &Thresholds::cacheTtlIncreaseSustainMinutes, 0,
            1e6);
        num("recommendations", "cache_max_keys", &Thresholds::cacheMaxKeys, 1, 1e12);
        num("recommendations", "cache_max_keys_fraction", &Thresholds::cacheMaxKeysFraction, 0, 1);
        num("recommendations", "cache_strategy_miss_percent", &Thresholds::cacheStrategyMissPercent, 0, 100);
        num("snapshot", "max_heap_mib", &Thresholds::snapshotMaxHeapMiB, 1, 1e6);
        num("snapshot", "headroom_factor", &Thresholds::snapshotHeadroomFactor, 1, 100);
        num("recommendations", "cache_strategy_few_keys", &Thresholds::cacheStrategyFewKeys, 0, 1e12);
        num("recommendations", "default_heap_limit_mib", &Thresholds::defaultHeapLimitMiB, 1, 1e9);
        return f;
    }();
    return all;
}

struct CapacityField
{
    const char* key;
    qsizetype Thresholds::*member;
};

const CapacityField kCapacities[] = {
    {"stats_rows", &Thresholds::statsCapacity},
    {"process_rows", &Thresholds::processCapacity},
    {"cache_rows", &Thresholds::cacheCapacity},
};
constexpr double kMaxCapacity = 100.0 * 1000 * 1000;

bool knownKey(const QString& section, const QString& key)
{
    for (const Field& f : fields()) {
        if (section == QLatin1String(f.section) && key == QLatin1String(f.key))
            return true;
    }
    return false;
}

} // namespace

bool Thresholds::apply(const QJsonObject& json, QString* error)
{
    auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    Thresholds next = *this;
    for (auto it = json.begin(); it != json.end(); ++it) {
        const QString section = it.key();
        if (section == QLatin1String("$schema") || section == QLatin1String("comment"))
            continue;
        if (section == QLatin1String("history")) {
            if (!it.value().isObject())
                return fail(QStringLiteral("\"history\" must be an object"));
            const QJsonObject history = it.value().toObject();
            for (auto h = history.begin(); h != history.end(); ++h) {
                bool found = false;
                for (const CapacityField& c : kCapacities) {
                    if (h.key() != QLatin1String(c.key))
                        continue;
                    found = true;
                    const double v = h.value().toDouble(-1);
                    if (!h.value().isDouble() || v < 1 || v > kMaxCapacity || v != std::floor(v))
                        return fail(QStringLiteral("history.%1 must be a whole number from 1 to %2")
                                        .arg(h.key())
                                        .arg(kMaxCapacity, 0, 'f', 0));
                    next.*(c.member) = qsizetype(v);
                }
                if (!found)
                    return fail(QStringLiteral("unknown key history.%1").arg(h.key()));
            }
            continue;
        }
        if (it.value().isObject()) {
            const QJsonObject inner = it.value().toObject();
            for (auto k = inner.begin(); k != inner.end(); ++k) {
                if (!knownKey(section, k.key()))
                    return fail(QStringLiteral("unknown key %1.%2").arg(section, k.key()));
            }
        } else if (!knownKey(QString(), section)) {
            return fail(QStringLiteral("unknown key %1").arg(section));
        }
    }
    for (const Field& f : fields()) {
        QJsonValue value;
        QString path;
        if (*f.section) {
            value = json.value(QLatin1String(f.section)).toObject().value(QLatin1String(f.key));
            path = QStringLiteral("%1.%2").arg(QLatin1String(f.section), QLatin1String(f.key));
        } else {
            value = json.value(QLatin1String(f.key));
            path = QLatin1String(f.key);
        }
        if (value.isUndefined())
            continue;
        const double v = value.toDouble(std::nan(""));
        if (!value.isDouble() || !std::isfinite(v) || v < f.min || v > f.max)
            return fail(QStringLiteral("%1 must be a number from %2 to %3").arg(path).arg(f.min).arg(f.max));
        f.ref(next) = v;
    }
    *this = next;
    return true;
}

std::optional<Thresholds> Thresholds::fromJson(const QByteArray& json, QString* error)
{
    QJsonParseError parseError {};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        if (error)
            *error = QStringLiteral("not valid JSON at offset %1: %2")
                         .arg(parseError.offset)
                         .arg(parseError.errorString());
        return std::nullopt;
    }
    if (!doc.isObject()) {
        if (error)
            *error = QStringLiteral("the thresholds file must hold one JSON object");
        return std::nullopt;
    }
    Thresholds t = defaults();
    if (!t.apply(doc.object(), error))
        return std::nullopt;
    return t;
}

std::optional<Thresholds> Thresholds::fromFile(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    // A thresholds file is a few hundred bytes; refuse anything absurd instead of reading it all.
    const QByteArray bytes = file.read(1024 * 1024);
    QString parseError;
    auto t = fromJson(bytes, &parseError);
    if (!t && error)
        *error = QStringLiteral("%1: %2").arg(path, parseError);
    return t;
}

QJsonObject Thresholds::toJson() const
{
    QJsonObject out;
    Thresholds copy = *this;
    for (const Field& f : fields()) {
        const double v = f.ref(copy);
        if (*f.section) {
            QJsonObject section = out.value(QLatin1String(f.section)).toObject();
            section.insert(QLatin1String(f.key), v);
            out.insert(QLatin1String(f.section), section);
        } else {
            out.insert(QLatin1String(f.key), v);
        }
    }
    QJsonObject history;
    for (const CapacityField& c : kCapacities)
        history.insert(QLatin1String(c.key), double(this->*(c.member)));
    out.insert(QStringLiteral("history"), history);
    return out;
}

} // namespace heapwatch
