// The cgroup stats loop end to end: heapwatch's SSH source against a real sshd on 127.0.0.1 whose server has the
// container's cgroup as fixture files (SshdFixture::setCgroupFiles: docker's and podman's layouts, cgroupfs on
// v1 and systemd on v2). The loop's figures reach the state model exactly as the engine's own stats count memory
// (docker without the inactive file cache, podman with it), a change of the files
// arrives within seconds, no `docker stats` runs, no process is started per sample, nothing is left behind;
// where the files cannot be read, `docker stats` takes over and the connection says so.
#include "SourceFactory.h"
#include "SourceRecorder.h"
#include "SshdFixture.h"

#include <QTest>
#include <cmath>

using namespace heapwatch;
using namespace heapwatch::test;

class TestCgroupStats : public QObject
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

    bool start(int version, QString* error, bool podman = false)
    {
        f = std::make_unique<SshdFixture>();
        f->setCgroupFiles(version, podman);
        if (!f->start(error))
            return false;
        f->trustHostKey();
        return true;
    }

    static std::optional<StatsSample> lastSample(const SourceRecorder& rec)
    {
        for (auto b = rec.batches.rbegin(); b != rec.batches.rend(); ++b) {
            if (!b->stats.empty())
                return b->stats.back();
        }
        return std::nullopt;
    }

    QStringList statsInvocations() const { return f->invocations().filter(QStringLiteral(" stats ")); }

private Q_SLOTS:
    void cleanup() { f.reset(); }

    void loopReadsTheCgroup_data()
    {
        QTest::addColumn<int>("version");
        QTest::addColumn<bool>("podman");
        QTest::addRow("cgroup v1, docker with cgroupfs") << 1 << false;
        QTest::addRow("cgroup v2, docker with systemd") << 2 << false;
        QTest::addRow("cgroup v1, podman with cgroupfs") << 1 << true;
        QTest::addRow("cgroup v2, podman with systemd") << 2 << true;
    }

    void loopReadsTheCgroup()
    {
        QFETCH(int, version);
        QFETCH(bool, podman);
        QString error;
        QVERIFY2(start(version, &error, podman), qPrintable(error));
        auto source = make();
        QVERIFY(source);
        SourceRecorder rec(source.get());
        source->start();

        // 640 MiB as the engine counts it: docker's files say 644 MiB, 4 MiB of it inactive file cache, which
        // docker stats leaves out; podman's say 640 MiB with 4 MiB of it inactive, which podman counts.
        QTRY_VERIFY2_WITH_TIMEOUT(lastSample(rec) && lastSample(rec)->memUsageBytes == 671088640.0,
                                  qPrintable(rec.statusLog() + f->taggedProcesses().join(QLatin1Char('\n'))), 30000);
        StatsSample s = *lastSample(rec);
        QCOMPARE(s.memLimitBytes, 901775360.0);
        QCOMPARE(s.pids, qint64(11));
        QCOMPARE(s.containerId, QStringLiteral("dbabfe853db9"));
        QTRY_COMPARE_WITH_TIMEOUT(rec.lastStatus().statsSource,
                                  QStringLiteral("cgroup v%1 (read -t%2)")
                                      .arg(version)
                                      .arg(podman ? QStringLiteral("; podman: page cache counted") : QString()),
                                  5000);

        // Half a core for the next second, 700 MB, 12 processes: the next samples say so.
        const size_t batchesBefore = rec.batches.size();
        f->writeCgroupFigures(700000000, 901775360, 123456789 + 500000, 12);
        QTRY_VERIFY_WITH_TIMEOUT(lastSample(rec)->memUsageBytes == 700000000.0, 5000);
        // Processes and the file cache are read every 5 s, the limit every 30 s.
        QTRY_COMPARE_WITH_TIMEOUT(lastSample(rec)->pids, qint64(12), 8000);
        s = *lastSample(rec);
        double busiest = 0;
        for (size_t b = batchesBefore; b < rec.batches.size(); ++b) {
            for (const StatsSample& x : rec.batches[b].stats)
                busiest = std::max(busiest, x.cpuPercent);
        }
        QVERIFY2(busiest > 10 && busiest <= 50.01, qPrintable(QString::number(busiest)));
        QVERIFY(std::abs(s.memPercent - 700000000.0 / 901775360.0 * 100.0) < 1e-9);
        // Idle from now on: CPU 0, and samples keep coming (keepalives) though nothing changes.
        QTRY_COMPARE_WITH_TIMEOUT(lastSample(rec)->cpuPercent, 0.0, 5000);
        const int before = rec.statsSamples();
        QTRY_VERIFY_WITH_TIMEOUT(rec.statsSamples() >= before + 2, 15000);

        QVERIFY2(statsInvocations().isEmpty(), qPrintable(statsInvocations().join(QLatin1Char('\n'))));
        // One loop, no process per sample: no `sleep` (or anything else) appears beside it on the server.
        const QStringList loops = f->taggedProcesses().filter(QStringLiteral("heapwatch-stats"));
        QCOMPARE(loops.size(), 1);
        QVERIFY2(
            f->taggedProcesses().filter(QRegularExpression(QStringLiteral("^[0-9]+ (/usr)?(/bin/)?sleep "))).isEmpty(),
            qPrintable(f->taggedProcesses().join(QLatin1Char('\n'))));
        QCOMPARE(rec.batches.back().statsCounters.malformed + rec.batches.front().statsCounters.malformed, quint64(0));

        source->stop();
        QVERIFY2(f->waitUntilNoTaggedProcesses(4000), qPrintable(f->taggedProcesses().join(QLatin1Char('\n'))));
    }

    void unreadableCgroupFallsBackToDockerStats_data()
    {
        QTest::addColumn<int>("version");
        QTest::addRow("cgroup v1") << 1;
        QTest::addRow("cgroup v2") << 2;
    }

    void unreadableCgroupFallsBackToDockerStats()
    {
        QFETCH(int, version);
        QString error;
        QVERIFY2(start(version, &error), qPrintable(error));
        f->removeCgroupFiles(); // what a rootless container on v1 or a locked-down /sys looks like to the loop
        auto source = make();
        QVERIFY(source);
        SourceRecorder rec(source.get());
        source->start();
        QTRY_COMPARE_WITH_TIMEOUT(rec.lastStatus().statsSource,
                                  QStringLiteral("docker stats (cgroup not readable: not-readable)"), 30000);
        // The replayed `docker stats` capture: its figures, not the files'.
        const int before = rec.statsSamples();
        QTRY_VERIFY_WITH_TIMEOUT(rec.statsSamples() > before + 1, 15000);
        QVERIFY(lastSample(rec)->memUsageBytes != 671088640.0);
        QCOMPARE(statsInvocations().size(), 1);
        source->stop();
        QVERIFY2(f->waitUntilNoTaggedProcesses(4000), qPrintable(f->taggedProcesses().join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestCgroupStats)
#include "tst_cgroupstats.moc"
