#include "TrayController.h"

#include "LevelStyle.h"

#include <QMenu>
#include <QSystemTrayIcon>
#include <QWidget>

namespace heapwatch {

TrayController::TrayController(QWidget* window)
    : QObject(window)
    , m_window(window)
{
}

bool TrayController::isAvailable()
{
    return QSystemTrayIcon::isSystemTrayAvailable();
}

bool TrayController::available() const
{
    return m_availableOverride.value_or(isAvailable());
}

void TrayController::setAvailableOverride(std::optional<bool> available)
{
    m_availableOverride = available;
    setEnabled(m_enabled);
}

void TrayController::setEnabled(bool enabled)
{
    m_enabled = enabled;
    if (!enabled || !available() || !isAvailable()) {
        if (m_tray)
            m_tray->hide();
        return;
    }
    if (!m_tray) {
        m_tray = new QSystemTrayIcon(LevelStyle::trayIcon(m_level), this);
        auto* menu = new QMenu(m_window);
        menu->addAction(tr("Show heapwatch"), this, &TrayController::showWindowRequested);
        menu->addSeparator();
        menu->addAction(tr("Quit"), this, &TrayController::quitRequested);
        m_tray->setContextMenu(menu);
        connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
            if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
                Q_EMIT showWindowRequested();
        });
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, &TrayController::showWindowRequested);
    }
    m_tray->show();
}

bool TrayController::isVisible() const
{
    return m_tray && m_tray->isVisible();
}

void TrayController::setLevel(Level level, const QString& toolTip)
{
    const bool changed = level != m_level;
    m_level = level;
    if (!m_tray)
        return;
    if (changed)
        m_tray->setIcon(LevelStyle::trayIcon(level));
    m_tray->setToolTip(toolTip);
}

bool TrayController::showInfo(const QString& title, const QString& message)
{
    if (!isVisible() || !QSystemTrayIcon::supportsMessages())
        return false;
    m_tray->showMessage(title, message, QSystemTrayIcon::Information, 10000);
    return true;
}

bool TrayController::notify(const Alert& alert)
{
    if (!isVisible() || !QSystemTrayIcon::supportsMessages())
        return false;
    m_tray->showMessage(alert.title(), alert.message(), LevelStyle::icon(alert.level), 15000);
    return true;
}

} // namespace heapwatch
