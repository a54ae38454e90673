#include "MainWindow.h"

#include "AlertGate.h"
#include "AlertNotifier.h"
#include "ChartGrid.h"
#include "ChartViewport.h"
#include "DashboardPage.h"
#include "ExportActions.h"
#include "FleetOverview.h"
#include "Format.h"
#include "HistoryRecorder.h"
#include "HistoryStore.h"
#include "LevelStyle.h"
#include "LogView.h"
#include "MemoryRelease.h"
#include "RecommendationList.h"
#include "RecommendationModel.h"
#include "RedFlagPanel.h"
#include "SessionStore.h"
#include "SnapshotDialog.h"
#include "SnoozeMenu.h"
#include "StatusPanel.h"
#include "SummaryHeader.h"
#include "Target.h"
#include "TargetDialog.h"
#include "TargetLauncher.h"
#include "TargetListModel.h"
#include "TargetSidebar.h"
#include "TargetSpec.h"
#include "ThresholdsDialog.h"
#include "TrayController.h"
#include "WebhookSender.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDockWidget>
#include <QFileDialog>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QWindow>

namespace heapwatch {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_targets(new TargetListModel(this))
    , m_viewport(new ChartViewport(this))
    , m_page(new DashboardPage(m_viewport, this))
    , m_pageScroll(new QScrollArea(this))
    , m_overview(new FleetOverview(m_targets, this))
    , m_home(new QStackedWidget(this))
    , m_notifier(new AlertNotifier(this))
    , m_webhook(new WebhookSender(this))
    , m_tray(new TrayController(this))
    , m_launcher(new TargetLauncher(this, this))
    , m_settings(AppSettings::load())
{
    tuneAllocator(); // before any target's history arrives
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("heapwatch"));
    // The dashboard scrolls where the window is smaller than its header and charts need (a laptop's 1366x768 with
    // the docks open), so that the window can be made as small as its docks allow and fit such a screen.
    m_pageScroll->setWidget(m_page);
    m_pageScroll->setWidgetResizable(true);
    m_pageScroll->setFrameShape(QFrame::NoFrame);
    m_home->addWidget(m_pageScroll);
    m_home->addWidget(m_overview);
    m_home->setCurrentWidget(m_pageScroll);
    setCentralWidget(m_home);
    connect(m_overview, &FleetOverview::openRequested, this, &MainWindow::openFromOverview);
    m_gate = new AlertGate(m_targets, this);
    connect(m_gate, &AlertGate::held, this, &MainWindow::alertHeld);
    connect(m_gate, &AlertGate::delivered, this, &MainWindow::alertDelivered);
    m_status = new StatusPanel(statusBar());
    // The first window fits the screen it opens on, a 1366x768 laptop's too (later runs restore the last one): not
    // every window manager keeps a window larger than the screen within it.
    const QRect available = screen()->availableGeometry();
    resize(QSize(1600, 1000).boundedTo(QSize(available.width() * 98 / 100, available.height() * 92 / 100)));
    move(available.center() - rect().center());
    buildDocks();
    buildActions();

    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    m_docksPlaced = restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    setRange(SessionStore::range(ChartViewport::Hour1));

    connect(m_notifier, &AlertNotifier::alert, this, &MainWindow::onAlert);
    connect(m_tray, &TrayController::showWindowRequested, this, [this] {
        showNormal();
        raise();
        activateWindow();
    });
    connect(m_tray, &TrayController::quitRequested, this, &MainWindow::quitApplication);
    applySettings();

    // One timer drives every view: targets only mark themselves changed, views read at most once a second.
    m_clock.start();
    m_tick.setInterval(1000);
    m_tick.setTimerType(Qt::CoarseTimer);
    connect(&m_tick, &QTimer::timeout, this, &MainWindow::onTick);
    m_tick.start();
    onCurrentChanged(-1);
}

MainWindow::~MainWindow()
{
    m_tick.stop();
    for (int row = m_targets->rowCount() - 1; row >= 0; --row) {
        if (Target* t = m_targets->targetAt(row))
            disposeTarget(t);
    }
}

