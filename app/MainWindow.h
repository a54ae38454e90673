// The heapwatch window: the target sidebar, the dashboard page of the current target (summary header and
// charts), docks for red flags, recommendations and the problem log, a status bar, the tray icon and the
// alerts. Everything refreshes from the targets' state models on one 1 s timer; nothing here parses or
// waits on the network.
#pragma once

#include "AlertSilencer.h"
#include "Samples.h"
#include "SettingsDialog.h"
#include "Source.h"
#include "TargetConfig.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMainWindow>
#include <QPointer>
#include <QTimer>
#include <memory>

class QAction;
class QActionGroup;
class QDockWidget;
class QScrollArea;
class QStackedWidget;

namespace heapwatch {

class AlertGate;
class AlertNotifier;
class ChartViewport;
class DashboardPage;
class FleetOverview;
class HistoryStore;
class LogView;
class RecommendationList;
class RedFlagPanel;
class StatusPanel;
class Target;
class TargetLauncher;
class TargetListModel;
class TargetSidebar;
class TrayController;
class WebhookSender;
struct Alert;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens (or selects, when already open) a target: the command line's, a dialog's, a saved session's.
    bool openTarget(const TargetConfig& config);
    void openDemo(); // `heapwatch --demo`
    bool openLog(const QString& logPath, const QString& statsPath = {}); // File > Open log…, `--replay`
    bool openRemote(const QString& target); // `heapwatch ssh://…/c`
    void restoreSession(); // reconnect last targets from QSettings
    // The history store the targets opened after this record into and start from (nullptr: none). error: the
    // store could not be opened; shown in the status bar, and the console goes on with history in memory only.
    void setHistoryStore(HistoryStore* store, const QString& error = {});
    HistoryStore* historyStore() const;

    // For tests and the benchmark: a target with a source made elsewhere (e.g. a week of generated history).
    // recordHistory: the target records into the history store (when one is open), as a remote target does.
    bool addSourceTarget(const TargetConfig& entry, std::unique_ptr<Source> source, bool recordHistory = false);
    Target* currentTarget() const;
    TargetListModel* targetModel() const { return m_targets; }
    DashboardPage* dashboard() const { return m_page; }
    RedFlagPanel* redFlags() const { return m_flags; }
    RecommendationList* recommendations() const { return m_recs; }
    LogView* logView() const { return m_log; }
    ChartViewport* viewport() const { return m_viewport; }
    StatusPanel* statusPanel() const { return m_status; }
    void selectTarget(int row);
    void refreshNow(); // one tick of the refresh timer, forced
    TrayController* tray() const { return m_tray; }
    AlertNotifier* notifier() const { return m_notifier; }
    TargetSidebar* sidebar() const { return m_sidebar; }
    AlertGate* alertGate() const { return m_gate; }

    // The fleet overview: the home page once two targets or more are watched (Escape returns to it).
    FleetOverview* overview() const { return m_overview; }
    bool overviewShown() const;
    void showOverview();
    // Opens a target's page from the overview (a click, Enter).
    void openFromOverview(const QString& key);
    // View > Wall (F11): the overview full screen in large type, without docks, menus or bars.
    void setWallMode(bool on);
    bool wallMode() const { return m_wall; }
    QAction* wallAction() const { return m_wallAction; }

    // File > Quit and the tray's Quit: ends heapwatch even when closing the window would only hide it.
    void quitApplication();
    // Closing the window hides it to the tray (setting on, a tray icon shown) instead of quitting.
    bool closeHidesToTray() const;

Q_SIGNALS:
    // The window was closed into the tray; firstTime: the one-time "still running" message was shown.
    void hiddenToTray(bool firstTime);
    // An alert went to the desktop and the webhook, or was held back by a snooze or quiet hours.
    void alertDelivered(const heapwatch::Alert& alert);
    void alertHeld(const heapwatch::Alert& alert);

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void buildActions();
    void buildDocks();
    bool addEntry(const TargetConfig& entry, bool select, bool keepOnError, QString* error = nullptr);
    Target* createTarget(const TargetConfig& entry, QString* error);
    void startTarget(Target* target, const TargetConfig& entry);
    void disposeTarget(Target* target);
    void onCurrentChanged(int row);
    void onTick();
    void onAlert(const Alert& alert);
    void addTargetDialog();
    void editTarget(int row);
    void removeTarget(int row);
    void reconnectTarget(int row);
    void snoozeTarget(int row, std::optional<SnoozeKind> kind); // std::nullopt: unsnooze
    void showAlertHold(); // the current target's snooze, under the header's verdict
    void editThresholds();
    void takeHeapSnapshot(int row); // Target > Heap snapshot…
    void openLogDialog();
    void exportChartPng();
    void exportCsv();
    void exportReport();
    void showSettings();
    void applySettings();
    void saveSession();
    void setRange(int range);
    void showPage();
    void updateOverviewAction();

    TargetListModel* m_targets;
    TargetSidebar* m_sidebar = nullptr;
    ChartViewport* m_viewport;
    DashboardPage* m_page;
    QScrollArea* m_pageScroll; // m_page's: it scrolls where the window is smaller than it needs
    bool m_docksPlaced = false; // restored from the settings, or sized when the window was first shown
    FleetOverview* m_overview;
    QStackedWidget* m_home;
    QAction* m_overviewAction = nullptr;
    QAction* m_wallAction = nullptr;
    bool m_wall = false;
    QByteArray m_stateBeforeWall; // docks and bars, restored when the wall mode ends
    bool m_maximizedBeforeWall = false;
    // The current target's docks (red flags, recommendations, log) give the overview their room while it
    // shows; shown again with the target's page.
    QList<QDockWidget*> m_hiddenForOverview;
    RedFlagPanel* m_flags = nullptr;
    RecommendationList* m_recs = nullptr;
    LogView* m_log = nullptr;
    StatusPanel* m_status = nullptr;
    AlertNotifier* m_notifier;
    WebhookSender* m_webhook;
    TrayController* m_tray;
    TargetLauncher* m_launcher;
    AppSettings m_settings;
    AlertGate* m_gate = nullptr; // snoozes and quiet hours
    QTimer m_tick;
    QElapsedTimer m_clock; // monotonic time for rate limits
    Level m_windowIconLevel = Level::Unknown; // the level the window's icon shows
    bool m_windowIconSet = false;
    quint64 m_ticks = 0;
    const Target* m_panelsTarget = nullptr; // the target and level the text panels showed at their last refresh
    Level m_panelsLevel = Level::Unknown;
    QPointer<Target> m_current;
    QString m_currentKey;
    QActionGroup* m_rangeGroup = nullptr;
    QAction* m_liveAction = nullptr;
    QList<QDockWidget*> m_docks;
    bool m_restoring = false;
    bool m_quitting = false;
};

} // namespace heapwatch
