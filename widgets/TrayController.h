// The tray icon, coloured by the worst level of all targets, and desktop notifications through it. Where
// the desktop has no tray (offscreen, some Wayland shells) it stays hidden and notify() says so, so the
// window can show the alert in its status bar instead. canHideWindow() tells the window whether closing it
// may hide it to the tray (there is a tray and the icon is shown); the availability can be forced for tests.
#pragma once

#include "AlertNotifier.h"

#include <QObject>
#include <optional>

class QSystemTrayIcon;
class QWidget;

namespace heapwatch {

class TrayController : public QObject
{
    Q_OBJECT
public:
    explicit TrayController(QWidget* window);

    static bool isAvailable();
    // The desktop has a tray, unless forced (tests: offscreen has none). nullopt: ask the desktop.
    bool available() const;
    void setAvailableOverride(std::optional<bool> available);
    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled; }
    bool isVisible() const;
    // There is a tray icon to bring the window back from: the window may hide instead of quitting.
    bool canHideWindow() const { return m_enabled && available(); }
    // A plain information balloon (e.g. "still running in the tray"); false when there is no tray to show it.
    bool showInfo(const QString& title, const QString& message);
    void setLevel(Level level, const QString& toolTip);
    Level level() const { return m_level; }
    // Shows the alert as a desktop notification; false when there is no tray to show it.
    bool notify(const Alert& alert);

Q_SIGNALS:
    void showWindowRequested();
    void quitRequested();

private:
    QWidget* m_window;
    QSystemTrayIcon* m_tray = nullptr;
    Level m_level = Level::Unknown;
    bool m_enabled = false;
    std::optional<bool> m_availableOverride;
};

} // namespace heapwatch
