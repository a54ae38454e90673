// The log follower that reads the engine's log file on the server (LogFileFollow, RemoteCommands::logFile)
// end to end: heapwatch's SSH source against a real sshd on 127.0.0.1 whose fake engine names a log file in
// inspect (SshdFixture::setLogFile). Lines appended to the file in k8s-file form (podman's conmon) reach the
// state as records, the pieces of a long line joined, each line once, across a rotation of the file; no
// `logs -f` runs; the reader ends with the source. Where the file cannot be read, `docker logs -f` follows and
// the connection says why. The same for the container's events where podman writes them to a file: its lines
// for this container reach the state as events, the other lines do not, and no `docker events` runs; a file
// without them, or not written since the container started, leaves the events to `docker events`.
#include "SourceFactory.h"
#include "SourceRecorder.h"
#include "SshdFixture.h"

#include <QDateTime>
#include <QFile>
#include <QTest>

using namespace heapwatch;
using namespace heapwatch::test;

class TestLogFile : public QObject
{
    Q_OBJECT

    std::unique_ptr<SshdFixture> f;

    std::unique_ptr<Source> make()
    {
        TargetConfig o;
        SourceContext ctx;
        o.location = f->target();
        o.identityFile = f->clientKey();
        o.knownHostsFile = f->knownHostsFile();
        QString error;
        auto s = createSource(o, ctx, &error);
        if (!s)
            qWarning("createSource: %s", qPrintable(error));
        return s;
    }

    bool start(bool readable, QString* error)
    {
        f = std::make_unique<SshdFixture>();
        f->setLogFile(readable);
        if (!f->start(error))
            return false;
        f->trustHostKey();
        return true;
    }

    // k8s-file lines as conmon writes them, stamped `secondsAgo` seconds before now.
    static QByteArray k8s(int secondsAgo, const char* stream, char flag, const QByteArray& text)
    {
        const QDateTime at = QDateTime::currentDateTimeUtc().addSecs(-secondsAgo);
        return at.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz")).toUtf8() + "123456+00:00 " + stream + ' ' + flag
            + ' ' + text + '\n';
    }

    void append(const QByteArray& lines) const
    {
        QFile file(f->logFilePath());
        QVERIFY(file.open(QIODevice::Append));
        QCOMPARE(file.write(lines), lines.size());
    }

    static QStringList texts(const SourceRecorder& rec, LogKind kind)
    {
        QStringList out;
        for (const IngestBatch& b : rec.batches) {
            for (const LogRecord& r : b.logs) {
                if (r.kind == kind && !b.backfill)
                    out << (kind == LogKind::Memory ? QString::number(r.memory.rssMiB) : r.text);
            }
        }
        return out;
    }

    QStringList followers() const { return f->invocations().filter(QStringLiteral("--follow")); }

private Q_SLOTS:
    void cleanup() { f.reset(); }

