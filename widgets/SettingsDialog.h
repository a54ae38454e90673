// Application settings: desktop notifications and their rate limit, quiet hours, the tray icon (and whether
// closing the window keeps heapwatch running there), the webhook, and the history store's retention.
#pragma once

#include "AlertSilencer.h"

#include <QDialog>
#include <QUrl>

class QCheckBox;
class QLineEdit;
class QSpinBox;
class QTimeEdit;

namespace heapwatch {

class HistorySettings;
class HistoryStore;

struct AppSettings
{
    bool notifications = true;
    int notificationMinutes = 5; // repeats of the same flag and level within this are suppressed
    bool trayIcon = true;
    bool keepRunningInTray = true; // closing the window hides it when the tray icon is shown
    QUrl webhookUrl;
    int webhookPerMinute = 6;
    QuietHours quietHours; // for desktop notifications and the webhook; off by default
    int historyFullDays = 7; // the history store keeps every sample this long
    int historyRollupDays = 90; // and one-minute rollups and events this long

    static AppSettings load();
    void save() const;
};

class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    // store: the history store whose targets' disk use is shown (nullptr: history is not kept on disk).
    SettingsDialog(const AppSettings& settings, QWidget* parent = nullptr, HistoryStore* store = nullptr);
    HistorySettings* history() const { return m_history; }
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
    HistorySettings* m_history;
};

} // namespace heapwatch
