// The log flood of the hardening issue: the loopback sshd's fake docker writes 100 000 log lines a second
// for 30 s (a realistic mix that passes the server-side filter: Memory, Cache stats, warnings, errors,
// audit-buffer overflows) to a live SSH target shown by the real MainWindow, offscreen. Measured in the GUI
// thread: the longest event-loop stall (a 10 ms timer; fail when the GUI thread was busy for more than 100 ms
// between two pulses; the wall-clock gap is printed, and asserted with HEAPWATCH_FLOOD_STRICT_WALL=1), that
// no gap applied more than the bounded hand-off lets through, heapwatch's RSS over the flood
// (fail above a stated bound, or when it keeps growing), and the accounting: every line the generator wrote
// was read and parsed, and delivered records + skipped lines == lines sent (none silently lost). Halfway
// through, the GUI thread is held for HEAPWATCH_FLOOD_HOLD_MS (default 1500 ms: a GUI that cannot keep up),
// so the worker has to hold back, coalesce and skip; the skipped count must then show in the status panel,
// the text report and `check --json`. That one deliberate gap is the test's own and is not counted as a stall;
// the backlog applied right after it is.
//
// HEAPWATCH_FLOOD_RATE and HEAPWATCH_FLOOD_SECONDS override the 100 000 lines/s and 30 s locally.

#include "ContainerStreams.h"
#include "MainWindow.h"
#include "ProcessStats.h"
#include "SourceFactory.h"
#include "SshdFixture.h"
#include "StateReport.h"
#include "StatusPanel.h"
#include "Target.h"
#include "TargetConfig.h"
#include "TargetListModel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonObject>
#include <QLocale>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <functional>
#include <time.h>

using namespace heapwatch;
using heapwatch::test::SshdFixture;

namespace {

constexpr qint64 kMaxStallMs = 100;
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
// The first seconds of the flood are the charts' first fill with tens of thousands of points (Qt Charts builds
// its paths and axes once, ~100-200 ms of CPU here, independent of how lines arrive): reported, not judged.
constexpr qint64 kWarmUpMs = 2000;
// heapwatch's own RSS may rise by this much over the flood: history rings filling (about 20 MiB at the
// default capacities), the problem list, chart series and at most a few batches in flight. A queue that grew
// with the flood would pass it within seconds (a held-back second alone is ~30 MB of records).
constexpr double kMaxRssRiseMiB = 160;
// … and in the last third of the flood it may rise by at most this much over the middle third's peak.
constexpr double kMaxLateGrowthMiB = 24;

int envInt(const char* name, int fallback)
{
    bool ok = false;
    const int v = qEnvironmentVariableIntValue(name, &ok);
    return ok && v >= 0 ? v : fallback;
}

// CPU time of the calling thread: the part of a gap the event loop was busy rather than waiting for a core.
qint64 threadCpuUs()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

double mib(qint64 bytes)
{
    return double(bytes) / (1024.0 * 1024.0);
}

// A real event loop (QTest::qWaitFor sleeps between its rounds) until pred holds or timeoutMs passed.
bool waitUntil(const std::function<bool()>& pred, int timeoutMs)
{
    if (pred())
        return true;
    QEventLoop loop;
    QTimer poll;
    QElapsedTimer clock;
    clock.start();
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (pred() || clock.elapsed() > timeoutMs)
            loop.quit();
    });
    poll.start(50);
    loop.exec();
    return pred();
}

} // namespace

