// Writes a target's samples of a time range as CSV: one row per timestamp, the process, container and
// cache rings merged by time (cells of a ring without a row at that time stay empty).
#pragma once

#include "TargetState.h"

class QIODevice;

namespace heapwatch {

class SampleCsvWriter
{
public:
    static QByteArray header();
    // Returns the number of rows written, -1 on a write error.
    static qint64 write(const TargetState& state, qint64 t0, qint64 t1, QIODevice* out);
};

} // namespace heapwatch
