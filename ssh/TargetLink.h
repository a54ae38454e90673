// The one way a worker thread hands results to a Source living in another thread: every delivery is posted
// to the Source's thread (queued), and nothing is posted or emitted once the Source detached the link, so a
// stopped or destroyed Source never hears from a worker again.
//
// Batches are acknowledged: a batch counts as in flight from batch() until the Source's thread has emitted
// it. A worker asks canTakeBatch() before handing one over and, while kMaxBatchesInFlight are queued, keeps
// coalescing into its own bounded pending batch (see ContainerStreams): a GUI thread that cannot keep up
// with a log flood never faces a queue that grows without bound.
#pragma once

#include "Source.h"

#include <QMutex>
#include <atomic>
#include <memory>

namespace heapwatch {

class TargetLink : public std::enable_shared_from_this<TargetLink>
{
public:
    // Two: one being applied while the next waits, so a consumer that keeps up is never starved. The Target
    // behind the Source applies a batch while it is emitted, so this bounds what waits in the GUI thread.
    static constexpr int kMaxBatchesInFlight = 2;

    explicit TargetLink(Source* source);

    // From the Source's thread. After it returns no signal of the source is emitted by this link.
    void detach();
    bool isAttached() const;

    // From any thread.
    void batch(IngestBatch&& batch);
    void status(const ConnectionStatus& status);
    void backfillFinished();
    // Batches posted and not yet emitted by the Source's thread.
    int batchesInFlight() const { return m_inFlight.load(std::memory_order_acquire); }
    bool canTakeBatch() const { return batchesInFlight() < kMaxBatchesInFlight; }

private:
    template<typename F> bool post(F&& emitter, bool isBatch);

    mutable QMutex m_mutex;
    Source* m_source;
    std::atomic<int> m_inFlight {0};
};

} // namespace heapwatch
