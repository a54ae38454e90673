#include "SnapshotCommand.h"

#include "Format.h"
#include "HeapAnalysis.h"
#include "HeapComparison.h"
#include "HeapSnapshot.h"
#include "PlainText.h"
#include "SnapshotTake.h"
#include "TargetOptions.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTextStream>

namespace heapwatch {
namespace {

constexpr int kErrorExit = 2;
constexpr int kTextRows = 25;
constexpr int kLargestObjects = 10;

int failure(QTextStream& err, const QString& reason)
{
    err << "heapwatch snapshot: " << oneLine(reason) << '\n';
    err.flush();
    return kErrorExit;
}

// Class names and paths come from the snapshot, i.e. from the app: one plain line each.
QString cell(const QString& text, int width)
{
    const QString plain = oneLine(text, 200);
    return plain.size() > width ? plain.left(width - 1) + QStringLiteral("…") : plain.leftJustified(width);
}

QString signedBytes(int64_t v)
{
    return (v > 0       ? QStringLiteral("+")
                : v < 0 ? QStringLiteral("-")
                        : QString())
        + format::bytes(double(v < 0 ? -v : v));
}

QJsonObject summaryJson(const QString& file, const HeapAnalysis& analysis, int top)
{
    const HeapTotals t = analysis.totals();
    QJsonArray classes;
    for (const HeapClassRow& row : analysis.classes()) {
        if (top >= 0 && classes.size() >= top)
            break;
        classes.append(QJsonObject {{QStringLiteral("constructor"), row.name},
                                    {QStringLiteral("count"), double(row.count)},
                                    {QStringLiteral("self_size_bytes"), double(row.selfSize)},
                                    {QStringLiteral("retained_size_bytes"), double(row.retainedSize)}});
    }
    QJsonArray largest;
    for (const HeapObjectRow& o : analysis.largest(kLargestObjects)) {
        largest.append(QJsonObject {{QStringLiteral("constructor"), o.className},
                                    {QStringLiteral("id"), double(o.id)},
                                    {QStringLiteral("self_size_bytes"), double(o.selfSize)},
                                    {QStringLiteral("retained_size_bytes"), double(o.retainedSize)},
                                    {QStringLiteral("retainer_path"), o.retainerPath}});
    }
    return QJsonObject {{QStringLiteral("file"), file},
                        {QStringLiteral("nodes"), double(t.nodes)},
                        {QStringLiteral("edges"), double(t.edges)},
                        {QStringLiteral("self_size_bytes"), double(t.selfSize)},
                        {QStringLiteral("reachable_nodes"), double(t.reachableNodes)},
                        {QStringLiteral("constructors"), classes},
                        {QStringLiteral("largest"), largest}};
}

void summaryText(QTextStream& out, const QString& file, const HeapAnalysis& analysis, int top)
{
    const HeapTotals t = analysis.totals();
    out << oneLine(file) << ": " << t.nodes << " objects, " << t.edges << " references, "
        << format::bytes(double(t.selfSize)) << " (" << t.reachableNodes << " reachable from the root)\n\n";
    out << cell(QStringLiteral("Constructor"), 40) << QStringLiteral("Count").rightJustified(10)
        << QStringLiteral("Shallow").rightJustified(12) << QStringLiteral("Retained").rightJustified(12) << '\n';
    int shown = 0;
    for (const HeapClassRow& row : analysis.classes()) {
        if (shown++ == top)
            break;
        out << cell(row.name, 40) << QString::number(row.count).rightJustified(10)
            << format::bytes(double(row.selfSize)).rightJustified(12)
            << format::bytes(double(row.retainedSize)).rightJustified(12) << '\n';
    }
    out << "\nLargest objects (retained size):\n";
    for (const HeapObjectRow& o : analysis.largest(kLargestObjects)) {
        out << "  " << format::bytes(double(o.retainedSize)).rightJustified(10) << "  " << oneLine(o.className, 80)
            << " @" << o.id << '\n'
            << "      " << oneLine(o.retainerPath, 400) << '\n';
    }
}

QJsonObject diffJson(const QString& oldFile, const QString& newFile, const HeapDiff& diff, int top)
{
    QJsonArray rows;
    for (const HeapDiffRow& r : diff.rows) {
        if (top >= 0 && rows.size() >= top)
            break;
        QJsonObject row {{QStringLiteral("constructor"), r.name},
                         {QStringLiteral("count_delta"), double(r.countDelta())},
                         {QStringLiteral("size_delta_bytes"), double(r.sizeDelta())},
                         {QStringLiteral("count_added"), double(r.countAdded)},
                         {QStringLiteral("count_removed"), double(r.countRemoved)},
                         {QStringLiteral("size_added_bytes"), double(r.sizeAdded)},
                         {QStringLiteral("size_removed_bytes"), double(r.sizeRemoved)},
                         {QStringLiteral("count_before"), double(r.countBefore)},
                         {QStringLiteral("count_after"), double(r.countAfter)},
                         {QStringLiteral("size_before_bytes"), double(r.sizeBefore)},
                         {QStringLiteral("size_after_bytes"), double(r.sizeAfter)},
                         {QStringLiteral("retained_size_bytes"), double(r.retainedAfter)}};
        if (!r.examplePath.isEmpty()) {
            row.insert(QStringLiteral("example_id"), double(r.exampleId));
            row.insert(QStringLiteral("example_retainer_path"), r.examplePath);
        }
        rows.append(row);
    }
    return QJsonObject {{QStringLiteral("old"), oldFile},
                        {QStringLiteral("new"), newFile},
                        {QStringLiteral("nodes_before"), double(diff.nodesBefore)},
                        {QStringLiteral("nodes_after"), double(diff.nodesAfter)},
                        {QStringLiteral("self_size_before_bytes"), double(diff.selfSizeBefore)},
                        {QStringLiteral("self_size_after_bytes"), double(diff.selfSizeAfter)},
                        {QStringLiteral("ids_matched"), diff.idsMatched},
                        {QStringLiteral("constructors"), rows}};
}

void diffText(QTextStream& out, const QString& oldFile, const QString& newFile, const HeapDiff& diff, int top)
{
    out << oneLine(oldFile) << " -> " << oneLine(newFile) << ": " << diff.nodesBefore << " -> " << diff.nodesAfter
        << " objects, " << format::bytes(double(diff.selfSizeBefore)) << " -> "
        << format::bytes(double(diff.selfSizeAfter)) << "\n";
    if (!diff.idsMatched)
        out << "The snapshots' object ids do not name the same objects (two numberings: taken in two inspector\n"
               "sessions, or of two processes): new and deleted are each constructor's net change.\n";
    out << "\n";
    out << cell(QStringLiteral("Constructor"), 36) << QStringLiteral("# New").rightJustified(9)
        << QStringLiteral("# Deleted").rightJustified(10) << QStringLiteral("# Delta").rightJustified(9)
        << QStringLiteral("Alloc. size").rightJustified(12) << QStringLiteral("Freed size").rightJustified(12)
        << QStringLiteral("Size delta").rightJustified(12) << QStringLiteral("Retained").rightJustified(12) << '\n';
    int shown = 0;
    for (const HeapDiffRow& r : diff.rows) {
        if (shown++ == top)
            break;
        out << cell(r.name, 36) << QString::number(r.countAdded).rightJustified(9)
            << QString::number(r.countRemoved).rightJustified(10)
            << (r.countDelta() > 0 ? QStringLiteral("+") : QString())
                   .append(QString::number(r.countDelta()))
                   .rightJustified(9)
            << format::bytes(double(r.sizeAdded)).rightJustified(12)
            << format::bytes(double(r.sizeRemoved)).rightJustified(12) << signedBytes(r.sizeDelta()).rightJustified(12)
            << format::bytes(double(r.retainedAfter)).rightJustified(12) << '\n';
    }
    bool header = false;
    for (const HeapDiffRow& r : diff.rows) {
        if (r.examplePath.isEmpty())
            continue;
        if (!header)
            out << "\nTop growers, one new object each and what holds it:\n";
        header = true;
        out << "  " << oneLine(r.name, 80) << " @" << r.exampleId << ": " << oneLine(r.examplePath, 400) << '\n';
    }
}

int takeSnapshot(const QCommandLineParser& parser, const TargetOptions& targetOptions, QTextStream& out,
                 QTextStream& err)
{
    if (parser.isSet(QStringLiteral("summary")) || parser.isSet(QStringLiteral("diff")))
        return failure(err, QStringLiteral("TARGET -o FILE takes a snapshot; --summary and --diff read files"));
    if (parser.isSet(QStringLiteral("demo")) || parser.isSet(QStringLiteral("replay")))
        return failure(err, QStringLiteral("a snapshot needs a live container: HOST/CONTAINER or local/CONTAINER"));
    if (parser.positionalArguments().size() != 1)
        return failure(err, QStringLiteral("give one TARGET: heapwatch snapshot HOST/CONTAINER -o FILE"));
    SnapshotTakeOptions options;
    options.outputFile = parser.value(QStringLiteral("output"));
    if (options.outputFile.isEmpty())
        return failure(err, QStringLiteral("say where the snapshot goes: -o FILE"));
    options.yes = parser.isSet(QStringLiteral("yes"));
    if (parser.isSet(QStringLiteral("max-heap"))) {
        bool ok = false;
        const qint64 mb = parser.value(QStringLiteral("max-heap")).toLongLong(&ok);
        if (!ok || mb < 1 || mb > 1024 * 1024)
            return failure(err,
                           QStringLiteral("--max-heap takes a size in MB, not '%1'")
                               .arg(parser.value(QStringLiteral("max-heap"))));
        options.limits.maxHeapBytes = mb * 1024 * 1024;
    }
    if (parser.isSet(QStringLiteral("timeout"))) {
        bool ok = false;
        options.timeoutSeconds = parser.value(QStringLiteral("timeout")).toInt(&ok);
        if (!ok || options.timeoutSeconds < 5 || options.timeoutSeconds > 24 * 3600)
            return failure(err,
                           QStringLiteral("--timeout takes seconds (5 or more), not '%1'")
                               .arg(parser.value(QStringLiteral("timeout"))));
    }
    QString error;
    const auto targets = targetOptions.read(parser, &error);
    if (!targets)
        return failure(err, error);
    if (!targets->front().validate(&error))
        return failure(err, error);
    return SnapshotTake::run(targets->front(), options, out, err);
}

} // namespace

int SnapshotCommand::run(const QStringList& arguments, QTextStream& out, QTextStream& err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Read V8 heap snapshots (.heapsnapshot, from v8.writeHeapSnapshot() or DevTools).\n"
                       "  --summary FILE     per constructor: count, shallow and retained size; the largest\n"
                       "                     objects and the path that keeps each alive\n"
                       "  --diff OLD NEW     two snapshots of one process: objects added and removed per\n"
                       "                     constructor, largest size growth first\n"
                       "  TARGET -o FILE     take a snapshot of the Node app in a container over SSH (or\n"
                       "                     local/CONTAINER): the app pauses while V8 writes it; refused when\n"
                       "                     the container lacks 1.5x the heap in free memory or the heap is\n"
                       "                     over --max-heap; asks first unless --yes\n"
                       "Exit codes: 0 done, 1 snapshot refused, 2 usage error, failure or unreadable snapshot."));
    parser.addHelpOption();
    const QCommandLineOption summary(QStringLiteral("summary"), QStringLiteral("Summarise one snapshot."),
                                     QStringLiteral("FILE"));
    const QCommandLineOption diff(QStringLiteral("diff"),
                                  QStringLiteral("Compare OLD with NEW (NEW is the next argument)."),
                                  QStringLiteral("OLD"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object instead of text."));
    const QCommandLineOption top(QStringLiteral("top"),
                                 QStringLiteral("Rows to print (default: %1 in text, all in JSON).").arg(kTextRows),
                                 QStringLiteral("N"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("With TARGET: where to write the snapshot."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption yes(QStringLiteral("yes"),
                                 QStringLiteral("With TARGET: take the snapshot without asking (required when stdin "
                                                "is not a terminal)."));
    const QCommandLineOption maxHeap(QStringLiteral("max-heap"),
                                     QStringLiteral("With TARGET: refuse when the heap used is over MB (default %1).")
                                         .arg(SnapshotLimits::kDefaultMaxHeapBytes / (1024 * 1024)),
                                     QStringLiteral("MB"));
    const QCommandLineOption timeout(QStringLiteral("timeout"),
                                     QStringLiteral("With TARGET: give up after SECONDS (default 600); the inspector "
                                                    "is closed then too."),
                                     QStringLiteral("SECONDS"));
    parser.addOptions({summary, diff, json, top, output, yes, maxHeap, timeout});
    TargetOptions targetOptions;
    targetOptions.addTo(parser, false);
    parser.addPositionalArgument(QStringLiteral("NEW"), QStringLiteral("With --diff: the newer snapshot."));

    if (!parser.parse(QStringList {QStringLiteral("heapwatch snapshot")} + arguments))
        return failure(err, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        QString help = parser.helpText();
        help.replace(QRegularExpression(QStringLiteral("^Usage: [^\n]*")),
                     QStringLiteral("Usage: heapwatch snapshot TARGET -o FILE [--yes] [--max-heap MB]\n"
                                    "       heapwatch snapshot --summary FILE [--json] [--top N]\n"
                                    "       heapwatch snapshot --diff OLD NEW [--json] [--top N]"));
        out << help;
        out.flush();
        return 0;
    }
    int rows = parser.isSet(json) ? -1 : kTextRows;
    if (parser.isSet(top)) {
        bool ok = false;
        rows = parser.value(top).toInt(&ok);
        if (!ok || rows < 1)
            return failure(err, QStringLiteral("--top takes a positive number, not '%1'").arg(parser.value(top)));
    }
    const QStringList positional = parser.positionalArguments();
    if (parser.isSet(output) || (!parser.isSet(summary) && !parser.isSet(diff) && !positional.isEmpty()))
        return takeSnapshot(parser, targetOptions, out, err);
    if (parser.isSet(summary) == parser.isSet(diff))
        return failure(err, QStringLiteral("give either --summary FILE or --diff OLD NEW (see --help)"));

    QString error;
    if (parser.isSet(summary)) {
        if (!positional.isEmpty())
            return failure(err, QStringLiteral("--summary takes one file"));
        const QString file = parser.value(summary);
        const std::optional<HeapSnapshot> snapshot = HeapSnapshot::load(file, &error);
        if (!snapshot)
            return failure(err, error);
        const HeapAnalysis analysis(*snapshot);
        if (parser.isSet(json))
            out << QJsonDocument(summaryJson(file, analysis, rows)).toJson(QJsonDocument::Indented);
        else
            summaryText(out, file, analysis, rows);
        out.flush();
        return 0;
    }

    if (positional.size() != 1)
        return failure(err, QStringLiteral("--diff takes two files: --diff OLD NEW"));
    const QString oldFile = parser.value(diff), newFile = positional.front();
    HeapDigest before;
    {
        // The old snapshot is reduced to its digest and freed before the new one is read.
        const std::optional<HeapSnapshot> old = HeapSnapshot::load(oldFile, &error);
        if (!old)
            return failure(err, error);
        before = HeapDigest::of(HeapAnalysis(*old));
    }
    const std::optional<HeapSnapshot> current = HeapSnapshot::load(newFile, &error);
    if (!current)
        return failure(err, error);
    const HeapAnalysis after(*current);
    const HeapDiff result = compareSnapshots(before, after);
    if (parser.isSet(json))
        out << QJsonDocument(diffJson(oldFile, newFile, result, rows)).toJson(QJsonDocument::Indented);
    else
        diffText(out, oldFile, newFile, result, rows);
    out.flush();
    return 0;
}

} // namespace heapwatch
