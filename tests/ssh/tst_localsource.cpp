// `local/CONTAINER`: the same commands through QProcess on this machine (the fake docker first in PATH).
#include "SourceFactory.h"
#include "SourceRecorder.h"
#include "SshdFixture.h"
#include "ThreadReaper.h"

#include <QElapsedTimer>
#include <QTest>

using namespace heapwatch;
using namespace heapwatch::test;

class TestLocalSource : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void backfillStatsAndCleanStop()
    {
        SshdFixture f;
        QString error;
        QVERIFY2(f.start(&error), qPrintable(error));
        const QByteArray oldPath = qgetenv("PATH");
        qputenv("PATH", f.binDir().toUtf8() + ":/usr/bin:/bin");

        TargetConfig o;

        SourceContext ctx;
        o.location = QStringLiteral("local/pangolin");
        auto source = createSource(o, ctx, &error);
        QVERIFY2(source, qPrintable(error));
        QCOMPARE(source->targetName(), QStringLiteral("local/pangolin"));
        SourceRecorder rec(source.get());
        source->start();
        QTRY_VERIFY2_WITH_TIMEOUT(rec.backfillFinished == 1 && rec.statsSamples() > 0, qPrintable(rec.statusLog()),
                                  15000);
        QVERIFY2(rec.lastStatus().state == ConnectionStatus::State::Connected,
                 qPrintable(toString(rec.lastStatus().state)));
        QCOMPARE(rec.lastStatus().engine, QStringLiteral("docker"));
        QVERIFY(rec.logs(LogKind::Memory).size() >= 17);
        QTRY_VERIFY_WITH_TIMEOUT(f.invocations().filter(QStringLiteral("--follow")).size() == 1, 5000);

        QElapsedTimer t;
        t.start();
        source->stop(); // posts the request: the worker ends the processes and its thread on its own
        QVERIFY2(t.elapsed() < 100, qPrintable(QString::number(t.elapsed())));
        QTRY_VERIFY2_WITH_TIMEOUT(f.liveDockerProcesses().isEmpty(),
                                  qPrintable(f.liveDockerProcesses().join(QLatin1Char('\n'))), 3000);
        // The worker ended its thread on its own, and ThreadReaper joined it.
        QTRY_COMPARE_WITH_TIMEOUT(ThreadReaper::pending(), 0, 5000);
        qputenv("PATH", oldPath);
    }

    void missingContainer()
    {
        SshdFixture f;
        QString error;
        QVERIFY2(f.start(&error), qPrintable(error));
        const QByteArray oldPath = qgetenv("PATH");
        qputenv("PATH", f.binDir().toUtf8() + ":/usr/bin:/bin");
        TargetConfig o;
        SourceContext ctx;
        o.location = QStringLiteral("local/nosuch");
        auto source = createSource(o, ctx, &error);
        SourceRecorder rec(source.get());
        source->start();
        // Not a failure: the container may be created later (a redeploy); it is waited for.
        QTRY_VERIFY_WITH_TIMEOUT(rec.lastStatus().container == ConnectionStatus::Container::Absent, 10000);
        QVERIFY(rec.lastStatus().state == ConnectionStatus::State::Connected);
        QVERIFY2(rec.lastStatus().message.contains(QLatin1String("waiting for container 'nosuch' on this machine")),
                 qPrintable(rec.lastStatus().message));
        source->stop();
        qputenv("PATH", oldPath);
    }
};

QTEST_GUILESS_MAIN(TestLocalSource)
#include "tst_localsource.moc"