void MainWindow::buildDocks()
{
    m_sidebar = new TargetSidebar(m_targets, this);
    m_flags = new RedFlagPanel(this);
    m_recs = new RecommendationList(this);
    m_log = new LogView(this);
    auto dock = [this](QWidget* w, const QString& title, const QString& name, Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(name); // saveState() needs it
        d->setWidget(w);
        d->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable
                       | QDockWidget::DockWidgetClosable);
        addDockWidget(area, d);
        m_docks << d;
        return d;
    };
    dock(m_sidebar, tr("Targets"), QStringLiteral("targetsDock"), Qt::LeftDockWidgetArea);
    dock(m_recs, tr("Recommendations"), QStringLiteral("recommendationsDock"), Qt::RightDockWidgetArea);
    QDockWidget* flags = dock(m_flags, tr("Red flags"), QStringLiteral("redFlagsDock"), Qt::BottomDockWidgetArea);
    QDockWidget* log
        = dock(m_log, tr("Log: warnings, errors, overflows"), QStringLiteral("logDock"), Qt::BottomDockWidgetArea);
    // The red-flag table needs width (seven columns), the log needs width: side by side under the charts.
    splitDockWidget(flags, log, Qt::Horizontal);
    setCorner(Qt::BottomRightCorner, Qt::BottomDockWidgetArea);
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);

    connect(m_sidebar, &TargetSidebar::currentRowChanged, this, &MainWindow::onCurrentChanged);
    // A click on the sidebar's current target leaves the overview for its page too.
    connect(m_sidebar->view(), &QListView::clicked, this, [this] { showPage(); });
    connect(m_sidebar, &TargetSidebar::addRequested, this, &MainWindow::addTargetDialog);
    connect(m_sidebar, &TargetSidebar::editRequested, this, &MainWindow::editTarget);
    connect(m_sidebar, &TargetSidebar::removeRequested, this, &MainWindow::removeTarget);
    connect(m_sidebar, &TargetSidebar::reconnectRequested, this, &MainWindow::reconnectTarget);
    connect(m_sidebar, &TargetSidebar::snoozeRequested, this,
            [this](int row, SnoozeKind kind) { snoozeTarget(row, kind); });
    connect(m_sidebar, &TargetSidebar::unsnoozeRequested, this, [this](int row) { snoozeTarget(row, std::nullopt); });
    connect(m_recs->model(), &RecommendationModel::acknowledgedChanged, this, [this](const QSet<QString>& keys) {
        if (m_currentKey.isEmpty())
            return;
        // An acknowledgement of a recorded target is part of its history.
        HistoryStore* store = historyStore();
        if (store && m_current && m_current->recorder()) {
            const QSet<QString> before = SessionStore::acknowledged(m_currentKey);
            for (const QString& key : keys) {
                if (before.contains(key))
                    continue;
                StoredEvent e;
                e.targetKey = m_currentKey;
                e.atMs = QDateTime::currentMSecsSinceEpoch();
                e.kind = HistoryEventKind::RecommendationAcknowledged;
                e.detail = {{QStringLiteral("id"), key.section(QLatin1Char(':'), 0, 0)},
                            {QStringLiteral("level"), key.section(QLatin1Char(':'), 1)}};
                store->addEvent(e);
            }
        }
        SessionStore::setAcknowledged(m_currentKey, keys);
    });
}

