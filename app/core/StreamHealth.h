// Whether each stream of a live target is flowing, judged from when its data last arrived against the pace
// it is expected at: `docker stats` about every second (5 s through podman's Docker API), the app's `Memory:`
// line at the interval it showed in its history, `docker events` whenever its command runs (events are rare,
// they have no pace). A target is live only while all of them flow; a silent one makes it "stale", with its
// age. Sources that are not watched over a connection (demo, replay) are not judged.
#pragma once

#include "TargetState.h"

#include <QString>
#include <array>

namespace heapwatch {

struct StreamHealth
{
    enum class Stream : quint8
    {
        Stats,
        Logs,
        Events
    };
    enum class State : quint8
    {
        Flowing,
        Stale, // running, but silent beyond its expected pace
        Waiting, // the container is stopped or absent: nothing to stream, truthfully
        Down // its command is not running (refused channel, restart pending, connection lost)
    };
    Stream stream = Stream::Stats;
    State state = State::Down;
    qint64 lastDataMs = -1; // -1: nothing yet
    qint64 expectedEveryMs = -1; // -1: no pace (events), or not learnt yet

    bool up() const { return state == State::Flowing; }
};

// Stats stale after this long without a sample (podman's Docker API sends one every 5 s).
constexpr qint64 kStatsStaleMs = 15000;

// Judged at nowMs. Empty for sources that are not judged (no container state: demo, replay).
std::vector<StreamHealth> streamHealth(const TargetState& state, qint64 nowMs);
// True when every judged stream flows (and for sources that are not judged).
bool allStreamsUp(const std::vector<StreamHealth>& streams);
// The longest silence among the streams that are not up, in ms; -1 when all are up.
qint64 staleForMs(const std::vector<StreamHealth>& streams, qint64 nowMs);

QString toString(StreamHealth::Stream stream);
QString toString(StreamHealth::State state);

} // namespace heapwatch
