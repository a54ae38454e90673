#include "SampleCsvWriter.h"

#include <QDateTime>
#include <QIODevice>
#include <algorithm>
#include <cmath>
#include <limits>

namespace heapwatch {

namespace {

void appendValue(QByteArray& line, float v, int decimals)
{
    line += ',';
    if (!std::isnan(v))
        line += QByteArray::number(double(v), 'f', decimals);
}

} // namespace

QByteArray SampleCsvWriter::header()
{
    return QByteArrayLiteral(
        "time_utc,epoch_ms,rss_mib,heap_used_mib,heap_total_mib,external_mib,array_buffers_mib,"
        "cpu_percent,container_mem_mib,cache_keys,cache_hits,cache_misses,cache_hit_rate_percent\n");
}

qint64 SampleCsvWriter::write(const TargetState& st, qint64 t0, qint64 t1, QIODevice* out)
{
    const ProcessRing& p = st.process();
    const StatsRing& s = st.stats();
    const CacheRing& c = st.cache();
    qsizetype ip = p.lowerBound(t0), is = s.lowerBound(t0), ic = c.lowerBound(t0);
    const qsizetype ep = p.lowerBound(t1 + 1), es = s.lowerBound(t1 + 1), ec = c.lowerBound(t1 + 1);
    constexpr qint64 kNone = std::numeric_limits<qint64>::max();
    QByteArray chunk = header();
    qint64 rows = 0;
    while (ip < ep || is < es || ic < ec) {
        const qint64 tp = ip < ep ? p.at(ip).atMs : kNone;
        const qint64 ts = is < es ? s.at(is).atMs : kNone;
        const qint64 tc = ic < ec ? c.at(ic).atMs : kNone;
        const qint64 t = std::min({tp, ts, tc});
        chunk += QDateTime::fromMSecsSinceEpoch(t, Qt::UTC).toString(Qt::ISODateWithMs).toLatin1();
        chunk += ',';
        chunk += QByteArray::number(t);
        if (tp == t) {
            const ProcessRing::Row r = p.at(ip++);
            for (int col = RssColumn; col <= ArrayBuffersColumn; ++col)
                appendValue(chunk, r.v[size_t(col)], 1);
        } else {
            chunk += ",,,,,";
        }
        if (ts == t) {
            const auto& r = s.at(is++);
            appendValue(chunk, r.v[CpuColumn], 2);
            appendValue(chunk, r.v[MemUsageColumn], 1);
        } else {
            chunk += ",,";
        }
        if (tc == t) {
            const auto& r = c.at(ic++);
            appendValue(chunk, r.v[KeysColumn], 0);
            appendValue(chunk, r.v[HitsColumn], 0);
            appendValue(chunk, r.v[MissesColumn], 0);
            appendValue(chunk, r.v[HitRateColumn], 2);
        } else {
            chunk += ",,,";
        }
        chunk += '\n';
        ++rows;
        // Written in pieces: a week of one-second rows is tens of megabytes.
        if (chunk.size() > (1 << 20)) {
            if (out->write(chunk) != chunk.size())
                return -1;
            chunk.clear();
        }
    }
    if (!chunk.isEmpty() && out->write(chunk) != chunk.size())
        return -1;
    return rows;
}

} // namespace heapwatch
