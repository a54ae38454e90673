// Colours, badges and symbols for levels. One place so that the sidebar, the tray, the red-flag table and
// the charts always agree, and so that both light and dark palettes stay readable.
#pragma once

#include "Samples.h"

#include <QColor>
#include <QIcon>
#include <QPalette>
#include <QString>

namespace heapwatch {

class LevelStyle
{
public:
    // True when the palette's window is darker than its text (a dark theme).
    static bool isDark(const QPalette& palette);
    static bool isDark();

    // Strong colour for a level (badge fill, status text), tuned for the palette's background.
    static QColor color(Level level, bool dark);
    static QColor color(Level level);
    // A faint tint of the level for table rows and chart bands.
    static QColor tint(Level level, bool dark, int alpha = 40);

    // A round badge with a symbol, drawn once per level and size and cached (no SVG plugin needed).
    static QIcon icon(Level level);
    // The application mark with a level dot, for the tray.
    static QIcon trayIcon(Level level);

    // How much a level asks for a look, for the views that put the most urgent first (the red-flag table, the
    // fleet overview): critical 3, warning 2, unknown 1, ok 0. Unknown ranks above ok here (a flag or target that
    // cannot be judged needs a look before one that is fine), unlike levelSeverity's worst level.
    static int urgency(Level level);

    // Status word with a symbol, as the investigation's table writes it ("✖ critical").
    static QString symbol(Level level);
    static QString statusText(Level level);
};

} // namespace heapwatch
