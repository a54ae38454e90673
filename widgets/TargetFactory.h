// Creates the source of a TargetEntry: the demo host, a saved log, or a remote/local container through the
// SSH library (when it provides createRemoteSource()).
#pragma once

#include "Source.h"
#include "TargetEntry.h"

#include <memory>

namespace heapwatch {

class Prompter;

class TargetFactory
{
public:
    // nullptr with *error set when the entry cannot be opened (bad target string, missing file, no SSH).
    static std::unique_ptr<Source> createSource(const TargetEntry& entry, Prompter* prompter, QString* error);
};

} // namespace heapwatch