void MainWindow::buildActions()
{
    auto action = [this](const QString& text, const QKeySequence& key, auto slot) {
        auto* a = new QAction(text, this);
        if (!key.isEmpty())
            a->setShortcut(key);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* demo = action(tr("Open &demo host"), QKeySequence(tr("Ctrl+D")), &MainWindow::openDemo);
    QAction* openLogAction = action(tr("&Open log…"), QKeySequence::Open, &MainWindow::openLogDialog);
    file->addAction(demo);
    file->addAction(openLogAction);
    file->addSeparator();
    QAction* png = action(tr("Export charts as &PNG…"), QKeySequence(tr("Ctrl+Shift+P")), &MainWindow::exportChartPng);
    QAction* csv = action(tr("Export samples as &CSV…"), QKeySequence(tr("Ctrl+Shift+C")), &MainWindow::exportCsv);
    QAction* report = action(tr("Export incident &report…"), QKeySequence(tr("Ctrl+E")), &MainWindow::exportReport);
    file->addActions({png, csv, report});
    file->addSeparator();
    file->addAction(action(tr("&Settings…"), QKeySequence(tr("Ctrl+,")), &MainWindow::showSettings));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &MainWindow::quitApplication);
    quit->setObjectName(QStringLiteral("quitAction"));
    quit->setShortcut(QKeySequence::Quit);

    QMenu* target = menuBar()->addMenu(tr("&Target"));
    QAction* add = action(tr("&Add target…"), QKeySequence::New, &MainWindow::addTargetDialog);
    QAction* reconnect
        = action(tr("&Reconnect"), QKeySequence(Qt::Key_F5), [this] { reconnectTarget(m_sidebar->currentRow()); });
    target->addAction(add);
    target->addAction(
        action(tr("&Edit target…"), QKeySequence(tr("Ctrl+Shift+E")), [this] { editTarget(m_sidebar->currentRow()); }));
    target->addAction(reconnect);
    target->addAction(
        action(tr("Re&move target"), QKeySequence(tr("Ctrl+Del")), [this] { removeTarget(m_sidebar->currentRow()); }));
    target->addSeparator();
    QMenu* snooze = target->addMenu(tr("&Snooze alerts"));
    snooze->setObjectName(QStringLiteral("snoozeMenu"));
    connect(snooze, &QMenu::aboutToShow, this, [this, snooze] {
        snooze->clear();
        const int row = m_sidebar->currentRow();
        const QModelIndex index = m_targets->index(row);
        snoozemenu::fill(snooze, index.data(TargetListModel::SnoozeRole).toString(),
                         Level(index.data(TargetListModel::LevelRole).toInt()),
                         [this, row](std::optional<SnoozeKind> kind) { snoozeTarget(row, kind); });
        for (QAction* a : snooze->actions())
            a->setEnabled(a->isEnabled() && row >= 0);
    });
    target->addSeparator();
    target->addAction(action(tr("&Thresholds…"), QKeySequence(tr("Ctrl+T")), &MainWindow::editThresholds));
    QAction* snapshot = action(tr("&Heap snapshot…"), QKeySequence(tr("Ctrl+Shift+H")),
                               [this] { takeHeapSnapshot(m_sidebar->currentRow()); });
    snapshot->setObjectName(QStringLiteral("heapSnapshotAction"));
    target->addAction(snapshot);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    // Also on the window itself: their shortcuts must work while the wall mode hides the menu bar.
    m_overviewAction = action(tr("Fleet &overview"), QKeySequence(Qt::Key_Escape), &MainWindow::showOverview);
    m_overviewAction->setObjectName(QStringLiteral("overviewAction"));
    m_overviewAction->setToolTip(tr("Every target on one page, the most urgent first (Esc)"));
    m_wallAction = new QAction(tr("&Wall"), this);
    m_wallAction->setObjectName(QStringLiteral("wallAction"));
    m_wallAction->setCheckable(true);
    m_wallAction->setShortcut(QKeySequence(Qt::Key_F11));
    m_wallAction->setToolTip(tr("The overview full screen in large type, for a wall display (F11)"));
    connect(m_wallAction, &QAction::toggled, this, &MainWindow::setWallMode);
    view->addAction(m_overviewAction);
    view->addAction(m_wallAction);
    view->addSeparator();
    addAction(m_overviewAction);
    addAction(m_wallAction);
    connect(m_targets, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateOverviewAction);
    connect(m_targets, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateOverviewAction);
    updateOverviewAction();
    m_rangeGroup = new QActionGroup(this);
    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addAction(add);
    bar->addAction(openLogAction);
    bar->addAction(reconnect);
    bar->addSeparator();
    for (int r = 0; r < ChartViewport::kRangeCount; ++r) {
        auto* a = new QAction(ChartViewport::rangeLabel(ChartViewport::Range(r)), m_rangeGroup);
        a->setCheckable(true);
        a->setData(r);
        a->setShortcut(QKeySequence(QStringLiteral("Ctrl+%1").arg(r + 1)));
        a->setToolTip(tr("Show the last %1 (Ctrl+%2)").arg(a->text()).arg(r + 1));
        connect(a, &QAction::triggered, this, [this, r] { setRange(r); });
        view->addAction(a);
        bar->addAction(a);
    }
    m_liveAction = new QAction(tr("● Live"), this);
    m_liveAction->setCheckable(true);
    m_liveAction->setShortcut(QKeySequence(tr("Ctrl+L")));
    m_liveAction->setToolTip(tr("Follow the newest data (Ctrl+L); wheel zooms, drag pans, double-click returns here"));
    connect(m_liveAction, &QAction::triggered, this, [this] {
        m_viewport->followLive();
        m_liveAction->setChecked(true);
    });
    connect(m_viewport, &ChartViewport::changed, this, [this] {
        m_liveAction->setChecked(m_viewport->isFollowing());
        if (QAction* a = m_rangeGroup->actions().value(int(m_viewport->range())))
            a->setChecked(true);
    });
    view->addAction(m_liveAction);
    bar->addAction(m_liveAction);
    bar->addSeparator();
    bar->addAction(report);
    view->addSeparator();
    view->addAction(action(tr("&Search the log"), QKeySequence::Find, [this] {
        m_log->parentWidget()->show();
        m_log->focusSearch();
    }));
    view->addSeparator();
    for (QDockWidget* d : std::as_const(m_docks))
        view->addAction(d->toggleViewAction());

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard shortcuts"), this, [this] {
        QMessageBox::information(this, tr("Keyboard shortcuts"),
                                 tr("Ctrl+N add target · Ctrl+O open log · Ctrl+D demo host · F5 reconnect\n"
                                    "Esc fleet overview (Enter or a click opens a target) · F11 wall mode\n"
                                    "Ctrl+1…5 ranges 15 min, 1 h, 6 h, 24 h, 7 d · Ctrl+L follow live\n"
                                    "Ctrl+F search the log · Ctrl+T thresholds · Ctrl+E incident report\n"
                                    "Ctrl+Shift+P charts as PNG · Ctrl+Shift+C samples as CSV · Ctrl+, settings\n\n"
                                    "Charts: wheel zooms, drag pans, double-click returns to live,\n"
                                    "a click on a legend entry hides or shows its series."));
    });
    help->addAction(tr("&About heapwatch"), this, [this] {
        QMessageBox::about(
            this, tr("About heapwatch"),
            tr("heapwatch %1\nLive memory console for Node.js containers.").arg(QStringLiteral(HEAPWATCH_VERSION)));
    });
}

