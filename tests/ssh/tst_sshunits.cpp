// The pieces of the SSH layer that need no server: target parsing and validation, shell quoting (checked by
// a real /bin/sh), the command wrapper's watchdog (run locally), boundary de-duplication and the backoff.
#include "Backoff.h"
#include "LogResumer.h"
#include "RemoteCommands.h"
#include "RemoteSource.h"
#include "TargetSpec.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <signal.h>

using namespace heapwatch;

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

    void factoryRefusesBadNames()
    {
        for (const QString& bad : {QStringLiteral("ssh://root@127.0.0.1:1/pangolin;touch /tmp/x"),
                                   QStringLiteral("local/$(id)"), QStringLiteral("h/a`b`"), QStringLiteral("h/a'b")}) {
            RemoteOptions o;
            o.target = bad;
            QString error;
            QVERIFY(!createRemoteSource(o, &error));
            QVERIFY2(error.contains(QLatin1String("nothing was run")) || error.contains(QLatin1String("invalid")),
                     qPrintable(error));
        }
        RemoteOptions o;
        o.target = QStringLiteral("h/app");
        o.engine = QStringLiteral("lxc");
        QString error;
        QVERIFY(!createRemoteSource(o, &error));
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

    // The server-side filter keeps the lines the core needs on their own stream and drops the rest.
    void filterKeepsStreamsApart()
    {
        QTemporaryDir dir;
        makeArgsRecorder(dir);
        const RemoteCommand c = RemoteCommands(QStringLiteral("docker"), false, QStringLiteral("p"))
                                    .logs(QStringLiteral("1h"), 10, false);
        QProcess sh;
        sh.setProcessEnvironment(envWith(dir, QStringLiteral("lines")));
        sh.start(c.localProgram(), c.localArguments());
        QVERIFY(sh.waitForFinished(5000));
        QCOMPARE(sh.readAllStandardOutput(),
                 QByteArray(
                     "2026-11-27T12:00:00Z x [info]: Memory: RSS=1MB, Heap=1MB/2MB, External=1MB, ArrayBuffers=1MB\n"));
        QCOMPARE(sh.readAllStandardError(), QByteArray("2026-11-27T12:00:01Z x [warn]: careful\n"));
    }

    // The watchdog: an engine that ignores SIGTERM and never writes still ends when stdin closes.
    void wrapperKillsEngineWhenStdinCloses_data()
    {
        QTest::addColumn<bool>("filtered");
        QTest::addRow("plain") << false;
        QTest::addRow("filtered") << true;
    }

    void wrapperKillsEngineWhenStdinCloses()
    {
        QFETCH(bool, filtered);
        QTemporaryDir dir;
        makeArgsRecorder(dir);
        const RemoteCommands commands(QStringLiteral("docker"), false, QStringLiteral("p"));
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
        const auto h = [](const char* s) { return LogResumer::hashLine(QByteArrayView(s)); };
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
