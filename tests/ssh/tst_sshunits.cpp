// The pieces of the SSH layer that need no server: target parsing and validation, shell quoting (checked by
// a real /bin/sh), the command wrapper's watchdog (run locally), boundary de-duplication, the backoff, and the
// bounded hand-off of ContainerStreams under a log flood (with a fake command runner).
#include "Backoff.h"
#include "ContainerStreams.h"
#include "LogResumer.h"
#include "RemoteCommands.h"
#include "SourceFactory.h"
#include "TargetSpec.h"
#include "TargetState.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <algorithm>
#include <memory>
#include <numeric>
#include <signal.h>
#include <unistd.h>

using namespace heapwatch;

namespace {

// Starts nothing: ContainerStreams is fed by hand.
class FakeRunner : public CommandRunner
{
public:
    bool startCommand(int role, const RemoteCommand& command, QString*) override
    {
        started.push_back(role);
        commands.push_back(command);
        return true;
    }
    void stopCommand(int) override { }
    std::vector<int> started;
    std::vector<RemoteCommand> commands; // beside started: what each start ran
    // The command lines of a role's starts, in order.
    QStringList commandLines(int role) const
    {
        QStringList out;
        for (size_t i = 0; i < started.size(); ++i) {
            if (started[i] == role)
                out << QString::fromUtf8(commands[i].sshCommandLine());
        }
        return out;
    }
};

// Line i of a flood: the mix of tests/ssh/fake-docker.sh (10 Memory, 4 Cache, 3 warn, 2 error, 1 overflow).
qint64 floodLineNs(qint64 i)
{
    return 1795000000000000000LL + i * 10000; // 2026-11-18, 10 us apart
}

QByteArray floodLine(qint64 i)
{
    const qint64 ns = floodLineNs(i);
    const QByteArray ts = QDateTime::fromMSecsSinceEpoch(ns / 1000000, QTimeZone::utc())
                              .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"))
                              .toLatin1()
        + '.' + QByteArray::number(ns % 1000000000).rightJustified(9, '0') + 'Z';
    const qint64 k = i % 20;
    QByteArray text;
    if (k < 10)
        text = "[info]: Memory: RSS=" + QByteArray::number(double(3000 + i % 700) / 10, 'f', 1)
            + "MB, Heap=212.7MB/218.0MB, External=17.6MB, ArrayBuffers=13.6MB";
    else if (k < 14)
        text = "[info]: Cache stats - Keys: 2, Hits: " + QByteArray::number(i) + ", Misses: 1, Hit rate: 75.00%";
    else if (k < 17)
        text = "[warn]: Slow query #" + QByteArray::number(i);
    else if (k < 19)
        text = "[error]: Failed to flush audit logs (attempt " + QByteArray::number(i) + ")";
    else
        text = "[warn]: Audit log buffer overflow - dropped 4 entries (" + QByteArray::number(4 * (i / 20 + 1))
            + " total dropped)";
    return ts + ' ' + text + '\n';
}

// ContainerStreams fed by hand: a connection whose inspect succeeded, every batch collected.
struct StreamsHarness
{
    std::vector<IngestBatch> batches;
    FakeRunner runner;
    std::unique_ptr<ContainerStreams> streams;

    explicit StreamsHarness(int backfillMaxLines = 100000, const QString& container = QStringLiteral("pangolin"))
    {
        ContainerStreams::Callbacks cb;
        cb.batch = [this](IngestBatch&& b) { batches.push_back(std::move(b)); };
        StreamsConfig config;
        config.container = container;
        config.backfillMaxLines = backfillMaxLines;
        streams = std::make_unique<ContainerStreams>(config, std::move(cb));
    }
    // A (re)connection: inspect answers, the logs run (backfill first, then the resumed follower).
    void connect()
    {
        streams->attach(&runner, QStringLiteral("docker"));
        streams->onOutput(ContainerStreams::Inspect, LogStream::Stdout,
                          "{\"Id\":\"abc\",\"Name\":\"/pangolin\",\"State\":{\"Status\":\"running\",\"Running\":"
                          "true,\"StartedAt\":\"2026-11-18T00:00:00Z\"},\"RestartCount\":0,\"HostConfig\":"
                          "{\"Memory\":0}}\n");
        streams->onFinished(ContainerStreams::Inspect, 0);
    }
    void feed(ContainerStreams::Role role, const QByteArray& bytes, LogStream stream = LogStream::Stdout)
    {
        streams->onOutput(role, stream, bytes);
    }
    // Everything delivered so far: records, counters, gaps.
    std::vector<LogRecord> records() const
    {
        std::vector<LogRecord> all;
        for (const IngestBatch& b : batches)
            all.insert(all.end(), b.logs.begin(), b.logs.end());
        return all;
    }
    ParseCounters counters() const
    {
        ParseCounters c;
        for (const IngestBatch& b : batches)
            c += b.logCounters;
        return c;
    }
    std::vector<LogGap> gaps() const
    {
        std::vector<LogGap> all;
        for (const IngestBatch& b : batches)
            all.insert(all.end(), b.gaps.begin(), b.gaps.end());
        return all;
    }
};

// A `docker logs -t` line at ns with a Memory: line whose RSS tells which line it is.
QByteArray memoryLine(qint64 ns, int id)
{
    return RemoteCommands::rfc3339Nano(ns).toLatin1() + " [info]: Memory: RSS=" + QByteArray::number(id)
        + ".0MB, Heap=212.7MB/218.0MB, External=17.6MB, ArrayBuffers=13.6MB\n";
}

std::vector<int> memoryIds(const std::vector<LogRecord>& records)
{
    std::vector<int> ids;
    for (const LogRecord& r : records) {
        if (r.kind == LogKind::Memory)
            ids.push_back(qRound(r.memory.rssMiB));
    }
    return ids;
}

} // namespace

class TestSshUnits : public QObject
{
    Q_OBJECT

private:
    // A fake `docker` that records its arguments (one per line) and then behaves as asked by $MODE.
    QString makeArgsRecorder(const QTemporaryDir& dir)
    {
        const QString path = dir.filePath(QStringLiteral("docker"));
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        f.write(
            "#!/bin/bash\n"
            "echo $$ > \"$OUT.pid\"\n"
            "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$OUT\"\n"
            "case \"$MODE\" in\n"
            "  hang) trap '' TERM; while :; do sleep 0.1; done ;;\n"
            "  lines) echo '2026-11-27T12:00:00Z x [info]: Memory: RSS=1MB, Heap=1MB/2MB, External=1MB, "
            "ArrayBuffers=1MB';"
            "         echo '2026-11-27T12:00:00Z x [info]: GET /health 200';"
            "         echo '2026-11-27T12:00:01Z x [warn]: careful' >&2; echo '2026-11-27T12:00:01Z x noise' >&2 ;;\n"
            "esac\n");
        f.close();
        f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        return path;
    }

    QProcessEnvironment envWith(const QTemporaryDir& dir, const QString& mode)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PATH"), dir.path() + QStringLiteral(":/usr/bin:/bin"));
        env.insert(QStringLiteral("OUT"), dir.filePath(QStringLiteral("args")));
        env.insert(QStringLiteral("MODE"), mode);
        return env;
    }

