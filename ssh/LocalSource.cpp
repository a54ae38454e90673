#include "LocalSource.h"

#include "LocalWorker.h"
#include "TargetLink.h"

#include <QMetaObject>

namespace heapwatch {

LocalSource::LocalSource(StreamsConfig config, QString name, QObject* parent)
    : Source(parent)
    , m_config(std::move(config))
    , m_name(std::move(name))
{
    qRegisterMetaType<IngestBatch>();
    qRegisterMetaType<ConnectionStatus>();
    m_thread.setObjectName(QStringLiteral("local:") + m_config.container);
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
    m_worker = new LocalWorker(m_config, m_link);
    m_worker->moveToThread(&m_thread);
    m_thread.start();
    QMetaObject::invokeMethod(m_worker, &LocalWorker::begin, Qt::QueuedConnection);
}

void LocalSource::stop()
{
    if (!m_worker) {
        return;
    }
    m_link->detach();
    QMetaObject::invokeMethod(m_worker, &LocalWorker::shutdown, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_worker; // its thread has finished: no event can reach it any more
    m_worker = nullptr;
    m_link.reset();
}

} // namespace heapwatch
