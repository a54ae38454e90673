// The tray icon, coloured by the worst level of all targets, and desktop notifications through it. Where
// the desktop has no tray (offscreen, some Wayland shells) it stays hidden and notify() says so, so the
// window can show the alert in its status bar instead.
#pragma once

#include "AlertNotifier.h"

#include <QObject>

class QSystemTrayIcon;
class QWidget;

namespace heapwatch {

class TrayController : public QObject
{
    Q_OBJECT
public:
    explicit TrayController(QWidget* window);

    static bool isAvailable();
    void setEnabled(bool enabled);
    bool isVisible() const;
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
};

} // namespace heapwatch
