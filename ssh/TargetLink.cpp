#include "TargetLink.h"

#include <QMetaObject>

namespace heapwatch {

TargetLink::TargetLink(Source* source)
    : m_source(source)
{
}

void TargetLink::detach()
{
    QMutexLocker lock(&m_mutex);
    m_source = nullptr;
}

bool TargetLink::isAttached() const
{
    QMutexLocker lock(&m_mutex);
    return m_source != nullptr;
}

template<typename F> void TargetLink::post(F&& emitter)
{
    // Posting under the lock: the Source cannot be destroyed between the check and the post, and once
    // posted, Qt discards the event if the Source is destroyed before it runs.
    QMutexLocker lock(&m_mutex);
    if (!m_source) {
        return;
    }
    std::weak_ptr<TargetLink> weak = weak_from_this();
    Source* source = m_source;
    QMetaObject::invokeMethod(
        source,
        [weak, source, emitter = std::forward<F>(emitter)]() mutable {
            const auto self = weak.lock();
            if (self && self->isAttached()) {
                emitter(source);
            }
        },
        Qt::QueuedConnection);
}

void TargetLink::batch(IngestBatch&& b)
{
    post([b = std::move(b)](Source* s) { Q_EMIT s->batchReady(b); });
}

void TargetLink::status(const ConnectionStatus& st)
{
    post([st](Source* s) { Q_EMIT s->connectionChanged(st); });
}

void TargetLink::backfillFinished()
{
    post([](Source* s) { Q_EMIT s->backfillFinished(); });
}

} // namespace heapwatch
