// Turns assessments into alerts: one alert when a red flag enters warning or critical (a transition to a
// worse level), never one per refresh. Repeats of the same or a lower level for the same target and flag
// within the minimum interval are suppressed, so a value flapping around a threshold does not spam the
// desktop or the webhook; an escalation (warning → critical) always gets through. A flag the assessment reports as
// flapping (Flag::flapping) raises one alert when it starts to flap, and none for its level changes until it has
// settled again.
// Flags of one target that change together (in the same evaluation, or within the group window of ~2 s) make
// one notification that names each flag, its value and since when ("badger: critical — Heap Usage % 97.6%
// (since 14:02), RSS Memory 380.0 MiB (since 14:01)"), not one per flag.
#pragma once

#include "Assessment.h"

#include <QHash>
#include <QMetaType>
#include <QObject>
#include <vector>

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
    QString reading; // "RSS Memory 352.0 MiB (>350 MiB)", as the header reads the flag
    QString note;
    bool flapping = false; // the flag changes level too often: this is the one alert for it
    qint64 sinceMs = -1; // when the flag entered its level (data time), -1 if unknown
    qint64 atMs = 0; // wall clock
    // The other flags of the same target that changed with this one, less severe or later in the table; this
    // alert's own fields are the worst of the group, and its level the group's.
    std::vector<Alert> grouped;

    QString title() const; // "pangolin: Heap Usage % critical", "… critical (flapping)"; "pangolin: critical (2 flags)"
    // "Heap Usage % 97.6% (>95%) since 14:02 — was ok"; of a group: "Heap Usage % 97.6% (since 14:02), RSS
    // Memory 380.0 MiB (since 14:01)"
    QString message() const;
    // One line for the webhook and the status bar: "pangolin: critical — Heap Usage % 97.6% (since 14:02), …"
    QString text() const;
    // "14:02" (local), with the date when it is not the day of atMs; empty when unknown.
    QString sinceText() const;
};

class AlertNotifier : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 kDefaultMinIntervalMs = 5 * 60 * 1000;
    static constexpr qint64 kDefaultGroupWindowMs = 2000;

    explicit AlertNotifier(QObject* parent = nullptr);

    void setMinIntervalMs(qint64 ms) { m_minIntervalMs = ms; }
    qint64 minIntervalMs() const { return m_minIntervalMs; }
    // Alerts of one target within this long of its first pending one go out together (0: each evaluation's
    // alerts at once, grouped only within it).
    void setGroupWindowMs(qint64 ms) { m_groupWindowMs = ms; }

    // Compares the flags with the last levels seen for this target; emits alert() for each entry into a
    // worse warning/critical level that the rate limit lets through, grouped per target (see above); a group
    // goes out at the first observation of its target past the group window. monotonicMs drives both.
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
    struct Pending
    {
        qint64 firstMs = -1; // monotonic time of the group's first alert
        std::vector<Alert> alerts; // one per flag, in the assessment's flag order
    };
    void emitGroup(const QString& targetKey);

    QHash<QString, FlagState> m_flags; // "targetKey\nflagId"
    QHash<QString, Pending> m_pending; // per target key
    qint64 m_minIntervalMs = kDefaultMinIntervalMs;
    qint64 m_groupWindowMs = kDefaultGroupWindowMs;
    int m_suppressed = 0;
};

} // namespace heapwatch

Q_DECLARE_METATYPE(heapwatch::Alert)
