// A throwaway OpenSSH server on 127.0.0.1 for the SSH tests and the traffic bench: free port, fresh host key,
// a client key in authorized_keys, a temp known_hosts, and a fake `docker` (fake-docker.sh) first in the PATH
// of every session, replaying the captures in tests/fixtures with their timing. Every process started through
// this sshd carries HEAPWATCH_TEST_TAG in its environment, so a test can prove that nothing is left running.
#pragma once

#include <QByteArray>
#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <vector>

namespace heapwatch::test {

class SshdFixture
{
public:
    SshdFixture();
    ~SshdFixture();

    // Prepares keys, config and the fake container, starts sshd and the container. False with *error set when
    // something is missing (sshd not installed, …): tests must then FAIL, not skip.
    bool start(QString* error);
    bool startSshd(QString* error);
    // Kills sshd: the listener and every per-connection process (like a crashed or restarted server).
    void killSshd();
    // Kills only the per-connection sshd processes: every client connection drops, the server stays up.
    void killSessions();

    int port() const { return m_port; }
    QString user() const { return m_user; }
    QString dir() const { return m_dir.path(); }
    QString clientKey() const { return m_dir.filePath(QStringLiteral("clientkey")); }
    QString knownHostsFile() const { return m_dir.filePath(QStringLiteral("known_hosts")); }
    QString hostFingerprint() const { return m_hostFingerprint; }
    QString stateDir() const { return m_dir.filePath(QStringLiteral("state")); }
    QString binDir() const { return m_dir.filePath(QStringLiteral("bin")); }
    QString sshdLog() const;
    // ssh://USER@127.0.0.1:PORT/CONTAINER
    QString target(const QString& container = QStringLiteral("pangolin")) const;

    // known_hosts with the server's real key / with another key for the same [127.0.0.1]:PORT / empty.
    void trustHostKey();
    QString writeWrongHostKey(); // returns the fingerprint of the wrong (known) key
    void clearKnownHosts();
    // A copy of the client key protected by passphrase (authorized too). Returns its path.
    QString encryptedClientKey(const QString& passphrase);

    // Asks the fake container to stop and start again (follower exits, events die/start/restart, inspect
    // shows a new StartedAt and RestartCount + 1).
    void requestRestart();
    // Makes the stats stream go quiet (alive, silent) or resume.
    void pauseStats(bool paused);
    // What `docker stop`, `docker start`, `docker rm -f` and `docker run --name` (a new id) do: "stop",
    // "start", "rm", "run".
    void lifecycle(const QString& action);
    // Further container names that answer as the same container (several targets on one host).
    void setAliases(const QStringList& names);
    // Before start(): the container's cgroup as files (version 1 or 2; docker's layouts, /docker/ID with cgroupfs
    // on v1 and /system.slice/docker-ID.scope with systemd on v2, or with podman true podman's,
    // /libpod_parent/libpod-ID and /machine.slice/libpod-ID.scope) under the server's HEAPWATCH_CGROUP_ROOT /
    // HEAPWATCH_PROC_ROOT, and inspect's State.Pid set to kCgroupPid, so that heapwatch reads them with its cgroup
    // loop. 0 (the default): inspect says Pid 0 and heapwatch runs `docker stats`, the replayed capture.
    void setCgroupFiles(int version, bool podman = false)
    {
        m_cgroupVersion = version;
        m_cgroupPodman = podman;
    }
    // Before start(): inspect names a log file of the engine (LogPath, under dir()/engine-logs/ID/), which the
    // test writes in k8s-file form; readable: false names a path that does not exist.
    void setLogFile(bool readable) { m_logFile = readable ? 1 : 2; }
    QString logFilePath() const;
    // The container's ID (the captured inspect's), which its log file's path and podman's events lines name.
    static QString containerId()
    {
        return QStringLiteral("dbabfe853db9feea8912fbaedef48ab0bea89e853b1e4d6f1f3e1af15954ca18");
    }
    // podman's events file as the server's HEAPWATCH_EVENTS_FILE names it (the events file reader reads only
    // that one); absent unless the test writes it.
    QString podmanEventsFilePath() const { return m_dir.filePath(QStringLiteral("podman-events.log")); }
    static constexpr int kCgroupPid = 4242;
    // The container's memory as the engine's stats count it is set to usageBytes: with docker the file's usage
    // minus inactive_file (4 MiB more in the file), with podman the file's usage (4 MiB of it inactive_file);
    // cpuUsec is the cgroup's CPU time so far.
    void writeCgroupFigures(qint64 usageBytes, qint64 limitBytes, qint64 cpuUsec, int pids);
    // Removes the memory files: the loop then says "none" (or "gone" when it was reading).
    void removeCgroupFiles();
    // Before start(): a MaxSessions lower than OpenSSH's default, for a server that refuses channels early.
    void setMaxSessions(int sessions) { m_maxSessions = sessions; }

    struct LogLine
    {
        qint64 ns = -1;
        bool isStderr = false;
        QByteArray text;
    };
    std::vector<LogLine> containerLog() const;
    QStringList invocations() const;
    // Processes carrying this fixture's tag (started through its sshd), with their command lines.
    QStringList taggedProcesses() const;
    bool waitUntilNoTaggedProcesses(int timeoutMs) const;
    // Fake docker processes of this fixture still alive (from invocations.log), with their command lines.
    QStringList liveDockerProcesses() const;

    static QString run(const QString& program, const QStringList& args, int* exitCode = nullptr);

private:
    bool prepare(QString* error);
    bool writeState(QString* error);
    void startContainer();
    QList<int> sshdPids(bool includeListener) const;

    QTemporaryDir m_dir;
    int m_port = 0;
    int m_maxSessions = 0; // 0: sshd's default
    int m_cgroupVersion = 0;
    bool m_cgroupPodman = false;
    QString cgroupPath() const; // the container's cgroup as /proc/PID/cgroup names it
    int m_logFile = 0; // 0: inspect names no log file, 1: a readable one, 2: one that does not exist
    QString cgroupMemoryDir() const;
    QString cgroupCpuFile() const;
    QString m_user;
    QString m_tag;
    QString m_hostFingerprint;
    QProcess m_sshd;
    QProcess m_container;
    bool m_prepared = false;
};

} // namespace heapwatch::test
