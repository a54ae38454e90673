#include "SshdFixture.h"

#include "LogParser.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTest>
#include <QThread>
#include <QTimeZone>
#include <QUuid>
#include <algorithm>
#include <arpa/inet.h>
#include <map>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef HEAPWATCH_TESTS_DIR
#    error "HEAPWATCH_TESTS_DIR must point at tests/"
#endif

namespace heapwatch::test {

namespace {

constexpr const char* kSshd = "/usr/sbin/sshd";

bool writeFile(const QString& path, const QByteArray& data, QFileDevice::Permissions perms = {})
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        return false;
    }
    f.write(data);
    f.close();
    if (perms) {
        f.setPermissions(perms);
    }
    return true;
}

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        socklen_t len = sizeof addr;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
        port = ntohs(addr.sin_port);
    }
    ::close(fd);
    return port;
}

bool canConnect(int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(quint16(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

struct ProcInfo
{
    int pid = 0;
    int ppid = 0;
    QByteArray comm;
};

std::vector<ProcInfo> processes()
{
    std::vector<ProcInfo> out;
    const auto entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& e : entries) {
        bool ok = false;
        const int pid = e.toInt(&ok);
        if (!ok) {
            continue;
        }
        const QByteArray stat = readFile(QStringLiteral("/proc/%1/stat").arg(pid));
        const qsizetype open = stat.indexOf('(');
        const qsizetype close = stat.lastIndexOf(')');
        if (open < 0 || close < 0) {
            continue;
        }
        const QList<QByteArray> rest = stat.mid(close + 2).split(' ');
        if (rest.size() < 2) {
            continue;
        }
        out.push_back({pid, rest[1].toInt(), stat.mid(open + 1, close - open - 1)});
    }
    return out;
}

QString cmdline(int pid)
{
    QByteArray c = readFile(QStringLiteral("/proc/%1/cmdline").arg(pid));
    c.replace('\0', ' ');
    return QString::fromLocal8Bit(c).trimmed();
}

} // namespace

SshdFixture::SshdFixture()
{
    const passwd* pw = getpwuid(getuid());
    m_user = pw ? QString::fromLocal8Bit(pw->pw_name) : QStringLiteral("root");
    m_tag = QUuid::createUuid().toString(QUuid::WithoutBraces);
}

SshdFixture::~SshdFixture()
{
    killSshd();
    if (m_container.state() != QProcess::NotRunning) {
        m_container.kill();
        m_container.waitForFinished(2000);
    }
    // Whatever a failed test left behind through this sshd goes with it.
    for (const ProcInfo& p : processes()) {
        if (readFile(QStringLiteral("/proc/%1/environ").arg(p.pid))
                .contains(("HEAPWATCH_TEST_TAG=" + m_tag).toUtf8())) {
            ::kill(p.pid, SIGKILL);
        }
    }
}

QString SshdFixture::run(const QString& program, const QStringList& args, int* exitCode)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    p.waitForFinished(30000);
    if (exitCode) {
        *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }
    return QString::fromLocal8Bit(p.readAll());
}

QString SshdFixture::sshdLog() const
{
    return QString::fromLocal8Bit(readFile(m_dir.filePath(QStringLiteral("sshd.log"))));
}

QString SshdFixture::target(const QString& container) const
{
    return QStringLiteral("ssh://%1@127.0.0.1:%2/%3").arg(m_user).arg(m_port).arg(container);
}

