// The log follower without the engine: where the login user can read the container's log file (inspect's
// LogPath), RemoteCommands::logFile follows it with GNU tail instead of `docker logs -f`, which costs the engine
// (podman's service spends about 0.2 % of a core on each follower, measured with tests/bench/server). Its lines are
// turned back into what `logs --timestamps` prints, so that the resume dedupe (LogResumer) and the parser see the same
// lines either way: the engine's timestamp, a space, the message. Falls back to `logs -f`:
// - for the rest of a container's life when the reader says it cannot (rootless engine, permissions, no GNU
//   tail, a log driver without a file such as journald: no LogPath);
// - for one run when the lines it read back do not reach the resume point (a long outage of a busy app): the
//   engine then reads the history from --since, and the file is followed again from the next run on.
#pragma once

#include "EngineLogFile.h"
#include "RemoteCommands.h"
#include "Samples.h"

#include <QByteArray>
#include <QString>

namespace heapwatch {

class LogFileFollow
{
public:
    // Lines the reader reads back at its start (before the filter): a follower starts right after the history
    // read or a reconnect, so the lines since the resume point are usually far fewer.
    static constexpr int kTailLines = 2000;

    enum class Outcome
    {
        Reading, // go on
        Unavailable, // the reader cannot read the file: `logs -f` for this container (reason())
        TooShort // the lines read back start after the resume point: `logs -f` for this run
    };

    // Whether the next follower reads the file; whyNot says why not (empty: not even tried, e.g. disabled).
    bool mayUse(const ContainerInfo& info, QString* whyNot);
    // A file run starts for the container info.id from sinceNs (-1: none): the reader's command. resume: sinceNs
    // is a line delivered before, which the lines read back must reach (else Outcome::TooShort).
    RemoteCommand begin(const ContainerInfo& info, qint64 sinceNs, bool resume);
    // The engine's `--timestamps` lines seen so far tell its precision: podman's Docker API gives whole seconds,
    // and the file's lines are rounded down alike, or their resume keys would not meet the engine's.
    void noteEngineTime(qint64 ns);
    // The reader's output → `logs --timestamps` text per stream (out[0] stdout, out[1] stderr). Lines before
    // the run's --since are left out, as the engine leaves them out.
    Outcome feed(QByteArrayView bytes, QByteArray out[2]);

    bool running() const { return m_running; }
    void setRunning(bool running) { m_running = running; }
    const QString& containerId() const { return m_containerId; }
    const QString& reason() const { return m_reason; }
    // "log file", or "docker logs -f (log file not readable)", … for the connection details.
    QString source(bool followerRunning) const;
    quint64 malformed() const { return m_parser.malformed(); }

private:
    qint64 rounded(qint64 ns) const;

    EngineLogFile m_parser;
    bool m_running = false; // the follower now running reads the file
    bool m_skipNext = false; // one run with the engine (TooShort)
    bool m_whole = false; // this run reads the file from its start
    bool m_resume = false; // this run resumes from a delivered line
    qint64 m_sinceNs = -1;
    QString m_containerId; // of the running file reader
    QString m_failedFor; // the container the reader could not read the file of
    QString m_reason; // why the engine follows instead
    enum class Precision
    {
        Unknown,
        Seconds,
        Nanoseconds
    } m_precision
        = Precision::Unknown;
};

} // namespace heapwatch
