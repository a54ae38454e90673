// Bounded history: a fixed-capacity ring of rows (a time and N float columns), kept compressed so that a week
// of one-second samples for several targets fits in a few megabytes.
//
// Rows are appended to an open chunk of plain rows. A full chunk (kChunkRows rows) is sealed: encoded into
// bytes in groups of kGroupRows rows, each group decodable on its own (times as delta-of-delta, values as
// deltas of fixed-point hundredths, both zigzag varints), with the min and max of every column (and when
// they happened) kept beside it. Wide-range decimation reads those summaries instead of the rows, so a
// seven-day chart costs a few thousand group visits rather than 600 000 row reads.
//
// Values are kept to 0.01 of their unit (MiB, %, keys): what docker and the app print is never finer, and
// every value a reader gets back, from an open or a sealed chunk, is the same rounded float. Values too large
// for that (|v| >= 1e13) are kept as exact floats; NaN and infinities read back as NaN.
//
// Reads decode through a small cache of groups, so the ring is for one thread (the targets' thread).
//
// A ring whose chunks are also kept in the history store can be given a loader (setChunkLoader) and then told
// to drop the bytes of sealed chunks the store holds (evictSealed): such a chunk keeps only its own min/max
// summary in memory (about 0.1 byte a row instead of 7), and is read back from the store, through a small
// cache, when a reader needs its rows. So the ring's memory follows what the charts show, not how long the
// target has been watched. Without a loader every chunk stays in memory, as before.
#pragma once

#include "CpuFeatures.h"

#include <QPointF>
#include <QtGlobal>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <deque>
#include <functional>
#include <limits>
#include <memory>
#include <vector>

#if defined(__SSE2__)
#    include <emmintrin.h>
#endif
// encode() has a path for processors with AVX2, chosen at run time (the build targets plain x86-64): GCC's
// per-function target attribute.
#if defined(__SSE2__) && defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__AVX2__)
#    define HEAPWATCH_RING_AVX2 1
#    include <immintrin.h>
#endif

