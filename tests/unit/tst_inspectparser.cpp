// InspectParser (docker/podman inspect, the compact server-side template) and EventParser.
#include "InspectParser.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QTest>
#include <cmath>

using namespace heapwatch;

Q_DECLARE_METATYPE(heapwatch::ContainerEvent::Kind)

namespace {

qint64 utcMs(int y, int mo, int d, int h, int mi, int s, int ms = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), Qt::UTC).toMSecsSinceEpoch();
}

QByteArray readFixture(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open fixture %s", qPrintable(path));
    return f.readAll();
}

QList<QByteArray> fixtureLines(const QString& path)
{
    QList<QByteArray> lines = readFixture(path).split('\n');
    while (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

// Every text field of an info, to prove that no other environment variable was kept.
QString allText(const ContainerInfo& i)
{
    return QStringList {i.id, i.name, i.image, i.status, i.health, i.nodeOptions}.join(QLatin1Char('|'));
}

} // namespace

class TestInspectParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void dockerFixture()
    {
        const QByteArray json = readFixture(QFINDTESTDATA("../fixtures/docker-cli-28.2.2/inspect.json"));
        QVERIFY(json.contains("SESSION_SECRET")); // the fixture does carry a secret …
        QString error;
        const auto info = InspectParser::parse(json, &error);
        QVERIFY2(info, qPrintable(error));
        QCOMPARE(info->id, QStringLiteral("dbabfe853db9feea8912fbaedef48ab0bea89e853b1e4d6f1f3e1af15954ca18"));
        QCOMPARE(info->name, QStringLiteral("pangolin"));
        QCOMPARE(info->image, QStringLiteral("sha256:")); // Config.Image is empty on this engine
        QCOMPARE(info->status, QStringLiteral("running"));
        QCOMPARE(info->running, true);
        QCOMPARE(info->health, QStringLiteral("none"));
        QCOMPARE(info->oomKilled, false);
        QCOMPARE(info->exitCode, 0);
        QCOMPARE(info->restartCount, 0);
        QCOMPARE(info->startedAtMs, utcMs(2026, 11, 27, 12, 25, 36, 905));
        QCOMPARE(info->finishedAtMs, qint64(-1)); // "0001-01-01T00:00:00Z"
        QCOMPARE(info->nodeOptionsKnown, true);
        QCOMPARE(info->nodeOptions, QStringLiteral("--max-old-space-size=384"));
        QCOMPARE(info->heapLimitMiB, 384.0);
        QCOMPARE(info->memLimitBytes, 901775360.0);
        // … and none of it survives parsing.
        QVERIFY(!allText(*info).contains(QLatin1String("SESSION_SECRET")));
        QVERIFY(!allText(*info).contains(QLatin1String("REDACTED")));
        QVERIFY(!allText(*info).contains(QLatin1String("PATH=")));
    }

    // What inspectTemplate() prints (one compact object, NODE_OPTIONS entry kept whole) is accepted.
    void compactTemplateObject()
    {
        const QByteArray line = R"({"Id":"dbabfe853db9","Name":"/pangolin","ImageName":"ghcr.io/acme/pangolin:1.4",)"
                                R"("State":{"Status":"exited","Running":false,"Paused":false,"Restarting":false,)"
                                R"("OOMKilled":true,"Dead":false,"Pid":0,"ExitCode":137,"Error":"",)"
                                R"("StartedAt":"2026-11-27T12:25:36.905129662Z","FinishedAt":"2026-11-27T13:00:00Z",)"
                                R"("Health":{"Status":"unhealthy","FailingStreak":3,"Log":null}},"RestartCount":4,)"
                                R"("HostConfig":{"Memory":0},"NodeOptions":"NODE_OPTIONS=--max_old_space_size 512"})"
                                "\n";
        const auto info = InspectParser::parse(line);
        QVERIFY(info);
        QCOMPARE(info->name, QStringLiteral("pangolin"));
        QCOMPARE(info->image, QStringLiteral("ghcr.io/acme/pangolin:1.4"));
        QCOMPARE(info->status, QStringLiteral("exited"));
        QCOMPARE(info->running, false);
        QCOMPARE(info->oomKilled, true);
        QCOMPARE(info->exitCode, 137);
        QCOMPARE(info->health, QStringLiteral("unhealthy"));
        QCOMPARE(info->restartCount, 4);
        QCOMPARE(info->finishedAtMs, utcMs(2026, 11, 27, 13, 0, 0));
        QVERIFY(std::isnan(info->memLimitBytes)); // 0 = unlimited
        QCOMPARE(info->nodeOptionsKnown, true);
        QCOMPARE(info->nodeOptions, QStringLiteral("--max_old_space_size 512"));
        QCOMPARE(info->heapLimitMiB, 512.0);

        // No NODE_OPTIONS in the environment: known, empty, no limit.
        const auto none = InspectParser::parse(R"({"Id":"x","State":{"Status":"running"},"NodeOptions":""})");
        QVERIFY(none);
        QCOMPARE(none->nodeOptionsKnown, true);
        QVERIFY(none->nodeOptions.isEmpty());
        QVERIFY(std::isnan(none->heapLimitMiB));
        QCOMPARE(none->exitCode, -1);
        QCOMPARE(none->restartCount, -1);
        QCOMPARE(none->health, QStringLiteral("none"));
    }

    void podmanShape()
    {
        // podman inspect: no leading '/', ImageName, Go time.String() timestamps, Healthcheck (podman < 4).
        const auto info = InspectParser::parse(
            R"([{"Id":"6f70f8e18d04","Name":"pangolin","ImageName":"docker.io/library/node:20",)"
            R"("State":{"Status":"running","Running":true,"OOMKilled":false,"ExitCode":0,)"
            R"("StartedAt":"2026-11-27 12:20:33.836543581 +0000 UTC","FinishedAt":"0001-01-01 00:00:00 +0000 UTC",)"
            R"("Healthcheck":{"Status":"healthy"}},"RestartCount":1,"HostConfig":{"Memory":901775360},)"
            R"("Config":{"Image":"","Env":["A=1","NODE_OPTIONS=--inspect --max-old-space-size=256"]}}])");
        QVERIFY(info);
        QCOMPARE(info->image, QStringLiteral("docker.io/library/node:20"));
        QCOMPARE(info->startedAtMs, utcMs(2026, 11, 27, 12, 20, 33, 836));
        QCOMPARE(info->finishedAtMs, qint64(-1));
        QCOMPARE(info->health, QStringLiteral("healthy"));
        QCOMPARE(info->heapLimitMiB, 256.0);
        QCOMPARE(info->nodeOptions, QStringLiteral("--inspect --max-old-space-size=256"));

        const auto noEnv = InspectParser::parse(R"({"Id":"x","State":{},"Config":{}})");
        QVERIFY(noEnv);
        QCOMPARE(noEnv->nodeOptionsKnown, false);
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addRow("empty") << QByteArray();
        QTest::addRow("not json") << QByteArray("Error: No such object: pangolin");
        QTest::addRow("empty array") << QByteArray("[]");
        QTest::addRow("array of numbers") << QByteArray("[1,2]");
        QTest::addRow("no State") << QByteArray(R"({"Id":"x"})");
        QTest::addRow("no Id") << QByteArray(R"({"State":{}})");
        QTest::addRow("string") << QByteArray(R"("x")");
        // Plain strings: moc miscounts braces inside unbalanced raw strings.
        QTest::addRow("cut off") << QByteArray("[{\"Id\":\"x\",\"State\":{\"Status\":\"run");
    }

    void rejects()
    {
        QFETCH(QByteArray, json);
        QString error;
        QVERIFY(!InspectParser::parse(json, &error));
        QVERIFY(!error.isEmpty());
    }

    void timestamps_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<qint64>("ms");
        QTest::addRow("docker") << QByteArray("2026-11-27T12:20:33.836543581Z") << utcMs(2026, 11, 27, 12, 20, 33, 836);
        QTest::addRow("podman") << QByteArray("2026-11-27 12:20:33.836543581 +0000 UTC")
                                << utcMs(2026, 11, 27, 12, 20, 33, 836);
        QTest::addRow("podman offset") << QByteArray("2026-11-27 13:20:33 +0100 CET")
                                       << utcMs(2026, 11, 27, 12, 20, 33);
        QTest::addRow("podman monotonic")
            << QByteArray("2026-11-27 12:20:33.5 +0000 UTC m=+0.001") << utcMs(2026, 11, 27, 12, 20, 33, 500);
        QTest::addRow("zero docker") << QByteArray("0001-01-01T00:00:00Z") << qint64(-1);
        QTest::addRow("zero podman") << QByteArray("0001-01-01 00:00:00 +0000 UTC") << qint64(-1);
        QTest::addRow("garbage") << QByteArray("soon") << qint64(-1);
        QTest::addRow("podman no zone") << QByteArray("2026-11-27 12:20:33") << qint64(-1);
        QTest::addRow("empty") << QByteArray() << qint64(-1);
    }

    void timestamps()
    {
        QFETCH(QByteArray, text);
        QFETCH(qint64, ms);
        QCOMPARE(InspectParser::parseTimestampMs(text), ms);
    }

    void heapLimit_data()
    {
        QTest::addColumn<QString>("options");
        QTest::addColumn<double>("mib");
        const double nan = std::numeric_limits<double>::quiet_NaN();
        QTest::addRow("equals") << QStringLiteral("--max-old-space-size=384") << 384.0;
        QTest::addRow("underscores") << QStringLiteral("--max_old_space_size=1024") << 1024.0;
        QTest::addRow("space") << QStringLiteral("--max-old-space-size 2048") << 2048.0;
        QTest::addRow("among others") << QStringLiteral("--enable-source-maps --max-old-space-size=768 --inspect")
                                      << 768.0;
        QTest::addRow("last wins") << QStringLiteral("--max-old-space-size=256 --max-old-space-size=512") << 512.0;
        QTest::addRow("quoted") << QStringLiteral("\"--max-old-space-size=300\"") << 300.0;
        QTest::addRow("absent") << QStringLiteral("--inspect") << nan;
        QTest::addRow("empty") << QString() << nan;
        QTest::addRow("no value") << QStringLiteral("--max-old-space-size") << nan;
        QTest::addRow("garbage value") << QStringLiteral("--max-old-space-size=lots") << nan;
        QTest::addRow("zero") << QStringLiteral("--max-old-space-size=0") << nan;
        QTest::addRow("semi-space is not old-space") << QStringLiteral("--max-semi-space-size=64") << nan;
    }

    void heapLimit()
    {
        QFETCH(QString, options);
        QFETCH(double, mib);
        const double got = InspectParser::heapLimitFromNodeOptions(options);
        if (std::isnan(mib))
            QVERIFY2(std::isnan(got), qPrintable(QString::number(got)));
        else
            QCOMPARE(got, mib);
    }

    // The template runs on servers we cannot reach from here; check what can be checked offline.
    void templateShape()
    {
        const QByteArray t = InspectParser::inspectTemplate();
        QVERIFY(!t.contains('\'')); // wrapped in single quotes for the remote shell
        QVERIFY(!t.contains("{{{")); // Go's lexer would take "{{" + "{…" as an action
        QVERIFY(!t.contains('\n'));
        // Every action closes before the next one opens (Go's lexer ends an action at the first "}}").
        int actions = 0;
        for (qsizetype open = t.indexOf("{{"); open >= 0; open = t.indexOf("{{", open + 2)) {
            const qsizetype close = t.indexOf("}}", open + 2);
            QVERIFY(close > open);
            const qsizetype next = t.indexOf("{{", open + 2);
            QVERIFY(next < 0 || next > close);
            ++actions;
        }
        QCOMPARE(actions, 13);
        QVERIFY(t.contains("{{json .State}}"));
        QVERIFY(t.contains("{{json .ID}}")); // podman's Go field; `.Id` fails there
        QVERIFY(t.contains("{{json .HostConfig.Memory}}"));
        QVERIFY(t.contains("{{range .Config.Env}}"));
        QVERIFY(!t.contains("{{json .Config.Env}}")); // the environment itself is never printed
        QVERIFY(t.startsWith("{\"Id\":"));
        QVERIFY(t.endsWith("{{json $n}}}"));
        // Replacing each action by a JSON value must leave valid JSON with the keys parse() reads.
        QByteArray filled = t;
        filled.replace("{{$n := \"\"}}", "");
        filled.replace("{{json .State}}", R"({"Status":"running"})");
        qsizetype open;
        while ((open = filled.indexOf("{{range")) >= 0)
            filled.remove(open, filled.indexOf("{{end}}{{end}}") + 14 - open);
        while ((open = filled.indexOf("{{json")) >= 0)
            filled.replace(open, filled.indexOf("}}", open) + 2 - open, "\"x\"");
        QJsonParseError error;
        const QJsonObject o = QJsonDocument::fromJson(filled, &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError,
                 qPrintable(error.errorString() + QLatin1Char(' ') + QString::fromUtf8(filled)));
        const QStringList keys {QStringLiteral("HostConfig"),  QStringLiteral("Id"),
                                QStringLiteral("ImageName"),   QStringLiteral("Name"),
                                QStringLiteral("NodeOptions"), QStringLiteral("RestartCount"),
                                QStringLiteral("State")};
        QCOMPARE(o.keys(), keys);
        QVERIFY(InspectParser::parse(filled));
    }

    void events_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<ContainerEvent::Kind>("kind");
        QTest::addColumn<QString>("id");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("detail");
        QTest::addColumn<qint64>("atMs");

        const QList<QByteArray> dockerLines = fixtureLines(QFINDTESTDATA("../fixtures/synthetic/docker-events.jsonl"));
        const QList<QByteArray> podmanLines = fixtureLines(QFINDTESTDATA("../fixtures/synthetic/podman-events.jsonl"));
        QCOMPARE(dockerLines.size(), 8);
        QCOMPARE(podmanLines.size(), 7);
        using K = ContainerEvent::Kind;
        const QString id = QStringLiteral("dbabfe853db9feea8912fbaedef48ab0bea89e853b1e4d6f1f3e1af15954ca18");
        const qint64 t = 1764246033123; // timeNano 1764246033123456789
        QTest::addRow("docker start") << dockerLines[0] << K::Start << id << -1 << "start" << t;
        QTest::addRow("docker die") << dockerLines[1] << K::Die << id << 137 << "die" << t + 1000;
        QTest::addRow("docker oom") << dockerLines[2] << K::Oom << id << -1 << "oom" << t + 2000;
        QTest::addRow("docker restart") << dockerLines[3] << K::Restart << id << -1 << "restart" << t + 3000;
        QTest::addRow("docker healthy") << dockerLines[4] << K::Health << id << -1 << "healthy" << t + 4000;
        QTest::addRow("docker unhealthy") << dockerLines[5] << K::Health << id << -1 << "unhealthy" << t + 5000;
        QTest::addRow("docker kill") << dockerLines[6] << K::Other << id << -1 << "kill" << t + 6000;
        QTest::addRow("docker image pull")
            << dockerLines[7] << K::Other << QStringLiteral("node:20") << -1 << "pull" << qint64(1764246040000);

        const QString pid = QStringLiteral("6f70f8e18d04aa55d7c0e0d7a1f4a3c8d3c1b0e1f2a3b4c5d6e7f8091a2b3c4d");
        QTest::addRow("podman 4 start") << podmanLines[0] << K::Start << pid << -1 << "start"
                                        << utcMs(2026, 11, 27, 12, 25, 36, 905);
        QTest::addRow("podman 4 died") << podmanLines[1] << K::Die << pid << 137 << "died"
                                       << utcMs(2026, 11, 27, 12, 30, 0, 1);
        QTest::addRow("podman 4 restart")
            << podmanLines[2] << K::Restart << pid << -1 << "restart" << utcMs(2026, 11, 27, 12, 30, 1);
        QTest::addRow("podman 4 health") << podmanLines[3] << K::Health << pid << -1 << "unhealthy"
                                         << utcMs(2026, 11, 27, 12, 31, 0);
        QTest::addRow("podman 5 died") << podmanLines[4] << K::Die << pid << 134 << "died" << t;
        QTest::addRow("podman 5 health") << podmanLines[5] << K::Health << pid << -1 << "healthy" << t;
        // podman 4 omits ContainerExitCode when it is 0 (`json:",omitempty"`): the code is unknown, not 0.
        QTest::addRow("podman 4 died, no exit code")
            << podmanLines[6] << K::Die << pid << -1 << "died" << utcMs(2026, 11, 27, 12, 40, 0);

        // podman 4.3.1's own events file (the file events logger), as the events file reader passes its lines on:
        // captured, one container's create, init, start, exec, exec_died, died (exit 137) and remove.
        const QList<QByteArray> fileLines = fixtureLines(QFINDTESTDATA("../fixtures/podman-cli-4.3.1/events-file.log"));
        QCOMPARE(fileLines.size(), 7);
        const QString fid = QStringLiteral("201fc3f0814642d5a48ebcd1e1e7772a5cdd1c2d4ea83828374e9fd51ee71f2c");
        QTest::addRow("podman file create")
            << fileLines[0] << K::Other << fid << -1 << "create" << utcMs(2026, 12, 6, 5, 46, 31, 276);
        QTest::addRow("podman file start")
            << fileLines[2] << K::Start << fid << -1 << "start" << utcMs(2026, 12, 6, 5, 46, 31, 619);
        // An exec's end is not the container's: its exit code (3) is not the container's either.
        QTest::addRow("podman file exec_died")
            << fileLines[4] << K::Other << fid << 3 << "exec_died" << utcMs(2026, 12, 6, 5, 47, 17, 475);
        QTest::addRow("podman file died")
            << fileLines[5] << K::Die << fid << 137 << "died" << utcMs(2026, 12, 6, 5, 48, 16, 607);
        QTest::addRow("podman file remove")
            << fileLines[6] << K::Other << fid << -1 << "remove" << utcMs(2026, 12, 6, 5, 48, 16, 916);
    }

    void events()
    {
        QFETCH(QByteArray, line);
        QFETCH(ContainerEvent::Kind, kind);
        QFETCH(QString, id);
        QFETCH(int, exitCode);
        QFETCH(QString, detail);
        QFETCH(qint64, atMs);
        const auto ev = EventParser::parseLine(line);
        QVERIFY(ev);
        QCOMPARE(ev->kind, kind);
        QCOMPARE(ev->containerId, id);
        QCOMPARE(ev->exitCode, exitCode);
        QCOMPARE(ev->detail, detail);
        QCOMPARE(ev->atMs, atMs);
    }

    void badEvents_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addRow("empty") << QByteArray();
        QTest::addRow("text") << QByteArray("2026-11-27T12:25:36 container die pangolin");
        QTest::addRow("cut off") << QByteArray("{\"status\":\"die\",\"id\":\"abc");
        QTest::addRow("array") << QByteArray("[]");
        QTest::addRow("no action") << QByteArray(R"({"id":"abc","Type":"container"})");
    }

    void badEvents()
    {
        QFETCH(QByteArray, line);
        QVERIFY(!EventParser::parseLine(line));
    }
};

QTEST_GUILESS_MAIN(TestInspectParser)
#include "tst_inspectparser.moc"