void MainWindow::setHistoryStore(HistoryStore* store, const QString& error)
{
    m_launcher->setHistoryStore(store);
    if (!error.isEmpty())
        statusBar()->showMessage(tr("History is not kept on disk: %1").arg(error));
    if (store) {
        connect(store, &HistoryStore::writeFailed, this, [this](const QString& message) {
            qWarning("heapwatch: history store: %s", qPrintable(message));
            statusBar()->showMessage(tr("History store: %1").arg(message), 15000);
        });
    }
}

HistoryStore* MainWindow::historyStore() const
{
    return m_launcher->historyStore();
}

Target* MainWindow::currentTarget() const
{
    return m_current.data();
}

void MainWindow::selectTarget(int row)
{
    m_sidebar->setCurrentRow(row);
    if (m_targets->targetAt(row))
        showPage(); // selecting a target opens its page, even the one already selected behind the overview
}

Target* MainWindow::createTarget(const TargetConfig& entry, QString* error)
{
    return m_launcher->create(entry, this, error);
}

void MainWindow::startTarget(Target* target, const TargetConfig& entry)
{
    m_launcher->start(target, entry);
}

void MainWindow::disposeTarget(Target* target)
{
    if (const TargetConfig* entry = m_targets->entryAt(m_targets->indexOf(target)))
        m_notifier->forget(entry->key());
    m_launcher->dispose(target);
}

bool MainWindow::addEntry(const TargetConfig& entry, bool select, bool keepOnError, QString* errorOut)
{
    const int existing = m_targets->indexOf(entry.key());
    if (existing >= 0) {
        if (select)
            selectTarget(existing);
        return m_targets->targetAt(existing) != nullptr;
    }
    QString error;
    Target* target = createTarget(entry, &error);
    if (!target && !keepOnError) {
        statusBar()->showMessage(error, 15000);
        if (errorOut)
            *errorOut = error;
        return false;
    }
    const int row = m_targets->addTarget(entry, target, error);
    if (target)
        startTarget(target, entry);
    if (select || m_targets->rowCount() == 1)
        selectTarget(row);
    if (!m_restoring)
        saveSession();
    return target != nullptr;
}

