// The time window every chart of a page shows: a range preset (15 min … 7 d) that follows the live edge,
// or a window the user zoomed or panned to. Shared by the charts of a page so that they stay aligned.
#pragma once

#include <QObject>
#include <QString>
#include <array>
#include <utility>

namespace heapwatch {

class ChartViewport : public QObject
{
    Q_OBJECT
public:
    enum Range
    {
        Minutes15 = 0,
        Hour1,
        Hours6,
        Hours24,
        Days7
    };
    static constexpr int kRangeCount = 5;
    static qint64 rangeMs(Range range);
    static QString rangeLabel(Range range); // "15 min", "1 h", …
    static QString rangeKey(Range range); // "15m", "1h", … for settings

    explicit ChartViewport(QObject* parent = nullptr);

    Range range() const { return m_range; }
    bool isFollowing() const { return m_follow; }
    qint64 spanMs() const { return m_spanMs; }

    // [t0, t1] in ms since the epoch for a target whose newest time is nowMs.
    std::pair<qint64, qint64> window(qint64 nowMs) const;

    void setRange(Range range); // and follow the live edge again
    void followLive();
    // Zoom by factor (< 1 zooms in) around anchorMs; leaves live-follow unless the right edge stays at now.
    void zoom(double factor, qint64 anchorMs, qint64 nowMs);
    void pan(qint64 deltaMs, qint64 nowMs);

Q_SIGNALS:
    void changed();

private:
    Range m_range = Hour1;
    bool m_follow = true;
    qint64 m_spanMs = 3600 * 1000;
    qint64 m_endMs = 0; // right edge when not following
};

} // namespace heapwatch
