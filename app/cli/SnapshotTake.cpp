#include "SnapshotTake.h"

#include "Format.h"
#include "NonInteractivePrompter.h"
#include "PlainText.h"
#include "SnapshotCapture.h"
#include "TargetConfig.h"

#include <QFile>
#include <QSaveFile>
#include <QTextStream>
#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace heapwatch {
namespace {

constexpr int kRefusedExit = 1;
constexpr int kErrorExit = 2;

bool askOnTerminal(const SnapshotVerdict& verdict, QTextStream& err)
{
    err << "heapwatch snapshot: " << verdict.reason
        << ".\nThe inspector of the app is open on 127.0.0.1 inside the container until the snapshot is taken."
        << "\nTake the snapshot now? [y/N] ";
    err.flush();
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return false;
    const QByteArray answer = in.readLine(16).trimmed().toLower();
    return answer == "y" || answer == "yes";
}

} // namespace

int SnapshotTake::run(const TargetConfig& target, const SnapshotTakeOptions& options, QTextStream& out,
                      QTextStream& err)
{
    const bool interactive = isatty(STDIN_FILENO) == 1;
    if (!options.yes && !interactive) {
        err << "heapwatch snapshot: a heap snapshot pauses the app (about " << SnapshotLimits::kPauseSecondsPer100MB
            << " s per 100 MB of heap) and opens its inspector on 127.0.0.1 inside the container for the "
               "duration; confirm with --yes when not on a terminal\n";
        err.flush();
        return kRefusedExit;
    }
    QSaveFile file(options.outputFile);
    if (!file.open(QIODevice::WriteOnly)) {
        err << "heapwatch snapshot: cannot write " << oneLine(options.outputFile) << ": " << file.errorString() << '\n';
        err.flush();
        return kErrorExit;
    }

    NonInteractivePrompter prompter(target.acceptNewHostKey);
    SnapshotCaptureRequest request;
    request.target = target;
    request.limits = options.limits;
    request.prompter = &prompter;
    request.helperTimeoutSeconds = options.timeoutSeconds;
    if (!options.yes)
        request.confirm = [&err](const SnapshotVerdict& v) { return askOnTerminal(v, err); };
    int lastTenth = -1;
    request.onEvent = [&err, &lastTenth](const SnapshotHelperEvent& e) {
        using K = SnapshotHelperEvent::Kind;
        if (e.kind == K::Progress) {
            const qint64 total = e.number(QStringLiteral("total"));
            const int tenth = total > 0 ? int(10 * e.number(QStringLiteral("done"), 0) / total) : -1;
            if (tenth == lastTenth)
                return;
            lastTenth = tenth;
            err << "heapwatch snapshot: progress " << tenth * 10 << " %\n";
        } else if (e.kind == K::Inspector) {
            err << "heapwatch snapshot: inspector " << e.text(QStringLiteral("state")) << '\n';
        } else if (e.kind == K::Preflight) {
            err << "heapwatch snapshot: heap used " << format::bytes(double(e.number(QStringLiteral("heap_used"))))
                << ", container limit " << e.number(QStringLiteral("mem_limit")) << " B, usage "
                << e.number(QStringLiteral("mem_usage")) << " B\n";
        }
        err.flush();
    };
    const SnapshotCaptureResult r = SnapshotCapture::run(request, &file, nullptr);
    const bool complete = r.outcome == SnapshotCaptureResult::Outcome::Taken;
    if (!complete || !file.commit()) {
        file.cancelWriting();
        err << "heapwatch snapshot: " << oneLine(r.message.isEmpty() ? file.errorString() : r.message, 2000);
        if (!r.inspector.isEmpty())
            err << " (inspector: " << r.inspector << ")";
        err << '\n';
        err.flush();
        return r.outcome == SnapshotCaptureResult::Outcome::Refused ? kRefusedExit : kErrorExit;
    }
    out << "wrote " << oneLine(options.outputFile) << " (" << r.bytes << " bytes) from " << r.where << ": heap used "
        << format::bytes(double(r.memory.heapUsed)) << ", the app paused for " << r.pauseMs << " ms, inspector "
        << r.inspector << '\n';
    out.flush();
    return 0;
}

} // namespace heapwatch