bool MainWindow::addSourceTarget(const TargetConfig& entry, std::unique_ptr<Source> source, bool recordHistory)
{
    if (!source || m_targets->indexOf(entry.key()) >= 0)
        return false;
    auto* target
        = new Target(std::move(source), SessionStore::thresholds(entry.key()).value_or(Thresholds::defaults()), this);
    const int row = m_targets->addTarget(entry, target);
    HistoryStore* store = historyStore();
    if (recordHistory && store && store->isOpen())
        target->recordHistory(store, entry.key(), entry.displayName());
    target->start();
    if (m_targets->rowCount() == 1)
        selectTarget(row);
    else if (m_targets->rowCount() == 2)
        showOverview();
    return true;
}

bool MainWindow::openTarget(const TargetConfig& config)
{
    QString error;
    if (config.kind == TargetConfig::Kind::Remote && !TargetSpec::parse(config.location, &error)) {
        statusBar()->showMessage(tr("Not a target: %1 (%2)").arg(config.location, error), 15000);
        return false;
    }
    return addEntry(config, true, false);
}

void MainWindow::openDemo()
{
    openTarget(TargetConfig::demo());
}

bool MainWindow::openLog(const QString& logPath, const QString& statsPath)
{
    return openTarget(TargetConfig::replay(logPath, statsPath));
}

bool MainWindow::openRemote(const QString& target)
{
    return openTarget(TargetConfig::remote(target));
}

void MainWindow::restoreSession()
{
    m_restoring = true;
    const QString current = SessionStore::currentKey();
    for (const TargetConfig& e : SessionStore::targets())
        addEntry(e, false, true); // a target that cannot open now stays listed, with its error, to edit or remove
    m_restoring = false;
    const int row = m_targets->indexOf(current);
    if (row >= 0)
        selectTarget(row);
    saveSession();
    // Two targets or more: the console opens on the overview.
    showOverview();
}

void MainWindow::onCurrentChanged(int row)
{
    Target* target = m_targets->targetAt(row);
    const TargetConfig* entry = m_targets->entryAt(row);
    m_current = target;
    m_currentKey = entry ? entry->key() : QString();
    m_recs->model()->setAcknowledged(entry ? SessionStore::acknowledged(m_currentKey) : QSet<QString>());
    m_page->setTarget(target);
    setWindowTitle(entry ? QStringLiteral("%1 — heapwatch").arg(entry->displayName()) : QStringLiteral("heapwatch"));
    if (!target && entry && !m_targets->errorAt(row).isEmpty())
        statusBar()->showMessage(m_targets->errorAt(row), 15000);
    if (!m_restoring && entry)
        SessionStore::setCurrentKey(m_currentKey);
    if (!m_restoring && target)
        showPage();
    else if (m_targets->rowCount() < 2)
        showPage();
    refreshNow();
}

bool MainWindow::overviewShown() const
{
    return m_home->currentWidget() == m_overview;
}

void MainWindow::showOverview()
{
    if (m_targets->rowCount() < 2 && !m_wall)
        return;
    if (!overviewShown()) {
        for (QDockWidget* d : std::as_const(m_docks)) {
            if (d != m_docks.constFirst() && !d->isHidden()) { // the targets stay: they are the way around
                d->hide();
                if (!m_hiddenForOverview.contains(d))
                    m_hiddenForOverview << d;
            }
        }
        m_home->setCurrentWidget(m_overview);
        m_overview->selectKey(m_currentKey);
    }
    m_overview->view()->setFocus();
    setWindowTitle(QStringLiteral("%1 — heapwatch").arg(tr("Fleet overview")));
}

void MainWindow::showPage()
{
    if (!overviewShown())
        return;
    m_home->setCurrentWidget(m_pageScroll);
    if (!m_wall) {
        for (QDockWidget* d : std::as_const(m_hiddenForOverview))
            d->show();
        m_hiddenForOverview.clear();
    }
    const TargetConfig* entry = m_targets->entryAt(m_sidebar->currentRow());
    setWindowTitle(entry ? QStringLiteral("%1 — heapwatch").arg(entry->displayName()) : QStringLiteral("heapwatch"));
}

void MainWindow::openFromOverview(const QString& key)
{
    const int row = m_targets->indexOf(key);
    if (row < 0)
        return;
    if (row == m_sidebar->currentRow())
        onCurrentChanged(row); // already the sidebar's: the page is there, behind the overview
    else
        selectTarget(row);
    showPage();
    m_page->setFocus();
}

