#include "ExportCommand.h"

#include "Duration.h"
#include "HistoryReader.h"
#include "PlainText.h"
#include "TargetConfig.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTextStream>
#include <cmath>
#include <limits>
#include <map>

namespace heapwatch {
namespace {

constexpr int kErrorExit = 2;

int failure(QTextStream& err, const QString& reason)
{
    err << "heapwatch export: " << oneLine(reason) << '\n';
    err.flush();
    return kErrorExit;
}

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

// Values are kept to the hundredth (SampleRing): printed as such, without a float's noise.
QString number(double v)
{
    if (std::fabs(v) < 1e13)
        v = std::round(v * 100.0) / 100.0;
    return QString::number(v, 'g', 15);
}

// One output row: a sample time and, per ring, its row at that time (the latest, when a ring holds several
// at one instant), and the events at that time.
struct MergedRow
{
    std::array<const DecodedRow*, 3> rings {};
    std::vector<const StoredEvent*> events;
};

QString csvField(const QString& text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString eventDetail(const StoredEvent& e)
{
    return QString::fromUtf8(QJsonDocument(e.detail).toJson(QJsonDocument::Compact));
}

} // namespace

int ExportCommand::run(const QStringList& arguments, QTextStream& out, QTextStream& err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Print a target's stored history: one row per sample time with every value (container\n"
                       "stats, the app's Memory and Cache lines; empty where one has no row), and the events.\n"
                       "Reads the history store only; connects to nothing.\n"
                       "TARGET as on the command line (ssh://ops@web1:2222/pangolin, web1/pangolin, demo) or\n"
                       "its name in the sidebar when only one stored target has it.\n"
                       "Exit codes: 0 done, 2 usage error, unknown target or unreadable store."));
    parser.addHelpOption();
    const QCommandLineOption since(QStringLiteral("since"),
                                   QStringLiteral("Only the last D before --until (90s, 15m, 2h, 7d; default: all)."),
                                   QStringLiteral("D"));
    const QCommandLineOption until(QStringLiteral("until"),
                                   QStringLiteral("Up to this time, ISO 8601 (2026-01-14T10:00:00Z; default: now)."),
                                   QStringLiteral("T"));
    const QCommandLineOption format(QStringLiteral("format"), QStringLiteral("csv (default) or json."),
                                    QStringLiteral("FORMAT"), QStringLiteral("csv"));
    const QCommandLineOption store(QStringLiteral("store"),
                                   QStringLiteral("The history database (default: $HEAPWATCH_HISTORY, else %1).")
                                       .arg(HistoryOptions::defaultPath()),
                                   QStringLiteral("PATH"));
    parser.addOptions({since, until, format, store});
    parser.addPositionalArgument(QStringLiteral("TARGET"), QStringLiteral("The target whose history to print."));
    if (!parser.parse(QStringList {QStringLiteral("heapwatch export")} + arguments))
        return failure(err, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        QString help = parser.helpText();
        help.replace(QRegularExpression(QStringLiteral("^Usage: [^\n]*")),
                     QStringLiteral("Usage: heapwatch export TARGET [--since D] [--until T] [--format csv|json]"));
        out << help;
        out.flush();
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return failure(err, QStringLiteral("give one TARGET (see --help)"));
    const QString fmt = parser.value(format).toLower();
    if (fmt != QLatin1String("csv") && fmt != QLatin1String("json"))
        return failure(err, QStringLiteral("--format is csv or json, not '%1'").arg(parser.value(format)));
    qint64 untilMs = QDateTime::currentMSecsSinceEpoch();
    if (parser.isSet(until)) {
        QDateTime t = QDateTime::fromString(parser.value(until).trimmed(), Qt::ISODateWithMs);
        if (!t.isValid())
            return failure(err,
                           QStringLiteral("--until takes an ISO 8601 time such as 2026-01-14T10:00:00Z, not '%1'")
                               .arg(parser.value(until)));
        untilMs = t.toMSecsSinceEpoch();
    }
    qint64 sinceMs = std::numeric_limits<qint64>::min();
    if (parser.isSet(since)) {
        const std::optional<qint64> seconds = parseDuration(parser.value(since));
        if (!seconds || *seconds <= 0)
            return failure(err,
                           QStringLiteral("--since takes a duration such as 90s, 15m, 2h or 7d, not '%1'")
                               .arg(parser.value(since)));
        sinceMs = untilMs - *seconds * 1000;
    }

    HistoryReader reader(parser.isSet(store) ? parser.value(store) : HistoryOptions::defaultPath());
    QString error;
    if (!reader.open(&error))
        return failure(err, error);
    // The key is the target as typed (TargetConfig::key of a remote target is its spelling, "demo/pangolin"
    // for the demo); a display name is accepted when it names one stored target.
    const QString spelling = positional.front() == QLatin1String("demo")
        ? TargetConfig::demo().key()
        : TargetConfig::remote(positional.front()).key();
    const std::optional<StoredTarget> target = reader.findTarget(spelling);
    if (!target) {
        QStringList known;
        for (const StoredTarget& t : reader.targets())
            known << t.key;
        return failure(
            err,
            known.isEmpty()
                ? QStringLiteral("no history of '%1': the store %2 holds no target yet").arg(spelling, reader.path())
                : QStringLiteral("no history of '%1'; stored targets: %2")
                      .arg(spelling, known.join(QStringLiteral(", "))));
    }

    // Every row of each ring in the window, then merged by time.
    std::array<std::vector<DecodedRow>, 3> rings;
    std::map<qint64, MergedRow> merged;
    int damaged = 0;
    for (RingKind ring : kRingKinds) {
        auto& rows = rings[size_t(ring)];
        std::vector<DecodedRow> decoded;
        for (const StoredChunk& c : reader.chunks(target->key, ring, sinceMs, untilMs)) {
            if (!decodeStoredChunk(c, &decoded)) {
                ++damaged;
                continue;
            }
            for (DecodedRow& r : decoded)
                if (r.atMs >= sinceMs && r.atMs <= untilMs)
                    rows.push_back(std::move(r));
        }
        for (const DecodedRow& r : rows)
            merged[r.atMs].rings[size_t(ring)] = &r; // rows is not resized after this
    }
    const std::vector<StoredEvent> events = reader.events(target->key, sinceMs, untilMs);
    for (const StoredEvent& e : events)
        merged[e.atMs].events.push_back(&e);
    if (damaged > 0)
        err << "heapwatch export: " << damaged << " damaged chunk(s) skipped\n";

    QStringList columns;
    for (RingKind ring : kRingKinds)
        columns += ringColumnNames(ring);
    if (fmt == QLatin1String("csv")) {
        out << "time,time_ms," << columns.join(QLatin1Char(',')) << ",events\n";
        for (const auto& [atMs, row] : merged) {
            out << isoTime(atMs) << ',' << atMs;
            for (RingKind ring : kRingKinds) {
                const DecodedRow* r = row.rings[size_t(ring)];
                for (int c = 0; c < ringColumnCount(ring); ++c) {
                    out << ',';
                    if (r && !std::isnan(r->values[size_t(c)]))
                        out << number(r->values[size_t(c)]);
                }
            }
            QStringList texts;
            for (const StoredEvent* e : row.events)
                texts << historyEventKindName(e->kind) + QLatin1Char(' ') + eventDetail(*e);
            out << ',' << csvField(texts.join(QLatin1String("; "))) << '\n';
        }
    } else {
        // Written row by row: a week of one-second samples is never held as one JSON document.
        const QJsonObject head {{QStringLiteral("target"), target->key},
                                {QStringLiteral("name"), target->displayName},
                                {QStringLiteral("columns"), QJsonArray::fromStringList(columns)}};
        QByteArray headText = QJsonDocument(head).toJson(QJsonDocument::Compact);
        headText.chop(1); // the closing brace: samples and events follow
        out << QString::fromUtf8(headText) << ",\"samples\":[";
        bool first = true;
        for (const auto& [atMs, row] : merged) {
            bool any = false;
            QJsonObject sample {{QStringLiteral("time"), isoTime(atMs)}, {QStringLiteral("time_ms"), double(atMs)}};
            for (RingKind ring : kRingKinds) {
                const DecodedRow* r = row.rings[size_t(ring)];
                const QStringList names = ringColumnNames(ring);
                for (int c = 0; c < names.size(); ++c) {
                    const double v = r ? r->values[size_t(c)] : std::numeric_limits<double>::quiet_NaN();
                    sample.insert(names[c],
                                  std::isnan(v) ? QJsonValue(QJsonValue::Null) : QJsonValue(number(v).toDouble()));
                }
                any = any || r;
            }
            if (!any)
                continue; // a time with events only
            out << (first ? "" : ",") << QString::fromUtf8(QJsonDocument(sample).toJson(QJsonDocument::Compact));
            first = false;
        }
        out << "],\"events\":[";
        first = true;
        for (const StoredEvent& e : events) {
            const QJsonObject event {{QStringLiteral("time"), isoTime(e.atMs)},
                                     {QStringLiteral("time_ms"), double(e.atMs)},
                                     {QStringLiteral("kind"), historyEventKindName(e.kind)},
                                     {QStringLiteral("detail"), e.detail}};
            out << (first ? "" : ",") << QString::fromUtf8(QJsonDocument(event).toJson(QJsonDocument::Compact));
            first = false;
        }
        out << "]}\n";
    }
    out.flush();
    return 0;
}

} // namespace heapwatch