bool SshdFixture::prepare(QString* error)
{
    if (!QFile::exists(QString::fromLatin1(kSshd))) {
        *error = QStringLiteral("%1 is missing: install openssh-server (the SSH tests need a real sshd)")
                     .arg(QString::fromLatin1(kSshd));
        return false;
    }
    if (!m_dir.isValid()) {
        *error = QStringLiteral("cannot create a temporary directory");
        return false;
    }
    if (getuid() == 0) {
        QDir().mkpath(QStringLiteral("/run/sshd")); // sshd's privilege separation directory
    }
    int rc = 0;
    for (const char* key : {"hostkey", "clientkey", "otherhostkey"}) {
        const QString out
            = run(QStringLiteral("ssh-keygen"),
                  {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"), QStringLiteral("-N"),
                   QString(), QStringLiteral("-C"), QStringLiteral("heapwatch-test"), QStringLiteral("-f"),
                   m_dir.filePath(QString::fromLatin1(key))},
                  &rc);
        if (rc != 0) {
            *error = QStringLiteral("ssh-keygen failed: %1").arg(out);
            return false;
        }
    }
    const QString fp
        = run(QStringLiteral("ssh-keygen"), {QStringLiteral("-lf"), m_dir.filePath(QStringLiteral("hostkey.pub"))});
    m_hostFingerprint = fp.section(QLatin1Char(' '), 1, 1);
    writeFile(m_dir.filePath(QStringLiteral("authorized_keys")), readFile(clientKey() + QStringLiteral(".pub")));
    clearKnownHosts();
    m_port = freePort();

    QDir().mkpath(binDir());
    QDir().mkpath(m_dir.filePath(QStringLiteral("home")));
    const QString script = QStringLiteral(HEAPWATCH_TESTS_DIR) + QStringLiteral("/ssh/fake-docker.sh");
    writeFile(binDir() + QStringLiteral("/docker"),
              QStringLiteral("#!/bin/bash\nexport FAKE_DOCKER_STATE='%1'\nexec /bin/bash '%2' \"$@\"\n")
                  .arg(stateDir(), script)
                  .toUtf8(),
              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ReadGroup
                  | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::ExeOther);

    const QString config = QStringLiteral("ListenAddress 127.0.0.1\n"
                                          "Port %1\n"
                                          "HostKey %2/hostkey\n"
                                          "PidFile %2/sshd.pid\n"
                                          "AuthorizedKeysFile %2/authorized_keys\n"
                                          "UsePAM no\n"
                                          "StrictModes no\n"
                                          "PasswordAuthentication no\n"
                                          "KbdInteractiveAuthentication no\n"
                                          "PubkeyAuthentication yes\n"
                                          "PermitRootLogin prohibit-password\n"
                                          // MaxSessions: OpenSSH's default (10), as on the servers watched
                                          "LogLevel VERBOSE\n"
                                          // HOME: the login shell must not run the real user's ~/.bashrc (slow, and
                                          // killing it half-way can leave its locks behind).
                                          "SetEnv PATH=%3:/usr/bin:/bin HOME=%2/home HEAPWATCH_TEST_TAG=%4"
                                          " HEAPWATCH_CGROUP_ROOT=%2/cgroupfs HEAPWATCH_PROC_ROOT=%2/proc"
                                          " HEAPWATCH_EVENTS_FILE=%2/podman-events.log\n")
                               .arg(m_port)
                               .arg(m_dir.path(), binDir(), m_tag);
    writeFile(m_dir.filePath(QStringLiteral("sshd_config")),
              (m_maxSessions > 0 ? config + QStringLiteral("MaxSessions %1\n").arg(m_maxSessions) : config).toUtf8());
    return writeState(error);
}

