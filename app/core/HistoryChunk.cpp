#include "HistoryChunk.h"

#include "TargetState.h"

#include <QStringList>

namespace heapwatch {

int ringColumnCount(RingKind ring)
{
    switch (ring) {
    case RingKind::Stats:
        return 2;
    case RingKind::Process:
        return 6;
    case RingKind::Cache:
        return 4;
    }
    return 0;
}

QStringList ringColumnNames(RingKind ring)
{
    switch (ring) {
    case RingKind::Stats:
        return {QStringLiteral("cpu_percent"), QStringLiteral("mem_usage_mib")};
    case RingKind::Process:
        return {QStringLiteral("rss_mib"),           QStringLiteral("heap_used_mib"),
                QStringLiteral("heap_total_mib"),    QStringLiteral("external_mib"),
                QStringLiteral("array_buffers_mib"), QStringLiteral("heap_usage_percent")};
    case RingKind::Cache:
        return {QStringLiteral("cache_keys"), QStringLiteral("cache_hits"), QStringLiteral("cache_misses"),
                QStringLiteral("cache_hit_rate_percent")};
    }
    return {};
}

QString ringName(RingKind ring)
{
    switch (ring) {
    case RingKind::Stats:
        return QStringLiteral("stats");
    case RingKind::Process:
        return QStringLiteral("process");
    case RingKind::Cache:
        return QStringLiteral("cache");
    }
    return {};
}

namespace {

template<int N> bool decode(const StoredChunk& stored, std::vector<DecodedRow>* rows)
{
    typename SampleRing<N>::Chunk chunk;
    std::vector<SampleRow<N>> decoded;
    if (!historycodec::unpackChunk<N>(stored.bytes, stored.summaries, &chunk)
        || !SampleRing<N>::decodeChunk(chunk, stored.rows, &decoded))
        return false;
    static_assert(N <= DecodedRow::kMaxColumns);
    rows->resize(decoded.size());
    for (size_t i = 0; i < decoded.size(); ++i) {
        DecodedRow& row = (*rows)[i];
        row.atMs = decoded[i].atMs;
        row.values.fill(std::numeric_limits<double>::quiet_NaN());
        std::copy(decoded[i].v.begin(), decoded[i].v.end(), row.values.begin());
    }
    return true;
}

} // namespace

// The column counts must agree with TargetState's rings, or stored chunks would not reload into them.
static_assert(
    std::is_same_v<
        StatsRing,
        SampleRing<2>> && std::is_same_v<ProcessRing, SampleRing<6>> && std::is_same_v<CacheRing, SampleRing<4>>);

bool decodeStoredChunk(const StoredChunk& chunk, std::vector<DecodedRow>* rows)
{
    rows->clear();
    bool ok = false;
    switch (chunk.ring) {
    case RingKind::Stats:
        ok = decode<2>(chunk, rows);
        break;
    case RingKind::Process:
        ok = decode<6>(chunk, rows);
        break;
    case RingKind::Cache:
        ok = decode<4>(chunk, rows);
        break;
    }
    if (!ok)
        rows->clear();
    return ok;
}

} // namespace heapwatch
