// Numbers from the server at the edges of their types: every place that multiplies, adds or converts one either
// saturates or rejects (and counts) it. Run under the asan preset (UBSan halts on the first overflow) these
// rows prove the arithmetic defined, not just the results right; the first row of eventTimes is the input
// the fuzzer found (signed overflow in `time * 1000`).
#include "Assessment.h"
#include "DockerStatsParser.h"
#include "InspectParser.h"
#include "LogParser.h"
#include "SafeMath.h"
#include "TargetState.h"
#include "Units.h"

#include <QFile>
#include <QTest>
#include <cmath>
#include <limits>

using namespace heapwatch;

namespace {

constexpr qint64 kMax = std::numeric_limits<qint64>::max();
constexpr qint64 kMin = std::numeric_limits<qint64>::min();
constexpr qint64 kNoEvent = std::numeric_limits<qint64>::min() + 1; // "the line is rejected"

bool sameDouble(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

struct LogRun
{
    std::vector<LogRecord> records;
    ParseCounters counters;
};

LogRun parseLog(const QByteArray& text)
{
    LogRun run;
    LogParser parser;
    parser.feed(text, LogStream::Stdout, run.records);
    parser.finish(run.records);
    run.counters = parser.counters();
    return run;
}

QByteArray overflowLine(const QByteArray& dropped, const QByteArray& total)
{
    return "2026-11-27T12:20:37.000Z [warn]: Audit log buffer overflow - dropped " + dropped + " entries (" + total
        + " total dropped)";
}

} // namespace

class TestOverflow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void saturatingHelpers_data()
    {
        QTest::addColumn<qint64>("a");
        QTest::addColumn<qint64>("b");
        QTest::addColumn<qint64>("sum");
        QTest::addColumn<qint64>("product");
        QTest::addRow("small") << qint64(40) << qint64(12) << qint64(52) << qint64(480);
        QTest::addRow("max + 0") << kMax << qint64(0) << kMax << qint64(0);
        QTest::addRow("max + 1") << kMax << qint64(1) << kMax << kMax;
        QTest::addRow("max + max") << kMax << kMax << kMax << kMax;
        QTest::addRow("min + -1") << kMin << qint64(-1) << kMin << kMax; // -min does not exist: saturates up
        QTest::addRow("min + min") << kMin << kMin << kMin << kMax;
        QTest::addRow("max + min") << kMax << kMin << qint64(-1) << kMin;
        QTest::addRow("the fuzzer's product")
            << qint64(176424640000000000) << qint64(1000) << qint64(176424640000001000) << kMax;
        QTest::addRow("negative product")
            << qint64(-176424640000000000) << qint64(1000) << qint64(-176424639999999000) << kMin;
        QTest::addRow("largest exact product") << safe::kMaxEpochSeconds << qint64(1000000000)
                                               << safe::kMaxEpochSeconds + 1000000000 << qint64(9223372036000000000);
    }
    void saturatingHelpers()
    {
        QFETCH(qint64, a);
        QFETCH(qint64, b);
        QFETCH(qint64, sum);
        QFETCH(qint64, product);
        QCOMPARE(safe::add(a, b), sum);
        QCOMPARE(safe::add(b, a), sum);
        QCOMPARE(safe::mul(a, b), product);
        QCOMPARE(safe::mul(b, a), product);
    }

