// A saved `docker logs --timestamps` file (stdout and stderr together), optionally with a saved
// `docker stats` output, read as a target for post-mortem analysis. start() returns at once: the files are
// read and parsed in a worker thread the source owns, and the batches arrive queued in the source's thread
// (a few at a time, so that a file of hundreds of megabytes never piles up in the event queue).
#pragma once

#include "Source.h"

#include <atomic>
#include <functional>
#include <memory>

class QThread;

namespace heapwatch {

class ReplaySource : public Source
{
    Q_OBJECT
public:
    ReplaySource(QString logPath, QString statsPath = {}, QObject* parent = nullptr);
    ~ReplaySource() override;

    // Emits Connecting, then (queued, from the reader thread) the batches, Finished (or Failed with the
    // reason: a file that cannot be read) and backfillFinished. A replay read to its end with nothing to judge
    // (TargetState::hasSomethingToJudge) is failed to its Target, with nothingToJudge() as the reason.
    void start() override;
    // Stops the reading; nothing is emitted after it. Returns at once.
    void stop() override;
    QString targetName() const override;
    bool isLive() const override { return false; }
    bool readHistory(const std::function<void(const IngestBatch&)>& sink, QString* error) override
    {
        return readFiles(m_logPath, m_statsPath, sink, error, nullptr, true);
    }

    // Reads everything, handing each batch to sink in the calling thread, in file order. A regular file is
    // read and parsed in segments of whole lines by worker threads a few segments ahead, so that a large file
    // never sits in memory whole; the batches hold what one parser reading from the start would give. False and
    // *error when a file cannot be read (or cancel was set).
    bool read(const std::function<void(const IngestBatch&)>& sink, QString* error,
              const std::atomic<bool>* cancel = nullptr) const;

    // Why a replay that was read has nothing to judge: "nothing recognisable in app.log (120 lines, 0 malformed,
    // 0 oversized)", or where some of its lines were known but none had a figure (the app's start lines alone),
    // "nothing to judge in app.log (3 lines, 1 recognised, none with a figure; 0 malformed, 0 oversized)", and where
    // some were --trace-gc lines without the engine's timestamps (untimedGcLines, TargetState's count), ": its 2
    // --trace-gc lines have no time without the engine's timestamps (docker logs --timestamps)".
    // inputName: TargetConfig::inputName of the log.
    static QString nothingToJudge(const QString& inputName, const ParseCounters& log, qint64 untimedGcLines = 0);
    // TargetConfig::inputName of the log: the path as given, or "standard input".
    QString inputName() const;

    // Batches posted by the reader and not yet emitted; the reader waits while there are this many.
    static constexpr int kMaxBatchesInFlight = 4;

private:
    struct Outbox;
    // wholeHistory: the sink applies every batch before anything reads the state (IngestBatch::problemsAfter).
    static bool readFiles(const QString& logPath, const QString& statsPath,
                          const std::function<void(const IngestBatch&)>& sink, QString* error,
                          const std::atomic<bool>* cancel, bool wholeHistory = false);

    QString m_logPath;
    QString m_statsPath;
    QThread* m_thread = nullptr;
    std::shared_ptr<Outbox> m_outbox;
};

} // namespace heapwatch
