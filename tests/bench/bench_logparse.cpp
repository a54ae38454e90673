// Times LogParser on a generated `docker logs -t` file against `grep -E -c` for the same patterns, and the
// live path a follower takes (ContainerStreams: split, engine timestamp, resume dedupe, parse, batches into a
// TargetState) on the same bytes.
//
//   bench_logparse [--lines N] [--repeat R] [--runs K] [--heapwatch PATH] [--keep] [--busy-processors N]
//
// Prints e.g. "parse: 1000000 lines in 0.412 s (2.43 Mlines/s); grep -E: 0.301 s; ratio 1.37x (target <= 2x)", and
// the whole `heapwatch check --replay FILE` process against the whole `grep -cE` process on the same file (K runs of
// each, alternating, medians and their ratio: the backfill figure of the README), with the processor time each took
// (the replay's threads together), and optionally with processors kept busy as on a shared machine.
// Exits 0 whatever the ratio (it reports), 1 when the parser recognised a wrong number of records, or the live
// path lost a line, delivered one twice or hashed a line more than once.
#include "Assessment.h"
#include "ContainerStreams.h"
#include "EngineLogFile.h"
#include "LogParser.h"
#include "TargetState.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDate>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <random>
#include <sys/resource.h>
#include <thread>

using namespace heapwatch;

