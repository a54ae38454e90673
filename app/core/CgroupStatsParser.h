// Reads what heapwatch's cgroup loop (RemoteCommands::cgroupStats) prints on a server: the container's memory,
// limit, CPU and process count, read from its cgroup files once a second by a shell loop that only writes
// what changed. Everything arrives from the server and is checked here: a malformed line is counted and
// skipped whole (never half applied), an overlong one is counted and skipped up to its newline.
//
// The lines (ASCII, one per sample that changed something):
//   hw1 v1 read | hw1 v2 sleep     the loop found the cgroup (version 1 or 2) and how it waits between samples
//   [libpod]                       (`read -t` on its stdin, a builtin, or `sleep` where the shell has no -t);
//                                  "libpod": a podman container, whose memory is the whole usage (see m below)
//   hw1 none REASON                the cgroup cannot be read (REASON: one word); the loop exits
//   hw1 gone                       the cgroup went away (the container stopped); the loop exits
//   m123 l456 c78 p9               changed values, any subset in any order: m the memory usage as the engine's
//                                  stats count it (Docker: usage − inactive file; podman, whose Docker API and
//                                  CLI report libpod's figure: the whole usage), l the limit (bytes), c the CPU in
//                                  hundredths of a percent of one core, p the processes
//   .                              nothing changed for a while (keeps the link's liveness)
// Every sample or keepalive line gives one StatsSample with the latest value of every field.
#pragma once

#include "Samples.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <vector>

namespace heapwatch {

class CgroupStatsParser
{
public:
    enum class State : quint8
    {
        Starting, // no header yet
        Reading, // the loop reads the cgroup
        Unavailable, // "hw1 none …": the caller falls back to `docker stats`
        Gone, // the cgroup disappeared
    };

    static constexpr qsizetype kMaxLineBytes = 256;

    // A new run of the loop for this container: values, state and partial line are forgotten, counters kept.
    void reset(const QString& containerId, const QString& name);
    void feed(QByteArrayView chunk, qint64 receivedAtMs, std::vector<StatsSample>& out);

    State state() const { return m_state; }
    int cgroupVersion() const { return m_version; } // 1 or 2 once Reading, else 0
    bool builtinSleep() const { return m_builtinSleep; }
    bool libpod() const { return m_libpod; } // a podman container: page cache counted as podman counts it
    const QString& reason() const { return m_reason; } // why Unavailable, from the server (plain text)
    const ParseCounters& counters() const { return m_counters; }

private:
    void consumeLine(QByteArrayView line, qint64 receivedAtMs, std::vector<StatsSample>& out);
    bool consumeHeader(QByteArrayView line);
    bool consumeValues(QByteArrayView line);
    void emitSample(qint64 receivedAtMs, std::vector<StatsSample>& out);

    QString m_id;
    QString m_name;
    QByteArray m_partial;
    bool m_skipping = false;
    State m_state = State::Starting;
    int m_version = 0;
    bool m_builtinSleep = false;
    bool m_libpod = false;
    QString m_reason;
    double m_mem = kUnknown;
    double m_limit = kUnknown;
    double m_cpu = kUnknown;
    qint64 m_pids = -1;
    ParseCounters m_counters;
};

} // namespace heapwatch
