// An ordinary day on a real engine, watched through the console: the real MainWindow (offscreen) on three
// containers of one host over OpenSSH on loopback (sshd's default MaxSessions), driven by podman (stop and
// start, pause, rm -f then run, a restart of the engine) and by a restart of sshd. After each
// step the sidebar must say what the container does (live, "container stopped … ago", "paused", "waiting for
// container …") and, once it runs again, the target must be live with data that arrived after the step.
// The three targets share one pool of connections: no host-key or password question is ever shown, and the
// host gets fewer SSH connections than targets.
//
// Run by console-day.sh (engine-env.sh sets up podman, the containers' root and sshd), which passes:
//   HEAPWATCH_ENGINE_SSH_PORT, HEAPWATCH_ENGINE_KEY, HEAPWATCH_ENGINE_KNOWN_HOSTS: where and how to connect;
//   HEAPWATCH_ENGINE_PODMAN: the podman command prefix (space separated, e.g. "podman --root /tmp/x/storage");
//   HEAPWATCH_ENGINE_ROOTFS: the containers' root directory (node and /app/app.js);
//   HEAPWATCH_ENGINE_SOCKET, HEAPWATCH_ENGINE_PIDFILE: the Docker API socket and the pid of its service;
//   HEAPWATCH_ENGINE_SSHD_CONFIG, _SSHD_PIDFILE, _SSHD_LOG: how to restart sshd;
//   HEAPWATCH_SCREENSHOT: where to keep a PNG of the window in a live state;
//   HEAPWATCH_SCREENSHOT_STATES (optional): a directory for stopped.png, paused.png and waiting.png.
#include "ChartGrid.h"
#include "DashboardPage.h"
#include "GuiPrompter.h"
#include "LevelStyle.h"
#include "MainWindow.h"
#include "SessionStore.h"
#include "StreamHealth.h"
#include "SummaryHeader.h"
#include "Target.h"
#include "TargetLauncher.h"
#include "TargetListModel.h"
#include "TargetSidebar.h"
#include "TimeSeriesChart.h"

#include <QApplication>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QDialog>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QThread>
#include <algorithm>
#include <cmath>
#include <csignal>
#include <sys/types.h>

using namespace heapwatch;

namespace {

const QStringList kNames {QStringLiteral("hw1"), QStringLiteral("hw2"), QStringLiteral("hw3")};
constexpr int kStepTimeoutMs = 60000;
constexpr qint64 kNoticeMs = 10000; // a container stops, pauses or goes: the sidebar says so within this

QString env(const char* name)
{
    return QString::fromLocal8Bit(qgetenv(name));
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// Counts every dialog shown: a host-key or password question would be one.
class DialogWatch : public QObject
{
public:
    int shown = 0;
    QStringList titles;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Show) {
            if (auto* d = qobject_cast<QDialog*>(watched)) {
                ++shown;
                titles << d->windowTitle();
            }
        }
        return false;
    }
};

// SSH connections from this machine to the test sshd (ESTABLISHED, remote port = port) in /proc/net/tcp.
int sshConnections(int port)
{
    QFile f(QStringLiteral("/proc/net/tcp"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QString portHex = QStringLiteral("%1").arg(port, 4, 16, QLatin1Char('0')).toUpper();
    int n = 0;
    for (const QByteArray& line : f.readAll().split('\n')) {
        const QList<QByteArray> cols = line.simplified().split(' ');
        if (cols.size() > 3 && cols[2].endsWith(":" + portHex.toLatin1()) && cols[3] == "01")
            ++n;
    }
    return n;
}

template<typename F> bool waitUntil(F condition, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!condition()) {
        if (deadline.hasExpired())
            return false;
        QTest::qWait(100);
    }
    return true;
}

} // namespace

class TestConsoleDay : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void day();

private:
    int row(const QString& name) const { return m_window->targetModel()->indexOf(key(name)); }
    QString key(const QString& name) const { return m_entries.value(kNames.indexOf(name)).key(); }
    QString sidebarText(const QString& name) const;
    Level level(const QString& name) const;
    const TargetState* state(const QString& name) const;
    // Live: the sidebar says "connected" (no container state, nothing stale) and container stats and the
    // app's Memory lines arrived after sinceMs. Why not, in *why.
    bool liveSince(const QString& name, qint64 sinceMs, QString* why) const;
    void waitLive(const QStringList& names, qint64 sinceMs, const char* step);
    void waitState(const QString& name, const QString& prefix, const char* step);
    bool podman(const QStringList& args, bool mayFail = false);
    void shootState(const QString& name);
    bool runContainer(const QString& name);
    bool restartEngine();
    bool restartSshd();

    std::unique_ptr<MainWindow> m_window;
    QList<TargetConfig> m_entries;
    DialogWatch m_dialogs;
    QStringList m_podman;
    int m_port = 0;
};