class TestFlood : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("heapwatch-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_flood"));
        QSettings().clear();
    }

    void cleanupTestCase() { QSettings().clear(); }

    void floodThroughTheMainWindow()
    {
        const int rate = std::max(1, envInt("HEAPWATCH_FLOOD_RATE", 100000));
        const int seconds = std::max(1, envInt("HEAPWATCH_FLOOD_SECONDS", 30));
        const int holdMs = envInt("HEAPWATCH_FLOOD_HOLD_MS", 1500);

        SshdFixture f;
        QString error;
        QVERIFY2(f.start(&error), qPrintable(error)); // no sshd is a failure, never a skip
        f.trustHostKey();
        // Configured now: the container falls silent, so the flood is the only live input.
        {
            QFile flood(f.stateDir() + QStringLiteral("/flood"));
            QVERIFY(flood.open(QIODevice::WriteOnly));
            flood.write(QByteArray::number(rate) + ' ' + QByteArray::number(seconds) + '\n');
        }

        auto window = std::make_unique<MainWindow>();
        window->resize(1400, 900);
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));

        TargetConfig o;

        SourceContext ctx;
        o.location = f.target();
        o.identityFile = f.clientKey();
        o.knownHostsFile = f.knownHostsFile();
        auto source = createSource(o, ctx, &error);
        QVERIFY2(source, qPrintable(error));
        Source* src = source.get();
        TargetConfig entry = TargetConfig::remote(f.target());
        entry.identityFile = f.clientKey();
        entry.knownHostsFile = f.knownHostsFile();
        QVERIFY(window->addSourceTarget(entry, std::move(source)));
        Target* target = window->targetModel()->targetAt(0);
        QVERIFY(target);
        QCOMPARE(window->currentTarget(), target);

        // Records handed to the GUI thread, counted where the source emits them (in this thread).
        quint64 records = 0;
        quint64 recordsThisTurn = 0; // since the last pulse: what the GUI thread applied in that gap
        connect(
            src, &Source::batchReady, this,
            [&](const IngestBatch& b) {
                records += b.logs.size();
                recordsThisTurn += b.logs.size();
            },
            Qt::DirectConnection);

        const TargetState& st = target->state();
        QVERIFY2(waitUntil(
                     [&] {
                         return st.connection().state == ConnectionStatus::State::Connected && target->backfillDone()
                             && st.lastStats().has_value();
                     },
                     30000),
                 qPrintable(QStringLiteral("not connected with data: %1").arg(st.connection().message)));
        // The baseline once the (now silent) container's lines are all in: no change for 1.5 s.
        quint64 lastLines = ~quint64(0);
        QElapsedTimer steady;
        steady.start();
        QVERIFY(waitUntil(
            [&] {
                if (st.logCounters().lines != lastLines) {
                    lastLines = st.logCounters().lines;
                    steady.restart();
                }
                return steady.elapsed() >= 1500;
            },
            20000));
        const ParseCounters base = st.logCounters();
        const quint64 baseRecords = records;
        QCOMPARE(base.skipped, quint64(0));

        // The GUI thread's pulse, its RSS, and the deliberate hold.
        QElapsedTimer clock;
        clock.start();
        qint64 lastTick = 0;
        qint64 maxStall = 0;
        qint64 maxBusy = 0;
        qint64 warmUpBusy = 0;
        quint64 maxRecordsPerTurn = 0;
        int overAllowed = 0;
        qint64 lastCpuUs = threadCpuUs();
        int stallsOver = 0;
        QTimer pulse;
        pulse.setTimerType(Qt::PreciseTimer);
        connect(&pulse, &QTimer::timeout, this, [&] {
            const qint64 t = clock.elapsed();
            const qint64 cpu = threadCpuUs();
            const qint64 gap = t - lastTick;
            const qint64 busy = (cpu - lastCpuUs) / 1000;
            lastTick = t;
            lastCpuUs = cpu;
            // What one gap may apply: the batches in flight and the worker's full pending one at its start, and
            // what arrived during it (twice the rate, for margin). A backlog left by the hold is far more.
            const quint64 allowed
                = 3 * (ContainerStreams::kMaxBatchRecords + 8) + quint64(2 * rate) * quint64(gap) / 1000;
            if (recordsThisTurn > allowed) {
                ++overAllowed;
                qInfo("flood: %llu records applied in a %lld ms gap (allowed %llu), at %.2f s", recordsThisTurn, gap,
                      allowed, double(t) / 1000.0);
            }
            maxRecordsPerTurn = std::max(maxRecordsPerTurn, recordsThisTurn);
            recordsThisTurn = 0;
            if (t < kWarmUpMs) {
                warmUpBusy = std::max(warmUpBusy, busy);
                return;
            }
            maxStall = std::max(maxStall, gap);
            maxBusy = std::max(maxBusy, busy);
            if (gap > kMaxStallMs || busy > kMaxStallMs) {
                ++stallsOver;
                qInfo("flood: the GUI event loop stalled for %lld ms (%lld ms of it busy in the GUI thread), at %.2f s",
                      gap, busy, double(t) / 1000.0);
            }
        });
        struct RssSample
        {
            qint64 atMs;
            qint64 bytes;
        };
        std::vector<RssSample> rss;
        const qint64 rssBefore = ProcessStats::residentBytes();
        QTimer rssTimer;
        connect(&rssTimer, &QTimer::timeout, this, [&] {
            rss.push_back({clock.elapsed(), ProcessStats::residentBytes()});
        });
        const QString done = f.stateDir() + QStringLiteral("/flood.done");
        QVERIFY(!QFile::exists(done));

        lastTick = clock.elapsed();
        pulse.start(10);
        rssTimer.start(250);
        QTimer::singleShot(seconds * 1000 / 2, this, [&] {
            if (holdMs <= 0)
                return;
            qInfo("flood: holding the GUI thread for %d ms at %.2f s", holdMs, double(clock.elapsed()) / 1000.0);
            QThread::msleep(static_cast<unsigned long>(holdMs)); // a GUI that cannot keep up, for a while
            lastTick = clock.elapsed(); // the hold is ours; what it left to apply is measured from here
            lastCpuUs = threadCpuUs();
        });
        {
            QFile go(f.stateDir() + QStringLiteral("/flood-go"));
            QVERIFY(go.open(QIODevice::WriteOnly));
        }
        QVERIFY2(waitUntil([&] { return QFile::exists(done); }, (seconds + 60) * 1000),
                 "the flood never finished (is perl installed on the server?)");
        const qint64 floodEndMs = clock.elapsed();
        QFile doneFile(done);
        QVERIFY(doneFile.open(QIODevice::ReadOnly));
        const QList<QByteArray> doneFields = doneFile.readAll().simplified().split(' ');
        QCOMPARE(doneFields.size(), 2);
        const quint64 sent = doneFields[0].toULongLong();
        const double generatorSeconds = doneFields[1].toDouble();
        QVERIFY(sent > 0);

        // Drain: every line read, parsed and either delivered or counted as skipped.
        const auto delivered = [&] { return records - baseRecords; };
        const auto skipped = [&] { return st.logCounters().skipped - base.skipped; };
        const bool drained = waitUntil(
            [&] { return st.logCounters().lines - base.lines >= sent && delivered() + skipped() >= sent; }, 30000);
        const qint64 drainedMs = clock.elapsed();
        pulse.stop();
        rssTimer.stop();
        window->refreshNow();

        const ParseCounters now = st.logCounters();
        const qint64 rssPeak = std::max_element(rss.begin(), rss.end(), [](const RssSample& a, const RssSample& b) {
                                   return a.bytes < b.bytes;
                               })->bytes;
        qInfo("flood: %llu lines sent in %.1f s (%.0f lines/s asked %d/s), all in after %.1f s; %llu delivered to "
              "the state, %llu skipped (overload); longest GUI event-loop gap %lld ms wall, %lld ms busy (%d gaps "
              "over %lld ms; the %d ms hold and the first %lld ms excluded, busy at most %lld ms then); at most %llu "
              "records applied between two pulses; RSS before %.1f MiB, peak %.1f MiB, end %.1f MiB",
              sent, generatorSeconds, double(sent) / generatorSeconds, rate, double(drainedMs) / 1000.0, delivered(),
              skipped(), maxStall, maxBusy, stallsOver, kMaxStallMs, holdMs, kWarmUpMs, warmUpBusy, maxRecordsPerTurn,
              mib(rssBefore), mib(rssPeak), mib(rss.empty() ? 0 : rss.back().bytes));

        QVERIFY2(drained,
                 qPrintable(QStringLiteral("after the flood: %1 lines parsed, %2 delivered + %3 skipped, of %4 sent")
                                .arg(now.lines - base.lines)
                                .arg(delivered())
                                .arg(skipped())
                                .arg(sent)));
        // Every line the server wrote arrived and parsed (the filter let the whole mix through) …
        QCOMPARE(now.lines - base.lines, sent);
        QCOMPARE(now.recognised - base.recognised, sent);
        QCOMPARE(now.malformed - base.malformed, quint64(0));
        // … and each was either applied to the state or counted as skipped: none silently lost.
        QCOMPARE(delivered() + skipped(), sent);
        // The latest values survive an overload: the last Memory and Cache lines the generator wrote (see
        // fake-docker.sh: line i is a Memory line with RSS (3000 + i % 700) / 10 when i % 20 < 10, a Cache line
        // with Hits 1000000 + i when i % 20 < 14) are the state's.
        qint64 lastMemoryLine = qint64(sent) - 1;
        while (lastMemoryLine >= 0 && lastMemoryLine % 20 >= 10)
            --lastMemoryLine;
        qint64 lastCacheLine = qint64(sent) - 1;
        while (lastCacheLine >= 0 && (lastCacheLine % 20 < 10 || lastCacheLine % 20 >= 14))
            --lastCacheLine;
        if (lastMemoryLine >= 0) {
            QVERIFY(st.lastMemory().has_value());
            QCOMPARE(qRound(st.lastMemory()->rssMiB * 10), int(3000 + lastMemoryLine % 700));
        }
        if (lastCacheLine >= 0) {
            QVERIFY(st.lastCache().has_value());
            QCOMPARE(st.lastCache()->hits, 1000000 + lastCacheLine);
        }
        QVERIFY(st.problems().size() <= TargetState::kMaxProblems);

        // The GUI thread never stalled, not even while applying what the hold left behind: the event loop was
        // never busy for more than 100 ms between two turns. On a quiet machine that is also the wall-clock gap;
        // on a loaded CI machine (the flood's own generator, grep, sshd and parser take most of two cores) the
        // GUI thread also waits for a core, which is the machine, not heapwatch: HEAPWATCH_FLOOD_STRICT_WALL=1
        // asserts the wall-clock gap as well.
        // Under AddressSanitizer every instruction costs several times more: there the flood is run for what the
        // sanitizer finds, and the stall figure is printed, not judged (the dev and release builds judge it).
        if (kSanitized)
            qInfo("flood: sanitizer build: the longest busy stretch (%lld ms) is not judged", maxBusy);
        else
            QVERIFY2(maxBusy <= kMaxStallMs,
                     qPrintable(QStringLiteral("the GUI event loop was busy for %1 ms without a turn (limit %2 ms)")
                                    .arg(maxBusy)
                                    .arg(kMaxStallMs)));
        // The hand-off is bounded: between two pulses the GUI thread never applied more than the batches in
        // flight, the worker's pending one and what arrived meanwhile; never the backlog the hold left behind.
        QVERIFY2(
            overAllowed == 0,
            qPrintable(
                QStringLiteral("%1 gaps applied more log records than the bounded hand-off allows").arg(overAllowed)));
        if (envInt("HEAPWATCH_FLOOD_STRICT_WALL", 0) > 0)
            QVERIFY2(maxStall <= kMaxStallMs,
                     qPrintable(QStringLiteral("the GUI event loop stalled for %1 ms (limit %2 ms)")
                                    .arg(maxStall)
                                    .arg(kMaxStallMs)));

        // Memory stayed bounded: a stated ceiling over the flood, and no growth late in it. Under AddressSanitizer
        // RSS is mostly its quarantine of freed blocks (256 MiB by default): printed there, not judged.
        if (!kSanitized)
            QVERIFY2(mib(rssPeak - rssBefore) <= kMaxRssRiseMiB,
                     qPrintable(QStringLiteral("RSS rose by %1 MiB during the flood (limit %2 MiB)")
                                    .arg(mib(rssPeak - rssBefore), 0, 'f', 1)
                                    .arg(kMaxRssRiseMiB)));
        const qint64 floodStart = floodEndMs - qint64(generatorSeconds * 1000);
        const qint64 third = qint64(generatorSeconds * 1000) / 3;
        qint64 middlePeak = 0;
        qint64 latePeak = 0;
        for (const RssSample& s : rss) {
            if (s.atMs >= floodStart + third && s.atMs < floodStart + 2 * third)
                middlePeak = std::max(middlePeak, s.bytes);
            else if (s.atMs >= floodStart + 2 * third && s.atMs <= floodEndMs)
                latePeak = std::max(latePeak, s.bytes);
        }
        if (middlePeak > 0 && latePeak > 0) {
            qInfo("flood: RSS peak in the middle third %.1f MiB, in the last third %.1f MiB", mib(middlePeak),
                  mib(latePeak));
            if (!kSanitized)
                QVERIFY2(mib(latePeak - middlePeak) <= kMaxLateGrowthMiB,
                         qPrintable(QStringLiteral("RSS kept growing: %1 MiB in the middle third, %2 MiB in the last")
                                        .arg(mib(middlePeak), 0, 'f', 1)
                                        .arg(mib(latePeak), 0, 'f', 1)));
        }

        // What was skipped is shown: the status panel, the text report and `check --json`.
        if (holdMs > 0)
            QVERIFY2(skipped() > 0, "the GUI thread was held for a while, yet nothing had to be skipped");
        StatusPanel* panel = window->statusPanel();
        if (now.skipped > 0) {
            const QString shown = QLocale().toString(now.skipped) + QStringLiteral(" lines skipped (overload)");
            QVERIFY(panel->isSkippedShown());
            QCOMPARE(panel->skippedText(), shown);
            const ReportInput in {st, target->assessment(), target->thresholds(), target->now()};
            QVERIFY2(textReport(in).contains(QStringLiteral("; %1 lines skipped (overload)").arg(now.skipped)),
                     qPrintable(textReport(in)));
            QCOMPARE(jsonReport(in)
                         .value(QStringLiteral("input"))
                         .toObject()
                         .value(QStringLiteral("skipped_overload"))
                         .toDouble(),
                     double(now.skipped));
        } else {
            QVERIFY(!panel->isSkippedShown());
        }

        // Closing the window ends every remote command, the flood's generator included.
        window.reset();
        QVERIFY2(f.waitUntilNoTaggedProcesses(8000), qPrintable(f.taggedProcesses().join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(TestFlood)
#include "tst_flood.moc"
