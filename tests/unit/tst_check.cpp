// `heapwatch check` on the demo host and on saved logs: exit codes, the plugin line, the text report and
// the JSON keys, with the seed's numbers and the real docker captures.
#include "CheckCommand.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <QTimeZone>
#include <atomic>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace heapwatch;

namespace {

struct Result
{
    int exitCode;
    QString out;
    QString err;
};

Result check(const QStringList& args)
{
    QString out, err;
    QTextStream o(&out), e(&err);
    const int code = CheckCommand::run(args, o, e);
    return {code, out, err};
}

QJsonObject flagById(const QJsonObject& root, const QString& id)
{
    for (const QJsonValue& v : root.value(QStringLiteral("flags")).toArray()) {
        if (v.toObject().value(QStringLiteral("id")).toString() == id)
            return v.toObject();
    }
    return {};
}

QStringList recommendationIds(const QJsonObject& root)
{
    QStringList ids;
    for (const QJsonValue& v : root.value(QStringLiteral("recommendations")).toArray())
        ids << v.toObject().value(QStringLiteral("id")).toString();
    return ids;
}

// `docker logs --timestamps` with stdout and stderr together, as a user saves it with 2>&1.
QString mergedFixtureLog(const QTemporaryDir& dir)
{
    QByteArray merged;
    for (const char* name : {"logs-timestamps.stdout.txt", "logs-timestamps.stderr.txt"}) {
        QFile f(QStringLiteral(HEAPWATCH_FIXTURES "/docker-cli-28.2.2/") + QLatin1String(name));
        if (!f.open(QIODevice::ReadOnly))
            return {};
        merged += f.readAll();
    }
    QList<QByteArray> lines = merged.split('\n');
    lines.removeAll(QByteArray());
    std::stable_sort(lines.begin(), lines.end(),
                     [](const QByteArray& a, const QByteArray& b) { return a.left(20) < b.left(20); });
    const QString path = dir.filePath(QStringLiteral("pangolin.log"));
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        return {};
    out.write(lines.join('\n') + '\n');
    return path;
}

// The same lines as dockerd's json-file (k8s: podman's k8s-file) holds them: the file an operator copies from
// /var/lib/docker/containers/ID/ID-json.log. Each fixture line keeps its stream and the engine's time.
QString engineLogFile(const QTemporaryDir& dir, bool k8s)
{
    QList<std::pair<QByteArray, QByteArray>> lines; // (docker logs -t line, stream)
    for (const char* stream : {"stdout", "stderr"}) {
        QFile f(
            QStringLiteral(HEAPWATCH_FIXTURES "/docker-cli-28.2.2/logs-timestamps.%1.txt").arg(QLatin1String(stream)));
        if (!f.open(QIODevice::ReadOnly))
            return {};
        for (const QByteArray& line : f.readAll().split('\n'))
            if (!line.isEmpty())
                lines.append({line, stream});
    }
    std::stable_sort(lines.begin(), lines.end(),
                     [](const auto& a, const auto& b) { return a.first.left(20) < b.first.left(20); });
    QByteArray out;
    for (const auto& [line, stream] : lines) {
        const qsizetype space = line.indexOf(' ');
        const QByteArray time = line.left(space), message = line.mid(space + 1);
        if (k8s) {
            out += time.chopped(1) + "+00:00 " + stream + " F " + message + '\n';
        } else {
            QJsonObject o {{QStringLiteral("log"), QString::fromUtf8(message + '\n')},
                           {QStringLiteral("stream"), QString::fromLatin1(stream)},
                           {QStringLiteral("time"), QString::fromLatin1(time)}};
            out += QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
        }
    }
    const QString path = dir.filePath(k8s ? QStringLiteral("ctr.log") : QStringLiteral("ID-json.log"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(out);
    return path;
}

// Four starts of the app within two minutes (three restarts), each after a database error, as `docker logs -t`
// of a container with a restart policy keeps them.
QByteArray restartLoopLog()
{
    QByteArray out;
    for (int run = 0; run < 4; ++run) {
        const int s = run * 40;
        auto at = [](int second) {
            return QStringLiteral("2026-11-27T12:%1:%2Z ")
                .arg(10 + second / 60, 2, 10, QLatin1Char('0'))
                .arg(second % 60, 2, 10, QLatin1Char('0'))
                .toUtf8();
        };
        out += at(s) + "[info]: Starting Pangolin in production mode\n";
        out += at(s + 2) + "[info]: Memory: RSS=180.2MB, Heap=90.1MB/120.0MB, External=9.0MB, ArrayBuffers=4.0MB\n";
        out += at(s + 30) + "[error]: Failed to connect to the database: ECONNREFUSED 127.0.0.1:5432\n";
    }
    return out;
}

// Six hours of `docker logs -t` of one container: four hours of a development-mode deployment with high heap
// usage, a poor cache and two audit-buffer overflows (the last 2 h 40 min before the end), then a fixed
// deployment: a start line in production mode, heap 210/300 MB, RSS flat at 320 MB, hit rate 78%, no overflows.
QString redeployedLog(const QTemporaryDir& dir)
{
    const QDateTime t0(QDate(2026, 11, 27), QTime(6, 0), Qt::UTC);
    QByteArray out;
    auto line = [&out, &t0](int minute, int second, const QString& message) {
        const QDateTime at = t0.addSecs(qint64(minute) * 60 + second);
        out += at.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss'Z' ")).toUtf8();
        out += at.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz'Z' ")).toUtf8();
        out += message.toUtf8() + '\n';
    };
    auto memory = [&line](int minute, double rss, double used, double total) {
        line(minute, 1,
             QStringLiteral("[info]: Memory: RSS=%1MB, Heap=%2MB/%3MB, External=17.6MB, ArrayBuffers=13.6MB")
                 .arg(rss, 0, 'f', 1)
                 .arg(used, 0, 'f', 1)
                 .arg(total, 0, 'f', 1));
    };
    auto cache = [&line](int minute, int hits, int misses) {
        line(minute, 2,
             QStringLiteral("[info]: Cache stats - Keys: 40, Hits: %1, Misses: %2, Hit rate: %3%")
                 .arg(hits)
                 .arg(misses)
                 .arg(100.0 * hits / (hits + misses), 0, 'f', 2));
    };
    line(0, 0, QStringLiteral("[info]: Starting Pangolin in development mode"));
    for (int m = 0; m < 240; ++m) {
        memory(m, 300 + m * 0.25, 205, 212);
        if (m % 5 == 4)
            cache(m, 400 + m * 4, 600 + m * 6);
        if (m == 1 || m == 30 || m == 60)
            line(m, 30, QStringLiteral("\u25cb Compiling /dashboard ..."));
        if (m == 90)
            line(m, 40, QStringLiteral("[warn]: Audit log buffer overflow - dropped 12 entries (12 total dropped)"));
        if (m == 200)
            line(m, 0, QStringLiteral("[warn]: Audit log buffer overflow - dropped 40 entries (52 total dropped)"));
    }
    line(240, 0, QStringLiteral("[info]: Starting Pangolin in production mode"));
    for (int m = 240; m <= 360; ++m) {
        memory(m, 320, 210, 300);
        if (m % 5 == 4)
            cache(m, 78 * (m - 235), 22 * (m - 235));
    }
    const QString path = dir.filePath(QStringLiteral("redeployed.log"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(out);
    return path;
}

// A day of `docker logs -t` of the seed's app, a line a second: Memory lines, cache stats, a warning and an
// overflow now and then (about 40 000 lines: several of a pipe's batches, several segments of a file).
QByteArray dayOfLog()
{
    QByteArray out;
    const QDateTime t0(QDate(2026, 11, 27), QTime(0, 0), Qt::UTC);
    for (int s = 0; s < 86400; s += 1) {
        const QByteArray at = t0.addSecs(s).toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss'Z' ")).toUtf8();
        if (s % 5 == 1) {
            out += at + "[info]: Memory: RSS=" + QByteArray::number(300 + (s % 700) / 10.0, 'f', 1)
                + "MB, Heap=" + QByteArray::number(180 + (s % 300) / 10.0, 'f', 1) + "MB/218.0MB, External=17.6MB, "
                + "ArrayBuffers=13.6MB\n";
        } else if (s % 60 == 2) {
            out += at + "[info]: Cache stats - Keys: 2, Hits: " + QByteArray::number(s)
                + ", Misses: " + QByteArray::number(s / 3) + ", Hit rate: 75.00%\n";
        } else if (s % 3600 == 3) {
            out += at + "[warn]: Audit log buffer overflow - dropped 10 entries (" + QByteArray::number(10 + s / 360)
                + " total dropped)\n";
        } else if (s % 4 == 0) {
            out += at + "[info]: GET /api/v1/org/resources 200 " + QByteArray::number(s % 90) + " ms\n";
        }
    }
    return out;
}

// The JSON report without what names the input or the time of the run.
QJsonObject withoutRunDetails(const QString& json)
{
    QJsonObject root = QJsonDocument::fromJson(json.toUtf8()).object();
    root.remove(QStringLiteral("generated_at"));
    root.remove(QStringLiteral("target"));
    return root;
}

// The text report without its target line.
QString withoutTargetLine(const QString& text)
{
    QStringList lines = text.split(QLatin1Char('\n'));
    lines.removeIf([](const QString& l) { return l.startsWith(QLatin1String("Target:")); });
    return lines.join(QLatin1Char('\n'));
}

// Writes bytes to fd in a thread of its own and closes it: a pipe's writer, so that a reader can take more than the
// pipe holds. A reader that stops early makes the writes fail (EPIPE, SIGPIPE ignored), never block.
class PipeWriter
{
public:
    PipeWriter(int fd, QByteArray bytes)
        : m_thread([fd, bytes = std::move(bytes)] {
            qsizetype at = 0;
            while (at < bytes.size()) {
                const ssize_t n = ::write(fd, bytes.constData() + at, size_t(bytes.size() - at));
                if (n <= 0)
                    break;
                at += n;
            }
            ::close(fd);
        })
    {
    }
    ~PipeWriter() { m_thread.join(); }

private:
    std::thread m_thread;
};

// Standard input replaced by fd while it lives.
class StdinFrom
{
public:
    explicit StdinFrom(int fd)
        : m_saved(::dup(STDIN_FILENO))
    {
        ::dup2(fd, STDIN_FILENO);
    }
    ~StdinFrom()
    {
        ::dup2(m_saved, STDIN_FILENO);
        ::close(m_saved);
    }

private:
    int m_saved;
};

} // namespace

class TestCheck : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void demoGivesTheSeedVerdicts()
    {
        const Result r = check({QStringLiteral("--demo"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 2);
        const QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(root.value(QStringLiteral("overall")).toString(), QStringLiteral("critical"));
        QCOMPARE(root.value(QStringLiteral("target")).toString(), QStringLiteral("demo/pangolin"));

        const QJsonObject process = root.value(QStringLiteral("process")).toObject();
        QCOMPARE(process.value(QStringLiteral("rss_mib")).toDouble(), 336.6);
        QCOMPARE(process.value(QStringLiteral("heap_used_mib")).toDouble(), 212.7);
        QCOMPARE(process.value(QStringLiteral("heap_total_mib")).toDouble(), 218.0);
        QCOMPARE(process.value(QStringLiteral("heap_usage_percent")).toDouble(), 97.57);
        QCOMPARE(process.value(QStringLiteral("external_mib")).toDouble(), 17.6);
        QCOMPARE(process.value(QStringLiteral("array_buffers_mib")).toDouble(), 13.6);
        QCOMPARE(process.value(QStringLiteral("heap_limit_mib")).toDouble(), 384.0);
        QVERIFY(process.value(QStringLiteral("samples")).toInt() > 2000); // six hours of history

        const QJsonObject cache = root.value(QStringLiteral("cache")).toObject();
        QCOMPARE(cache.value(QStringLiteral("keys")).toInt(), 2);
        QCOMPARE(cache.value(QStringLiteral("hits")).toInt(), 1346);
        QCOMPARE(cache.value(QStringLiteral("misses")).toInt(), 482);
        QCOMPARE(cache.value(QStringLiteral("hit_rate_percent")).toDouble(), 73.63);

        const QJsonObject container = root.value(QStringLiteral("container")).toObject();
        QCOMPARE(container.value(QStringLiteral("mem_usage_mib")).toDouble(), 364.8);
        QCOMPARE(container.value(QStringLiteral("mem_limit_mib")).toDouble(), 860.6);
        QCOMPARE(container.value(QStringLiteral("mem_percent")).toDouble(), 42.39);
        QCOMPARE(container.value(QStringLiteral("cpu_percent")).toDouble(), 2.82);
        QCOMPARE(container.value(QStringLiteral("status")).toString(), QStringLiteral("running"));
        QCOMPARE(container.value(QStringLiteral("health")).toString(), QStringLiteral("healthy"));

        QCOMPARE(flagById(root, QStringLiteral("rss")).value(QStringLiteral("level")).toString(), QStringLiteral("ok"));
        QCOMPARE(flagById(root, QStringLiteral("rss")).value(QStringLiteral("note")).toString(),
                 QStringLiteral("approaching warning"));
        QCOMPARE(flagById(root, QStringLiteral("heap_usage")).value(QStringLiteral("level")).toString(),
                 QStringLiteral("critical"));
        QCOMPARE(flagById(root, QStringLiteral("memory_growth")).value(QStringLiteral("level")).toString(),
                 QStringLiteral("unknown"));
        QVERIFY(flagById(root, QStringLiteral("memory_growth"))
                    .value(QStringLiteral("note"))
                    .toString()
                    .startsWith(QLatin1String("needs longer observation")));
        QCOMPARE(flagById(root, QStringLiteral("cache_hit_rate")).value(QStringLiteral("level")).toString(),
                 QStringLiteral("ok"));
        QCOMPARE(flagById(root, QStringLiteral("buffer_overflows")).value(QStringLiteral("level")).toString(),
                 QStringLiteral("ok"));
        QCOMPARE(flagById(root, QStringLiteral("container_memory")).value(QStringLiteral("level")).toString(),
                 QStringLiteral("ok"));
        // The demo's previous deployment was replaced five minutes ago: one restart seen.
        QCOMPARE(flagById(root, QStringLiteral("restarts")).value(QStringLiteral("level")).toString(),
                 QStringLiteral("warning"));
        QVERIFY(root.value(QStringLiteral("growth")).toObject().value(QStringLiteral("rss_mib_per_hour")).isNull());

        const QStringList recs = recommendationIds(root);
        QVERIFY(recs.contains(QStringLiteral("heap-gc-pressure")));
        QVERIFY(recs.contains(QStringLiteral("observe-longer")));
        QVERIFY(!recs.contains(QStringLiteral("increase-heap-limit")));
    }

    void jsonHasEveryDocumentedKey()
    {
        const Result r = check({QStringLiteral("--demo"), QStringLiteral("--json")});
        const QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QMap<QString, QStringList> keys {
            {QStringLiteral("container"),
             {QStringLiteral("status"), QStringLiteral("health"), QStringLiteral("restart_count"),
              QStringLiteral("oom_killed"), QStringLiteral("exit_code"), QStringLiteral("started_at"),
              QStringLiteral("cpu_percent"), QStringLiteral("mem_usage_mib"), QStringLiteral("mem_limit_mib"),
              QStringLiteral("mem_percent"), QStringLiteral("pids")}},
            {QStringLiteral("process"),
             {QStringLiteral("rss_mib"), QStringLiteral("heap_used_mib"), QStringLiteral("heap_total_mib"),
              QStringLiteral("heap_usage_percent"), QStringLiteral("external_mib"), QStringLiteral("array_buffers_mib"),
              QStringLiteral("heap_limit_mib"), QStringLiteral("samples"), QStringLiteral("last_sample_at")}},
            {QStringLiteral("cache"),
             {QStringLiteral("keys"), QStringLiteral("hits"), QStringLiteral("misses"),
              QStringLiteral("hit_rate_percent")}},
            {QStringLiteral("audit_overflows"),
             {QStringLiteral("events"), QStringLiteral("total_dropped"), QStringLiteral("without_count")}},
            {QStringLiteral("growth"),
             {QStringLiteral("rss_mib_per_hour"), QStringLiteral("heap_used_mib_per_hour"),
              QStringLiteral("observed_minutes"), QStringLiteral("projected_limit_at")}},
        };
        for (const QString& top :
             {QStringLiteral("overall"), QStringLiteral("target"), QStringLiteral("generated_at"),
              QStringLiteral("flags"), QStringLiteral("recommendations"), QStringLiteral("recent_problems")})
            QVERIFY2(root.contains(top), qPrintable(top));
        for (auto it = keys.begin(); it != keys.end(); ++it) {
            const QJsonObject o = root.value(it.key()).toObject();
            for (const QString& k : it.value())
                QVERIFY2(o.contains(k), qPrintable(it.key() + QLatin1Char('.') + k));
        }
        QStringList flagIds;
        for (const QJsonValue& v : root.value(QStringLiteral("flags")).toArray()) {
            const QJsonObject f = v.toObject();
            flagIds << f.value(QStringLiteral("id")).toString();
            for (const char* k : {"id", "value", "warning", "critical", "level", "note"})
                QVERIFY(f.contains(QLatin1String(k)));
        }
        QCOMPARE(flagIds,
                 (QStringList {QStringLiteral("rss"), QStringLiteral("heap_usage"), QStringLiteral("memory_growth"),
                               QStringLiteral("cache_hit_rate"), QStringLiteral("buffer_overflows"),
                               QStringLiteral("container_memory"), QStringLiteral("heap_limit_fit"),
                               QStringLiteral("restarts")}));
        for (const QJsonValue& v : root.value(QStringLiteral("recommendations")).toArray()) {
            for (const char* k : {"id", "level", "title", "action", "evidence"})
                QVERIFY(!v.toObject().value(QLatin1String(k)).toString().isEmpty());
        }
    }

    void demoTextStartsWithThePluginLine()
    {
        const Result r = check({QStringLiteral("--demo")});
        QCOMPARE(r.exitCode, 2);
        const QString first = r.out.section(QLatin1Char('\n'), 0, 0);
        QVERIFY2(first.startsWith(QLatin1String("HEAPWATCH CRITICAL - heap usage 97.6% (> 95%)")), qPrintable(first));
        QVERIFY2(first.contains(QLatin1String("| rss=336.6MB;350;370 heap_usage=97.6%;85;95")), qPrintable(first));
        QVERIFY(first.contains(QLatin1String("memory_growth=U;10;20")));
        QVERIFY(first.contains(QLatin1String("cache_hit_rate=73.63%;50;30")));
        QVERIFY(r.out.contains(QLatin1String("Red flags")));
        QVERIFY(r.out.contains(QLatin1String("approaching warning")));
        QVERIFY(r.out.contains(QLatin1String("needs longer observation")));
        QVERIFY(r.out.contains(QLatin1String("heap-gc-pressure")));
    }

    void pluginLineSaysWhenALevelIsHeld_data()
    {
        QTest::addColumn<QList<double>>("heapUsed"); // of a 218.0 MB heap, one Memory line every 30 s
        QTest::addColumn<QString>("summary");
        QTest::addColumn<int>("exitCode");
        // 97.6% for five minutes (the demo's 212.7/218.0), then:
        const QList<double> high(10, 212.7);
        QTest::addRow("still beyond the line") << high << QStringLiteral("heap usage 97.6% (> 95%)") << 2;
        // 94.0%: under 95%, above its clear line (93.1%): still critical, and the line says so.
        QTest::addRow("under the line, above its clear line")
            << (high + QList<double> {204.9}) << QStringLiteral("heap usage 94.0% now (was > 95%, not yet clear)") << 2;
        // 89.9%: past the clear line, into warning's range.
        QTest::addRow("past the clear line")
            << (high + QList<double> {196.0}) << QStringLiteral("heap usage 89.9% (> 85%)") << 1;
        // Up and down across both lines every 30 s: flapping keeps critical, whatever the last value.
        QList<double> flapping;
        for (int i = 0; i < 40; ++i)
            flapping << (i % 6 < 3 ? 212.7 : 150.0);
        QTest::addRow("flapping") << flapping << QStringLiteral("heap usage 68.8% now (flapping, was > 95%)") << 2;
    }

    void pluginLineSaysWhenALevelIsHeld()
    {
        // The plugin line names a flag's value and the line it is beyond; a level that outlives its value (held
        // until past the clear line, or by flapping) must not read as "94.0% (> 95%)".
        QFETCH(QList<double>, heapUsed);
        QFETCH(QString, summary);
        QFETCH(int, exitCode);
        QTemporaryDir dir;
        const QString log = dir.filePath(QStringLiteral("app.log"));
        QFile f(log);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QDateTime start = QDateTime::fromString(QStringLiteral("2026-01-14T10:00:00Z"), Qt::ISODate);
        for (int i = 0; i < heapUsed.size(); ++i) {
            f.write(start.addSecs(30 * i).toString(Qt::ISODateWithMs).toLatin1()
                    + QStringLiteral(" [info]: Memory: RSS=300.0MB, Heap=%1MB/218.0MB, External=17.6MB, "
                                     "ArrayBuffers=13.6MB\n")
                          .arg(heapUsed.at(i), 0, 'f', 1)
                          .toLatin1());
        }
        f.close();
        const Result r = check({QStringLiteral("--replay"), log});
        const QString first = r.out.section(QLatin1Char('\n'), 0, 0);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(first.contains(QStringLiteral(" - ") + summary + QStringLiteral(" |")), qPrintable(first));
    }

    void replayOfTheDockerCaptures()
    {
        QTemporaryDir dir;
        const QString log = mergedFixtureLog(dir);
        QVERIFY(!log.isEmpty());
        const Result r = check({QStringLiteral("--replay"), log, QStringLiteral("--stats"),
                                QStringLiteral(HEAPWATCH_FIXTURES "/docker-cli-28.2.2/stats-no-stream-table.txt"),
                                QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 2); // heap 212.7/218.0
        const QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonObject process = root.value(QStringLiteral("process")).toObject();
        QCOMPARE(process.value(QStringLiteral("rss_mib")).toDouble(), 331.7);
        QCOMPARE(process.value(QStringLiteral("samples")).toInt(), 17);
        QCOMPARE(process.value(QStringLiteral("last_sample_at")).toString(),
                 QStringLiteral("2026-11-27T12:25:53.000Z"));
        const QJsonObject overflows = root.value(QStringLiteral("audit_overflows")).toObject();
        QCOMPARE(overflows.value(QStringLiteral("events")).toInt(), 1);
        QCOMPARE(overflows.value(QStringLiteral("total_dropped")).toInt(), 400);
        QCOMPARE(flagById(root, QStringLiteral("buffer_overflows")).value(QStringLiteral("level")).toString(),
                 QStringLiteral("warning"));
        QVERIFY(recommendationIds(root).contains(QStringLiteral("db-write-slow")));
        const QJsonObject container = root.value(QStringLiteral("container")).toObject();
        QCOMPARE(container.value(QStringLiteral("mem_usage_mib")).toDouble(), 6.88); // 6.875MiB
        QCOMPARE(container.value(QStringLiteral("mem_limit_mib")).toDouble(), 860.0);
        const QJsonArray problems = root.value(QStringLiteral("recent_problems")).toArray();
        QCOMPARE(problems.size(), 2);
        QVERIFY(
            problems.at(1).toObject().value(QStringLiteral("text")).toString().contains(QLatin1String("SQLITE_BUSY")));
        QVERIFY(!problems.at(0).toObject().value(QStringLiteral("text")).toString().contains(QChar(0x1b)));
    }

    // The engine's own log file of the same lines gives the same verdict, to the last figure, as `docker logs -t`:
    // before, its JSON was read as text, with the app's times for the engine's, every line as stdout and the app's
    // start line not recognised (restarts unknown), and a json-file of an app whose lines carry no time of their own
    // was judged "at 1970-01-01" without a growth rate.
    void replayOfTheEnginesOwnLogFile_data()
    {
        QTest::addColumn<bool>("k8s");
        QTest::addRow("dockerd's json-file") << false;
        QTest::addRow("podman's k8s-file") << true;
    }
    void replayOfTheEnginesOwnLogFile()
    {
        QFETCH(bool, k8s);
        QTemporaryDir dir;
        const QString logs = mergedFixtureLog(dir), file = engineLogFile(dir, k8s);
        QVERIFY(!logs.isEmpty() && !file.isEmpty());
        const QString stats = QStringLiteral(HEAPWATCH_FIXTURES "/docker-cli-28.2.2/stats-no-stream-table.txt");
        const auto judged = [&stats](const QString& log) {
            const Result r
                = check({QStringLiteral("--replay"), log, QStringLiteral("--stats"), stats, QStringLiteral("--json")});
            QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8()).object();
            root.remove(QStringLiteral("generated_at"));
            root.remove(QStringLiteral("target"));
            root.insert(QStringLiteral("exit_code"), r.exitCode);
            return root;
        };
        const QJsonObject expected = judged(logs), got = judged(file);
        QCOMPARE(expected.value(QStringLiteral("exit_code")).toInt(), 2);
        QCOMPARE(flagById(expected, QStringLiteral("restarts")).value(QStringLiteral("level")).toString(),
                 QStringLiteral("ok"));
        QCOMPARE(got, expected);
    }

    // An app that logs its Memory line with console.log (the seed's sample output: no time of its own), two hours of
    // it in dockerd's json-file: judged at the engine's last time, with the growth its engine times give (before:
    // "judged at 1970-01-01", growth unknown).
    void replayOfAJsonFileOfLinesWithoutTheirOwnTime()
    {
        QTemporaryDir dir;
        QByteArray out;
        for (int s = 0; s <= 7200; s += 10) {
            const QDateTime at = QDateTime(QDate(2026, 11, 27), QTime(12, 0), QTimeZone::utc()).addSecs(s);
            const QString message = QStringLiteral("Memory: RSS=%1MB, Heap=%2MB/218.0MB, External=17.6MB, "
                                                   "ArrayBuffers=13.6MB\n")
                                        .arg(300.0 + s * 0.01, 0, 'f', 1)
                                        .arg(150.0 + s * 0.005, 0, 'f', 1);
            const QJsonObject o {
                {QStringLiteral("log"), message},
                {QStringLiteral("stream"), QStringLiteral("stdout")},
                {QStringLiteral("time"), at.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")) + ".123456789Z"}};
            out += QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
        }
        QFile f(dir.filePath(QStringLiteral("ID-json.log")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(out);
        f.close();
        const Result r = check({QStringLiteral("--replay"), f.fileName(), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 2);
        const QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonObject process = root.value(QStringLiteral("process")).toObject();
        QCOMPARE(process.value(QStringLiteral("samples")).toInt(), 721);
        QCOMPARE(process.value(QStringLiteral("last_sample_at")).toString(),
                 QStringLiteral("2026-11-27T14:00:00.123Z"));
        const QJsonObject growth = flagById(root, QStringLiteral("memory_growth"));
        QCOMPARE(growth.value(QStringLiteral("level")).toString(), QStringLiteral("critical"));
        QCOMPARE(qRound(growth.value(QStringLiteral("value")).toDouble()), 36); // 0.01 MB a second
    }

    // Overflow warnings in other words than the seed's app (another version of it, a line cut short) are overflows
    // all the same, as for the seed's `grep "buffer overflow"`: before, such a line was counted as malformed and the
    // flag said "none" (OK).
    void overflowsInOtherWordsAreJudged()
    {
        QTemporaryDir dir;
        QByteArray log;
        for (int s = 0; s < 30; ++s) {
            log += QStringLiteral("2026-11-20T00:00:%1.000Z [info]: Memory: RSS=244.%2MB, Heap=150.0MB/218.0MB, "
                                  "External=17.6MB, ArrayBuffers=13.6MB\n")
                       .arg(s, 2, 10, QLatin1Char('0'))
                       .arg(s % 10)
                       .toUtf8();
            if (s == 10)
                log += "2026-11-20T00:00:10.500Z [warn]: Audit log buffer overflow, dropped 31 entries (buffer size: "
                       "1000)\n";
            if (s == 20)
                log += "2026-11-20T00:00:20.500Z [warn]: Audit log buffer overflow\n";
            if (s == 25)
                log += "2026-11-20T00:00:25.500Z [warn]: Audit log buffer overflow - dropped 12 entries (12 total "
                       "dropped)\n";
        }
        const QString path = dir.filePath(QStringLiteral("overflows.log"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(log);
        f.close();
        const Result text = check({QStringLiteral("--replay"), path});
        QCOMPARE(text.exitCode, 2); // multiple overflows: critical
        QVERIFY2(text.out.startsWith(QLatin1String("HEAPWATCH CRITICAL - 3 audit buffer overflow(s)")),
                 qPrintable(text.out.left(300)));
        QVERIFY2(text.out.contains(QLatin1String(
                     "Overflows: 3 audit buffer overflow(s), 43 entries dropped (1 of them without a count)")),
                 qPrintable(text.out));
        QVERIFY2(text.out.contains(QLatin1String("33 log lines, 33 recognised, 0 malformed")), qPrintable(text.out));

        const Result r = check({QStringLiteral("--replay"), path, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 2);
        const QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonObject overflows = root.value(QStringLiteral("audit_overflows")).toObject();
        QCOMPARE(overflows.value(QStringLiteral("events")).toInt(), 3);
        QCOMPARE(overflows.value(QStringLiteral("total_dropped")).toInt(), 43);
        QCOMPARE(overflows.value(QStringLiteral("without_count")).toInt(), 1);
        const QJsonObject flag = flagById(root, QStringLiteral("buffer_overflows"));
        QCOMPARE(flag.value(QStringLiteral("level")).toString(), QStringLiteral("critical"));
        QCOMPARE(flag.value(QStringLiteral("value")).toDouble(), 3.0);
        QCOMPARE(flag.value(QStringLiteral("note")).toString(),
                 QStringLiteral("43 entries dropped in total (1 overflow(s) without a count)"));
    }

    // The previous deployment's overflows, dev-mode lines and heap pressure are history; the fixed deployment
    // that has run for two hours is what `check` judges.
    void replayJudgesTheCurrentDeployment()
    {
        QTemporaryDir dir;
        const QString log = redeployedLog(dir);
        QVERIFY(!log.isEmpty());
        const Result text = check({QStringLiteral("--replay"), log});
        QVERIFY2(!text.out.startsWith(QLatin1String("HEAPWATCH CRITICAL")), qPrintable(text.out.left(300)));
        QVERIFY2(text.out.startsWith(QLatin1String("HEAPWATCH OK - ")), qPrintable(text.out.left(300)));
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains(QLatin1String("last overflow 2 h 40 min ago, 2 since watching")),
                 qPrintable(text.out));

        const Result r = check({QStringLiteral("--replay"), log, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(root.value(QStringLiteral("overall")).toString(), QStringLiteral("ok"));
        const QJsonObject overflows = flagById(root, QStringLiteral("buffer_overflows"));
        QCOMPARE(overflows.value(QStringLiteral("level")).toString(), QStringLiteral("ok"));
        QCOMPARE(overflows.value(QStringLiteral("value")).toDouble(), 0.0);
        const QJsonObject restarts = flagById(root, QStringLiteral("restarts"));
        QCOMPARE(restarts.value(QStringLiteral("level")).toString(), QStringLiteral("ok"));
        QCOMPARE(restarts.value(QStringLiteral("note")).toString(),
                 QStringLiteral("last restart 2 h ago, 1 since watching"));
        QCOMPARE(flagById(root, QStringLiteral("heap_usage")).value(QStringLiteral("level")).toString(),
                 QStringLiteral("ok"));
        QCOMPARE(flagById(root, QStringLiteral("cache_hit_rate")).value(QStringLiteral("level")).toString(),
                 QStringLiteral("ok"));
        QCOMPARE(flagById(root, QStringLiteral("memory_growth")).value(QStringLiteral("level")).toString(),
                 QStringLiteral("ok"));
        for (const QJsonValue& v : root.value(QStringLiteral("recommendations")).toArray()) {
            const QJsonObject rec = v.toObject();
            QVERIFY2(rec.value(QStringLiteral("level")).toString() == QLatin1String("info"),
                     qPrintable(rec.value(QStringLiteral("id")).toString()));
        }
        const QStringList ids = recommendationIds(root);
        for (const char* old : {"dev-mode", "db-write-slow", "heap-gc-pressure", "cache-ttl-short"})
            QVERIFY2(!ids.contains(QLatin1String(old)), old);
        // The lifetime counts stay in the report.
        QCOMPARE(root.value(QStringLiteral("audit_overflows")).toObject().value(QStringLiteral("events")).toInt(), 2);
    }

    // The timeline of the same log: the previous deployment's recommendations raised and resolved (dev-mode at
    // the new start, db-write-slow when its overflow ages out of the 60 min window and again at the new
    // start), the event flags' changes with them; oldest first in `transitions`, the last ones in the text.
    void replayTimelineResolvesThePreviousDeployment_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("subject");
        QTest::addColumn<QString>("change"); // "raised"/"resolved", or "from>to" for a flag
        QTest::addColumn<QString>("at");
        QTest::addRow("dev-mode raised by its start line") << "recommendation"
                                                           << "dev-mode"
                                                           << "raised"
                                                           << "2026-11-27T06:00:00.000Z";
        QTest::addRow("dev-mode resolved at the new start") << "recommendation"
                                                            << "dev-mode"
                                                            << "resolved"
                                                            << "2026-11-27T10:00:00.000Z";
        QTest::addRow("first overflow raises db-write-slow") << "recommendation"
                                                             << "db-write-slow"
                                                             << "raised"
                                                             << "2026-11-27T07:30:40.000Z";
        QTest::addRow("it ages out after 60 min") << "recommendation"
                                                  << "db-write-slow"
                                                  << "resolved"
                                                  << "2026-11-27T08:30:40.000Z";
        QTest::addRow("second overflow raises it again") << "recommendation"
                                                         << "db-write-slow"
                                                         << "raised"
                                                         << "2026-11-27T09:20:00.000Z";
        QTest::addRow("the new start resolves it") << "recommendation"
                                                   << "db-write-slow"
                                                   << "resolved"
                                                   << "2026-11-27T10:00:00.000Z";
        QTest::addRow("overflow flag enters warning") << "flag"
                                                      << "buffer_overflows"
                                                      << "ok>warning"
                                                      << "2026-11-27T07:30:40.000Z";
        QTest::addRow("overflow flag leaves it when the event ages out") << "flag"
                                                                         << "buffer_overflows"
                                                                         << "warning>ok"
                                                                         << "2026-11-27T08:30:40.000Z";
        QTest::addRow("overflow flag leaves it at the new start") << "flag"
                                                                  << "buffer_overflows"
                                                                  << "warning>ok"
                                                                  << "2026-11-27T10:00:00.000Z";
        QTest::addRow("the restart is a warning") << "flag"
                                                  << "restarts"
                                                  << "ok>warning"
                                                  << "2026-11-27T10:00:00.000Z";
        QTest::addRow("for the events window") << "flag"
                                               << "restarts"
                                               << "warning>ok"
                                               << "2026-11-27T11:00:00.000Z";
    }

    void replayTimelineResolvesThePreviousDeployment()
    {
        QFETCH(QString, kind);
        QFETCH(QString, subject);
        QFETCH(QString, change);
        QFETCH(QString, at);
        QTemporaryDir dir;
        const QString log = redeployedLog(dir);
        const Result r = check({QStringLiteral("--replay"), log, QStringLiteral("--json")});
        const QJsonArray transitions
            = QJsonDocument::fromJson(r.out.toUtf8()).object().value(QStringLiteral("transitions")).toArray();
        QCOMPARE(transitions.size(), 12);
        QString previousAt;
        int found = 0;
        for (const QJsonValue& v : transitions) {
            const QJsonObject o = v.toObject();
            const QString when = o.value(QStringLiteral("at")).toString();
            QVERIFY2(previousAt <= when, qPrintable(when)); // oldest first
            previousAt = when;
            if (o.value(QStringLiteral("kind")).toString() != kind || when != at)
                continue;
            const bool isFlag = kind == QLatin1String("flag");
            const QString what = o.value(isFlag ? QStringLiteral("flag") : QStringLiteral("recommendation")).toString();
            const QString how = isFlag ? o.value(QStringLiteral("from")).toString() + QLatin1Char('>')
                    + o.value(QStringLiteral("to")).toString()
                                       : o.value(QStringLiteral("change")).toString();
            if (what == subject && how == change)
                ++found;
        }
        QCOMPARE(found, 1);
        // Nothing of the previous deployment is raised at the end.
        const QJsonObject last = transitions.last().toObject();
        QCOMPARE(last.value(QStringLiteral("flag")).toString(), QStringLiteral("restarts"));
        QCOMPARE(last.value(QStringLiteral("to")).toString(), QStringLiteral("ok"));
        const Result text = check({QStringLiteral("--replay"), log});
        QVERIFY2(text.out.contains(QLatin1String("2026-11-27T10:00:00.000Z  recommendation dev-mode resolved")),
                 qPrintable(text.out));
    }

    // The same log cut before the fixed deployment: the dev-mode deployment is what there is to judge.
    void replayOfThePreviousDeploymentStaysCritical()
    {
        QTemporaryDir dir;
        const QString full = redeployedLog(dir);
        QFile in(full);
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QByteArray all = in.readAll();
        const QString path = dir.filePath(QStringLiteral("before.log"));
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(all.left(all.lastIndexOf('\n', all.indexOf("Starting Pangolin in production mode")) + 1));
        out.close();
        const Result r = check({QStringLiteral("--replay"), path, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 2);
        const QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QStringList ids = recommendationIds(root);
        QVERIFY(ids.contains(QStringLiteral("dev-mode")));
        QVERIFY(ids.contains(QStringLiteral("heap-gc-pressure")));
        // The overflow 40 min before the end counts, the one 2 h 30 min before it does not.
        QCOMPARE(flagById(root, QStringLiteral("buffer_overflows")).value(QStringLiteral("value")).toDouble(), 1.0);
        QCOMPARE(flagById(root, QStringLiteral("buffer_overflows")).value(QStringLiteral("level")).toString(),
                 QStringLiteral("warning"));
    }

    // Three restarts in two minutes: a critical restart loop, with its own recommendation.
    // A saved log with Node's --trace-gc lines: the longest pause in the window is the gc_pause flag of the
    // JSON and of the perfdata; the same log without them has no such flag.
    void replayWithTraceGcLines_data()
    {
        QTest::addColumn<QByteArray>("gcLine");
        QTest::addColumn<QString>("level");
        QTest::addRow("mark-compact 120.5 ms")
            << QByteArray("[1:0x5581c0e0a000]   123456 ms: Mark-Compact 210.3 (218.0) -> 198.1 (219.0) MB, 120.5 / "
                          "0.0 ms  (average mu = 0.123, current mu = 0.045) allocation failure; scavenge might not "
                          "succeed")
            << QStringLiteral("warning");
        QTest::addRow("scavenge 1.2 ms") << QByteArray(
            "[1:0x5581c0e0a000]   123400 ms: Scavenge 12.1 (14.0) -> 11.2 (15.0) MB, 1.2 / 0.0 ms  "
            "(average mu = 0.123, current mu = 0.045) allocation failure;")
                                         << QStringLiteral("ok");
        QTest::addRow("no trace-gc line") << QByteArray() << QString();
    }

    void replayWithTraceGcLines()
    {
        QFETCH(QByteArray, gcLine);
        QFETCH(QString, level);
        QTemporaryDir dir;
        const QString log = dir.filePath(QStringLiteral("app.log"));
        QFile f(log);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("2026-01-14T10:00:00.000000000Z [info]: Memory: RSS=336.6MB, Heap=212.7MB/218.0MB, "
                "External=17.6MB, ArrayBuffers=13.6MB\n");
        if (!gcLine.isEmpty())
            f.write("2026-01-14T10:00:01.000000000Z " + gcLine + "\n");
        f.write("2026-01-14T10:00:02.000000000Z [info]: Memory: RSS=336.6MB, Heap=212.7MB/218.0MB, "
                "External=17.6MB, ArrayBuffers=13.6MB\n");
        f.close();
        const Result r = check({QStringLiteral("--replay"), log, QStringLiteral("--json")});
        const QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonObject pause = flagById(root, QStringLiteral("gc_pause"));
        QCOMPARE(pause.value(QStringLiteral("level")).toString(), level);
        const Result text = check({QStringLiteral("--replay"), log});
        QCOMPARE(text.out.section(QLatin1Char('\n'), 0, 0).contains(QLatin1String("gc_pause=")), !gcLine.isEmpty());
    }

    void restartLoopIsCritical()
    {
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("loop.log")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(restartLoopLog());
        f.close();
        const Result r = check({QStringLiteral("--replay"), f.fileName(), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 2);
        const QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(root.value(QStringLiteral("overall")).toString(), QStringLiteral("critical"));
        const QJsonObject restarts = flagById(root, QStringLiteral("restarts"));
        QCOMPARE(restarts.value(QStringLiteral("level")).toString(), QStringLiteral("critical"));
        QCOMPARE(restarts.value(QStringLiteral("value")).toDouble(), 3.0);
        QCOMPARE(restarts.value(QStringLiteral("note")).toString(),
                 QStringLiteral("restart loop: 3 restarts in 10 min"));
        QVERIFY(recommendationIds(root).contains(QStringLiteral("restart-loop")));
        // The loop is raised by the third restart (12:12:00), in the timeline too; the flag went warning first.
        QStringList changes;
        for (const QJsonValue& v : root.value(QStringLiteral("transitions")).toArray()) {
            const QJsonObject o = v.toObject();
            changes << o.value(QStringLiteral("at")).toString().mid(11, 8) + QLatin1Char(' ')
                    + (o.value(QStringLiteral("kind")).toString() == QLatin1String("flag")
                           ? o.value(QStringLiteral("flag")).toString() + QLatin1Char(' ')
                               + o.value(QStringLiteral("to")).toString()
                           : o.value(QStringLiteral("recommendation")).toString() + QLatin1Char(' ')
                               + o.value(QStringLiteral("change")).toString());
        }
        QCOMPARE(
            changes,
            (QStringList {QStringLiteral("12:10:40 restarts warning"), QStringLiteral("12:12:00 restarts critical"),
                          QStringLiteral("12:12:00 restart-loop raised")}));
        for (const QJsonValue& v : root.value(QStringLiteral("recommendations")).toArray()) {
            const QJsonObject rec = v.toObject();
            if (rec.value(QStringLiteral("id")).toString() != QLatin1String("restart-loop"))
                continue;
            QCOMPARE(rec.value(QStringLiteral("level")).toString(), QStringLiteral("critical"));
            QCOMPARE(rec.value(QStringLiteral("evidence")).toString().count(QLatin1String("ECONNREFUSED")), 3);
        }
        const Result text = check({QStringLiteral("--replay"), f.fileName()});
        QVERIFY2(text.out.startsWith(QLatin1String("HEAPWATCH CRITICAL - restart loop: 3 restarts in 10 min")),
                 qPrintable(text.out.left(200)));
    }

    void thresholdsFileChangesTheVerdict()
    {
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("t.json")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            R"({"heap_usage_percent": {"warning": 98, "critical": 99}, "restarts": {"warning": 5, "critical": 5}})");
        f.close();
        const Result r = check({QStringLiteral("--demo"), QStringLiteral("--thresholds"), f.fileName()});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith(QLatin1String("HEAPWATCH OK - ")), qPrintable(r.out.left(200)));
    }

    void unusableInputIsUnknown_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("reason");
        QTest::addRow("empty") << QByteArray()
                               << QStringLiteral("nothing recognisable in %1 (0 lines, 0 malformed, 0 oversized)");
        QTest::addRow("prose") << QByteArray("hello\nworld\n")
                               << QStringLiteral("nothing recognisable in %1 (2 lines, 0 malformed, 0 oversized)");
        QTest::addRow("only cut-off numbers")
            << QByteArray("Memory: RSS=33\nMemory: RSS=1e309MB, Heap=1/2MB\n")
            << QStringLiteral("nothing recognisable in %1 (2 lines, 2 malformed, 0 oversized)");
        // Lines heapwatch knows, none with a figure: not "nothing recognisable".
        QTest::addRow("only the app's start line")
            << QByteArray("2026-11-27T12:25:36Z 2026-11-27T12:25:36.935Z [info]: Starting Pangolin (simulated) in "
                          "production mode\n")
            << QStringLiteral("nothing to judge in %1 (1 line, 1 recognised, none with a figure; 0 malformed, "
                              "0 oversized)");
        QTest::addRow("--trace-gc lines without a time")
            << QByteArray("[1:0x5581c0e0a000]   123456 ms: Mark-Compact 210.3 (218.0) -> 198.1 (219.0) MB, 120.5 / "
                          "0.0 ms  (average mu = 0.123, current mu = 0.045) allocation failure;\nhello\n")
            << QStringLiteral("nothing to judge in %1 (2 lines, 1 recognised, none with a figure; 0 malformed, "
                              "0 oversized): its --trace-gc line has no time without the engine's timestamps "
                              "(docker logs --timestamps)");
        // A rotated log kept compressed: before, "nothing recognisable in ... (15 lines, 0 malformed, ...)".
        QTest::addRow("gzip-compressed") << qCompress(QByteArray(4000, 'x')).prepend("\x1f\x8b\x08\x00", 4)
                                         << QStringLiteral("%1 is gzip-compressed: replay its text (for example "
                                                           "--replay <(zcat %1))");
    }
    void unusableInputIsUnknown()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("bad.log")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        const Result r = check({QStringLiteral("--replay"), f.fileName()});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.out.startsWith(QLatin1String("HEAPWATCH UNKNOWN - ")), qPrintable(r.out));
        QVERIFY2(r.err.contains(reason.arg(f.fileName())), qPrintable(r.err));
    }

    // A log of --trace-gc lines alone, with the engine's timestamps (the app run with --trace-gc and no Memory
    // line): its longest pause is judged, not "nothing recognisable".
    void traceGcLinesAloneAreJudged()
    {
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("gc.log")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("2026-01-14T10:00:01.000000000Z [1:0x5581c0e0a000]   123400 ms: Scavenge 12.1 (14.0) -> 11.2 (15.0) "
                "MB, 1.2 / 0.0 ms  (average mu = 0.123, current mu = 0.045) allocation failure;\n"
                "2026-01-14T10:00:02.000000000Z [1:0x5581c0e0a000]   123456 ms: Mark-Compact 210.3 (218.0) -> 198.1 "
                "(219.0) MB, 120.5 / 0.0 ms  (average mu = 0.123, current mu = 0.045) allocation failure;\n");
        f.close();
        const Result r = check({QStringLiteral("--replay"), f.fileName(), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 1);
        const QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(root.value(QStringLiteral("overall")).toString(), QStringLiteral("warning"));
        const QJsonObject pause = flagById(root, QStringLiteral("gc_pause"));
        QCOMPARE(pause.value(QStringLiteral("level")).toString(), QStringLiteral("warning"));
        QCOMPARE(pause.value(QStringLiteral("value")).toDouble(), 120.5);
        QCOMPARE(flagById(root, QStringLiteral("rss")).value(QStringLiteral("level")).toString(),
                 QStringLiteral("unknown"));
    }

    void usageErrorsAreUnknown_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("reason");
        QTest::addRow("nothing") << QStringList() << QStringLiteral("exactly one");
        QTest::addRow("two modes") << QStringList {QStringLiteral("--demo"), QStringLiteral("--replay"),
                                                   QStringLiteral("x")}
                                   << QStringLiteral("exactly one");
        QTest::addRow("missing file") << QStringList {QStringLiteral("--replay"), QStringLiteral("/nonexistent.log")}
                                      << QStringLiteral("cannot read");
        QTest::addRow("a directory") << QStringList {QStringLiteral("--replay"), QDir::tempPath()}
                                     << QStringLiteral("is a directory, not a log file");
        QTest::addRow("log and stats from stdin") << QStringList {QStringLiteral("--replay"), QStringLiteral("-"),
                                                                  QStringLiteral("--stats"), QStringLiteral("-")}
                                                  << QStringLiteral("cannot both come from standard input");
        QTest::addRow("stats alone") << QStringList {QStringLiteral("--demo"), QStringLiteral("--stats"),
                                                     QStringLiteral("x")}
                                     << QStringLiteral("--stats goes with --replay");
        QTest::addRow("bad thresholds") << QStringList {QStringLiteral("--demo"), QStringLiteral("--thresholds"),
                                                        QStringLiteral("/nonexistent.json")}
                                        << QStringLiteral("cannot read");
        QTest::addRow("unknown option") << QStringList {QStringLiteral("--frobnicate")} << QStringLiteral("frobnicate");
    }
    void usageErrorsAreUnknown()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, reason);
        const Result r = check(args);
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(reason), qPrintable(r.err));
    }

    // A log read as it comes, to its end: standard input (`docker logs -t c 2>&1 | heapwatch check --replay -`), a
    // pipe or a FIFO (bash's `<(ssh host docker logs -t c 2>&1)`). Before, anything but a regular file was refused
    // ("cannot read the log file /dev/fd/63"). The verdict is the one of the same log saved to a file.
    void replayReadsStandardInputAndPipes()
    {
        std::signal(SIGPIPE, SIG_IGN);
        QTemporaryDir dir;
        const QByteArray log = dayOfLog();
        const QString path = dir.filePath(QStringLiteral("day.log"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(log);
        f.close();
        const QString stats = QStringLiteral(HEAPWATCH_FIXTURES "/docker-cli-28.2.2/stats-no-stream-table.txt");
        const Result saved = check({QStringLiteral("--replay"), path, QStringLiteral("--stats"), stats});
        const Result savedJson
            = check({QStringLiteral("--replay"), path, QStringLiteral("--stats"), stats, QStringLiteral("--json")});
        QCOMPARE(saved.exitCode, 2); // heap 209.9 / 218.0 at the end
        const QJsonObject expected = withoutRunDetails(savedJson.out);
        QCOMPARE(expected.value(QStringLiteral("process")).toObject().value(QStringLiteral("samples")).toInt(), 17280);
        QCOMPARE(expected.value(QStringLiteral("audit_overflows")).toObject().value(QStringLiteral("events")).toInt(),
                 24);
        QCOMPARE(
            expected.value(QStringLiteral("container")).toObject().value(QStringLiteral("mem_limit_mib")).toDouble(),
            860.0);

        for (const bool json : {false, true}) {
            QStringList extra {QStringLiteral("--stats"), stats};
            if (json)
                extra << QStringLiteral("--json");
            // Standard input.
            int fds[2];
            QVERIFY(::pipe(fds) == 0);
            Result piped;
            {
                // The writer outlives standard input's copy of the read end: a check that stops reading lets it go.
                const PipeWriter writer(fds[1], log);
                const StdinFrom in(fds[0]);
                ::close(fds[0]);
                piped = check(QStringList {QStringLiteral("--replay"), QStringLiteral("-")} + extra);
            }
            QCOMPARE(piped.exitCode, saved.exitCode);
            if (json) {
                QCOMPARE(withoutRunDetails(piped.out), expected);
                QCOMPARE(
                    QJsonDocument::fromJson(piped.out.toUtf8()).object().value(QStringLiteral("target")).toString(),
                    QStringLiteral("replay:stdin"));
            } else {
                QCOMPARE(withoutTargetLine(piped.out), withoutTargetLine(saved.out));
                QVERIFY2(piped.out.contains(QLatin1String("Target:    replay:stdin")), qPrintable(piped.out.left(400)));
            }

            // A FIFO, as a pipe's path.
            const QString fifo = dir.filePath(json ? QStringLiteral("json.fifo") : QStringLiteral("text.fifo"));
            QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
            Result named;
            {
                // The writer opens the FIFO once a reader has (a non-blocking open fails until then), and gives up
                // when the check has returned without opening it.
                std::atomic<bool> checked {false};
                std::thread writer([&fifo, &log, &checked] {
                    while (!checked) {
                        const int fd = ::open(QFile::encodeName(fifo).constData(), O_WRONLY | O_NONBLOCK);
                        if (fd >= 0) {
                            ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
                            PipeWriter(fd, log);
                            return;
                        }
                        std::this_thread::sleep_for(std::chrono::milliseconds(1));
                    }
                });
                named = check(QStringList {QStringLiteral("--replay"), fifo} + extra);
                checked = true;
                writer.join();
            }
            QCOMPARE(named.exitCode, saved.exitCode);
            if (json)
                QCOMPARE(withoutRunDetails(named.out), expected);
            else
                QCOMPARE(withoutTargetLine(named.out), withoutTargetLine(saved.out));
        }

        // Standard input redirected from the saved file, two lines of it read already (a request line and the
        // first Memory line): the rest is the log, not the whole file.
        {
            QFile again(path);
            QVERIFY(again.open(QIODevice::ReadOnly));
            const qsizetype twoLines = log.indexOf('\n', log.indexOf('\n') + 1) + 1;
            QVERIFY(::lseek(again.handle(), off_t(twoLines), SEEK_SET) == off_t(twoLines));
            Result rest;
            {
                const StdinFrom in(again.handle());
                rest = check({QStringLiteral("--replay"), QStringLiteral("-"), QStringLiteral("--json")});
            }
            const QJsonObject root = QJsonDocument::fromJson(rest.out.toUtf8()).object();
            QCOMPARE(root.value(QStringLiteral("process")).toObject().value(QStringLiteral("samples")).toInt(), 17279);
            QCOMPARE(root.value(QStringLiteral("input")).toObject().value(QStringLiteral("log_lines")).toInt(),
                     expected.value(QStringLiteral("input")).toObject().value(QStringLiteral("log_lines")).toInt() - 2);
        }

        // The stats from standard input, the log from a file.
        QFile statsFile(stats);
        QVERIFY(statsFile.open(QIODevice::ReadOnly));
        int fds[2];
        QVERIFY(::pipe(fds) == 0);
        Result statsPiped;
        {
            const PipeWriter writer(fds[1], statsFile.readAll());
            const StdinFrom in(fds[0]);
            ::close(fds[0]);
            statsPiped = check({QStringLiteral("--replay"), path, QStringLiteral("--stats"), QStringLiteral("-"),
                                QStringLiteral("--json")});
        }
        QCOMPARE(withoutRunDetails(statsPiped.out), expected);
    }

    // `--replay -` on a terminal would wait for a log nobody types: refused at once, with the way to use it.
    void replayOfATerminalIsRefused()
    {
        const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
        QVERIFY(master >= 0);
        QVERIFY(::grantpt(master) == 0 && ::unlockpt(master) == 0);
        const int terminal = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
        QVERIFY(terminal >= 0);
        Result r;
        {
            const StdinFrom in(terminal);
            r = check({QStringLiteral("--replay"), QStringLiteral("-")});
        }
        ::close(terminal);
        ::close(master);
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(QLatin1String("standard input, which is a terminal")), qPrintable(r.err));
        QVERIFY2(r.out.startsWith(QLatin1String("HEAPWATCH UNKNOWN - ")), qPrintable(r.out));
    }

    void garbageNeverCrashesAndValidLinesStillCount()
    {
        // Random bytes, NUL bytes, a 1 MB line and hostile numbers around two good lines.
        QByteArray content;
        QRandomGenerator rng(42);
        for (int i = 0; i < 64 * 1024; ++i)
            content.append(char(rng.bounded(256)));
        content += "\n2026-11-27T12:25:37Z [info]: Memory: RSS=336.6MB, Heap=212.7MB/218.0MB, External=17.6MB, "
                   "ArrayBuffers=13.6MB\n";
        content += QByteArray(1024 * 1024 + 100, 'x') + '\n';
        content += QByteArray("Memory: RSS=nanMB, Heap=1/2MB, External=1MB, ArrayBuffers=1MB\n");
        content += QByteArray("Memory: RSS=-5MB, Heap=1MB/2MB, External=1MB, ArrayBuffers=1MB\n");
        static const char nulCache[] = "\0\0\0Cache stats - Keys: 2, Hits: 1346, Misses: 482, Hit rate: 73.63%\n";
        content += QByteArray(nulCache, sizeof nulCache - 1);
        content += "2026-11-27T12:25:38Z [info]: Memory: RSS=336.7MB, Heap=212.7MB/218.0MB, External=17.6MB, "
                   "ArrayBuffers=13.6MB";
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("garbage.log")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        const Result r = check({QStringLiteral("--replay"), f.fileName(), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 2);
        const QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(root.value(QStringLiteral("process")).toObject().value(QStringLiteral("samples")).toInt(), 2);
        QCOMPARE(root.value(QStringLiteral("process")).toObject().value(QStringLiteral("rss_mib")).toDouble(), 336.7);
        QCOMPARE(root.value(QStringLiteral("cache")).toObject().value(QStringLiteral("hits")).toInt(), 1346);
        const QJsonObject input = root.value(QStringLiteral("input")).toObject();
        QVERIFY(input.value(QStringLiteral("malformed")).toInt() >= 2);
        QCOMPARE(input.value(QStringLiteral("oversized")).toInt(), 1);
    }
};

QTEST_GUILESS_MAIN(TestCheck)
#include "tst_check.moc"
