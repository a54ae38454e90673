// The Markdown view of StateReport: an incident report with the sections of the memory investigation the
// product grew from (production metrics, cache performance, growth, red flags, recommendations, recent errors).
#include "Format.h"
#include "PlainText.h"
#include "StateReport.h"
#include "Timeline.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTextStream>
#include <algorithm>
#include <cmath>

namespace heapwatch {

namespace {

QString statusCell(const Flag& f)
{
    // The investigation's table marks each row with a symbol before the value.
    QString mark;
    switch (f.level) {
    case Level::Ok:
        mark = QStringLiteral("✅");
        break;
    case Level::Warning:
        mark = QStringLiteral("⚠️");
        break;
    case Level::Critical:
        mark = QStringLiteral("❌");
        break;
    case Level::Unknown:
        mark = QStringLiteral("❔");
        break;
    }
    QString text
        = QStringLiteral("%1 %2 (%3)").arg(mark, formatFlagValue(f), f.note.isEmpty() ? levelName(f.level) : f.note);
    return text;
}

QString memoryLine(const ProcessRing::Row& r)
{
    const double total = double(r.v[HeapTotalColumn]);
    const double pct = total > 0 ? double(r.v[HeapUsedColumn]) / total * 100 : kUnknown;
    return QStringLiteral("- RSS: %1\n- Heap: %2 / %3 (%4)\n- External: %5\n- Array Buffers: %6\n")
        .arg(format::mib(r.v[RssColumn]), format::mib(r.v[HeapUsedColumn]), format::mib(r.v[HeapTotalColumn]),
             format::percent(pct), format::mib(r.v[ExternalColumn]), format::mib(r.v[ArrayBuffersColumn]));
}

} // namespace

QString markdownTableCell(const QString& text)
{
    QString out = text;
    out.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    out.replace(QLatin1Char('|'), QStringLiteral("\\|"));
    out.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return out;
}

QString markdownCodeBlock(const QString& text, const QString& language)
{
    int longest = 0;
    static const QRegularExpression ticks(QStringLiteral("`+"));
    auto it = ticks.globalMatch(text);
    while (it.hasNext())
        longest = std::max(longest, int(it.next().capturedLength()));
    const QString fence(std::max(3, longest + 1), QLatin1Char('`'));
    return fence + language + QLatin1Char('\n') + text
        + (text.endsWith(QLatin1Char('\n')) ? QString() : QStringLiteral("\n")) + fence + QLatin1Char('\n');
}

QString markdownReport(const ReportInput& in, const QString& targetName, qint64 t0, qint64 t1)
{
    const TargetState& st = in.state;
    const Assessment& a = in.assessment;
    const qint64 generatedAtMs = in.generatedAtMs;
    QString md;
    QTextStream out(&md);
    out << "# Memory Incident Report: " << targetName << "\n\n";
    out << "- Generated: " << format::dateTime(generatedAtMs) << "\n";
    out << "- Range: " << format::dateTime(t0) << " – " << format::dateTime(t1) << " (" << format::duration(t1 - t0)
        << ")\n";
    out << "- Overall: **" << levelTitle(a.overall) << "**\n\n";

    out << "## Production Metrics\n\n";
    if (st.info() && !st.info()->image.isEmpty())
        out << "### Deployment: " << oneLine(st.info()->image, 300) << "\n\n";
    const ProcessRing& proc = st.process();
    const qsizetype begin = proc.lowerBound(t0), end = proc.lowerBound(t1 + 1);
    if (begin < end) {
        const auto& first = proc.at(begin);
        const auto& last = proc.at(end - 1);
        out << "**Start of range (" << format::dateTime(first.atMs) << "):**\n" << memoryLine(first) << "\n";
        out << "**End of range (" << format::dateTime(last.atMs) << "):**\n" << memoryLine(last);
        const double delta = double(last.v[RssColumn]) - double(first.v[RssColumn]);
        out << "- RSS change over the range: " << (delta >= 0 ? "+" : "") << format::mib(delta) << "\n\n";
        double peakRss = -1, peakUsage = -1;
        qint64 peakRssAt = -1, peakUsageAt = -1;
        proc.forEachRun(begin, end, [&](const ProcessRing::Row* rows, qsizetype count) {
            for (qsizetype i = 0; i < count; ++i) {
                const ProcessRing::Row& r = rows[i];
                if (double(r.v[RssColumn]) > peakRss) {
                    peakRss = double(r.v[RssColumn]);
                    peakRssAt = r.atMs;
                }
                const double total = double(r.v[HeapTotalColumn]);
                if (total > 0 && double(r.v[HeapUsedColumn]) / total * 100 > peakUsage) {
                    peakUsage = double(r.v[HeapUsedColumn]) / total * 100;
                    peakUsageAt = r.atMs;
                }
            }
        });
        out << "**Peaks in range:** RSS " << format::mib(peakRss) << " at " << format::dateTime(peakRssAt)
            << "; heap usage " << format::percent(peakUsage) << " at " << format::dateTime(peakUsageAt) << "\n\n";
    } else {
        out << "No `Memory:` lines in this range.\n\n";
    }
    if (isKnown(st.heapLimitMiB()))
        out << "Heap limit: " << format::mib(st.heapLimitMiB(), 0) << " (`--max-old-space-size`)\n\n";

    out << "**Container Stats:**\n";
    if (const auto& s = st.lastStats()) {
        const double used = s->memUsageBytes / (1024.0 * 1024.0);
        out << "- Total Memory: " << format::mib(used) << " / " << format::mib(st.containerLimitMiB()) << " ("
            << format::percent(s->memPercent) << ")\n";
        out << "- CPU: " << format::percent(s->cpuPercent, 2) << "\n";
    } else {
        out << "- No container stats\n";
    }
    if (const auto& info = st.info()) {
        out << "- Status: " << (info->status.isEmpty() ? format::dash() : oneLine(info->status, 100));
        if (!info->health.isEmpty() && info->health != QLatin1String("none"))
            out << " (" << oneLine(info->health, 100) << ")";
        out << "\n- Restart count: " << format::count(info->restartCount)
            << "; restarts while watched: " << st.restartsWhileWatched() << "; OOM kills: " << st.oomKills() << "\n";
    }
    out << "\n";

    out << "## Cache Performance\n\n";
    if (const auto& c = st.lastCache()) {
        out << "- Keys: " << format::count(c->keys) << "\n";
        out << "- Hit Rate: " << format::percent(c->hitRatePercent, 2) << " (" << format::count(c->hits) << " hits, "
            << format::count(c->misses) << " misses)\n";
    } else {
        out << "- No cache stats seen\n";
    }
    qint64 overflowsInRange = 0, droppedInRange = 0;
    for (const OverflowEvent& o : st.overflows()) {
        if (o.atMs >= t0 && o.atMs <= t1) {
            ++overflowsInRange;
            droppedInRange += std::max<qint64>(o.dropped, 0); // -1: not given
        }
    }
    if (st.overflowEvents() == 0)
        out << "- No buffer overflows detected\n\n";
    else
        out << "- Buffer overflows: " << overflowsInRange << " in range (" << droppedInRange << " entries dropped); "
            << st.overflowEvents() << " in all, " << st.totalDropped() << " total dropped\n\n";

    out << "## Memory Growth\n\n";
    const GrowthResult& g = a.growth;
    out << "- RSS: "
        << (isKnown(g.rssMiBPerHour) ? QStringLiteral("%1 MiB/hour").arg(g.rssMiBPerHour, 0, 'f', 1) : format::dash())
        << "; heap used: "
        << (isKnown(g.heapUsedMiBPerHour) ? QStringLiteral("%1 MiB/hour").arg(g.heapUsedMiBPerHour, 0, 'f', 1)
                                          : format::dash())
        << "\n";
    out << "- Observed: " << QString::number(g.observedMinutes, 'f', 0) << " min"
        << (g.enoughObservation ? "" : " (needs longer observation)") << "\n";
    if (g.projectedLimitAtMs > 0)
        out << "- Projected to reach the " << g.projectedLimitName << " (" << format::mib(g.projectedLimitMiB, 0)
            << ") at " << format::dateTime(g.projectedLimitAtMs) << "\n";
    out << "\n";

    out << "## Red Flags & Alerts\n\n";
    out << "| Metric | Warning Threshold | Critical Threshold | Current Status | Trend |\n";
    out << "|--------|------------------|-------------------|----------------|-------|\n";
    for (const Flag& f : a.flags) {
        out << "| " << markdownTableCell(f.metric) << " | " << markdownTableCell(formatFlagThreshold(f, false)) << " | "
            << markdownTableCell(formatFlagThreshold(f, true)) << " | " << markdownTableCell(statusCell(f)) << " | "
            << markdownTableCell(f.trend.isEmpty() ? format::dash() : f.trend) << " |\n";
    }
    out << "\n";

    // The timeline within the range, oldest first: flags entering and leaving levels, recommendations raised
    // and resolved.
    bool timelineHeader = false;
    for (const TimelineEntry& e : timelineOf(a)) {
        if (e.atMs < t0 || e.atMs > t1)
            continue;
        if (!timelineHeader)
            out << "### Flag Transitions and Recommendations\n\n";
        timelineHeader = true;
        out << "- " << format::dateTime(e.atMs) << ": " << e.text(QStringLiteral("→")) << "\n";
    }
    if (timelineHeader)
        out << "\n";

    out << "## Recommendations\n\n";
    if (a.recommendations.empty())
        out << "No recommendation fired.\n\n";
    int n = 1;
    for (const Recommendation& r : a.recommendations) {
        out << n++ << ". **" << r.title << "** (" << levelName(r.level) << ", `" << r.id << "`)\n";
        out << "   - Evidence: " << QString(r.evidence).replace(QLatin1Char('\n'), QLatin1Char(' ')) << "\n";
        if (r.action.contains(QLatin1Char('\n')) || r.action.startsWith(QLatin1String("ENV ")))
            out << "   - Action:\n\n" << markdownCodeBlock(r.action) << "\n";
        else
            out << "   - Action: " << r.action << "\n";
    }
    out << "\n";

    const auto& markers = st.markers();
    const bool anyMarker
        = std::any_of(markers.begin(), markers.end(), [&](const Marker& m) { return m.atMs >= t0 && m.atMs <= t1; });
    if (anyMarker) {
        out << "## Restarts and OOM Events\n\n";
        for (const Marker& m : markers) {
            if (m.atMs >= t0 && m.atMs <= t1)
                out << "- " << format::dateTime(m.atMs) << ": " << oneLine(m.text, 300)
                    << (m.exitCode >= 0 ? QStringLiteral(" (exit code %1)").arg(m.exitCode) : QString()) << "\n";
        }
        out << "\n";
    }

    out << "## Recent Errors/Warnings\n\n";
    QStringList lines;
    for (const Problem& p : st.problems()) {
        if (p.atMs < 0 || (p.atMs >= t0 && p.atMs <= t1))
            lines << QStringLiteral("%1 [%2] %3")
                         .arg(format::dateTime(p.atMs), levelName(p.level), oneLine(p.text, 2000));
    }
    if (lines.size() > 20)
        lines = lines.mid(lines.size() - 20);
    if (lines.isEmpty())
        out << "✓ No warnings or errors in this range\n";
    else
        out << markdownCodeBlock(lines.join(QLatin1Char('\n')));
    out.flush();
    return md;
}

} // namespace heapwatch
