#include "MetricsRenderer.h"

#include "Assessment.h"
#include "PrometheusText.h"
#include "StreamHealth.h"
#include "Units.h"

#include <QDateTime>
#include <functional>

namespace heapwatch {
namespace {

using Type = PrometheusText::Type;

// One target as one scrape sees it: the assessment is computed once and shared by every family.
struct Row
{
    const TargetState& state;
    const Assessment& assessment;
    MetricLabels labels;
    std::vector<StreamHealth> streams; // empty for sources that are not judged (replay, demo)
};

double mib(double valueMiB)
{
    return isKnown(valueMiB) ? valueMiB * units::kMiB : kUnknown;
}

double fromMemory(const Row& r, double MemorySample::*field)
{
    return r.state.lastMemory() ? mib(r.state.lastMemory().value().*field) : kUnknown;
}

double fromStats(const Row& r, double StatsSample::*field)
{
    return r.state.lastStats() ? r.state.lastStats().value().*field : kUnknown;
}

double cacheCount(const Row& r, qint64 CacheSample::*field)
{
    const auto& cache = r.state.lastCache();
    return cache && cache.value().*field >= 0 ? double(cache.value().*field) : kUnknown;
}

double perHourToPerSecond(double mibPerHour)
{
    return isKnown(mibPerHour) ? mib(mibPerHour) / 3600.0 : kUnknown;
}

bool isUp(const ConnectionStatus& c)
{
    // A replay that has been read completely is as good as a connected source: its data is all there.
    return c.state == ConnectionStatus::State::Connected || c.state == ConnectionStatus::State::Finished;
}

// A family with exactly one sample per target.
struct Family
{
    const char* name;
    Type type;
    const char* help;
    std::function<double(const Row&)> value;
};

const std::vector<Family>& targetFamilies()
{
    static const std::vector<Family> families {
        // Connection.
        {"heapwatch_target_up", Type::Gauge,
         "1 while heapwatch is connected to the target and every stream of it (stats, logs, events) flows at "
         "its expected pace (a replay read to its end counts as up, unless it held nothing to judge); 0 "
         "otherwise, also while the container is stopped or absent. heapwatch_stream_up says which stream is "
         "missing.",
         [](const Row& r) { return isUp(r.state.connection()) && allStreamsUp(r.streams) ? 1.0 : 0.0; }},
        {"heapwatch_target_reconnects_total", Type::Counter,
         "Reconnections to the target since heapwatch started watching it.",
         [](const Row& r) { return double(r.state.connection().reconnects); }},
        {"heapwatch_target_received_bytes_total", Type::Counter,
         "Bytes of docker stats, logs and inspect output received from the target.",
         [](const Row& r) { return double(r.state.bytesReceived()); }},
        {"heapwatch_target_level", Type::Gauge,
         "Overall verdict on the target: the worst red-flag level (0 ok, 1 warning, 2 critical, 3 unknown).",
         [](const Row& r) { return double(int(r.assessment.overall)); }},

        // Container (docker/podman stats and inspect).
        {"heapwatch_container_running", Type::Gauge, "1 when docker inspect reports the container running.",
         [](const Row& r) { return r.state.info() ? (r.state.info()->running ? 1.0 : 0.0) : kUnknown; }},
        {"heapwatch_container_cpu_ratio", Type::Gauge,
         "Container CPU usage from docker stats as a ratio of one CPU core (0.5 = half a core; can exceed 1 on "
         "several cores). docker stats' CPU % divided by 100.",
         [](const Row& r) { return fromStats(r, &StatsSample::cpuPercent) / 100.0; }},
        {"heapwatch_container_memory_usage_bytes", Type::Gauge, "Container memory usage from docker stats.",
         [](const Row& r) { return fromStats(r, &StatsSample::memUsageBytes); }},
        {"heapwatch_container_memory_limit_bytes", Type::Gauge,
         "Container memory limit (docker stats, else the inspect HostConfig.Memory); absent when unlimited.",
         [](const Row& r) { return mib(r.state.containerLimitMiB()); }},
        {"heapwatch_container_restarts_total", Type::Counter,
         "Container restarts heapwatch has seen while watching (including its backfill of the logs).",
         [](const Row& r) { return double(r.state.restartsWhileWatched()); }},
        {"heapwatch_container_oom_kills_total", Type::Counter,
         "Container OOM kills heapwatch has seen (OOMKilled, exit code 137 or 134, heap out of memory).",
         [](const Row& r) { return double(r.state.oomKills()); }},
        {"heapwatch_container_restart_loop", Type::Gauge,
         "1 while the container is in a restart loop (restart_loop.restarts restarts within "
         "restart_loop.window_minutes, or inspect reports it restarting again), 0 otherwise.",
         [](const Row& r) { return r.assessment.recommendation(QStringLiteral("restart-loop")) ? 1.0 : 0.0; }},

        // The Node.js process, from its `Memory:` log line (it logs every few minutes: these are step values).
        {"heapwatch_nodejs_resident_memory_bytes", Type::Gauge,
         "RSS of the Node.js process from its latest Memory: log line.",
         [](const Row& r) { return fromMemory(r, &MemorySample::rssMiB); }},
        {"heapwatch_nodejs_heap_used_bytes", Type::Gauge, "V8 heap used from the latest Memory: log line.",
         [](const Row& r) { return fromMemory(r, &MemorySample::heapUsedMiB); }},
        {"heapwatch_nodejs_heap_total_bytes", Type::Gauge, "V8 heap total from the latest Memory: log line.",
         [](const Row& r) { return fromMemory(r, &MemorySample::heapTotalMiB); }},
        {"heapwatch_nodejs_external_memory_bytes", Type::Gauge,
         "Memory of C++ objects bound to JavaScript (External=) from the latest Memory: log line.",
         [](const Row& r) { return fromMemory(r, &MemorySample::externalMiB); }},
        {"heapwatch_nodejs_array_buffers_bytes", Type::Gauge,
         "Memory of ArrayBuffers and SharedArrayBuffers from the latest Memory: log line.",
         [](const Row& r) { return fromMemory(r, &MemorySample::arrayBuffersMiB); }},
        {"heapwatch_nodejs_heap_limit_bytes", Type::Gauge,
         "V8 old-space limit from --max-old-space-size in the container's NODE_OPTIONS; absent when not set.",
         [](const Row& r) { return mib(r.state.heapLimitMiB()); }},
        {"heapwatch_nodejs_memory_sample_timestamp_seconds", Type::Gauge,
         "Unix time of the latest Memory: log line (the memory values above are as old as this).",
         [](const Row& r) { return r.state.lastMemory() ? double(r.state.lastMemory()->atMs) / 1000.0 : kUnknown; }},
        {"heapwatch_nodejs_resident_memory_growth_bytes_per_second", Type::Gauge,
         "RSS growth: least-squares slope over the growth window after the warm-up; absent until observed long "
         "enough.",
         [](const Row& r) {
             return r.assessment.growth.enoughObservation ? perHourToPerSecond(r.assessment.growth.rssMiBPerHour)
                                                          : kUnknown;
         }},
        {"heapwatch_nodejs_heap_used_growth_bytes_per_second", Type::Gauge,
         "Heap-used growth: least-squares slope over the growth window after the warm-up; absent until observed "
         "long enough.",
         [](const Row& r) {
             return r.assessment.growth.enoughObservation ? perHourToPerSecond(r.assessment.growth.heapUsedMiBPerHour)
                                                          : kUnknown;
         }},
        {"heapwatch_nodejs_growth_observed_seconds", Type::Gauge,
         "How long the growth estimate has observed since the last container start and warm-up.",
         [](const Row& r) { return r.assessment.growth.observedMinutes * 60.0; }},

        // The application's cache, from its `Cache stats` log line.
        {"heapwatch_cache_keys", Type::Gauge, "Keys in the application's cache (latest Cache stats line).",
         [](const Row& r) { return cacheCount(r, &CacheSample::keys); }},
        {"heapwatch_cache_hits_total", Type::Counter,
         "Cache hits as the application reports them. The application counts from its own start, so this "
         "resets when its process restarts; use rate()/increase(), which handle resets.",
         [](const Row& r) { return cacheCount(r, &CacheSample::hits); }},
        {"heapwatch_cache_misses_total", Type::Counter,
         "Cache misses as the application reports them; resets when its process restarts (see hits).",
         [](const Row& r) { return cacheCount(r, &CacheSample::misses); }},
        {"heapwatch_cache_hit_ratio", Type::Gauge,
         "Cache hit rate (0-1) as the application reports it, cumulative since its process started.",
         [](const Row& r) {
             return r.state.lastCache() && isKnown(r.state.lastCache()->hitRatePercent)
                 ? r.state.lastCache()->hitRatePercent / 100.0
                 : kUnknown;
         }},

        // The audit log buffer.
        {"heapwatch_audit_overflow_events_total", Type::Counter,
         "Audit log buffer overflow lines heapwatch has seen while watching.",
         [](const Row& r) { return double(r.state.overflowEvents()); }},
        {"heapwatch_audit_dropped_entries_total", Type::Counter,
         "Audit log entries the application dropped, summed across its restarts.",
         [](const Row& r) { return double(r.state.totalDropped()); }},

        // Input accounting: nothing is dropped without being counted.
        {"heapwatch_log_lines_total", Type::Counter, "Log lines heapwatch has read from the target.",
         [](const Row& r) { return double(r.state.logCounters().lines); }},
        {"heapwatch_log_lines_malformed_total", Type::Counter,
         "Log lines that looked like a known kind but did not parse (skipped).",
         [](const Row& r) { return double(r.state.logCounters().malformed); }},
    };
    return families;
}

MetricLabels with(MetricLabels labels, const char* name, const QString& value)
{
    labels.emplace_back(QString::fromLatin1(name), value);
    return labels;
}

void renderTargets(const std::vector<ServedTarget>& targets, PrometheusText& out)
{
    std::vector<Row> rows;
    rows.reserve(targets.size());
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const ServedTarget& t : targets)
        rows.push_back(Row {t.target->state(),
                            t.target->assessment(),
                            {{QStringLiteral("host"), t.host}, {QStringLiteral("container"), t.container}},
                            streamHealth(t.target->state(), now)});

