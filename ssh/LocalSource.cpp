#include "LocalSource.h"

#include "LocalWorker.h"
#include "TargetLink.h"
#include "ThreadReaper.h"

#include <QMetaObject>
#include <QThread>

namespace heapwatch {

LocalSource::LocalSource(StreamsConfig config, QString name, QObject* parent)
    : Source(parent)
    , m_config(std::move(config))
    , m_name(std::move(name))
{
    qRegisterMetaType<IngestBatch>();
    qRegisterMetaType<ConnectionStatus>();
}

LocalSource::~LocalSource()
{
    stop();
}

void LocalSource::start()
{
    if (m_worker) {
        return;
    }
    m_link = std::make_shared<TargetLink>(this);
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("local:") + m_config.container);
    m_worker = new LocalWorker(m_config, m_link);
    m_worker->moveToThread(m_thread);
    m_thread->start();
    QMetaObject::invokeMethod(m_worker, &LocalWorker::begin, Qt::QueuedConnection);
}

void LocalSource::stop()
{
    if (!m_worker) {
        return;
    }
    m_link->detach();
    // The worker ends its processes, deletes itself and quits its thread; nobody here waits for that.
    QMetaObject::invokeMethod(m_worker, &LocalWorker::shutdown, Qt::QueuedConnection);
    ThreadReaper::adopt(m_thread);
    m_thread = nullptr;
    m_worker = nullptr;
    m_link.reset();
}

} // namespace heapwatch
