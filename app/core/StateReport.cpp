#include "StateReport.h"

#include "PlainText.h"
#include "StreamHealth.h"
#include "Timeline.h"
#include "Units.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonValue>
#include <algorithm>
#include <cmath>

namespace heapwatch {
namespace {

constexpr int kRecentProblems = 20;

// Non-finite values are null: JSON has no NaN or infinity (QJsonDocument would write null for them anyway,
// hiding the difference from a reader of the object). Beyond 2^53 a double has no decimals to round, and
// v * scale could overflow to infinity.
QJsonValue num(double v, int decimals = 2)
{
    if (!isKnown(v))
        return QJsonValue(QJsonValue::Null);
    if (std::fabs(v) >= 9007199254740992.0)
        return QJsonValue(v);
    const double scale = std::pow(10.0, decimals);
    return QJsonValue(std::round(v * scale) / scale);
}

QJsonValue integer(qint64 v, bool known = true)
{
    return known ? QJsonValue(double(v)) : QJsonValue(QJsonValue::Null);
}

QJsonValue str(const QString& s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

QString isoTime(qint64 ms)
{
    if (ms < 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QJsonValue timeValue(qint64 ms)
{
    return ms < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(isoTime(ms));
}

QString fixed(double v, int decimals)
{
    return QString::number(v, 'f', decimals);
}

int decimalsFor(const Flag& f)
{
    if (f.id == QLatin1String("cache_hit_rate"))
        return 2;
    if (f.unit == QLatin1String("events") || f.unit == QLatin1String("restarts"))
        return 0;
    return 1;
}

// Short words for the plugin line's summary: "heap usage 97.6% (> 95%)".
QString flagSummary(const Flag& f)
{
    if (f.id == QLatin1String("restarts")) {
        if (f.note.startsWith(QLatin1String("restart loop")))
            return f.note.section(QLatin1Char(';'), 0, 0); // "restart loop: 3 restarts in 10 min"
        return f.level == Level::Critical ? QStringLiteral("container OOM-killed")
                                          : QStringLiteral("%1 restart(s) seen").arg(f.value);
    }
    if (f.id == QLatin1String("buffer_overflows"))
        return QStringLiteral("%1 audit buffer overflow(s)").arg(f.value);
    const double line = f.level == Level::Critical ? f.critical : f.warning;
    const QString name = f.metric.toLower().remove(QStringLiteral(" %"));
    const QString beyond = QStringLiteral("%1 %2").arg(f.lowerIsWorse ? QStringLiteral("<") : QStringLiteral(">"),
                                                       formatThreshold(f, line));
    // A level outlives the value that raised it (a flapping flag keeps its worst level, a level stays until the
    // value is back past its clear line and has held its minimum time): then the value is not beyond the line,
    // and the line says the level is held rather than "66.7% (> 95%)".
    const bool past = f.lowerIsWorse ? f.value < line : f.value > line;
    if (!past && std::isfinite(f.value)) {
        return QStringLiteral("%1 %2 now (%3was %4%5)")
            .arg(name, formatFlagValue(f), f.flapping ? QStringLiteral("flapping, ") : QString(), beyond,
                 f.flapping ? QString() : QStringLiteral(", not yet clear"));
    }
    return QStringLiteral("%1 %2 (%3)").arg(name, formatFlagValue(f), beyond);
}

// Perfdata units the plugin convention knows: B, KB, MB, TB, %, s, ms, us, c; others are bare numbers.
QString perfUnit(const Flag& f)
{
    if (f.unit == QLatin1String("ms"))
        return QStringLiteral("ms"); // gc_pause
    if (f.unit == QLatin1String("MiB"))
        return QStringLiteral("MB");
    if (f.unit == QLatin1String("%"))
        return QStringLiteral("%");
    return {};
}

QString pad(const QString& s, int width)
{
    return s.leftJustified(width, QLatin1Char(' '));
}

// The connection of a watched (not replayed) target and each of its streams: state, when it last delivered
// data, the pace it is expected at.
QJsonObject connectionJson(const TargetState& s, qint64 nowMs)
{
    const ConnectionStatus& c = s.connection();
    QJsonObject connection;
    connection.insert(QStringLiteral("host"), c.host);
    connection.insert(QStringLiteral("engine"), c.engine);
    connection.insert(QStringLiteral("state"), toString(c.state));
    connection.insert(QStringLiteral("container"), toString(c.container));
    if (!c.message.isEmpty())
        connection.insert(QStringLiteral("message"), c.message);
    QJsonObject streams;
    for (const StreamHealth& h : streamHealth(s, nowMs)) {
        QJsonObject stream;
        stream.insert(QStringLiteral("state"), toString(h.state));
        stream.insert(QStringLiteral("last_data_at"), timeValue(h.lastDataMs));
        if (h.expectedEveryMs > 0)
            stream.insert(QStringLiteral("expected_every_s"), double(h.expectedEveryMs) / 1000.0);
        streams.insert(toString(h.stream), stream);
    }
    if (!streams.isEmpty())
        connection.insert(QStringLiteral("streams"), streams);
    if (!c.statsSource.isEmpty())
        connection.insert(QStringLiteral("stats_source"), c.statsSource);
    if (!c.logsSource.isEmpty())
        connection.insert(QStringLiteral("logs_source"), c.logsSource);
    if (!c.eventsSource.isEmpty())
        connection.insert(QStringLiteral("events_source"), c.eventsSource);
    connection.insert(QStringLiteral("reconnects"), c.reconnects);
    connection.insert(QStringLiteral("bytes_received"), double(s.bytesReceived()));
    return connection;
}

} // namespace

QString formatFlagValue(const Flag& f)
{
    if (!isKnown(f.value))
        return QStringLiteral("—");
    const int d = decimalsFor(f);
    if (f.unit == QLatin1String("%"))
        return fixed(f.value, d) + QLatin1Char('%');
    if (f.unit == QLatin1String("MiB/h"))
        return (f.value >= 0 ? QStringLiteral("+") : QString()) + fixed(f.value, d) + QStringLiteral(" MiB/h");
    if (f.unit == QLatin1String("events") || f.unit == QLatin1String("restarts")) {
        const qint64 n = qint64(f.value);
        const QString one = f.unit == QLatin1String("events") ? QStringLiteral("event") : QStringLiteral("restart");
        return n == 0 ? QStringLiteral("none") : QStringLiteral("%1 %2%3").arg(n).arg(one, n == 1 ? "" : "s");
    }
    return fixed(f.value, d) + QLatin1Char(' ') + f.unit;
}

QString formatThreshold(const Flag& f, double threshold)
{
    const QString n = QString::number(threshold, 'g', 6);
    if (f.unit == QLatin1String("%"))
        return n + QLatin1Char('%');
    if (f.unit == QLatin1String("events") || f.unit == QLatin1String("restarts"))
        return n;
    return n + QLatin1Char(' ') + f.unit;
}

QString formatFlagThreshold(const Flag& f, bool critical)
{
    // Overflows and restarts are judged by kind, not by a number: any is a warning; several overflows, an OOM
    // kill or a restart loop are critical.
    if (f.unit == QLatin1String("events"))
        return critical ? QStringLiteral("multiple") : QStringLiteral("any");
    if (f.unit == QLatin1String("restarts"))
        return critical ? QStringLiteral("OOM/loop") : QStringLiteral("any");
    return (f.lowerIsWorse ? QStringLiteral("<") : QStringLiteral(">"))
        + formatThreshold(f, critical ? f.critical : f.warning);
}

QString flagReading(const Flag& f)
{
    return QStringLiteral("%1 %2 (%3)")
        .arg(f.metric, formatFlagValue(f), formatFlagThreshold(f, f.level == Level::Critical));
}

int pluginExitCode(Level overall)
{
    return int(overall);
}

QString pluginLine(const ReportInput& in)
{
    const Assessment& a = in.assessment;
    QStringList problems;
    for (Level level : {Level::Critical, Level::Warning}) {
        for (const Flag& f : a.flags) {
            if (f.level == level)
                problems << flagSummary(f);
        }
    }
    QString summary;
    if (!problems.isEmpty())
        summary = problems.join(QStringLiteral(", "));
    else if (a.overall == Level::Unknown)
        summary = QStringLiteral("no memory data yet");
    else
        summary = QStringLiteral("all %1 red flags ok")
                      .arg(std::count_if(a.flags.begin(), a.flags.end(),
                                         [](const Flag& f) { return f.level == Level::Ok; }));
    QStringList perf;
    for (const Flag& f : a.flags) {
        const QString value = isKnown(f.value) ? QString::number(f.value, 'f', decimalsFor(f)) : QStringLiteral("U");
        perf << QStringLiteral("%1=%2%3;%4;%5")
                    .arg(f.id, value, isKnown(f.value) ? perfUnit(f) : QString(), QString::number(f.warning, 'g', 6),
                         QString::number(f.critical, 'g', 6));
    }
    return QStringLiteral("HEAPWATCH %1 - %2 | %3")
        .arg(levelTitle(a.overall), pluginText(summary), perf.join(QLatin1Char(' ')));
}

QString textReport(const ReportInput& in)
{
    const TargetState& s = in.state;
    const Assessment& a = in.assessment;
    QString out;
    out += pluginLine(in) + QLatin1Char('\n');
    out += QLatin1Char('\n');
    out += QStringLiteral("Target:    %1 (judged at %2)\n").arg(s.name(), isoTime(a.atMs));
    // Where a live target's figures came from (the cgroup loop or docker stats, and why not the loop): a check
    // says it here instead of in notes on stderr that a cron job would mail on every run.
    const QStringList sources = s.connection().sourceLines();
    if (!sources.isEmpty())
        out += QStringLiteral("Sources:   %1\n").arg(oneLine(sources.join(QStringLiteral("; "))));

    if (const auto& info = s.info()) {
        out += QStringLiteral("Container: %1, health %2, restart count %3, started %4%5\n")
                   .arg(info->status.isEmpty() ? QStringLiteral("unknown") : info->status, info->health)
                   .arg(info->restartCount)
                   .arg(info->startedAtMs > 0 ? isoTime(info->startedAtMs) : QStringLiteral("unknown"),
                        info->oomKilled ? QStringLiteral(", OOM killed") : QString());
    }
    if (const auto& st = s.lastStats()) {
        const double limit = s.containerLimitMiB();
        out += QStringLiteral("Stats:     CPU %1, memory %2 / %3 (%4), PIDs %5\n")
                   .arg(isKnown(st->cpuPercent) ? fixed(st->cpuPercent, 2) + QLatin1Char('%') : QStringLiteral("—"),
                        isKnown(st->memUsageBytes) ? fixed(st->memUsageBytes / units::kMiB, 1) + QStringLiteral(" MiB")
                                                   : QStringLiteral("—"),
                        isKnown(limit) ? fixed(limit, 1) + QStringLiteral(" MiB") : QStringLiteral("—"))
                   .arg(isKnown(st->memUsageBytes) && isKnown(limit) && limit > 0
                            ? fixed(100.0 * st->memUsageBytes / units::kMiB / limit, 1) + QLatin1Char('%')
                            : QStringLiteral("—"))
                   .arg(st->pids >= 0 ? QString::number(st->pids) : QStringLiteral("—"));
    }
    if (const auto& m = s.lastMemory()) {
        const double heapPct = m->heapTotalMiB > 0 ? 100.0 * m->heapUsedMiB / m->heapTotalMiB : kUnknown;
        out += QStringLiteral("Process:   RSS %1 MiB, heap %2 / %3 MiB (%4%), external %5 MiB, array buffers %6 MiB, "
                              "heap limit %7\n")
                   .arg(fixed(m->rssMiB, 1), fixed(m->heapUsedMiB, 1), fixed(m->heapTotalMiB, 1), fixed(heapPct, 1),
                        fixed(m->externalMiB, 1), fixed(m->arrayBuffersMiB, 1),
                        isKnown(s.heapLimitMiB()) ? fixed(s.heapLimitMiB(), 0) + QStringLiteral(" MiB")
                                                  : QStringLiteral("unknown"));
    } else {
        out += QStringLiteral("Process:   no Memory: line seen yet\n");
    }
    if (const auto& c = s.lastCache()) {
        out += QStringLiteral("Cache:     %1 keys, %2 hits, %3 misses, hit rate %4%\n")
                   .arg(c->keys)
                   .arg(c->hits)
                   .arg(c->misses)
                   .arg(fixed(c->hitRatePercent, 2));
    }
    out += QStringLiteral("Overflows: %1 audit buffer overflow(s), %2 entries dropped")
               .arg(s.overflowEvents())
               .arg(s.totalDropped());
    if (s.overflowsWithoutCount() > 0)
        out += QStringLiteral(" (%1 of them without a count)").arg(s.overflowsWithoutCount());
    out += QLatin1Char('\n');
    const ParseCounters& lc = s.logCounters();
    out += QStringLiteral("Input:     %1 log lines, %2 recognised, %3 malformed, %4 oversized skipped")
               .arg(lc.lines)
               .arg(lc.recognised)
               .arg(lc.malformed)
               .arg(lc.oversized);
    // Only a flood heapwatch could not keep up with skips lines; the usual report stays as it was.
    if (lc.skipped > 0)
        out += QStringLiteral("; %1 lines skipped (overload)").arg(lc.skipped);
    if (s.gapCount() > 0)
        out += QStringLiteral("; %1 gap(s) in the log history, the latest %2 to %3")
                   .arg(s.gapCount())
                   .arg(isoTime(s.gaps().back().fromMs), isoTime(s.gaps().back().toMs));
    out += QLatin1Char('\n');

    out += QStringLiteral("\nRed flags\n");
    out += pad(QStringLiteral("Metric"), 22) + pad(QStringLiteral("Warning"), 13) + pad(QStringLiteral("Critical"), 13)
        + pad(QStringLiteral("Current"), 14) + QStringLiteral("Status\n");
    for (const Flag& f : a.flags) {
        const QString warning = formatFlagThreshold(f, false);
        const QString critical = formatFlagThreshold(f, true);
        QString status = levelTitle(f.level);
        if (!f.note.isEmpty())
            status += QStringLiteral(" (") + f.note + QLatin1Char(')');
        if (!f.trend.isEmpty())
            status += QStringLiteral(", ") + f.trend;
        out += pad(f.metric, 22) + pad(warning, 13) + pad(critical, 13) + pad(formatFlagValue(f), 14) + status
            + QLatin1Char('\n');
    }

    const auto timeline = timelineOf(a);
    if (!timeline.empty()) {
        const int shown = std::min<int>(10, int(timeline.size()));
        out += QStringLiteral("\nTimeline (last %1 of %2)\n").arg(shown).arg(timeline.size());
        for (auto it = timeline.end() - shown; it != timeline.end(); ++it)
            out += QStringLiteral("  %1  %2\n").arg(isoTime(it->atMs), it->text(QStringLiteral("->")));
    }

    out += QStringLiteral("\nRecommendations\n");
    if (a.recommendations.empty())
        out += QStringLiteral("  none\n");
    for (const Recommendation& r : a.recommendations) {
        out += QStringLiteral("  [%1] %2: %3\n")
                   .arg(r.level == Level::Ok ? QStringLiteral("INFO") : levelTitle(r.level), r.id, r.title);
        out += QStringLiteral("      action:   %1\n").arg(r.action);
        out += QStringLiteral("      evidence: %1\n").arg(r.evidence);
    }

    const auto& problems = s.problems();
    if (!problems.empty()) {
        const int shown = std::min<int>(5, int(problems.size()));
        out += QStringLiteral("\nRecent warnings and errors (last %1 of %2)\n").arg(shown).arg(problems.size());
        for (auto it = problems.end() - shown; it != problems.end(); ++it)
            out += QStringLiteral("  %1\n").arg(it->text.left(300));
    }
    return out;
}

QJsonObject jsonReport(const ReportInput& in)
{
    const TargetState& s = in.state;
    const Assessment& a = in.assessment;
    QJsonObject root;
    root.insert(QStringLiteral("overall"), levelName(a.overall));
    root.insert(QStringLiteral("target"), s.name());
    root.insert(QStringLiteral("generated_at"), isoTime(in.generatedAtMs));
    root.insert(QStringLiteral("judged_at"), timeValue(a.atMs));

    QJsonObject container;
    const auto& info = s.info();
    const auto& st = s.lastStats();
    const double limit = s.containerLimitMiB();
    container.insert(QStringLiteral("status"), info ? str(info->status) : QJsonValue());
    container.insert(QStringLiteral("health"), info ? str(info->health) : QJsonValue());
    container.insert(QStringLiteral("restart_count"),
                     info ? integer(info->restartCount, info->restartCount >= 0) : QJsonValue());
    container.insert(QStringLiteral("oom_killed"), info ? QJsonValue(info->oomKilled) : QJsonValue());
    container.insert(QStringLiteral("exit_code"), info ? integer(info->exitCode, info->exitCode >= 0) : QJsonValue());
    container.insert(QStringLiteral("started_at"), info ? timeValue(info->startedAtMs) : QJsonValue());
    container.insert(QStringLiteral("cpu_percent"), st ? num(st->cpuPercent) : QJsonValue());
    const double usageMiB = st && isKnown(st->memUsageBytes) ? st->memUsageBytes / units::kMiB : kUnknown;
    // Two decimals: docker stats prints four significant figures (6.875MiB), and one decimal is 0.7 % of a
    // small container.
    container.insert(QStringLiteral("mem_usage_mib"), num(usageMiB));
    container.insert(QStringLiteral("mem_limit_mib"), num(limit, 1));
    container.insert(QStringLiteral("mem_percent"),
                     num(isKnown(usageMiB) && isKnown(limit) && limit > 0 ? 100.0 * usageMiB / limit
                                                                          : (st ? st->memPercent : kUnknown)));
    container.insert(QStringLiteral("pids"), st ? integer(st->pids, st->pids >= 0) : QJsonValue());
    container.insert(QStringLiteral("restarts_seen"),
                     s.info() || !s.markers().empty() ? QJsonValue(s.restartsWhileWatched()) : QJsonValue());
    container.insert(QStringLiteral("oom_kills_seen"), s.oomKills());
    root.insert(QStringLiteral("container"), container);

    QJsonObject process;
    const auto& m = s.lastMemory();
    process.insert(QStringLiteral("rss_mib"), m ? num(m->rssMiB, 1) : QJsonValue());
    process.insert(QStringLiteral("heap_used_mib"), m ? num(m->heapUsedMiB, 1) : QJsonValue());
    process.insert(QStringLiteral("heap_total_mib"), m ? num(m->heapTotalMiB, 1) : QJsonValue());
    process.insert(QStringLiteral("heap_usage_percent"),
                   m && m->heapTotalMiB > 0 ? num(100.0 * m->heapUsedMiB / m->heapTotalMiB) : QJsonValue());
    process.insert(QStringLiteral("external_mib"), m ? num(m->externalMiB, 1) : QJsonValue());
    process.insert(QStringLiteral("array_buffers_mib"), m ? num(m->arrayBuffersMiB, 1) : QJsonValue());
    process.insert(QStringLiteral("heap_limit_mib"), num(s.heapLimitMiB(), 1));
    process.insert(QStringLiteral("samples"), double(s.process().size()));
    process.insert(QStringLiteral("last_sample_at"), m ? timeValue(m->atMs) : QJsonValue());
    root.insert(QStringLiteral("process"), process);

    QJsonObject cache;
    const auto& c = s.lastCache();
    cache.insert(QStringLiteral("keys"), c ? integer(c->keys, c->keys >= 0) : QJsonValue());
    cache.insert(QStringLiteral("hits"), c ? integer(c->hits, c->hits >= 0) : QJsonValue());
    cache.insert(QStringLiteral("misses"), c ? integer(c->misses, c->misses >= 0) : QJsonValue());
    cache.insert(QStringLiteral("hit_rate_percent"), c ? num(c->hitRatePercent) : QJsonValue());
    root.insert(QStringLiteral("cache"), cache);

    QJsonObject overflows;
    overflows.insert(QStringLiteral("events"), double(s.overflowEvents()));
    overflows.insert(QStringLiteral("total_dropped"), double(s.totalDropped()));
    overflows.insert(QStringLiteral("without_count"), double(s.overflowsWithoutCount()));
    overflows.insert(QStringLiteral("last_at"), timeValue(s.lastOverflowMs()));
    root.insert(QStringLiteral("audit_overflows"), overflows);

    QJsonObject growth;
    growth.insert(QStringLiteral("rss_mib_per_hour"), num(a.growth.rssMiBPerHour));
    growth.insert(QStringLiteral("heap_used_mib_per_hour"), num(a.growth.heapUsedMiBPerHour));
    growth.insert(QStringLiteral("observed_minutes"), num(a.growth.observedMinutes, 1));
    growth.insert(QStringLiteral("enough_observation"), a.growth.enoughObservation);
    growth.insert(QStringLiteral("projected_limit_at"), timeValue(a.growth.projectedLimitAtMs));
    growth.insert(QStringLiteral("projected_limit"), str(a.growth.projectedLimitName));
    root.insert(QStringLiteral("growth"), growth);

    QJsonArray flags;
    for (const Flag& f : a.flags) {
        QJsonObject o;
        o.insert(QStringLiteral("id"), f.id);
        o.insert(QStringLiteral("metric"), f.metric);
        o.insert(QStringLiteral("unit"), f.unit);
        o.insert(QStringLiteral("value"), num(f.value));
        o.insert(QStringLiteral("warning"), f.warning);
        o.insert(QStringLiteral("critical"), f.critical);
        o.insert(QStringLiteral("level"), levelName(f.level));
        o.insert(QStringLiteral("note"), str(f.note));
        o.insert(QStringLiteral("trend"), str(f.trend));
        o.insert(QStringLiteral("since"), timeValue(f.sinceMs));
        o.insert(QStringLiteral("flapping"), f.flapping);
        flags.append(o);
    }
    root.insert(QStringLiteral("flags"), flags);

    // The timeline, oldest first: flags entering and leaving levels, recommendations raised and resolved.
    QJsonArray transitions;
    for (const TimelineEntry& e : timelineOf(a)) {
        QJsonObject o;
        o.insert(QStringLiteral("at"), timeValue(e.atMs));
        if (e.flag) {
            o.insert(QStringLiteral("kind"), QStringLiteral("flag"));
            o.insert(QStringLiteral("flag"), e.flag->id);
            o.insert(QStringLiteral("from"), levelName(e.from));
            o.insert(QStringLiteral("to"), levelName(e.to));
        } else {
            o.insert(QStringLiteral("kind"), QStringLiteral("recommendation"));
            o.insert(QStringLiteral("recommendation"), e.recommendation->id);
            o.insert(QStringLiteral("change"),
                     e.recommendation->raised ? QStringLiteral("raised") : QStringLiteral("resolved"));
            o.insert(QStringLiteral("level"), levelName(e.recommendation->level));
        }
        transitions.append(o);
    }
    root.insert(QStringLiteral("transitions"), transitions);

    QJsonArray recs;
    for (const Recommendation& r : a.recommendations) {
        QJsonObject o;
        o.insert(QStringLiteral("id"), r.id);
        o.insert(QStringLiteral("level"), r.level == Level::Ok ? QStringLiteral("info") : levelName(r.level));
        o.insert(QStringLiteral("title"), r.title);
        o.insert(QStringLiteral("action"), r.action);
        o.insert(QStringLiteral("evidence"), r.evidence);
        recs.append(o);
    }
    root.insert(QStringLiteral("recommendations"), recs);

    QJsonArray recent;
    const auto& problems = s.problems();
    const int shown = std::min<int>(kRecentProblems, int(problems.size()));
    for (auto it = problems.end() - shown; it != problems.end(); ++it) {
        QJsonObject o;
        o.insert(QStringLiteral("at"), timeValue(it->atMs));
        o.insert(QStringLiteral("level"),
                 it->level == Level::Critical ? QStringLiteral("error") : QStringLiteral("warning"));
        o.insert(QStringLiteral("text"), it->text);
        recent.append(o);
    }
    root.insert(QStringLiteral("recent_problems"), recent);

    const ParseCounters& lc = s.logCounters();
    QJsonObject input;
    input.insert(QStringLiteral("log_lines"), double(lc.lines));
    input.insert(QStringLiteral("recognised"), double(lc.recognised));
    input.insert(QStringLiteral("malformed"), double(lc.malformed));
    input.insert(QStringLiteral("oversized"), double(lc.oversized));
    input.insert(QStringLiteral("skipped_overload"), double(lc.skipped));
    input.insert(QStringLiteral("stats_lines"), double(s.statsCounters().lines));
    input.insert(QStringLiteral("stats_malformed"), double(s.statsCounters().malformed));
    // Stretches of log history an outage left unread: lines in them may be missing from these numbers.
    QJsonObject gaps;
    gaps.insert(QStringLiteral("count"), double(s.gapCount()));
    QJsonArray spans;
    for (const LogGap& g : s.gaps()) {
        QJsonObject span;
        span.insert(QStringLiteral("from"), timeValue(g.fromMs));
        span.insert(QStringLiteral("to"), timeValue(g.toMs));
        spans.append(span);
    }
    gaps.insert(QStringLiteral("spans"), spans);
    input.insert(QStringLiteral("gaps"), gaps);
    root.insert(QStringLiteral("input"), input);
    if (in.withConnection && s.connection().engine != QLatin1String("demo"))
        root.insert(QStringLiteral("connection"), connectionJson(s, in.generatedAtMs));
    return root;
}

} // namespace heapwatch
