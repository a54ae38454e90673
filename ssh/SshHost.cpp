#include "SshHost.h"

#include "GuardedPrompter.h"
#include "SshChannel.h"
#include "SshLog.h"
#include "TargetLink.h"

#include <QFileInfo>
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
        auto channel = SshChannel::exec(*m_host->m_session, command.sshCommandLine(), error);
        qCDebug(lcSsh) << "start" << role << command.argv.mid(0, 3) << (channel ? "ok" : qPrintable(*error));
        if (!channel) {
            return false;
        }
        m_target->channels[role] = std::move(channel);
        return true;
    }
    void stopCommand(int role) override
    {
        auto it = m_target->channels.find(role);
        if (it != m_target->channels.end()) {
            m_host->m_closing.push_back(std::move(it->second));
            m_target->channels.erase(it);
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
                        // the prompter must outlive the host: share only among sources with the same one
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
    std::shared_ptr<SshHost> host(new SshHost(options));
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
    m_thread = QThread::create([this] { run(); });
    m_thread->setObjectName(QStringLiteral("ssh:") + options.connect.host);
    m_thread->start();
}

SshHost::~SshHost()
{
    {
        QMutexLocker lock(&g_registryMutex);
        auto it = registry().find(registryKey(m_options));
        if (it != registry().end() && it->second.expired()) {
            registry().erase(it);
        }
    }
    m_stop = true;
    if (m_prompter) {
        m_prompter->cancelPending();
    }
    m_changed.wakeAll();
    m_thread->wait();
    delete m_thread;
    if (m_prompter) {
        m_prompter->resetCancel();
    }
}

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
    // While connecting the target has no channel, and the worker may sit in a prompt: do not wait then.
    QDeadlineTimer deadline(2000);
    while (m_connected && std::find(m_removed.begin(), m_removed.end(), id) == m_removed.end()) {
        if (!m_changed.wait(&m_mutex, deadline)) {
            break;
        }
    }
    m_removed.erase(std::remove(m_removed.begin(), m_removed.end(), id), m_removed.end());
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
            closeChannels(**it);
            m_targets.erase(it);
        } else {
            adds.erase(std::remove_if(adds.begin(), adds.end(), [id](const PendingAdd& a) { return a.id == id; }),
                       adds.end());
        }
    }
    if (!removes.empty()) {
        QMutexLocker lock(&m_mutex);
        m_removed.insert(m_removed.end(), removes.begin(), removes.end());
        m_changed.wakeAll();
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
    QString error;
    auto channel = SshChannel::exec(*m_session, RemoteCommands::detectEngine().sshCommandLine(), &error);
    if (!channel) {
        return {};
    }
    QByteArray out;
    QByteArray err;
    QElapsedTimer timer;
    timer.start();
    while (!m_stop && timer.elapsed() < 10000) {
        if (!channel->read(out, err) || channel->isFinished()) {
            break;
        }
        m_session->waitReadable(20);
    }
    channel->read(out, err);
    const QString path = QString::fromUtf8(out).trimmed().section(QLatin1Char('\n'), 0, 0);
    return path.isEmpty() ? QString() : QFileInfo(path).fileName();
}

void SshHost::closeChannels(Target& target)
{
    // The channel destructors send EOF and CLOSE; sshd closes the commands' stdin and the wrapper kills them.
    target.channels.clear();
}

void SshHost::broadcast(ConnectionStatus::State state, const QString& message, int retryInSeconds)
{
    m_state = state;
    m_message = message;
    m_retryInSeconds = retryInSeconds;
    m_connected = state == ConnectionStatus::State::Connected;
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
    st.reconnects = m_reconnects;
    st.retryInSeconds = m_retryInSeconds;
    st.bytesReceived = target.streams->bytesReceived();
    if (target.sentOnce && st.state == target.lastSent.state && st.message == target.lastSent.message
        && st.engine == target.lastSent.engine && st.reconnects == target.lastSent.reconnects
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
        m_parked = true;
        broadcast(ConnectionStatus::State::AuthenticationFailed, message);
        return;
    case R::Failed:
        m_parked = true;
        broadcast(ConnectionStatus::State::Failed, message);
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
                if (!m_session->isAlive()) {
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
                m_closing.push_back(std::move(it->second));
                target->channels.erase(it);
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
        for (auto& t : m_targets) {
            t->streams->tick();
        }
        m_closing.clear();
        if (!m_session->isAlive()) {
            const QString err = m_session->errorString();
            connectionLost(QStringLiteral("connection to %1 lost%2")
                               .arg(m_address, err.isEmpty() ? QString() : QStringLiteral(": ") + err));
            continue;
        }
        checkLiveness();
        if (!any && m_session) {
            m_session->waitReadable(50);
        }
    }
    // Shutdown: channels first (EOF/CLOSE reach the server while the session is still up), then the session.
    for (auto& t : m_targets) {
        closeChannels(*t);
    }
    m_closing.clear();
    m_targets.clear();
    m_session.reset();
    m_connected = false;
    QMutexLocker lock(&m_mutex);
    m_changed.wakeAll();
}

} // namespace heapwatch
