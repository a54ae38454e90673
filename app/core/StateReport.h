// Renders a target's state and assessment for people and programs: the monitoring-plugin line, the text
// report of `check`, and the JSON object of `check --json` (and of the HTTP API). One renderer, so every
// front end says the same thing.
#pragma once

#include "Assessment.h"
#include "TargetState.h"

#include <QJsonObject>
#include <QString>

namespace heapwatch {

struct ReportInput
{
    const TargetState& state;
    const Assessment& assessment;
    const Thresholds& thresholds;
    qint64 generatedAtMs;
};

// "HEAPWATCH CRITICAL - heap usage 97.6% (> 95%) | rss=336.6MB;350;370 heap_usage=97.6%;85;95 …"
QString pluginLine(const ReportInput& in);
// The plugin line, then the summary, the red-flag table, the recommendations and the recent problems.
QString textReport(const ReportInput& in);
QJsonObject jsonReport(const ReportInput& in);

// Process exit code of the monitoring-plugin convention: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
int pluginExitCode(Level overall);

// "336.6 MiB", "97.6%", "+4.2 MiB/h", "—" for unknown; used by the text report and the GUI.
QString formatFlagValue(const Flag& flag);
QString formatThreshold(const Flag& flag, double threshold);

} // namespace heapwatch
