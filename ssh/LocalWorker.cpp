#include "LocalWorker.h"

#include "RemoteCommands.h"
#include "TargetLink.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QThread>
#include <QTimer>

namespace heapwatch {

LocalWorker::LocalWorker(StreamsConfig config, std::shared_ptr<TargetLink> link)
    : m_link(std::move(link))
{
    ContainerStreams::Callbacks cb;
    cb.batch = [this](IngestBatch&& b) { m_link->batch(std::move(b)); };
    cb.canDeliver = [this] { return m_link->canTakeBatch(); };
    cb.backfillFinished = [this] { m_link->backfillFinished(); };
    cb.failed = [this](const QString& message) {
        m_failed = true;
        sendStatus(ConnectionStatus::State::Failed, message);
    };
    cb.presenceChanged = [this] {
        if (m_streams && !m_failed) {
            sendStatus(ConnectionStatus::State::Connected,
                       m_streams->presenceMessage().isEmpty()
                           ? QStringLiteral("running %1 on this machine").arg(m_streams->engine())
                           : m_streams->presenceMessage());
        }
    };
    m_streams = std::make_unique<ContainerStreams>(std::move(config), std::move(cb));
}

LocalWorker::~LocalWorker()
{
    for (auto& [role, p] : m_processes) {
        p->disconnect(this);
        if (p->state() != QProcess::NotRunning) {
            p->kill();
            p->waitForFinished(500);
        }
        delete p;
    }
}

void LocalWorker::sendStatus(ConnectionStatus::State state, const QString& message)
{
    ConnectionStatus st;
    st.state = state;
    st.host = QStringLiteral("localhost");
    st.engine = m_streams->engine();
    st.message = message;
    m_streams->describe(st);
    st.bytesReceived = m_streams->bytesReceived();
    m_sent = st;
    m_link->status(st);
}

void LocalWorker::begin()
{
    const QString engine = RemoteCommands::localEngine();
    m_timer = new QTimer(this);
    m_timer->setInterval(100);
    connect(m_timer, &QTimer::timeout, this, [this] {
        m_streams->tick();
        ConnectionStatus now;
        m_streams->describe(now);
        if (!m_failed
            && (now.statsRunning != m_sent.statsRunning || now.logsRunning != m_sent.logsRunning
                || now.eventsRunning != m_sent.eventsRunning || now.statsSource != m_sent.statsSource
                || now.logsSource != m_sent.logsSource || now.eventsSource != m_sent.eventsSource)) {
            sendStatus(ConnectionStatus::State::Connected, m_sent.message);
        }
    });
    m_timer->start();
    m_streams->attach(this, engine);
    if (!m_failed && m_streams->presenceMessage().isEmpty()) {
        sendStatus(ConnectionStatus::State::Connected,
                   QStringLiteral("running %1 on this machine").arg(m_streams->engine()));
    }
}

bool LocalWorker::startCommand(int role, const RemoteCommand& command, QString* error)
{
    stopCommand(role);
    auto* p = new QProcess(this);
    p->setProgram(command.localProgram());
    p->setArguments(command.localArguments());
    connect(p, &QProcess::readyReadStandardOutput, this,
            [this, role, p] { m_streams->onOutput(role, LogStream::Stdout, p->readAllStandardOutput()); });
    connect(p, &QProcess::readyReadStandardError, this,
            [this, role, p] { m_streams->onOutput(role, LogStream::Stderr, p->readAllStandardError()); });
    connect(p, &QProcess::finished, this, [this, role, p](int code, QProcess::ExitStatus status) {
        const QByteArray out = p->readAllStandardOutput();
        const QByteArray err = p->readAllStandardError();
        if (!out.isEmpty()) {
            m_streams->onOutput(role, LogStream::Stdout, out);
        }
        if (!err.isEmpty()) {
            m_streams->onOutput(role, LogStream::Stderr, err);
        }
        auto it = m_processes.find(role);
        if (it != m_processes.end() && it->second == p) {
            m_processes.erase(it);
        }
        p->deleteLater();
        m_streams->onFinished(role, status == QProcess::NormalExit ? code : 128 + 9);
    });
    connect(p, &QProcess::errorOccurred, this, [this, role, p](QProcess::ProcessError e) {
        if (e != QProcess::FailedToStart) {
            return;
        }
        auto it = m_processes.find(role);
        if (it != m_processes.end() && it->second == p) {
            m_processes.erase(it);
        }
        p->deleteLater();
        m_streams->onFinished(role, 127);
    });
    m_processes[role] = p;
    // The write channel stays open: closing it is how the wrapper learns to kill the engine.
    p->start(QIODevice::ReadWrite);
    Q_UNUSED(error);
    return true;
}

void LocalWorker::stopCommand(int role)
{
    auto it = m_processes.find(role);
    if (it == m_processes.end()) {
        return;
    }
    QProcess* p = it->second;
    m_processes.erase(it);
    p->disconnect(this);
    p->closeWriteChannel();
    // The wrapper needs ~1 s (TERM, then KILL); reap it then, and kill it if it is still there after 3 s.
    connect(p, &QProcess::finished, p, &QObject::deleteLater);
    QTimer::singleShot(3000, p, [p] { p->kill(); });
}

void LocalWorker::shutdown()
{
    if (m_timer) {
        m_timer->stop();
    }
    m_processes.clear();
    // Running commands and those stopped earlier (still winding down) alike.
    for (QProcess* p : findChildren<QProcess*>(Qt::FindDirectChildrenOnly)) {
        p->disconnect(this);
        p->closeWriteChannel();
    }
    QElapsedTimer since;
    since.start();
    auto* reap = new QTimer(this);
    connect(reap, &QTimer::timeout, this, [this, reap, since] {
        bool running = false;
        for (QProcess* p : findChildren<QProcess*>(Qt::FindDirectChildrenOnly)) {
            if (p->state() != QProcess::NotRunning) {
                running = true;
                if (since.elapsed() > 1600) {
                    p->kill(); // the wrapper did not end it: TERM and KILL take about a second
                }
            }
        }
        if (!running || since.elapsed() > 3000) {
            reap->stop();
            QThread* thread = this->thread();
            deleteLater(); // run by the thread as it finishes; the destructor kills what is left
            thread->quit();
        }
    });
    reap->start(20);
}

} // namespace heapwatch
