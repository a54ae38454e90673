// Renders a target's state and assessment for people and programs: the monitoring-plugin line, the text
// report of `check`, the JSON object of `check --json` and of serve's API, the console's incident report in
// Markdown, and every flag's value and thresholds. One renderer, so every front end says the same thing.
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
    // A watched target (not a saved log): jsonReport adds its `connection` and streams.
    bool withConnection = false;
};

// "HEAPWATCH CRITICAL - heap usage 97.6% (> 95%) | rss=336.6MB;350;370 heap_usage=97.6%;85;95 …"
QString pluginLine(const ReportInput& in);
// The plugin line, then the summary, the red-flag table, the recommendations and the recent problems.
QString textReport(const ReportInput& in);
QJsonObject jsonReport(const ReportInput& in);
// A Markdown incident report of the range t0..t1 (ms since the epoch) of one target (MarkdownReport.cpp).
QString markdownReport(const ReportInput& in, const QString& targetName, qint64 t0, qint64 t1);
// Markdown table cells: pipes and newlines would break the row.
QString markdownTableCell(const QString& text);
// A fenced block that no backtick run inside text can close early.
QString markdownCodeBlock(const QString& text, const QString& language = {});

// Process exit code of the monitoring-plugin convention: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
int pluginExitCode(Level overall);

// A red flag's value and thresholds, the same in every view (check's text, the console's table, header and
// notifications, the incident report): "336.6 MiB", "97.6%", "73.63%", "+4.2 MiB/h", "none", "2 restarts",
// "—" for unknown; thresholds ">350 MiB", "<50%", "any", "multiple", "OOM/loop".
QString formatFlagValue(const Flag& flag);
QString formatFlagThreshold(const Flag& flag, bool critical);
QString formatThreshold(const Flag& flag, double threshold); // the number and unit alone: "95%"
// A flag read in one phrase, with the line of its level: "Heap Usage % 97.6% (>95%)" (the console's header
// and its notifications).
QString flagReading(const Flag& flag);

} // namespace heapwatch
