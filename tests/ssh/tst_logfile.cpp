// The log follower that reads the engine's log file on the server (LogFileFollow, RemoteCommands::logFile)
// end to end: heapwatch's SSH source against a real sshd on 127.0.0.1 whose fake engine names a log file in
// inspect (SshdFixture::setLogFile). Lines appended to the file in k8s-file form (podman's conmon) reach the
// state as records, the pieces of a long line joined, each line once, across a rotation of the file; no
// `logs -f` runs; the reader ends with the source. Where the file cannot be read, `docker logs -f` follows and
// the connection says why.
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