namespace heapwatch {

template<int N> struct SampleRow
{
    qint64 atMs;
    std::array<float, N> v;
};

namespace ringcodec {

inline void putVarint(std::vector<quint8>& out, quint64 v)
{
    while (v >= 0x80) {
        out.push_back(quint8(v | 0x80));
        v >>= 7;
    }
    out.push_back(quint8(v));
}

// The same bytes, written at out (room for 10 bytes); returns the end.
inline quint8* putVarint(quint8* out, quint64 v)
{
    while (v >= 0x80) {
        *out++ = quint8(v | 0x80);
        v >>= 7;
    }
    *out++ = quint8(v);
    return out;
}

inline quint64 getVarint(const quint8*& p)
{
    quint64 v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        const quint8 b = *p++;
        v |= quint64(b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
    }
    return v;
}

// Zigzag on the two's-complement bit pattern, in unsigned arithmetic (wraps, never overflows).
inline quint64 zigzag(quint64 v)
{
    return (v << 1) ^ (0 - (v >> 63));
}
inline quint64 unzigzag(quint64 v)
{
    return (v >> 1) ^ (0 - (v & 1));
}

constexpr double kScale = 100.0;
constexpr double kMaxScaled = 1e13; // |v| below this is kept as hundredths

// std::llround (halves away from zero) for |x| < 2^52, without the libm call that cost a replay of a million
// Memory lines a tenth of its time: x minus its truncation is exact there.
inline qint64 roundHalfAway(double x)
{
    const qint64 i = qint64(x);
    const double f = x - double(i);
    return i + qint64(f >= 0.5) - qint64(f <= -0.5);
}

// Hundredths below this many (4 194 304.00) are turned into the float of q / 100 by a multiplication: the double
// q * 0.01 is within two ulps of q / 100, and no float rounding boundary (a midpoint between floats) lies that
// close to a multiple of 0.01 in this range, so both round to the same float (checked for every q in the range
// too). The division it replaces was most of a replay's ingest on the applying thread.
constexpr qint64 kExactByProduct = 419430400;

// The float of q / 100, q being hundredths.
inline float fromHundredths(qint64 q)
{
    if (q > -kExactByProduct && q < kExactByProduct)
        return float(double(q) * 0.01);
    return float(double(q) / kScale);
}

// The value a row holds for v: rounded to hundredths, or v itself when it is too large, or NaN.
inline float stored(float v)
{
    if (!std::isfinite(v))
        return std::numeric_limits<float>::quiet_NaN();
    if (std::fabs(double(v)) >= kMaxScaled)
        return v;
    return fromHundredths(roundHalfAway(double(v) * kScale));
}

// The hundredths a stored value (fromHundredths(q), below kMaxScaled) stands for: roundHalfAway(v * 100). Below
// 2^17 the float of a whole number of hundredths is within 0.004 of it, so v * 100 never lies on a half and the
// processor's own rounding (to nearest) gives the same integer in one instruction: the encoding of every row
// does this for every value.
inline qint64 hundredthsOfStored(float v)
{
#if defined(__SSE2__)
    if (std::fabs(v) < 131072.0f)
        return qint64(_mm_cvtsd_si64(_mm_set_sd(double(v) * kScale)));
#endif
    return roundHalfAway(double(v) * kScale);
}

// stored() of the float of v (NaN when v has none): the value a ring keeps for a parsed double. Below 1e12 (every
// memory figure) the float is finite and below the limit for hundredths, so only the rounding remains.
inline float storedDouble(double v)
{
    if (std::fabs(v) < 1e12)
        return fromHundredths(roundHalfAway(double(float(v)) * kScale));
    if (!std::isfinite(v) || std::fabs(v) > double(std::numeric_limits<float>::max()))
        return std::numeric_limits<float>::quiet_NaN();
    return stored(float(v));
}

// Hundredths below this (2^15) are those of values whose float is within a third of a hundredth of them; their
// fromHundredths() is the product.
constexpr quint64 kHundredthsOfDigitsLimit = 3276800;
static_assert(qint64(kHundredthsOfDigitsLimit) < kExactByProduct);

// The digits "336.6" as mantissa 3366 with 1 fraction digit: the hundredths stored() gives the double 336.6, found
// without a division. Only for values whose float is within a third of a hundredth of them (below 2^15, up
// to two fraction digits), where rounding the float's hundredths cannot land elsewhere; false otherwise.
inline bool hundredthsOfDigits(quint64 mantissa, int fractionDigits, qint64& q)
{
    static constexpr quint64 kToHundredths[] = {100, 10, 1};
    if (fractionDigits < 0 || fractionDigits > 2)
        return false;
    const quint64 h = mantissa * kToHundredths[fractionDigits];
    if (mantissa >= (quint64(1) << 50) || h >= kHundredthsOfDigitsLimit)
        return false;
    q = qint64(h);
    return true;
}

#ifdef HEAPWATCH_RING_AVX2
// Whether encode() takes its AVX2 path: the processor has AVX2 (asked once). A test turns it off to check the SSE2
// path against the same rows.
inline bool avx2Encoding = cpu::hasAvx2();
#endif

} // namespace ringcodec

template<int N> class SampleRing
{
public:
    using Row = SampleRow<N>;
    static constexpr int kColumns = N;
    static constexpr int kChunkRows = 1024;
    static constexpr int kGroupRows = 64;
    static constexpr int kGroupsPerChunk = kChunkRows / kGroupRows;

    explicit SampleRing(qsizetype capacity)
        : m_capacity(std::max<qsizetype>(capacity, 1))
    {
    }

    qsizetype capacity() const { return m_capacity; }
    qsizetype size() const { return sealedRows() + qsizetype(m_open.size()) - m_head; }
    bool isEmpty() const { return size() == 0; }
    // Bytes held by the ring: sealed chunks with their summaries, the open chunk and the read cache.
    qsizetype allocatedBytes() const
    {
        qsizetype bytes = qsizetype(m_open.capacity() * sizeof(Row));
        for (const Slot& s : m_chunks)
            bytes += qsizetype(sizeof(Slot)) + (s.chunk ? qsizetype(sizeof(Chunk) + s.chunk->bytes.capacity()) : 0);
        for (const LoadedChunk& l : m_loaded)
            bytes += l.chunk ? qsizetype(sizeof(Chunk) + l.chunk->bytes.capacity()) : 0;
        for (const CachedGroup& g : m_cache)
            bytes += qsizetype(g.rows.capacity() * sizeof(Row));
        bytes += qsizetype(m_groupSummaries.size() * sizeof(GroupSummaries));
        return bytes;
    }
    // Sealed chunks whose bytes are in memory, and those read back from the store by the loader so far.
    qsizetype residentChunkCount() const
    {
        return qsizetype(std::count_if(m_chunks.begin(), m_chunks.end(), [](const Slot& s) { return bool(s.chunk); }));
    }
    qint64 chunksLoaded() const { return m_chunksLoaded; }

    // Rows must arrive in time order; an older row than the newest is dropped (returns false), so that
    // binary searches stay valid. Equal times are kept.
    bool push(qint64 atMs, const std::array<float, N>& values)
    {
        if (!isEmpty() && atMs < m_lastMs)
            return false;
        std::array<float, N> stored;
        for (int c = 0; c < N; ++c)
            stored[size_t(c)] = ringcodec::stored(values[size_t(c)]);
        return pushStored(atMs, stored);
    }

    // The same as push(atMs, values) for values that are already what the ring stores (ringcodec::stored() of
    // each): a replay's parsing threads round its rows, so the thread that applies them only appends.
    bool pushStored(qint64 atMs, const std::array<float, N>& storedValues)
    {
        const Row row {atMs, storedValues};
        return pushStoredRows(&row, 1) == 0;
    }

    // pushStored() for each of rows (anything with atMs and v), in order; returns how many were older than the
    // newest row and dropped. The ring's size is worked out once, not per row: a replay pushes rows a batch at a
    // time. ordered: the caller knows that no row is older than the one before it.
    template<typename R> size_t pushStoredRows(const R* rows, size_t count, bool ordered = false)
    {
        size_t dropped = 0;
        qsizetype n = size();
        if (count > 0 && m_open.capacity() == 0)
            m_open.reserve(size_t(kChunkRows));
        for (size_t i = 0; i < count; ++i) {
            // A whole chunk of rows in time order at the start of a chunk: sealed straight from them, without
            // a copy into the open chunk (a replay's rows arrive so, a parsed segment's thousands at a time). The rows,
            // the chunks and the ones dropped from the front are the same as row by row.
            if (m_open.empty() && m_openGroups == 0 && m_capacity >= 2 * kChunkRows && count - i >= size_t(kChunkRows)
                && (ordered ? !(n > 0 && rows[i].atMs < m_lastMs) : inOrder(rows + i, n > 0))) {
                pushSealed(encode(rows + i, kChunkRows));
                m_lastMs = rows[i + size_t(kChunkRows) - 1].atMs;
                for (n += kChunkRows; n > m_capacity; --n)
                    dropOldest();
                i += size_t(kChunkRows) - 1;
                continue;
            }
            const R& r = rows[i];
            if (n > 0 && r.atMs < m_lastMs) {
                ++dropped;
                continue;
            }
            m_open.push_back(Row {r.atMs, r.v});
            m_lastMs = r.atMs;
            if (++n > m_capacity) {
                dropOldest();
                --n;
            }
            if (qsizetype(m_open.size()) == kChunkRows)
                seal();
        }
        return dropped;
    }

    void clear()
    {
        m_chunks.clear();
        m_loaded = {};
        m_open.clear();
        m_open.shrink_to_fit();
        resetOpenEncoding();
        m_head = 0;
        m_firstSerial = 0;
        for (CachedGroup& g : m_cache)
            g = CachedGroup {};
        m_groupSummaries.clear();
        m_nextGroupSummaries = 0;
        m_droppedThrough = -1;
    }

    // i = 0 is the oldest row. Returned by value: sealed rows are decoded on demand.
    Row at(qsizetype i) const
    {
        const qsizetype a = i + m_head;
        const qsizetype sealed = sealedRows();
        if (a >= sealed)
            return m_open[size_t(a - sealed)];
        return rowAbs(a);
    }
    Row first() const { return at(0); }
    Row last() const { return at(size() - 1); }

    // Calls visit(rows, count) for rows [begin, end) in order, a run of contiguous rows at a time: a sealed group
    // decoded once, or the open chunk's rows. For a pass over many rows, at() looks each one up.
    template<typename F> void forEachRun(qsizetype begin, qsizetype end, F&& visit) const
    {
        begin = std::max<qsizetype>(begin, 0);
        end = std::min(end, size());
        for (qsizetype i = begin; i < end;) {
            qsizetype n = 0;
            const Row* rows = rowsAt(i, &n);
            n = std::min(n, end - i);
            visit(rows, n);
            i += n;
        }
    }

    // Index of the first row with atMs >= t (size() if none). The chunk is found by the chunks' first and last
    // times, then the row inside it: a chunk whose bytes were dropped is read back only when t falls inside it.
    qsizetype lowerBound(qint64 t) const
    {
        const qsizetype chunks = qsizetype(m_chunks.size());
        qsizetype lo = 0, hi = chunks;
        while (lo < hi) {
            const qsizetype mid = lo + (hi - lo) / 2;
            if (m_chunks[size_t(mid)].sum.lastMs < t)
                lo = mid + 1;
            else
                hi = mid;
        }
        qsizetype a = 0; // the answer as an index from the front of the oldest chunk
        if (lo == chunks) {
            a = sealedRows()
                + qsizetype(std::partition_point(m_open.begin(), m_open.end(), [t](const Row& r) { return r.atMs < t; })
                            - m_open.begin());
        } else if (m_chunks[size_t(lo)].sum.firstMs >= t) {
            a = lo * kChunkRows;
        } else {
            qsizetype l = lo * kChunkRows, h = (lo + 1) * kChunkRows;
            while (l < h) {
                const qsizetype mid = l + (h - l) / 2;
                if (rowAbs(mid).atMs < t)
                    l = mid + 1;
                else
                    h = mid;
            }
            a = l;
        }
        return std::max(a, m_head) - m_head; // rows dropped from the front are older than every kept row
    }

    // Min/max decimation of the given columns over [t0, t1] into at most two points per pixel column each,
    // in time order, keeping every peak (the first of equal extremes). NaN values are skipped. x is ms since
    // the epoch. Sealed groups that fall inside one pixel column are read from their summaries.
    std::vector<std::vector<QPointF>> decimate(const std::vector<int>& columns, qint64 t0, qint64 t1, int pixels) const
    {
        std::vector<std::vector<QPointF>> out(columns.size());
        if (isEmpty() || t1 < t0 || pixels <= 0)
            return out;
        for (int c : columns)
            if (c < 0 || c >= N)
                return out;
        const qsizetype begin = lowerBound(t0);
        const qsizetype end = lowerBound(t1 + 1);
        if (begin >= end)
            return out;
        if (end - begin <= 2 * qsizetype(pixels)) {
            for (auto& v : out)
                v.reserve(size_t(end - begin));
            forEachRun(begin, end, [&](const Row* rows, qsizetype count) {
                for (qsizetype i = 0; i < count; ++i) {
                    for (size_t k = 0; k < columns.size(); ++k) {
                        const float value = rows[i].v[size_t(columns[k])];
                        if (!std::isnan(value))
                            out[k].emplace_back(double(rows[i].atMs), double(value));
                    }
                }
            });
            return out;
        }
        for (auto& v : out)
            v.reserve(size_t(pixels) * 2);
        std::vector<Extremes> ext(columns.size());
        const double span = double(t1 - t0) + 1.0;
        auto bucketOf = [&](qint64 t) { return std::min(pixels - 1, int(double(t - t0) / span * pixels)); };
        int bucket = -1;
        auto flush = [&] {
            for (size_t k = 0; k < columns.size(); ++k) {
                Extremes& e = ext[k];
                if (!e.any())
                    continue;
                auto& v = out[k];
                if (e.minAt == e.maxAt && e.minV == e.maxV) {
                    v.emplace_back(double(e.minAt), double(e.minV));
                } else if (e.minAt < e.maxAt) {
                    v.emplace_back(double(e.minAt), double(e.minV));
                    v.emplace_back(double(e.maxAt), double(e.maxV));
                } else {
                    v.emplace_back(double(e.maxAt), double(e.maxV));
                    v.emplace_back(double(e.minAt), double(e.minV));
                }
                e = Extremes {};
            }
        };
        // The minimum and maximum of each column of rows spanning a few pixel columns go to the pixel columns
        // they happened in (the other columns the rows span get no point from them).
        auto spread = [&](qint64 firstMs, qint64 lastMs, const std::array<Summary, N>& summary) {
            for (int b = bucketOf(firstMs); b <= bucketOf(lastMs); ++b) {
                for (size_t k = 0; k < columns.size(); ++k) {
                    const Summary& s = summary[size_t(columns[k])];
                    if (s.minV > s.maxV)
                        continue; // no value in this column
                    const qint64 minAt = firstMs + qint64(s.minDt);
                    const qint64 maxAt = firstMs + qint64(s.maxDt);
                    for (int which = 0; which < 2; ++which) {
                        const qint64 at = which == 0 ? std::min(minAt, maxAt) : std::max(minAt, maxAt);
                        if (which == 1 && minAt == maxAt)
                            break;
                        if (bucketOf(at) != b)
                            continue;
                        if (b != bucket) {
                            flush();
                            bucket = b;
                        }
                        const float v = at == minAt ? s.minV : s.maxV;
                        ext[k].merge(v, at, v, at);
                    }
                }
            }
        };
        const qsizetype sealedEnd = std::min(end, sealedRows() - m_head);
        qsizetype i = begin;
        while (i < end) {
            const qsizetype a = i + m_head;
            // A whole chunk whose bytes were dropped, inside the window and spanning a few pixel columns at
            // most: its summary is spread, so a wide chart never reads the store.
            if (i < sealedEnd && a % kChunkRows == 0 && i + kChunkRows <= end) {
                const Slot& slot = m_chunks[size_t(a / kChunkRows)];
                const ChunkSummary& cs = slot.sum;
                if (!slot.chunk && cs.summarised && bucketOf(cs.lastMs) - bucketOf(cs.firstMs) < kSummaryColumns) {
                    spread(cs.firstMs, cs.lastMs, cs.summary);
                    i += kChunkRows;
                    continue;
                }
            }
            if (i < sealedEnd && a % kGroupRows == 0 && i + kGroupRows <= end) {
                const qsizetype chunkIndex = a / kChunkRows;
                const Group& g = groupsOf(chunkIndex)[size_t((a % kChunkRows) / kGroupRows)];
                // A whole group of a dropped chunk spanning a few pixel columns: its summary is spread, as the
                // chunk's above (a 24 h chart reads the groups' summaries kept from the last read, not rows).
                if (!m_chunks[size_t(chunkIndex)].chunk && g.summarised
                    && bucketOf(g.lastMs) - bucketOf(g.firstMs) < kSummaryColumns) {
                    spread(g.firstMs, g.lastMs, g.summary);
                    i += kGroupRows;
                    continue;
                }
                // A whole sealed group inside the window and inside one pixel column: use its summary.
                if (g.summarised && bucketOf(g.firstMs) == bucketOf(g.lastMs)) {
                    const int b = bucketOf(g.firstMs);
                    if (b != bucket) {
                        flush();
                        bucket = b;
                    }
                    for (size_t k = 0; k < columns.size(); ++k) {
                        const Summary& s = g.summary[size_t(columns[k])];
                        if (s.minV <= s.maxV)
                            ext[k].merge(s.minV, g.firstMs + qint64(s.minDt), s.maxV, g.firstMs + qint64(s.maxDt));
                    }
                    i += kGroupRows;
                    continue;
                }
            }
            // Row by row to the end of this group (or of the open chunk), from the decoded rows.
            qsizetype n = 0;
            const Row* rows = rowsAt(i, &n);
            n = std::min(n, end - i);
            for (qsizetype j = 0; j < n; ++j) {
                const Row& r = rows[j];
                const int b = bucketOf(r.atMs);
                if (b != bucket) {
                    flush();
                    bucket = b;
                }
                for (size_t k = 0; k < columns.size(); ++k) {
                    const float value = r.v[size_t(columns[k])];
                    if (!std::isnan(value))
                        ext[k].merge(value, r.atMs, value, r.atMs);
                }
            }
            i += n;
        }
        flush();
        return out;
    }

    std::vector<QPointF> decimate(int column, qint64 t0, qint64 t1, int pixels) const
    {
        auto columns = decimate(std::vector<int> {column}, t0, t1, pixels);
        return columns.empty() ? std::vector<QPointF> {} : std::move(columns.front());
    }

    // Index of the oldest row of the run, ending at the newest row, whose values in column all lie strictly
    // between above and below (a NaN ends the run); size() when the newest value is outside. Whole sealed
    // groups are checked by their summaries, so a run of a week costs a few thousand steps, not 600 000.
    qsizetype runStart(int column, float above, float below) const
    {
        auto inside = [&](float v) { return !std::isnan(v) && v > above && v < below; };
        qsizetype i = size();
        while (i > 0) {
            const qsizetype a = i - 1 + m_head; // the row before i
            if (a < sealedRows() && a % kChunkRows == kChunkRows - 1 && i - kChunkRows >= 0
                && !m_chunks[size_t(a / kChunkRows)].chunk) {
                // A chunk whose bytes were dropped: its own summary says whether it is all inside.
                const ChunkSummary& cs = m_chunks[size_t(a / kChunkRows)].sum;
                const Summary& sm = cs.summary[size_t(column)];
                if (!(cs.nanColumns & (1u << column)) && sm.minV <= sm.maxV && inside(sm.minV) && inside(sm.maxV)) {
                    i -= kChunkRows;
                    continue;
                }
            }
            if (a < sealedRows() && a % kGroupRows == kGroupRows - 1 && i - kGroupRows >= 0) {
                const Group& g = groupsOf(a / kChunkRows)[size_t((a % kChunkRows) / kGroupRows)];
                const Summary& sm = g.summary[size_t(column)];
                if (!(g.nanColumns & (1u << column)) && sm.minV <= sm.maxV && inside(sm.minV) && inside(sm.maxV)) {
                    i -= kGroupRows;
                    continue;
                }
            }
            if (!inside(at(i - 1).v[size_t(column)]))
                break;
            --i;
        }
        return i;
    }

    // The sealed chunks, oldest first, as the ring keeps them (its own encoded bytes and the groups' summaries):
    // what the history store saves. sealedSerial(i) numbers chunks for the ring's lifetime, so a reader can
    // tell which ones it already has; rows the ring has dropped from the front of the oldest are still in it.
    // A chunk whose bytes were dropped is read back through the loader: the reference is valid until the next
    // read of the ring.
    struct Chunk;
    qsizetype sealedChunkCount() const { return qsizetype(m_chunks.size()); }
    const Chunk& sealedChunk(qsizetype i) const { return chunkAt(i); }
    bool isSealedChunkResident(qsizetype i) const { return bool(m_chunks[size_t(i)].chunk); }
    qint64 sealedSerial(qsizetype i) const { return m_firstSerial + i; }

    // Encodes count (<= kChunkRows) rows as seal() does; a shorter chunk has empty groups after its rows. The
    // store saves the open chunk this way, so that a crash loses seconds of rows, not a chunk's worth.
    template<typename R> static Chunk encode(const R* data, int count) { return encodeChunk<true>(data, count); }

    // encode() one value at a time, the vectorised path never taken: the reference its bytes are held to.
    template<typename R> static Chunk encodeOneByOne(const R* data, int count)
    {
        return encodeChunk<false>(data, count);
    }

    // Appends a whole chunk read back from the history store as a sealed chunk, its bytes unchanged (no decode,
    // no re-encode): restoring a week costs a copy. Only when the open chunk is empty and the chunk is newer
    // than every row (false otherwise: the caller pushes its rows instead).
    bool adoptSealed(Chunk chunk)
    {
        const qint64 firstMs = chunk.groups[0].firstMs;
        if (!m_open.empty() || (!isEmpty() && firstMs <= m_lastMs))
            return false;
        m_lastMs = chunk.groups[size_t(kGroupsPerChunk - 1)].lastMs;
        pushSealed(std::move(chunk));
        while (size() > m_capacity)
            dropOldest();
        return true;
    }

    // Reads back the sealed chunk whose first row is at firstMs, exactly as the ring encoded it; false when it
    // cannot (the ring then reads the chunk's rows as NaN at evenly spread times within its span).
    using ChunkLoader = std::function<bool(qint64 firstMs, Chunk* chunk)>;
    void setChunkLoader(ChunkLoader loader) { m_loader = std::move(loader); }
    bool hasChunkLoader() const { return bool(m_loader); }

    // Drops the bytes (and the per-group summaries) of sealed chunks with serial <= upToSerial whose last row is
    // before beforeMs, keeping one summary per chunk; only with a loader. Returns how many were dropped.
    qsizetype evictSealed(qint64 upToSerial, qint64 beforeMs)
    {
        if (!m_loader)
            return 0;
        qsizetype dropped = 0;
        // Chunks are dropped oldest first: the scan starts after the last one dropped.
        for (qsizetype i = std::max<qint64>(0, m_droppedThrough + 1 - m_firstSerial); i < qsizetype(m_chunks.size());
             ++i) {
            Slot& s = m_chunks[size_t(i)];
            if (sealedSerial(i) > upToSerial || s.sum.lastMs >= beforeMs)
                break;
            if (s.chunk) {
                s.chunk.reset();
                ++dropped;
            }
            m_droppedThrough = sealedSerial(i);
        }
        return dropped;
    }

    qsizetype openRowCount() const { return qsizetype(m_open.size()); }
    Chunk openChunk() const { return encodeOpen(); }

    // Decodes the first count rows of a chunk that did not come from this ring (a stored one). Every read is
    // checked against the end of the bytes and every group's last time against its summary, so a damaged chunk
    // is refused (false) instead of read past its end.
    static bool decodeChunk(const Chunk& chunk, int count, std::vector<Row>* rows)
    {
        if (count < 0 || count > kChunkRows)
            return false;
        rows->assign(size_t(count), Row {});
        const quint8* const begin = chunk.bytes.data();
        const quint8* const end = begin + chunk.bytes.size();
        auto varint = [&](const quint8*& p, quint64* v) {
            *v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (p >= end)
                    return false;
                const quint8 b = *p++;
                *v |= quint64(b & 0x7f) << shift;
                if (!(b & 0x80))
                    return true;
            }
            return false;
        };
        for (int g = 0; g < kGroupsPerChunk; ++g) {
            const Group& group = chunk.groups[size_t(g)];
            const int groupRowCount = std::min(kGroupRows, count - g * kGroupRows);
            if (groupRowCount <= 0)
                break;
            if (group.offset > chunk.bytes.size())
                return false;
            const quint8* p = begin + group.offset;
            quint64 t = quint64(group.firstMs);
            quint64 delta = 0;
            std::array<qint64, N> q {};
            for (int r = 0; r < groupRowCount; ++r) {
                Row& row = (*rows)[size_t(g * kGroupRows + r)];
                quint64 code = 0;
                if (r > 0) {
                    if (!varint(p, &code))
                        return false;
                    delta += ringcodec::unzigzag(code);
                    t += delta;
                }
                row.atMs = qint64(t);
                for (int c = 0; c < N; ++c) {
                    if (!varint(p, &code))
                        return false;
                    if (code == 0) {
                        row.v[size_t(c)] = std::numeric_limits<float>::quiet_NaN();
                    } else if (code == 1) {
                        if (end - p < qsizetype(sizeof(float)))
                            return false;
                        std::memcpy(&row.v[size_t(c)], p, sizeof(float));
                        p += sizeof(float);
                    } else {
                        q[size_t(c)] = qint64(quint64(q[size_t(c)]) + ringcodec::unzigzag(code - 2));
                        row.v[size_t(c)] = ringcodec::fromHundredths(q[size_t(c)]);
                    }
                }
            }
            if ((*rows)[size_t(g * kGroupRows + groupRowCount - 1)].atMs != group.lastMs)
                return false;
        }
        return true;
    }

