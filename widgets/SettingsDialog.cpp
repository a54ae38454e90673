#include "SettingsDialog.h"

#include "HistorySettings.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTimeEdit>
#include <QVBoxLayout>
#include <algorithm>

namespace heapwatch {

AppSettings AppSettings::load()
{
    QSettings s;
    AppSettings a;
    a.notifications = s.value(QStringLiteral("alerts/notifications"), a.notifications).toBool();
    a.notificationMinutes = s.value(QStringLiteral("alerts/minIntervalMinutes"), a.notificationMinutes).toInt();
    a.trayIcon = s.value(QStringLiteral("alerts/trayIcon"), a.trayIcon).toBool();
    a.keepRunningInTray = s.value(QStringLiteral("window/keepRunningInTray"), a.keepRunningInTray).toBool();
    a.webhookUrl = QUrl(s.value(QStringLiteral("alerts/webhookUrl")).toString());
    a.webhookPerMinute = s.value(QStringLiteral("alerts/webhookPerMinute"), a.webhookPerMinute).toInt();
    QuietHours& q = a.quietHours;
    q.enabled = s.value(QStringLiteral("alerts/quietHours"), q.enabled).toBool();
    const QTime from
        = QTime::fromString(s.value(QStringLiteral("alerts/quietFrom")).toString(), QStringLiteral("HH:mm"));
    const QTime to = QTime::fromString(s.value(QStringLiteral("alerts/quietTo")).toString(), QStringLiteral("HH:mm"));
    if (from.isValid())
        q.from = from;
    if (to.isValid())
        q.to = to;
    q.criticalPasses = s.value(QStringLiteral("alerts/quietCriticalPasses"), q.criticalPasses).toBool();
    a.historyFullDays = std::clamp(s.value(QStringLiteral("history/fullDays"), a.historyFullDays).toInt(), 1, 90);
    a.historyRollupDays = std::clamp(s.value(QStringLiteral("history/rollupDays"), a.historyRollupDays).toInt(),
                                     a.historyFullDays, 3650);
    return a;
}

void AppSettings::save() const
{
    QSettings s;
    s.setValue(QStringLiteral("alerts/notifications"), notifications);
    s.setValue(QStringLiteral("alerts/minIntervalMinutes"), notificationMinutes);
    s.setValue(QStringLiteral("alerts/trayIcon"), trayIcon);
    s.setValue(QStringLiteral("window/keepRunningInTray"), keepRunningInTray);
    s.setValue(QStringLiteral("alerts/webhookUrl"), webhookUrl.toString());
    s.setValue(QStringLiteral("alerts/webhookPerMinute"), webhookPerMinute);
    s.setValue(QStringLiteral("alerts/quietHours"), quietHours.enabled);
    s.setValue(QStringLiteral("alerts/quietFrom"), quietHours.from.toString(QStringLiteral("HH:mm")));
    s.setValue(QStringLiteral("alerts/quietTo"), quietHours.to.toString(QStringLiteral("HH:mm")));
    s.setValue(QStringLiteral("alerts/quietCriticalPasses"), quietHours.criticalPasses);
    s.setValue(QStringLiteral("history/fullDays"), historyFullDays);
    s.setValue(QStringLiteral("history/rollupDays"), historyRollupDays);
}

SettingsDialog::SettingsDialog(const AppSettings& a, QWidget* parent, HistoryStore* store)
    : QDialog(parent)
    , m_notifications(new QCheckBox(tr("Desktop notification when a red flag enters warning or critical"), this))
    , m_minutes(new QSpinBox(this))
    , m_tray(new QCheckBox(tr("Show a tray icon coloured by the worst level"), this))
    , m_keepInTray(new QCheckBox(tr("Keep running in the tray when the window is closed"), this))
    , m_webhook(new QLineEdit(this))
    , m_perMinute(new QSpinBox(this))
    , m_quiet(new QCheckBox(tr("Quiet hours: no desktop notification and no webhook post"), this))
    , m_quietFrom(new QTimeEdit(this))
    , m_quietTo(new QTimeEdit(this))
    , m_criticalPasses(new QCheckBox(tr("Critical alerts pass during quiet hours"), this))
    , m_history(new HistorySettings(store, a.historyFullDays, a.historyRollupDays, this))
{
    setWindowTitle(tr("Settings"));
    setObjectName(QStringLiteral("settingsDialog"));
    m_notifications->setChecked(a.notifications);
    m_minutes->setRange(0, 24 * 60);
    m_minutes->setSuffix(tr(" min"));
    m_minutes->setValue(a.notificationMinutes);
    m_tray->setChecked(a.trayIcon);
    m_tray->setObjectName(QStringLiteral("trayIcon"));
    m_keepInTray->setObjectName(QStringLiteral("keepRunningInTray"));
    m_keepInTray->setChecked(a.keepRunningInTray);
    m_keepInTray->setEnabled(a.trayIcon);
    m_keepInTray->setToolTip(tr("File > Quit (Ctrl+Q) or the tray menu's Quit end heapwatch. Without a system tray, "
                                "closing the window always quits."));
    connect(m_tray, &QCheckBox::toggled, m_keepInTray, &QCheckBox::setEnabled);
    m_webhook->setText(a.webhookUrl.toString());
    m_webhook->setPlaceholderText(QStringLiteral("https://hooks.example.com/…"));
    m_perMinute->setRange(1, 60);
    m_perMinute->setValue(a.webhookPerMinute);
    m_quiet->setObjectName(QStringLiteral("quietHours"));
    m_quiet->setChecked(a.quietHours.enabled);
    m_quietFrom->setObjectName(QStringLiteral("quietFrom"));
    m_quietTo->setObjectName(QStringLiteral("quietTo"));
    for (QTimeEdit* e : {m_quietFrom, m_quietTo})
        e->setDisplayFormat(QStringLiteral("HH:mm"));
    m_quietFrom->setTime(a.quietHours.from);
    m_quietTo->setTime(a.quietHours.to);
    m_criticalPasses->setObjectName(QStringLiteral("quietCriticalPasses"));
    m_criticalPasses->setChecked(a.quietHours.criticalPasses);
    m_quietFrom->setToolTip(tr("Local time; a span across midnight (22:00 to 07:00) is one night"));
    auto enableQuiet = [this](bool on) {
        for (QWidget* w : std::initializer_list<QWidget*> {m_quietFrom, m_quietTo, m_criticalPasses})
            w->setEnabled(on);
    };
    enableQuiet(a.quietHours.enabled);
    connect(m_quiet, &QCheckBox::toggled, this, enableQuiet);
    auto* span = new QHBoxLayout;
    span->addWidget(m_quietFrom);
    span->addWidget(new QLabel(tr("to"), this));
    span->addWidget(m_quietTo);
    span->addStretch();
    auto* form = new QFormLayout;
    form->addRow(m_notifications);
    form->addRow(tr("Repeat the same alert at most every"), m_minutes);
    form->addRow(m_quiet);
    form->addRow(tr("From (local time)"), span);
    form->addRow(m_criticalPasses);
    form->addRow(m_tray);
    form->addRow(m_keepInTray);
    form->addRow(tr("Webhook URL (JSON POST per alert)"), m_webhook);
    form->addRow(tr("Webhook posts per minute at most"), m_perMinute);
    auto* note = new QLabel(
        tr("Empty URL: no webhook. Each alert is posted once, with the target, flag, level and value."), this);
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_webhook, &QLineEdit::textChanged, this, [this, buttons](const QString& text) {
        const QUrl url(text.trimmed());
        const bool ok = text.trimmed().isEmpty()
            || (url.isValid() && (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https")));
        buttons->button(QDialogButtonBox::Ok)->setEnabled(ok);
    });
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_history);
    layout->addWidget(buttons);
}

AppSettings SettingsDialog::settings() const
{
    AppSettings a;
    a.notifications = m_notifications->isChecked();
    a.notificationMinutes = m_minutes->value();
    a.trayIcon = m_tray->isChecked();
    a.keepRunningInTray = m_keepInTray->isChecked();
    a.webhookUrl = QUrl(m_webhook->text().trimmed());
    a.webhookPerMinute = m_perMinute->value();
    a.quietHours.enabled = m_quiet->isChecked();
    a.quietHours.from = m_quietFrom->time();
    a.quietHours.to = m_quietTo->time();
    a.quietHours.criticalPasses = m_criticalPasses->isChecked();
    a.historyFullDays = m_history->fullDays();
    a.historyRollupDays = m_history->rollupDays();
    return a;
}

} // namespace heapwatch
