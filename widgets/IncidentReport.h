// An incident report in Markdown with the seed report's sections (production metrics, cache performance,
// growth, red flags table, recommendations, recent errors) for a time range of one target.
#pragma once

#include "Assessment.h"
#include "TargetState.h"

#include <QString>

namespace heapwatch {

class IncidentReport
{
public:
    static QString markdown(const QString& targetName, const TargetState& state, const Assessment& assessment,
                            qint64 t0, qint64 t1, qint64 generatedAtMs);
    // Table cells: pipes and newlines would break the row.
    static QString tableCell(const QString& text);
    // A fenced block that no backtick run inside text can close early.
    static QString codeBlock(const QString& text, const QString& language = {});
};

} // namespace heapwatch