    // The encoded form, public so that the history store can save and reload it unchanged.
    struct Summary
    {
        float minV = std::numeric_limits<float>::infinity();
        float maxV = -std::numeric_limits<float>::infinity();
        quint32 minDt = 0; // ms after the group's first row
        quint32 maxDt = 0;
    };
    struct Group
    {
        qint64 firstMs = 0;
        qint64 lastMs = 0;
        quint32 offset = 0; // into the chunk's bytes
        bool summarised = false; // false when the group spans more than 49 days (ms offsets overflow)
        quint32 nanColumns = 0; // bit c: column c has a NaN in this group
        std::array<Summary, N> summary;
    };
    struct Chunk
    {
        std::vector<quint8> bytes;
        std::array<Group, kGroupsPerChunk> groups;
    };

private:
    // What stays in memory of a sealed chunk: its bytes (null once dropped) and one summary of all its rows.
    struct ChunkSummary
    {
        qint64 firstMs = 0;
        qint64 lastMs = 0;
        quint32 nanColumns = 0;
        bool summarised = false; // false when the chunk spans more than 49 days
        std::array<Summary, N> summary;
    };
    struct Slot
    {
        std::unique_ptr<Chunk> chunk;
        ChunkSummary sum;
    };
    struct LoadedChunk
    {
        qint64 serial = -1;
        std::unique_ptr<Chunk> chunk;
    };
    // A dropped chunk spanning fewer pixel columns than this is drawn from its summary alone.
    static constexpr int kSummaryColumns = 4;
    // Chunks read back from the store kept at once: a chart's pass reads each chunk once, in order.
    static constexpr size_t kLoadedChunks = 6;
    // Dropped chunks whose groups' summaries are kept once read back: a day of one-second rows (84 chunks), so
    // that a 24 h chart refreshed every few seconds reads the store only for its edges. At most about 2 KiB a
    // chunk, and only for rings a wide chart reads.
    static constexpr size_t kGroupSummaryChunks = 96;
    struct GroupSummaries
    {
        qint64 serial = -1;
        std::array<Group, kGroupsPerChunk> groups;
    };