namespace {

// The patterns LogParser recognises, as grep sees them (case-sensitive: grep gets the easier job).
const char* const kGrepPattern = "Memory: RSS=|Cache stats - |Audit log buffer overflow|\\[(warn|warning|error)\\]"
                                 "|Compiling|Compiled|Fast Refresh|webpack|turbopack|\\[HMR\\]"
                                 "|JavaScript heap out of memory";

struct Expected
{
    quint64 lines = 0;
    quint64 memory = 0;
    quint64 cache = 0;
    quint64 overflow = 0;
    quint64 warning = 0;
    quint64 error = 0;
    quint64 recognised() const { return memory + cache + overflow + warning + error; }
};

// A realistic log, four lines a second: the app's Memory line, a Cache line every 20, now and then an info line, a
// warning, an error and a colourised overflow warning, all behind RFC3339Nano docker timestamps (or, without
// engineTimestamps, behind the logger's own alone, as `docker logs` without -t saves them). With memoryEvery N > 1,
// only every Nth of the Memory lines is one and the others are request lines, as a busy app's log is between the
// Memory lines it writes every few minutes. With captureShape, the lines come in the proportions of the captured
// app's `docker logs -t` (the fixtures, stdout and stderr together): of every 14, 10 Memory lines, 2 Cache lines, a
// colourised overflow warning and an error. With jumping, the Memory line's five figures are drawn at random (from a
// fixed seed) over ranges where their counts of digits change from line to line, as an app's whose memory jumps
// about: RSS 90-400 MB, heap used 8-300 MB, its total 1-50 MB above, external 0.5-30 MB, array buffers 0.1-20 MB.
// With seedSpelling, the Memory lines are spelt as the seed's template of them ("Heap=212.7/218.0MB": no unit after
// the used heap). With noTimestamps, no line has any timestamp, and the Memory and cache stats lines have no level
// either ("Memory: RSS=…" alone, as the seed's sample output).
Expected generate(const QString& path, quint64 lines, bool engineTimestamps, quint64 memoryEvery, bool captureShape,
                  bool jumping, bool seedSpelling, bool noTimestamps)
{
    std::mt19937_64 rng(20261205);
    const auto uniform = [&rng](double from, double to) {
        return from + (to - from) * double(rng() >> 11) / double(quint64(1) << 53);
    };
    // The figures of the next Memory line: the generator's own, or the jumping ones.
    const auto figures = [&](double rss, double used, double total, double external, double buffers) {
        if (jumping) {
            rss = uniform(90, 400);
            used = uniform(8, 300);
            total = used + uniform(1, 50);
            external = uniform(0.5, 30);
            buffers = uniform(0.1, 20);
        }
        return std::array<double, 5> {rss, used, total, external, buffers};
    };
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    Expected e;
    e.lines = lines;
    QByteArray buffer;
    buffer.reserve(1 << 20);
    const qint64 start = 1795782000; // 2026-11-27T09:00:00Z
    char line[512];
    quint64 memorySlots = 0;
    qint64 dayNumber = -1;
    char date[16] = {};
    for (quint64 i = 0; i < lines; ++i) {
        // Four lines a second: a million lines take 69 hours.
        const qint64 t = start + qint64(i / 4);
        const int hh = int((t / 3600) % 24), mm = int((t / 60) % 60), ss = int(t % 60);
        if (t / 86400 != dayNumber) {
            dayNumber = t / 86400;
            const QDate d = QDate(1970, 1, 1).addDays(dayNumber);
            std::snprintf(date, sizeof date, "%04d-%02d-%02d", d.year(), d.month(), d.day());
        }
        const unsigned nanos = unsigned((i % 4) * 250000000u + (i * 7919u + 12345u) % 1000000u);
        char stamp[96];
        if (engineTimestamps)
            std::snprintf(stamp, sizeof stamp, "%sT%02d:%02d:%02d.%09uZ %sT%02d:%02d:%02d.%03uZ", date, hh, mm, ss,
                          nanos, date, hh, mm, ss, nanos / 1000000u);
        else
            std::snprintf(stamp, sizeof stamp, "%sT%02d:%02d:%02d.%03uZ", date, hh, mm, ss, nanos / 1000000u);
        int n;
        const quint64 k = i % 14;
        if (captureShape && k == 5) {
            n = std::snprintf(line, sizeof line,
                              "%s [error]: Failed to flush audit logs: SQLITE_BUSY: database is locked\n", stamp);
            ++e.error;
        } else if (captureShape && k == 12) {
            n = std::snprintf(line, sizeof line,
                              "%s \x1b[33m[warn]\x1b[39m: Audit log buffer overflow - dropped 400 entries (%llu total "
                              "dropped)\n",
                              stamp, static_cast<unsigned long long>(400 * (i / 14 + 1)));
            ++e.overflow;
        } else if (captureShape && (k == 1 || k == 8)) {
            n = std::snprintf(line, sizeof line,
                              "%s [info]: Cache stats - Keys: 2, Hits: %u, Misses: %u, Hit rate: %u.%02u%%\n", stamp,
                              unsigned(1346 + i), unsigned(482 + i / 3), unsigned(70 + i % 20), unsigned(i % 100));
            ++e.cache;
        } else if (captureShape) {
            const std::array<double, 5> f = figures(330.1 + double(i % 5000) / 10.0, 212.7, 218.0, 17.6, 13.6);
            n = std::snprintf(line, sizeof line,
                              "%s [info]: Memory: RSS=%.1fMB, Heap=%.1fMB/%.1fMB, External=%.1fMB, "
                              "ArrayBuffers=%.1fMB\n",
                              stamp, f[0], f[1], f[2], f[3], f[4]);
            ++e.memory;
        } else if (i % 1000 == 500) {
            n = std::snprintf(line, sizeof line, "%s [warn]: Slow query took %u ms\n", stamp, unsigned(1000 + i % 97));
            ++e.warning;
        } else if (i % 1000 == 501) {
            n = std::snprintf(line, sizeof line,
                              "%s [error]: Failed to flush audit logs: SQLITE_BUSY: database is locked\n", stamp);
            ++e.error;
        } else if (i % 1000 == 502) {
            n = std::snprintf(line, sizeof line,
                              "%s \x1b[33m[warn]\x1b[39m: Audit log buffer overflow - dropped %u entries (%u total "
                              "dropped)\n",
                              stamp, unsigned(i % 50 + 1), unsigned(i / 10));
            ++e.overflow;
        } else if (i % 100 == 50) {
            n = std::snprintf(line, sizeof line, "%s [info]: GET /api/sessions/%u 200 %u ms\n", stamp,
                              unsigned(i % 9973), unsigned(i % 40 + 2));
        } else if (i % 20 == 19) {
            n = std::snprintf(
                line, sizeof line, "%s [info]: Cache stats - Keys: %u, Hits: %u, Misses: %u, Hit rate: %u.%02u%%\n",
                stamp, unsigned(i % 5000), unsigned(i), unsigned(i / 3), unsigned(60 + i % 40), unsigned(i % 100));
            ++e.cache;
        } else if (memorySlots++ % memoryEvery != 0) {
            n = std::snprintf(line, sizeof line, "%s [info]: POST /api/v1/orgs/%u/sites/%u/resources 201 %u ms\n",
                              stamp, unsigned(i % 97), unsigned(i % 9973), unsigned(i % 300 + 3));
        } else {
            const double heap = 140.7 + double(i % 700) / 10.0;
            const std::array<double, 5> f = figures(244.2 + double(i % 1400) / 10.0, heap, heap + 5.3,
                                                    13.1 + double(i % 45) / 10.0, 9.4 + double(i % 42) / 10.0);
            n = std::snprintf(line, sizeof line,
                              "%s [info]: Memory: RSS=%.1fMB, Heap=%.1fMB/%.1fMB, External=%.1fMB, "
                              "ArrayBuffers=%.1fMB\n",
                              stamp, f[0], f[1], f[2], f[3], f[4]);
            ++e.memory;
        }
        QByteArrayView text(line, n);
        if (seedSpelling && text.contains(QByteArrayView("[info]: Memory: "))) {
            const qsizetype at = text.indexOf(QByteArrayView("MB/"));
            std::memmove(line + at, line + at + 2, size_t(n - at - 2)); // "212.7MB/218.0MB" to "212.7/218.0MB"
            text = QByteArrayView(line, n - 2);
        }
        if (noTimestamps) {
            text = text.sliced(qsizetype(std::strlen(stamp)) + 1);
            if (text.startsWith(QByteArrayView("[info]: Memory: "))
                || text.startsWith(QByteArrayView("[info]: Cache ")))
                text = text.sliced(8);
        }
        buffer.append(text.data(), text.size());
        if (buffer.size() > (1 << 20) - 512) {
            file.write(buffer);
            buffer.resize(0);
        }
    }
    file.write(buffer);
    return e;
}

void applyBatch(TargetState& state, std::vector<LogRecord>& records)
{
    IngestBatch batch;
    batch.logs.swap(records);
    state.apply(batch);
    records.swap(batch.logs);
}

struct ParseRun
{
    Level overall = Level::Unknown;
    qsizetype samples = 0;
    double seconds = 0;
    ParseCounters counters;
    quint64 kinds[8] = {};
    double checksum = 0;
};

// Parses the file; with evaluate, also applies every batch to a TargetState as a source does and judges
// it at the end, as `check --replay` does.
ParseRun parseFile(const QString& path, bool evaluate)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    ParseRun run;
    LogParser parser;
    TargetState state(QStringLiteral("bench"));
    std::vector<LogRecord> batch;
    batch.reserve(1024);
    QByteArray chunk(64 * 1024, Qt::Uninitialized);
    QElapsedTimer timer;
    timer.start();
    for (;;) {
        const qint64 n = file.read(chunk.data(), chunk.size());
        if (n <= 0)
            break;
        parser.feed(QByteArrayView(chunk.constData(), n), LogStream::Stdout, batch);
        for (const LogRecord& r : batch) {
            ++run.kinds[int(r.kind)];
            run.checksum += r.memory.rssMiB == r.memory.rssMiB ? r.memory.rssMiB : 0;
        }
        if (evaluate)
            applyBatch(state, batch);
        batch.clear();
    }
    parser.finish(batch);
    for (const LogRecord& r : batch)
        ++run.kinds[int(r.kind)];
    if (evaluate) {
        applyBatch(state, batch);
        const Assessment a = assess(state, Thresholds::defaults(), state.lastDataMs());
        run.checksum += double(a.flags.size()) + double(a.overall == Level::Unknown);
        run.overall = a.overall;
        run.samples = state.process().size();
    }
    run.seconds = double(timer.nsecsElapsed()) / 1e9;
    run.counters = parser.counters();
    return run;
}

