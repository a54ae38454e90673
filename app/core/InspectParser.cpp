#include "InspectParser.h"

#include "DockerStatsParser.h" // stripEscapes
#include "LogParser.h" // parseRfc3339Ns
#include "PlainText.h"
#include "SafeMath.h"
#include "Units.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>
#include <algorithm>

namespace heapwatch {

namespace {

const QLatin1String kNodeOptionsPrefix("NODE_OPTIONS=");

QString nodeOptionsValue(const QString& entry)
{
    return entry.startsWith(kNodeOptionsPrefix) ? entry.mid(kNodeOptionsPrefix.size()) : entry;
}

// An integer as either CLI prints it: a JSON number (stored as a double once it is large) or a string of digits.
// nullopt when absent, not a number, or outside qint64.
std::optional<qint64> jsonInt64(const QJsonValue& v)
{
    if (v.isString()) {
        bool ok = false;
        const qint64 n = v.toString().toLongLong(&ok);
        return ok ? std::optional<qint64>(n) : std::nullopt;
    }
    if (!v.isDouble())
        return std::nullopt;
    // Integers are kept exactly (a double cannot hold INT64_MAX); other numbers go through a checked conversion.
    const qint64 n = v.toInteger(safe::kMinInt64);
    return n != safe::kMinInt64 ? std::optional<qint64>(n) : safe::toInt64(v.toDouble());
}

qint64 toInt64(const QJsonValue& v, qint64 fallback)
{
    return jsonInt64(v).value_or(fallback);
}

// An int field (ExitCode, RestartCount); a value no int holds is unknown rather than silently wrapped.
int toInt(const QJsonValue& v, int fallback)
{
    const std::optional<qint64> n = jsonInt64(v);
    return n ? safe::toInt(*n).value_or(fallback) : fallback;
}

bool isPresent(const QJsonValue& v)
{
    return !v.isUndefined() && !v.isNull();
}

// Seconds since the epoch → ms; nullopt beyond 2262, where no time is (and the product would overflow).
std::optional<qint64> secondsToMs(qint64 seconds)
{
    if (seconds < 0 || seconds > safe::kMaxEpochSeconds)
        return std::nullopt;
    return seconds * 1000;
}

// Time: docker's timeNano/time, podman 5's time/timeNano, podman 4's RFC 3339 "Time" (or a number of seconds).
// nullopt when a time is there but is no time (the fuzzer found `time` × 1000 overflowing); 0 when there is none.
std::optional<qint64> eventTimeMs(const QJsonObject& o)
{
    const QJsonValue nanoValue = o.value(QLatin1String("timeNano"));
    const QJsonValue secondsValue = o.value(QLatin1String("time"));
    const std::optional<qint64> nano = jsonInt64(nanoValue);
    const std::optional<qint64> seconds = jsonInt64(secondsValue);
    if ((isPresent(nanoValue) && !nano) || (isPresent(secondsValue) && !seconds))
        return std::nullopt;
    if (nano && *nano > 0)
        return *nano / 1000000;
    if (seconds && *seconds > 0)
        return secondsToMs(*seconds);
    const QJsonValue time = o.value(QLatin1String("Time"));
    if (time.isString())
        return InspectParser::parseTimestampMs(time.toString().toUtf8());
    if (!isPresent(time))
        return 0;
    const std::optional<qint64> timeSeconds = jsonInt64(time);
    return timeSeconds ? secondsToMs(*timeSeconds) : std::nullopt;
}

} // namespace

std::optional<ContainerInfo> InspectParser::parse(QByteArrayView json, QString* error)
{
    auto fail = [error](const QString& why) -> std::optional<ContainerInfo> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(trimmedBytes(json).toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(QStringLiteral("inspect output is not JSON: %1").arg(parseError.errorString()));
    QJsonObject o;
    if (doc.isArray()) {
        const QJsonArray array = doc.array();
        if (array.isEmpty() || !array.first().isObject())
            return fail(QStringLiteral("inspect returned no container"));
        o = array.first().toObject();
    } else if (doc.isObject()) {
        o = doc.object();
    } else {
        return fail(QStringLiteral("inspect output is neither an object nor an array"));
    }
    if (!o.value(QLatin1String("State")).isObject() || !o.value(QLatin1String("Id")).isString())
        return fail(QStringLiteral("not a container inspect object (no Id or State)"));

    ContainerInfo info;
    info.id = o.value(QLatin1String("Id")).toString();
    info.name = o.value(QLatin1String("Name")).toString();
    if (info.name.startsWith(QLatin1Char('/')))
        info.name.remove(0, 1); // docker's names are paths in the daemon's namespace
    const QJsonObject config = o.value(QLatin1String("Config")).toObject();
    info.image = config.value(QLatin1String("Image")).toString();
    if (info.image.isEmpty())
        info.image = o.value(QLatin1String("ImageName")).toString(); // podman
    if (info.image.isEmpty())
        info.image = o.value(QLatin1String("Image")).toString(); // only an image ID

    const QJsonObject state = o.value(QLatin1String("State")).toObject();
    info.status = state.value(QLatin1String("Status")).toString();
    info.running = state.value(QLatin1String("Running")).toBool();
    info.oomKilled = state.value(QLatin1String("OOMKilled")).toBool();
    info.exitCode = toInt(state.value(QLatin1String("ExitCode")), -1);
    info.pid = std::clamp<qint64>(toInt64(state.value(QLatin1String("Pid")), 0), 0, std::numeric_limits<qint32>::max());
    info.startedAtMs = parseTimestampMs(state.value(QLatin1String("StartedAt")).toString().toUtf8());
    info.finishedAtMs = parseTimestampMs(state.value(QLatin1String("FinishedAt")).toString().toUtf8());
    QJsonValue health = state.value(QLatin1String("Health"));
    if (!health.isObject())
        health = state.value(QLatin1String("Healthcheck")); // podman before 4.x
    info.health = health.toObject().value(QLatin1String("Status")).toString();
    if (info.health.isEmpty())
        info.health = QStringLiteral("none"); // no health check configured
    info.restartCount = std::max(-1, toInt(o.value(QLatin1String("RestartCount")), -1));

    const QJsonObject hostConfig = o.value(QLatin1String("HostConfig")).toObject();
    const qint64 memory = toInt64(hostConfig.value(QLatin1String("Memory")), 0);
    // The engine's log file: docker's LogPath, podman's HostConfig.LogConfig.Path (the compact template puts
    // either into LogPath). Only ever a path handed back to the server, never shown; control characters or an
    // unreasonable length make it unknown.
    QString logPath = o.value(QLatin1String("LogPath")).toString();
    if (logPath.isEmpty())
        logPath = hostConfig.value(QLatin1String("LogConfig")).toObject().value(QLatin1String("Path")).toString();
    if (logPath.startsWith(QLatin1Char('/')) && logPath.size() <= 4096
        && std::none_of(logPath.cbegin(), logPath.cend(), [](QChar c) { return c.unicode() < 0x20; }))
        info.logPath = logPath;
    info.memLimitBytes = memory > 0 ? double(memory) : kUnknown; // 0 means unlimited

    // Only NODE_OPTIONS is read; the other variables (secrets among them) are never copied anywhere.
    const QJsonValue env = config.value(QLatin1String("Env"));
    if (env.isArray()) {
        info.nodeOptionsKnown = true;
        const QJsonArray entries = env.toArray();
        for (const QJsonValue& entry : entries) {
            const QString text = entry.toString();
            if (text.startsWith(kNodeOptionsPrefix))
                info.nodeOptions = nodeOptionsValue(text); // the last one wins, as in a shell
        }
    }
    const QJsonValue compact = o.value(QLatin1String("NodeOptions"));
    if (compact.isString()) {
        info.nodeOptionsKnown = true;
        info.nodeOptions = nodeOptionsValue(compact.toString());
    }
    info.heapLimitMiB = heapLimitFromNodeOptions(info.nodeOptions);
    // Everything here is shown to a person: no control characters from the server reach a screen.
    for (QString* text : {&info.id, &info.name, &info.image, &info.status, &info.health, &info.nodeOptions})
        *text = plainText(*text, 1024);
    return info;
}

qint64 InspectParser::parseTimestampMs(QByteArrayView text)
{
    text = trimmedBytes(text);
    const qint64 ns = parseRfc3339Ns(text);
    if (ns >= 0)
        return ns / 1000000;
    // podman: Go's time.String(), "2026-11-27 12:20:33.836543581 +0000 UTC" (maybe with " m=+0.01").
    // Rewritten into RFC 3339 so one parser validates both.
    const qsizetype zone = text.indexOf(' ', 11);
    if (text.size() < 19 || text[10] != ' ' || zone < 19 || zone + 6 > text.size())
        return -1;
    const QByteArrayView offset = text.sliced(zone + 1, 5); // "+0000"
    if (offset[0] != '+' && offset[0] != '-')
        return -1;
    QByteArray rfc = text.first(zone).toByteArray();
    rfc[10] = 'T';
    rfc.append(offset.first(3)).append(':').append(offset.sliced(3));
    const qint64 podmanNs = parseRfc3339Ns(rfc);
    return podmanNs >= 0 ? podmanNs / 1000000 : -1;
}

double InspectParser::heapLimitFromNodeOptions(const QString& nodeOptions)
{
    // Node accepts '-' and '_' alike in V8 flags, "=N" or " N", and the last occurrence wins.
    const QStringList tokens = nodeOptions.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    double limit = kUnknown;
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        QString token = tokens.at(i);
        token.remove(QLatin1Char('"')).remove(QLatin1Char('\''));
        const qsizetype eq = token.indexOf(QLatin1Char('='));
        QString flag = eq < 0 ? token : token.left(eq);
        flag.replace(QLatin1Char('_'), QLatin1Char('-'));
        if (flag != QLatin1String("--max-old-space-size"))
            continue;
        QString value = eq < 0 ? (i + 1 < tokens.size() ? tokens.at(i + 1) : QString()) : token.mid(eq + 1);
        value.remove(QLatin1Char('"')).remove(QLatin1Char('\''));
        const double n = units::parseNumber(value.toLatin1());
        limit = n > 0 && safe::isPlausibleSize(n, safe::kMaxPlausibleMiB) ? n : kUnknown;
    }
    return limit;
}

const char* InspectParser::inspectTemplate()
{
    // Runs on the server, so the environment never leaves it: only the NODE_OPTIONS entry is printed. Written
    // for every Go version both CLIs have shipped with: printf "%.13s" instead of `slice` (Go 1.13) and no
    // reliance on `and` short-circuiting (Go 1.18); `{{$n = …}}` needs Go 1.11. No single quote inside, so
    // the caller can wrap it in '…' for the remote shell. NodeOptions keeps its "NODE_OPTIONS=" prefix;
    // parse() strips it. Config.Image goes in as ImageName, the key podman's own inspect uses.
    // Fields are Go field names, not JSON keys: `.ID`, because podman's template sees its Go struct (field ID,
    // JSON "Id") and rewrites only a bare `{{.Id}}`; docker has the same field and would only reach "Id" through
    // its raw-map fallback.
    return R"({"Id":{{json .ID}},"Name":{{json .Name}},"ImageName":{{json .Config.Image}},)"
           R"("State":{{json .State}},"RestartCount":{{json .RestartCount}},)"
           R"("HostConfig":{"Memory":{{json .HostConfig.Memory}}},)"
           R"("NodeOptions":{{$n := ""}}{{range .Config.Env}}{{if eq (printf "%.13s" .) "NODE_OPTIONS="}})"
           R"({{$n = .}}{{end}}{{end}}{{json $n}}})";
}

std::optional<ContainerEvent> EventParser::parseLine(QByteArrayView line)
{
    const QByteArray clean = stripEscapes(trimmedBytes(line));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(clean, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonObject o = doc.object();

    // docker: Action ("die", "health_status: healthy"), legacy status; podman: Status ("died", "health_status").
    QString action = o.value(QLatin1String("Action")).toString();
    if (action.isEmpty())
        action = o.value(QLatin1String("status")).toString();
    if (action.isEmpty())
        action = o.value(QLatin1String("Status")).toString();
    if (action.isEmpty())
        return std::nullopt;

    ContainerEvent ev;
    const QJsonObject actor = o.value(QLatin1String("Actor")).toObject();
    QJsonObject attributes = actor.value(QLatin1String("Attributes")).toObject();
    if (attributes.isEmpty())
        attributes = o.value(QLatin1String("Attributes")).toObject(); // podman's embedded Details
    ev.containerId = actor.value(QLatin1String("ID")).toString();
    if (ev.containerId.isEmpty())
        ev.containerId = o.value(QLatin1String("id")).toString();
    if (ev.containerId.isEmpty())
        ev.containerId = o.value(QLatin1String("ID")).toString();

    const std::optional<qint64> atMs = eventTimeMs(o);
    if (!atMs)
        return std::nullopt;
    ev.atMs = *atMs;

    qint64 exitCode = toInt64(attributes.value(QLatin1String("exitCode")), -1);
    if (exitCode < 0)
        exitCode = toInt64(o.value(QLatin1String("ContainerExitCode")), -1);
    ev.exitCode = exitCode >= 0 && exitCode <= 255 ? int(exitCode) : -1;

    const qsizetype colon = action.indexOf(QLatin1Char(':'));
    const QString verb = (colon < 0 ? action : action.left(colon)).trimmed();
    const QString type = o.value(QLatin1String("Type")).toString();
    ev.detail = plainText(action, 256);
    ev.containerId = plainText(ev.containerId, 256);
    if (!type.isEmpty() && type != QLatin1String("container")) {
        ev.kind = ContainerEvent::Kind::Other;
    } else if (verb == QLatin1String("start")) {
        ev.kind = ContainerEvent::Kind::Start;
    } else if (verb == QLatin1String("die") || verb == QLatin1String("died")) {
        ev.kind = ContainerEvent::Kind::Die;
    } else if (verb == QLatin1String("oom")) {
        ev.kind = ContainerEvent::Kind::Oom;
    } else if (verb == QLatin1String("restart")) {
        ev.kind = ContainerEvent::Kind::Restart;
    } else if (verb == QLatin1String("health_status")) {
        ev.kind = ContainerEvent::Kind::Health;
        QString status = colon < 0 ? QString() : action.mid(colon + 1).trimmed();
        for (const char* key : {"health_status", "HealthStatus"}) {
            if (status.isEmpty())
                status = o.value(QLatin1String(key)).toString();
        }
        if (status.isEmpty())
            status = attributes.value(QLatin1String("health_status")).toString();
        ev.detail = plainText(status, 256);
    } else {
        ev.kind = ContainerEvent::Kind::Other;
    }
    return ev;
}

} // namespace heapwatch
