// Records one live target into the history store, and reads it back when the target starts again. Shared by
// the console and `heapwatch serve` (Target owns one when given a store). Every save is a diff: the ring
// chunks sealed since the last save, the open chunk when it grew (the store replaces it under its first row,
// so a kill loses at most a save interval plus the store's commit interval), the markers, flag levels and
// recommendations that changed, and connection outages.
#pragma once

#include "Assessment.h"
#include "HistoryRecords.h"
#include "Source.h"
#include "TargetRecorder.h"
#include "TargetState.h"

#include <QHash>
#include <QPointer>
#include <QSet>
#include <QString>
#include <array>
#include <memory>

namespace heapwatch {

class HistoryReader;
class HistoryStore;

class HistoryRecorder : public TargetRecorder
{
public:
    // How often Target saves; with the store's commit interval (2 s) a kill loses at most 6 s. Each save
    // encodes every ring's open chunk again and the store rewrites it: every 2 s this was a third of an idle
    // console's CPU.
    static constexpr int kSaveIntervalMs = 4000;
    // A silence this long since heapwatch last saved the target is a span it did not watch (a ConnectionGap
    // event, a gap band on the charts); shorter ones are a reconnect of the same run.
    static constexpr qint64 kMinGapMs = 10000;

    // Sealed chunks of the last kResidentMs stay in memory whole (the 1 h chart, growth's hour, the flags'
    // look-backs of 15 and 20 min and the overview's hour of sparklines read them); older ones keep only a summary once
    // the store holds them, and are read back from the store when a chart zoomed into them, an export or a report needs
    // their rows.
    static constexpr qint64 kResidentMs = 75LL * 60 * 1000;

    HistoryRecorder(HistoryStore* store, QString key, QString displayName);
    ~HistoryRecorder() override;
    HistoryRecorder(const HistoryRecorder&) = delete;
    HistoryRecorder& operator=(const HistoryRecorder&) = delete;

    const QString& key() const override { return m_key; }

    // What the store holds of the target over the full-resolution retention before nowMs, plus a gap from the
    // time it was last saved to nowMs (also stored as a ConnectionGap event). Empty when nothing is stored or
    // the store cannot be read (*error says why).
    RestoredHistory restore(qint64 nowMs, QString* error) override;
    // The state has taken what restore() returned: its chunks and markers are stored already.
    void restored(const TargetState& state) override;
    // Gives the state's rings a loader that reads their chunks back from the store, so that they may drop
    // them (dropStored). The recorder must outlive the state's use of the rings, or detach() first.
    void attach(TargetState& state);
    void detach(TargetState& state);
    // Drops from memory the sealed chunks older than kResidentMs before the newest row that the store has
    // committed: saved by an earlier save() than the last one (the store commits within 2 s, a save interval).
    // Chunks restored from the store count as committed. Returns the chunks dropped.
    qsizetype dropStored(TargetState& state) override;
    // Sealed chunks handed to the store so far (the writer frees its copies once committed).
    qint64 sealedChunksSaved() const { return m_sealedSaved; }
    // The most sealed chunks one of the state's rings holds that were not saved yet: a long history arriving at
    // once (a backfill) is saved, and so dropped from memory, every few chunks rather than all at the next save.
    qint64 unsavedSealedChunks(const TargetState& state) const override;

    // Saves what changed since the last save. judged: the assessment, once the backfill is in (flags judged on
    // half a history are not transitions); nullptr before.
    void save(const TargetState& state, const Assessment* judged, qint64 nowMs) override;
    // Outages of the connection after it was up once: a ConnectionGap event when it is back.
    void noteConnection(const ConnectionStatus& status, qint64 nowMs) override;

    // Markers as stored events and back (the restart kind holds starts, restarts and deaths; detail.marker
    // says which).
    static StoredEvent markerEvent(const QString& key, const Marker& marker);
    static std::optional<Marker> markerOf(const StoredEvent& event);

private:
    template<int N> void saveRing(const SampleRing<N>& ring, RingKind kind);
    template<int N> bool loadChunk(RingKind kind, qint64 firstMs, typename SampleRing<N>::Chunk* chunk);

    QPointer<HistoryStore> m_store;
    QString m_key;
    QString m_displayName;
    std::array<qint64, 3> m_savedSerial {-1, -1, -1}; // newest sealed chunk saved, by RingKind
    std::array<qint64, 3> m_committedSerial {-1, -1, -1}; // newest sealed chunk the store has committed
    qint64 m_sealedSaved = 0;
    std::unique_ptr<HistoryReader> m_reader; // opened on the first read-back, in the targets' thread
    std::array<qint64, 3> m_savedOpenMs {-1, -1, -1}; // newest row of the open chunk saved
    std::array<qint64, 3> m_savedOpenRows {-1, -1, -1};
    QSet<QString> m_savedMarkers;
    QHash<QString, Level> m_flagLevels;
    QHash<QString, Level> m_recommendations;
    bool m_judged = false;
    bool m_wasConnected = false;
    qint64 m_downSinceMs = -1;
};

} // namespace heapwatch
