#include "AlertGate.h"

#include "Target.h"
#include "TargetListModel.h"

#include <QDateTime>
#include <QSettings>

namespace heapwatch {

AlertGate::AlertGate(TargetListModel* targets, QObject* parent)
    : QObject(parent)
    , m_targets(targets)
{
    QSettings settings;
    m_silencer.load(settings, QDateTime::currentDateTime());
    m_targets->setSilencer(&m_silencer);
}

QString AlertGate::snooze(const QString& targetKey, const QString& targetName, std::optional<SnoozeKind> kind)
{
    const QDateTime now = QDateTime::currentDateTime();
    QString said;
    if (kind) {
        m_silencer.snooze(targetKey, *kind, now);
        said = tr("%1: alerts %2").arg(targetName, m_silencer.snoozeText(targetKey, now));
    } else {
        m_silencer.unsnooze(targetKey);
        said = tr("%1: alerts on again").arg(targetName);
    }
    save();
    m_targets->refresh();
    return said;
}

void AlertGate::forget(const QString& targetKey)
{
    m_silencer.unsnooze(targetKey);
    save();
}

void AlertGate::observe()
{
    bool changed = m_silencer.expire(QDateTime::currentDateTime());
    for (int row = 0; row < m_targets->rowCount() && m_silencer.snoozeCount() > 0; ++row) {
        Target* t = m_targets->targetAt(row);
        if (t && t->backfillDone())
            changed |= m_silencer.observeLevel(m_targets->entryAt(row)->key(), t->assessment().overall);
    }
    if (changed)
        save();
}

bool AlertGate::admit(const Alert& alert)
{
    // A snoozed target, or quiet hours (critical may pass): no desktop notification and no webhook post.
    // The notifier has still seen the change, so nothing piles up for when the snooze ends.
    if (m_silencer.suppression(alert.targetKey, alert.level, QDateTime::currentDateTime()).suppressed()) {
        Q_EMIT held(alert);
        return false;
    }
    Q_EMIT delivered(alert);
    return true;
}

QString AlertGate::snoozeText(const QString& targetKey) const
{
    return m_silencer.snoozeText(targetKey, QDateTime::currentDateTime());
}

QString AlertGate::holdText() const
{
    const QDateTime now = QDateTime::currentDateTime();
    QStringList parts;
    int snoozed = 0;
    for (int row = 0; row < m_targets->rowCount(); ++row)
        snoozed += m_silencer.snoozeOf(m_targets->entryAt(row)->key(), now).has_value() ? 1 : 0;
    if (snoozed > 0)
        parts << tr("%n target(s) snoozed", nullptr, snoozed);
    const QuietHours& quiet = m_silencer.quietHours();
    if (quiet.contains(now.time()))
        parts << tr("quiet hours until %1%2")
                     .arg(quiet.to.toString(QStringLiteral("HH:mm")),
                          quiet.criticalPasses ? tr(" (critical passes)") : QString());
    return parts.join(QStringLiteral(" · "));
}

void AlertGate::save() const
{
    QSettings settings;
    m_silencer.save(settings);
}

} // namespace heapwatch