void MainWindow::updateOverviewAction()
{
    m_overviewAction->setEnabled(m_targets->rowCount() >= 2 || m_wall);
    if (m_targets->rowCount() < 2 && !m_wall)
        showPage();
}

void MainWindow::setWallMode(bool on)
{
    if (on == m_wall)
        return;
    m_wall = on;
    m_wallAction->setChecked(on);
    if (on) {
        m_stateBeforeWall = saveState();
        m_maximizedBeforeWall = isMaximized();
        for (QDockWidget* d : std::as_const(m_docks))
            d->hide();
        for (QToolBar* bar : findChildren<QToolBar*>())
            bar->hide();
        menuBar()->hide();
        statusBar()->hide();
        m_overview->setWallMode(true);
        updateOverviewAction();
        showOverview();
        showFullScreen();
    } else {
        m_overview->setWallMode(false);
        restoreState(m_stateBeforeWall);
        if (!overviewShown()) { // left on a target's page: its docks come back with it
            for (QDockWidget* d : std::as_const(m_hiddenForOverview))
                d->show();
            m_hiddenForOverview.clear();
        }
        menuBar()->show();
        statusBar()->show();
        if (m_maximizedBeforeWall)
            showMaximized();
        else
            showNormal();
        updateOverviewAction();
    }
}

void MainWindow::refreshNow()
{
    Target* t = m_current.data();
    m_targets->refresh();
    m_page->refresh(true);
    showAlertHold();
    m_flags->refresh(t);
    m_recs->refresh(t);
    m_log->refresh(t);
    m_status->refresh(t);
}

void MainWindow::showAlertHold()
{
    const QString snoozed = m_currentKey.isEmpty() ? QString() : m_gate->snoozeText(m_currentKey);
    m_page->header()->setAlertHold(snoozed.isEmpty() ? QString() : tr("Alerts %1").arg(snoozed));
}

void MainWindow::onTick()
{
    // The charts redraw when a pixel column's data changed (ChartGrid), checked every second. Everything else
    // follows every other second: judging every target for alerts and the tray, the sidebar and the text
    // panels, whose figures move with every sample (relaying out and repainting them each second was most of
    // an idle console's work). A new level of the target shown, or another target, shows at once.
    Target* current = m_current.data();
    const bool shown = !isMinimized() && isVisible() && (!windowHandle() || windowHandle()->isExposed());
    const Level currentLevel = current && shown ? current->assessment().overall : Level::Unknown;
    const bool full = ++m_ticks % 2 == 0 || current != m_panelsTarget || currentLevel != m_panelsLevel;
    if (full) {
        m_panelsTarget = current;
        m_panelsLevel = currentLevel;
        m_gate->observe();
        m_targets->refresh();
        const qint64 wall = QDateTime::currentMSecsSinceEpoch();
        for (int row = 0; row < m_targets->rowCount(); ++row) {
            Target* t = m_targets->targetAt(row);
            // History read on connect is not news: alerts start once the backfill is in.
            if (t && t->backfillDone())
                m_notifier->observe(m_targets->entryAt(row)->key(), m_targets->entryAt(row)->displayName(),
                                    t->assessment(), wall, m_clock.elapsed());
        }
        const Level worst = m_targets->worstLevel();
        const QString held = m_gate->holdText();
        m_tray->setLevel(worst,
                         tr("heapwatch — %1").arg(levelTitle(worst))
                             + (held.isEmpty() ? QString() : QStringLiteral("\n") + held));
        // setWindowIcon() sends a WindowIconChange to every widget of the window and hands the icon to the
        // window system again: only when the level changed.
        if (!m_windowIconSet || worst != m_windowIconLevel) {
            m_windowIconSet = true;
            m_windowIconLevel = worst;
            setWindowIcon(LevelStyle::trayIcon(worst));
        }
    }

    // A minimised or hidden window draws nothing: left running for weeks it should cost next to nothing.
    // A window that is fully covered is not exposed (on the platforms that say so): no paint reaches it.
    if (!shown)
        return;
    if (full)
        m_overview->refresh(); // only while shown
    m_page->refresh(false, full);
    if (!full)
        return;
    showAlertHold();
    m_flags->refresh(current);
    m_recs->refresh(current);
    m_log->refresh(current);
    m_status->refresh(current);
}

void MainWindow::onAlert(const Alert& alert)
{
    if (!m_gate->admit(alert))
        return;
    if (m_settings.notifications && !m_tray->notify(alert))
        statusBar()->showMessage(alert.text(), 30000);
    m_webhook->send(alert, m_clock.elapsed());
}

