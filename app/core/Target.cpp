#include "Target.h"

#include "MemoryRelease.h"
#include "PlainText.h"
#include "ReplaySource.h"
#include "TargetRecorder.h"

#include <QDateTime>
#include <QElapsedTimer>

#ifdef __GLIBC__
#    include <malloc.h>
#endif

namespace heapwatch {

TargetRecorder::~TargetRecorder() = default;

namespace {

constexpr qsizetype kMaxConnectionMessageChars = 1000;

} // namespace

Target::Target(std::unique_ptr<Source> source, const Thresholds& thresholds, QObject* parent)
    : QObject(parent)
    , m_source(std::move(source))
    , m_state(m_source->targetName(), thresholds)
    , m_thresholds(thresholds)
{
    // Batches: direct when emitted in this thread (an SSH source emits from the event its worker posted: no
    // copy of a big batch, and the worker's in-flight count then means "applied"), queued from another thread
    // (a saved log read in a worker) and while start() runs (a source may emit from inside start()).
    connect(m_source.get(), &Source::batchReady, this, [this](const IngestBatch& batch) {
        if (m_starting) {
            QMetaObject::invokeMethod(
                this, [this, batch] { onBatch(batch); }, Qt::QueuedConnection);
            return;
        }
        onBatch(batch);
    });
    // Queued even when the source lives in this thread: a source may emit from inside start().
    connect(m_source.get(), &Source::connectionChanged, this, &Target::onConnection, Qt::QueuedConnection);
    connect(
        m_source.get(), &Source::backfillFinished, this,
        [this] {
            m_backfillDone = true;
            Q_EMIT backfillFinished();
        },
        Qt::QueuedConnection);
}

Target::~Target()
{
    stop();
}

void Target::setThresholds(const Thresholds& thresholds)
{
    m_thresholds = thresholds;
    m_assessedRevision = ~quint64(0);
    Q_EMIT changed();
}

qint64 Target::now() const
{
    if (isLive())
        return QDateTime::currentMSecsSinceEpoch();
    return std::max<qint64>(m_state.lastDataMs(), 0);
}

const Assessment& Target::assessment() const
{
    const qint64 nowMs = now();
    const qint64 second = nowMs / 1000;
    if (m_assessedRevision != m_state.revision() || m_assessedSecond != second) {
        m_assessment = assess(m_state, m_thresholds, nowMs);
        m_assessedRevision = m_state.revision();
        m_assessedSecond = second;
    }
    return m_assessment;
}

void Target::saveHistory()
{
    if (!m_recorder)
        return;
    // The flags' transitions are recorded from the judgement the console made for its alerts (every two
    // seconds), not judged again here; a target nobody judged lately is judged now.
    const bool recent = m_assessedRevision != ~quint64(0) && now() / 1000 - m_assessedSecond <= 2;
    const Assessment* judged = !m_backfillDone ? nullptr : recent ? &m_assessment : &assessment();
    m_recorder->save(m_state, judged, QDateTime::currentMSecsSinceEpoch());
    // What the store holds and the charts rarely show leaves memory. The store's writer frees the copies it was
    // handed once it committed them, seconds later (a backfill's week takes it a while): the free pages go back
    // after a drop, and every half minute for all targets. Not more often: a trim walks every arena, and the
    // pages it gives back are faulted in again by the next allocations.
    static QElapsedTimer sinceTrim;
    const bool dropped = m_recorder->dropStored(m_state) > 0;
    if (!sinceTrim.isValid() || sinceTrim.hasExpired(dropped ? 1000 : 30000)) {
        releaseFreedMemory();
        sinceTrim.start();
    }
}

void Target::start()
{
    if (m_recorder && !m_saveTimer.isActive()) {
        // The stored history first, so that the charts show it at once and the backfill only adds to it.
        QString error;
        const RestoredHistory history = m_recorder->restore(QDateTime::currentMSecsSinceEpoch(), &error);
        if (!error.isEmpty())
            qWarning("heapwatch: history of %s not read: %s", qPrintable(m_recorder->key()), qPrintable(error));
        m_state.restoreHistory(history);
        m_recorder->restored(m_state);
        if (m_recorder->dropStored(m_state) > 0)
            releaseFreedMemory();
        m_saveTimer.start();
    }
    m_starting = true;
    m_source->start();
    m_starting = false;
}

void Target::stop()
{
    if (m_source)
        m_source->stop();
    if (m_saveTimer.isActive()) {
        m_saveTimer.stop();
        saveHistory();
    }
}

void Target::onBatch(const IngestBatch& batch)
{
    m_state.apply(batch);
    if (m_recorder && m_saveTimer.isActive()
        && m_recorder->unsavedSealedChunks(m_state) >= TargetRecorder::kSaveAfterChunks) {
        saveHistory();
        m_saveTimer.start(); // the next save a whole interval later
    }
    Q_EMIT changed();
}

void Target::onConnection(const ConnectionStatus& received)
{
    // The message carries server text (libssh's disconnect reason, the engine's stderr) to every front end:
    // the status panel, the sidebar, check's stderr and first line, serve's log and /api/v1/targets.
    ConnectionStatus status = received;
    // A saved log read to its end with nothing in it to judge (an empty standard input under systemd, a file of
    // something else, the app's start line alone) is not a finished replay whose flags are all unknown, which
    // `serve` would count as up: failed, for the reason `check` gives (every batch was applied before this).
    if (status.state == ConnectionStatus::State::Finished && !m_state.hasSomethingToJudge()) {
        if (const auto* replay = qobject_cast<const ReplaySource*>(m_source.get())) {
            status.state = ConnectionStatus::State::Failed;
            status.message
                = ReplaySource::nothingToJudge(replay->inputName(), m_state.logCounters(), m_state.untimedGcLines());
        }
    }
    status.message = oneLine(status.message, kMaxConnectionMessageChars);
    m_state.setConnection(status);
    if (m_recorder)
        m_recorder->noteConnection(status, QDateTime::currentMSecsSinceEpoch());
    Q_EMIT connectionChanged(status);
    Q_EMIT changed();
}

} // namespace heapwatch
