// The command-line spelling of TargetConfig, one option set for the console, `check` and `serve`:
// TARGET arguments, --demo, --replay LOGFILE [--stats FILE], and the options of remote targets (--since,
// -i/--identity, --known-hosts, --accept-new-host-key, --engine, --sudo).
#pragma once

#include "TargetConfig.h"

#include <optional>
#include <vector>

class QCommandLineParser;

namespace heapwatch {

class TargetOptions
{
public:
    // Adds the positional TARGET argument ("[TARGET]" or "[TARGET...]") and the options to parser.
    void addTo(QCommandLineParser& parser, bool manyTargets) const;

    // The targets the command line names, in the order --demo, --replay, TARGET...; nullopt and *error
    // (naming the option) when an option is malformed. Naming no target is not an error here.
    std::optional<std::vector<TargetConfig>> read(const QCommandLineParser& parser, QString* error) const;
};

} // namespace heapwatch
