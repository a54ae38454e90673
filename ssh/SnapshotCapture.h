// Takes a heap snapshot of a Node app in a container, over SSH or on this machine, with nothing installed
// in the container: `ENGINE exec -i CONTAINER node -e <resources/snapshot-helper.js> TIMEOUT` runs the
// helper under the container's own node; its stderr says what happens (SnapshotHelperOutput), its stdout
// is the snapshot. The preflight numbers it reports are judged here (SnapshotPreflight) before it may go
// on; a refusal, a cancel or a lost channel ends its stdin, and it then closes the inspector it opened.
// Blocking: call it from a worker thread (the console) or from a command-line tool.
#pragma once

#include "SnapshotHelperOutput.h"
#include "SnapshotPreflight.h"
#include "TargetConfig.h"

#include <QString>
#include <atomic>
#include <functional>

class QIODevice;

namespace heapwatch {

class Prompter;
struct RemoteCommand;

struct SnapshotCaptureRequest
{
    TargetConfig target; // a Remote target: "HOST/container", "ssh://…/container" or "local/container"
    SnapshotLimits limits;
    Prompter* prompter = nullptr; // host-key and secret questions; null: refuse unknown keys, ask nothing
    int connectTimeoutMs = 15000;
    int helperTimeoutSeconds = 600; // the helper gives up (and closes the inspector) after this long
    // Asked once the preflight passed, with what will happen: true to take the snapshot. Null: go.
    std::function<bool(const SnapshotVerdict&)> confirm;
    // Every line the helper reports (progress, inspector state), in the capturing thread.
    std::function<void(const SnapshotHelperEvent&)> onEvent;
};

struct SnapshotCaptureResult
{
    enum class Outcome
    {
        Taken,
        Refused, // by the preflight, the confirmation, or because a snapshot of the target is running
        Cancelled,
        Failed
    };
    Outcome outcome = Outcome::Failed;
    QString message; // plain text: why not, or what was done
    SnapshotMemory memory; // what the helper measured (-1: it did not get that far)
    SnapshotVerdict verdict; // once the helper reported the numbers
    qint64 bytes = 0; // written to the output
    qint64 pauseMs = -1; // how long takeHeapSnapshot kept the app busy
    QString inspector; // the helper's last word on the inspector: "closed", "was-open", "still-open", ""
    QString where; // "127.0.0.1:2222" or "this machine"
};

class SnapshotCapture
{
public:
    // Writes the snapshot to out (opened for writing) as it arrives. cancel may be null.
    static SnapshotCaptureResult run(const SnapshotCaptureRequest& request, QIODevice* out,
                                     const std::atomic<bool>* cancel);

    // The helper's command line for a container (quoted by RemoteCommand; the script is ours, the
    // container name is checked by TargetSpec before it gets here).
    static RemoteCommand helperCommand(const QString& engine, bool sudo, const QString& container,
                                       const QByteArray& script, int timeoutSeconds);
    // The helper script shipped in the resources; empty when the resources are not linked.
    static QByteArray helperScript();
};

} // namespace heapwatch