    void followsTheFile()
    {
        QString error;
        QVERIFY2(start(true, &error), qPrintable(error));
        auto source = make();
        QVERIFY(source);
        SourceRecorder rec(source.get());
        source->start();
        QTRY_COMPARE_WITH_TIMEOUT(rec.lastStatus().logsSource, QStringLiteral("log file"), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(rec.backfillFinished, 1, 10000); // the history's end may come after the status

        // A Memory line, an error line written in two pieces with a stderr line between them, a warning.
        append(k8s(0, "stdout", 'F',
                   "2026-01-14T10:00:00.000Z [info]: Memory: RSS=421.3MB, Heap=380.2MB/410.0MB, "
                   "External=20.1MB, ArrayBuffers=15.0MB")
               + k8s(0, "stdout", 'P', "2026-01-14T10:00:01.000Z [error]: Failed to flush ")
               + k8s(0, "stderr", 'F', "2026-01-14T10:00:01.000Z [warn]: Cache stats slow")
               + k8s(0, "stdout", 'F', "audit logs: SQLITE_BUSY"));
        QTRY_COMPARE_WITH_TIMEOUT(texts(rec, LogKind::Memory), QStringList {QStringLiteral("421.3")}, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!texts(rec, LogKind::Error).isEmpty(), 5000);
        QVERIFY2(texts(rec, LogKind::Error)
                     .join(QLatin1Char('|'))
                     .contains(QLatin1String("Failed to flush audit logs: SQLITE_BUSY")),
                 qPrintable(texts(rec, LogKind::Error).join(QLatin1Char('|'))));
        QCOMPARE(texts(rec, LogKind::Error).size(), 1);

        // Rotated (json-file's max-size, podman's log_size_max): renamed, and a new file written.
        QVERIFY(QFile::rename(f->logFilePath(), f->logFilePath() + QStringLiteral(".1")));
        append(k8s(0, "stdout", 'F',
                   "2026-01-14T10:00:02.000Z [info]: Memory: RSS=500.5MB, Heap=380.2MB/410.0MB, "
                   "External=20.1MB, ArrayBuffers=15.0MB"));
        QTRY_COMPARE_WITH_TIMEOUT(texts(rec, LogKind::Memory),
                                  (QStringList {QStringLiteral("421.3"), QStringLiteral("500.5")}), 10000);
        QTest::qWait(1500);
        QCOMPARE(texts(rec, LogKind::Memory).size(), 2); // each line once
        QVERIFY2(followers().isEmpty(), qPrintable(followers().join(QLatin1Char('\n'))));
        QCOMPARE(rec.lastStatus().logsSource, QStringLiteral("log file"));

        // The reader (tail and awk) ends with the source.
        source.reset();
        QVERIFY2(f->waitUntilNoTaggedProcesses(5000), qPrintable(f->taggedProcesses().join(QLatin1Char('\n'))));
    }

    // podman's events file (the file events logger): the captured lines of podman 4.3.1, rewritten for the
    // fixture's container (its ID and name) and for another container of a similar name.
    QByteArray podmanEvents(const char* status, bool ours = true) const
    {
        QFile capture(QFINDTESTDATA("../fixtures/podman-cli-4.3.1/events-file.log"));
        if (!capture.open(QIODevice::ReadOnly))
            return {};
        const QByteArray id = SshdFixture::containerId().toLatin1();
        for (QByteArray line : capture.readAll().split('\n')) {
            if (!line.contains(QByteArray("\"Status\":\"") + status + '"'))
                continue;
            line.replace("201fc3f0814642d5a48ebcd1e1e7772a5cdd1c2d4ea83828374e9fd51ee71f2c",
                         ours ? id : QByteArray(id).replace("dbab", "0bab"));
            line.replace("\"Name\":\"tight\"", ours ? "\"Name\":\"pangolin\"" : "\"Name\":\"pangolin2\"");
            return line + '\n';
        }
        return {};
    }

    void appendEvents(const QByteArray& lines) const
    {
        QFile file(f->podmanEventsFilePath());
        QVERIFY(file.open(QIODevice::Append));
        QCOMPARE(file.write(lines), lines.size());
    }

    void followsPodmansEventsFile()
    {
        QString error;
        QVERIFY2(start(true, &error), qPrintable(error));
        QVERIFY(!podmanEvents("died").isEmpty());
        appendEvents(podmanEvents("create") + podmanEvents("init") + podmanEvents("start"));
        auto source = make();
        QVERIFY(source);
        SourceRecorder rec(source.get());
        source->start();
        QTRY_COMPARE_WITH_TIMEOUT(rec.lastStatus().eventsSource, QStringLiteral("events file"), 30000);
        QTest::qWait(500); // tail has opened the file

        // An exec in the container and another container's death are not this container's lifecycle; its own
        // death is, with its exit code, and its removal.
        appendEvents(podmanEvents("exec") + podmanEvents("exec_died") + podmanEvents("died", false)
                     + podmanEvents("died") + podmanEvents("remove"));
        QTRY_COMPARE_WITH_TIMEOUT(rec.events().size(), size_t(2), 10000);
        QTest::qWait(1000);
        const std::vector<ContainerEvent> events = rec.events();
        QCOMPARE(events.size(), size_t(2));
        QCOMPARE(events[0].kind, ContainerEvent::Kind::Die);
        QCOMPARE(events[0].exitCode, 137);
        QCOMPARE(events[0].containerId, SshdFixture::containerId());
        QCOMPARE(events[1].detail, QStringLiteral("remove"));
        const QStringList engineEvents = f->invocations().filter(QStringLiteral(" events --filter"));
        QVERIFY2(engineEvents.isEmpty(), qPrintable(engineEvents.join(QLatin1Char('\n'))));

        // The reader (tail and awk) ends with the source.
        source.reset();
        QVERIFY2(f->waitUntilNoTaggedProcesses(5000), qPrintable(f->taggedProcesses().join(QLatin1Char('\n'))));
    }

    // A file without this container's events (podman's journald logger left it behind, another engine's):
    // `docker events`, and the connection says why.
    void engineEventsWhenTheFileHasNoneOfTheContainer()
    {
        QString error;
        QVERIFY2(start(true, &error), qPrintable(error));
        appendEvents(podmanEvents("start", false));
        auto source = make();
        QVERIFY(source);
        SourceRecorder rec(source.get());
        source->start();
        QTRY_COMPARE_WITH_TIMEOUT(rec.lastStatus().eventsSource,
                                  QStringLiteral("docker events (events file: no-container-events)"), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(f->invocations().filter(QStringLiteral(" events --filter")).size(), 1, 5000);
    }

    // A file that holds this container's events but was not written since it started (podman's events went to
    // journald since, the file left behind): nothing would come through it, so `docker events`, and the
    // connection says why.
    void engineEventsWhenTheFileIsStale()
    {
        QString error;
        QVERIFY2(start(true, &error), qPrintable(error));
        appendEvents(podmanEvents("create") + podmanEvents("start"));
        QFile file(f->podmanEventsFilePath());
        QVERIFY(file.open(QIODevice::ReadWrite));
        // The fixture's container started a minute before the fixture did.
        QVERIFY(file.setFileTime(QDateTime::currentDateTimeUtc().addSecs(-7200), QFileDevice::FileModificationTime));
        file.close();
        auto source = make();
        QVERIFY(source);
        SourceRecorder rec(source.get());
        source->start();
        QTRY_COMPARE_WITH_TIMEOUT(rec.lastStatus().eventsSource, QStringLiteral("docker events (events file: stale)"),
                                  30000);
        QTRY_COMPARE_WITH_TIMEOUT(f->invocations().filter(QStringLiteral(" events --filter")).size(), 1, 5000);
    }

    void engineFollowsWhenTheFileCannotBeRead()
    {
        QString error;
        QVERIFY2(start(false, &error), qPrintable(error));
        auto source = make();
        QVERIFY(source);
        SourceRecorder rec(source.get());
        source->start();
        QTRY_COMPARE_WITH_TIMEOUT(rec.lastStatus().logsSource,
                                  QStringLiteral("docker logs -f (log file: not-readable)"), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(followers().size(), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(rec.backfillFinished, 1, 10000); // the history's end may come after the follower
        QTest::qWait(500);
        QCOMPARE(rec.backfillFinished, 1);
    }
};

QTEST_GUILESS_MAIN(TestLogFile)
#include "tst_logfile.moc"