    out.family("heapwatch_target_info", Type::Gauge,
               "Always 1; labels name the watched target and the engine that runs it.");
    for (const Row& r : rows) {
        const ConnectionStatus& c = r.state.connection();
        out.sample(with(with(r.labels, "target", r.state.name()), "engine", c.engine), 1.0);
    }

    for (const Family& f : targetFamilies()) {
        out.family(f.name, f.type, f.help);
        for (const Row& r : rows)
            out.sample(r.labels, f.value(r));
    }

    out.family("heapwatch_flag_level", Type::Gauge,
               "Level of each red flag (0 ok, 1 warning, 2 critical, 3 unknown), judged with the target's "
               "thresholds: rss, heap_usage, memory_growth, cache_hit_rate, buffer_overflows, container_memory, "
               "heap_limit_fit, restarts; gc_pause with --trace-gc lines.");
    for (const Row& r : rows) {
        for (const Flag& flag : r.assessment.flags)
            out.sample(with(r.labels, "flag", flag.id), double(int(flag.level)));
    }

    out.family("heapwatch_flag_flapping", Type::Gauge,
               "1 while a red flag flaps (more level changes than flapping.changes within flapping.window_minutes; "
               "it then holds the worst level of its range), 0 otherwise.");
    for (const Row& r : rows) {
        for (const Flag& flag : r.assessment.flags)
            out.sample(with(r.labels, "flag", flag.id), flag.flapping ? 1.0 : 0.0);
    }
    out.family("heapwatch_stream_up", Type::Gauge,
               "1 while the target's stream (stats, logs, events) flows at its expected pace: stats about every "
               "second, the app's Memory: line at the interval its history shows; 0 when it is stale or down, "
               "or while the container is stopped or absent. Absent for replays.");
    for (const Row& r : rows) {
        for (const StreamHealth& h : r.streams)
            out.sample(with(r.labels, "stream", toString(h.stream)), h.up() ? 1.0 : 0.0);
    }
    out.family("heapwatch_stream_last_data_age_seconds", Type::Gauge,
               "Seconds since the stream last delivered data (stats sample, Memory: line, container event); "
               "absent until it delivered any.");
    for (const Row& r : rows) {
        for (const StreamHealth& h : r.streams) {
            if (h.lastDataMs >= 0)
                out.sample(with(r.labels, "stream", toString(h.stream)), double(now - h.lastDataMs) / 1000.0);
        }
    }

