#include "CheckCommand.h"

#include "Assessment.h"
#include "DemoSource.h"
#include "PlainText.h"
#include "RemoteCheck.h"
#include "ReplaySource.h"
#include "StateReport.h"
#include "Target.h"
#include "Thresholds.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTextStream>

namespace heapwatch {
namespace {

constexpr int kUnknownExit = 3;

int unknown(QTextStream& out, QTextStream& err, const QString& reason)
{
    // The reason may carry server text (libssh's disconnect message, the engine's stderr): one plain line,
    // and no '|' that a monitoring system would read as the start of perfdata.
    out << "HEAPWATCH UNKNOWN - " << pluginText(reason) << '\n';
    err << "heapwatch check: " << oneLine(reason) << '\n';
    out.flush();
    err.flush();
    return kUnknownExit;
}

} // namespace

int CheckCommand::run(const QStringList& arguments, QTextStream& out, QTextStream& err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Judge a Node.js container's memory against the red-flag thresholds and print the verdict.\n"
                       "Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN."));
    parser.addHelpOption();
    parser.addPositionalArgument(
        QStringLiteral("target"),
        QStringLiteral("ssh://[user@]host[:port]/CONTAINER, HOST/CONTAINER or local/CONTAINER"),
        QStringLiteral("[TARGET]"));
    const QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Judge the built-in demo host."));
    const QCommandLineOption replay(QStringLiteral("replay"),
                                    QStringLiteral("Judge a saved `docker logs --timestamps` file."),
                                    QStringLiteral("LOGFILE"));
    const QCommandLineOption stats(QStringLiteral("stats"),
                                   QStringLiteral("With --replay: a saved `docker stats` output."),
                                   QStringLiteral("STATSFILE"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object instead of text."));
    const QCommandLineOption thresholds(QStringLiteral("thresholds"),
                                        QStringLiteral("Override the default thresholds with a JSON file."),
                                        QStringLiteral("FILE"));
    parser.addOptions({demo, replay, stats, json, thresholds});
    const QList<QCommandLineOption> remoteOptions = RemoteCheck::options();
    parser.addOptions(remoteOptions);

    if (!parser.parse(QStringList {QStringLiteral("heapwatch check")} + arguments))
        return unknown(out, err, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        // helpText() names the executable; the verb belongs in the usage line too.
        QString help = parser.helpText();
        help.replace(QRegularExpression(QStringLiteral("^Usage: \\S+")), QStringLiteral("Usage: heapwatch check"));
        out << help;
        out.flush();
        return 0;
    }

    Thresholds limits = Thresholds::defaults();
    if (parser.isSet(thresholds)) {
        QString error;
        const auto loaded = Thresholds::fromFile(parser.value(thresholds), &error);
        if (!loaded)
            return unknown(out, err, error);
        limits = *loaded;
    }

    const QStringList positional = parser.positionalArguments();
    const int modes = int(parser.isSet(demo)) + int(parser.isSet(replay)) + int(!positional.isEmpty());
    if (modes != 1 || positional.size() > 1)
        return unknown(out, err, QStringLiteral("give exactly one of --demo, --replay LOGFILE or TARGET"));
    if (parser.isSet(stats) && !parser.isSet(replay))
        return unknown(out, err, QStringLiteral("--stats goes with --replay"));

    std::unique_ptr<Target> target;
    if (parser.isSet(demo)) {
        DemoOptions options;
        options.live = false;
        auto source = std::make_unique<DemoSource>(options);
        target = std::make_unique<Target>(std::move(source), limits);
        Target* t = target.get();
        static_cast<DemoSource*>(target->source())
            ->generateHistory(QDateTime::currentMSecsSinceEpoch(), [t](const IngestBatch& b) { t->ingest(b); });
    } else if (parser.isSet(replay)) {
        auto source = std::make_unique<ReplaySource>(parser.value(replay), parser.value(stats));
        ReplaySource* replaySource = source.get();
        target = std::make_unique<Target>(std::move(source), limits);
        Target* t = target.get();
        QString error;
        if (!replaySource->read([t](const IngestBatch& b) { t->ingest(b); }, &error))
            return unknown(out, err, error);
        const TargetState& state = target->state();
        const ParseCounters& c = state.logCounters();
        if (!state.lastMemory() && !state.lastStats() && !state.lastCache() && state.problems().empty())
            return unknown(out, err,
                           QStringLiteral("nothing recognisable in %1 (%2 lines, %3 malformed, %4 oversized)")
                               .arg(parser.value(replay))
                               .arg(c.lines)
                               .arg(c.malformed)
                               .arg(c.oversized));
    } else {
        QString error;
        target = RemoteCheck::watch(positional.first(), parser, limits, err, &error);
        if (!target)
            return unknown(out, err, error);
    }

    const Assessment& assessment = target->assessment();
    const ReportInput input {target->state(), assessment, limits, QDateTime::currentMSecsSinceEpoch()};
    if (parser.isSet(json)) {
        QJsonObject object = jsonReport(input);
        RemoteCheck::addConnection(*target, object);
        out << QJsonDocument(object).toJson(QJsonDocument::Indented);
    } else {
        out << textReport(input);
    }
    out.flush();
    return pluginExitCode(assessment.overall);
}

} // namespace heapwatch