private Q_SLOTS:
    void targetSpec_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("container");
        QTest::addRow("full url") << "ssh://ops@web1.example.com:2222/pangolin" << true << 0 << "ops"
                                  << "web1.example.com" << 2222 << "pangolin";
        QTest::addRow("url no user") << "ssh://127.0.0.1/pangolin" << true << 0 << ""
                                     << "127.0.0.1" << 0 << "pangolin";
        QTest::addRow("alias") << "web1/my_app.v2-1" << true << 0 << ""
                               << "web1" << 0 << "my_app.v2-1";
        QTest::addRow("user@alias") << "root@web1/app" << true << 0 << "root"
                                    << "web1" << 0 << "app";
        QTest::addRow("ipv6") << "ssh://[::1]:22/app" << true << 0 << ""
                              << "::1" << 22 << "app";
        QTest::addRow("local") << "local/pangolin" << true << 1 << ""
                               << "" << 0 << "pangolin";
        QTest::addRow("no container") << "ssh://host" << false << 0 << ""
                                      << "" << 0 << "";
        QTest::addRow("empty container") << "host/" << false << 0 << ""
                                         << "" << 0 << "";
        QTest::addRow("semicolon") << "ssh://root@127.0.0.1:2222/pangolin;touch /tmp/x" << false << 0 << ""
                                   << "" << 0 << "";
        QTest::addRow("subst") << "host/$(touch /tmp/x)" << false << 0 << ""
                               << "" << 0 << "";
        QTest::addRow("backticks") << "host/`touch /tmp/x`" << false << 0 << ""
                                   << "" << 0 << "";
        QTest::addRow("quote") << "host/pan'golin" << false << 0 << ""
                               << "" << 0 << "";
        QTest::addRow("double quote") << "host/pan\"golin" << false << 0 << ""
                                      << "" << 0 << "";
        QTest::addRow("newline") << "host/pangolin\ntouch /tmp/x" << false << 0 << ""
                                 << "" << 0 << "";
        QTest::addRow("space") << "host/pan golin" << false << 0 << ""
                               << "" << 0 << "";
        QTest::addRow("leading dash") << "host/-pangolin" << false << 0 << ""
                                      << "" << 0 << "";
        QTest::addRow("leading dot") << "host/.pangolin" << false << 0 << ""
                                     << "" << 0 << "";
        QTest::addRow("host option") << "ssh://-oProxyCommand=x/app" << false << 0 << ""
                                     << "" << 0 << "";
        QTest::addRow("bad port") << "ssh://h:99999/app" << false << 0 << ""
                                  << "" << 0 << "";
    }

    void targetSpec()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QString error;
        const auto spec = TargetSpec::parse(text, &error);
        QCOMPARE(spec.has_value(), valid);
        if (!valid) {
            QVERIFY(!error.isEmpty());
            return;
        }
        QFETCH(int, kind);
        QFETCH(QString, user);
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QString, container);
        QCOMPARE(int(spec->kind), kind);
        QCOMPARE(spec->user, user);
        QCOMPARE(spec->host, host);
        QCOMPARE(spec->port, port);
        QCOMPARE(spec->container, container);
    }

    void hostAloneForListing_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addRow("ssh url") << "ssh://ops@web1:2222/" << true << "web1" << 2222;
        QTest::addRow("alias") << "web1/" << true << "web1" << 0;
        QTest::addRow("this machine") << "local/" << true << "" << 0;
        QTest::addRow("a container is still checked") << "web1/a;b" << false << "" << 0;
        QTest::addRow("no slash") << "web1" << false << "" << 0;
    }
    void hostAloneForListing()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(QString, host);
        QFETCH(int, port);
        QString error;
        // A live target always names its container; listing a host's containers does not.
        QVERIFY(!TargetSpec::parse(text, &error));
        const auto spec = TargetSpec::parse(text, &error, TargetSpec::Container::Optional);
        QCOMPARE(spec.has_value(), ok);
        if (!ok)
            return;
        QCOMPARE(spec->host, host);
        QCOMPARE(spec->port, port);
        QVERIFY(spec->container.isEmpty());
    }

    void factoryRefusesBadNames()
    {
        for (const QString& bad : {QStringLiteral("ssh://root@127.0.0.1:1/pangolin;touch /tmp/x"),
                                   QStringLiteral("local/$(id)"), QStringLiteral("h/a`b`"), QStringLiteral("h/a'b")}) {
            TargetConfig o;
            SourceContext ctx;
            o.location = bad;
            QString error;
            QVERIFY(!createSource(o, ctx, &error));
            QVERIFY2(error.contains(QLatin1String("nothing was run")) || error.contains(QLatin1String("invalid")),
                     qPrintable(error));
        }
        TargetConfig o;
        SourceContext ctx;
        o.location = QStringLiteral("h/app");
        o.engine = QStringLiteral("lxc");
        QString error;
        QVERIFY(!createSource(o, ctx, &error));
        QVERIFY(error.contains(QLatin1String("engine")));
    }

    void shellQuoteSurvivesSh_data()
    {
        QTest::addColumn<QString>("arg");
        QTest::addRow("plain") << "pangolin";
        QTest::addRow("quote") << "it's";
        QTest::addRow("quotes") << "''\"\"'";
        QTest::addRow("subst") << "$(touch /tmp/heapwatch-canary)";
        QTest::addRow("backticks") << "`touch /tmp/heapwatch-canary`";
        QTest::addRow("separators") << "a;b&&c||d|e>f<g";
        QTest::addRow("newline") << "a\nb";
        QTest::addRow("glob") << "* ? [a]";
        QTest::addRow("template") << QString::fromLatin1(RemoteCommands::logFilterPattern());
        QTest::addRow("empty") << "";
    }

    void shellQuoteSurvivesSh()
    {
        QFETCH(QString, arg);
        QProcess sh;
        sh.start(QStringLiteral("/bin/sh"),
                 {QStringLiteral("-c"), QStringLiteral("printf '%s|' ") + RemoteCommands::shellQuote(arg)});
        QVERIFY(sh.waitForFinished(5000));
        QCOMPARE(QString::fromUtf8(sh.readAllStandardOutput()), arg + QLatin1Char('|'));
        QVERIFY(!QFile::exists(QStringLiteral("/tmp/heapwatch-canary")));
    }

    // The exact command line sent over SSH, run by a login shell: the engine gets every argument verbatim.
    void commandLineDeliversArguments()
    {
        QTemporaryDir dir;
        makeArgsRecorder(dir);
        const RemoteCommands commands(QStringLiteral("docker"), false, QStringLiteral("pangolin"));
        for (const RemoteCommand& c : {commands.inspect(), commands.stats(), commands.events(),
                                       commands.logs(QStringLiteral("2026-11-27T12:00:00.000000001Z"), 100, true)}) {
            QProcess sh;
            sh.setProcessEnvironment(envWith(dir, QStringLiteral("exit")));
            sh.start(QStringLiteral("/bin/bash"), {QStringLiteral("-c"), QString::fromUtf8(c.sshCommandLine())});
            QVERIFY(sh.waitForStarted());
            QVERIFY2(sh.waitForFinished(5000), c.sshCommandLine().constData());
            QFile out(dir.filePath(QStringLiteral("args")));
            QVERIFY(out.open(QIODevice::ReadOnly));
            QStringList got = QString::fromUtf8(out.readAll()).split(QLatin1Char('\n'));
            got.removeLast();
            QCOMPARE(got, c.argv.mid(1));
        }
    }

    // Hostile names never reach RemoteCommands through the factory; if one did, quoting alone still holds.
    void hostileContainerStaysOneArgument()
    {
        QTemporaryDir dir;
        makeArgsRecorder(dir);
        const QString canary = dir.filePath(QStringLiteral("canary"));
        const QString hostile = QStringLiteral("x';touch %1;'$(touch %1)`touch %1`\ny").arg(canary);
        const RemoteCommand c = RemoteCommands(QStringLiteral("docker"), false, hostile).inspect();
        QProcess sh;
        sh.setProcessEnvironment(envWith(dir, QStringLiteral("exit")));
        sh.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QString::fromUtf8(c.sshCommandLine())});
        QVERIFY(sh.waitForFinished(5000));
        QVERIFY(!QFile::exists(canary));
        QFile out(dir.filePath(QStringLiteral("args")));
        QVERIFY(out.open(QIODevice::ReadOnly));
        QVERIFY(QString::fromUtf8(out.readAll()).endsWith(hostile + QLatin1Char('\n')));
    }

    // The cgroup loop's arguments are numbers and hex digits, checked on both sides: a hostile ID never reaches
    // the script, and the script refuses what is not a PID of a container it can see, under bash and dash.
    void cgroupLoopRefusesWhatItCannotRead_data()
    {
        QTest::addColumn<QString>("shell");
        QTest::addColumn<qint64>("pid");
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("expected");
        const QString id = QStringLiteral("dbabfe853db9feea8912fbaedef48ab0bea89e853b1e4d6f1f3e1af15954ca18");
        const qint64 self = QCoreApplication::applicationPid();
        for (const QString& shell : {QStringLiteral("/bin/bash"), QStringLiteral("/bin/sh")}) {
            QTest::addRow("%s: hostile id", qPrintable(shell))
                << shell << self << QStringLiteral("x';touch CANARY;'$(touch CANARY)") << "hw1 none bad-arguments\n";
            QTest::addRow("%s: upper-case id", qPrintable(shell))
                << shell << self << id.toUpper() << "hw1 none bad-arguments\n";
            QTest::addRow("%s: no such process", qPrintable(shell))
                << shell << qint64(999999999) << id << "hw1 none no-process\n";
            QTest::addRow("%s: negative pid", qPrintable(shell))
                << shell << qint64(-5) << id << "hw1 none no-process\n";
            // Our own cgroup is not the container's: its path does not carry the container's ID.
            QTest::addRow("%s: not the container's cgroup", qPrintable(shell))
                << shell << self << id << "hw1 none not-readable\n";
        }
    }

    void cgroupLoopRefusesWhatItCannotRead()
    {
        QFETCH(QString, shell);
        QFETCH(qint64, pid);
        QFETCH(QString, id);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString canary = dir.filePath(QStringLiteral("canary"));
        id.replace(QLatin1String("CANARY"), canary);
        const RemoteCommand c = RemoteCommands::cgroupStats(pid, id, 1, 4);
        QVERIFY(!c.sshCommandLine().contains(canary.toUtf8()));
        QProcess sh;
        sh.start(shell, {QStringLiteral("-c"), QString::fromUtf8(c.sshCommandLine())});
        sh.closeWriteChannel();
        QVERIFY(sh.waitForFinished(5000));
        QCOMPARE(QString::fromUtf8(sh.readAllStandardOutput()), expected);
        QVERIFY(!QFile::exists(canary));
    }

    // The events stream asks for every change of the container's presence under the engine's own names, so
    // that a stop, pause or removal is seen at once and not at the next inspect poll. The docker CLI may talk
    // to podman's Docker API, which filters on podman's names ("died", "remove"): it asks for both spellings.
    // (Seen on Debian 12: docker 20.10 CLI on podman 4.3's API got no "die" event for `--filter event=die`.)
    void eventsAskForEveryPresenceChange_data()
    {
        QTest::addColumn<QString>("engine");
        QTest::addColumn<QStringList>("wanted");
        QTest::addColumn<QStringList>("unwanted");
        const QStringList common {QStringLiteral("died"),    QStringLiteral("oom"),          QStringLiteral("start"),
                                  QStringLiteral("restart"), QStringLiteral("pause"),        QStringLiteral("unpause"),
                                  QStringLiteral("remove"),  QStringLiteral("health_status")};
        QTest::addRow("docker") << QStringLiteral("docker")
                                << common + QStringList {QStringLiteral("die"), QStringLiteral("destroy")}
                                << QStringList();
        QTest::addRow("podman") << QStringLiteral("podman") << common
                                << QStringList {QStringLiteral("die"), QStringLiteral("destroy")};
        QTest::addRow("podman by path") << QStringLiteral("/usr/bin/podman") << common
                                        << QStringList {QStringLiteral("die")};
    }
    void eventsAskForEveryPresenceChange()
    {
        QFETCH(QString, engine);
        QFETCH(QStringList, wanted);
        QFETCH(QStringList, unwanted);
        const QStringList argv = RemoteCommands(engine, false, QStringLiteral("badger")).events().argv;
        QStringList kinds;
        for (qsizetype i = 0; i + 1 < argv.size(); ++i) {
            if (argv[i] == QLatin1String("--filter") && argv[i + 1].startsWith(QLatin1String("event=")))
                kinds << argv[i + 1].mid(6);
        }
        QVERIFY2(argv.contains(QStringLiteral("container=badger")), qPrintable(argv.join(QLatin1Char(' '))));
        for (const QString& k : wanted)
            QVERIFY2(kinds.contains(k), qPrintable(k + QStringLiteral(" missing: ") + kinds.join(QLatin1Char(' '))));
        for (const QString& k : unwanted)
            QVERIFY2(!kinds.contains(k), qPrintable(k));
        QCOMPARE(kinds.removeDuplicates(), 0);
    }

    // The server-side filter keeps the lines the core needs on their own stream and drops the rest; a history
    // read (not a follower) ends each stream with the count of lines the engine wrote before the filter.
    void filterKeepsStreamsApart_data()
    {
        QTest::addColumn<bool>("follow");
        QTest::addRow("history read, counted") << false;
        QTest::addRow("follower") << true;
    }
    void filterKeepsStreamsApart()
    {
        QFETCH(bool, follow);
        QTemporaryDir dir;
        makeArgsRecorder(dir);
        const RemoteCommand c = RemoteCommands(QStringLiteral("docker"), false, QStringLiteral("p"))
                                    .logs(QStringLiteral("1h"), 10, follow);
        QProcess sh;
        sh.setProcessEnvironment(envWith(dir, QStringLiteral("lines")));
        sh.start(c.localProgram(), c.localArguments());
        QVERIFY(sh.waitForFinished(5000));
        const QByteArray count = follow ? QByteArray() : QByteArray(RemoteCommands::kLineCountMarker) + " 2\n";
        QCOMPARE(
            sh.readAllStandardOutput(),
            QByteArray("2026-11-27T12:00:00Z x [info]: Memory: RSS=1MB, Heap=1MB/2MB, External=1MB, ArrayBuffers=1MB\n")
                + count);
        QCOMPARE(sh.readAllStandardError(), QByteArray("2026-11-27T12:00:01Z x [warn]: careful\n") + count);
    }

    // The watchdog: an engine that ignores SIGTERM and never writes still ends when stdin closes.
    // --sudo: sudo runs the engine and nothing else (sudoers can grant /usr/bin/docker alone); the wrapper
    // stays the login user's. A fake sudo in the PATH records what it was asked to run.
    void sudoRunsOnlyTheEngine()
    {
        QTemporaryDir dir;
        makeArgsRecorder(dir);
        QFile fake(dir.filePath(QStringLiteral("sudo")));
        QVERIFY(fake.open(QIODevice::WriteOnly));
        fake.write("#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$OUT.sudo\"\n"
                   "[ \"$1\" = -n ] || exit 1\nshift\nexec \"$@\"\n");
        fake.close();
        fake.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        const RemoteCommands commands(QStringLiteral("docker"), true, QStringLiteral("pangolin"));
        for (const RemoteCommand& c : {commands.inspect(), commands.stats(), commands.events(),
                                       commands.logs(QStringLiteral("3600s"), 100, false)}) {
            // Not `sudo -n sh …`: the shell stays the user's, sudo gets the engine's argv.
            QVERIFY2(c.sshCommandLine().startsWith("exec sh '-c' "), c.sshCommandLine().constData());
            QVERIFY(c.sshCommandLine().contains(" 'sh' 'sudo' '-n' 'docker' "));
            QCOMPARE(c.localProgram(), QStringLiteral("/bin/sh"));
            for (bool overSsh : {true, false}) {
                QFile::remove(dir.filePath(QStringLiteral("args.sudo")));
                QProcess sh;
                sh.setProcessEnvironment(envWith(dir, QStringLiteral("exit")));
                if (overSsh)
                    sh.start(QStringLiteral("/bin/bash"),
                             {QStringLiteral("-c"), QString::fromUtf8(c.sshCommandLine())});
                else
                    sh.start(c.localProgram(), c.localArguments());
                QVERIFY(sh.waitForFinished(5000));
                QFile asked(dir.filePath(QStringLiteral("args.sudo")));
                QVERIFY(asked.open(QIODevice::ReadOnly));
                QStringList got = QString::fromUtf8(asked.readAll()).split(QLatin1Char('\n'));
                got.removeLast();
                QCOMPARE(got, QStringList {QStringLiteral("-n")} + c.argv);
                QCOMPARE(got.at(1), QStringLiteral("docker"));
            }
        }
    }

    void wrapperKillsEngineWhenStdinCloses_data()
    {
        QTest::addColumn<bool>("filtered");
        QTest::addColumn<bool>("sudo");
        QTest::addRow("plain") << false << false;
        QTest::addRow("filtered") << true << false;
        // The engine runs as root under sudo: the login user cannot KILL it, only ask sudo to pass TERM on.
        // The fake engine ignores TERM twice (as the docker CLI does while streaming) and gives up at the third.
        QTest::addRow("sudo") << false << true;
        QTest::addRow("sudo filtered") << true << true;
    }

    void wrapperKillsEngineWhenStdinCloses()
    {
        QFETCH(bool, filtered);
        QFETCH(bool, sudo);
        QTemporaryDir dir;
        QString engine = QStringLiteral("docker");
        if (sudo) {
            if (QStandardPaths::findExecutable(QStringLiteral("sudo")).isEmpty() || ::geteuid() != 0)
                QSKIP("needs the real sudo, run as root (installer/dev.sh installs it)");
            // sudo resets the environment: the engine knows its files by absolute path.
            engine = dir.filePath(QStringLiteral("engine"));
            QFile f(engine);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QStringLiteral("#!/bin/bash\necho $$ > '%1'\nn=0\n"
                                   "trap 'n=$((n+1)); [ $n -ge 3 ] && exit 143' TERM\n"
                                   "while :; do sleep 0.1; done\n")
                        .arg(dir.filePath(QStringLiteral("args.pid")))
                        .toUtf8());
            f.close();
            f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        } else {
            makeArgsRecorder(dir);
        }
        const RemoteCommands commands(engine, sudo, QStringLiteral("p"));
        const RemoteCommand c = filtered ? commands.logs(QStringLiteral("1h"), 10, true) : commands.events();
        QProcess sh;
        sh.setProcessEnvironment(envWith(dir, QStringLiteral("hang")));
        sh.start(c.localProgram(), c.localArguments());
        QVERIFY(sh.waitForStarted());
        const auto readPid = [&] {
            QFile pidFile(dir.filePath(QStringLiteral("args.pid")));
            return pidFile.open(QIODevice::ReadOnly) ? pidFile.readAll().trimmed().toInt() : 0;
        };
        QTRY_VERIFY(readPid() > 0);
        const int pid = readPid();
        QVERIFY(pid > 0);
        QTest::qWait(300);
        QCOMPARE(::kill(pid, 0), 0); // still running: nothing but stdin tells it to stop
        QElapsedTimer t;
        t.start();
        sh.closeWriteChannel();
        QVERIFY(sh.waitForFinished(3000));
        QVERIFY2(t.elapsed() < 2500, qPrintable(QString::number(t.elapsed())));
        QTRY_VERIFY_WITH_TIMEOUT(::kill(pid, 0) != 0, 2000);
    }

    void rfc3339Nano()
    {
        QCOMPARE(RemoteCommands::rfc3339Nano(1795782033882071633LL), QStringLiteral("2026-11-27T12:20:33.882071633Z"));
        QCOMPARE(RemoteCommands::rfc3339Nano(1795782033000000000LL), QStringLiteral("2026-11-27T12:20:33.000000000Z"));
    }

    void resumerDropsBoundaryDuplicates()
    {
        LogResumer r;
        const auto h = [](const char* s) { return LogParser::hashLine(QByteArrayView(s)); };
        r.beginRun();
        QVERIFY(r.accept(LogStream::Stdout, 100, h("a")));
        QVERIFY(r.accept(LogStream::Stdout, 200, h("b")));
        QVERIFY(r.accept(LogStream::Stdout, 200, h("c")));
        QVERIFY(r.accept(LogStream::Stdout, 200, h("c"))); // the app printed it twice in the same tick
        QVERIFY(r.accept(LogStream::Stderr, 150, h("w")));
        QCOMPARE(r.resumeFromNs(), 150); // oldest stream, within the skew window
        // Follower re-run with --since 150: replays everything from 150 on both streams, then new lines.
        r.beginRun();
        QVERIFY(!r.accept(LogStream::Stdout, 200, h("b")));
        QVERIFY(!r.accept(LogStream::Stdout, 200, h("c")));
        QVERIFY(!r.accept(LogStream::Stdout, 200, h("c")));
        QVERIFY(r.accept(LogStream::Stdout, 200, h("d"))); // same second, not seen before: new
        QVERIFY(!r.accept(LogStream::Stderr, 150, h("w")));
        QVERIFY(r.accept(LogStream::Stderr, 160, h("x")));
        QVERIFY(r.accept(LogStream::Stdout, 300, h("e")));
        QCOMPARE(r.duplicatesDropped(), 4u);
        QVERIFY(r.accept(LogStream::Stdout, -1, h("no timestamp")));
    }

    void resumerBoundsTheQuietStream()
    {
        LogResumer r;
        const qint64 s = 1000000000;
        QVERIFY(r.accept(LogStream::Stderr, 10 * s, 1));
        QVERIFY(r.accept(LogStream::Stdout, 3600 * s, 2));
        QCOMPARE(r.resumeFromNs(), 3600 * s - LogResumer::kStreamSkewNs);
        QCOMPARE(LogResumer().resumeFromNs(), -1);
    }

    void resumerKeepsLinesAfterAClockStepBack()
    {
        // The docker host's clock steps back an hour: the lines after the step are older than the last one
        // delivered, and still new. A reconnect then resumes from the stepped-back time and re-reads both
        // sides of the step: every one of them is a replay.
        LogResumer r;
        const qint64 s = 1000000000;
        const qint64 t = 1795782000 * s;
        const auto h = [](int i) { return LogParser::hashLine(QByteArray::number(i)); };
        r.beginRun();
        for (int i = 0; i < 5; ++i)
            QVERIFY(r.accept(LogStream::Stdout, t + i * s, h(i)));
        for (int i = 5; i < 10; ++i)
            QVERIFY2(r.accept(LogStream::Stdout, t - 3600 * s + i * s, h(i)), "a line after the step is lost");
        QCOMPARE(r.resumeFromNs(), t - 3600 * s + 9 * s);
        r.beginRun(r.resumeFromNs());
        for (int i = 0; i < 5; ++i) // docker prints in file order: before the step, then after it
            QVERIFY(!r.accept(LogStream::Stdout, t + i * s, h(i)));
        QVERIFY(!r.accept(LogStream::Stdout, t - 3600 * s + 9 * s, h(9)));
        QVERIFY(r.accept(LogStream::Stdout, t - 3600 * s + 10 * s, h(10)));
        QVERIFY(!r.takeGap()); // the run replayed a known line first
        QCOMPARE(r.duplicatesDropped(), 6u);
    }

    void resumerWindowIsBounded()
    {
        LogResumer r;
        const qint64 ms = 1000000;
        const qint64 t = 1795782000LL * 1000000000;
        const qint64 n = qint64(LogResumer::kWindowLines) + 500;
        for (qint64 i = 0; i < n; ++i)
            QVERIFY(r.accept(LogStream::Stdout, t + i * ms, quint64(i)));
        // The 500 oldest lines left the window; a resume never goes back to them (they would come back new).
        QVERIFY(r.resumeFromNs() > t + 499 * ms);
        QCOMPARE(r.resumeFromNs(), t + (n - 1) * ms); // the last line: within a minute, nothing older to re-read
        r.beginRun(r.resumeFromNs());
        QVERIFY(!r.accept(LogStream::Stdout, t + (n - 1) * ms, quint64(n - 1)));
        QVERIFY(r.accept(LogStream::Stdout, t + n * ms, quint64(n)));
    }

    void resumerReportsARunThatStartsPastItsHistory()
    {
        LogResumer r;
        const qint64 s = 1000000000;
        const qint64 t = 1795782000 * s;
        r.beginRun();
        QVERIFY(r.accept(LogStream::Stdout, t, 1));
        QVERIFY(r.accept(LogStream::Stderr, t + s, 2));
        QVERIFY(!r.takeGap());
        // Resumed: the first stdout line is not the last one delivered, the history between was not read back.
        r.beginRun(r.resumeFromNs());
        QVERIFY(r.accept(LogStream::Stdout, t + 600 * s, 3));
        const auto gap = r.takeGap();
        QVERIFY(gap);
        QCOMPARE(gap->fromMs, t / 1000000);
        QCOMPARE(gap->toMs, (t + 600 * s) / 1000000);
        QVERIFY(!r.takeGap());
        QVERIFY(!r.accept(LogStream::Stderr, t + s, 2)); // stderr replays: no second gap
        QVERIFY(r.accept(LogStream::Stderr, t + 601 * s, 4));
        QVERIFY(!r.takeGap());
    }

    void duplicatesAcrossAReconnectAreDropped()
    {
        // The connection drops twice; each follower run re-reads from the last timestamp. Every Memory line
        // the app printed arrives exactly once, in order, with no gap reported.
        StreamsHarness h;
        h.connect();
        const qint64 t = 1795782000LL * 1000000000;
        const qint64 step = 1000000000;
        QByteArray history;
        for (int i = 0; i < 10; ++i)
            history += memoryLine(t + i * step, 300 + i);
        h.feed(ContainerStreams::LogsBackfill, history);
        h.streams->onFinished(ContainerStreams::LogsBackfill, 0);
        h.feed(ContainerStreams::LogsFollow, memoryLine(t + 9 * step, 309) + memoryLine(t + 10 * step, 310));
        h.streams->detach();
        h.connect();
        // Resumed from t+10 s: the same second again, then new lines, cut mid-line by the connection.
        const QByteArray again = memoryLine(t + 10 * step, 310) + memoryLine(t + 11 * step, 311);
        h.feed(ContainerStreams::LogsFollow, again + memoryLine(t + 12 * step, 312).left(30));
        h.streams->detach();
        h.connect();
        h.feed(ContainerStreams::LogsFollow, memoryLine(t + 11 * step, 311) + memoryLine(t + 12 * step, 312));
        h.streams->tick();
        QTest::qWait(300);
        h.streams->tick();
        std::vector<int> expected(13);
        std::iota(expected.begin(), expected.end(), 300);
        QCOMPARE(memoryIds(h.records()), expected);
        QCOMPARE(h.streams->duplicatesDropped(), 3u);
        QVERIFY(h.gaps().empty());
    }

    void uncoveredOutagesAreGaps_data()
    {
        QTest::addColumn<bool>("tailCapOnConnect");
        QTest::addColumn<bool>("filtered");
        QTest::addRow("resume past the history (tail cap, rotation, recreate)") << false << false;
        QTest::addRow("backfill cut by --tail") << true << false;
        // The server's filter passed 2 of the 5 lines --tail let through: its count tells.
        QTest::addRow("backfill cut by --tail, filtered on the server") << true << true;
    }
    void uncoveredOutagesAreGaps()
    {
        QFETCH(bool, tailCapOnConnect);
        QFETCH(bool, filtered);
        StreamsHarness h(5);
        h.connect();
        // Half an hour ago: within the default --since 1h.
        const qint64 t = (QDateTime::currentMSecsSinceEpoch() - 30 * 60 * 1000) * 1000000;
        const qint64 step = 1000000000;
        QByteArray history;
        for (int i = 0; i < (filtered ? 2 : tailCapOnConnect ? 5 : 3); ++i)
            history += memoryLine(t + i * step, 300 + i);
        if (filtered)
            history += QByteArray(RemoteCommands::kLineCountMarker) + " 5\n";
        h.feed(ContainerStreams::LogsBackfill, history);
        h.streams->onFinished(ContainerStreams::LogsBackfill, 0);
        if (!tailCapOnConnect) {
            h.streams->detach();
            h.connect();
            // Ten minutes later, and the follower starts with a line never seen: what came between is unknown.
            h.feed(ContainerStreams::LogsFollow, memoryLine(t + 600 * step, 400) + memoryLine(t + 601 * step, 401));
        }
        h.streams->detach(); // flushes
        const std::vector<LogGap> gaps = h.gaps();
        QCOMPARE(gaps.size(), size_t(1));
        if (tailCapOnConnect) {
            QVERIFY(gaps[0].fromMs < t / 1000000 - 29 * 60 * 1000); // from --since (an hour ago)
            QCOMPARE(gaps[0].toMs, t / 1000000);
        } else {
            QCOMPARE(gaps[0].fromMs, (t + 2 * step) / 1000000);
            QCOMPARE(gaps[0].toMs, (t + 600 * step) / 1000000);
        }
        // The state model counts and keeps it for check --json and the charts.
        TargetState state(QStringLiteral("pangolin"));
        for (const IngestBatch& b : h.batches)
            state.apply(b);
        QCOMPARE(state.gapCount(), 1u);
        QCOMPARE(state.gaps().front().toMs, gaps[0].toMs);
    }

    void oversizedLiveLineIsCountedAndDropped_data()
    {
        QTest::addColumn<int>("chunkBytes");
        QTest::addRow("whole") << 0;
        QTest::addRow("64 KiB chunks") << 64 * 1024;
        QTest::addRow("odd chunks") << 4093;
    }
    void oversizedLiveLineIsCountedAndDropped()
    {
        QFETCH(int, chunkBytes);
        StreamsHarness h;
        h.connect();
        h.streams->onFinished(ContainerStreams::LogsBackfill, 0);
        const qint64 t = 1795782000LL * 1000000000;
        // A line over the cap whose tail looks like a Memory: line (what the old code parsed as a line).
        QByteArray huge = RemoteCommands::rfc3339Nano(t).toLatin1() + " [info]: ";
        huge += QByteArray(LogParser::kMaxLineBytes + 100, 'x');
        huge += memoryLine(t, 999).mid(31);
        const QByteArray stream = memoryLine(t - 1000, 300) + huge + memoryLine(t + 1000, 301);
        if (chunkBytes == 0) {
            h.feed(ContainerStreams::LogsFollow, stream);
        } else {
            for (qsizetype at = 0; at < stream.size(); at += chunkBytes)
                h.feed(ContainerStreams::LogsFollow, stream.mid(at, chunkBytes));
        }
        h.streams->detach();
        QCOMPARE(memoryIds(h.records()), (std::vector<int> {300, 301}));
        const ParseCounters c = h.counters();
        QCOMPARE(c.oversized, 1u);
        QCOMPARE(c.lines, 3u);
        QCOMPARE(c.recognised, 2u);
    }

    void floodIsBoundedAndCounted()
    {
        // The consumer (the GUI thread, through TargetLink) stops taking batches during a flood: the worker
        // must hold back, keep what it holds bounded, keep the latest record of each kind, and count the rest.
        bool consumerReady = true;
        std::vector<IngestBatch> batches;
        ContainerStreams::Callbacks cb;
        cb.batch = [&](IngestBatch&& b) { batches.push_back(std::move(b)); };
        cb.canDeliver = [&] { return consumerReady; };
        StreamsConfig config;
        config.container = QStringLiteral("pangolin");
        ContainerStreams streams(config, std::move(cb));
        FakeRunner runner;
        streams.attach(&runner, QStringLiteral("docker"));
        streams.onOutput(ContainerStreams::Inspect, LogStream::Stdout,
                         "{\"Id\":\"abc\",\"Name\":\"/pangolin\",\"ImageName\":\"pangolin:latest\",\"State\":"
                         "{\"Status\":\"running\",\"Running\":true,\"OOMKilled\":false,\"ExitCode\":0,"
                         "\"StartedAt\":\"2026-11-18T00:00:00Z\"},\"RestartCount\":0,\"HostConfig\":{\"Memory\":0},"
                         "\"NodeOptions\":\"\"}\n");
        streams.onFinished(ContainerStreams::Inspect, 0);
        streams.onFinished(ContainerStreams::LogsBackfill, 0);
        QVERIFY(std::find(runner.started.begin(), runner.started.end(), int(ContainerStreams::LogsFollow))
                != runner.started.end());
        const size_t before = batches.size();

        consumerReady = false;
        const qint64 cap = qint64(ContainerStreams::kMaxBatchRecords);
        const qint64 lines = 3 * cap + 123;
        QByteArray chunk;
        for (qint64 i = 0; i < lines; ++i) {
            chunk += floodLine(i);
            if (chunk.size() > 60000 || i == lines - 1) {
                streams.onOutput(ContainerStreams::LogsFollow, LogStream::Stdout, chunk);
                chunk.clear();
            }
        }
        streams.tick();
        QCOMPARE(batches.size(), before); // nothing handed over while the consumer is full
        // Held: one full batch and the latest record of each of the five kinds; the rest is counted.
        QCOMPARE(streams.linesSkipped(), quint64(lines - cap - 5));

        consumerReady = true;
        streams.onOutput(ContainerStreams::LogsFollow, LogStream::Stdout, floodLine(lines)); // one more line
        QCOMPARE(batches.size(), before + 1); // a full batch goes as soon as the consumer has room
        ParseCounters counters;
        size_t delivered = 0;
        std::vector<LogRecord> all;
        for (size_t b = before; b < batches.size(); ++b) {
            QVERIFY(batches[b].logs.size() <= ContainerStreams::kMaxBatchRecords + 8);
            counters += batches[b].logCounters;
            delivered += batches[b].logs.size();
            all.insert(all.end(), batches[b].logs.begin(), batches[b].logs.end());
        }
        // Everything parsed (the extra line too) was delivered or counted as skipped.
        QCOMPARE(counters.lines, quint64(lines + 1));
        QCOMPARE(counters.recognised, quint64(lines + 1));
        QCOMPARE(counters.skipped, streams.linesSkipped());
        QCOMPARE(quint64(delivered) + counters.skipped, quint64(lines + 1));
        // In time order (held records sit between the held-back batch and the extra line), and the latest
        // Memory and Cache lines of the held-back stretch are there.
        for (size_t r = 1; r < all.size(); ++r)
            QVERIFY(all[r - 1].dockerTimeNs < all[r].dockerTimeNs);
        QCOMPARE(all.back().dockerTimeNs, floodLineNs(lines));
        qint64 lastMemory = lines - 1;
        while (lastMemory % 20 >= 10)
            --lastMemory;
        qint64 lastCache = lines - 1;
        while (lastCache % 20 < 10 || lastCache % 20 >= 14)
            --lastCache;
        const auto latest = [&](LogKind kind) {
            return std::find_if(all.rbegin() + 1, all.rend(), [kind](const LogRecord& r) { return r.kind == kind; });
        };
        QVERIFY(latest(LogKind::Memory) != all.rend());
        QCOMPARE(qRound(latest(LogKind::Memory)->memory.rssMiB * 10), int(3000 + lastMemory % 700));
        QVERIFY(latest(LogKind::Cache) != all.rend());
        QCOMPARE(latest(LogKind::Cache)->cache.hits, lastCache);

        // Nothing is left pending: a later flush has nothing to hand over.
        QTest::qWait(300);
        streams.tick();
        QCOMPARE(batches.size(), before + 1);
    }

    // The engine's stderr becomes the target's status message (a missing container or an engine error is a state
    // that is retried, not a failure): one plain line, whatever the server sent.
    void engineStderrBecomesOnePlainLine_data()
    {
        QTest::addColumn<QByteArray>("stderr");
        QTest::addColumn<int>("exitStatus");
        QTest::addColumn<QString>("visible");
        QTest::addRow("no such container, escapes")
            << QByteArray("Error: No such container: pangolin\x1b]0;owned\x07\x1b[2J\r\nHEAPWATCH OK | heap=1\n") << 1
            << QStringLiteral("waiting for container 'pangolin'");
        QTest::addRow("sudo, bidi and c1") << QByteArray("sudo: a password is required \xe2\x80\xae\xc2\x9b"
                                                         "31m\n")
                                           << 1 << QStringLiteral("password is required");
        QTest::addRow("other, pipe and cr")
            << QByteArray("daemon\rnot running | x=1\n") << 2 << QStringLiteral("not running");
    }
    void engineStderrBecomesOnePlainLine()
    {
        QFETCH(QByteArray, stderr);
        QFETCH(int, exitStatus);
        QFETCH(QString, visible);
        QString failure;
        ContainerStreams::Callbacks cb;
        cb.batch = [](IngestBatch&&) {};
        cb.failed = [&](const QString& m) { failure = m; };
        StreamsConfig config;
        config.container = QStringLiteral("pangolin");
        config.hostLabel = QStringLiteral("127.0.0.1:22");
        ContainerStreams streams(config, std::move(cb));
        FakeRunner runner;
        streams.attach(&runner, QStringLiteral("docker"));
        streams.onOutput(ContainerStreams::Inspect, LogStream::Stderr, stderr);
        streams.onFinished(ContainerStreams::Inspect, exitStatus);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        QVERIFY(streams.presence() != ConnectionStatus::Container::Running);
        failure = streams.presenceMessage();
        QVERIFY2(failure.contains(visible), qPrintable(failure));
        for (const QChar c : failure) {
            const char16_t u = c.unicode();
            QVERIFY2(u >= 0x20 && !(u >= 0x7f && u <= 0x9f) && !(u >= 0x202a && u <= 0x202e),
                     qPrintable(QStringLiteral("U+%1 in %2").arg(int(u), 4, 16).arg(failure)));
        }
    }

    // docker CLI 28.2.2 against podman's Docker API (the capture): three frames with values, then "--" frames,
    // because the CLI resets a row it got no update for within 2 s and podman sends one every 5 s. The "--"
    // rows are not measurements: only the real ones reach the batch, so the last sample is never emptied.
    void placeholderStatsAreNotSamples()
    {
        QFile file(QFINDTESTDATA("../fixtures/docker-cli-28.2.2/stats-stream.txt"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray stream = file.readAll();
        std::vector<IngestBatch> batches;
        ContainerStreams::Callbacks cb;
        cb.batch = [&](IngestBatch&& b) { batches.push_back(std::move(b)); };
        StreamsConfig config;
        config.container = QStringLiteral("pangolin");
        ContainerStreams streams(config, std::move(cb));
        FakeRunner runner;
        streams.attach(&runner, QStringLiteral("docker"));
        streams.onOutput(ContainerStreams::Inspect, LogStream::Stdout,
                         "{\"Id\":\"6f70f8e18d04\",\"Name\":\"/pangolin\",\"State\":{\"Status\":\"running\","
                         "\"Running\":true,\"StartedAt\":\"2026-11-18T00:00:00Z\"},\"RestartCount\":0}\n");
        streams.onFinished(ContainerStreams::Inspect, 0);
        QVERIFY(std::count(runner.started.begin(), runner.started.end(), int(ContainerStreams::Stats)) == 1);
        for (qsizetype i = 0; i < stream.size(); i += 97) // in arbitrary chunks, as the channel delivers them
            streams.onOutput(ContainerStreams::Stats, LogStream::Stdout,
                             QByteArrayView(stream).sliced(i, qMin<qsizetype>(97, stream.size() - i)));
        QTest::qWait(300);
        streams.tick();
        std::vector<StatsSample> samples;
        ParseCounters counters;
        for (const auto& b : batches) {
            samples.insert(samples.end(), b.stats.begin(), b.stats.end());
            counters += b.statsCounters;
        }
        QCOMPARE(samples.size(), size_t(3));
        for (const StatsSample& s : samples) {
            QCOMPARE(s.containerId, QStringLiteral("6f70f8e18d04"));
            QCOMPARE(s.memUsageBytes, 6.875 * 1024 * 1024);
            QCOMPARE(s.cpuPercent, 0.0);
        }
        QCOMPARE(streams.statsPlaceholders(), quint64(3));
        QCOMPARE(counters.malformed, quint64(0));
        QCOMPARE(counters.recognised, quint64(6));
    }

    // A stopped container's `stats` is stopped; when the container runs again (same or new id) it is started
    // afresh: docker's CLI never re-attaches by itself.
    void statsFollowTheContainer()
    {
        StreamsHarness h(100000, QStringLiteral("gerbil"));
        ContainerStreams& streams = *h.streams;
        FakeRunner& runner = h.runner;
        const auto inspect = [&](const char* id, const char* status, bool running, const char* started) {
            const QByteArray json = QByteArray("{\"Id\":\"") + id + "\",\"Name\":\"/gerbil\",\"State\":{\"Status\":\""
                + status + "\",\"Running\":" + (running ? "true" : "false") + ",\"StartedAt\":\"" + started
                + "\"},\"RestartCount\":0}\n";
            streams.onOutput(ContainerStreams::Inspect, LogStream::Stdout, json);
            streams.onFinished(ContainerStreams::Inspect, 0);
        };
        const auto starts = [&](ContainerStreams::Role role) {
            return std::count(runner.started.begin(), runner.started.end(), int(role));
        };
        streams.attach(&runner, QStringLiteral("docker"));
        inspect("aaa", "running", true, "2026-11-18T00:00:00Z");
        QCOMPARE(starts(ContainerStreams::Stats), 1);
        QVERIFY(streams.presence() == ConnectionStatus::Container::Running);
        inspect("aaa", "exited", false, "2026-11-18T00:00:00Z");
        QVERIFY(streams.presence() == ConnectionStatus::Container::Stopped);
        inspect("aaa", "running", true, "2026-11-18T00:05:00Z"); // docker start
        QCOMPARE(starts(ContainerStreams::Stats), 2);
        // `docker rm -f` then `docker run --name gerbil`: absent meanwhile, then a new id.
        streams.onOutput(ContainerStreams::Inspect, LogStream::Stderr, "Error: No such object: gerbil\n");
        streams.onFinished(ContainerStreams::Inspect, 1);
        QVERIFY(streams.presence() == ConnectionStatus::Container::Absent);
        QVERIFY(streams.presenceMessage().contains(QLatin1String("waiting for container 'gerbil'")));
        QVERIFY(!streams.isFailed());
        inspect("bbb", "running", true, "2026-11-18T00:06:00Z");
        QCOMPARE(starts(ContainerStreams::Stats), 3);
        // Running with a stats stream already started for this start: not started again.
        inspect("bbb", "running", true, "2026-11-18T00:06:00Z");
        QCOMPARE(starts(ContainerStreams::Stats), 3);
        // An engine that does not answer is shown and asked again, never final.
        streams.onOutput(ContainerStreams::Inspect, LogStream::Stderr, "Cannot connect to the Docker daemon\n");
        streams.onFinished(ContainerStreams::Inspect, 1);
        QVERIFY(streams.presence() == ConnectionStatus::Container::EngineError);
        QVERIFY(!streams.isFailed());
    }

    // An engine restart ends the events stream it had served for a while; `stats` went through the same cut
    // (the docker CLI shows "--" from then on), so it is started afresh as soon as inspect answers again.
    // An events command that ends at once (an engine without events) never restarts `stats`.
    void engineCutRestartsStats_data()
    {
        QTest::addColumn<int>("eventsRanMs");
        QTest::addColumn<int>("statsStarts");
        QTest::addRow("events ran 5.2 s, then ended") << 5200 << 2;
        QTest::addRow("events ended at once") << 0 << 1;
    }
    void engineCutRestartsStats()
    {
        QFETCH(int, eventsRanMs);
        QFETCH(int, statsStarts);
        StreamsHarness h(100000, QStringLiteral("gerbil"));
        ContainerStreams& streams = *h.streams;
        FakeRunner& runner = h.runner;
        const QByteArray running = "{\"Id\":\"aaa\",\"Name\":\"/gerbil\",\"State\":{\"Status\":\"running\","
                                   "\"Running\":true,\"StartedAt\":\"2026-11-18T00:00:00Z\"},\"RestartCount\":0}\n";
        const auto inspect = [&] {
            streams.onOutput(ContainerStreams::Inspect, LogStream::Stdout, running);
            streams.onFinished(ContainerStreams::Inspect, 0);
        };
        const auto starts = [&](ContainerStreams::Role role) {
            return int(std::count(runner.started.begin(), runner.started.end(), int(role)));
        };
        streams.attach(&runner, QStringLiteral("docker"));
        inspect();
        QCOMPARE(starts(ContainerStreams::Stats), 1);
        QCOMPARE(starts(ContainerStreams::Events), 1);
        QTest::qWait(eventsRanMs);
        streams.onFinished(ContainerStreams::Events, 1); // "error during connect: … EOF"
        // The engine is down for a moment: inspect fails, `stats` keeps its place meanwhile.
        streams.onOutput(ContainerStreams::Inspect, LogStream::Stderr, "Cannot connect to the Docker daemon\n");
        streams.onFinished(ContainerStreams::Inspect, 1);
        QVERIFY(streams.presence() == ConnectionStatus::Container::EngineError);
        QCOMPARE(starts(ContainerStreams::Stats), 1);
        inspect(); // back, the same container still running
        QVERIFY(streams.presence() == ConnectionStatus::Container::Running);
        QCOMPARE(starts(ContainerStreams::Stats), statsStarts);
        inspect(); // and only once
        QCOMPARE(starts(ContainerStreams::Stats), statsStarts);
    }

    // Where podman writes its events to a file, the events file reader follows it instead of `docker events`
    // (podman's Docker API serves an events client by polling that file four times a second); where the reader
    // finds no such file, or does not start, `docker events` runs at once, and the connection says which.
    void eventsFromPodmansFile_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<int>("exitStatus"); // -1: the reader keeps running
        QTest::addColumn<bool>("sudo");
        QTest::addColumn<QString>("source");
        QTest::addRow("file") << QByteArray("hwev file\n") << -1 << false << QStringLiteral("events file");
        QTest::addRow("Docker host") << QByteArray("hwev none no-file\n") << 0 << false
                                     << QStringLiteral("docker events");
        QTest::addRow("not readable") << QByteArray("hwev none not-readable\n") << 0 << false
                                      << QStringLiteral("docker events (events file: not-readable)");
        // The file holds the container's earlier events but was not written since it started (podman's events
        // went to journald since).
        QTest::addRow("stale") << QByteArray("hwev none stale\n") << 0 << false
                               << QStringLiteral("docker events (events file: stale)");
        QTest::addRow("reader did not start")
            << QByteArray("sh: 1: exec: sh: not found\n") << 127 << false
            << QStringLiteral("docker events (the events file reader did not start (exit 127))");
        QTest::addRow("sudo") << QByteArray() << -2 << true << QStringLiteral("docker events");
    }
    void eventsFromPodmansFile()
    {
        QFETCH(QByteArray, answer);
        QFETCH(int, exitStatus);
        QFETCH(bool, sudo);
        QFETCH(QString, source);
        std::vector<IngestBatch> batches;
        ContainerStreams::Callbacks cb;
        cb.batch = [&batches](IngestBatch&& b) { batches.push_back(std::move(b)); };
        StreamsConfig config;
        config.container = QStringLiteral("tight");
        config.sudo = sudo;
        ContainerStreams streams(config, std::move(cb));
        FakeRunner runner;
        const QString id = QStringLiteral("201fc3f0814642d5a48ebcd1e1e7772a5cdd1c2d4ea83828374e9fd51ee71f2c");
        const auto eventCommands = [&] { return runner.commandLines(ContainerStreams::Events); };
        streams.attach(&runner, QStringLiteral("docker"));
        streams.onOutput(ContainerStreams::Inspect, LogStream::Stdout,
                         "{\"Id\":\"" + id.toLatin1()
                             + "\",\"Name\":\"/tight\",\"State\":{\"Status\":\"running\",\"Running\":true,"
                               "\"StartedAt\":\"2026-12-06T05:46:31.619116476Z\"},\"RestartCount\":0}\n");
        streams.onFinished(ContainerStreams::Inspect, 0);
        QStringList events = eventCommands();
        QCOMPARE(events.size(), 1);
        if (exitStatus == -2) { // sudo: the login user cannot read a root engine's file; the engine is asked
            QVERIFY2(events[0].contains(QLatin1String("'docker' 'events'")), qPrintable(events[0]));
            QCOMPARE(streams.eventsSource(), source);
            return;
        }
        // The container's name, its ID and the second it started (StartedAt, 2026-12-06T05:46:31Z), by which the
        // reader tells a file written since from a stale one.
        QVERIFY2(events[0].contains(QLatin1String("heapwatch-events")) && events[0].contains(id)
                     && events[0].contains(QLatin1String("'tight'"))
                     && events[0].endsWith(QLatin1String(" '1796535991'")),
                 qPrintable(events[0]));
        streams.onOutput(ContainerStreams::Events, LogStream::Stdout, answer);
        if (exitStatus >= 0) {
            streams.onFinished(ContainerStreams::Events, exitStatus);
            events = eventCommands();
            QCOMPARE(events.size(), 2);
            QVERIFY2(events[1].contains(QLatin1String("'docker' 'events'")), qPrintable(events[1]));
            QCOMPARE(streams.eventsSource(), source);
            return;
        }
        QCOMPARE(streams.eventsSource(), source);
        // The file's lines, as the reader passes them on (captured from podman 4.3.1's events file): the died
        // line reaches the batch with its exit code, and asks inspect at once.
        QFile file(QFINDTESTDATA("../fixtures/podman-cli-4.3.1/events-file.log"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QVERIFY(lines.size() >= 7);
        const auto inspects = [&] { return std::count(runner.started.begin(), runner.started.end(), 0); };
        const qsizetype before = inspects();
        streams.onOutput(ContainerStreams::Events, LogStream::Stdout, lines[5] + '\n');
        QTest::qWait(600);
        streams.tick();
        QCOMPARE(inspects(), before + 1);
        std::vector<ContainerEvent> seen;
        for (const IngestBatch& b : batches)
            seen.insert(seen.end(), b.events.begin(), b.events.end());
        QCOMPARE(seen.size(), size_t(1));
        QCOMPARE(seen[0].kind, ContainerEvent::Kind::Die);
        QCOMPARE(seen[0].exitCode, 137);
        QCOMPARE(seen[0].containerId, id);
        QCOMPARE(eventCommands().size(), 1);
    }

    // A container absent when the events stream began (a redeploy's `rm` then `run`) had no ID to find its events
    // file by: `docker events` then, and the file reader once inspect names the container.
    void eventsFileOnceTheContainerExists()
    {
        StreamsHarness h(100000, QStringLiteral("tight"));
        ContainerStreams& streams = *h.streams;
        FakeRunner& runner = h.runner;
        const auto eventCommands = [&] { return runner.commandLines(ContainerStreams::Events); };
        streams.attach(&runner, QStringLiteral("docker"));
        streams.onOutput(ContainerStreams::Inspect, LogStream::Stderr, "Error: No such object: tight\n");
        streams.onFinished(ContainerStreams::Inspect, 1);
        QVERIFY(streams.presence() == ConnectionStatus::Container::Absent);
        QCOMPARE(eventCommands().size(), 1);
        QVERIFY2(eventCommands()[0].contains(QLatin1String("'docker' 'events'")), qPrintable(eventCommands()[0]));
        QCOMPARE(streams.eventsSource(), QStringLiteral("docker events"));
        const QByteArray running = "{\"Id\":\"201fc3f0814642d5a48ebcd1e1e7772a5cdd1c2d4ea83828374e9fd51ee71f2c\","
                                   "\"Name\":\"/tight\",\"State\":{\"Status\":\"running\",\"Running\":true,"
                                   "\"StartedAt\":\"2026-12-06T05:46:31.619116476Z\"},\"RestartCount\":0}\n";
        streams.onOutput(ContainerStreams::Inspect, LogStream::Stdout, running);
        streams.onFinished(ContainerStreams::Inspect, 0);
        QCOMPARE(eventCommands().size(), 2);
        QVERIFY2(eventCommands()[1].contains(QLatin1String("heapwatch-events")), qPrintable(eventCommands()[1]));
        // No file there: `docker events` again, and not the reader again for this container.
        streams.onOutput(ContainerStreams::Events, LogStream::Stdout, "hwev none no-file\n");
        streams.onFinished(ContainerStreams::Events, 0);
        QCOMPARE(eventCommands().size(), 3);
        QVERIFY2(eventCommands()[2].contains(QLatin1String("'docker' 'events'")), qPrintable(eventCommands()[2]));
        streams.onOutput(ContainerStreams::Inspect, LogStream::Stdout, running);
        streams.onFinished(ContainerStreams::Inspect, 0);
        QCOMPARE(eventCommands().size(), 3);
    }

    // `docker pause` changes nothing but the state: the events stream asks for it (both engines' names), and
    // its event makes inspect ask within a second, so that the target says "paused" at once and "running"
    // again after `unpause`, not at the next periodic inspect (30 s).
    void pauseIsShownAtOnce_data()
    {
        QTest::addColumn<QString>("engine");
        QTest::addColumn<QByteArray>("pauseEvent");
        QTest::addColumn<QByteArray>("unpauseEvent");
        // docker 28 (and podman's Docker API through it): Action; podman's own CLI: Status.
        QTest::addRow("docker")
            << QStringLiteral("docker")
            << QByteArray("{\"status\":\"pause\",\"id\":\"abc\",\"Type\":\"container\",\"Action\":\"pause\","
                          "\"Actor\":{\"ID\":\"abc\",\"Attributes\":{\"name\":\"gerbil\"}},\"time\":1795000100,"
                          "\"timeNano\":1795000100000000000}\n")
            << QByteArray("{\"status\":\"unpause\",\"id\":\"abc\",\"Type\":\"container\",\"Action\":\"unpause\","
                          "\"Actor\":{\"ID\":\"abc\",\"Attributes\":{\"name\":\"gerbil\"}},\"time\":1795000110,"
                          "\"timeNano\":1795000110000000000}\n");
        QTest::addRow("podman")
            << QStringLiteral("podman")
            << QByteArray("{\"ID\":\"abc\",\"Name\":\"gerbil\",\"Status\":\"pause\",\"Type\":\"container\","
                          "\"Attributes\":{},\"time\":1795000100}\n")
            << QByteArray("{\"ID\":\"abc\",\"Name\":\"gerbil\",\"Status\":\"unpause\",\"Type\":\"container\","
                          "\"Attributes\":{},\"time\":1795000110}\n");
    }
    void pauseIsShownAtOnce()
    {
        QFETCH(QString, engine);
        QFETCH(QByteArray, pauseEvent);
        QFETCH(QByteArray, unpauseEvent);
        const QStringList argv = RemoteCommands(engine, false, QStringLiteral("gerbil")).events().argv;
        QVERIFY2(argv.contains(QStringLiteral("event=pause")), qPrintable(argv.join(QLatin1Char(' '))));
        QVERIFY(argv.contains(QStringLiteral("event=unpause")));

        StreamsHarness h(100000, QStringLiteral("gerbil"));
        ContainerStreams& streams = *h.streams;
        FakeRunner& runner = h.runner;
        const auto inspect = [&](const char* status) {
            streams.onOutput(ContainerStreams::Inspect, LogStream::Stdout,
                             QByteArray("{\"Id\":\"abc\",\"Name\":\"/gerbil\",\"State\":{\"Status\":\"") + status
                                 + "\",\"Running\":true,\"Paused\":" + (qstrcmp(status, "paused") ? "false" : "true")
                                 + ",\"StartedAt\":\"2026-11-18T00:00:00Z\"},\"RestartCount\":0}\n");
            streams.onFinished(ContainerStreams::Inspect, 0);
        };
        const auto inspectsAsked
            = [&] { return std::count(runner.started.begin(), runner.started.end(), int(ContainerStreams::Inspect)); };
        // Waits up to 1.5 s of ticks for one more inspect than before.
        const auto inspectAskedSoon = [&](qsizetype before) {
            QElapsedTimer timer;
            timer.start();
            while (inspectsAsked() == before && timer.elapsed() < 1500) {
                QTest::qWait(50);
                streams.tick();
            }
            return inspectsAsked() > before;
        };
        streams.attach(&runner, engine);
        inspect("running");
        QVERIFY(streams.presence() == ConnectionStatus::Container::Running);

        qsizetype before = inspectsAsked();
        streams.onOutput(ContainerStreams::Events, LogStream::Stdout, pauseEvent);
        QVERIFY(inspectAskedSoon(before));
        inspect("paused");
        QVERIFY(streams.presence() == ConnectionStatus::Container::Paused);
        QVERIFY(streams.presenceMessage().contains(QLatin1String("paused")));

        before = inspectsAsked();
        streams.onOutput(ContainerStreams::Events, LogStream::Stdout, unpauseEvent);
        QVERIFY(inspectAskedSoon(before));
        inspect("running");
        QVERIFY(streams.presence() == ConnectionStatus::Container::Running);
        QVERIFY(streams.presenceMessage().isEmpty());
    }

    // An engine restart ends `events` (never ending otherwise) and leaves the docker CLI's `stats` printing
    // empty rows for ever: inspect is asked at once, and once the engine answers again (same container, same
    // start) stats is started afresh, not 20 s later when its silence gives it away.
    void engineRestartStartsStatsAfresh()
    {
        StreamsHarness h(100000, QStringLiteral("gerbil"));
        ContainerStreams& streams = *h.streams;
        FakeRunner& runner = h.runner;
        const auto count = [&](ContainerStreams::Role role) {
            return std::count(runner.started.begin(), runner.started.end(), int(role));
        };
        const auto inspectRunning = [&] {
            streams.onOutput(ContainerStreams::Inspect, LogStream::Stdout,
                             "{\"Id\":\"abc\",\"Name\":\"/gerbil\",\"State\":{\"Status\":\"running\",\"Running\":"
                             "true,\"StartedAt\":\"2026-11-18T00:00:00Z\"},\"RestartCount\":0}\n");
            streams.onFinished(ContainerStreams::Inspect, 0);
        };
        const auto tickUntil = [&](ContainerStreams::Role role, qsizetype n) {
            QElapsedTimer timer;
            timer.start();
            while (count(role) < n && timer.elapsed() < 3000) {
                QTest::qWait(50);
                streams.tick();
            }
            return count(role) >= n;
        };
        streams.attach(&runner, QStringLiteral("docker"));
        inspectRunning();
        QCOMPARE(count(ContainerStreams::Stats), 1);
        const qsizetype inspects = count(ContainerStreams::Inspect);

        QTest::qWait(5200); // events had run a while: the engine cut it (see engineCutRestartsStats)
        streams.onOutput(ContainerStreams::Events, LogStream::Stderr, "unexpected EOF\n");
        streams.onFinished(ContainerStreams::Events, 1);
        QVERIFY(tickUntil(ContainerStreams::Inspect, inspects + 1));
        // The engine is still down: shown, nothing started meanwhile.
        streams.onOutput(ContainerStreams::Inspect, LogStream::Stderr,
                         "Cannot connect to the Docker daemon at unix:///run/podman/podman.sock\n");
        streams.onFinished(ContainerStreams::Inspect, 1);
        QVERIFY(streams.presence() == ConnectionStatus::Container::EngineError);
        QCOMPARE(count(ContainerStreams::Stats), 1);
        // Back: the same container, the same start. Stats, which has just ended too (its next attempt seconds
        // away), starts afresh at once.
        QVERIFY(tickUntil(ContainerStreams::Inspect, inspects + 2));
        streams.onFinished(ContainerStreams::Stats, 1);
        inspectRunning();
        QVERIFY(streams.presence() == ConnectionStatus::Container::Running);
        QCOMPARE(count(ContainerStreams::Stats), 2);
        // A periodic inspect of the same start afterwards leaves it alone.
        inspectRunning();
        QCOMPARE(count(ContainerStreams::Stats), 2);
    }

    void backoffDoublesWithJitter()
    {
        Backoff b;
        const qint64 expected[] = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000};
        for (const qint64 e : expected) {
            const qint64 d = b.next();
            QVERIFY2(d >= e * 8 / 10 && d <= e * 12 / 10, qPrintable(QStringLiteral("%1 vs %2").arg(d).arg(e)));
        }
        b.reset();
        QVERIFY(b.next() <= 1200);
    }
};

QTEST_GUILESS_MAIN(TestSshUnits)
#include "tst_sshunits.moc"
