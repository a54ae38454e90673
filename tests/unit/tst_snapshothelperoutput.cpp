// What the snapshot helper (resources/snapshot-helper.js) prints on stderr, as SnapshotHelperOutput reads
// it: lines captured from a real run (tests/engine/engine-snapshot.sh, Node 20 in podman), cut anywhere,
// mixed with the docker CLI's and node's own complaints; and the helper's command line through the quoting.
#include "RemoteCommands.h"
#include "SnapshotCapture.h"
#include "SnapshotHelperOutput.h"

#include <QProcess>
#include <QtTest>

using namespace heapwatch;
using Kind = SnapshotHelperEvent::Kind;

namespace {
const QByteArray kRealRun = "heapwatch-snapshot start node=v20.20.2 pid=12 timeout_s=600\n"
                            "heapwatch-snapshot inspector state=opened port=9229 pid=1\n"
                            "heapwatch-snapshot preflight pid=1 heap_used=25715560 heap_total=43294720 "
                            "rss=109416448 mem_limit=901775360 mem_usage=95944704 mem_available=23792513024 "
                            "objects=440806 count_ms=1356\n"
                            "heapwatch-snapshot snapshot state=started\n"
                            "heapwatch-snapshot progress done=0 total=412345\n"
                            "heapwatch-snapshot progress done=412345 total=412345\n"
                            "heapwatch-snapshot snapshot state=taken bytes=56211363 pause_ms=5172 "
                            "heap_used=25715560\n"
                            "heapwatch-snapshot done code=0 reason=ok\n"
                            "heapwatch-snapshot inspector state=closed port=9229\n";
} // namespace

