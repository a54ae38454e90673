#include "ChartViewport.h"

#include <algorithm>

namespace heapwatch {

namespace {
constexpr qint64 kMinSpanMs = 60 * 1000; // one minute: below that the ring's one-second rows show as steps
constexpr qint64 kMaxSpanMs = 7LL * 24 * 3600 * 1000; // the history holds a week
} // namespace

qint64 ChartViewport::rangeMs(Range range)
{
    static constexpr std::array<qint64, kRangeCount> ms
        = {15 * 60 * 1000LL, 3600 * 1000LL, 6 * 3600 * 1000LL, 24 * 3600 * 1000LL, 7 * 24 * 3600 * 1000LL};
    return ms[size_t(std::clamp(int(range), 0, kRangeCount - 1))];
}

QString ChartViewport::rangeLabel(Range range)
{
    static const char* const labels[] = {"15 min", "1 h", "6 h", "24 h", "7 d"};
    return QString::fromLatin1(labels[std::clamp(int(range), 0, kRangeCount - 1)]);
}

QString ChartViewport::rangeKey(Range range)
{
    static const char* const keys[] = {"15m", "1h", "6h", "24h", "7d"};
    return QString::fromLatin1(keys[std::clamp(int(range), 0, kRangeCount - 1)]);
}

ChartViewport::ChartViewport(QObject* parent)
    : QObject(parent)
{
}

std::pair<qint64, qint64> ChartViewport::window(qint64 nowMs) const
{
    const qint64 end = m_follow ? nowMs : m_endMs;
    return {end - m_spanMs, end};
}

void ChartViewport::setRange(Range range)
{
    m_range = range;
    m_spanMs = rangeMs(range);
    m_follow = true;
    Q_EMIT changed();
}

void ChartViewport::followLive()
{
    if (m_follow && m_spanMs == rangeMs(m_range))
        return;
    m_follow = true;
    m_spanMs = rangeMs(m_range);
    Q_EMIT changed();
}

void ChartViewport::zoom(double factor, qint64 anchorMs, qint64 nowMs)
{
    const auto [t0, t1] = window(nowMs);
    const qint64 span = std::clamp(qint64(double(m_spanMs) * factor), kMinSpanMs, kMaxSpanMs);
    if (span == m_spanMs)
        return;
    anchorMs = std::clamp(anchorMs, t0, t1);
    // Keep the time under the cursor where it is on screen.
    const double frac = double(anchorMs - t0) / double(std::max<qint64>(1, t1 - t0));
    qint64 newEnd = anchorMs + qint64((1.0 - frac) * double(span));
    m_spanMs = span;
    // Zooming with the live edge in view keeps following it: the operator wants the newest data.
    if (m_follow && frac > 0.95) {
        Q_EMIT changed();
        return;
    }
    m_follow = newEnd >= nowMs;
    m_endMs = std::min(newEnd, nowMs);
    Q_EMIT changed();
}

void ChartViewport::pan(qint64 deltaMs, qint64 nowMs)
{
    if (deltaMs == 0)
        return;
    const qint64 end = (m_follow ? nowMs : m_endMs) + deltaMs;
    m_follow = end >= nowMs;
    m_endMs = std::min(end, nowMs);
    Q_EMIT changed();
}

} // namespace heapwatch
