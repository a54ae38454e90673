// Reads what the snapshot helper (resources/snapshot-helper.js) prints on stderr while it runs in the
// container: one line per event, "heapwatch-snapshot KIND key=value …". The text comes from a server, so
// every line is checked: anything else (a docker or node complaint, a torn line) is kept as the last
// foreign text for error messages and counted, never trusted.
#pragma once

#include "SnapshotPreflight.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <vector>

namespace heapwatch {

struct SnapshotHelperEvent
{
    enum class Kind
    {
        Start,
        Inspector, // state=opened|was-open|closed|still-open|unknown
        Preflight, // the numbers for SnapshotPreflight
        Progress, // done=N total=N (objects walked)
        Snapshot, // state=started|taken (bytes, pause_ms)
        Done,
        Stopped,
        Error
    };
    Kind kind = Kind::Error;
    QHash<QString, QString> fields;

    qint64 number(const QString& key, qint64 fallback = -1) const;
    QString text(const QString& key) const { return fields.value(key); }
};

class SnapshotHelperOutput
{
public:
    static constexpr const char* kTag = "heapwatch-snapshot";

    // Appends stderr bytes; returns the events of the lines completed by them.
    std::vector<SnapshotHelperEvent> feed(const QByteArray& bytes);
    // One line without its newline; false for a line that is not the helper's.
    static bool parseLine(const QByteArray& line, SnapshotHelperEvent* event);
    static SnapshotMemory memoryOf(const SnapshotHelperEvent& preflight);

    int foreignLines() const { return m_foreign; }
    const QString& lastForeignLine() const { return m_lastForeign; }

private:
    QByteArray m_pending;
    int m_foreign = 0;
    QString m_lastForeign;
};

} // namespace heapwatch