void MainWindow::snoozeTarget(int row, std::optional<SnoozeKind> kind)
{
    if (const TargetConfig* entry = m_targets->entryAt(row))
        statusBar()->showMessage(m_gate->snooze(entry->key(), entry->displayName(), kind), 10000);
}

void MainWindow::addTargetDialog()
{
    TargetDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    QString error;
    if (!addEntry(dialog.entry(), true, false, &error))
        QMessageBox::warning(this, tr("Cannot open target"), error);
}

void MainWindow::takeHeapSnapshot(int row)
{
    const TargetConfig* entry = m_targets->entryAt(row);
    if (!entry)
        return;
    if (entry->kind != TargetConfig::Kind::Remote) {
        QMessageBox::information(this, tr("Heap snapshot"),
                                 tr("A heap snapshot needs a live container: the demo and saved logs have no "
                                    "process to take it from."));
        return;
    }
    auto* dialog = new SnapshotDialog(*entry, m_targets->targetAt(row), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::editTarget(int row)
{
    const TargetConfig* entry = m_targets->entryAt(row);
    if (!entry)
        return;
    if (entry->kind != TargetConfig::Kind::Remote) {
        editThresholds(); // a demo or a saved log has nothing to edit but its thresholds
        return;
    }
    TargetDialog dialog(this);
    dialog.setEntry(*entry);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const TargetConfig updated = dialog.entry();
    if (Target* old = m_targets->targetAt(row))
        disposeTarget(old);
    m_launcher->cancelPrompts(entry->key());
    QString error;
    Target* target = createTarget(updated, &error);
    m_targets->replaceTarget(row, updated, target, error);
    if (target)
        startTarget(target, updated);
    onCurrentChanged(m_sidebar->currentRow());
    saveSession();
}

void MainWindow::removeTarget(int row)
{
    const TargetConfig* entry = m_targets->entryAt(row);
    if (!entry)
        return;
    const QString key = entry->key();
    m_launcher->forget(key);
    if (Target* t = m_targets->targetAt(row))
        disposeTarget(t);
    m_targets->removeTarget(row);
    SessionStore::clearThresholds(key);
    SessionStore::setAcknowledged(key, {});
    m_gate->forget(key);
    onCurrentChanged(m_sidebar->currentRow());
    saveSession();
}

void MainWindow::reconnectTarget(int row)
{
    const TargetConfig* entry = m_targets->entryAt(row);
    if (!entry)
        return;
    const TargetConfig copy = *entry;
    if (Target* old = m_targets->targetAt(row))
        disposeTarget(old);
    QString error;
    Target* target = createTarget(copy, &error);
    m_targets->replaceTarget(row, copy, target, error);
    if (target)
        startTarget(target, copy);
    if (row == m_sidebar->currentRow())
        onCurrentChanged(row);
    statusBar()->showMessage(target ? tr("Reconnecting %1").arg(copy.displayName()) : error, 8000);
}

void MainWindow::editThresholds()
{
    Target* t = m_current.data();
    if (!t)
        return;
    ThresholdsDialog dialog(t->name(), t->thresholds(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    t->setThresholds(dialog.thresholds());
    SessionStore::setThresholds(m_currentKey, dialog.thresholds());
    refreshNow();
}

void MainWindow::openLogDialog()
{
    // A saved `docker logs --timestamps`, or the engine's own log file of a container (json-file, k8s-file).
    const QString log = QFileDialog::getOpenFileName(this, tr("Open a saved container log"), QString(),
                                                     tr("Logs (*.log *.txt);;All files (*)"));
    if (log.isEmpty())
        return;
    const QString stats = QMessageBox::question(this, tr("Stats file"),
                                                tr("Add a saved `docker stats` output for the container charts?"))
            == QMessageBox::Yes
        ? QFileDialog::getOpenFileName(this, tr("Open a saved `docker stats` output"))
        : QString();
    if (!openLog(log, stats))
        QMessageBox::warning(this, tr("Cannot open log"), statusBar()->currentMessage());
}

void MainWindow::exportChartPng()
{
    if (Target* t = m_current.data())
        ExportActions::chartsPng(this, m_page, *t);
}

void MainWindow::exportCsv()
{
    if (Target* t = m_current.data()) {
        const auto [t0, t1] = m_viewport->window(t->now());
        ExportActions::samplesCsv(this, *t, t0, t1);
    }
}

void MainWindow::exportReport()
{
    if (Target* t = m_current.data()) {
        const auto [t0, t1] = m_viewport->window(t->now());
        ExportActions::incidentReport(this, *t, t0, t1);
    }
}

void MainWindow::showSettings()
{
    SettingsDialog dialog(m_settings, this, historyStore());
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_settings = dialog.settings();
    m_settings.save();
    applySettings();
    if (HistoryStore* store = historyStore())
        store->setRetention(m_settings.historyFullDays * HistoryOptions::kDay,
                            m_settings.historyRollupDays * HistoryOptions::kDay, QDateTime::currentMSecsSinceEpoch());
}

void MainWindow::applySettings()
{
    m_notifier->setMinIntervalMs(qint64(m_settings.notificationMinutes) * 60 * 1000);
    m_webhook->setUrl(m_settings.webhookUrl);
    m_webhook->setMaxPerMinute(m_settings.webhookPerMinute);
    m_tray->setEnabled(m_settings.trayIcon);
    m_gate->setQuietHours(m_settings.quietHours);
}

void MainWindow::setRange(int range)
{
    range = std::clamp(range, 0, ChartViewport::kRangeCount - 1);
    m_viewport->setRange(ChartViewport::Range(range));
    if (QAction* a = m_rangeGroup->actions().value(range))
        a->setChecked(true);
    m_liveAction->setChecked(true);
    SessionStore::setRange(range);
}

void MainWindow::saveSession()
{
    SessionStore::setTargets(m_targets->entries());
    if (!m_currentKey.isEmpty())
        SessionStore::setCurrentKey(m_currentKey);
}

bool MainWindow::closeHidesToTray() const
{
    return !m_quitting && m_settings.keepRunningInTray && m_tray->canHideWindow();
}

void MainWindow::quitApplication()
{
    m_quitting = true;
    close(); // saves the window and the session, and is accepted now
    QCoreApplication::quit();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    setWallMode(false); // the docks and bars as the user left them are what is saved
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    for (QDockWidget* d : std::as_const(m_hiddenForOverview))
        d->show();
    settings.setValue(QStringLiteral("window/state"), saveState());
    for (QDockWidget* d : std::as_const(m_hiddenForOverview))
        d->hide();
    saveSession();
    if (!closeHidesToTray()) {
        QMainWindow::closeEvent(event);
        return;
    }
    // Keep watching from the tray. A dialog closed while the window is hidden (an SSH prompt) must not
    // count as the last window closing: quitting is explicit until the window is shown again.
    event->ignore();
    QGuiApplication::setQuitOnLastWindowClosed(false);
    hide();
    const QString hintKey = QStringLiteral("window/trayHintShown");
    const bool firstTime = !settings.value(hintKey, false).toBool();
    if (firstTime) {
        m_tray->showInfo(tr("heapwatch is still running"),
                         tr("It keeps watching your targets from the tray. Quit with File > Quit (Ctrl+Q) or from the "
                            "tray menu; File > Settings turns this off."));
        settings.setValue(hintKey, true);
    }
    Q_EMIT hiddenToTray(firstTime);
}

void MainWindow::showEvent(QShowEvent* event)
{
    QGuiApplication::setQuitOnLastWindowClosed(true);
    if (!m_docksPlaced) {
        // A first run (no saved state): the docks take their share of the window as it is shown, which fits its
        // screen; on a small screen the charts keep most of it.
        m_docksPlaced = true;
        // In buildDocks()' order: targets, recommendations, red flags, log.
        QDockWidget* targets = m_docks.at(0);
        QDockWidget* recs = m_docks.at(1);
        QDockWidget* flags = m_docks.at(2);
        QDockWidget* log = m_docks.at(3);
        resizeDocks({targets}, {175}, Qt::Horizontal);
        resizeDocks({recs}, {std::min(330, width() / 5)}, Qt::Horizontal);
        resizeDocks({flags, log}, {700, 680}, Qt::Horizontal);
        // The red-flag table and, under it, a few lines of its timeline.
        resizeDocks({flags}, {std::min(300, height() * 3 / 10)}, Qt::Vertical);
    }
    QMainWindow::showEvent(event);
}

} // namespace heapwatch