// One thread parsing the file, already in memory, as a replay's parsing threads do: Memory lines to the process
// ring's rows (LogParser::setMemoryRows), the rest to records. Seconds.
double parseToRows(const QByteArray& log, quint64& rowsOut)
{
    LogParser parser(LogParser::Timestamps::Detect, LogParser::Hashing::Gated);
    MemoryRows rows;
    rows.rows.reserve(8192);
    parser.setMemoryRows(&rows);
    std::vector<LogRecord> records;
    constexpr qsizetype kRead = 256 * 1024;
    quint64 total = 0;
    QElapsedTimer timer;
    timer.start();
    for (qsizetype at = 0; at < log.size(); at += kRead) {
        parser.feed(QByteArrayView(log.constData() + at, std::min(kRead, log.size() - at)), LogStream::Stdout, records);
        total += rows.rows.size() + rows.cacheRows.size();
        rows.clear();
        records.clear();
    }
    parser.finish(records);
    total += rows.rows.size() + rows.cacheRows.size();
    rowsOut = total;
    return double(timer.nsecsElapsed()) / 1e9;
}

// Starts nothing: the bench hands ContainerStreams the bytes a `docker logs -f --timestamps` channel would.
class NoCommands : public CommandRunner
{
public:
    bool startCommand(int, const RemoteCommand&, QString*) override { return true; }
    void stopCommand(int) override { }
};

