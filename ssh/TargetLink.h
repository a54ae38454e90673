// The one way a worker thread hands results to a Source living in another thread: every delivery is posted
// to the Source's thread (queued), and nothing is posted or emitted once the Source detached the link, so a
// stopped or destroyed Source never hears from a worker again.
#pragma once

#include "Source.h"

#include <QMutex>
#include <memory>

namespace heapwatch {

class TargetLink : public std::enable_shared_from_this<TargetLink>
{
public:
    explicit TargetLink(Source* source);

    // From the Source's thread. After it returns no signal of the source is emitted by this link.
    void detach();
    bool isAttached() const;

    // From any thread.
    void batch(IngestBatch&& batch);
    void status(const ConnectionStatus& status);
    void backfillFinished();

private:
    template<typename F> void post(F&& emitter);

    mutable QMutex m_mutex;
    Source* m_source;
};

} // namespace heapwatch