class TestSnapshotHelperOutput : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void realRunCutAnywhere_data()
    {
        QTest::addColumn<int>("piece");
        for (int piece : {1, 2, 7, 64, 100000})
            QTest::addRow("%d-byte pieces", piece) << piece;
    }
    void realRunCutAnywhere()
    {
        QFETCH(int, piece);
        SnapshotHelperOutput parser;
        std::vector<SnapshotHelperEvent> events;
        for (qsizetype i = 0; i < kRealRun.size(); i += piece) {
            for (auto& e : parser.feed(kRealRun.mid(i, piece)))
                events.push_back(std::move(e));
        }
        QCOMPARE(parser.foreignLines(), 0);
        const QList<Kind> kinds {Kind::Start,    Kind::Inspector, Kind::Preflight, Kind::Snapshot, Kind::Progress,
                                 Kind::Progress, Kind::Snapshot,  Kind::Done,      Kind::Inspector};
        QCOMPARE(int(events.size()), int(kinds.size()));
        for (int i = 0; i < kinds.size(); ++i)
            QCOMPARE(events[size_t(i)].kind, kinds[i]);
        const SnapshotMemory m = SnapshotHelperOutput::memoryOf(events[2]);
        QCOMPARE(m.heapUsed, qint64(25715560));
        QCOMPARE(m.heapTotal, qint64(43294720));
        QCOMPARE(m.limit, qint64(901775360));
        QCOMPARE(m.usage, qint64(95944704));
        QCOMPARE(m.available, qint64(23792513024));
        QCOMPARE(m.objects, qint64(440806));
        QVERIFY(m.counted);
        // The first report, before the count, has no objects: judged by the lower bound only.
        SnapshotHelperEvent first;
        QVERIFY(SnapshotHelperOutput::parseLine("heapwatch-snapshot preflight pid=1 heap_used=25715560 "
                                                "mem_limit=901775360 mem_usage=95944704",
                                                &first));
        QVERIFY(!SnapshotHelperOutput::memoryOf(first).counted);
        QCOMPARE(SnapshotHelperOutput::memoryOf(first).objects, qint64(-1));
        QCOMPARE(events[6].number(QStringLiteral("pause_ms")), qint64(5172));
        QCOMPARE(events[8].text(QStringLiteral("state")), QStringLiteral("closed"));
    }

    void foreignAndMalformedLines_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<bool>("isHelpers");
        QTest::addRow("docker: no such container") << QByteArray("Error: No such container: pangolin") << false;
        QTest::addRow("OCI: node not in PATH")
            << QByteArray("OCI runtime exec failed: exec: \"node\": executable file not found in $PATH") << false;
        QTest::addRow("node's own inspector notice")
            << QByteArray("Debugger listening on ws://127.0.0.1:9229/0f2c4c3a") << false;
        QTest::addRow("unknown kind") << QByteArray("heapwatch-snapshot reboot now=1") << false;
        QTest::addRow("field without =") << QByteArray("heapwatch-snapshot done code=0 ok") << false;
        QTest::addRow("empty key") << QByteArray("heapwatch-snapshot done =0") << false;
        QTest::addRow("tag alone") << QByteArray("heapwatch-snapshot") << false;
        QTest::addRow("tag glued") << QByteArray("heapwatch-snapshotdone code=0") << false;
        QTest::addRow("over 4 KiB") << QByteArray("heapwatch-snapshot error reason=") + QByteArray(5000, 'x') << false;
        QTest::addRow("kind without fields") << QByteArray("heapwatch-snapshot done") << true;
        QTest::addRow("CRLF") << QByteArray("heapwatch-snapshot done code=0 reason=ok\r") << true;
        QTest::addRow("error with a reason")
            << QByteArray("heapwatch-snapshot error code=1 reason=no-node-process-found") << true;
    }
    void foreignAndMalformedLines()
    {
        QFETCH(QByteArray, line);
        QFETCH(bool, isHelpers);
        SnapshotHelperEvent e;
        QCOMPARE(SnapshotHelperOutput::parseLine(line, &e), isHelpers);
        SnapshotHelperOutput parser;
        const auto events = parser.feed(line + '\n');
        QCOMPARE(int(events.size()), isHelpers ? 1 : 0);
        QCOMPARE(parser.foreignLines(), isHelpers ? 0 : 1);
        if (!isHelpers && line.size() < 300)
            QCOMPARE(parser.lastForeignLine(), QString::fromUtf8(line).trimmed());
    }

    void endlessLineIsDropped()
    {
        SnapshotHelperOutput parser;
        QVERIFY(parser.feed(QByteArray(5000, 'a')).empty());
        QCOMPARE(parser.foreignLines(), 1);
        // What follows is read again from a clean start.
        const auto events = parser.feed("\nheapwatch-snapshot done code=0 reason=ok\n");
        QCOMPARE(int(events.size()), 1);
        QCOMPARE(events[0].kind, Kind::Done);
    }

    void numbersAreCheckedNotTrusted_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<qint64>("number");
        QTest::addRow("plain") << QByteArray("25715560") << qint64(25715560);
        QTest::addRow("not a number") << QByteArray("lots") << qint64(-1);
        QTest::addRow("fraction") << QByteArray("1.5e9") << qint64(-1);
        QTest::addRow("beyond 64 bits") << QByteArray("99999999999999999999999") << qint64(-1);
        QTest::addRow("negative: no limit") << QByteArray("-1") << qint64(-1);
    }
    void numbersAreCheckedNotTrusted()
    {
        QFETCH(QByteArray, value);
        QFETCH(qint64, number);
        SnapshotHelperEvent e;
        QVERIFY(SnapshotHelperOutput::parseLine("heapwatch-snapshot preflight heap_used=" + value, &e));
        QCOMPARE(SnapshotHelperOutput::memoryOf(e).heapUsed, number);
    }

    // The helper's command line keeps the script byte for byte through RemoteCommand's quoting and the
    // login shell, and hands the channel's stdin to the command (no watchdog in between).
    void helperCommandLine()
    {
        const QByteArray script = SnapshotCapture::helperScript();
        QVERIFY2(script.contains("HeapProfiler.takeHeapSnapshot"), "the resources are linked");
        const RemoteCommand c = SnapshotCapture::helperCommand(QStringLiteral("/bin/echo"), false,
                                                               QStringLiteral("my.app_1"), script, 600);
        QVERIFY(c.passStdin);
        QProcess sh;
        sh.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QString::fromUtf8(c.sshCommandLine())});
        QVERIFY(sh.waitForFinished(10000));
        QCOMPARE(sh.exitCode(), 0);
        QCOMPARE(sh.readAllStandardOutput(), "exec -i my.app_1 node -e " + script + " 600\n");

        // stdin reaches the command: `cat` in place of the engine echoes what the channel sends.
        RemoteCommand cat;
        cat.argv = QStringList {QStringLiteral("cat")};
        cat.passStdin = true;
        QProcess piped;
        piped.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QString::fromUtf8(cat.sshCommandLine())});
        QVERIFY(piped.waitForStarted());
        piped.write("go\n");
        piped.closeWriteChannel();
        QVERIFY(piped.waitForFinished(10000));
        QCOMPARE(piped.readAllStandardOutput(), QByteArray("go\n"));
    }
};

QTEST_GUILESS_MAIN(TestSnapshotHelperOutput)
#include "tst_snapshothelperoutput.moc"
