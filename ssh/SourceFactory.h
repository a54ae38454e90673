// The one way every front end (the console, `check`, `serve`) turns a TargetConfig into a Source: the demo
// host, a saved log, or a container over SSH (SshSource, one pool per host) or on this machine (LocalSource).
#pragma once

#include "Source.h"
#include "TargetConfig.h"

#include <QString>
#include <memory>

namespace heapwatch {

class Prompter;

// What the front end brings beyond the target's description.
struct SourceContext
{
    // null: non-interactive (`check`): unknown host keys are refused unless acceptNewHostKey, secrets are
    // read from the terminal only when stdin is one, and a first connection that fails is final (Failed).
    // With a prompter (console, serve's never-asking one) a failing first connection is retried with
    // backoff like any other. Must outlive the source.
    Prompter* prompter = nullptr;
    bool liveDemo = true; // false: the demo host holds its history and does not stream on (`check`)

    // Tuning; the defaults are the documented behaviour.
    int livenessTimeoutMs = 10000; // stats silence that declares an SSH link dead
    int inspectIntervalMs = 30000;
    int backfillMaxLines = 100000; // --tail of every logs run
};

// nullptr and *error set when the target cannot be watched (bad target string or container name, unknown
// engine, unreadable log file): nothing has run then. The Source may be used from the GUI thread:
// start()/stop() return at once, all blocking work and parsing happen in a worker thread, and signals
// arrive queued in the Source's thread (see SshHost.h). After stop() the worker closes every channel, which
// ends every remote command; the destructor calls stop().
std::unique_ptr<Source> createSource(const TargetConfig& config, const SourceContext& context, QString* error);

} // namespace heapwatch
