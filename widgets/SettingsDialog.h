// Application settings: desktop notifications and their rate limit, quiet hours, the tray icon (and whether
// closing the window keeps heapwatch running there), and the webhook.
#pragma once

#include "AlertSilencer.h"

#include <QDialog>
#include <QUrl>

class QCheckBox;
class QLineEdit;
class QSpinBox;
class QTimeEdit;

namespace heapwatch {

struct AppSettings
{
    bool notifications = true;
    int notificationMinutes = 5; // repeats of the same flag and level within this are suppressed
    bool trayIcon = true;
    bool keepRunningInTray = true; // closing the window hides it when the tray icon is shown
    QUrl webhookUrl;
    int webhookPerMinute = 6;
    QuietHours quietHours; // for desktop notifications and the webhook; off by default

    static AppSettings load();
    void save() const;
};

class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(const AppSettings& settings, QWidget* parent = nullptr);
    AppSettings settings() const;

private:
    QCheckBox* m_notifications;
    QSpinBox* m_minutes;
    QCheckBox* m_tray;
    QCheckBox* m_keepInTray;
    QLineEdit* m_webhook;
    QSpinBox* m_perMinute;
    QCheckBox* m_quiet;
    QTimeEdit* m_quietFrom;
    QTimeEdit* m_quietTo;
    QCheckBox* m_criticalPasses;
};

} // namespace heapwatch
