// Application settings: desktop notifications and their rate limit, the tray icon, and the webhook.
#pragma once

#include <QDialog>
#include <QUrl>

class QCheckBox;
class QLineEdit;
class QSpinBox;

namespace heapwatch {

struct AppSettings
{
    bool notifications = true;
    int notificationMinutes = 5; // repeats of the same flag and level within this are suppressed
    bool trayIcon = true;
    QUrl webhookUrl;
    int webhookPerMinute = 6;

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
    QLineEdit* m_webhook;
    QSpinBox* m_perMinute;
};

} // namespace heapwatch