bool SshdFixture::writeState(QString* error)
{
    const QString fixtures = QStringLiteral(HEAPWATCH_TESTS_DIR) + QStringLiteral("/fixtures/docker-cli-28.2.2/");
    QDir().mkpath(stateDir());
    const auto state = [this](const char* name) { return stateDir() + QLatin1Char('/') + QLatin1String(name); };

    // The captured history, moved so that it ends ten seconds ago (second-precision timestamps, as captured).
    struct Line
    {
        qint64 secs;
        char stream;
        QByteArray rest;
    };
    std::vector<Line> history;
    for (const auto& [file, stream] :
         {std::pair {"logs-timestamps.stdout.txt", 'o'}, std::pair {"logs-timestamps.stderr.txt", 'e'}}) {
        const QByteArray data = readFile(fixtures + QLatin1String(file));
        if (data.isEmpty()) {
            *error = QStringLiteral("missing fixture %1%2").arg(fixtures, QLatin1String(file));
            return false;
        }
        for (const QByteArray& l : data.split('\n')) {
            const qsizetype sp = l.indexOf(' ');
            if (sp <= 0) {
                continue;
            }
            const qint64 ns = parseRfc3339Ns(l.left(sp));
            if (ns > 0) {
                history.push_back({ns / 1000000000, stream, l.mid(sp + 1)});
            }
        }
    }
    std::stable_sort(history.begin(), history.end(), [](const Line& a, const Line& b) { return a.secs < b.secs; });
    const qint64 shift = QDateTime::currentSecsSinceEpoch() - 10 - history.back().secs;
    QByteArray log;
    for (const Line& l : history) {
        const QString ts = QDateTime::fromSecsSinceEpoch(l.secs + shift, QTimeZone::utc()).toString(Qt::ISODate);
        log += QByteArray(1, l.stream) + '|' + ts.toUtf8() + '|' + l.rest + '\n';
    }
    writeFile(state("container.log"), log);

    // Stats rows in the explicit template's form, from the frames of the captured stream that carry values
    // (its last frames, after the container stopped, are `--` placeholders: the parser tests cover those).
    QByteArray rows;
    static const QRegularExpression escapes(QStringLiteral("\x1b\\[[0-9;]*[A-Za-z]"));
    static const QRegularExpression columns(QStringLiteral(" {2,}"));
    QString lastRow;
    for (QString line :
         QString::fromUtf8(readFile(fixtures + QStringLiteral("stats-stream.txt"))).split(QLatin1Char('\n'))) {
        line.remove(escapes);
        const QStringList c = line.trimmed().split(columns);
        if (c.size() < 8 || c[0] == QLatin1String("CONTAINER ID") || c[2] == QLatin1String("--")) {
            continue;
        }
        const QString row = QStringList {c[0], c[2], c[3], c[4], c[5], c[6], c[7]}.join(QLatin1Char('\t'));
        if (row != lastRow) {
            rows += row.toUtf8() + '\n';
        }
        lastRow = row;
    }
    writeFile(state("stats-rows.txt"), rows);

    // The `inspect --format <template>` answer, built from the captured inspect with the state as tokens.
    const QJsonObject inspect
        = QJsonDocument::fromJson(readFile(fixtures + QStringLiteral("inspect.json"))).array().at(0).toObject();
    QJsonObject st = inspect.value(QStringLiteral("State")).toObject();
    st[QStringLiteral("Status")] = QStringLiteral("@STATUS@");
    st[QStringLiteral("Running")] = QStringLiteral("@RUNNING@");
    st[QStringLiteral("StartedAt")] = QStringLiteral("@STARTED_AT@");
    st[QStringLiteral("Pid")] = m_cgroupVersion > 0 ? kCgroupPid : 0;
    QString nodeOptions;
    for (const auto v : inspect.value(QStringLiteral("Config")).toObject().value(QStringLiteral("Env")).toArray()) {
        if (v.toString().startsWith(QLatin1String("NODE_OPTIONS="))) {
            nodeOptions = v.toString();
        }
    }
    QJsonObject compact {
        {QStringLiteral("Id"), inspect.value(QStringLiteral("Id"))},
        {QStringLiteral("Name"), inspect.value(QStringLiteral("Name"))},
        {QStringLiteral("ImageName"), QStringLiteral("pangolin:latest")},
        {QStringLiteral("State"), st},
        {QStringLiteral("RestartCount"), QStringLiteral("@RESTART_COUNT@")},
        {QStringLiteral("HostConfig"),
         QJsonObject {{QStringLiteral("Memory"),
                       inspect.value(QStringLiteral("HostConfig")).toObject().value(QStringLiteral("Memory"))}}},
        {QStringLiteral("NodeOptions"), nodeOptions}};
    if (m_logFile > 0) {
        compact.insert(QStringLiteral("LogPath"), logFilePath());
        QDir().mkpath(QFileInfo(logFilePath()).path());
        if (m_logFile == 1)
            writeFile(logFilePath(), {});
    }
    QByteArray json = QJsonDocument(compact).toJson(QJsonDocument::Compact);
    json.replace("\"@RUNNING@\"", "@RUNNING@");
    json.replace("\"@RESTART_COUNT@\"", "@RESTART_COUNT@");
    writeFile(state("inspect.json"), json + '\n');

    const QString started = QDateTime::currentDateTimeUtc().addSecs(-60).toString(Qt::ISODateWithMs);
    writeFile(state("name"), "pangolin\n");
    writeFile(state("id"), inspect.value(QStringLiteral("Id")).toString().toUtf8() + '\n');
    writeFile(state("status"), "running\n");
    writeFile(state("started_at"), started.toUtf8() + '\n');
    writeFile(state("restart_count"), "0\n");
    writeFile(state("epoch"), "0\n");
    writeFile(state("events.log"), {});
    writeFile(state("invocations.log"), {});
    if (m_cgroupVersion > 0) {
        const QString path = cgroupPath();
        const QString proc = m_dir.filePath(QStringLiteral("proc/%1").arg(kCgroupPid));
        QDir().mkpath(proc);
        // /proc/PID/cgroup as the kernel writes it: v1 has a line per hierarchy (and the unified one).
        const QByteArray lines = m_cgroupVersion == 1
            ? QStringLiteral("9:name=systemd:%1\n8:pids:%1\n4:memory:%1\n2:cpu,cpuacct:%1\n0::%1\n").arg(path).toUtf8()
            : QStringLiteral("0::%1\n").arg(path).toUtf8();
        writeFile(proc + QStringLiteral("/cgroup"), lines);
        QDir().mkpath(cgroupMemoryDir());
        QDir().mkpath(QFileInfo(cgroupCpuFile()).path());
        if (m_cgroupVersion == 1)
            QDir().mkpath(m_dir.filePath(QStringLiteral("cgroupfs/pids") + path));
        // The seed's container: 860 MiB limit, 640 MiB used.
        writeCgroupFigures(671088640, 901775360, 123456789, 11);
    }
    return true;
}

