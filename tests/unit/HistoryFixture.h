// Fills a history store from real data: the demo host's six hours of history (the investigation's story)
// taken into a TargetState, whose rings' sealed chunks and open chunk are stored as they are, with the
// restart markers as events.
#pragma once

#include "DemoSource.h"
#include "HistoryStore.h"
#include "TargetState.h"

#include <QDateTime>
#include <QJsonObject>
#include <memory>

namespace heapwatch::historytest {

// The demo's "now": the investigation's T+5 min figures (RSS 336.6 MiB, heap 212.7/218.0 MiB).
inline const qint64 kDemoNowMs
    = QDateTime::fromString(QStringLiteral("2026-01-14T10:00:00Z"), Qt::ISODate).toMSecsSinceEpoch();

inline std::unique_ptr<TargetState> demoState(qint64 nowMs = kDemoNowMs, double hours = 6.0)
{
    DemoOptions options;
    options.live = false;
    options.nowMs = nowMs;
    options.historyHours = hours;
    DemoSource demo(options);
    auto state = std::make_unique<TargetState>(QStringLiteral("pangolin"));
    demo.generateHistory(nowMs, [&state](const IngestBatch& batch) { state->apply(batch); });
    return state;
}

template<int N> void storeRing(HistoryStore& store, const QString& key, RingKind kind, const SampleRing<N>& ring)
{
    for (qsizetype i = 0; i < ring.sealedChunkCount(); ++i)
        store.addChunk(storedSealedChunk(key, kind, ring, i));
    if (ring.openRowCount() > 0)
        store.addChunk(storedOpenChunk(key, kind, ring));
}

inline void storeState(HistoryStore& store, const QString& key, const TargetState& state)
{
    store.noteTarget(key, state.name(), state.lastDataMs());
    storeRing(store, key, RingKind::Stats, state.stats());
    storeRing(store, key, RingKind::Process, state.process());
    storeRing(store, key, RingKind::Cache, state.cache());
    for (const Marker& m : state.markers()) {
        if (m.kind != Marker::Kind::Restart && m.kind != Marker::Kind::OomKill)
            continue;
        StoredEvent e;
        e.targetKey = key;
        e.atMs = m.atMs;
        e.kind = m.kind == Marker::Kind::OomKill ? HistoryEventKind::OomKill
            : m.recreated                        ? HistoryEventKind::Recreate
                                                 : HistoryEventKind::Restart;
        e.detail = QJsonObject {{QStringLiteral("text"), m.text}, {QStringLiteral("exit_code"), m.exitCode}};
        store.addEvent(e);
    }
}

// Every row the ring holds, oldest first.
template<int N> std::vector<SampleRow<N>> ringRows(const SampleRing<N>& ring)
{
    std::vector<SampleRow<N>> rows;
    for (qsizetype i = 0; i < ring.size(); ++i)
        rows.push_back(ring.at(i));
    return rows;
}

} // namespace heapwatch::historytest
