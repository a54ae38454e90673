#include "StreamHealth.h"

#include <algorithm>

namespace heapwatch {

namespace {

// The app's Memory line is expected every interval; silent for two intervals plus 30 s, it is stale.
qint64 memoryStaleAfterMs(qint64 intervalMs)
{
    return 2 * intervalMs + 30000;
}

} // namespace

std::vector<StreamHealth> streamHealth(const TargetState& state, qint64 nowMs)
{
    const ConnectionStatus& c = state.connection();
    using C = ConnectionStatus::Container;
    if (c.container == C::Unknown && c.state != ConnectionStatus::State::Connected)
        return {}; // not a watched container, or never connected: the connection state says it all
    if (c.container == C::Unknown && !c.statsRunning && !c.logsRunning && !c.eventsRunning)
        return {}; // demo, replay: no streams to judge
    const bool connected = c.state == ConnectionStatus::State::Connected;
    const bool waiting = c.container == C::Stopped || c.container == C::Absent || c.container == C::EngineError;
    std::vector<StreamHealth> out(3);

    StreamHealth& stats = out[0];
    stats.stream = StreamHealth::Stream::Stats;
    stats.lastDataMs = state.lastStats() ? state.lastStats()->atMs : -1;
    stats.expectedEveryMs = 1000;
    if (waiting)
        stats.state = StreamHealth::State::Waiting;
    else if (!connected || !c.statsRunning)
        stats.state = StreamHealth::State::Down;
    else if (stats.lastDataMs < 0 || nowMs - stats.lastDataMs > kStatsStaleMs)
        stats.state = c.statsRunningSinceMs > 0 && nowMs - c.statsRunningSinceMs < kStatsStaleMs
            ? StreamHealth::State::Flowing // just started: give it its first samples
            : StreamHealth::State::Stale;
    else
        stats.state = StreamHealth::State::Flowing;

    StreamHealth& logs = out[1];
    logs.stream = StreamHealth::Stream::Logs;
    // When the latest live Memory line arrived; before any, the time the history's latest one carries.
    logs.lastDataMs = state.memoryArrivedMs() >= 0 ? state.memoryArrivedMs()
        : state.lastMemory()                       ? state.lastMemory()->atMs
                                                   : -1;
    logs.expectedEveryMs = state.memoryIntervalMs();
    if (waiting)
        logs.state = StreamHealth::State::Waiting;
    else if (!connected || !c.logsRunning)
        logs.state = StreamHealth::State::Down;
    else if (logs.expectedEveryMs > 0 && logs.lastDataMs >= 0
             && nowMs - logs.lastDataMs > memoryStaleAfterMs(logs.expectedEveryMs))
        logs.state = StreamHealth::State::Stale;
    else
        logs.state = StreamHealth::State::Flowing;

    StreamHealth& events = out[2];
    events.stream = StreamHealth::Stream::Events;
    events.state = !connected || !c.eventsRunning ? StreamHealth::State::Down : StreamHealth::State::Flowing;
    events.lastDataMs = state.lastEventMs();
    return out;
}

bool allStreamsUp(const std::vector<StreamHealth>& streams)
{
    return std::all_of(streams.begin(), streams.end(), [](const StreamHealth& s) { return s.up(); });
}

qint64 staleForMs(const std::vector<StreamHealth>& streams, qint64 nowMs)
{
    qint64 worst = -1;
    for (const StreamHealth& s : streams) {
        if (!s.up() && s.state != StreamHealth::State::Waiting)
            worst = std::max(worst, s.lastDataMs >= 0 ? nowMs - s.lastDataMs : 0);
    }
    return worst;
}

QString toString(StreamHealth::Stream stream)
{
    switch (stream) {
    case StreamHealth::Stream::Stats:
        return QStringLiteral("stats");
    case StreamHealth::Stream::Logs:
        return QStringLiteral("logs");
    case StreamHealth::Stream::Events:
        return QStringLiteral("events");
    }
    return QString();
}

QString toString(StreamHealth::State state)
{
    switch (state) {
    case StreamHealth::State::Flowing:
        return QStringLiteral("flowing");
    case StreamHealth::State::Stale:
        return QStringLiteral("stale");
    case StreamHealth::State::Waiting:
        return QStringLiteral("waiting");
    case StreamHealth::State::Down:
        return QStringLiteral("down");
    }
    return QString();
}

} // namespace heapwatch
