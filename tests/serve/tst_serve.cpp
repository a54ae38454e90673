// `heapwatch serve` in-process: the live demo target behind a real QHttpServer on 127.0.0.1, fetched with
// QNetworkAccessManager. /metrics must carry the seed's T+5 figures in base units, valid exposition text
// and the red-flag levels; /api/v1/targets the `check --json` object; the bearer token must gate both.
#include "HttpGet.h"
#include "MetricsServer.h"
#include "PrometheusText.h"
#include "ServeCommand.h"
#include "ServeConfig.h"
#include "ServeSession.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <cmath>
#include <map>

using namespace heapwatch;

namespace {

constexpr double kMiB = 1024.0 * 1024.0;
const QByteArray kToken = QByteArrayLiteral("t0ken-with-enough-entropy-for-a-test");
const QByteArray kDemo = QByteArrayLiteral("host=\"demo\",container=\"pangolin\"");

// One scrape, parsed: series ("name{labels}") → value, and the families announced by HELP and TYPE.
struct Scrape
{
    std::map<QByteArray, double> series;
    QSet<QByteArray> help;
    std::map<QByteArray, QByteArray> type;
    QStringList problems; // anything that breaks the exposition format as we use it
};

Scrape parse(const QByteArray& text)
{
    Scrape s;
    static const QRegularExpression sampleLine(QStringLiteral(
        "^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})? (\\S+)$"));
    for (const QByteArray& line : text.split('\n')) {
        if (line.isEmpty())
            continue;
        if (line.startsWith("# HELP ")) {
            s.help.insert(line.mid(7).split(' ').value(0));
            continue;
        }
        if (line.startsWith("# TYPE ")) {
            const QList<QByteArray> parts = line.mid(7).split(' ');
            s.type[parts.value(0)] = parts.value(1);
            continue;
        }
        const QRegularExpressionMatch m = sampleLine.match(QString::fromUtf8(line));
        if (!m.hasMatch()) {
            s.problems << QStringLiteral("unparsable line: ") + QString::fromUtf8(line);
            continue;
        }
        const QByteArray name = m.captured(1).toUtf8();
        if (!s.help.contains(name) || !s.type.count(name))
            s.problems << QStringLiteral("sample before its HELP/TYPE: ") + QString::fromUtf8(name);
        if (s.type[name] == "counter" && !name.endsWith("_total"))
            s.problems << QStringLiteral("counter without _total: ") + QString::fromUtf8(name);
        if (m.captured(3) == QLatin1String("NaN"))
            s.problems << QStringLiteral("NaN sample: ") + QString::fromUtf8(line);
        s.series[name + m.captured(2).toUtf8()] = m.captured(3).toDouble();
    }
    return s;
}

double value(const Scrape& s, const QByteArray& name, const QByteArray& labels)
{
    const auto it = s.series.find(name + '{' + labels + '}');
    return it == s.series.end() ? std::nan("") : it->second;
}

QJsonObject flagById(const QJsonObject& report, const QString& id)
{
    for (const QJsonValue& v : report.value(QStringLiteral("flags")).toArray()) {
        if (v.toObject().value(QStringLiteral("id")).toString() == id)
            return v.toObject();
    }
    return {};
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& content)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(content);
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

// Starts session on a config file (in dir) that serves the replay of log alone; what went wrong, or empty.
QString serveReplay(const QTemporaryDir& dir, const QString& log, ServeSession& session)
{
    const QByteArray json = "{\"listen\": \"127.0.0.1:0\", \"targets\": [{\"replay\": \"" + log.toUtf8() + "\"}]}";
    ServeConfig config;
    QString error;
    if (!config.loadFile(writeFile(dir, QStringLiteral("serve.json"), json), &error)
        || !session.start(config, QHostAddress(QHostAddress::LocalHost), 0, {}, &error))
        return error.isEmpty() ? QStringLiteral("the session did not start") : error;
    return {};
}

ServeConfig demoConfig()
{
    ServeConfig config;
    TargetConfig demo;
    demo.kind = TargetConfig::Kind::Demo;
    demo.origin = QStringLiteral("--demo");
    config.targets.push_back(demo);
    return config;
}

} // namespace