    struct CachedGroup
    {
        qint64 serial = -1; // chunk serial * kGroupsPerChunk + group
        std::vector<Row> rows;
    };
    struct Extremes
    {
        float minV = 0, maxV = 0;
        qint64 minAt = 0, maxAt = 0;
        bool have = false;
        bool any() const { return have; }
        void merge(float lo, qint64 loAt, float hi, qint64 hiAt)
        {
            if (!have) {
                *this = {lo, hi, loAt, hiAt, true};
                return;
            }
            if (lo < minV) {
                minV = lo;
                minAt = loAt;
            }
            if (hi > maxV) {
                maxV = hi;
                maxAt = hiAt;
            }
        }
    };

    qsizetype sealedRows() const { return qsizetype(m_chunks.size()) * kChunkRows; }

    // Whether kChunkRows rows are in time order, the first not older than the newest row (when there is one).
    template<typename R> bool inOrder(const R* rows, bool afterNewest) const
    {
        if (afterNewest && rows[0].atMs < m_lastMs)
            return false;
        bool ordered = true;
        for (int k = 1; k < kChunkRows; ++k)
            ordered &= rows[k].atMs >= rows[k - 1].atMs;
        return ordered;
    }

    // Row i and the rows after it in the same group (or the open chunk): *count of them, contiguous. Valid
    // until the next read that decodes another group.
    const Row* rowsAt(qsizetype i, qsizetype* count) const
    {
        const qsizetype a = i + m_head;
        const qsizetype sealed = sealedRows();
        if (a >= sealed) {
            *count = qsizetype(m_open.size()) - (a - sealed);
            return m_open.data() + (a - sealed);
        }
        const int inChunk = int(a % kChunkRows);
        const int inGroup = inChunk % kGroupRows;
        *count = kGroupRows - inGroup;
        return groupRows(a / kChunkRows, inChunk / kGroupRows).data() + inGroup;
    }

