// Bounded history: a fixed-capacity ring of rows (a time and N float columns), allocated in blocks as it
// fills so that a new target costs almost nothing and a full one never grows.
#pragma once

#include <QPointF>
#include <QtGlobal>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

namespace heapwatch {

template<int N> struct SampleRow
{
    qint64 atMs;
    std::array<float, N> v;
};

template<int N> class SampleRing
{
public:
    using Row = SampleRow<N>;
    static constexpr qsizetype kBlockRows = 4096;

    explicit SampleRing(qsizetype capacity)
        : m_capacity(std::max<qsizetype>(capacity, 1))
    {
    }

    qsizetype capacity() const { return m_capacity; }
    qsizetype size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    static constexpr qsizetype bytesPerRow() { return sizeof(Row); }
    // Bytes held by the allocated blocks (the ring's own footprint).
    qsizetype allocatedBytes() const { return qsizetype(m_blocks.size()) * kBlockRows * qsizetype(sizeof(Row)); }

    // Rows must arrive in time order; an older row than the newest is dropped (returns false), so that
    // binary searches stay valid. Equal times are kept.
    bool push(qint64 atMs, const std::array<float, N>& values)
    {
        if (m_size > 0 && atMs < last().atMs)
            return false;
        const qsizetype slot = (m_start + m_size) % m_capacity;
        ensureSlot(slot);
        rowAt(slot) = Row {atMs, values};
        if (m_size < m_capacity)
            ++m_size;
        else
            m_start = (m_start + 1) % m_capacity;
        return true;
    }

    void clear()
    {
        m_blocks.clear();
        m_start = 0;
        m_size = 0;
    }

    // i = 0 is the oldest row.
    const Row& at(qsizetype i) const { return rowAt((m_start + i) % m_capacity); }
    const Row& first() const { return at(0); }
    const Row& last() const { return at(m_size - 1); }

    // Index of the first row with atMs >= t (size() if none).
    qsizetype lowerBound(qint64 t) const
    {
        qsizetype lo = 0, hi = m_size;
        while (lo < hi) {
            const qsizetype mid = lo + (hi - lo) / 2;
            if (at(mid).atMs < t)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

    // Min/max decimation of one column over [t0, t1] into at most two points per pixel column, in time
    // order, keeping every peak. NaN values are skipped. x is ms since the epoch.
    std::vector<QPointF> decimate(int column, qint64 t0, qint64 t1, int pixels) const
    {
        std::vector<QPointF> out;
        if (m_size == 0 || t1 < t0 || pixels <= 0 || column < 0 || column >= N)
            return out;
        const qsizetype begin = lowerBound(t0);
        const qsizetype end = lowerBound(t1 + 1);
        if (begin >= end)
            return out;
        if (end - begin <= 2 * qsizetype(pixels)) {
            out.reserve(size_t(end - begin));
            for (qsizetype i = begin; i < end; ++i) {
                const Row& r = at(i);
                if (!std::isnan(r.v[size_t(column)]))
                    out.emplace_back(double(r.atMs), double(r.v[size_t(column)]));
            }
            return out;
        }
        out.reserve(size_t(pixels) * 2);
        const double span = double(t1 - t0) + 1.0;
        int bucket = -1;
        const Row* minRow = nullptr;
        const Row* maxRow = nullptr;
        auto flush = [&]() {
            if (!minRow)
                return;
            if (minRow == maxRow) {
                out.emplace_back(double(minRow->atMs), double(minRow->v[size_t(column)]));
            } else {
                const Row* a = minRow->atMs <= maxRow->atMs ? minRow : maxRow;
                const Row* b = a == minRow ? maxRow : minRow;
                out.emplace_back(double(a->atMs), double(a->v[size_t(column)]));
                out.emplace_back(double(b->atMs), double(b->v[size_t(column)]));
            }
            minRow = maxRow = nullptr;
        };
        for (qsizetype i = begin; i < end; ++i) {
            const Row& r = at(i);
            const float value = r.v[size_t(column)];
            if (std::isnan(value))
                continue;
            const int b = std::min(pixels - 1, int(double(r.atMs - t0) / span * pixels));
            if (b != bucket) {
                flush();
                bucket = b;
            }
            if (!minRow || value < minRow->v[size_t(column)])
                minRow = &r;
            if (!maxRow || value > maxRow->v[size_t(column)])
                maxRow = &r;
        }
        flush();
        return out;
    }

private:
    void ensureSlot(qsizetype slot)
    {
        const size_t block = size_t(slot / kBlockRows);
        if (block >= m_blocks.size())
            m_blocks.resize(block + 1);
        if (!m_blocks[block]) {
            const qsizetype rows = std::min(kBlockRows, m_capacity - qsizetype(block) * kBlockRows);
            m_blocks[block] = std::make_unique<Row[]>(size_t(rows));
        }
    }
    Row& rowAt(qsizetype slot) { return m_blocks[size_t(slot / kBlockRows)][size_t(slot % kBlockRows)]; }
    const Row& rowAt(qsizetype slot) const { return m_blocks[size_t(slot / kBlockRows)][size_t(slot % kBlockRows)]; }

    qsizetype m_capacity;
    qsizetype m_start = 0;
    qsizetype m_size = 0;
    std::vector<std::unique_ptr<Row[]>> m_blocks;
};

} // namespace heapwatch