    out.family("heapwatch_app_problem_lines_total", Type::Counter,
               "Application log lines by kind: warning, error, dev_mode (Next.js development mode), heap_oom.");
    for (const Row& r : rows) {
        out.sample(with(r.labels, "kind", QStringLiteral("warning")), double(r.state.warningLines()));
        out.sample(with(r.labels, "kind", QStringLiteral("error")), double(r.state.errorLines()));
        out.sample(with(r.labels, "kind", QStringLiteral("dev_mode")), double(r.state.devModeLines()));
        out.sample(with(r.labels, "kind", QStringLiteral("heap_oom")), double(r.state.heapOomLines()));
    }
}

void renderSelf(const std::vector<ServedTarget>& targets, const ProcessMetrics& self, PrometheusText& out)
{
    out.family("heapwatch_build_info", Type::Gauge, "Always 1; the version label is heapwatch's.");
    out.sample({{QStringLiteral("version"), QStringLiteral(HEAPWATCH_VERSION)}}, 1.0);
    out.family("heapwatch_targets", Type::Gauge, "Number of targets this heapwatch watches.");
    out.sample(double(targets.size()));

    // The names every Prometheus client library uses for its own process.
    out.family("process_resident_memory_bytes", Type::Gauge, "Resident memory size of heapwatch in bytes.");
    out.sample(self.residentBytes);
    out.family("process_virtual_memory_bytes", Type::Gauge, "Virtual memory size of heapwatch in bytes.");
    out.sample(self.virtualBytes);
    out.family("process_cpu_seconds_total", Type::Counter, "User and system CPU time heapwatch spent in seconds.");
    out.sample(self.cpuSeconds);
    out.family("process_start_time_seconds", Type::Gauge, "Start time of heapwatch since the Unix epoch in seconds.");
    out.sample(self.startTimeSeconds);
    out.family("process_open_fds", Type::Gauge, "Number of open file descriptors of heapwatch.");
    out.sample(self.openFds);
    out.family("process_max_fds", Type::Gauge, "Maximum number of open file descriptors of heapwatch.");
    out.sample(self.maxFds);
}

} // namespace

QByteArray MetricsRenderer::render(const std::vector<ServedTarget>& targets, const ProcessMetrics& self)
{
    PrometheusText out;
    renderTargets(targets, out);
    renderSelf(targets, self, out);
    return out.text();
}

} // namespace heapwatch