    // Row a counted from the front of the oldest sealed chunk (a < sealedRows()).
    Row rowAbs(qsizetype a) const
    {
        const int inChunk = int(a % kChunkRows);
        return groupRows(a / kChunkRows, inChunk / kGroupRows)[size_t(inChunk % kGroupRows)];
    }

    static ChunkSummary summarize(const Chunk& chunk)
    {
        ChunkSummary cs;
        cs.firstMs = chunk.groups[0].firstMs;
        cs.lastMs = chunk.groups[size_t(kGroupsPerChunk - 1)].lastMs;
        cs.summarised = quint64(cs.lastMs) - quint64(cs.firstMs) <= std::numeric_limits<quint32>::max();
        for (const Group& g : chunk.groups) {
            cs.nanColumns |= g.nanColumns;
            if (!g.summarised)
                cs.summarised = false;
            if (!cs.summarised)
                continue;
            const quint32 offset = quint32(quint64(g.firstMs) - quint64(cs.firstMs));
            for (int c = 0; c < N; ++c) {
                const Summary& s = g.summary[size_t(c)];
                Summary& out = cs.summary[size_t(c)];
                if (s.minV > s.maxV)
                    continue;
                if (s.minV < out.minV) {
                    out.minV = s.minV;
                    out.minDt = offset + s.minDt;
                }
                if (s.maxV > out.maxV) {
                    out.maxV = s.maxV;
                    out.maxDt = offset + s.maxDt;
                }
            }
        }
        return cs;
    }

    void pushSealed(Chunk chunk)
    {
        Slot slot;
        slot.sum = summarize(chunk);
        slot.chunk = std::make_unique<Chunk>(std::move(chunk));
        m_chunks.push_back(std::move(slot));
    }

    // The groups (summaries and offsets) of the sealed chunk at index: its own, or for a dropped chunk the ones
    // kept from when it was last read back (reading it back if none are).
    const std::array<Group, kGroupsPerChunk>& groupsOf(qsizetype index) const
    {
        const Slot& slot = m_chunks[size_t(index)];
        if (slot.chunk)
            return slot.chunk->groups;
        const qint64 serial = m_firstSerial + index;
        for (const GroupSummaries& g : m_groupSummaries)
            if (g.serial == serial)
                return g.groups;
        const Chunk& chunk = chunkAt(index);
        if (m_groupSummaries.size() < kGroupSummaryChunks)
            m_groupSummaries.emplace_back();
        GroupSummaries& g = m_groupSummaries[m_nextGroupSummaries];
        m_nextGroupSummaries = (m_nextGroupSummaries + 1) % kGroupSummaryChunks;
        g.serial = serial;
        g.groups = chunk.groups;
        return g.groups;
    }

    // The sealed chunk at index, from memory or read back through the loader (into a small cache).
    const Chunk& chunkAt(qsizetype index) const
    {
        const Slot& slot = m_chunks[size_t(index)];
        if (slot.chunk)
            return *slot.chunk;
        const qint64 serial = m_firstSerial + index;
        for (const LoadedChunk& l : m_loaded)
            if (l.serial == serial && l.chunk)
                return *l.chunk;
        LoadedChunk& l = m_loaded[m_nextLoaded];
        m_nextLoaded = (m_nextLoaded + 1) % m_loaded.size();
        l.serial = serial;
        l.chunk = std::make_unique<Chunk>();
        ++m_chunksLoaded;
        std::vector<Row> check;
        if (!m_loader || !m_loader(slot.sum.firstMs, l.chunk.get()) || l.chunk->groups[0].firstMs != slot.sum.firstMs
            || !decodeChunk(*l.chunk, kChunkRows, &check)) {
            // Not readable: rows of NaN spread over the chunk's span keep the ring's times in order.
            std::vector<Row> rows(static_cast<size_t>(kChunkRows));
            for (int r = 0; r < kChunkRows; ++r) {
                rows[size_t(r)].atMs
                    = slot.sum.firstMs + qint64(double(slot.sum.lastMs - slot.sum.firstMs) * r / (kChunkRows - 1));
                rows[size_t(r)].v.fill(std::numeric_limits<float>::quiet_NaN());
            }
            rows.back().atMs = slot.sum.lastMs;
            *l.chunk = encode(rows.data(), kChunkRows);
        }
        return *l.chunk;
    }

    void dropOldest()
    {
        ++m_head;
        if (!m_chunks.empty() && m_head == kChunkRows) {
            m_chunks.pop_front();
            ++m_firstSerial;
            m_head = 0;
        }
    }

    // Encodes the full open chunk. Each group starts afresh (time and values from zero) so that it decodes
    // alone.
    // The longest encoding of a row: a varint is at most 10 bytes, a raw float 5.
    static constexpr size_t kMaxRowBytes = 10 + 10 * size_t(N);

    // encode(), or encodeOneByOne() without kVectors.
    template<bool kVectors, typename R> static Chunk encodeChunk(const R* data, int count)
    {
        Chunk chunk;
        count = std::clamp(count, 0, kChunkRows);
        // Written through a pointer into room for the longest encoding, then copied at its exact size. The room
        // (70 KB) is the thread's, kept: a replay seals a thousand chunks, and allocating and freeing it for each was
        // about 1 ns of the 25 a row of figures that jump about takes to encode.
        static thread_local const std::unique_ptr<quint8[]> scratch(new quint8[size_t(kChunkRows) * kMaxRowBytes]);
        quint8* out = scratch.get();
        for (int g = 0; g < kGroupsPerChunk; ++g) {
            Group& group = chunk.groups[size_t(g)];
            group.offset = quint32(out - scratch.get());
            const int groupRowCount = std::min(kGroupRows, count - g * kGroupRows);
            if (groupRowCount <= 0)
                continue; // past the rows of an open chunk: empty, not summarised
            const R* rows = data + size_t(g) * kGroupRows;
            out = kVectors ? encodeGroup(rows, groupRowCount, &group, out)
                           : encodeGroupOneByOne(rows, groupRowCount, &group, out);
        }
        chunk.bytes.assign(scratch.get(), out); // exact size
        return chunk;
    }

    // Encodes count rows (1..kGroupRows) as one group at out (room for count * kMaxRowBytes), filling its
    // times and summaries (its offset is the caller's); returns the end. Each group starts afresh (time and
    // values from zero) so that it decodes alone.
    template<typename R> static quint8* encodeGroup(const R* rows, int count, Group* group, quint8* out)
    {
#if defined(__SSE2__)
        if constexpr (N == 4 || N == 6) {
            switch (vectorPath(rows, count)) {
            case VectorPath::Narrow:
                return encodeGroupVectors<false>(rows, count, group, out);
            case VectorPath::Wide:
                return encodeGroupVectors<true>(rows, count, group, out);
            case VectorPath::None:
                break;
            }
        }
#endif
        return encodeGroupOneByOne(rows, count, group, out);
    }

public:
    // How encode() writes a group of these rows: one value at a time, or four at a time in the range of the
    // process ring's figures (Narrow) or the wider one of large counts (Wide; see kWideLimit).
    enum class VectorPath
    {
        None,
        Narrow,
        Wide
    };
    template<typename R> static VectorPath vectorPath([[maybe_unused]] const R* rows, [[maybe_unused]] int count)
    {
#if defined(__SSE2__)
        if constexpr (N == 4 || N == 6) {
            if (vectorEncodable(rows, count, kNarrowLimit))
                return VectorPath::Narrow;
            if (vectorEncodable(rows, count, kWideLimit))
                return VectorPath::Wide;
        }
#endif
        return VectorPath::None;
    }

private:
    // A group's first and last times, and whether its summaries' offsets from the first fit 32 bits.
    template<typename R> static void beginGroup(const R* rows, int count, Group* group)
    {
        group->firstMs = rows[0].atMs;
        group->lastMs = rows[count - 1].atMs;
        group->summarised = quint64(group->lastMs) - quint64(group->firstMs) <= std::numeric_limits<quint32>::max();
    }