class TestServe : public QObject
{
    Q_OBJECT

    std::unique_ptr<ServeSession> m_session;
    QUrl m_base;

    QUrl url(const char* path) const { return m_base.resolved(QUrl(QString::fromLatin1(path))); }
    QByteArray bearer() const { return "Bearer " + kToken; }

private Q_SLOTS:
    void initTestCase()
    {
        QLocale::setDefault(QLocale::c());
        m_session = std::make_unique<ServeSession>();
        QString error;
        QVERIFY2(m_session->start(demoConfig(), QHostAddress(QHostAddress::LocalHost), 0, kToken, &error),
                 qPrintable(error));
        QVERIFY(m_session->port() != 0);
        m_base = QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(m_session->port()));
        // The demo hands its history over in queued batches: wait until the seed's T+5 line is in.
        const Target& demo = *m_session->targets().front().target;
        QTRY_VERIFY_WITH_TIMEOUT(demo.backfillDone() && demo.state().lastMemory().has_value(), 20000);
    }

    void metricsCarryTheSeedFiguresInBaseUnits()
    {
        const HttpResult r = httpGet(url("metrics"), bearer());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.contentType, QByteArray(PrometheusText::kContentType));
        const Scrape s = parse(r.body);
        QVERIFY2(s.problems.isEmpty(), qPrintable(s.problems.join(QLatin1Char('\n'))));

        // The seed's T+5 figures (RSS=336.6MB, Heap=212.7MB/218.0MB, External=17.6MB, ArrayBuffers=13.6MB).
        QCOMPARE(value(s, "heapwatch_nodejs_resident_memory_bytes", kDemo), 336.6 * kMiB); // 352950681.6
        QCOMPARE(value(s, "heapwatch_nodejs_heap_used_bytes", kDemo), 212.7 * kMiB);
        QCOMPARE(value(s, "heapwatch_nodejs_heap_total_bytes", kDemo), 218.0 * kMiB);
        QCOMPARE(value(s, "heapwatch_nodejs_external_memory_bytes", kDemo), 17.6 * kMiB);
        QCOMPARE(value(s, "heapwatch_nodejs_array_buffers_bytes", kDemo), 13.6 * kMiB);
        QCOMPARE(value(s, "heapwatch_nodejs_heap_limit_bytes", kDemo), 384.0 * kMiB);
        // Cache stats - Keys: 2, Hits: 1346, Misses: 482, Hit rate: 73.63%.
        QCOMPARE(value(s, "heapwatch_cache_keys", kDemo), 2.0);
        QCOMPARE(value(s, "heapwatch_cache_hits_total", kDemo), 1346.0);
        QCOMPARE(value(s, "heapwatch_cache_misses_total", kDemo), 482.0);
        QCOMPARE(value(s, "heapwatch_cache_hit_ratio", kDemo), 0.7363);
        // docker stats at T+5: CPU 2.82 % of one core, 364.8 MiB of 860.6 MiB.
        QCOMPARE(value(s, "heapwatch_container_cpu_ratio", kDemo), 0.0282);
        QVERIFY(std::abs(value(s, "heapwatch_container_memory_usage_bytes", kDemo) - 364.8 * kMiB) < 1.0);
        QVERIFY(std::abs(value(s, "heapwatch_container_memory_limit_bytes", kDemo) - 860.6 * kMiB) < 1.0);
        QCOMPARE(value(s, "heapwatch_container_running", kDemo), 1.0);
        QCOMPARE(value(s, "heapwatch_container_restarts_total", kDemo), 1.0);
        QCOMPARE(value(s, "heapwatch_container_oom_kills_total", kDemo), 0.0);
        QCOMPARE(value(s, "heapwatch_target_up", kDemo), 1.0);
        QCOMPARE(value(s, "heapwatch_target_reconnects_total", kDemo), 0.0);

        // The red flags: heap usage 97.6 % is critical, one restart a warning, growth not yet known.
        QCOMPARE(value(s, "heapwatch_flag_level", kDemo + ",flag=\"heap_usage\""), 2.0);
        QCOMPARE(value(s, "heapwatch_flag_level", kDemo + ",flag=\"rss\""), 0.0);
        QCOMPARE(value(s, "heapwatch_flag_level", kDemo + ",flag=\"restarts\""), 1.0);
        QCOMPARE(value(s, "heapwatch_flag_flapping", kDemo + ",flag=\"heap_usage\""), 0.0); // not yet
        QCOMPARE(value(s, "heapwatch_flag_level", kDemo + ",flag=\"memory_growth\""), 3.0);
        QCOMPARE(value(s, "heapwatch_flag_level", kDemo + ",flag=\"container_memory\""), 0.0);
        QCOMPARE(value(s, "heapwatch_target_level", kDemo), 2.0);
        // Unknown values are left out, not written as NaN; their family is still announced.
        QVERIFY(std::isnan(value(s, "heapwatch_nodejs_resident_memory_growth_bytes_per_second", kDemo)));
        QVERIFY(s.help.contains("heapwatch_nodejs_resident_memory_growth_bytes_per_second"));

        // heapwatch's own process.
        for (const char* name : {"process_resident_memory_bytes", "process_cpu_seconds_total",
                                 "process_start_time_seconds", "process_open_fds"}) {
            QVERIFY2(s.series.count(name) && s.series.at(name) > 0, name);
        }
        QCOMPARE(s.type.at("process_cpu_seconds_total"), QByteArray("counter"));
        QVERIFY(s.series.at("process_start_time_seconds") > 1.7e9);
    }

    void targetsApiIsTheCheckJsonObject()
    {
        const HttpResult r = httpGet(url("api/v1/targets"), bearer());
        QCOMPARE(r.status, 200);
        QVERIFY(r.contentType.startsWith("application/json"));
        const QJsonArray targets = QJsonDocument::fromJson(r.body).array();
        QCOMPARE(targets.size(), 1);
        const QJsonObject demo = targets.at(0).toObject();
        QCOMPARE(demo.value(QStringLiteral("target")).toString(), QStringLiteral("demo/pangolin"));
        QCOMPARE(demo.value(QStringLiteral("overall")).toString(), QStringLiteral("critical"));
        const QJsonObject process = demo.value(QStringLiteral("process")).toObject();
        QCOMPARE(process.value(QStringLiteral("rss_mib")).toDouble(), 336.6);
        QCOMPARE(process.value(QStringLiteral("heap_usage_percent")).toDouble(), 97.57);
        QCOMPARE(flagById(demo, QStringLiteral("heap_usage")).value(QStringLiteral("level")).toString(),
                 QStringLiteral("critical"));
        for (const char* key : {"container", "cache", "audit_overflows", "growth", "recommendations", "input"})
            QVERIFY2(demo.contains(QLatin1String(key)), key);
        const QJsonObject labels = demo.value(QStringLiteral("labels")).toObject();
        QCOMPARE(labels.value(QStringLiteral("host")).toString(), QStringLiteral("demo"));
        QCOMPARE(labels.value(QStringLiteral("container")).toString(), QStringLiteral("pangolin"));
    }

    void healthzAnswersWithoutToken()
    {
        const HttpResult r = httpGet(url("healthz"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.trimmed(), QByteArray("ok"));
    }

    void bearerTokenGatesMetricsAndApi_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("authorization");
        QTest::addColumn<int>("status");
        for (const char* path : {"metrics", "api/v1/targets"}) {
            QTest::addRow("%s none", path) << QByteArray(path) << QByteArray() << 401;
            QTest::addRow("%s wrong", path) << QByteArray(path) << QByteArray("Bearer nope") << 401;
            QTest::addRow("%s prefix", path) << QByteArray(path) << QByteArray("Bearer " + kToken.left(10)) << 401;
            QTest::addRow("%s basic", path) << QByteArray(path) << QByteArray("Basic " + kToken) << 401;
            QTest::addRow("%s right", path) << QByteArray(path) << QByteArray("Bearer " + kToken) << 200;
            QTest::addRow("%s lowercase scheme", path) << QByteArray(path) << QByteArray("bearer " + kToken) << 200;
        }
        QTest::addRow("unknown path") << QByteArray("nothing") << QByteArray("Bearer " + kToken) << 404;
    }
    void bearerTokenGatesMetricsAndApi()
    {
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, authorization);
        QFETCH(int, status);
        const HttpResult r = httpGet(m_base.resolved(QUrl(QString::fromLatin1(path))), authorization);
        QCOMPARE(r.status, status);
        if (status == 401) {
            QVERIFY(r.wwwAuthenticate.startsWith("Bearer"));
            QVERIFY(!r.body.contains(kToken)); // the token never appears in an answer
        }
    }

    void constantTimeEquals()
    {
        QVERIFY(MetricsServer::constantTimeEquals("abc", "abc"));
        QVERIFY(!MetricsServer::constantTimeEquals("abc", "abd"));
        QVERIFY(!MetricsServer::constantTimeEquals("abc", "abcd"));
        QVERIFY(!MetricsServer::constantTimeEquals("", "a"));
    }

    void exposition()
    {
        QCOMPARE(PrometheusText::escapeLabelValue(QStringLiteral("a\"b\\c\nd")), QByteArray("a\\\"b\\\\c\\nd"));
        QCOMPARE(PrometheusText::escapeHelp("x\\y\nz"), QByteArray("x\\\\y\\nz"));
        QCOMPARE(PrometheusText::formatValue(336.6 * kMiB), QByteArray("352950681.6"));
        QCOMPARE(PrometheusText::formatValue(2), QByteArray("2"));
        QCOMPARE(PrometheusText::formatValue(0.7363), QByteArray("0.7363"));
        QCOMPARE(PrometheusText::formatValue(HUGE_VAL), QByteArray("+Inf"));
        PrometheusText text;
        text.family("x_bytes", PrometheusText::Type::Gauge, "Help.");
        text.sample({{QStringLiteral("container"), QStringLiteral("we\"ird")}}, std::nan(""));
        text.sample({{QStringLiteral("container"), QStringLiteral("we\"ird")}}, 1.5);
        QCOMPARE(text.text(),
                 QByteArray("# HELP x_bytes Help.\n# TYPE x_bytes gauge\nx_bytes{container=\"we\\\"ird\"} 1.5\n"));
    }

    void listenAddresses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<bool>("loopback");
        QTest::addColumn<int>("port");
        QTest::addRow("default") << QStringLiteral("127.0.0.1:9464") << true << true << 9464;
        QTest::addRow("ipv6") << QStringLiteral("[::1]:9100") << true << true << 9100;
        QTest::addRow("localhost") << QStringLiteral("localhost:1") << true << true << 1;
        QTest::addRow("all") << QStringLiteral("0.0.0.0:9464") << true << false << 9464;
        QTest::addRow("no port") << QStringLiteral("9464") << false << false << 0;
        QTest::addRow("empty port") << QStringLiteral("127.0.0.1:") << false << false << 0;
        QTest::addRow("big port") << QStringLiteral("127.0.0.1:70000") << false << false << 0;
        QTest::addRow("dns name") << QStringLiteral("example.com:80") << false << false << 0;
    }
    void listenAddresses()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(bool, loopback);
        QFETCH(int, port);
        QHostAddress address;
        quint16 parsedPort = 0;
        QString error;
        QCOMPARE(ServeConfig::parseListen(text, &address, &parsedPort, &error), valid);
        if (valid) {
            QCOMPARE(address.isLoopback(), loopback);
            QCOMPARE(int(parsedPort), port);
        } else {
            QVERIFY(!error.isEmpty());
        }
    }

    void configFileWithPerTargetThresholds()
    {
        QTemporaryDir dir;
        const QString log = QFINDTESTDATA("../fixtures/docker-cli-28.2.2/logs-timestamps.stdout.txt");
        QVERIFY(!log.isEmpty());
        // The demo's heap usage (97.6 %) is below this target's own warning line, so its flag is ok; the
        // global layer moves the RSS lines, which the per-target layer leaves alone.
        // (moc of Qt 6.4 loses the class after a raw string literal: the JSON is written with escapes.)
        const QByteArray json = "{\"listen\": \"127.0.0.1:0\",\n"
                                " \"thresholds\": {\"rss_mib\": {\"warning\": 300, \"critical\": 400}},\n"
                                " \"targets\": [\n"
                                "  {\"demo\": true, \"thresholds\": {\"heap_usage_percent\": "
                                "{\"warning\": 98, \"critical\": 99}}},\n"
                                "  {\"replay\": \""
            + log.toUtf8() + "\"}]}";
        ServeConfig config;
        QString error;
        QVERIFY2(config.loadFile(writeFile(dir, QStringLiteral("serve.json"), json), &error), qPrintable(error));
        QCOMPARE(int(config.targets.size()), 2);
        ServeSession session;
        QVERIFY2(session.start(config, QHostAddress(QHostAddress::LocalHost), 0, {}, &error), qPrintable(error));
        const Target& demo = *session.targets().front().target;
        QTRY_VERIFY_WITH_TIMEOUT(demo.backfillDone() && demo.state().lastMemory().has_value(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(session.targets().back().target->backfillDone(), 20000);

        const HttpResult r = httpGet(QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(session.port())));
        QCOMPARE(r.status, 200);
        const Scrape s = parse(r.body);
        QVERIFY2(s.problems.isEmpty(), qPrintable(s.problems.join(QLatin1Char('\n'))));
        QCOMPARE(value(s, "heapwatch_flag_level", kDemo + ",flag=\"heap_usage\""), 0.0);
        QCOMPARE(value(s, "heapwatch_flag_level", kDemo + ",flag=\"rss\""), 1.0); // 336.6 > 300
        QCOMPARE(s.series.at("heapwatch_targets"), 2.0);
        const QByteArray replay = "host=\"replay\",container=\"logs-timestamps.stdout\"";
        QCOMPARE(value(s, "heapwatch_target_up", replay), 1.0);
        QVERIFY(value(s, "heapwatch_log_lines_total", replay) > 0);

        const QJsonArray api
            = QJsonDocument::fromJson(
                  httpGet(QUrl(QStringLiteral("http://127.0.0.1:%1/api/v1/targets").arg(session.port()))).body)
                  .array();
        QCOMPARE(api.size(), 2);
    }

    // A replay read to its end with nothing to judge in it (systemd's empty standard input behind
    // `--replay -`, a file of something else) is down, and says why, instead of up with every figure unknown.
    void replayOfNothingToJudgeIsDown_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("why");
        QTest::addRow("empty") << QByteArray()
                               << QStringLiteral("nothing recognisable in %1 (0 lines, 0 malformed, 0 oversized)");
        QTest::addRow("other lines") << QByteArray("GET /health 200\nGET /api/items 200\nlistening on :3000\n")
                                     << QStringLiteral(
                                            "nothing recognisable in %1 (3 lines, 0 malformed, 0 oversized)");
        QTest::addRow("a broken Memory line")
            << QByteArray("2026-11-27T12:20:00.000Z [info]: Memory: RSS=abcMB, Heap=1MB/2MB\n")
            << QStringLiteral("nothing recognisable in %1 (1 line, 1 malformed, 0 oversized)");
        // Lines heapwatch knows, none with a figure or a problem: the same as check's UNKNOWN, not a finished
        // replay whose flags are all unknown.
        QTest::addRow("the app's start line alone")
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
    }
    void replayOfNothingToJudgeIsDown()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, why);
        QTemporaryDir dir;
        const QString log = writeFile(dir, QStringLiteral("other.log"), content);
        ServeSession session;
        const QString error = serveReplay(dir, log, session);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const Target& target = *session.targets().front().target;
        QTRY_VERIFY_WITH_TIMEOUT(target.backfillDone(), 20000);
        const ConnectionStatus& c = target.state().connection();
        QCOMPARE(toString(c.state), QStringLiteral("failed"));
        QCOMPARE(c.message, why.arg(log));

        const Scrape s = parse(httpGet(QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(session.port()))).body);
        QVERIFY2(s.problems.isEmpty(), qPrintable(s.problems.join(QLatin1Char('\n'))));
        QCOMPARE(value(s, "heapwatch_target_up", "host=\"replay\",container=\"other\""), 0.0);
    }

    // A container in a restart loop: the restarts flag is critical, the loop gauge is 1, and the API's report
    // carries the restart-loop recommendation.
    void restartLoopInFlagMetrics()
    {
        QTemporaryDir dir;
        const QString log = writeFile(dir, QStringLiteral("loop.log"), restartLoopLog());
        ServeSession session;
        const QString error = serveReplay(dir, log, session);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(session.targets().front().target->backfillDone(), 20000);

        const HttpResult r = httpGet(QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(session.port())));
        QCOMPARE(r.status, 200);
        const Scrape s = parse(r.body);
        QVERIFY2(s.problems.isEmpty(), qPrintable(s.problems.join(QLatin1Char('\n'))));
        const QByteArray labels = "host=\"replay\",container=\"loop\"";
        QCOMPARE(value(s, "heapwatch_flag_level", labels + ",flag=\"restarts\""), 2.0);
        QCOMPARE(value(s, "heapwatch_target_level", labels), 2.0);
        QCOMPARE(value(s, "heapwatch_container_restart_loop", labels), 1.0);
        QCOMPARE(value(s, "heapwatch_container_restarts_total", labels), 3.0);

        const QJsonArray api
            = QJsonDocument::fromJson(
                  httpGet(QUrl(QStringLiteral("http://127.0.0.1:%1/api/v1/targets").arg(session.port()))).body)
                  .array();
        QCOMPARE(api.size(), 1);
        QStringList ids;
        for (const QJsonValue& v : api.at(0).toObject().value(QStringLiteral("recommendations")).toArray())
            ids << v.toObject().value(QStringLiteral("id")).toString();
        QVERIFY2(ids.contains(QStringLiteral("restart-loop")), qPrintable(ids.join(QLatin1Char(' '))));
        QCOMPARE(flagById(api.at(0).toObject(), QStringLiteral("restarts")).value(QStringLiteral("level")).toString(),
                 QStringLiteral("critical"));
    }

    void configErrorsNameTheKey_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        QTest::addRow("unknown key") << QByteArray("{\"listne\": \"127.0.0.1:1\"}") << QStringLiteral("listne");
        QTest::addRow("bad target") << QByteArray("{\"targets\": [42]}") << QStringLiteral("targets[0]");
        QTest::addRow("two kinds") << QByteArray("{\"targets\": [{\"demo\": true, \"replay\": \"x\"}]}")
                                   << QStringLiteral("exactly one");
        QTest::addRow("target key") << QByteArray("{\"targets\": [{\"target\": \"h/c\", \"sudoo\": true}]}")
                                    << QStringLiteral("sudoo");
        QTest::addRow("engine") << QByteArray("{\"ssh\": {\"engine\": \"lxc\"}}") << QStringLiteral("engine");
        QTest::addRow("since") << QByteArray("{\"ssh\": {\"since\": \"soon\"}}") << QStringLiteral("since");
        // Numbers no qint64 holds are refused, not converted (that conversion is undefined behaviour).
        QTest::addRow("since 1e30") << QByteArray("{\"ssh\": {\"since\": 1e30}}") << QStringLiteral("since");
        QTest::addRow("since 2^63") << QByteArray("{\"ssh\": {\"since\": 9223372036854775808}}")
                                    << QStringLiteral("since");
        QTest::addRow("since -1e30") << QByteArray("{\"ssh\": {\"since\": -1e30}}") << QStringLiteral("since");
        QTest::addRow("not json") << QByteArray("{") << QStringLiteral("not valid JSON");
    }
    void configErrorsNameTheKey()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        QTemporaryDir dir;
        ServeConfig config;
        QString error;
        QVERIFY(!config.loadFile(writeFile(dir, QStringLiteral("serve.json"), json), &error));
        QVERIFY2(error.contains(mentions), qPrintable(error));
    }

    void badThresholdsAndDuplicatesRefuseToStart()
    {
        QString error;
        {
            ServeConfig config = demoConfig();
            config.targets.front().thresholds = QJsonObject {{QStringLiteral("rss_mb"), 1}};
            ServeSession session;
            QVERIFY(!session.start(config, QHostAddress(QHostAddress::LocalHost), 0, {}, &error));
            QVERIFY2(error.contains(QStringLiteral("rss_mb")), qPrintable(error));
        }
        {
            ServeConfig config = demoConfig();
            config.targets.push_back(config.targets.front());
            ServeSession session;
            QVERIFY(!session.start(config, QHostAddress(QHostAddress::LocalHost), 0, {}, &error));
            QVERIFY2(error.contains(QStringLiteral("already has")), qPrintable(error));
        }
        {
            ServeSession session;
            QVERIFY(!session.start(ServeConfig(), QHostAddress(QHostAddress::LocalHost), 0, {}, &error));
            QVERIFY2(error.contains(QStringLiteral("nothing to watch")), qPrintable(error));
        }
    }

    void tokens()
    {
        QTemporaryDir dir;
        QByteArray token;
        QString error, warning;
        const QString file = writeFile(dir, QStringLiteral("token"), "s3cret\n");
        QFile::setPermissions(file, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QVERIFY(ServeCommand::readToken(file, {}, &token, &error, &warning));
        QCOMPARE(token, QByteArray("s3cret"));
        QVERIFY(warning.isEmpty());
        QVERIFY(!ServeCommand::readToken(writeFile(dir, QStringLiteral("empty"), "\n"), {}, &token, &error, &warning));
        qputenv("HEAPWATCH_TEST_TOKEN", "from-env");
        QVERIFY(ServeCommand::readToken({}, QStringLiteral("HEAPWATCH_TEST_TOKEN"), &token, &error, &warning));
        QCOMPARE(token, QByteArray("from-env"));
        QVERIFY(
            !ServeCommand::readToken({}, QStringLiteral("HEAPWATCH_TEST_UNSET_VARIABLE"), &token, &error, &warning));
        QVERIFY(ServeCommand::readToken({}, {}, &token, &error, &warning));
        QVERIFY(token.isEmpty());
    }

    void commandLineErrors()
    {
        QString out, err;
        QTextStream o(&out), e(&err);
        QCOMPARE(ServeCommand::run({QStringLiteral("--stats"), QStringLiteral("x")}, o, e), 2);
        QVERIFY(err.contains(QStringLiteral("--replay")));
        QCOMPARE(
            ServeCommand::run({QStringLiteral("--demo"), QStringLiteral("--listen"), QStringLiteral("nowhere")}, o, e),
            2);
        QCOMPARE(ServeCommand::run({QStringLiteral("--help")}, o, e), 0);
        QVERIFY(out.contains(QStringLiteral("--token-file")));
    }

    void cleanupTestCase() { m_session.reset(); }
};

QTEST_GUILESS_MAIN(TestServe)
#include "tst_serve.moc"
