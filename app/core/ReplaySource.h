// A saved `docker logs --timestamps` file (stdout and stderr together), optionally with a saved
// `docker stats` output, read as a target for post-mortem analysis.
#pragma once

#include "Source.h"

#include <functional>

namespace heapwatch {

class ReplaySource : public Source
{
    Q_OBJECT
public:
    ReplaySource(QString logPath, QString statsPath = {}, QObject* parent = nullptr);

    // Reads both files and emits their batches, then Finished (or Failed with the reason) and backfillFinished.
    void start() override;
    void stop() override { }
    QString targetName() const override;
    bool isLive() const override { return false; }
    bool readHistory(const std::function<void(const IngestBatch&)>& sink, QString* error) override
    {
        return read(sink, error);
    }

    // Reads everything synchronously, handing each batch to sink as it is parsed so that a large file never
    // sits in memory twice. False and *error when a file cannot be read.
    bool read(const std::function<void(const IngestBatch&)>& sink, QString* error);

private:
    QString m_logPath;
    QString m_statsPath;
};

} // namespace heapwatch