    // The times of a group's rows after its first: each the zigzagged change of the step from the row before.
    struct GroupTimes
    {
        quint64 prevT;
        quint64 prevDelta = 0;
        quint8* put(quint8* out, qint64 atMs)
        {
            const quint64 delta = quint64(atMs) - prevT;
            out = ringcodec::putVarint(out, ringcodec::zigzag(delta - prevDelta));
            prevT = quint64(atMs);
            prevDelta = delta;
            return out;
        }
    };

    // encodeGroup() one value at a time: any value (NaN, large, any column count).
    template<typename R> static quint8* encodeGroupOneByOne(const R* rows, int count, Group* group, quint8* out)
    {
        beginGroup(rows, count, group);
        GroupTimes times {quint64(group->firstMs)};
        std::array<qint64, N> prevQ {};
        for (int r = 0; r < count; ++r) {
            const R& row = rows[r];
            if (r > 0)
                out = times.put(out, row.atMs);
            for (int c = 0; c < N; ++c) {
                const float v = row.v[size_t(c)];
                if (std::isnan(v)) {
                    *out++ = 0;
                    group->nanColumns |= 1u << c;
                    continue;
                }
                if (std::fabs(double(v)) >= ringcodec::kMaxScaled) {
                    *out++ = 1;
                    std::memcpy(out, &v, sizeof(float));
                    out += sizeof(float);
                } else {
                    const qint64 q = ringcodec::hundredthsOfStored(v);
                    out = ringcodec::putVarint(out, ringcodec::zigzag(quint64(q) - quint64(prevQ[size_t(c)])) + 2);
                    prevQ[size_t(c)] = q;
                }
                Summary& s = group->summary[size_t(c)];
                const quint32 dt = quint32(quint64(row.atMs) - quint64(group->firstMs));
                if (v < s.minV) {
                    s.minV = v;
                    s.minDt = dt;
                }
                if (v > s.maxV) {
                    s.maxV = v;
                    s.maxDt = dt;
                }
            }
        }
        return out;
    }

#if defined(__SSE2__)
    // The vectorised encoding's ranges. Below 2^17 in magnitude a value's hundredths are one rounding of
    // double(v) * 100 to the nearest integer (hundredthsOfStored): the process ring's rows always are (the app's
    // figures in MB). Below 2^23 they are rounded with halves away from zero from 2^17 on, and they, their changes
    // and the changes' zigzagged varint values still fit 32 bits (unsigned): the cache ring's rows are there once
    // its cumulative hit and miss counts pass 131 072, which in a long log is soon.
    static constexpr float kNarrowLimit = 131072.0f;
    static constexpr float kWideLimit = 8388608.0f;

    // Whether every value of the rows is finite and below limit in magnitude.
    template<typename R> static bool vectorEncodable(const R* rows, int count, float limitValue)
    {
        const __m128 absMask = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
        const __m128 limit = _mm_set1_ps(limitValue);
        __m128 ok = _mm_castsi128_ps(_mm_set1_epi32(-1));
        for (int r = 0; r < count; ++r) {
            const float* v = rows[r].v.data();
            // NaN compares false: not encodable.
            ok = _mm_and_ps(ok, _mm_cmplt_ps(_mm_and_ps(_mm_loadu_ps(v), absMask), limit));
            if constexpr (N == 6)
                ok = _mm_and_ps(ok, _mm_cmplt_ps(_mm_and_ps(loadTwo(v + 4), absMask), limit));
        }
        return _mm_movemask_ps(ok) == 0xf;
    }

    // Two floats into the low lanes, zeros above.
    static __m128 loadTwo(const float* v)
    {
        return _mm_castsi128_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(v)));
    }

    // The hundredths of the floats in the low two lanes, as the low two 32-bit lanes (zeros above), as
    // hundredthsOfStored() gives them: the processor's rounding to nearest of x = double(v) * 100, and with kWide
    // from 2^17 on roundHalfAway(x): the truncation of |x| + 0.5 with x's sign (exact: x has at most 31
    // significant bits, so |x| + 0.5 is rounded only when |x| is far below a half).
    template<bool kWide> static __m128i hundredthsOfLow(__m128 v, __m128d scale)
    {
        const __m128d x = _mm_mul_pd(_mm_cvtps_pd(v), scale);
        const __m128i nearest = _mm_cvtpd_epi32(x);
        if constexpr (!kWide) {
            return nearest;
        } else {
            const __m128i away = _mm_cvttpd_epi32(_mm_add_pd(_mm_andnot_pd(_mm_set1_pd(-0.0), x), _mm_set1_pd(0.5)));
            const __m128i sign = _mm_srai_epi32(_mm_castps_si128(v), 31); // -1 in the lanes of negative values
            const __m128 large = _mm_cmpge_ps(_mm_andnot_ps(_mm_set1_ps(-0.0f), v), _mm_set1_ps(kNarrowLimit));
            return select(_mm_castps_si128(large), _mm_sub_epi32(_mm_xor_si128(away, sign), sign), nearest);
        }
    }

    // a where mask is set, else b.
    static __m128 select(__m128 mask, __m128 a, __m128 b)
    {
        return _mm_or_ps(_mm_and_ps(mask, a), _mm_andnot_ps(mask, b));
    }
    static __m128i select(__m128i mask, __m128i a, __m128i b)
    {
        return _mm_or_si128(_mm_and_si128(mask, a), _mm_andnot_si128(mask, b));
    }

    // A varint's value for the change d of a value's hundredths: zigzagged, plus 2 (0 stands for NaN, 1 for a
    // raw float). Below 2^23 * 100 in magnitude a change fits 32 bits, and so does this (unsigned).
    static __m128i zigzagPlusTwo(__m128i d)
    {
        return _mm_add_epi32(_mm_xor_si128(_mm_slli_epi32(d, 1), _mm_srai_epi32(d, 31)), _mm_set1_epi32(2));
    }

    // The varints of four values below 2^28 (biased as encodeGroupVectors compares them): each one's bytes in its
    // lane of w, the first lowest, and its length (1 to 4).
    static void varintLanes(__m128i z, __m128i bias, quint32* w, quint32* length)
    {
        const __m128i biased = _mm_xor_si128(z, bias);
        const auto above = [&](int v) { return _mm_cmpgt_epi32(biased, _mm_xor_si128(_mm_set1_epi32(v), bias)); };
        const __m128i more1 = above(0x7f), more2 = above(0x3fff), more3 = above(0x1fffff); // all ones: more bytes
        const auto bits = [](__m128i v, int mask) { return _mm_and_si128(v, _mm_set1_epi32(mask)); };
        const __m128i low
            = _mm_or_si128(_mm_or_si128(bits(z, 0x7f), bits(_mm_slli_epi32(z, 1), 0x7f00)),
                           _mm_or_si128(bits(_mm_slli_epi32(z, 2), 0x7f0000), bits(_mm_slli_epi32(z, 3), 0x7f000000)));
        const __m128i continued
            = _mm_or_si128(bits(more1, 0x80), _mm_or_si128(bits(more2, 0x8000), bits(more3, 0x800000)));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(w), _mm_or_si128(low, continued));
        const __m128i n = _mm_sub_epi32(_mm_sub_epi32(_mm_sub_epi32(_mm_set1_epi32(1), more1), more2), more3);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(length), n);
    }

