#include "HistoryRecorder.h"

#include "HistoryReader.h"
#include "HistoryStore.h"

#include <QJsonObject>
#include <algorithm>

namespace heapwatch {
namespace {

const char* const kMarkerNames[] = {"start", "restart", "die", "oom_kill", "heap_oom", "heap_snapshot"};

QString markerName(Marker::Kind kind)
{
    return QString::fromLatin1(kMarkerNames[int(kind)]);
}

std::optional<Marker::Kind> markerKindFromName(const QString& name)
{
    for (int i = 0; i < int(std::size(kMarkerNames)); ++i)
        if (name == QLatin1String(kMarkerNames[i]))
            return Marker::Kind(i);
    return std::nullopt;
}

QString markerId(const Marker& m)
{
    return QStringLiteral("%1/%2/%3/%4").arg(m.atMs).arg(int(m.kind)).arg(m.exitCode).arg(m.recreated);
}

} // namespace

HistoryRecorder::HistoryRecorder(HistoryStore* store, QString key, QString displayName)
    : m_store(store)
    , m_key(std::move(key))
    , m_displayName(std::move(displayName))
{
}

HistoryRecorder::~HistoryRecorder() = default;

template<int N> bool HistoryRecorder::loadChunk(RingKind kind, qint64 firstMs, typename SampleRing<N>::Chunk* chunk)
{
    if (!m_store || !m_store->isOpen())
        return false;
    if (!m_reader) {
        m_reader = std::make_unique<HistoryReader>(m_store->path());
        QString error;
        if (!m_reader->open(&error)) {
            m_reader.reset();
            return false;
        }
        m_reader->setCacheKiB(256); // a chunk is read once per chart pass: SQLite's cache buys little
    }
    std::optional<StoredChunk> stored = m_reader->chunkStartingAt(m_key, kind, firstMs);
    if (!stored) {
        // Saved but not committed yet (a slow disk): commit it and read again.
        m_store->flush().waitForFinished();
        stored = m_reader->chunkStartingAt(m_key, kind, firstMs);
    }
    return stored && stored->rows == SampleRing<N>::kChunkRows
        && historycodec::unpackChunk<N>(stored->bytes, stored->summaries, chunk);
}

void HistoryRecorder::attach(TargetState& state)
{
    state.processStorage().setChunkLoader([this](qint64 t0, ProcessRing::Chunk* c) {
        return loadChunk<ProcessRing::kColumns>(RingKind::Process, t0, c);
    });
    state.statsStorage().setChunkLoader(
        [this](qint64 t0, StatsRing::Chunk* c) { return loadChunk<StatsRing::kColumns>(RingKind::Stats, t0, c); });
    state.cacheStorage().setChunkLoader(
        [this](qint64 t0, CacheRing::Chunk* c) { return loadChunk<CacheRing::kColumns>(RingKind::Cache, t0, c); });
}

void HistoryRecorder::detach(TargetState& state)
{
    state.processStorage().setChunkLoader({});
    state.statsStorage().setChunkLoader({});
    state.cacheStorage().setChunkLoader({});
}

qsizetype HistoryRecorder::dropStored(TargetState& state)
{
    if (!m_store || !m_store->isOpen())
        return 0;
    auto drop = [this](auto& ring, RingKind kind) -> qsizetype {
        if (ring.isEmpty() || !ring.hasChunkLoader())
            return 0;
        return ring.evictSealed(m_committedSerial[size_t(kind)], ring.last().atMs - kResidentMs);
    };
    return drop(state.processStorage(), RingKind::Process) + drop(state.statsStorage(), RingKind::Stats)
        + drop(state.cacheStorage(), RingKind::Cache);
}

qint64 HistoryRecorder::unsavedSealedChunks(const TargetState& state) const
{
    auto unsaved = [this](const auto& ring, RingKind kind) -> qint64 {
        const qsizetype n = ring.sealedChunkCount();
        return n == 0 ? 0 : std::max<qint64>(0, ring.sealedSerial(n - 1) - m_savedSerial[size_t(kind)]);
    };
    return std::max({unsaved(state.process(), RingKind::Process), unsaved(state.stats(), RingKind::Stats),
                     unsaved(state.cache(), RingKind::Cache)});
}

StoredEvent HistoryRecorder::markerEvent(const QString& key, const Marker& marker)
{
    StoredEvent e;
    e.targetKey = key;
    e.atMs = marker.atMs;
    switch (marker.kind) {
    case Marker::Kind::OomKill:
    case Marker::Kind::HeapOom:
        e.kind = HistoryEventKind::OomKill;
        break;
    case Marker::Kind::Restart:
        e.kind = marker.recreated ? HistoryEventKind::Recreate : HistoryEventKind::Restart;
        break;
    case Marker::Kind::Start:
    case Marker::Kind::Die:
        e.kind = HistoryEventKind::Restart;
        break;
    case Marker::Kind::HeapSnapshot:
        e.kind = HistoryEventKind::HeapSnapshot;
        e.detail.insert(QStringLiteral("duration_ms"), marker.durationMs);
        break;
    }
    e.detail.insert(QStringLiteral("marker"), markerName(marker.kind));
    if (marker.exitCode >= 0)
        e.detail.insert(QStringLiteral("exit_code"), marker.exitCode);
    e.detail.insert(QStringLiteral("text"), marker.text);
    return e;
}

std::optional<Marker> HistoryRecorder::markerOf(const StoredEvent& event)
{
    if (event.kind != HistoryEventKind::Restart && event.kind != HistoryEventKind::Recreate
        && event.kind != HistoryEventKind::OomKill && event.kind != HistoryEventKind::HeapSnapshot)
        return std::nullopt;
    const std::optional<Marker::Kind> kind
        = markerKindFromName(event.detail.value(QStringLiteral("marker")).toString());
    Marker m;
    m.atMs = event.atMs;
    // An event without a marker name (written by hand, or by a later heapwatch) still marks the chart.
    m.kind = kind.value_or(event.kind == HistoryEventKind::OomKill            ? Marker::Kind::OomKill
                               : event.kind == HistoryEventKind::HeapSnapshot ? Marker::Kind::HeapSnapshot
                                                                              : Marker::Kind::Restart);
    if (m.kind == Marker::Kind::HeapSnapshot)
        m.durationMs = qMax<qint64>(0, event.detail.value(QStringLiteral("duration_ms")).toInteger());
    m.exitCode = event.detail.value(QStringLiteral("exit_code")).toInt(-1);
    m.text = event.detail.value(QStringLiteral("text")).toString().left(500);
    m.recreated = event.kind == HistoryEventKind::Recreate;
    return m;
}

RestoredHistory HistoryRecorder::restore(qint64 nowMs, QString* error)
{
    RestoredHistory history;
    if (!m_store || !m_store->isOpen())
        return history;
    m_store->flush().waitForFinished(); // a reconnect reads what the target's previous run saved
    HistoryReader reader(m_store->path());
    if (!reader.open(error))
        return history;
    std::optional<StoredTarget> target;
    for (const StoredTarget& t : reader.targets())
        if (t.key == m_key)
            target = t;
    if (!target)
        return history;
    const qint64 from = nowMs - m_store->options().fullRetentionMs;
    for (RingKind ring : kRingKinds)
        history.chunks[size_t(ring)] = reader.chunks(m_key, ring, from, nowMs);
    for (const StoredEvent& e : reader.events(m_key, from, nowMs)) {
        if (std::optional<Marker> m = markerOf(e)) {
            history.markers.push_back(*m);
        } else if (e.kind == HistoryEventKind::ConnectionGap) {
            const qint64 until = qint64(e.detail.value(QStringLiteral("until")).toDouble(-1));
            if (until > e.atMs)
                history.unwatched.push_back({e.atMs, until});
        }
    }
    if (target->lastSeenMs > 0 && nowMs - target->lastSeenMs >= kMinGapMs) {
        // heapwatch was not running (or not watching this target) since it last saved it.
        StoredEvent gap;
        gap.targetKey = m_key;
        gap.atMs = target->lastSeenMs;
        gap.kind = HistoryEventKind::ConnectionGap;
        gap.detail
            = {{QStringLiteral("until"), double(nowMs)}, {QStringLiteral("reason"), QStringLiteral("not watched")}};
        m_store->addEvent(gap);
        history.unwatched.push_back({target->lastSeenMs, nowMs});
    }
    return history;
}

void HistoryRecorder::restored(const TargetState& state)
{
    auto mark = [this](const auto& ring, RingKind kind) {
        const size_t k = size_t(kind);
        if (ring.sealedChunkCount() > 0)
            m_savedSerial[k] = m_committedSerial[k] = ring.sealedSerial(ring.sealedChunkCount() - 1);
        m_savedOpenRows[k] = ring.openRowCount();
        m_savedOpenMs[k] = ring.isEmpty() ? -1 : ring.last().atMs;
    };
    mark(state.process(), RingKind::Process);
    mark(state.stats(), RingKind::Stats);
    mark(state.cache(), RingKind::Cache);
    for (const Marker& m : state.markers())
        m_savedMarkers.insert(markerId(m));
}

template<int N> void HistoryRecorder::saveRing(const SampleRing<N>& ring, RingKind kind)
{
    const size_t k = size_t(kind);
    m_committedSerial[k] = m_savedSerial[k]; // enqueued a save interval ago: committed by now
    for (qsizetype i = 0; i < ring.sealedChunkCount(); ++i) {
        if (ring.sealedSerial(i) <= m_savedSerial[k])
            continue;
        m_store->addChunk(storedSealedChunk(m_key, kind, ring, i));
        m_savedSerial[k] = ring.sealedSerial(i);
        ++m_sealedSaved;
    }
    const qsizetype open = ring.openRowCount();
    const qint64 lastMs = ring.isEmpty() ? -1 : ring.last().atMs;
    if (open > 0 && (open != m_savedOpenRows[k] || lastMs != m_savedOpenMs[k]))
        m_store->addChunk(storedOpenChunk(m_key, kind, ring));
    m_savedOpenRows[k] = open;
    m_savedOpenMs[k] = lastMs;
}

void HistoryRecorder::save(const TargetState& state, const Assessment* judged, qint64 nowMs)
{
    if (!m_store || !m_store->isOpen())
        return;
    m_store->noteTarget(m_key, m_displayName, nowMs);
    saveRing(state.process(), RingKind::Process);
    saveRing(state.stats(), RingKind::Stats);
    saveRing(state.cache(), RingKind::Cache);
    for (const Marker& m : state.markers()) {
        const QString id = markerId(m);
        if (m.atMs < 0 || m_savedMarkers.contains(id))
            continue;
        m_savedMarkers.insert(id);
        m_store->addEvent(markerEvent(m_key, m));
    }
    if (!judged)
        return;
    // Flag levels and recommendations: a change against the previous save is an event at nowMs. The first
    // judgement after a start records the levels that are not OK (from "unknown").
    for (const Flag& f : judged->flags) {
        const Level before = m_flagLevels.value(f.id, Level::Unknown);
        m_flagLevels.insert(f.id, f.level);
        const bool first = !m_judged;
        if (f.level == before || (first && (f.level == Level::Ok || f.level == Level::Unknown)))
            continue;
        StoredEvent e;
        e.targetKey = m_key;
        e.atMs = nowMs;
        e.kind = HistoryEventKind::FlagTransition;
        e.detail = {{QStringLiteral("flag"), f.id},
                    {QStringLiteral("from"), levelName(before)},
                    {QStringLiteral("to"), levelName(f.level)}};
        if (isKnown(f.value))
            e.detail.insert(QStringLiteral("value"), f.value);
        m_store->addEvent(e);
    }
    QHash<QString, Level> now;
    for (const Recommendation& r : judged->recommendations)
        if (r.level != Level::Ok) // "keep watching" and the like are advice, not incidents
            now.insert(r.id, r.level);
    auto recommendationEvent = [&](const QString& id, Level level, HistoryEventKind kind) {
        StoredEvent e;
        e.targetKey = m_key;
        e.atMs = nowMs;
        e.kind = kind;
        e.detail = {{QStringLiteral("id"), id}, {QStringLiteral("level"), levelName(level)}};
        m_store->addEvent(e);
    };
    for (auto it = now.cbegin(); it != now.cend(); ++it)
        if (!m_recommendations.contains(it.key()))
            recommendationEvent(it.key(), it.value(), HistoryEventKind::RecommendationRaised);
    for (auto it = m_recommendations.cbegin(); it != m_recommendations.cend(); ++it)
        if (!now.contains(it.key()))
            recommendationEvent(it.key(), it.value(), HistoryEventKind::RecommendationResolved);
    m_recommendations = now;
    m_judged = true;
}

void HistoryRecorder::noteConnection(const ConnectionStatus& status, qint64 nowMs)
{
    using State = ConnectionStatus::State;
    if (status.state == State::Connected) {
        if (m_downSinceMs >= 0 && m_store && m_store->isOpen() && nowMs > m_downSinceMs) {
            StoredEvent gap;
            gap.targetKey = m_key;
            gap.atMs = m_downSinceMs;
            gap.kind = HistoryEventKind::ConnectionGap;
            gap.detail
                = {{QStringLiteral("until"), double(nowMs)}, {QStringLiteral("reason"), QStringLiteral("connection")}};
            m_store->addEvent(gap);
        }
        m_wasConnected = true;
        m_downSinceMs = -1;
    } else if (m_wasConnected && m_downSinceMs < 0 && status.state != State::Idle) {
        m_downSinceMs = nowMs;
    }
}

} // namespace heapwatch
