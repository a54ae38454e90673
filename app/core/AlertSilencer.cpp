#include "AlertSilencer.h"

#include <QSettings>
#include <QTimeZone>

namespace heapwatch {
namespace {

QString kindName(SnoozeKind kind)
{
    switch (kind) {
    case SnoozeKind::OneHour:
        return QStringLiteral("hour");
    case SnoozeKind::UntilTomorrow:
        return QStringLiteral("tomorrow");
    case SnoozeKind::UntilRecovered:
        break;
    }
    return QStringLiteral("recovered");
}

std::optional<SnoozeKind> kindFromName(const QString& name)
{
    for (SnoozeKind k : {SnoozeKind::OneHour, SnoozeKind::UntilTomorrow, SnoozeKind::UntilRecovered}) {
        if (kindName(k) == name)
            return k;
    }
    return std::nullopt;
}

bool ended(const Snooze& s, qint64 nowMs)
{
    return s.untilMs >= 0 && nowMs >= s.untilMs;
}

} // namespace

bool QuietHours::contains(const QTime& time) const
{
    if (!enabled || !from.isValid() || !to.isValid() || from == to)
        return false;
    if (from < to)
        return time >= from && time < to;
    return time >= from || time < to; // across midnight
}

QDateTime AlertSilencer::nextTimeOfDay(const QTime& time, const QDateTime& now)
{
    QDateTime at = now;
    at.setTime(time);
    if (at <= now) {
        at.setDate(now.date().addDays(1)); // the same spec: local time stays local time
        at.setTime(time);
    }
    return at;
}

qint64 AlertSilencer::snoozeEnd(SnoozeKind kind, const QDateTime& now)
{
    switch (kind) {
    case SnoozeKind::OneHour:
        return now.toMSecsSinceEpoch() + kHourMs;
    case SnoozeKind::UntilTomorrow:
        return nextTimeOfDay(QTime(kMorningHour, 0), now).toMSecsSinceEpoch();
    case SnoozeKind::UntilRecovered:
        break;
    }
    return -1;
}

Snooze AlertSilencer::snooze(const QString& targetKey, SnoozeKind kind, const QDateTime& now)
{
    const Snooze s {kind, snoozeEnd(kind, now)};
    m_snoozes.insert(targetKey, s);
    return s;
}

void AlertSilencer::unsnooze(const QString& targetKey)
{
    m_snoozes.remove(targetKey);
}

std::optional<Snooze> AlertSilencer::snoozeOf(const QString& targetKey, const QDateTime& now) const
{
    const auto it = m_snoozes.constFind(targetKey);
    if (it == m_snoozes.constEnd() || ended(*it, now.toMSecsSinceEpoch()))
        return std::nullopt;
    return *it;
}

bool AlertSilencer::observeLevel(const QString& targetKey, Level overall)
{
    const auto it = m_snoozes.find(targetKey);
    if (it == m_snoozes.end() || it->kind != SnoozeKind::UntilRecovered || overall != Level::Ok)
        return false;
    m_snoozes.erase(it);
    return true;
}

bool AlertSilencer::expire(const QDateTime& now)
{
    const qint64 nowMs = now.toMSecsSinceEpoch();
    bool any = false;
    for (auto it = m_snoozes.begin(); it != m_snoozes.end();) {
        if (ended(*it, nowMs)) {
            it = m_snoozes.erase(it);
            any = true;
        } else {
            ++it;
        }
    }
    return any;
}

Suppression AlertSilencer::suppression(const QString& targetKey, Level level, const QDateTime& now) const
{
    // A snooze holds everything of its target, critical too: the operator said so for this target.
    if (const auto s = snoozeOf(targetKey, now))
        return Suppression {Suppression::Reason::Snoozed, s->untilMs};
    if (m_quiet.contains(now.time()) && !(m_quiet.criticalPasses && level == Level::Critical))
        return Suppression {Suppression::Reason::QuietHours, nextTimeOfDay(m_quiet.to, now).toMSecsSinceEpoch()};
    return {};
}

QString AlertSilencer::snoozeText(const QString& targetKey, const QDateTime& now) const
{
    const auto s = snoozeOf(targetKey, now);
    if (!s)
        return {};
    if (s->untilMs < 0)
        return QStringLiteral("snoozed until it recovers");
    const QDateTime until = QDateTime::fromMSecsSinceEpoch(s->untilMs, now.timeZone());
    const qint64 days = now.date().daysTo(until.date());
    const QString time = until.toString(QStringLiteral("HH:mm"));
    if (days == 0)
        return QStringLiteral("snoozed until %1").arg(time);
    if (days == 1)
        return QStringLiteral("snoozed until tomorrow %1").arg(time);
    return QStringLiteral("snoozed until %1 %2").arg(until.toString(QStringLiteral("yyyy-MM-dd")), time);
}

void AlertSilencer::save(QSettings& settings) const
{
    settings.remove(QStringLiteral("snoozes"));
    settings.beginWriteArray(QStringLiteral("snoozes"), int(m_snoozes.size()));
    int i = 0;
    for (auto it = m_snoozes.cbegin(); it != m_snoozes.cend(); ++it) {
        settings.setArrayIndex(i++);
        settings.setValue(QStringLiteral("target"), it.key());
        settings.setValue(QStringLiteral("kind"), kindName(it->kind));
        settings.setValue(QStringLiteral("until"), it->untilMs);
    }
    settings.endArray();
}

void AlertSilencer::load(QSettings& settings, const QDateTime& now)
{
    m_snoozes.clear();
    const qint64 nowMs = now.toMSecsSinceEpoch();
    const int n = settings.beginReadArray(QStringLiteral("snoozes"));
    for (int i = 0; i < n; ++i) {
        settings.setArrayIndex(i);
        const QString key = settings.value(QStringLiteral("target")).toString();
        const auto kind = kindFromName(settings.value(QStringLiteral("kind")).toString());
        bool ok = false;
        const qint64 until = settings.value(QStringLiteral("until")).toLongLong(&ok);
        if (key.isEmpty() || !kind || !ok)
            continue; // an entry someone edited into nonsense
        const Snooze s {*kind, *kind == SnoozeKind::UntilRecovered ? -1 : until};
        if (*kind != SnoozeKind::UntilRecovered && (until < 0 || ended(s, nowMs)))
            continue;
        m_snoozes.insert(key, s);
    }
    settings.endArray();
}

} // namespace heapwatch
