// Durations typed on the command line and in configuration files: "90", "90s", "15m", "1h", "2d" and
// compounds such as "1h30m". One grammar for check, serve and their configuration.
#pragma once

#include <QString>
#include <optional>

namespace heapwatch {

// Seconds, or nullopt when malformed or over ten years. Surrounding white space is allowed; "0" is 0 (the
// caller decides whether zero makes sense).
std::optional<qint64> parseDuration(const QString& text);

} // namespace heapwatch
