// The gate every alert of the console passes before it reaches the desktop and the webhook: the targets'
// snoozes and the quiet hours (AlertSilencer decides), kept in QSettings so that snoozes survive a restart,
// ended when they expire or their target recovers.
#pragma once

#include "AlertNotifier.h"
#include "AlertSilencer.h"

#include <QObject>

namespace heapwatch {

class TargetListModel;

class AlertGate : public QObject
{
    Q_OBJECT
public:
    // Loads the snoozes saved in QSettings (those that ended meanwhile are dropped) and shows them in targets.
    explicit AlertGate(TargetListModel* targets, QObject* parent = nullptr);

    const AlertSilencer& silencer() const { return m_silencer; }
    void setQuietHours(const QuietHours& quiet) { m_silencer.setQuietHours(quiet); }

    // Snoozes a target's alerts (a kind) or ends its snooze (std::nullopt); returns what the status bar says.
    QString snooze(const QString& targetKey, const QString& targetName, std::optional<SnoozeKind> kind);
    void forget(const QString& targetKey); // a removed target
    // Ends the snoozes that expired, and those until recovery of targets that are ok again (after backfill).
    void observe();
    // Emits delivered() and returns true when the alert may go out now, else emits held().
    bool admit(const Alert& alert);

    QString snoozeText(const QString& targetKey) const; // "snoozed until 14:05", empty if not snoozed
    // For the tray's tooltip: "2 target(s) snoozed · quiet hours until 07:00", empty when alerts flow freely.
    QString holdText() const;

Q_SIGNALS:
    void delivered(const heapwatch::Alert& alert);
    void held(const heapwatch::Alert& alert);

private:
    void save() const;

    TargetListModel* m_targets;
    AlertSilencer m_silencer;
};

} // namespace heapwatch