#    ifdef HEAPWATCH_RING_AVX2
    // varintLanes() of eight values at once: zA's four, then zB's. (No lambdas here: they would not be compiled for
    // AVX2.)
    __attribute__((target("avx2"))) static void varintLanes8(__m128i zA, __m128i zB, __m128i bias4, quint32* w,
                                                             quint32* length)
    {
        const __m256i z = _mm256_set_m128i(zB, zA);
        const __m256i bias = _mm256_broadcastsi128_si256(bias4);
        const __m256i biased = _mm256_xor_si256(z, bias);
        // All ones where a value needs a second, third, fourth byte.
        const __m256i more1 = _mm256_cmpgt_epi32(biased, _mm256_xor_si256(_mm256_set1_epi32(0x7f), bias));
        const __m256i more2 = _mm256_cmpgt_epi32(biased, _mm256_xor_si256(_mm256_set1_epi32(0x3fff), bias));
        const __m256i more3 = _mm256_cmpgt_epi32(biased, _mm256_xor_si256(_mm256_set1_epi32(0x1fffff), bias));
        const __m256i low = _mm256_or_si256(
            _mm256_or_si256(_mm256_and_si256(z, _mm256_set1_epi32(0x7f)),
                            _mm256_and_si256(_mm256_slli_epi32(z, 1), _mm256_set1_epi32(0x7f00))),
            _mm256_or_si256(_mm256_and_si256(_mm256_slli_epi32(z, 2), _mm256_set1_epi32(0x7f0000)),
                            _mm256_and_si256(_mm256_slli_epi32(z, 3), _mm256_set1_epi32(0x7f000000))));
        const __m256i continued
            = _mm256_or_si256(_mm256_and_si256(more1, _mm256_set1_epi32(0x80)),
                              _mm256_or_si256(_mm256_and_si256(more2, _mm256_set1_epi32(0x8000)),
                                              _mm256_and_si256(more3, _mm256_set1_epi32(0x800000))));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(w), _mm256_or_si256(low, continued));
        const __m256i n
            = _mm256_sub_epi32(_mm256_sub_epi32(_mm256_sub_epi32(_mm256_set1_epi32(1), more1), more2), more3);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(length), n);
    }
#    endif

    // The summaries of up to four columns in lanes: minimum and maximum and the offsets they were first seen at.
    struct LaneSummaries
    {
        __m128 minV, maxV;
        __m128i minDt, maxDt;

        LaneSummaries(const Summary* s, int columns)
        {
            std::array<float, 4> lo, hi;
            std::array<quint32, 4> loDt {}, hiDt {};
            lo.fill(std::numeric_limits<float>::infinity());
            hi.fill(-std::numeric_limits<float>::infinity());
            for (int c = 0; c < columns; ++c) {
                lo[size_t(c)] = s[c].minV;
                hi[size_t(c)] = s[c].maxV;
                loDt[size_t(c)] = s[c].minDt;
                hiDt[size_t(c)] = s[c].maxDt;
            }
            minV = _mm_loadu_ps(lo.data());
            maxV = _mm_loadu_ps(hi.data());
            minDt = _mm_loadu_si128(reinterpret_cast<const __m128i*>(loDt.data()));
            maxDt = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hiDt.data()));
        }
        // As the one-value-at-a-time encoding: strictly below or above, so the first of equal values stays.
        void add(__m128 v, __m128i dt)
        {
            const __m128 lt = _mm_cmplt_ps(v, minV), gt = _mm_cmpgt_ps(v, maxV);
            minV = select(lt, v, minV);
            maxV = select(gt, v, maxV);
            minDt = select(_mm_castps_si128(lt), dt, minDt);
            maxDt = select(_mm_castps_si128(gt), dt, maxDt);
        }
        void store(Summary* s, int columns) const
        {
            std::array<float, 4> lo, hi;
            std::array<quint32, 4> loDt, hiDt;
            _mm_storeu_ps(lo.data(), minV);
            _mm_storeu_ps(hi.data(), maxV);
            _mm_storeu_si128(reinterpret_cast<__m128i*>(loDt.data()), minDt);
            _mm_storeu_si128(reinterpret_cast<__m128i*>(hiDt.data()), maxDt);
            for (int c = 0; c < columns; ++c)
                s[c] = Summary {lo[size_t(c)], hi[size_t(c)], loDt[size_t(c)], hiDt[size_t(c)]};
        }
    };

    // encodeGroup() for rows in vectorEncodable()'s range (N is 4 or 6): the same bytes and summaries, with a
    // row's values converted, differenced, zigzagged and (when every varint is one byte, nearly always) written
    // four at a time; the summaries' minima and maxima kept in lanes. A replay's applying thread spent a sixth of
    // its time here one value at a time.
    // kWide: for rows in the wider range (see kWideLimit), whose varint values are compared unsigned.
    template<bool kWide, typename R>
    static quint8* encodeGroupVectors(const R* rows, int count, Group* group, quint8* out)
    {
#    ifdef HEAPWATCH_RING_AVX2
        if (ringcodec::avx2Encoding)
            return encodeGroupVectorsAvx2<kWide>(rows, count, group, out);
#    endif
        return encodeGroupVectorsWith<kWide, false>(rows, count, group, out);
    }
#    ifdef HEAPWATCH_RING_AVX2
    // The same for a processor with AVX2: the SSE2 code in VEX form (three operands, fewer copies), and a row's
    // varints worked out eight lanes at once. A row of figures that jump about (2-3 byte varints) took 25 ns to
    // encode, 21 ns so. flatten: everything it calls is compiled into it, for AVX2.
    template<bool kWide, typename R>
    __attribute__((target("avx2"), flatten)) static quint8* encodeGroupVectorsAvx2(const R* rows, int count,
                                                                                   Group* group, quint8* out)
    {
        return encodeGroupVectorsWith<kWide, true>(rows, count, group, out);
    }
