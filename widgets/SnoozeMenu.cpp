#include "SnoozeMenu.h"

#include <QMenu>

namespace heapwatch::snoozemenu {

void fill(QMenu* menu, const QString& snoozedText, Level level,
          const std::function<void(std::optional<SnoozeKind>)>& choose)
{
    auto add = [&](const QString& text, const char* name, std::optional<SnoozeKind> kind) {
        QAction* a = menu->addAction(text);
        a->setObjectName(QLatin1String(name));
        QObject::connect(a, &QAction::triggered, menu, [choose, kind] { choose(kind); });
        return a;
    };
    add(QObject::tr("Snooze for 1 hour"), "snoozeHour", SnoozeKind::OneHour);
    add(QObject::tr("Snooze until tomorrow %1:00").arg(AlertSilencer::kMorningHour, 2, 10, QLatin1Char('0')),
        "snoozeTomorrow", SnoozeKind::UntilTomorrow);
    QAction* recovered = add(QObject::tr("Snooze until it recovers"), "snoozeRecovered", SnoozeKind::UntilRecovered);
    recovered->setEnabled(level == Level::Warning || level == Level::Critical);
    recovered->setToolTip(QObject::tr("Until the target's overall level is ok again"));
    QAction* un = add(snoozedText.isEmpty() ? QObject::tr("Unsnooze") : QObject::tr("Unsnooze (%1)").arg(snoozedText),
                      "unsnooze", std::nullopt);
    un->setEnabled(!snoozedText.isEmpty());
}

} // namespace heapwatch::snoozemenu
