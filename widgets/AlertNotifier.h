// Turns assessments into alerts: one alert when a red flag enters warning or critical (a transition to a
// worse level), never one per refresh. Repeats of the same or a lower level for the same target and flag
// within the minimum interval are suppressed, so a value flapping around a threshold does not spam the
// desktop or the webhook; an escalation (warning → critical) always gets through. A flag the assessment reports as
// flapping (Flag::flapping) raises one alert when it starts to flap, and none for its level changes until it has
// settled again.
#pragma once

#include "Assessment.h"

#include <QHash>
#include <QMetaType>
#include <QObject>

namespace heapwatch {

struct Alert
{
    QString targetKey;
    QString targetName;
    QString flagId;
    QString metric;
    Level previous = Level::Unknown;
    Level level = Level::Unknown;
    QString value; // "352.0 MiB"
    QString threshold; // ">350 MiB"
    QString note;
    bool flapping = false; // the flag changes level too often: this is the one alert for it
    qint64 atMs = 0; // wall clock

    QString title() const; // "pangolin: heap usage critical", "… critical (flapping)"
    QString message() const; // "Heap Usage % 97.6% (>95%) — was ok"
};

class AlertNotifier : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 kDefaultMinIntervalMs = 5 * 60 * 1000;

    explicit AlertNotifier(QObject* parent = nullptr);

    void setMinIntervalMs(qint64 ms) { m_minIntervalMs = ms; }
    qint64 minIntervalMs() const { return m_minIntervalMs; }

    // Compares the flags with the last levels seen for this target; emits alert() for each entry into a
    // worse warning/critical level that the rate limit lets through. monotonicMs drives the rate limit.
    void observe(const QString& targetKey, const QString& targetName, const Assessment& assessment, qint64 wallMs,
                 qint64 monotonicMs);
    void forget(const QString& targetKey);
    int suppressedCount() const { return m_suppressed; }

Q_SIGNALS:
    void alert(const heapwatch::Alert& alert);

private:
    struct FlagState
    {
        Level level = Level::Unknown;
        Level notifiedLevel = Level::Unknown;
        qint64 notifiedAtMs = -1;
        bool flapping = false;
    };
    QHash<QString, FlagState> m_flags; // "targetKey\nflagId"
    qint64 m_minIntervalMs = kDefaultMinIntervalMs;
    int m_suppressed = 0;
};

} // namespace heapwatch

Q_DECLARE_METATYPE(heapwatch::Alert)