struct LiveRun
{
    double seconds = 0;
    quint64 linesRead = 0; // lines on the wire: the log once, then the replayed tail
    quint64 replayed = 0; // lines the resumed follower read again
    quint64 duplicatesDropped = 0;
    quint64 hashes = 0; // line hashes the live path computed
    ParseCounters counters; // as the state model received them
    quint64 records = 0;
};

// The live path: the whole log as the follower's output, in reads of kLiveReadBytes, then a reconnect whose
// resumed follower re-reads the last kReplayLines lines (docker repeats what follows --since): every one of
// them must be dropped as a replay. Each batch is applied to a TargetState, as TargetLink hands it to Target.
constexpr qsizetype kLiveReadBytes = 32 * 1024;
constexpr quint64 kReplayLines = 10000;

LiveRun followFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    const QByteArray log = file.readAll();
    qsizetype replayFrom = log.size() - 1; // the last newline
    for (quint64 n = 0; n < kReplayLines && replayFrom > 0; ++n)
        replayFrom = log.lastIndexOf('\n', replayFrom - 1);
    ++replayFrom; // the first byte of the kReplayLines-th line from the end

    LiveRun run;
    TargetState state(QStringLiteral("bench"));
    ContainerStreams::Callbacks callbacks;
    callbacks.batch = [&](IngestBatch&& batch) {
        run.records += batch.logs.size();
        state.apply(batch);
    };
    StreamsConfig config;
    config.container = QStringLiteral("bench");
    config.hostLabel = QStringLiteral("this machine");
    ContainerStreams streams(config, std::move(callbacks));
    NoCommands runner;
    const auto connect = [&] {
        streams.attach(&runner, QStringLiteral("docker"));
        streams.onOutput(ContainerStreams::Inspect, LogStream::Stdout,
                         "{\"Id\":\"abc\",\"Name\":\"/bench\",\"State\":{\"Status\":\"running\",\"Running\":"
                         "true,\"StartedAt\":\"2026-11-27T09:00:00Z\"},\"RestartCount\":0,\"HostConfig\":"
                         "{\"Memory\":0}}\n");
        streams.onFinished(ContainerStreams::Inspect, 0);
    };
    const auto follow = [&](qsizetype from) {
        for (qsizetype at = from; at < log.size(); at += kLiveReadBytes)
            streams.onOutput(ContainerStreams::LogsFollow, LogStream::Stdout,
                             QByteArrayView(log).sliced(at, std::min(kLiveReadBytes, log.size() - at)));
    };
    connect();
    streams.onFinished(ContainerStreams::LogsBackfill, 0); // no history: everything comes from the follower
    QElapsedTimer timer;
    timer.start();
    follow(0);
    streams.detach(); // the connection drops; what is pending is delivered
    connect(); // the follower resumes from the last line it delivered
    follow(replayFrom);
    streams.detach();
    run.seconds = double(timer.nsecsElapsed()) / 1e9;
    run.replayed = quint64(std::count(log.begin() + replayFrom, log.end(), '\n')); // not timed
    run.linesRead = quint64(std::count(log.begin(), log.end(), '\n')) + run.replayed;
    run.duplicatesDropped = streams.duplicatesDropped();
    run.hashes = streams.linesHashed();
    run.counters = state.logCounters();
    return run;
}

// Seconds grep took, and the count it printed (-1 when it could not run).
std::pair<double, qint64> grepFile(const QString& path)
{
    QProcess grep;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C")); // grep's fastest mode
    grep.setProcessEnvironment(env);
    QElapsedTimer timer;
    timer.start();
    grep.start(QStringLiteral("grep"),
               {QStringLiteral("-E"), QStringLiteral("-c"), QString::fromLatin1(kGrepPattern), path});
    if (!grep.waitForFinished(-1) || grep.exitStatus() != QProcess::NormalExit)
        return {0, -1};
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    bool ok = false;
    const qint64 count = grep.readAllStandardOutput().trimmed().toLongLong(&ok);
    return {seconds, ok ? count : -1};
}

// The backfill figure: `grep -cE` with the five kinds a replay judges by, as a person would type it.
const char* const kReplayGrepPattern = "Memory:|Cache stats|buffer overflow|\\[warn\\]|\\[error\\]";

double medianOf(std::vector<double> s)
{
    std::sort(s.begin(), s.end());
    return s.empty() ? 0 : s.size() % 2 ? s[s.size() / 2] : (s[s.size() / 2 - 1] + s[s.size() / 2]) / 2;
}

