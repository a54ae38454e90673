// Whether an alert of a target may notify now: per-target snoozes (for an hour, until the next morning, until
// the target recovers) and quiet hours (a daily span of local time, optionally letting critical alerts
// through). It decides desktop notifications and the webhook alike; the console wires it. Snoozes persist in
// QSettings per target key, so that a restart keeps them; expired ones are dropped on load.
#pragma once

#include "Samples.h"

#include <QDateTime>
#include <QHash>
#include <QString>
#include <QTime>
#include <optional>

class QSettings;

namespace heapwatch {

struct QuietHours
{
    bool enabled = false;
    QTime from = QTime(22, 0);
    QTime to = QTime(7, 0);
    bool criticalPasses = true;

    // from ≤ time < to, across midnight when from > to; never when from == to or disabled.
    bool contains(const QTime& time) const;
};

enum class SnoozeKind : quint8
{
    OneHour,
    UntilTomorrow, // the next kMorningHour:00 local time
    UntilRecovered // until the target's overall level is ok again
};

struct Snooze
{
    SnoozeKind kind = SnoozeKind::OneHour;
    qint64 untilMs = -1; // -1: until the target recovers
};

struct Suppression
{
    enum class Reason : quint8
    {
        None,
        Snoozed,
        QuietHours
    };
    Reason reason = Reason::None;
    qint64 untilMs = -1; // when it ends; -1 with Snoozed: when the target recovers

    bool suppressed() const { return reason != Reason::None; }
};

class AlertSilencer
{
public:
    static constexpr int kMorningHour = 8;
    static constexpr qint64 kHourMs = 60 * 60 * 1000;

    void setQuietHours(const QuietHours& quiet) { m_quiet = quiet; }
    const QuietHours& quietHours() const { return m_quiet; }

    // now: local time (any QDateTime; its time zone decides what "08:00" and quiet hours mean).
    Snooze snooze(const QString& targetKey, SnoozeKind kind, const QDateTime& now);
    void unsnooze(const QString& targetKey);
    std::optional<Snooze> snoozeOf(const QString& targetKey, const QDateTime& now) const;
    int snoozeCount() const { return int(m_snoozes.size()); }

    // The target's overall level after an evaluation: ok ends a snooze until it recovers. True when one ended.
    bool observeLevel(const QString& targetKey, Level overall);
    // Drops the snoozes that ended by now; true when any did.
    bool expire(const QDateTime& now);

    // Is an alert of this target at this level held back now, and until when?
    Suppression suppression(const QString& targetKey, Level level, const QDateTime& now) const;
    // "snoozed until 14:05", "snoozed until tomorrow 08:00", "snoozed until it recovers"; empty if not snoozed.
    QString snoozeText(const QString& targetKey, const QDateTime& now) const;

    void save(QSettings& settings) const;
    void load(QSettings& settings, const QDateTime& now);

    // When a snooze of this kind that starts now ends (-1: when the target recovers).
    static qint64 snoozeEnd(SnoozeKind kind, const QDateTime& now);
    // The next time of day `time` after now, in now's time zone.
    static QDateTime nextTimeOfDay(const QTime& time, const QDateTime& now);

private:
    QuietHours m_quiet;
    QHash<QString, Snooze> m_snoozes;
};

} // namespace heapwatch
