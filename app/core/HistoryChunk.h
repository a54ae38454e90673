// What the history store keeps of a ring: its chunks exactly as SampleRing encodes them (the bytes) with the
// groups' min/max summaries beside them, and the target's events. The summaries are laid out here, in one
// place, little-endian and of a fixed size per ring, so a stored chunk reloads into the ring's own Chunk.
#pragma once

#include "SampleRing.h"

#include <QByteArray>
#include <QString>
#include <QtEndian>
#include <array>
#include <vector>

namespace heapwatch {

// Which ring of a target a chunk belongs to. The numbers are stored: never renumber.
enum class RingKind : int
{
    Stats = 0, // docker stats: CPU %, memory MiB (TargetState's StatsRing)
    Process = 1, // the app's Memory lines (ProcessRing)
    Cache = 2, // the app's Cache stats lines (CacheRing)
};
inline constexpr RingKind kRingKinds[] = {RingKind::Stats, RingKind::Process, RingKind::Cache};

// Columns of each ring, in the order TargetState pushes them; the export's header.
int ringColumnCount(RingKind ring);
QStringList ringColumnNames(RingKind ring);
QString ringName(RingKind ring); // "stats", "process", "cache"

// One chunk of one ring as stored: rows 1..1024 (fewer for the open chunk, saved again as it fills).
struct StoredChunk
{
    QString targetKey;
    RingKind ring = RingKind::Stats;
    qint64 t0 = 0; // first row's time, ms since the epoch
    qint64 t1 = 0; // last row's time
    int rows = 0;
    QByteArray bytes; // SampleRing's encoded rows
    QByteArray summaries; // packSummaries()
};

// The rows of a stored chunk as plain values (ms, and one double per column; NaN where the ring had none).
// The values are in place (no allocation per row: the store decodes every chunk it is handed); columns past
// the ring's own read as NaN.
struct DecodedRow
{
    static constexpr int kMaxColumns = 6; // the widest ring's (the process ring)
    qint64 atMs = 0;
    std::array<double, kMaxColumns> values;
};

// Decodes a stored chunk; false (and no rows) when its bytes or summaries are damaged or of another ring.
bool decodeStoredChunk(const StoredChunk& chunk, std::vector<DecodedRow>* rows);

namespace historycodec {

// Per group: firstMs, lastMs (i64), offset, nanColumns (u32), summarised (u8), then per column min, max
// (f32) and minDt, maxDt (u32).
template<int N> constexpr int summaryBytes()
{
    return SampleRing<N>::kGroupsPerChunk * (8 + 8 + 4 + 4 + 1 + N * 16);
}

template<typename T> void put(QByteArray& out, T v)
{
    char raw[sizeof(T)];
    qToLittleEndian(v, raw);
    out.append(raw, qsizetype(sizeof(T)));
}
template<typename T> T get(const char*& p)
{
    const T v = qFromLittleEndian<T>(p);
    p += sizeof(T);
    return v;
}

template<int N> QByteArray packSummaries(const typename SampleRing<N>::Chunk& chunk)
{
    QByteArray out;
    out.reserve(summaryBytes<N>());
    for (const auto& g : chunk.groups) {
        put<qint64>(out, g.firstMs);
        put<qint64>(out, g.lastMs);
        put<quint32>(out, g.offset);
        put<quint32>(out, g.nanColumns);
        put<quint8>(out, g.summarised ? 1 : 0);
        for (const auto& s : g.summary) {
            put<float>(out, s.minV);
            put<float>(out, s.maxV);
            put<quint32>(out, s.minDt);
            put<quint32>(out, s.maxDt);
        }
    }
    return out;
}

// Rebuilds the ring's Chunk from stored bytes and summaries; false when the summaries have the wrong size.
template<int N>
bool unpackChunk(const QByteArray& bytes, const QByteArray& summaries, typename SampleRing<N>::Chunk* chunk)
{
    if (summaries.size() != summaryBytes<N>())
        return false;
    const char* p = summaries.constData();
    for (auto& g : chunk->groups) {
        g.firstMs = get<qint64>(p);
        g.lastMs = get<qint64>(p);
        g.offset = get<quint32>(p);
        g.nanColumns = get<quint32>(p);
        g.summarised = get<quint8>(p) != 0;
        for (auto& s : g.summary) {
            s.minV = get<float>(p);
            s.maxV = get<float>(p);
            s.minDt = get<quint32>(p);
            s.maxDt = get<quint32>(p);
        }
    }
    chunk->bytes.assign(reinterpret_cast<const quint8*>(bytes.constData()),
                        reinterpret_cast<const quint8*>(bytes.constData()) + bytes.size());
    return true;
}

// The stored form of a ring's chunk holding rows rows (1024 for a sealed one).
template<int N>
StoredChunk toStored(const QString& targetKey, RingKind ring, const typename SampleRing<N>::Chunk& chunk, int rows)
{
    StoredChunk out;
    out.targetKey = targetKey;
    out.ring = ring;
    out.rows = rows;
    out.bytes = QByteArray(reinterpret_cast<const char*>(chunk.bytes.data()), qsizetype(chunk.bytes.size()));
    out.summaries = packSummaries<N>(chunk);
    if (rows > 0) {
        out.t0 = chunk.groups[0].firstMs;
        out.t1 = chunk.groups[size_t((rows - 1) / SampleRing<N>::kGroupRows)].lastMs;
    }
    return out;
}

} // namespace historycodec

// A ring's sealed chunk and its open chunk, ready for HistoryStore::addChunk.
template<int N>
StoredChunk storedSealedChunk(const QString& targetKey, RingKind ring, const SampleRing<N>& r, qsizetype i)
{
    return historycodec::toStored<N>(targetKey, ring, r.sealedChunk(i), SampleRing<N>::kChunkRows);
}
template<int N> StoredChunk storedOpenChunk(const QString& targetKey, RingKind ring, const SampleRing<N>& r)
{
    return historycodec::toStored<N>(targetKey, ring, r.openChunk(), int(r.openRowCount()));
}

// Loads a stored chunk into a ring, after the rows it holds: a whole chunk newer than every row is adopted as
// it is (so the ring's chunks stay the store's, and the ring saves them again under the same first row); else
// its rows newer than the ring's newest are pushed (a partial chunk, or one overlapping rows already loaded:
// no row twice, no time going backwards). Returns the rows added; -1 when the chunk does not decode.
template<int N> qsizetype loadStoredChunk(SampleRing<N>& ring, const StoredChunk& stored)
{
    using Ring = SampleRing<N>;
    if (stored.rows <= 0 || stored.rows > Ring::kChunkRows)
        return -1;
    typename Ring::Chunk chunk;
    if (!historycodec::unpackChunk<N>(stored.bytes, stored.summaries, &chunk))
        return -1;
    std::vector<typename Ring::Row> rows;
    if (!Ring::decodeChunk(chunk, stored.rows, &rows))
        return -1;
    const qint64 lastMs = ring.isEmpty() ? std::numeric_limits<qint64>::min() : ring.last().atMs;
    if (stored.rows == Ring::kChunkRows && ring.adoptSealed(std::move(chunk)))
        return Ring::kChunkRows;
    qsizetype added = 0;
    for (const auto& row : rows) {
        if (row.atMs > lastMs && ring.push(row.atMs, row.v))
            ++added;
    }
    return added;
}

} // namespace heapwatch