struct ProcessTimes
{
    std::vector<double> seconds;
    std::vector<double> cpuSeconds; // user + system, of all the process's threads
    QByteArray firstOutput;
    bool ok = true;
    double median() const { return medianOf(seconds); }
    double cpuMedian() const { return medianOf(cpuSeconds); }
    double min() const { return seconds.empty() ? 0 : *std::min_element(seconds.begin(), seconds.end()); }
    double max() const { return seconds.empty() ? 0 : *std::max_element(seconds.begin(), seconds.end()); }
};

// The processor time of the children waited for so far (user + system).
double childrenCpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_CHILDREN, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Runs program to its end with its output read through a pipe (grep notices /dev/null and stops at the first match),
// in the caller's environment; adds the wall time from start to exit and the processor time it took (counted for
// this process's children when QProcess has waited for it).
void timeProcess(const QString& program, const QStringList& arguments, ProcessTimes& times)
{
    QProcess process;
    const double cpuBefore = childrenCpuSeconds();
    QElapsedTimer timer;
    timer.start();
    process.start(program, arguments);
    if (!process.waitForFinished(-1) || process.exitStatus() != QProcess::NormalExit) {
        times.ok = false;
        return;
    }
    times.seconds.push_back(double(timer.nsecsElapsed()) / 1e9);
    times.cpuSeconds.push_back(childrenCpuSeconds() - cpuBefore);
    const QByteArray output = process.readAllStandardOutput();
    if (times.firstOutput.isEmpty())
        times.firstOutput = output.left(200).trimmed();
}

// What a week of one-second history costs in the rings: docker's stats stream (CPU with two decimals, memory
// with one, jittered ticks) and the app's Memory: line (one decimal) every second, a slow leak included.
struct HistoryFootprint
{
    double statsBytesPerRow = 0;
    double processBytesPerRow = 0;
    double weekMiB = 0;
};

