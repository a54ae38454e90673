#include "SourceRecorder.h"

#include <QStringList>
#include <algorithm>

namespace heapwatch::test {

SourceRecorder::SourceRecorder(Source* source)
{
    connect(source, &Source::batchReady, this, [this](const IngestBatch& b) { batches.push_back(b); });
    connect(source, &Source::connectionChanged, this, [this](const ConnectionStatus& s) { statuses.push_back(s); });
    connect(source, &Source::backfillFinished, this, [this] { ++backfillFinished; });
}

bool SourceRecorder::sawState(ConnectionStatus::State state) const
{
    return std::any_of(statuses.begin(), statuses.end(),
                       [state](const ConnectionStatus& s) { return s.state == state; });
}

int SourceRecorder::statsSamples() const
{
    int n = 0;
    for (const auto& b : batches) {
        n += int(b.stats.size());
    }
    return n;
}

std::vector<LogRecord> SourceRecorder::logs(LogKind kind) const
{
    std::vector<LogRecord> out;
    for (const auto& b : batches) {
        for (const auto& r : b.logs) {
            if (r.kind == kind) {
                out.push_back(r);
            }
        }
    }
    return out;
}

std::vector<ContainerEvent> SourceRecorder::events() const
{
    std::vector<ContainerEvent> out;
    for (const auto& b : batches) {
        out.insert(out.end(), b.events.begin(), b.events.end());
    }
    return out;
}

quint64 SourceRecorder::bytes() const
{
    quint64 n = 0;
    for (const auto& b : batches) {
        n += b.bytesReceived;
    }
    return n;
}

QString SourceRecorder::statusLog() const
{
    QStringList lines;
    for (const auto& s : statuses) {
        lines << QStringLiteral("%1 %2 reconnects=%3 retry=%4 %5")
                     .arg(toString(s.state))
                     .arg(s.host)
                     .arg(s.reconnects)
                     .arg(s.retryInSeconds)
                     .arg(s.message);
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace heapwatch::test
