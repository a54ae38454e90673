// The snooze entries of a target's menus (the sidebar's context menu and the Target menu): snooze for 1 h,
// until tomorrow 08:00, until it recovers, and unsnooze. One builder, so both menus say the same.
#pragma once

#include "AlertSilencer.h"

#include <QObject>
#include <functional>

class QMenu;

namespace heapwatch {

namespace snoozemenu {

// Adds the entries to menu. snoozedText: the target's current snooze ("snoozed until 14:05"), empty if none;
// level: the target's overall level ("until it recovers" makes no sense for a target that is ok).
// choose receives a kind, or std::nullopt for Unsnooze.
void fill(QMenu* menu, const QString& snoozedText, Level level,
          const std::function<void(std::optional<SnoozeKind>)>& choose);

} // namespace snoozemenu

} // namespace heapwatch