HistoryFootprint measureHistory()
{
    const int rows = 7 * 24 * 3600;
    StatsRing stats(rows);
    ProcessRing process(rows);
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> jitter(-15, 15), tenths(-4, 4);
    qint64 t = 1764000000000;
    for (int i = 0; i < rows; ++i) {
        t += 1000 + jitter(rng);
        stats.push(t,
                   {float(std::round((2.8 + tenths(rng) / 10.0) * 100) / 100),
                    float(std::round((364.8 + i / 86400.0 + tenths(rng) / 10.0) * 10) / 10)});
        const double heapUsed = std::round((212.7 + tenths(rng) / 10.0) * 10) / 10;
        process.push(t,
                     {float(std::round((336.6 + i / 36000.0 + tenths(rng) / 10.0) * 10) / 10), float(heapUsed), 218.0f,
                      17.6f, 13.6f, float(heapUsed / 218.0 * 100)});
    }
    HistoryFootprint f;
    f.statsBytesPerRow = double(stats.allocatedBytes()) / double(stats.size());
    f.processBytesPerRow = double(process.allocatedBytes()) / double(process.size());
    f.weekMiB = double(stats.allocatedBytes() + process.allocatedBytes()) / (1024.0 * 1024.0);
    return f;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.setApplicationDescription(QStringLiteral("LogParser throughput against grep -E"));
    cli.addHelpOption();
    const QCommandLineOption linesOption(QStringLiteral("lines"), QStringLiteral("Lines to generate (without --log)."),
                                         QStringLiteral("N"), QStringLiteral("1000000"));
    const QCommandLineOption repeatOption(QStringLiteral("repeat"), QStringLiteral("Runs of each; the best counts."),
                                          QStringLiteral("R"), QStringLiteral("3"));
    const QCommandLineOption keepOption(QStringLiteral("keep"), QStringLiteral("Keep the generated log."));
    const QCommandLineOption runsOption(QStringLiteral("runs"),
                                        QStringLiteral("Runs of check --replay and of grep -cE, alternating."),
                                        QStringLiteral("K"), QStringLiteral("7"));
    const QCommandLineOption heapwatchOption(QStringLiteral("heapwatch"), QStringLiteral("The heapwatch binary."),
                                             QStringLiteral("PATH"), QStringLiteral(HEAPWATCH_BINARY));
    const QCommandLineOption baselineOption(
        QStringLiteral("baseline"),
        QStringLiteral(
            "Another heapwatch binary (an older build) timed in the same alternation, for old-and-new figures."),
        QStringLiteral("PATH"));
    const QCommandLineOption plainOption(QStringLiteral("no-engine-timestamps"),
                                         QStringLiteral("Lines without docker's timestamps, the logger's alone."));
    const QCommandLineOption memoryEveryOption(
        QStringLiteral("memory-every"),
        QStringLiteral("Only every Nth of the generated log's Memory lines is one; the others are request lines."),
        QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption captureOption(
        QStringLiteral("capture-shape"),
        QStringLiteral("Generate the lines in the proportions of the captured app's docker logs (the fixtures): of "
                       "every 14, 10 Memory, 2 Cache, an overflow warning and an error."));
    const QCommandLineOption jumpingOption(
        QStringLiteral("jumping-figures"),
        QStringLiteral("The Memory lines' five figures drawn at random over ranges where their counts of digits "
                       "change from line to line (RSS 90-400 MB, heap 8-300 MB, external 0.5-30 MB, array buffers "
                       "0.1-20 MB), as an app's whose memory jumps about."));
    const QCommandLineOption seedSpellingOption(
        QStringLiteral("seed-spelling"),
        QStringLiteral("The Memory lines spelt as the seed's template of them: Heap=212.7/218.0MB (no unit after the "
                       "used heap)."));
    const QCommandLineOption noTimestampsOption(
        QStringLiteral("no-timestamps"),
        QStringLiteral("Lines without any timestamp, the Memory and cache stats lines without their level either "
                       "(\"Memory: RSS=...\" alone, as the seed's sample output); the live path, whose lines always "
                       "have the engine's timestamps, is not run."));
    const QCommandLineOption logOption(
        QStringLiteral("log"),
        QStringLiteral("Time this saved log (docker logs output, one line a record) instead of a generated one; "
                       "every record grep matches must be recognised."),
        QStringLiteral("PATH"));
    const QCommandLineOption busyOption(
        QStringLiteral("busy-processors"),
        QStringLiteral("Keep N processors busy (a thread spinning on each) while check --replay and grep -cE are "
                       "timed, as another program would on a shared machine."),
        QStringLiteral("N"), QStringLiteral("0"));
    cli.addOptions({linesOption, repeatOption, keepOption, runsOption, heapwatchOption, baselineOption, plainOption,
                    memoryEveryOption, captureOption, jumpingOption, seedSpellingOption, noTimestampsOption, logOption,
                    busyOption});
    cli.process(app);
    quint64 lines = cli.value(linesOption).toULongLong();
    const int repeat = std::max(1, cli.value(repeatOption).toInt());
    if (lines == 0) {
        std::fprintf(stderr, "--lines must be a positive number\n");
        return 2;
    }

    QTemporaryDir dir;
    dir.setAutoRemove(!cli.isSet(keepOption));
    const bool givenLog = cli.isSet(logOption);
    const QString path = givenLog ? cli.value(logOption) : dir.filePath(QStringLiteral("bench.log"));
    std::optional<Expected> expected; // known for a generated log; a given one is held to grep's count
    if (givenLog) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "cannot read %s\n", qPrintable(path));
            return 2;
        }
        lines = 0;
        while (!file.atEnd())
            lines += quint64(file.read(1 << 20).count('\n'));
    } else {
        expected = generate(path, lines, !cli.isSet(plainOption),
                            std::max<quint64>(1, cli.value(memoryEveryOption).toULongLong()), cli.isSet(captureOption),
                            cli.isSet(jumpingOption), cli.isSet(seedSpellingOption), cli.isSet(noTimestampsOption));
    }
    std::printf("log: %s, %llu lines, %.1f MB\n", qPrintable(path), static_cast<unsigned long long>(lines),
                double(QFile(path).size()) / 1e6);

    // Lines without any timestamp are never a follower's (`logs --timestamps` stamps every line): no live path. Nor
    // for an engine's own log file (dockerd's json-file, podman's k8s-file), which the replay reads as the follower of
    // such a file does: the live path times `docker logs` output.
    bool engineFile = false;
    if (givenLog) {
        QFile file(path);
        if (file.open(QIODevice::ReadOnly))
            engineFile = EngineLogFile::isEngineLogLine(file.readLine(256 * 1024).trimmed());
    }
    const bool withoutTimestamps = (!givenLog && cli.isSet(noTimestampsOption)) || engineFile;
    ParseRun best, bestEvaluated;
    LiveRun bestLive;
    bestLive.seconds = std::numeric_limits<double>::max();
    best.seconds = bestEvaluated.seconds = std::numeric_limits<double>::max();
    double grepSeconds = std::numeric_limits<double>::max();
    qint64 grepCount = -1;
    double rowsSeconds = std::numeric_limits<double>::max();
    quint64 rowsParsed = 0;
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(path));
        const QByteArray log = file.readAll();
        for (int r = 0; r < std::max(repeat, 5); ++r)
            rowsSeconds = std::min(rowsSeconds, parseToRows(log, rowsParsed));
    }
    for (int r = 0; r < repeat; ++r) {
        const ParseRun run = parseFile(path, false);
        if (run.seconds < best.seconds)
            best = run;
        const ParseRun evaluated = parseFile(path, true);
        if (evaluated.seconds < bestEvaluated.seconds)
            bestEvaluated = evaluated;
        if (!withoutTimestamps) {
            const LiveRun live = followFile(path);
            if (live.seconds < bestLive.seconds)
                bestLive = live;
        }
        const auto [seconds, count] = grepFile(path);
        grepCount = count;
        if (count >= 0)
            grepSeconds = std::min(grepSeconds, seconds);
    }

    // Whole processes, alternating so that a busy moment of the machine falls on both.
    ProcessTimes replay, grepProcess, baseline;
    const QString baselineBinary = cli.value(baselineOption);
    const int runs = std::max(1, cli.value(runsOption).toInt());
    const QString heapwatch = cli.value(heapwatchOption);
    const QStringList replayArguments {QStringLiteral("check"), QStringLiteral("--replay"), path};
    const QStringList grepArguments {QStringLiteral("-cE"), QString::fromLatin1(kReplayGrepPattern), path};
    const int busyProcessors = std::max(0, cli.value(busyOption).toInt());
    std::atomic<bool> spinning {true};
    std::vector<std::thread> spinners;
    for (int b = 0; b < busyProcessors; ++b)
        spinners.emplace_back([&spinning] {
            while (spinning.load(std::memory_order_relaxed)) { }
        });
    for (int r = 0; r < runs; ++r) {
        if (r % 2 == 0) {
            timeProcess(heapwatch, replayArguments, replay);
            timeProcess(QStringLiteral("grep"), grepArguments, grepProcess);
        } else {
            timeProcess(QStringLiteral("grep"), grepArguments, grepProcess);
            timeProcess(heapwatch, replayArguments, replay);
        }
        if (!baselineBinary.isEmpty())
            timeProcess(baselineBinary, replayArguments, baseline);
    }
    spinning = false;
    for (std::thread& spinner : spinners)
        spinner.join();

    const double mlps = double(lines) / best.seconds / 1e6;
    const double evaluatedMlps = double(lines) / bestEvaluated.seconds / 1e6;
    if (grepCount >= 0) {
        std::printf("parse: %llu lines in %.3f s (%.2f Mlines/s); grep -E: %.3f s; ratio %.2fx\n",
                    static_cast<unsigned long long>(lines), best.seconds, mlps, grepSeconds,
                    best.seconds / grepSeconds);
        std::printf(
            "parse to replay rows (one thread, the log in memory): %.3f s (%.0f ns a line), %llu rows; ratio to "
            "grep -E %.2fx\n",
            rowsSeconds, rowsSeconds * 1e9 / double(lines), static_cast<unsigned long long>(rowsParsed),
            rowsSeconds / grepSeconds);
        std::printf("parse + evaluate: %.3f s (%.2f Mlines/s); ratio to grep -E %.2fx (target <= 2x)\n",
                    bestEvaluated.seconds, evaluatedMlps, bestEvaluated.seconds / grepSeconds);
    } else {
        std::printf("parse: %llu lines in %.3f s (%.2f Mlines/s); parse + evaluate %.3f s; grep -E: not available\n",
                    static_cast<unsigned long long>(lines), best.seconds, mlps, bestEvaluated.seconds);
    }
    if (replay.ok && grepProcess.ok) {
        std::printf(
            "backfill: heapwatch check --replay (whole process) median %.3f s (%.3f-%.3f); grep -cE '%s' median "
            "%.3f s (%.3f-%.3f); %d alternating runs; ratio %.2fx (target <= 1.0x)\n",
            replay.median(), replay.min(), replay.max(), kReplayGrepPattern, grepProcess.median(), grepProcess.min(),
            grepProcess.max(), runs, replay.median() / grepProcess.median());
        if (busyProcessors > 0)
            std::printf("backfill: timed with %d of the %u processors kept busy by spinning threads\n", busyProcessors,
                        std::thread::hardware_concurrency());
        // What the replay costs where no second processor is free: its threads' time against grep's one thread.
        std::printf("backfill: processor time (user + system) median %.3f s for check --replay, %.3f s for grep -cE; "
                    "ratio %.2fx\n",
                    replay.cpuMedian(), grepProcess.cpuMedian(), replay.cpuMedian() / grepProcess.cpuMedian());
        if (!baselineBinary.isEmpty() && baseline.ok) {
            std::printf("backfill: baseline %s median %.3f s (%.3f-%.3f); ratio to grep %.2fx; processor time "
                        "%.3f s (%.2fx); output %s\n",
                        qPrintable(baselineBinary), baseline.median(), baseline.min(), baseline.max(),
                        baseline.median() / grepProcess.median(), baseline.cpuMedian(),
                        baseline.cpuMedian() / grepProcess.cpuMedian(),
                        baseline.firstOutput == replay.firstOutput ? "the same" : "DIFFERENT");
        }
        std::printf("backfill: check said \"%s\"; grep counted %s\n", replay.firstOutput.constData(),
                    grepProcess.firstOutput.constData());
    } else {
        std::printf("backfill: %s could not be run (%s)\n", replay.ok ? "grep" : "heapwatch", qPrintable(heapwatch));
    }
    if (engineFile)
        std::printf("live path: not run (an engine's log file; the live path times docker logs output)\n");
    else if (withoutTimestamps)
        std::printf("live path: not run (lines without timestamps are never a follower's)\n");
    else
        std::printf(
            "live path (ContainerStreams, %lld KiB reads, a reconnect re-reading %llu lines): %llu lines in %.3f s "
            "(%.2f Mlines/s); %llu replays dropped; %.2f hashes per line (at most 1)\n",
            static_cast<long long>(kLiveReadBytes / 1024), static_cast<unsigned long long>(bestLive.replayed),
            static_cast<unsigned long long>(bestLive.linesRead), bestLive.seconds,
            double(bestLive.linesRead) / bestLive.seconds / 1e6,
            static_cast<unsigned long long>(bestLive.duplicatesDropped),
            double(bestLive.hashes) / double(bestLive.linesRead));
    const HistoryFootprint history = measureHistory();
    std::printf("history: %.2f bytes per stats sample (time + CPU + memory; %d raw), %.2f bytes per process-memory "
                "row (time + 6 values; %d raw), a week of 1 s samples: %.1f MiB per target (target <= 16 B a "
                "sample)\n",
                history.statsBytesPerRow, int(sizeof(StatsRing::Row)), history.processBytesPerRow,
                int(sizeof(ProcessRing::Row)), history.weekMiB);
    std::printf("verdict: %s with %lld process samples kept\n", qPrintable(levelName(bestEvaluated.overall)),
                static_cast<long long>(bestEvaluated.samples));

    const ParseCounters& c = best.counters;
    // A given log: the lines counted above, and grep's matches (the records of the app's kinds) all recognised.
    if (!expected && grepCount < 0) {
        std::fprintf(stderr, "FAIL: grep is needed to check a given log's records\n");
        return 1;
    }
    const quint64 expectedLines = expected ? expected->lines : lines;
    const quint64 expectedRecognised = expected ? expected->recognised() : quint64(grepCount);
    bool ok = c.lines == expectedLines && c.recognised == expectedRecognised && c.oversized == 0
        && (!expected || c.malformed == 0);
    ok = ok
        && (!expected
            || (best.kinds[int(LogKind::Memory)] == expected->memory
                && best.kinds[int(LogKind::Cache)] == expected->cache
                && best.kinds[int(LogKind::Overflow)] == expected->overflow
                && best.kinds[int(LogKind::Warning)] == expected->warning
                && best.kinds[int(LogKind::Error)] == expected->error));
    const ParseCounters& lc = bestLive.counters;
    // Every line once in the state model: the replayed tail dropped, nothing lost, nothing twice.
    ok = ok
        && (withoutTimestamps
            || (lc.lines == expectedLines && lc.recognised == expectedRecognised
                && bestLive.records == expectedRecognised && bestLive.duplicatesDropped == bestLive.replayed
                && bestLive.hashes <= bestLive.linesRead));
    std::printf("records: %llu recognised (expected %llu), %llu malformed; grep counted %lld\n",
                static_cast<unsigned long long>(c.recognised), static_cast<unsigned long long>(expectedRecognised),
                static_cast<unsigned long long>(c.malformed), static_cast<long long>(grepCount));
    if (expected && grepCount >= 0 && quint64(grepCount) != expected->recognised())
        std::printf("note: grep matched a different number of lines than the parser should recognise\n");
    if (!ok) {
        std::fprintf(stderr,
                     "FAIL: the parser recognised a wrong number of records (live path: %llu lines, %llu "
                     "recognised, %llu delivered)\n",
                     static_cast<unsigned long long>(lc.lines), static_cast<unsigned long long>(lc.recognised),
                     static_cast<unsigned long long>(bestLive.records));
        return 1;
    }
    return 0;
}
