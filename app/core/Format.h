// Text for numbers, sizes, times and flags, shared by the header, the tables, the tooltips and the exports
// so that the same value always reads the same. Unknown values (NaN, negative counters) read "—".
#pragma once

#include "Assessment.h"

#include <QString>

namespace heapwatch::format {

QString dash(); // the text of an unknown value

QString mib(double value, int decimals = 1); // "336.6 MiB"
QString percent(double value, int decimals = 1); // "97.6%"
QString number(double value, int decimals = 1); // "12.3"
QString count(qint64 value); // "1346", or "—" for -1
QString bytes(double value); // "1.5 MiB", "860 B"
QString bytesPerSecond(double value); // "1.2 kB/s"

QString duration(qint64 ms); // "2 d 3 h", "1 h 12 min", "4 min 5 s", "42 s"
QString age(qint64 ms); // "3 s ago", "just now"
QString dateTime(qint64 msSinceEpoch); // "2026-01-14 10:05:00" in local time
QString time(qint64 msSinceEpoch); // "10:05:00"

// A red flag's trend (its value and thresholds: formatFlagValue/formatFlagThreshold of StateReport.h).
QString flagTrend(const Flag& flag); // "↑ rising", "↓ falling", "→ steady" or ""

} // namespace heapwatch::format

namespace heapwatch::format {
// Tool tips are rich text when they look like HTML: server text is escaped so it always shows as typed.
QString plainToolTip(const QString& text);
} // namespace heapwatch::format