#    endif
    // kAvx2: varintLanes8() (only within encodeGroupVectorsAvx2).
    template<bool kWide, bool kAvx2, typename R>
    static quint8* encodeGroupVectorsWith(const R* rows, int count, Group* group, quint8* out)
    {
        static_assert(N == 4 || N == 6);
        constexpr int kRest = N - 4; // columns 4-5, in the low lanes of the second vectors
        beginGroup(rows, count, group);
        const __m128d scale = _mm_set1_pd(ringcodec::kScale);
        // Signed comparisons of values biased by 2^31 compare them unsigned.
        const __m128i bias = _mm_set1_epi32(kWide ? std::numeric_limits<qint32>::min() : 0);
        const __m128i oneByte = _mm_xor_si128(_mm_set1_epi32(0x7f), bias);
        __m128i prevA = _mm_setzero_si128(), prevB = _mm_setzero_si128();
        LaneSummaries sumA(group->summary.data(), 4), sumB(group->summary.data() + 4, kRest);
        GroupTimes times {quint64(group->firstMs)};
        for (int r = 0; r < count; ++r) {
            const R& row = rows[r];
            if (r > 0)
                out = times.put(out, row.atMs);
            const float* v = row.v.data();
            const __m128i dt = _mm_set1_epi32(int(quint32(quint64(row.atMs) - quint64(group->firstMs))));
            const __m128 a = _mm_loadu_ps(v);
            const __m128i qA = _mm_unpacklo_epi64(hundredthsOfLow<kWide>(a, scale),
                                                  hundredthsOfLow<kWide>(_mm_movehl_ps(a, a), scale));
            const __m128i zA = zigzagPlusTwo(_mm_sub_epi32(qA, prevA));
            prevA = qA;
            sumA.add(a, dt);
            __m128i zB = _mm_set1_epi32(2); // columns past N: never written
            if constexpr (kRest > 0) {
                const __m128 b = loadTwo(v + 4);
                const __m128i qB = hundredthsOfLow<kWide>(b, scale);
                zB = zigzagPlusTwo(_mm_sub_epi32(qB, prevB));
                prevB = qB;
                sumB.add(b, dt);
            }
            const __m128i wide = _mm_or_si128(_mm_cmpgt_epi32(_mm_xor_si128(zA, bias), oneByte),
                                              _mm_cmpgt_epi32(_mm_xor_si128(zB, bias), oneByte));
            if (_mm_movemask_epi8(wide) == 0) {
                // Every varint is its own byte. Eight bytes are written (room for the longest row is there), N kept.
                const __m128i bytes = _mm_packus_epi16(_mm_packs_epi32(zA, zB), _mm_setzero_si128());
                _mm_storel_epi64(reinterpret_cast<__m128i*>(out), bytes);
                out += N;
            } else {
                const __m128i fourBytes = _mm_xor_si128(_mm_set1_epi32(0x0fffffff), bias);
                if (_mm_movemask_epi8(_mm_or_si128(_mm_cmpgt_epi32(_mm_xor_si128(zA, bias), fourBytes),
                                                   _mm_cmpgt_epi32(_mm_xor_si128(zB, bias), fourBytes)))
                    == 0) {
                    // Up to four bytes each (values that jump about): each varint's bytes in its lane, stored four at
                    // a time one after the other, the lengths worked out in lanes too. A loop per value mispredicted
                    // about once a value, and its lengths made one chain through the row.
                    std::array<quint32, 8> w, length;
#    ifdef HEAPWATCH_RING_AVX2
                    if constexpr (kAvx2) {
                        varintLanes8(zA, zB, bias, w.data(), length.data());
                    } else
#    endif
                    {
                        varintLanes(zA, bias, w.data(), length.data());
                        varintLanes(zB, bias, w.data() + 4, length.data() + 4);
                    }
                    for (int c = 0; c < N; ++c) {
                        std::memcpy(out, &w[size_t(c)], 4);
                        out += length[size_t(c)];
                    }
                } else {
                    std::array<quint32, 8> z;
                    _mm_storeu_si128(reinterpret_cast<__m128i*>(z.data()), zA);
                    _mm_storeu_si128(reinterpret_cast<__m128i*>(z.data() + 4), zB);
                    for (int c = 0; c < N; ++c)
                        out = ringcodec::putVarint(out, quint64(z[size_t(c)]));
                }
            }
        }
        sumA.store(group->summary.data(), 4);
        sumB.store(group->summary.data() + 4, kRest);
        return out;
    }
#endif

    // Brings the encoding of the open chunk's whole groups up to date: a saved open chunk is encoded again
    // at every save, and its full groups do not change.
    void encodeOpenGroups() const
    {
        const int whole = int(m_open.size()) / kGroupRows;
        while (m_openGroups < whole) {
            std::vector<quint8>& bytes = m_openEncoded.bytes;
            const size_t offset = bytes.size();
            bytes.resize(offset + size_t(kGroupRows) * kMaxRowBytes);
            Group& group = m_openEncoded.groups[size_t(m_openGroups)];
            group = Group {};
            group.offset = quint32(offset);
            quint8* end = encodeGroup(m_open.data() + size_t(m_openGroups) * kGroupRows, kGroupRows, &group,
                                      bytes.data() + offset);
            bytes.resize(size_t(end - bytes.data()));
            ++m_openGroups;
        }
    }

    // The open chunk's rows encoded: the cached whole groups and the last, partial one. The same bytes and
    // groups as encode(m_open.data(), m_open.size()).
    Chunk encodeOpen() const
    {
        encodeOpenGroups();
        Chunk chunk;
        chunk.groups = m_openEncoded.groups;
        const int count = int(m_open.size());
        const int rest = count - m_openGroups * kGroupRows;
        const size_t offset = m_openEncoded.bytes.size();
        chunk.bytes.reserve(offset + size_t(rest) * kMaxRowBytes);
        chunk.bytes = m_openEncoded.bytes;
        for (int g = m_openGroups; g < kGroupsPerChunk; ++g)
            chunk.groups[size_t(g)] = Group {};
        for (int g = m_openGroups; g < kGroupsPerChunk; ++g)
            chunk.groups[size_t(g)].offset = quint32(offset);
        if (rest > 0) {
            chunk.bytes.resize(offset + size_t(rest) * kMaxRowBytes);
            Group& group = chunk.groups[size_t(m_openGroups)];
            quint8* end = encodeGroup(m_open.data() + size_t(m_openGroups) * kGroupRows, rest, &group,
                                      chunk.bytes.data() + offset);
            chunk.bytes.resize(size_t(end - chunk.bytes.data()));
            for (int g = m_openGroups + 1; g < kGroupsPerChunk; ++g)
                chunk.groups[size_t(g)].offset = quint32(chunk.bytes.size());
        }
        chunk.bytes.shrink_to_fit();
        return chunk;
    }

    void resetOpenEncoding()
    {
        m_openEncoded = Chunk {};
        m_openGroups = 0;
    }

    // Seals the full open chunk, from the groups already encoded for a save when there are any.
    void seal()
    {
        pushSealed(m_openGroups > 0 ? encodeOpen() : encode(m_open.data(), kChunkRows));
        m_open.clear();
        resetOpenEncoding();
    }

    const std::vector<Row>& groupRows(qsizetype chunkIndex, int group) const
    {
        const qint64 serial = (m_firstSerial + chunkIndex) * kGroupsPerChunk + group;
        for (const CachedGroup& c : m_cache)
            if (c.serial == serial)
                return c.rows;
        CachedGroup& slot = m_cache[m_nextCacheSlot];
        m_nextCacheSlot = (m_nextCacheSlot + 1) % m_cache.size();
        slot.serial = serial;
        slot.rows.resize(size_t(kGroupRows));
        const Chunk& chunk = chunkAt(chunkIndex);
        const Group& g = chunk.groups[size_t(group)];
        const quint8* p = chunk.bytes.data() + g.offset;
        quint64 t = quint64(g.firstMs);
        quint64 delta = 0;
        std::array<qint64, N> q {};
        for (int r = 0; r < kGroupRows; ++r) {
            Row& row = slot.rows[size_t(r)];
            if (r > 0) {
                delta += ringcodec::unzigzag(ringcodec::getVarint(p));
                t += delta;
            }
            row.atMs = qint64(t);
            for (int c = 0; c < N; ++c) {
                const quint64 code = ringcodec::getVarint(p);
                if (code == 0) {
                    row.v[size_t(c)] = std::numeric_limits<float>::quiet_NaN();
                } else if (code == 1) {
                    std::memcpy(&row.v[size_t(c)], p, sizeof(float));
                    p += sizeof(float);
                } else {
                    q[size_t(c)] = qint64(quint64(q[size_t(c)]) + ringcodec::unzigzag(code - 2));
                    row.v[size_t(c)] = ringcodec::fromHundredths(q[size_t(c)]);
                }
            }
        }
        return slot.rows;
    }

    qsizetype m_capacity;
    std::deque<Slot> m_chunks; // sealed, oldest first
    std::vector<Row> m_open; // the chunk being filled
    mutable Chunk m_openEncoded; // the open chunk's whole groups, encoded (for saves)
    mutable int m_openGroups = 0; // how many groups m_openEncoded holds
    qsizetype m_head = 0; // rows dropped from the front of the oldest chunk
    qint64 m_firstSerial = 0; // serial number of m_chunks.front()
    qint64 m_lastMs = 0;
    mutable std::array<CachedGroup, 4> m_cache;
    mutable size_t m_nextCacheSlot = 0;
    ChunkLoader m_loader;
    mutable std::array<LoadedChunk, kLoadedChunks> m_loaded;
    mutable size_t m_nextLoaded = 0;
    mutable std::deque<GroupSummaries> m_groupSummaries; // stable references while it grows
    mutable size_t m_nextGroupSummaries = 0;
    qint64 m_droppedThrough = -1; // serial of the newest chunk evictSealed has passed
    mutable qint64 m_chunksLoaded = 0;
};

} // namespace heapwatch