    void doubleToInt64_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<bool>("fits");
        QTest::addColumn<qint64>("expected");
        QTest::addRow("zero") << 0.0 << true << qint64(0);
        QTest::addRow("truncates") << -2.9 << true << qint64(-2);
        QTest::addRow("2^63 - 1024") << 9223372036854774784.0 << true << qint64(9223372036854774784);
        QTest::addRow("2^63") << 9223372036854775808.0 << false << qint64(0);
        QTest::addRow("-2^63") << -9223372036854775808.0 << true << kMin;
        QTest::addRow("below -2^63") << -9223372036854777856.0 << false << qint64(0);
        QTest::addRow("1e300") << 1e300 << false << qint64(0);
        QTest::addRow("inf") << std::numeric_limits<double>::infinity() << false << qint64(0);
        QTest::addRow("nan") << std::numeric_limits<double>::quiet_NaN() << false << qint64(0);
    }
    void doubleToInt64()
    {
        QFETCH(double, value);
        QFETCH(bool, fits);
        QFETCH(qint64, expected);
        const std::optional<qint64> n = safe::toInt64(value);
        QCOMPARE(n.has_value(), fits);
        if (fits)
            QCOMPARE(*n, expected);
    }

    // `docker events` lines: time (s), timeNano (ns), podman 4's Time. Beyond 2262 a time is garbage and the
    // line is rejected; up to it the product is exact.
    void eventTimes_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<qint64>("atMs"); // kNoEvent: rejected
        const QByteArray head
            = R"({"Type":"container","Action":"die","Actor":{"ID":"4f6b","Attributes":{"exitCode":"137"}})";
        QFile crash(QStringLiteral(HEAPWATCH_TESTS_DIR
                                   "/fuzz/regressions/inspectparser/crash-event-time-seconds-times-1000.json"));
        QVERIFY(crash.open(QIODevice::ReadOnly));
        QTest::addRow("the fuzzer's crash") << crash.readAll() << kNoEvent;
        QTest::addRow("docker") << head + R"(,"time":1764246037,"timeNano":1764246037123456789})"
                                << qint64(1764246037123);
        QTest::addRow("seconds only") << head + R"(,"time":1764246037})" << qint64(1764246037000);
        QTest::addRow("seconds at the last time") << head + R"(,"time":9223372036})" << qint64(9223372036000);
        QTest::addRow("seconds past it") << head + R"(,"time":9223372037})" << kNoEvent;
        QTest::addRow("seconds 1.76e17") << head + R"(,"time":176424640000000000})" << kNoEvent;
        QTest::addRow("seconds int64 max as text") << head + R"(,"time":"9223372036854775807"})" << kNoEvent;
        QTest::addRow("seconds 1e300") << head + R"(,"time":1e300})" << kNoEvent;
        QTest::addRow("nano int64 max") << head + R"(,"timeNano":"9223372036854775807"})" << qint64(9223372036854);
        QTest::addRow("nano beyond int64") << head + R"(,"time":5,"timeNano":9.3e18})" << kNoEvent;
        QTest::addRow("nano garbage text") << head + R"(,"timeNano":"soon"})" << kNoEvent;
        QTest::addRow("podman 4 numeric Time huge") << head + R"(,"Time":176424640000000000})" << kNoEvent;
        QTest::addRow("podman 4 numeric Time negative") << head + R"(,"Time":-176424640000000000})" << kNoEvent;
        QTest::addRow("podman 4 numeric Time") << head + R"(,"Time":1764246037})" << qint64(1764246037000);
        QTest::addRow("podman 4 Time far future") << head + R"(,"Time":"9999-12-31T23:59:59Z"})" << qint64(-1);
        QTest::addRow("no time at all") << head + "}" << qint64(0);
    }
    void eventTimes()
    {
        QFETCH(QByteArray, line);
        QFETCH(qint64, atMs);
        const std::optional<ContainerEvent> event = EventParser::parseLine(line);
        QCOMPARE(event.has_value(), atMs != kNoEvent);
        if (event) {
            QCOMPARE(event->atMs, atMs);
            QCOMPARE(event->kind, ContainerEvent::Kind::Die);
            QCOMPARE(event->exitCode, 137);
        }
    }

    // Inspect: integers that do not fit an int are unknown (-1), not wrapped; sizes and times out of range are
    // unknown.
    void inspectNumbers_data()
    {
        QTest::addColumn<QByteArray>("state"); // the members of State after Running/Status
        QTest::addColumn<QByteArray>("restartCount");
        QTest::addColumn<QByteArray>("memory");
        QTest::addColumn<QByteArray>("nodeOptions");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<int>("restarts");
        QTest::addColumn<double>("limitBytes");
        QTest::addColumn<qint64>("startedAtMs");
        QTest::addColumn<double>("heapLimitMiB");
        const double nan = kUnknown;
        QTest::addRow("the seed's container")
            << QByteArray(R"("ExitCode":0,"StartedAt":"2026-11-27T12:20:33.836543581Z")") << QByteArray("0")
            << QByteArray("402653184") << QByteArray("--max-old-space-size=384") << 0 << 0 << 402653184.0
            << qint64(1795782033836) << 384.0;
        QTest::addRow("int max") << QByteArray(
            R"("ExitCode":2147483647,"StartedAt":"2261-12-31T23:59:60.999999999-23:59")")
                                 << QByteArray("2147483647") << QByteArray("9223372036854775807")
                                 << QByteArray("--max-old-space-size=8796093022208") << 2147483647 << 2147483647
                                 << 9223372036854775807.0 << qint64(9214732740999) << 8796093022208.0;
        QTest::addRow("beyond int and every range")
            << QByteArray(R"("ExitCode":4294967433,"StartedAt":"2262-01-01T00:00:00Z")") << QByteArray("4294967297")
            << QByteArray("1e300") << QByteArray("--max-old-space-size=8796093022209") << -1 << -1 << nan << qint64(-1)
            << nan;
        QTest::addRow("strings and exponents")
            << QByteArray(R"("ExitCode":"99999999999999999999","StartedAt":"9999-12-31T23:59:59Z")")
            << QByteArray("1e300") << QByteArray("\"-5\"") << QByteArray("--max-old-space-size=1e300") << -1 << -1
            << nan << qint64(-1) << nan;
        QTest::addRow("negative") << QByteArray(R"("ExitCode":-2147483649,"StartedAt":"0001-01-01T00:00:00Z")")
                                  << QByteArray("-1") << QByteArray("-9223372036854775808")
                                  << QByteArray("--max-old-space-size=-1") << -1 << -1 << nan << qint64(-1) << nan;
    }
    void inspectNumbers()
    {
        QFETCH(QByteArray, state);
        QFETCH(QByteArray, restartCount);
        QFETCH(QByteArray, memory);
        QFETCH(QByteArray, nodeOptions);
        QFETCH(int, exitCode);
        QFETCH(int, restarts);
        QFETCH(double, limitBytes);
        QFETCH(qint64, startedAtMs);
        QFETCH(double, heapLimitMiB);
        // One plain literal among the raw ones: moc 6.4 loses the class after R"(…NODE_OPTIONS=)".
        const QByteArray json = R"({"Id":"4f6b","Name":"/pangolin","State":{"Status":"exited","Running":false,)" + state
            + R"(},"RestartCount":)" + restartCount + R"(,"HostConfig":{"Memory":)" + memory
            + "},\"NodeOptions\":\"NODE_OPTIONS=" + nodeOptions + "\"}";
        QString error;
        const std::optional<ContainerInfo> info = InspectParser::parse(json, &error);
        QVERIFY2(info, qPrintable(error));
        QCOMPARE(info->exitCode, exitCode);
        QCOMPARE(info->restartCount, restarts);
        QVERIFY2(sameDouble(info->memLimitBytes, limitBytes), qPrintable(QString::number(info->memLimitBytes)));
        QCOMPARE(info->startedAtMs, startedAtMs);
        QVERIFY2(sameDouble(info->heapLimitMiB, heapLimitMiB), qPrintable(QString::number(info->heapLimitMiB)));
    }

    // RFC 3339 as both CLIs print it: only 1970 to 2261 are times, so that ns since the epoch fit in qint64.
    void rfc3339Range_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<qint64>("ns");
        QTest::addRow("epoch") << QByteArray("1970-01-01T00:00:00Z") << qint64(0);
        QTest::addRow("before the epoch by offset") << QByteArray("1970-01-01T00:59:59+01:00") << qint64(-1);
        QTest::addRow("1969") << QByteArray("1969-12-31T23:59:59Z") << qint64(-1);
        QTest::addRow("docker's zero time") << QByteArray("0001-01-01T00:00:00Z") << qint64(-1);
        QTest::addRow("latest instant") << QByteArray("2261-12-31T23:59:60.999999999-23:59")
                                        << qint64(9214732740999999999);
        QTest::addRow("2262") << QByteArray("2262-01-01T00:00:00Z") << qint64(-1);
        QTest::addRow("9999") << QByteArray("9999-12-31T23:59:59.999999999Z") << qint64(-1);
        QTest::addRow("extra fraction digits")
            << QByteArray("2261-12-31T23:59:59.99999999999999999999Z") << qint64(9214646399999999999);
    }
    void rfc3339Range()
    {
        QFETCH(QByteArray, text);
        QFETCH(qint64, ns);
        QCOMPARE(parseRfc3339Ns(text), ns);
        QCOMPARE(InspectParser::parseTimestampMs(text), ns < 0 ? qint64(-1) : ns / 1000000);
        // The same timestamp leading a `docker logs -t` line.
        const LogRun run = parseLog(text + " [error]: when\n");
        QCOMPARE(run.records.size(), size_t(1));
        QCOMPARE(run.records[0].dockerTimeNs, ns);
    }

    // The running total of dropped audit entries restarts with the app's process; heapwatch sums the totals of
    // each life. Ten crafted lines used to pass INT64_MAX; now the sum saturates, and impossible lines are
    // malformed.
    void droppedTotalSaturates_data()
    {
        QTest::addColumn<QList<QByteArray>>("lines"); // "dropped total" pairs
        QTest::addColumn<qint64>("totalDropped");
        QTest::addColumn<qint64>("events");
        QTest::addColumn<quint64>("malformed");
        const QByteArray big = "999999999999999999"; // 18 digits: the most a count may have
        QTest::addRow("the seed's two lives")
            << QList<QByteArray> {"12 40", "400 400"} << qint64(440) << qint64(2) << quint64(0);
        QList<QByteArray> restarts;
        for (int i = 0; i < 10; ++i)
            restarts << "1 " + big << "1 1"; // a full life, then a restart
        QTest::addRow("ten huge lives") << restarts << kMax << qint64(20) << quint64(0);
        QTest::addRow("nine lives") << restarts.mid(0, 17) << qint64(9) * 999999999999999999 << qint64(17)
                                    << quint64(0);
        // A line whose running total cannot be taken is still an event; what it says it dropped is added to the
        // running totals of the others.
        QTest::addRow("19 digits") << QList<QByteArray> {"1 40", "1 " + big + "9"} << qint64(41) << qint64(2)
                                   << quint64(0);
        QTest::addRow("dropped above total")
            << QList<QByteArray> {"41 40", "40 40"} << qint64(81) << qint64(2) << quint64(0);
        QList<QByteArray> otherWords(10, big + " " + big + "9"); // the total unreadable: 10 x (10^18 - 1) dropped
        otherWords << "1 " + big;
        QTest::addRow("huge in other words") << otherWords << kMax << qint64(11) << quint64(0);
        QTest::addRow("19 digits dropped")
            << QList<QByteArray> {"1 40", big + "9 " + big} << qint64(40) << qint64(2) << quint64(0);
    }
    void droppedTotalSaturates()
    {
        QFETCH(QList<QByteArray>, lines);
        QFETCH(qint64, totalDropped);
        QFETCH(qint64, events);
        QFETCH(quint64, malformed);
        QByteArray text;
        for (const QByteArray& pair : lines) {
            const QList<QByteArray> n = pair.split(' ');
            text += overflowLine(n[0], n[1]) + '\n';
        }
        const LogRun run = parseLog(text);
        QCOMPARE(run.counters.malformed, malformed);
        TargetState state(QStringLiteral("pangolin"));
        IngestBatch batch;
        batch.logs = run.records;
        batch.logCounters = run.counters;
        state.apply(batch);
        QCOMPARE(state.overflowEvents(), events);
        QCOMPARE(state.totalDropped(), totalDropped);
        QVERIFY(state.totalDropped() >= 0);
    }

    // The app's Memory: and Cache stats lines: sizes beyond 2^43 MiB (8 EiB) and hit rates above 100 % are
    // malformed; counts have at most 18 digits.
    void logNumbers_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<bool>("accepted");
        const QByteArray mem = "2026-11-27T12:20:33.000000000Z [info]: Memory: RSS=";
        const QByteArray rest = ", Heap=212.7MB/218.0MB, External=17.6MB, ArrayBuffers=13.6MB";
        QTest::addRow("the seed's line") << mem + "336.6MB" + rest << true;
        QTest::addRow("rss 2^43 MiB") << mem + "8796093022208MB" + rest << true;
        QTest::addRow("rss 2^43 MiB + 1") << mem + "8796093022209MB" + rest << false;
        QTest::addRow("rss 1e300TB") << mem + "1e300TB" + rest << false;
        QTest::addRow("rss max double") << mem + "1.7976931348623157e308B" + rest << false;
        QTest::addRow("heap used shares a huge unit")
            << mem + "1MB, Heap=1e300/1TB, External=17.6MB, ArrayBuffers=13.6MB" << false;
        QTest::addRow("heap total tiny") << mem + "1MB, Heap=212.7MB/1e-300MB, External=1MB, ArrayBuffers=1MB" << true;
        const QByteArray cache = "[info]: Cache stats - Keys: ";
        QTest::addRow("cache seed") << cache + "2, Hits: 1346, Misses: 482, Hit rate: 73.63%" << true;
        QTest::addRow("cache 18 digits") << cache
                + "999999999999999999, Hits: 999999999999999999, Misses: 999999999999999999, Hit rate: 100.00%"
                                         << true;
        QTest::addRow("cache 19 digits") << cache + "9999999999999999999, Hits: 1, Misses: 1, Hit rate: 50%" << false;
        QTest::addRow("hit rate above 100") << cache + "2, Hits: 1, Misses: 1, Hit rate: 100.01%" << false;
        QTest::addRow("hit rate 1e300") << cache + "2, Hits: 1, Misses: 1, Hit rate: 1e300%" << false;
    }
    void logNumbers()
    {
        QFETCH(QByteArray, line);
        QFETCH(bool, accepted);
        const LogRun run = parseLog(line + '\n');
        QCOMPARE(run.counters.lines, quint64(1));
        QCOMPARE(run.counters.recognised, quint64(accepted ? 1 : 0));
        QCOMPARE(run.counters.malformed, quint64(accepted ? 0 : 1));
        QCOMPARE(run.records.size(), size_t(accepted ? 1 : 0));
        if (!accepted)
            return;
        // Through the state model and the rules too: no flag value may come out infinite (a heap of a tiny total).
        TargetState state(QStringLiteral("pangolin"));
        IngestBatch batch;
        batch.logs = run.records;
        state.apply(batch);
        if (run.records[0].kind == LogKind::Memory)
            QCOMPARE(state.process().size(), qsizetype(1));
        const Assessment a = assess(state, Thresholds::defaults(), 1764246037000);
        for (const Flag& f : a.flags)
            QVERIFY2(!std::isinf(f.value), qPrintable(f.id));
    }

    // `docker stats` in our tab template: sizes × unit multipliers beyond 8 EiB, CPU beyond a million percent.
    void statsNumbers_data()
    {
        QTest::addColumn<QByteArray>("cpu");
        QTest::addColumn<QByteArray>("mem");
        QTest::addColumn<QByteArray>("net");
        QTest::addColumn<QByteArray>("memPercent");
        QTest::addColumn<QByteArray>("pids");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<double>("usage");
        QTest::addColumn<double>("netRx");
        QTest::addColumn<double>("memPct");
        QTest::addColumn<qint64>("pidCount");
        const double nan = kUnknown;
        QTest::addRow("seed") << QByteArray("0.00%") << QByteArray("6.875MiB / 860MiB") << QByteArray("1.2kB / 0B")
                              << QByteArray("0.80%") << QByteArray("11") << true << 7208960.0 << 1200.0 << 0.8
                              << qint64(11);
        QTest::addRow("at the bounds") << QByteArray("1048576%") << QByteArray("9223372036854775808B / 8388608TiB")
                                       << QByteArray("8388608TiB / 0B") << QByteArray("1048576%")
                                       << QByteArray("999999999999") << true << 9223372036854775808.0
                                       << 9223372036854775808.0 << 1048576.0 << qint64(999999999999);
        QTest::addRow("informative columns beyond")
            << QByteArray("1%") << QByteArray("1MB / 2MB") << QByteArray("1e300TB / 1kB") << QByteArray("1e300%")
            << QByteArray("1e12") << true << 1e6 << nan << nan << qint64(-1);
        QTest::addRow("cpu beyond") << QByteArray("1048577%") << QByteArray("1MB / 2MB") << QByteArray("0B / 0B")
                                    << QByteArray("1%") << QByteArray("1") << false << nan << nan << nan << qint64(-1);
        QTest::addRow("usage 1e300TB") << QByteArray("1%") << QByteArray("1e300TB / 2MB") << QByteArray("0B / 0B")
                                       << QByteArray("1%") << QByteArray("1") << false << nan << nan << nan
                                       << qint64(-1);
        QTest::addRow("limit 9.3e18B") << QByteArray("1%") << QByteArray("1MB / 9.3e18B") << QByteArray("0B / 0B")
                                       << QByteArray("1%") << QByteArray("1") << false << nan << nan << nan
                                       << qint64(-1);
        QTest::addRow("usage max double")
            << QByteArray("1%") << QByteArray("1.7976931348623157e308kB / 2MB") << QByteArray("0B / 0B")
            << QByteArray("1%") << QByteArray("1") << false << nan << nan << nan << qint64(-1);
    }
    void statsNumbers()
    {
        QFETCH(QByteArray, cpu);
        QFETCH(QByteArray, mem);
        QFETCH(QByteArray, net);
        QFETCH(QByteArray, memPercent);
        QFETCH(QByteArray, pids);
        QFETCH(bool, accepted);
        QFETCH(double, usage);
        QFETCH(double, netRx);
        QFETCH(double, memPct);
        QFETCH(qint64, pidCount);
        const QByteArray line
            = "4f6bdb8e0c7a\t" + cpu + '\t' + mem + '\t' + memPercent + '\t' + net + "\t0B / 0B\t" + pids;
        DockerStatsParser parser;
        std::vector<StatsSample> out;
        parser.feed(line + '\n', 1000, out);
        parser.finish(1000, out);
        QCOMPARE(parser.counters().malformed, quint64(accepted ? 0 : 1));
        QCOMPARE(out.size(), size_t(accepted ? 1 : 0));
        if (!accepted)
            return;
        QVERIFY2(sameDouble(out[0].memUsageBytes, usage), qPrintable(QString::number(out[0].memUsageBytes)));
        QVERIFY2(sameDouble(out[0].netRxBytes, netRx), qPrintable(QString::number(out[0].netRxBytes)));
        QVERIFY2(sameDouble(out[0].memPercent, memPct), qPrintable(QString::number(out[0].memPercent)));
        QCOMPARE(out[0].pids, pidCount);
    }

    // Units itself is not bounded (the parsers are), but a size times its unit never overflows to infinity.
    void unitMultipliers_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<double>("bytes");
        QTest::addRow("max double bytes") << QByteArray("1.7976931348623157e308B") << 1.7976931348623157e308;
        QTest::addRow("max double kB") << QByteArray("1.7976931348623157e308kB") << kUnknown;
        QTest::addRow("max double KiB") << QByteArray("1.7976931348623157e308KiB") << kUnknown;
        QTest::addRow("1e296TB") << QByteArray("1e296TB") << 1e308;
        QTest::addRow("1e297TB") << QByteArray("1e297TB") << kUnknown;
        QTest::addRow("2^53 + 1 TB") << QByteArray("9007199254740993TB") << 9007199254740992e12;
        QTest::addRow("16 digits") << QByteArray("1234567890123456MB") << 1234567890123456e6;
    }
    void unitMultipliers()
    {
        QFETCH(QByteArray, text);
        QFETCH(double, bytes);
        const double v = units::parseSize(text, units::MbMeaning::Decimal);
        QVERIFY2(sameDouble(v, bytes) || (isKnown(bytes) && std::fabs(v - bytes) <= std::fabs(bytes) * 1e-15),
                 qPrintable(QString::number(v, 'g', 17)));
    }

    // The cache-strategy recommendation adds hits and misses; records made by hand can hold any qint64.
    void cacheLookupsSaturate()
    {
        TargetState state(QStringLiteral("pangolin"));
        IngestBatch batch;
        LogRecord r;
        r.kind = LogKind::Cache;
        r.atMs = 1764246037000;
        r.cache = CacheSample {r.atMs, 2, kMax, kMax, 50.0};
        batch.logs.push_back(r);
        state.apply(batch);
        const Assessment a = assess(state, Thresholds::defaults(), r.atMs);
        bool strategy = false;
        for (const Recommendation& rec : a.recommendations) {
            if (rec.id == QLatin1String("cache-strategy")) {
                strategy = true;
                QVERIFY2(rec.evidence.contains(QString::number(kMax) + QStringLiteral(" lookups")),
                         qPrintable(rec.evidence));
            }
        }
        QVERIFY(strategy);
    }
};

QTEST_GUILESS_MAIN(TestOverflow)
#include "tst_overflow.moc"
