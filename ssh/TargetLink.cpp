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

template<typename F> bool TargetLink::post(F&& emitter, bool isBatch)
{
    // Posting under the lock: the Source cannot be destroyed between the check and the post, and once
    // posted, Qt discards the event if the Source is destroyed before it runs.
    QMutexLocker lock(&m_mutex);
    if (!m_source) {
        return false;
    }
    if (isBatch) {
        m_inFlight.fetch_add(1, std::memory_order_acq_rel);
    }
    std::weak_ptr<TargetLink> weak = weak_from_this();
    Source* source = m_source;
    QMetaObject::invokeMethod(
        source,
        [weak, source, isBatch, emitter = std::forward<F>(emitter)]() mutable {
            const auto self = weak.lock();
            if (!self) {
                return;
            }
            if (self->isAttached()) {
                emitter(source);
            }
            if (isBatch) {
                self->m_inFlight.fetch_sub(1, std::memory_order_acq_rel);
            }
        },
        Qt::QueuedConnection);
    return true;
}

void TargetLink::batch(IngestBatch&& b)
{
    post([b = std::move(b)](Source* s) { Q_EMIT s->batchReady(b); }, true);
}

void TargetLink::status(const ConnectionStatus& st)
{
    post([st](Source* s) { Q_EMIT s->connectionChanged(st); }, false);
}

void TargetLink::backfillFinished()
{
    post([](Source* s) { Q_EMIT s->backfillFinished(); }, false);
}

} // namespace heapwatch