QString SshdFixture::logFilePath() const
{
    return m_dir.filePath(
        QStringLiteral("engine-logs/%1/%2")
            .arg(containerId(), m_logFile == 2 ? QStringLiteral("missing.log") : QStringLiteral("ctr.log")));
}

QString SshdFixture::cgroupPath() const
{
    const QString id = QString::fromUtf8(readFile(stateDir() + QStringLiteral("/id")).trimmed());
    if (m_cgroupVersion == 1)
        return (m_cgroupPodman ? QStringLiteral("/libpod_parent/libpod-") : QStringLiteral("/docker/")) + id;
    return (m_cgroupPodman ? QStringLiteral("/machine.slice/libpod-%1.scope")
                           : QStringLiteral("/system.slice/docker-%1.scope"))
        .arg(id);
}

QString SshdFixture::cgroupMemoryDir() const
{
    return m_dir.filePath((m_cgroupVersion == 1 ? QStringLiteral("cgroupfs/memory") : QStringLiteral("cgroupfs"))
                          + cgroupPath());
}

QString SshdFixture::cgroupCpuFile() const
{
    return m_cgroupVersion == 1
        ? m_dir.filePath(QStringLiteral("cgroupfs/cpu,cpuacct") + cgroupPath() + QStringLiteral("/cpuacct.usage"))
        : cgroupMemoryDir() + QStringLiteral("/cpu.stat");
}

void SshdFixture::writeCgroupFigures(qint64 usageBytes, qint64 limitBytes, qint64 cpuUsec, int pids)
{
    // inactive_file is what docker subtracts (the files say more than the figure the test expects) and podman
    // does not (the files say the figure, 4 MiB of it inactive).
    const qint64 inactive = 4194304;
    const qint64 usageFile = m_cgroupPodman ? usageBytes : usageBytes + inactive;
    // The loop must never read a half-written file (the kernel's files never are).
    const auto writeAtomically = [](const QString& path, const QByteArray& data) {
        QSaveFile f(path);
        if (f.open(QIODevice::WriteOnly)) {
            f.write(data);
            f.commit();
        }
    };
    const QString dir = cgroupMemoryDir();
    if (m_cgroupVersion == 1) {
        writeAtomically(dir + QStringLiteral("/memory.stat"),
                        QStringLiteral("cache 20480\nrss 5885952\ninactive_file 1\ntotal_rss 5885952\n"
                                       "total_inactive_file %1\ntotal_active_file 0\n")
                            .arg(inactive)
                            .toUtf8());
        writeAtomically(dir + QStringLiteral("/memory.limit_in_bytes"), QByteArray::number(limitBytes) + '\n');
        writeAtomically(cgroupCpuFile(), QByteArray::number(cpuUsec * 1000) + '\n');
        writeAtomically(
            m_dir.filePath(QStringLiteral("cgroupfs/pids") + cgroupPath() + QStringLiteral("/pids.current")),
            QByteArray::number(pids) + '\n');
        writeAtomically(dir + QStringLiteral("/memory.usage_in_bytes"), QByteArray::number(usageFile) + '\n');
    } else {
        writeAtomically(
            dir + QStringLiteral("/memory.stat"),
            QStringLiteral("anon 600000000\nfile 7000000\nactive_file 100\ninactive_file %1\n").arg(inactive).toUtf8());
        writeAtomically(dir + QStringLiteral("/memory.max"), QByteArray::number(limitBytes) + '\n');
        writeAtomically(dir + QStringLiteral("/cpu.stat"),
                        QStringLiteral("usage_usec %1\nuser_usec 1\nsystem_usec 2\n").arg(cpuUsec).toUtf8());
        writeAtomically(dir + QStringLiteral("/pids.current"), QByteArray::number(pids) + '\n');
        writeAtomically(dir + QStringLiteral("/memory.current"), QByteArray::number(usageFile) + '\n');
    }
}

