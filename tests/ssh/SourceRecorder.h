// Collects everything a Source emits, for QTRY_* waits and assertions in the SSH tests and the traffic bench.
#pragma once

#include "Source.h"

#include <QObject>
#include <vector>

namespace heapwatch::test {

class SourceRecorder : public QObject
{
    Q_OBJECT
public:
    explicit SourceRecorder(Source* source);

    std::vector<IngestBatch> batches;
    std::vector<ConnectionStatus> statuses;
    int backfillFinished = 0;

    ConnectionStatus lastStatus() const { return statuses.empty() ? ConnectionStatus {} : statuses.back(); }
    bool sawState(ConnectionStatus::State state) const;
    int statsSamples() const;
    std::vector<LogRecord> logs(LogKind kind) const;
    std::vector<ContainerEvent> events() const;
    quint64 bytes() const;
    QString statusLog() const; // every status, one per line, for failure messages
};

} // namespace heapwatch::test
