// One watched target: its source, its state model and its thresholds. Lives in the GUI (or main) thread;
// the source hands over parsed batches through queued signals.
#pragma once

#include "Assessment.h"
#include "Source.h"
#include "TargetState.h"
#include "Thresholds.h"

#include <QObject>
#include <QTimer>
#include <memory>

namespace heapwatch {

class HistoryStore;
class TargetRecorder;

class Target : public QObject
{
    Q_OBJECT
public:
    Target(std::unique_ptr<Source> source, const Thresholds& thresholds, QObject* parent = nullptr);
    ~Target() override;

    QString name() const { return m_state.name(); }
    const TargetState& state() const { return m_state; }
    Source* source() const { return m_source.get(); }
    bool isLive() const { return m_source->isLive(); }
    bool backfillDone() const { return m_backfillDone; }

    const Thresholds& thresholds() const { return m_thresholds; }
    void setThresholds(const Thresholds& thresholds);

    // The time the target is judged at: the wall clock for live sources, the last data for a saved log.
    qint64 now() const;
    // Recomputed when the state changed or the clock moved on by a second; cheap to call often.
    const Assessment& assessment() const;

    // Records the target into store under key (TargetConfig::key()), and makes start() load what the store
    // holds of it first. Call before start(); the store must outlive the target.
    void recordHistory(HistoryStore* store, const QString& key, const QString& displayName);
    const TargetRecorder* recorder() const { return m_recorder.get(); }
    // Saves what the recorder has not saved yet (stop() does too).
    void saveHistory();

    void start();
    void stop();
    // A batch read by the caller itself (a replay or demo history read before judging, as `check` does):
    // applied as if the source had delivered it.
    void ingest(const IngestBatch& batch) { onBatch(batch); }
    // A heap snapshot taken of this target: a chart marker at the start of the app's pause.
    void noteHeapSnapshot(qint64 atMs, qint64 pauseMs, const QString& text)
    {
        m_state.noteHeapSnapshot(atMs, pauseMs, text);
        Q_EMIT changed();
    }

    void noteHeapGrowth(HeapGrowthEvidence evidence)
    {
        m_state.setHeapGrowth(std::move(evidence));
        Q_EMIT changed();
    }

Q_SIGNALS:
    void changed(); // the state took a batch (or the connection changed)
    void connectionChanged(const heapwatch::ConnectionStatus& status);
    void backfillFinished();

private:
    void onBatch(const IngestBatch& batch);
    void onConnection(const ConnectionStatus& status);

    std::unique_ptr<Source> m_source;
    TargetState m_state;
    Thresholds m_thresholds;
    bool m_backfillDone = false;
    bool m_starting = false; // inside start(): batches emitted now are applied after it
    std::unique_ptr<TargetRecorder> m_recorder; // a HistoryRecorder (recordHistory)
    QTimer m_saveTimer;
    mutable Assessment m_assessment;
    mutable quint64 m_assessedRevision = ~quint64(0);
    mutable qint64 m_assessedSecond = -1;
};

} // namespace heapwatch