void SshdFixture::removeCgroupFiles()
{
    const QString dir = cgroupMemoryDir();
    QFile::remove(dir + QStringLiteral("/memory.current"));
    QFile::remove(dir + QStringLiteral("/memory.usage_in_bytes"));
}

void SshdFixture::startContainer()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("FAKE_DOCKER_STATE"), stateDir());
    m_container.setProcessEnvironment(env);
    m_container.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_container.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    m_container.start(
        QStringLiteral("/bin/bash"),
        {QStringLiteral(HEAPWATCH_TESTS_DIR) + QStringLiteral("/ssh/fake-docker.sh"), QStringLiteral("__container")});
    m_container.waitForStarted(5000);
}

bool SshdFixture::start(QString* error)
{
    if (!m_prepared) {
        if (!prepare(error)) {
            return false;
        }
        m_prepared = true;
        startContainer();
    }
    return startSshd(error);
}

bool SshdFixture::startSshd(QString* error)
{
    QFile::remove(m_dir.filePath(QStringLiteral("sshd.pid")));
    if (m_sshd.state() != QProcess::NotRunning) {
        m_sshd.kill();
        m_sshd.waitForFinished(2000);
    }
    // -D: sshd stays our child, and dies with this process even if a test crashes (no stray server).
    m_sshd.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    m_sshd.setProcessChannelMode(QProcess::MergedChannels);
    m_sshd.start(QString::fromLatin1(kSshd),
                 {QStringLiteral("-D"), QStringLiteral("-f"), m_dir.filePath(QStringLiteral("sshd_config")),
                  QStringLiteral("-E"), m_dir.filePath(QStringLiteral("sshd.log"))});
    if (!m_sshd.waitForStarted(5000)) {
        *error = QStringLiteral("sshd did not start: %1").arg(m_sshd.errorString());
        return false;
    }
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 10000) {
        if (m_sshd.state() == QProcess::NotRunning) {
            *error = QStringLiteral("sshd exited (%1): %2 %3")
                         .arg(m_sshd.exitCode())
                         .arg(QString::fromLocal8Bit(m_sshd.readAll()), sshdLog());
            return false;
        }
        if (QFile::exists(m_dir.filePath(QStringLiteral("sshd.pid"))) && canConnect(m_port)) {
            return true;
        }
        QThread::msleep(20);
    }
    *error = QStringLiteral("sshd is not listening on 127.0.0.1:%1: %2").arg(m_port).arg(sshdLog());
    return false;
}

QList<int> SshdFixture::sshdPids(bool includeListener) const
{
    const int listener = readFile(m_dir.filePath(QStringLiteral("sshd.pid"))).trimmed().toInt();
    QList<int> out;
    if (listener <= 0) {
        return out;
    }
    const auto all = processes();
    std::map<int, int> parent;
    for (const auto& p : all) {
        parent[p.pid] = p.ppid;
    }
    for (const auto& p : all) {
        if (p.comm != "sshd") {
            continue;
        }
        if (p.pid == listener) {
            if (includeListener) {
                out << p.pid;
            }
            continue;
        }
        for (int a = p.ppid, depth = 0; a > 1 && depth < 32; a = parent[a], ++depth) {
            if (a == listener) {
                out << p.pid;
                break;
            }
        }
    }
    return out;
}

void SshdFixture::killSshd()
{
    for (int pid : sshdPids(true)) {
        ::kill(pid, SIGKILL);
    }
    if (m_sshd.state() != QProcess::NotRunning) {
        m_sshd.kill();
        m_sshd.waitForFinished(2000);
    }
    QFile::remove(m_dir.filePath(QStringLiteral("sshd.pid")));
}

void SshdFixture::killSessions()
{
    for (int pid : sshdPids(false)) {
        ::kill(pid, SIGKILL);
    }
}

void SshdFixture::trustHostKey()
{
    writeFile(knownHostsFile(),
              QStringLiteral("[127.0.0.1]:%1 ").arg(m_port).toUtf8()
                  + readFile(m_dir.filePath(QStringLiteral("hostkey.pub"))));
}

