#include "CheckCommand.h"

#include "Assessment.h"
#include "Duration.h"
#include "OfflineSource.h"
#include "PlainText.h"
#include "ReplaySource.h"
#include "StateReport.h"
#include "Target.h"
#include "TargetOptions.h"
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

int CheckCommand::runOffline(const QStringList& arguments, QTextStream& out, QTextStream& err)
{
    return run(arguments, out, err, nullptr);
}

int CheckCommand::run(const QStringList& arguments, QTextStream& out, QTextStream& err, RemoteWatch remote)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Judge a Node.js container's memory against the red-flag thresholds and print the verdict.\n"
                       "Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN."));
    parser.addHelpOption();
    const QCommandLineOption watch(QStringLiteral("watch"),
                                   QStringLiteral("With TARGET: keep streaming this long before judging (default: "
                                                  "until the history and one stats sample are in)."),
                                   QStringLiteral("DURATION"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object instead of text."));
    const QCommandLineOption thresholds(QStringLiteral("thresholds"),
                                        QStringLiteral("Override the default thresholds with a JSON file."),
                                        QStringLiteral("FILE"));
    parser.addOptions({watch, json, thresholds});
    const TargetOptions targetOptions;
    targetOptions.addTo(parser, false);

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

    QString error;
    const auto named = targetOptions.read(parser, &error);
    if (!named)
        return unknown(out, err, error);
    if (named->size() != 1)
        return unknown(out, err, QStringLiteral("give exactly one of --demo, --replay LOGFILE or TARGET"));
    const TargetConfig& config = named->front();
    qint64 watchSeconds = -1;
    if (parser.isSet(watch)) {
        watchSeconds = parseDuration(parser.value(watch)).value_or(-1);
        if (watchSeconds < 0)
            return unknown(out, err,
                           QStringLiteral("--watch takes a duration such as 90s or 5m, not '%1'")
                               .arg(parser.value(watch).left(40)));
    }

    std::unique_ptr<Target> target;
    if (config.kind == TargetConfig::Kind::Remote) {
        if (!remote)
            return kNeedsRemote;
        target = remote(config, watchSeconds, limits, err, &error);
        if (!target)
            return unknown(out, err, error);
    } else {
        // The demo host and a saved log hold their whole history: read it at once, no streaming.
        std::unique_ptr<Source> source = createOfflineSource(config, false, &error);
        if (!source)
            return unknown(out, err, error);
        Source* s = source.get();
        target = std::make_unique<Target>(std::move(source), limits);
        Target* t = target.get();
        if (!s->readHistory([t](const IngestBatch& b) { t->ingest(b); }, &error))
            return unknown(out, err, error);
        const TargetState& state = target->state();
        const ParseCounters& c = state.logCounters();
        if (config.kind == TargetConfig::Kind::Replay && !state.hasSomethingToJudge())
            return unknown(
                out, err,
                ReplaySource::nothingToJudge(TargetConfig::inputName(config.location), c, state.untimedGcLines()));
    }

    const Assessment& assessment = target->assessment();
    const ReportInput input {target->state(), assessment, limits, QDateTime::currentMSecsSinceEpoch(),
                             target->isLive()};
    if (parser.isSet(json)) {
        out << QJsonDocument(jsonReport(input)).toJson(QJsonDocument::Indented);
    } else {
        out << textReport(input);
    }
    out.flush();
    return pluginExitCode(assessment.overall);
}

} // namespace heapwatch
