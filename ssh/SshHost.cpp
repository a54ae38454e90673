#include "SshHost.h"

#include "GuardedPrompter.h"
#include "OneShotCommand.h"
#include "SshChannel.h"
#include "SshLog.h"
#include "TargetLink.h"
#include "ThreadReaper.h"

#include <QThread>
#include <algorithm>
#include <cmath>

namespace heapwatch {

struct SshHost::Target
{
    int id = 0;
    std::shared_ptr<TargetLink> link;
    std::unique_ptr<ContainerStreams> streams;
    std::unique_ptr<Runner> runner;
    std::map<int, std::unique_ptr<SshChannel>> channels;
    std::map<int, SshSession*> channelSessions; // which connection of the pool each channel is on
    bool failed = false;
    QString failure;
    ConnectionStatus lastSent;
    bool sentOnce = false;
};

class SshHost::Runner : public CommandRunner
{
public:
    Runner(SshHost* host, Target* target)
        : m_host(host)
        , m_target(target)
    {
    }
    bool startCommand(int role, const RemoteCommand& command, QString* error) override
    {
        stopCommand(role);
        if (!m_host->m_session) {
            *error = QStringLiteral("not connected");
            return false;
        }
        if (m_host->m_clock.elapsed() < m_host->m_channelRetryAtMs) {
            *error = m_host->m_channelProblem;
            return false; // a channel was refused lately: the next attempt waits for its turn
        }
        SshSession* session = m_host->sessionWithRoom(error);
        if (!session) {
            m_host->channelRefused(nullptr, *error);
            return false;
        }
        auto channel = SshChannel::exec(*session, command.sshCommandLine(), error);
        qCDebug(lcSsh) << "start" << role << command.argv.mid(0, 3) << (channel ? "ok" : qPrintable(*error));
        if (!channel) {
            if (session->isAlive()) {
                m_host->channelRefused(session, *error);
            }
            return false;
        }
        if (!m_host->m_channelProblem.isEmpty()) {
            m_host->m_channelProblem.clear();
            m_host->m_channelBackoff.reset();
            m_host->broadcast(m_host->m_state, m_host->m_message, m_host->m_retryInSeconds);
        }
        m_target->channels[role] = std::move(channel);
        m_target->channelSessions[role] = session;
        return true;
    }
    void stopCommand(int role) override
    {
        auto it = m_target->channels.find(role);
        if (it != m_target->channels.end()) {
            m_host->releaseChannel(m_target->channelSessions[role], std::move(it->second));
            m_target->channels.erase(it);
            m_target->channelSessions.erase(role);
        }
    }

private:
    SshHost* m_host;
    Target* m_target;
};

namespace {

QMutex g_registryMutex;
std::map<QString, std::weak_ptr<SshHost>>& registry()
{
    static std::map<QString, std::weak_ptr<SshHost>> r;
    return r;
}

QString registryKey(const SshHostOptions& o)
{
    const auto& c = o.connect;
    return QStringList {c.user, c.host, QString::number(c.port), c.identityFile, c.knownHostsFile,
                        QString::number(c.acceptNewHostKey),
                        // a host asks one prompter: share it only among sources with the same one
                        QString::number(quintptr(c.prompter))}
        .join(QChar(0x1f));
}

} // namespace

std::shared_ptr<SshHost> SshHost::acquire(const SshHostOptions& options)
{
    QMutexLocker lock(&g_registryMutex);
    const QString key = registryKey(options);
    auto& slot = registry()[key];
    if (auto existing = slot.lock()) {
        return existing;
    }
    // The last reference lets go without waiting: release() tells the worker to finish, and the worker
    // deletes the host once it has closed everything.
    std::shared_ptr<SshHost> host(new SshHost(options), [](SshHost* h) { h->release(); });
    slot = host;
    return host;
}

SshHost::SshHost(const SshHostOptions& options)
    : m_options(options)
{
    if (m_options.connect.prompter) {
        m_prompter = std::make_unique<GuardedPrompter>(m_options.connect.prompter);
        m_options.connect.prompter = m_prompter.get();
    }
    m_address
        = QStringLiteral("%1:%2").arg(options.connect.host).arg(options.connect.port > 0 ? options.connect.port : 22);
    m_clock.start();
    m_thread = QThread::create([this] {
        run();
        delete this;
    });
    m_thread->setObjectName(QStringLiteral("ssh:") + options.connect.host);
    m_thread->start();
}

void SshHost::release()
{
    {
        QMutexLocker lock(&g_registryMutex);
        auto it = registry().find(registryKey(m_options));
        if (it != registry().end() && it->second.expired()) {
            registry().erase(it);
        }
    }
    ThreadReaper::adopt(m_thread); // before the stop: from then on the worker may delete this at any time
    if (m_prompter) {
        m_prompter->detach(); // the caller's prompter may go now: this host asks it nothing more
    }
    QMutexLocker lock(&m_mutex); // the worker takes it before it deletes this host
    m_stop = true;
    m_changed.wakeAll();
}

SshHost::~SshHost() = default;

int SshHost::addTarget(const StreamsConfig& config, std::shared_ptr<TargetLink> link)
{
    QMutexLocker lock(&m_mutex);
    const int id = m_nextId++;
    m_toAdd.push_back({id, config, std::move(link)});
    m_changed.wakeAll();
    return id;
}

void SshHost::removeTarget(int id)
{
    QMutexLocker lock(&m_mutex);
    m_toRemove.push_back(id);
    m_changed.wakeAll();
}

void SshHost::applyTargetChanges()
{
    std::vector<PendingAdd> adds;
    std::vector<int> removes;
    {
        QMutexLocker lock(&m_mutex);
        adds.swap(m_toAdd);
        removes.swap(m_toRemove);
    }
    for (const int id : removes) {
        auto it = std::find_if(m_targets.begin(), m_targets.end(), [id](const auto& t) { return t->id == id; });
        if (it != m_targets.end()) {
            drainChannels(**it);
            m_targets.erase(it);
        } else {
            adds.erase(std::remove_if(adds.begin(), adds.end(), [id](const PendingAdd& a) { return a.id == id; }),
                       adds.end());
        }
    }
    for (auto& add : adds) {
        auto target = std::make_unique<Target>();
        Target* t = target.get();
        t->id = add.id;
        t->link = add.link;
        add.config.hostLabel = m_address;
        ContainerStreams::Callbacks cb;
        cb.batch = [link = add.link](IngestBatch&& b) { link->batch(std::move(b)); };
        cb.canDeliver = [link = add.link] { return link->canTakeBatch(); };
        cb.backfillFinished = [link = add.link] { link->backfillFinished(); };
        cb.failed = [this, t](const QString& message) {
            t->failed = true;
            t->failure = message;
            sendStatus(*t);
        };
        cb.presenceChanged = [this, t] {
            if (t->streams) {
                sendStatus(*t);
            }
        };
        t->streams = std::make_unique<ContainerStreams>(add.config, std::move(cb));
        t->runner = std::make_unique<Runner>(this, t);
        m_targets.push_back(std::move(target));
        if (m_session) {
            attachTarget(*t);
        }
        sendStatus(*t);
    }
}

void SshHost::attachTarget(Target& target)
{
    if (!m_engineDetected) {
        m_engine = detectEngine();
        m_engineDetected = true;
    }
    target.streams->attach(target.runner.get(), m_engine);
}

QString SshHost::detectEngine()
{
    OneShotCommand::Ended ended;
    QString error;
    const QString engine = OneShotCommand::detectEngine(*m_session, 10000, &m_stop, &ended, &error);
    if (ended != OneShotCommand::Ended::Failed) {
        m_releasing.push_back({m_session.get(), m_clock.elapsed()}); // its slot frees once the CLOSE is there
    }
    return engine;
}

void SshHost::closeChannels(Target& target)
{
    // The channel destructors send EOF and CLOSE; sshd closes the commands' stdin and the wrapper kills them.
    for (auto& [role, channel] : target.channels) {
        releaseChannel(target.channelSessions[role], std::move(channel));
    }
    target.channels.clear();
    target.channelSessions.clear();
    m_closing.clear();
}

void SshHost::drainChannels(Target& target)
{
    if (!m_session) {
        closeChannels(target);
        return;
    }
    for (auto& [role, channel] : target.channels) {
        channel->sendEof(); // the server closes the command's stdin, the wrapper stops the command
        m_releasing.push_back({target.channelSessions[role], m_clock.elapsed()});
        m_draining.push_back({std::move(channel), target.channelSessions[role], m_clock.elapsed()});
    }
    target.channels.clear();
    target.channelSessions.clear();
}

bool SshHost::pumpDraining(qint64 maxAgeMs)
{
    // A channel is done once its command ended (exit status and EOF, or CLOSE), or after maxAgeMs.
    const qint64 now = m_clock.elapsed();
    m_draining.erase(std::remove_if(m_draining.begin(), m_draining.end(),
                                    [now, maxAgeMs](Draining& d) {
                                        QByteArray out;
                                        QByteArray err;
                                        return !d.channel->read(out, err) || d.channel->isFinished()
                                            || now - d.sinceMs > maxAgeMs;
                                    }),
                     m_draining.end());
    return !m_draining.empty();
}

void SshHost::awaitCommandsEnded(int timeoutMs)
{
    // The wrapper stops a command within about a second of its stdin closing (TERM, then KILL); its channel
    // finishes once it has. Waiting for that means nothing heapwatch started is still running on the server
    // once heapwatch has exited.
    for (auto& t : m_targets) {
        drainChannels(*t);
    }
    QElapsedTimer timer;
    timer.start();
    QString error;
    while (m_session && allSessionsAlive(&error) && pumpDraining(timeoutMs) && timer.elapsed() < timeoutMs) {
        m_session->waitReadable(20);
    }
    m_draining.clear(); // closes what is left, before the sessions go
}

void SshHost::releaseChannel(SshSession* session, std::unique_ptr<SshChannel> channel)
{
    // sshd frees the session slot once the command is gone (the wrapper kills it within about a second).
    m_releasing.push_back({session, m_clock.elapsed()});
    m_closing.push_back(std::move(channel));
}

int SshHost::channelsOn(const SshSession* session) const
{
    int n = 0;
    for (const auto& t : m_targets) {
        for (const auto& [role, s] : t->channelSessions) {
            n += s == session && t->channels.count(role) ? 1 : 0;
        }
    }
    const qint64 now = m_clock.elapsed();
    for (const Releasing& r : m_releasing) {
        n += r.session == session && now - r.atMs < 2000 ? 1 : 0;
    }
    return n;
}

SshSession* SshHost::sessionWithRoom(QString* error)
{
    const qint64 now = m_clock.elapsed();
    m_releasing.erase(std::remove_if(m_releasing.begin(), m_releasing.end(),
                                     [now](const Releasing& r) { return now - r.atMs >= 2000; }),
                      m_releasing.end());
    if (channelsOn(m_session.get()) < m_sessionCap) {
        return m_session.get();
    }
    for (Connection& c : m_extra) {
        if (c.session->isAlive() && channelsOn(c.session.get()) < c.cap) {
            return c.session.get();
        }
    }
    if (int(m_extra.size()) + 1 >= kMaxConnections) {
        *error = QStringLiteral("%1 connections to %2 are full").arg(kMaxConnections).arg(m_address);
        return nullptr;
    }
    // One more connection: the host key is known by now and the secrets typed are kept, so nobody is asked.
    auto session = std::make_unique<SshSession>(m_options.connect, &m_stop, &m_secrets);
    QString message;
    if (session->connect(&message) != SshSession::Result::Ok) {
        *error = QStringLiteral("cannot open another connection to %1: %2").arg(m_address, message);
        return nullptr;
    }
    qCDebug(lcSsh) << "connection" << m_extra.size() + 2 << "to" << m_address;
    m_extra.push_back({std::move(session), kChannelsPerConnection});
    return m_extra.back().session.get();
}

void SshHost::channelRefused(SshSession* session, const QString& error)
{
    // The server refused a channel (MaxSessions, or a policy of its own): that connection carries no more
    // than it has, further channels go to another connection; attempts are paced per host so that a refusing
    // server is asked at most once a second, then less and less often.
    // A channel (or another connection) given up on because this host is stopping (a check that has its verdict,
    // a console closing) was not refused: no warning, and the connections' room stays as it was.
    if (m_stop) {
        return;
    }
    if (session) {
        const int open = std::max(1, channelsOn(session));
        if (session == m_session.get()) {
            m_sessionCap = std::min(m_sessionCap, open);
        } else {
            for (Connection& c : m_extra) {
                if (c.session.get() == session) {
                    c.cap = std::min(c.cap, open);
                }
            }
        }
    }
    ++m_channelsRefused;
    const qint64 delay = m_channelBackoff.next();
    m_channelRetryAtMs = m_clock.elapsed() + delay;
    m_channelProblem = QStringLiteral("%1; next channel attempt in %2 s").arg(error).arg((delay + 999) / 1000);
    qWarning("heapwatch: %s", qPrintable(m_channelProblem));
    broadcast(m_state, m_message, m_retryInSeconds);
}

void SshHost::closeIdleConnections()
{
    const qint64 now = m_clock.elapsed();
    for (auto it = m_extra.begin(); it != m_extra.end();) {
        const SshSession* session = it->session.get();
        const bool draining = std::any_of(m_draining.begin(), m_draining.end(),
                                          [session](const Draining& d) { return d.session == session; });
        if (draining || channelsOn(session) > 0) {
            it->idleSinceMs = -1;
        } else if (it->idleSinceMs < 0) {
            it->idleSinceMs = now;
        } else if (now - it->idleSinceMs >= kIdleConnectionMs) {
            qCDebug(lcSsh) << "closing an idle connection to" << m_address;
            m_releasing.erase(std::remove_if(m_releasing.begin(), m_releasing.end(),
                                             [session](const Releasing& r) { return r.session == session; }),
                              m_releasing.end());
            for (auto& t : m_targets) {
                for (auto role = t->channelSessions.begin(); role != t->channelSessions.end();) {
                    role = role->second == session ? t->channelSessions.erase(role) : std::next(role);
                }
            }
            it = m_extra.erase(it);
            continue;
        }
        ++it;
    }
}

bool SshHost::allSessionsAlive(QString* error) const
{
    if (!m_session->isAlive()) {
        *error = m_session->errorString();
        return false;
    }
    for (const Connection& c : m_extra) {
        if (!c.session->isAlive()) {
            *error = c.session->errorString();
            return false;
        }
    }
    return true;
}

void SshHost::broadcast(ConnectionStatus::State state, const QString& message, int retryInSeconds)
{
    m_state = state;
    m_message = message;
    m_retryInSeconds = retryInSeconds;
    for (auto& t : m_targets) {
        sendStatus(*t);
    }
}

void SshHost::sendStatus(Target& target)
{
    ConnectionStatus st;
    st.state = target.failed ? ConnectionStatus::State::Failed : m_state;
    st.host = m_address;
    st.engine = target.streams->engine();
    st.message = target.failed ? target.failure : m_message;
    if (st.state == ConnectionStatus::State::Connected) {
        target.streams->describe(st);
        if (!target.streams->presenceMessage().isEmpty()) {
            st.message = target.streams->presenceMessage();
        }
        if (!m_channelProblem.isEmpty()) {
            st.message += QStringLiteral("; ") + m_channelProblem;
        }
    }
    st.reconnects = m_reconnects;
    st.retryInSeconds = m_retryInSeconds;
    st.bytesReceived = target.streams->bytesReceived();
    if (target.sentOnce && st.state == target.lastSent.state && st.message == target.lastSent.message
        && st.container == target.lastSent.container && st.statsRunning == target.lastSent.statsRunning
        && st.logsRunning == target.lastSent.logsRunning && st.eventsRunning == target.lastSent.eventsRunning
        && st.statsRunningSinceMs == target.lastSent.statsRunningSinceMs && st.engine == target.lastSent.engine
        && st.statsSource == target.lastSent.statsSource && st.logsSource == target.lastSent.logsSource
        && st.eventsSource == target.lastSent.eventsSource && st.reconnects == target.lastSent.reconnects
        && st.retryInSeconds == target.lastSent.retryInSeconds) {
        return;
    }
    target.sentOnce = true;
    target.lastSent = st;
    target.link->status(st);
}

void SshHost::scheduleReconnect(const QString& reason)
{
    const qint64 delay = m_backoff.next();
    m_nextAttemptMs = m_clock.elapsed() + delay;
    broadcast(ConnectionStatus::State::Reconnecting, reason, int(std::ceil(double(delay) / 1000.0)));
}

void SshHost::connectOnce()
{
    broadcast(m_everConnected ? ConnectionStatus::State::Reconnecting : ConnectionStatus::State::Connecting,
              m_everConnected ? QStringLiteral("reconnecting to %1").arg(m_address)
                              : QStringLiteral("connecting to %1").arg(m_address));
    auto session = std::make_unique<SshSession>(m_options.connect, &m_stop, &m_secrets);
    QString message;
    const auto result = session->connect(&message);
    if (!session->address().startsWith(QLatin1Char(':'))) {
        m_address = session->address();
    }
    using R = SshSession::Result;
    switch (result) {
    case R::Cancelled:
        return;
    case R::Ok:
        applyTargetChanges(); // before m_session is set: attach every target once, below
        m_session = std::move(session);
        m_sessionCap = kChannelsPerConnection;
        m_failureBackoff.reset();
        m_channelRetryAtMs = 0;
        m_channelProblem.clear();
        m_channelBackoff.reset();
        m_everConnected = true;
        m_engineDetected = false;
        m_backoffResetPending = true;
        for (auto& t : m_targets) {
            t->streams->setHostLabel(m_address);
            attachTarget(*t);
        }
        broadcast(ConnectionStatus::State::Connected, QStringLiteral("connected to %1").arg(m_address));
        return;
    case R::HostKeyRefused:
        m_parked = true;
        broadcast(ConnectionStatus::State::HostKeyRefused, message);
        return;
    case R::AuthenticationFailed:
    case R::Failed:
        if (m_options.retryFirstConnect || m_everConnected) {
            // A PAM/LDAP blip, a DNS failure, "too many authentication failures": passing for a monitor left
            // running. Asked again with backoff up to 10 minutes; only a changed host key is final.
            const qint64 delay = m_failureBackoff.next();
            m_nextAttemptMs = m_clock.elapsed() + delay;
            const int seconds = int(std::ceil(double(delay) / 1000.0));
            qWarning("heapwatch: %s; next attempt in %d s", qPrintable(message), seconds);
            broadcast(ConnectionStatus::State::Reconnecting, message, seconds);
            return;
        }
        m_parked = true;
        broadcast(result == R::Failed ? ConnectionStatus::State::Failed : ConnectionStatus::State::AuthenticationFailed,
                  message);
        return;
    case R::Unreachable:
        if (!m_everConnected && !m_options.retryFirstConnect) {
            m_parked = true;
            broadcast(ConnectionStatus::State::Failed, message);
            return;
        }
        scheduleReconnect(message);
        return;
    }
}

void SshHost::connectionLost(const QString& reason)
{
    qCDebug(lcSsh) << "connection lost:" << reason;
    for (auto& t : m_targets) {
        closeChannels(*t);
        t->streams->detach();
    }
    m_closing.clear();
    m_draining.clear();
    m_releasing.clear();
    m_extra.clear();
    m_session.reset(); // after its channels
    ++m_reconnects;
    scheduleReconnect(reason);
}

bool SshHost::pump()
{
    bool any = false;
    if (!m_session->waitReadable(0)) {
        return any; // the caller sees the dead session and reconnects
    }
    for (Connection& c : m_extra) {
        if (!c.session->waitReadable(0)) {
            return any;
        }
    }
    for (auto& target : m_targets) {
        std::vector<std::pair<int, SshChannel*>> snapshot;
        for (auto& [role, ch] : target->channels) {
            snapshot.emplace_back(role, ch.get());
        }
        for (auto [role, ch] : snapshot) {
            auto it = target->channels.find(role);
            if (it == target->channels.end() || it->second.get() != ch) {
                continue; // stopped or replaced while handling an earlier channel
            }
            QByteArray out;
            QByteArray err;
            bool finished = false;
            if (!ch->read(out, err)) {
                QString ignored;
                if (!allSessionsAlive(&ignored)) {
                    return any; // the caller notices and reconnects
                }
                finished = true; // this channel alone failed: treat it as ended, its role restarts
            }
            finished = finished || ch->isFinished();
            if (finished) {
                ch->read(out, err); // what arrived with the close
            }
            any = any || !out.isEmpty() || !err.isEmpty() || finished;
            if (!out.isEmpty()) {
                target->streams->onOutput(role, LogStream::Stdout, out);
            }
            if (!err.isEmpty()) {
                target->streams->onOutput(role, LogStream::Stderr, err);
            }
            it = target->channels.find(role);
            if (finished && it != target->channels.end() && it->second.get() == ch) {
                const int status = ch->exitStatus();
                qCDebug(lcSsh) << "finished" << role << "status" << status;
                // Its slot on the server is free only once our CLOSE arrived there, after this pump.
                releaseChannel(target->channelSessions[role], std::move(it->second));
                target->channels.erase(it);
                target->channelSessions.erase(role);
                target->streams->onFinished(role, status);
            }
        }
    }
    return any;
}

void SshHost::checkLiveness()
{
    qint64 quietest = -1;
    bool anyStats = false;
    for (auto& t : m_targets) {
        if (t->streams->statsRunning()) {
            const qint64 q = t->streams->statsQuietForMs();
            quietest = anyStats ? qMin(quietest, q) : q;
            anyStats = true;
            if (m_backoffResetPending && t->streams->bytesReceived() > 0 && q < 1000) {
                // Data flows again: the next failure starts the backoff from 1 s.
                m_backoff.reset();
                m_backoffResetPending = false;
            }
        }
    }
    if (anyStats && quietest > m_options.livenessTimeoutMs) {
        connectionLost(QStringLiteral("no data from %1 for %2 s: connection considered dead")
                           .arg(m_address)
                           .arg(m_options.livenessTimeoutMs / 1000));
    }
}

void SshHost::run()
{
    while (!m_stop) {
        applyTargetChanges();
        if (m_targets.empty() || m_parked) {
            if (m_session && !m_draining.empty()) {
                pumpDraining(3000);
            }
            QMutexLocker lock(&m_mutex);
            if (m_toAdd.empty() && m_toRemove.empty() && !m_stop) {
                m_changed.wait(&m_mutex, 100);
            }
            continue;
        }
        if (!m_session) {
            if (m_clock.elapsed() < m_nextAttemptMs) {
                QMutexLocker lock(&m_mutex);
                m_changed.wait(
                    &m_mutex,
                    static_cast<unsigned long>(std::clamp<qint64>(m_nextAttemptMs - m_clock.elapsed(), 1, 100)));
                continue;
            }
            connectOnce();
            continue;
        }
        const bool any = pump();
        pumpDraining(3000);
        for (auto& t : m_targets) {
            t->streams->tick();
            sendStatus(*t); // only when something changed: a stream started or ended, the container's state
        }
        m_closing.clear();
        QString err;
        if (!allSessionsAlive(&err)) {
            connectionLost(QStringLiteral("connection to %1 lost%2")
                               .arg(m_address, err.isEmpty() ? QString() : QStringLiteral(": ") + err));
            continue;
        }
        checkLiveness();
        closeIdleConnections();
        if (!any && m_session) {
            m_session->waitReadable(50);
        }
    }
    // Shutdown: channels first (EOF/CLOSE reach the server while the session is still up), then the session.
    awaitCommandsEnded(3000);
    for (auto& t : m_targets) {
        closeChannels(*t);
    }
    m_closing.clear();
    m_targets.clear();
    m_extra.clear();
    m_session.reset();
    QMutexLocker lock(&m_mutex); // release() has let go of it: deleting this host is safe from here on
}

} // namespace heapwatch