QString SshdFixture::writeWrongHostKey()
{
    writeFile(knownHostsFile(),
              "# a comment line\n" + QStringLiteral("[127.0.0.1]:%1 ").arg(m_port).toUtf8()
                  + readFile(m_dir.filePath(QStringLiteral("otherhostkey.pub"))));
    return run(QStringLiteral("ssh-keygen"),
               {QStringLiteral("-lf"), m_dir.filePath(QStringLiteral("otherhostkey.pub"))})
        .section(QLatin1Char(' '), 1, 1);
}

void SshdFixture::clearKnownHosts()
{
    writeFile(knownHostsFile(), {});
}

QString SshdFixture::encryptedClientKey(const QString& passphrase)
{
    const QString path = m_dir.filePath(QStringLiteral("encryptedkey"));
    QFile::remove(path);
    QFile::remove(path + QStringLiteral(".pub"));
    run(QStringLiteral("ssh-keygen"),
        {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"), QStringLiteral("-N"), passphrase,
         QStringLiteral("-f"), path});
    QFile f(m_dir.filePath(QStringLiteral("authorized_keys")));
    f.open(QIODevice::Append);
    f.write(readFile(path + QStringLiteral(".pub")));
    return path;
}

void SshdFixture::requestRestart()
{
    writeFile(stateDir() + QStringLiteral("/restart-request"), "1\n");
}

void SshdFixture::lifecycle(const QString& action)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("FAKE_DOCKER_STATE"), stateDir());
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::ForwardedChannels);
    p.start(QStringLiteral("/bin/bash"),
            {QStringLiteral(HEAPWATCH_TESTS_DIR) + QStringLiteral("/ssh/fake-docker.sh"), QStringLiteral("__lifecycle"),
             action});
    p.waitForFinished(5000);
}

void SshdFixture::setAliases(const QStringList& names)
{
    writeFile(stateDir() + QStringLiteral("/aliases"), names.join(QLatin1Char('\n')).toUtf8() + '\n');
}

void SshdFixture::pauseStats(bool paused)
{
    const QString flag = stateDir() + QStringLiteral("/stats-paused");
    if (paused) {
        writeFile(flag, "1\n");
    } else {
        QFile::remove(flag);
    }
}

std::vector<SshdFixture::LogLine> SshdFixture::containerLog() const
{
    std::vector<LogLine> out;
    for (const QByteArray& l : readFile(stateDir() + QStringLiteral("/container.log")).split('\n')) {
        const QList<QByteArray> parts = l.split('|');
        if (parts.size() < 3) {
            continue;
        }
        LogLine line;
        line.isStderr = parts[0] == "e";
        line.ns = parseRfc3339Ns(parts[1]);
        line.text = l.mid(parts[0].size() + parts[1].size() + 2);
        out.push_back(line);
    }
    return out;
}

QStringList SshdFixture::invocations() const
{
    QStringList out;
    for (const QByteArray& l : readFile(stateDir() + QStringLiteral("/invocations.log")).split('\n')) {
        if (!l.trimmed().isEmpty()) {
            out << QString::fromUtf8(l);
        }
    }
    return out;
}

QStringList SshdFixture::taggedProcesses() const
{
    QStringList out;
    const QByteArray needle = ("HEAPWATCH_TEST_TAG=" + m_tag).toUtf8();
    for (const ProcInfo& p : processes()) {
        if (p.pid == getpid() || p.comm == "sshd") {
            continue;
        }
        if (readFile(QStringLiteral("/proc/%1/environ").arg(p.pid)).contains(needle)) {
            out << QStringLiteral("%1 %2").arg(p.pid).arg(cmdline(p.pid));
        }
    }
    return out;
}

bool SshdFixture::waitUntilNoTaggedProcesses(int timeoutMs) const
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        if (taggedProcesses().isEmpty()) {
            return true;
        }
        QTest::qWait(100);
    }
    return taggedProcesses().isEmpty();
}

QStringList SshdFixture::liveDockerProcesses() const
{
    QStringList out;
    for (const QString& inv : invocations()) {
        const int pid = inv.section(QLatin1Char(' '), 0, 0).toInt();
        if (pid > 0 && cmdline(pid).contains(QLatin1String("fake-docker.sh"))) {
            out << QStringLiteral("%1 %2").arg(pid).arg(cmdline(pid));
        }
    }
    return out;
}

} // namespace heapwatch::test
