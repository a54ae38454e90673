// Reads the engine's own log file of a container, as heapwatch follows it on the server instead of asking the
// engine (`docker logs -f` costs podman's service about 0.2 % of a core). Two formats, told apart
// line by line because podman's Docker API calls its k8s-file log "json-file":
//   json-file (dockerd): {"log":"Memory: …\n","stream":"stdout","time":"2026-11-27T12:20:33.882071633Z"}
//     a "log" that does not end in "\n" is a piece of a longer line (16 KiB pieces) or a line the app never ended;
//   k8s-file (podman's conmon): 2026-11-27T12:20:33.882071633+00:00 stdout F Memory: …
//     flag P is a piece of a longer line, F the last piece (or the whole line).
// Pieces are joined per stream into one line with the first piece's time, as `docker logs` gives it.
// Lines starting with "hwlog " are the remote reader's own (RemoteCommands::logFile) and come back apart.
#pragma once

#include "LogParser.h"
#include "Samples.h"

#include <QByteArray>
#include <QByteArrayView>
#include <vector>

namespace heapwatch {

class EngineLogFile
{
public:
    struct Line
    {
        LogStream stream = LogStream::Stdout;
        qint64 timeNs = -1;
        QByteArray message; // without the trailing newline
    };
    // A joined line longer than this is passed on as it is (LogParser counts it as oversized and skips it).
    static constexpr qsizetype kMaxJoinedBytes = 1024 * 1024;

    // Where the lines go as they are read, without a string of their own (each view is valid during the call only):
    // a replay of a million lines allocated twice a line otherwise.
    class Sink
    {
    public:
        virtual ~Sink() = default;
        // timeText: the time as rfc3339Nano(timeNs) spells it, when the file spelt it so (a replay then copies it
        // instead of writing it again), else empty.
        virtual void line(LogStream stream, qint64 timeNs, QByteArrayView timeText, QByteArrayView message) = 0;
        virtual void control(QByteArrayView line) = 0; // the reader's own line, without "hwlog "
        // The text the sink gathers lines of stream in, as appendTimestamped() writes them, ready for one more (the
        // lines of the other stream gathered before are passed on first); nullptr when it has none. The reader then
        // writes a whole line of the file there itself instead of calling line(): no copy of its message.
        virtual QByteArray* timestampedText(LogStream) { return nullptr; }
    };

    // Appends the complete lines in bytes to out and the reader's own lines ("hwlog …", without "hwlog ")
    // to control. Keeps a partial line (and the pieces of a partial log line) for the next call.
    void feed(QByteArrayView bytes, std::vector<Line>& out, std::vector<QByteArray>& control);
    void feed(QByteArrayView bytes, Sink& sink);
    // Forget partial lines and pieces (the reader was stopped: the next run reads them again).
    void reset();
    // The end of the input (a saved file read to its end): a last line without its newline is taken as a line, and
    // the lines whose last piece never came are passed on as they are, as `docker logs` prints them. Then reset().
    void finish(std::vector<Line>& out, std::vector<QByteArray>& control);
    void finish(Sink& sink);

    // Whether line (a file's first) is a line of either format: the file is an engine's log file.
    static bool isEngineLogLine(QByteArrayView line);
    // ns as `docker logs --timestamps` prints a time: RFC 3339 in UTC with nanoseconds,
    // "2026-11-27T12:20:33.882071633Z".
    static QByteArray rfc3339Nano(qint64 ns);
    // A line as `docker logs --timestamps` prints it (its time, a space, the message and a newline), appended to out:
    // what LogParser reads. timeText: rfc3339Nano(ns) when the caller has it (Sink::line), else empty.
    static void appendTimestamped(qint64 ns, QByteArrayView timeText, QByteArrayView message, QByteArray& out);

    // One line of the file → a piece of a log line; false when it is neither format (counted as malformed).
    struct Piece
    {
        LogStream stream = LogStream::Stdout;
        qint64 timeNs = -1;
        QByteArray text;
        bool last = true; // false: more pieces of this line follow on the same stream
        // The time's text in the line when it is rfc3339Nano(timeNs) exactly, else empty.
        QByteArrayView timeText;
        Rfc3339Minute minute; // the minute of the time read before (parseRfc3339Ns)
        // A writer's: the time's text in the line, and whether it is rfc3339Nano(timeNs) but for a zone of +00:00.
        const char* timeSpelt = nullptr;
        bool utcOffsetSpelling = false;
    };
    static bool parsePiece(QByteArrayView line, Piece& out);

    quint64 malformed() const { return m_malformed; }
    // Whether a line is begun and not ended: bytes after the last newline, or pieces whose last has not come.
    bool unfinished() const { return !m_partial.isEmpty() || m_hasPending[0] || m_hasPending[1]; }

private:
    class TextWriter;
    void take(QByteArrayView line, Sink& sink);
    qsizetype writeJsonLine(QByteArrayView bytes, TextWriter& writer);
    qsizetype writeK8sLine(QByteArrayView bytes, TextWriter& writer);

    QByteArray m_partial; // bytes after the last newline
    Piece m_piece; // the line read last (its room kept)
    Line m_pending[2]; // pieces joined so far, per stream
    bool m_hasPending[2] = {false, false};
    quint64 m_malformed = 0;
};

} // namespace heapwatch