void TestConsoleDay::initTestCase()
{
    m_port = env("HEAPWATCH_ENGINE_SSH_PORT").toInt();
    m_podman = env("HEAPWATCH_ENGINE_PODMAN").split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (m_port <= 0 || m_podman.isEmpty())
        QSKIP("run through tests/engine/console-day.sh (it sets up podman, the containers and sshd)");
    QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location, not the user's
    QCoreApplication::setOrganizationName(QStringLiteral("heapwatch-test"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_console_day"));
    QSettings().clear();
    qApp->installEventFilter(&m_dialogs);

    // The operator's saved session: three containers of one host, a key and a known_hosts file.
    std::vector<TargetConfig> entries;
    for (const QString& name : kNames) {
        TargetConfig e = TargetConfig::remote(QStringLiteral("ssh://root@127.0.0.1:%1/%2").arg(m_port).arg(name));
        e.identityFile = env("HEAPWATCH_ENGINE_KEY");
        e.knownHostsFile = env("HEAPWATCH_ENGINE_KNOWN_HOSTS");
        e.engine = QStringLiteral("docker");
        entries.push_back(e);
        m_entries << e;
    }
    // One host, so one pool of connections and one prompter for the three.
    QCOMPARE(TargetLauncher::hostKey(m_entries[0]), TargetLauncher::hostKey(m_entries[1]));
    QCOMPARE(TargetLauncher::hostKey(m_entries[0]), TargetLauncher::hostKey(m_entries[2]));
    SessionStore::setTargets(entries);

    m_window = std::make_unique<MainWindow>();
    m_window->resize(1600, 1000);
    m_window->restoreSession();
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QCOMPARE(m_window->targetModel()->rowCount(), 3);
    // One prompter answers the host's host-key and password questions for the three targets.
    QCOMPARE(m_window->findChildren<GuiPrompter*>().size(), 1);
    for (const QString& name : kNames)
        QVERIFY2(row(name) >= 0 && m_window->targetModel()->targetAt(row(name)), qPrintable(name));
}

void TestConsoleDay::cleanupTestCase()
{
    m_window.reset();
    QSettings().clear();
}

QString TestConsoleDay::sidebarText(const QString& name) const
{
    return m_window->targetModel()->index(row(name)).data(TargetListModel::ConnectionRole).toString();
}

Level TestConsoleDay::level(const QString& name) const
{
    return Level(m_window->targetModel()->index(row(name)).data(TargetListModel::LevelRole).toInt());
}

const TargetState* TestConsoleDay::state(const QString& name) const
{
    const Target* t = m_window->targetModel()->targetAt(row(name));
    return t ? &t->state() : nullptr;
}

bool TestConsoleDay::liveSince(const QString& name, qint64 sinceMs, QString* why) const
{
    const TargetState* st = state(name);
    const QString text = sidebarText(name);
    if (!st || text != QLatin1String("connected")) {
        *why = QStringLiteral("%1: sidebar says \"%2\"").arg(name, text);
        return false;
    }
    if (level(name) == Level::Unknown) {
        *why = QStringLiteral("%1: connected but no verdict badge (judged not live)").arg(name);
        return false;
    }
    const std::optional<StatsSample>& stats = st->lastStats();
    if (!stats || stats->atMs < sinceMs || std::isnan(stats->memUsageBytes)) {
        *why = QStringLiteral("%1: no container stats since the step (latest %2 ms before it)")
                   .arg(name)
                   .arg(stats ? sinceMs - stats->atMs : -1);
        return false;
    }
    if (st->memoryArrivedMs() < sinceMs) {
        *why = QStringLiteral("%1: no Memory line since the step").arg(name);
        return false;
    }
    return true;
}

void TestConsoleDay::waitLive(const QStringList& names, qint64 sinceMs, const char* step)
{
    QElapsedTimer took;
    took.start();
    QString why;
    qint64 toldAtMs = 0;
    const auto allLive = [&] {
        for (const QString& n : names) {
            if (!liveSince(n, sinceMs, &why)) {
                if (took.elapsed() >= toldAtMs + 5000) { // a slow resume says what it waits for
                    toldAtMs = took.elapsed();
                    qInfo("%s: after %.1f s still %s", step, double(toldAtMs) / 1000, qPrintable(why));
                }
                return false;
            }
        }
        return true;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(allLive(), qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(step), why)),
                              kStepTimeoutMs);
    // The header of the first of them shows its current verdict again.
    m_window->selectTarget(row(names.first()));
    m_window->refreshNow();
    QCOMPARE(m_window->dashboard()->header()->level(QStringLiteral("overall")), level(names.first()));
    qInfo("ok: %s: %s live after %.1f s (%d SSH connections)", step, qPrintable(names.join(QLatin1Char(' '))),
          double(took.elapsed()) / 1000, sshConnections(m_port));
}

void TestConsoleDay::waitState(const QString& name, const QString& prefix, const char* step)
{
    QElapsedTimer took;
    took.start();
    QTRY_VERIFY2_WITH_TIMEOUT(sidebarText(name).startsWith(prefix),
                              qPrintable(QStringLiteral("%1: %2 says \"%3\", expected \"%4…\"")
                                             .arg(QLatin1String(step), name, sidebarText(name), prefix)),
                              kStepTimeoutMs);
    // Not live: no verdict badge while the container does not run.
    QCOMPARE(level(name), Level::Unknown);
    // Told by the events stream at once: the inspect poll (every 30 s) would leave it shown live meanwhile.
    QVERIFY2(took.elapsed() < kNoticeMs,
             qPrintable(QStringLiteral("%1: noticed only after %2 ms").arg(QLatin1String(step)).arg(took.elapsed())));
    // The header of the selected target says the same, and shows its verdict as the last one.
    m_window->selectTarget(row(name));
    m_window->refreshNow();
    const SummaryHeader* header = m_window->dashboard()->header();
    QCOMPARE(header->level(QStringLiteral("overall")), Level::Unknown);
    QVERIFY2(header->note(QStringLiteral("overall")).startsWith(prefix),
             qPrintable(header->note(QStringLiteral("overall"))));
    qInfo("ok: %s: %s says \"%s\" after %.1f s", step, qPrintable(name), qPrintable(sidebarText(name)),
          double(took.elapsed()) / 1000);
}

void TestConsoleDay::shootState(const QString& name)
{
    const QString dir = env("HEAPWATCH_SCREENSHOT_STATES");
    if (dir.isEmpty())
        return;
    m_window->refreshNow();
    QVERIFY(m_window->grab().toImage().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"), "PNG"));
}

bool TestConsoleDay::podman(const QStringList& args, bool mayFail)
{
    QProcess p;
    p.start(m_podman.first(), m_podman.mid(1) + args);
    if (!p.waitForFinished(60000))
        return false;
    if (p.exitCode() != 0 && !mayFail)
        qWarning("podman %s: %s", qPrintable(args.join(QLatin1Char(' '))), p.readAllStandardError().constData());
    return p.exitStatus() == QProcess::NormalExit && (mayFail || p.exitCode() == 0);
}

// The same container engine-env.sh's run_container starts: node printing a Memory line every second.
bool TestConsoleDay::runContainer(const QString& name)
{
    return podman({QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--name"), name, QStringLiteral("--env"),
                   QStringLiteral("HW_NAME=") + name, QStringLiteral("--memory"), QStringLiteral("860m"),
                   QStringLiteral("--rootfs"), env("HEAPWATCH_ENGINE_ROOTFS"), QStringLiteral("/usr/bin/node"),
                   QStringLiteral("/app/app.js")});
}

// Stops podman's Docker API service and starts a new one on the same socket (what a restart of dockerd or
// of the podman service does to the watching docker commands: they end, and the socket is gone meanwhile).
bool TestConsoleDay::restartEngine()
{
    const QString pidFile = env("HEAPWATCH_ENGINE_PIDFILE");
    const QString socket = env("HEAPWATCH_ENGINE_SOCKET");
    QFile f(pidFile);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const pid_t pid = pid_t(f.readAll().trimmed().toInt());
    f.close();
    if (pid <= 0 || ::kill(pid, SIGTERM) != 0)
        return false;
    // The service is the script's child, a zombie until the script reaps it: wait until it is not running.
    const auto running = [pid] {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            return false;
        const QByteArray s = stat.readAll();
        const int close = s.lastIndexOf(')');
        return close > 0 && s.mid(close + 2, 1) != "Z";
    };
    if (!waitUntil([&] { return !running(); }, 10000))
        return false;
    QFile::remove(socket);
    QTest::qWait(2000); // down for a moment: the watching commands end, inspect finds no engine

    QProcess service;
    service.setProgram(m_podman.first());
    service.setArguments(m_podman.mid(1)
                         + QStringList {QStringLiteral("system"), QStringLiteral("service"), QStringLiteral("--time=0"),
                                        QStringLiteral("unix://") + socket});
    service.setStandardOutputFile(socket + QStringLiteral(".log"), QIODevice::Append);
    service.setStandardErrorFile(socket + QStringLiteral(".log"), QIODevice::Append);
    qint64 newPid = 0;
    if (!service.startDetached(&newPid))
        return false;
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    f.write(QByteArray::number(newPid) + '\n'); // console-day.sh stops it at the end
    f.close();
    return waitUntil([&] { return QFile::exists(socket); }, 10000);
}

// The parent pid of a process, from /proc (-1 when it is gone).
pid_t parentOf(pid_t pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray s = stat.readAll();
    const int close = s.lastIndexOf(')');
    const QList<QByteArray> rest = s.mid(close + 2).split(' ');
    return rest.size() > 1 ? pid_t(rest[1].toInt()) : -1;
}

// Ends sshd's listener and every session it forked (their remote commands lose their channel), then starts
// sshd again with the same configuration.
bool TestConsoleDay::restartSshd()
{
    const QString pidFile = env("HEAPWATCH_ENGINE_SSHD_PIDFILE");
    QFile f(pidFile);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const pid_t listener = pid_t(f.readAll().trimmed().toInt());
    f.close();
    if (listener <= 0)
        return false;
    QList<pid_t> sessions;
    for (const QString& entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool number = false;
        const pid_t pid = pid_t(entry.toInt(&number));
        if (number && parentOf(pid) == listener)
            sessions << pid;
    }
    qInfo("sshd restart: listener %d and %lld sessions", int(listener), qlonglong(sessions.size()));
    if (sessions.isEmpty() || ::kill(listener, SIGTERM) != 0)
        return false;
    for (const pid_t pid : sessions)
        ::kill(pid, SIGTERM);
    if (!waitUntil([&] { return parentOf(listener) < 0; }, 10000))
        return false;
    QFile::remove(pidFile);
    QTest::qWait(2000); // down for a moment: the console's connections fail and it retries
    if (QProcess::execute(QStringLiteral("/usr/sbin/sshd"),
                          {QStringLiteral("-f"), env("HEAPWATCH_ENGINE_SSHD_CONFIG"), QStringLiteral("-E"),
                           env("HEAPWATCH_ENGINE_SSHD_LOG")})
        != 0)
        return false;
    return waitUntil([&] { return QFile::exists(pidFile); }, 10000);
}

void TestConsoleDay::day()
{
    // 1. All three live, on fewer connections than targets (one pool for the host).
    waitLive(kNames, nowMs(), "start");
    const int connections = sshConnections(m_port);
    qInfo("SSH connections to the host with three targets: %d", connections);
    QVERIFY2(connections >= 1 && connections < kNames.size(), qPrintable(QString::number(connections)));

    // An operator's view of a live host, kept for a look (and the README).
    m_window->selectTarget(row(QStringLiteral("hw1")));
    QTest::qWait(1500);
    m_window->refreshNow();
    QTest::qWait(300);
    const QString shot = env("HEAPWATCH_SCREENSHOT");
    if (!shot.isEmpty())
        QVERIFY(m_window->grab().toImage().save(shot, "PNG"));

    // 2. stop: stopped, with its age, not live; the others stay live meanwhile.
    QVERIFY(podman({QStringLiteral("stop"), QStringLiteral("-t"), QStringLiteral("1"), QStringLiteral("hw2")}));
    waitState(QStringLiteral("hw2"), QStringLiteral("container stopped"), "stop hw2");
    QTRY_VERIFY2_WITH_TIMEOUT(sidebarText(QStringLiteral("hw2")).contains(QLatin1String(" ago")),
                              qPrintable(sidebarText(QStringLiteral("hw2"))), 10000);
    QTest::qWait(3000);
    shootState(QStringLiteral("stopped"));
    QVERIFY2(sidebarText(QStringLiteral("hw2")).startsWith(QLatin1String("container stopped")),
             qPrintable(sidebarText(QStringLiteral("hw2"))));
    waitLive({QStringLiteral("hw1"), QStringLiteral("hw3")}, nowMs() - 2000, "stop hw2 (the others)");

    // 3. start: live again, with data that arrived after the start.
    qint64 since = nowMs();
    QVERIFY(podman({QStringLiteral("start"), QStringLiteral("hw2")}));
    waitLive({QStringLiteral("hw2")}, since, "start hw2");
    for (const Marker& m : state(QStringLiteral("hw2"))->markers())
        qInfo("hw2 marker %d at %lld: %s", int(m.kind), m.atMs, qPrintable(m.text));

    // 4. pause, then unpause.
    QVERIFY(podman({QStringLiteral("pause"), QStringLiteral("hw1")}));
    waitState(QStringLiteral("hw1"), QStringLiteral("paused"), "pause hw1");
    shootState(QStringLiteral("paused"));
    since = nowMs();
    QVERIFY(podman({QStringLiteral("unpause"), QStringLiteral("hw1")}));
    waitLive({QStringLiteral("hw1")}, since, "unpause hw1");

    // 5. rm -f, absent for a while, then a new container of that name (a redeploy).
    const qint64 removedAt = nowMs();
    QVERIFY(podman({QStringLiteral("rm"), QStringLiteral("-f"), QStringLiteral("-t"), QStringLiteral("0"),
                    QStringLiteral("hw3")}));
    waitState(QStringLiteral("hw3"), QStringLiteral("waiting for container hw3"), "rm -f hw3");
    QTest::qWait(8000);
    QVERIFY2(sidebarText(QStringLiteral("hw3")).startsWith(QLatin1String("waiting for container")),
             qPrintable(sidebarText(QStringLiteral("hw3"))));
    shootState(QStringLiteral("waiting"));
    since = nowMs();
    QVERIFY(runContainer(QStringLiteral("hw3")));
    waitLive({QStringLiteral("hw3")}, since, "run hw3 again (new id)");
    // The chart shows when the new container started.
    const TargetState* st = state(QStringLiteral("hw3"));
    const auto markerAfter = [&](Marker::Kind kind) {
        for (const Marker& m : st->markers()) {
            if (m.kind == kind && m.atMs >= removedAt - 1000)
                return true;
        }
        return false;
    };
    QVERIFY2(markerAfter(Marker::Kind::Restart), "no chart marker for the new container's start");
    const auto recreated = std::find_if(st->markers().begin(), st->markers().end(),
                                        [&](const Marker& m) { return m.recreated && m.atMs >= removedAt - 1000; });
    QVERIFY2(recreated != st->markers().end(), "the new container's start is not marked as a recreation");
    qInfo("hw3 marker after the redeploy: %s", qPrintable(recreated->text));
    // And the chart of hw3 shows it so.
    m_window->selectTarget(row(QStringLiteral("hw3")));
    const auto chartSaysRecreate = [&] {
        m_window->refreshNow();
        for (const ChartMarker& m : m_window->dashboard()->charts()->processChart()->markers()) {
            if (m.label == QLatin1String("recreate"))
                return true;
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(chartSaysRecreate(), 10000);

    // 6. The engine restarts: every target resumes by itself.
    QVERIFY(restartEngine());
    for (const QString& name : kNames)
        podman({QStringLiteral("start"), name}, true); // as after a reboot; a no-op when it survived
    since = nowMs();
    waitLive(kNames, since, "engine restart");

    // 7. sshd restarts, its sessions with it (a package upgrade, a reboot of the listener's host): the
    // console reconnects by itself and every stream resumes.
    QVERIFY(restartSshd());
    since = nowMs();
    waitLive(kNames, since, "sshd restart");

    // No host-key or password question at any time: the known_hosts file and the key answered for the host.
    QVERIFY2(m_dialogs.shown == 0, qPrintable(m_dialogs.titles.join(QStringLiteral(", "))));
    qInfo("SSH connections at the end: %d", sshConnections(m_port));
}

QTEST_MAIN(TestConsoleDay)
#include "tst_console_day.moc"
