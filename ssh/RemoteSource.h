// The entry point for front ends: turn a target string into a running Source (SSH or local docker).
#pragma once

#include "Source.h"

#include <QString>
#include <memory>

namespace heapwatch {

class Prompter;

struct RemoteOptions
{
    QString target; // ssh://user@host:port/c, HOST/c (HOST may be a ~/.ssh/config alias), local/c
    QString identityFile; // -i
    QString knownHostsFile; // --known-hosts (default ~/.ssh/known_hosts)
    bool acceptNewHostKey = false;
    QString engine; // "", "docker", "podman"
    bool sudo = false;
    qint64 sinceSeconds = 3600;
    // null: non-interactive (`check`): unknown host keys are refused unless acceptNewHostKey, secrets are
    // read from the terminal only when stdin is one, and a first connection that fails is final (Failed).
    // With a prompter (GUI) a failing first connection is retried with backoff like any other.
    Prompter* prompter = nullptr;

    // Tuning; the defaults are the documented behaviour.
    int livenessTimeoutMs = 10000; // stats silence that declares an SSH link dead
    int inspectIntervalMs = 30000;
    int backfillMaxLines = 100000; // --tail of every logs run
};

// nullptr and *error set for an invalid target (bad container name etc.) — nothing has run then.
// The Source may be used from the GUI thread: start()/stop() return at once, all blocking work and parsing
// happen in a worker thread, and signals arrive queued in the Source's thread (see SshHost.h). After stop()
// the worker closes every channel, which ends every remote process; the destructor calls stop().
std::unique_ptr<Source> createRemoteSource(const RemoteOptions& options, QString* error);

} // namespace heapwatch
