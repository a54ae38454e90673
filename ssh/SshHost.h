// The threading model of ssh/ (and of every Source): read this first.
//   - One worker thread per host connection pool (SshHost), per local container (LocalSource), per saved
//     log being read (ReplaySource) and per container listing (ContainerLister). The worker owns its libssh
//     sessions, every channel on them and every QProcess it starts; nothing else touches them (libssh's
//     threading rule). Name resolution (DNS, ~/.ssh/config) happens in the worker, inside the connect.
//   - Results reach the GUI (or the Source's thread) only as queued signals carrying value types
//     (TargetLink, ContainerLister::finished).
//   - Nothing on the GUI thread waits for the network: start(), stop(), removeTarget() and dropping the
//     last reference to a host only post a request and return. The worker closes its channels (the remote
//     commands end with them), finishes, and deletes what it owns.
//   - A worker that was told to stop is handed to ThreadReaper (app/core), which deletes it once finished
//     and joins those still winding down at exit. No thread is detached.
//
// SshHost: one pool of connections per host, shared by all the containers watched on that host. It
// connects (known hosts, auth), detects docker/podman, runs each container's ContainerStreams over exec
// channels, pumps them without blocking, declares the link dead on a socket error or 10 s of stats
// silence, and reconnects with backoff.
//
// OpenSSH allows 10 sessions (channels) per connection by default (MaxSessions), and a channel that was
// closed holds its slot until the remote command ended: a connection carries at most
// kChannelsPerConnection channels, and further connections to the same host (same credentials, no new
// question) carry the rest. A channel the server refuses ("administratively prohibited") lowers that
// connection's share and is asked for again at most once a second per host, backing off to a minute.
#pragma once

#include "Backoff.h"
#include "ContainerStreams.h"
#include "SshSession.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QWaitCondition>
#include <atomic>
#include <map>
#include <memory>
#include <vector>

class QThread;

namespace heapwatch {

class GuardedPrompter;
class SshChannel;
class TargetLink;

struct SshHostOptions
{
    SshConnectParams connect;
    // false: a first connection that fails is final (the `check` command). true (console, serve): everything
    // but a refused host key is retried with backoff (authentication and DNS failures can be passing blips).
    bool retryFirstConnect = false;
    int livenessTimeoutMs = 10000;
};

class SshHost
{
public:
    static constexpr int kChannelsPerConnection = 8;
    static constexpr int kMaxConnections = 8;
    // A further connection that has carried no channel this long is closed (targets removed, containers
    // stopped): the server keeps no idle login of ours.
    static constexpr qint64 kIdleConnectionMs = 15000;

    // The running host for these options, shared with every other source that asked for the same
    // user@host:port with the same identity and known_hosts file; started when first acquired. Dropping the
    // last reference returns at once: the worker closes every channel, disconnects and deletes the host.
    static std::shared_ptr<SshHost> acquire(const SshHostOptions& options);

    // Adds a container; everything about it goes to link. Returns an id for removeTarget().
    int addTarget(const StreamsConfig& config, std::shared_ptr<TargetLink> link);
    // Returns at once; the worker closes the container's channels (their commands end on the server).
    void removeTarget(int id);

private:
    struct Target;
    class Runner;
    struct Connection
    {
        std::unique_ptr<SshSession> session;
        int cap = kChannelsPerConnection; // lowered when the server refused a channel below it
        qint64 idleSinceMs = -1; // when it last became empty, -1 while it carries channels
    };
    struct Releasing
    {
        SshSession* session;
        qint64 atMs;
    };

    explicit SshHost(const SshHostOptions& options);
    ~SshHost(); // by the worker, at its end
    void release(); // the last reference went: stop the worker, hand its thread to ThreadReaper
    void run();
    void applyTargetChanges();
    void attachTarget(Target& target);
    void connectOnce();
    void connectionLost(const QString& reason);
    void scheduleReconnect(const QString& reason);
    bool pump();
    void checkLiveness();
    QString detectEngine();
    void broadcast(ConnectionStatus::State state, const QString& message, int retryInSeconds = 0);
    void sendStatus(Target& target);
    void closeChannels(Target& target);
    void drainChannels(Target& target);
    bool pumpDraining(qint64 maxAgeMs);
    void awaitCommandsEnded(int timeoutMs);
    int channelsOn(const SshSession* session) const;
    SshSession* sessionWithRoom(QString* error);
    void channelRefused(SshSession* session, const QString& error);
    void releaseChannel(SshSession* session, std::unique_ptr<SshChannel> channel);
    bool allSessionsAlive(QString* error) const;
    void closeIdleConnections();

    SshHostOptions m_options;
    std::unique_ptr<GuardedPrompter> m_prompter;
    QThread* m_thread = nullptr;
    std::atomic<bool> m_stop {false};

    // Shared with other threads, under m_mutex.
    QMutex m_mutex;
    QWaitCondition m_changed;
    struct PendingAdd
    {
        int id;
        StreamsConfig config;
        std::shared_ptr<TargetLink> link;
    };
    std::vector<PendingAdd> m_toAdd;
    std::vector<int> m_toRemove;
    int m_nextId = 1;

    // Worker thread only.
    std::vector<std::unique_ptr<Target>> m_targets;
    std::vector<std::unique_ptr<SshChannel>> m_closing; // channels stopped during a pump, freed after it
    // Channels of removed targets: stdin closed (EOF), read until their command ended, then closed. So that
    // nothing heapwatch started outlives it on the server, the worker waits for them before it disconnects.
    struct Draining
    {
        std::unique_ptr<SshChannel> channel;
        SshSession* session;
        qint64 sinceMs;
    };
    std::vector<Draining> m_draining;
    std::unique_ptr<SshSession> m_session; // the first connection: engine detection, the state of the link
    int m_sessionCap = kChannelsPerConnection;
    std::vector<Connection> m_extra; // further connections, opened when the first one is full
    std::vector<Releasing> m_releasing; // channels closed lately: their slots are busy until the command ended
    Backoff m_channelBackoff {1250, 60000};
    qint64 m_channelRetryAtMs = 0;
    QString m_channelProblem; // shown with the status while channels are refused
    int m_channelsRefused = 0;
    SecretCache m_secrets;
    Backoff m_backoff;
    Backoff m_failureBackoff {1250, 600000}; // authentication and other failures of a connect: up to 10 min
    QElapsedTimer m_clock;
    qint64 m_nextAttemptMs = 0;
    bool m_parked = false; // a final failure: no more attempts
    bool m_everConnected = false;
    bool m_backoffResetPending = false;
    int m_reconnects = 0;
    QString m_address;
    QString m_engine;
    bool m_engineDetected = false;
    ConnectionStatus::State m_state = ConnectionStatus::State::Idle;
    QString m_message;
    int m_retryInSeconds = 0;
};

} // namespace heapwatch
