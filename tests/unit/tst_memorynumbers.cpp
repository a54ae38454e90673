// The numbers of the app's Memory line, as a replay reads a million of them: every spelling of the usual shape
// (a few digits, a point, a few more) must give the double a correct conversion gives (strtod), in the middle of
// the line and as its last figure; other shapes go the general way and keep what they gave.
#include "LogParser.h"
#include "ProcessRow.h"

#include <QTest>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>

using namespace heapwatch;

namespace {

QByteArray memoryLine(const QByteArray& rss,
                      const QByteArray& tail = ", Heap=212.7MB/218.0MB, External=17.6MB, "
                                               "ArrayBuffers=13.6MB")
{
    return "2026-11-27T12:20:33.882071633Z 2026-11-27T12:20:33.882Z [info]: Memory: RSS=" + rss + "MB" + tail;
}

// Turns the parser's layouts off: with a gate, every line is read the long way.
class AdmitEveryLine : public LineGate
{
public:
    bool admit(const LogLine&) override { return true; }
};

struct RowsFeed
{
    MemoryRows rows;
    std::vector<LogRecord> records;
    ParseCounters counters;
    quint64 laidOut = 0;
    quint64 laidOutCache = 0;
    quint64 laidOutRecords = 0;
    quint64 prefixed = 0;
    quint64 pointLaidOut = 0;
    quint64 skippedOther = 0;
    // The last sample after each chunk (chunks of 301 bytes or more): for lines without a timestamp, whose rows are
    // not kept, the one way their figures show.
    std::vector<MemorySample> lasts;
};

RowsFeed feedRows(const QByteArray& log, bool longWay, qsizetype chunk)
{
    RowsFeed f;
    LogParser parser(LogParser::Timestamps::Detect, LogParser::Hashing::Gated);
    parser.setMemoryRows(&f.rows);
    AdmitEveryLine gate;
    for (qsizetype at = 0; at < log.size(); at += chunk) {
        parser.feed(QByteArrayView(log).sliced(at, std::min(chunk, log.size() - at)), LogStream::Stdout, f.records,
                    longWay ? &gate : nullptr);
        if (chunk >= 301 && f.rows.last)
            f.lasts.push_back(*f.rows.last);
    }
    parser.finish(f.records);
    f.counters = parser.counters();
    f.laidOut = parser.laidOutLines();
    f.laidOutCache = parser.laidOutCacheLines();
    f.laidOutRecords = parser.laidOutRecordLines();
    f.prefixed = parser.prefixedLines();
    f.pointLaidOut = parser.pointLaidOutLines();
    f.skippedOther = parser.skippedOtherLines();
    return f;
}

// Memory lines as a replay meets them: the app's spelling with figures of a few widths that come back, a minute
// that changes now and then, and among them timestamps with impossible values or other zones, figures too long
// for a layout, other lines, CRLF endings, lines without the engine's timestamp, and bytes overwritten anywhere.
// Among them too the app's other lines that layouts read: cache stats, overflow warnings, errors and warnings.
// jumping: the Memory figures of every line have one fraction digit and as many digits before it as they had or
// one more, drawn anew each time (32 layouts, as values that jump across powers of ten give). bare: most lines
// without any timestamp, most of those without their level too (the seed's sample output), and now and then a
// time after the figures. skewed: with jumping, three figures in four have the one more digit, so that a few layouts
// read most lines (as a real log's values, which stay in some ranges more than in others).
QByteArray variedMemoryLog(quint32 seed, int lines, int widthChangeOdds, bool engineTimestamps, bool jumping = false,
                           bool bare = false, bool skewed = false)
{
    std::mt19937 rng(seed);
    const auto pick = [&rng](int n) { return int(rng() % quint32(n)); };
    const auto digits = [&](int n) {
        QByteArray d;
        for (int i = 0; i < n; ++i)
            d += char('0' + pick(10));
        return d;
    };
    const auto two = [](int v) { return QByteArray::number(v).rightJustified(2, '0'); };
    // Each figure keeps its count of digits for a while, as memory figures do.
    int wholeDigits[5] = {3, 3, 3, 2, 1};
    int fractionDigits[5] = {1, 1, 1, 1, 1};
    static constexpr int kJumpingDigits[5] = {2, 1, 2, 1, 1};
    const auto figure = [&](int k) {
        if (jumping) {
            wholeDigits[k] = kJumpingDigits[k] + (skewed ? int(pick(4) != 0) : pick(2));
            fractionDigits[k] = 1;
        } else if (pick(widthChangeOdds) == 0) {
            wholeDigits[k] = pick(15) == 0 ? 4 + pick(6) : 1 + pick(3);
            fractionDigits[k] = pick(15) == 0 ? 3 + pick(5) : pick(3);
        }
        QByteArray f = digits(wholeDigits[k]);
        if (fractionDigits[k] > 0 || pick(200) == 0)
            f += '.' + digits(fractionDigits[k]);
        return f;
    };
    // Cache stats lines likewise: counts that keep their count of digits for a while (now and then one too long for
    // the app's spelling, or with a point), hit rates of 0 to 3 fraction digits, some above 100.
    int countDigits[3] = {1, 4, 3};
    int rateWhole = 2, rateFraction = 2;
    const auto count = [&](int k) {
        if (pick(widthChangeOdds) == 0)
            countDigits[k] = pick(15) == 0 ? 8 + pick(3) : 1 + pick(7);
        QByteArray c = digits(countDigits[k]);
        if (pick(300) == 0)
            c += '.' + digits(pick(2));
        return c;
    };
    const auto rate = [&] {
        if (pick(widthChangeOdds) == 0) {
            rateWhole = 1 + pick(3);
            rateFraction = pick(4);
        }
        QByteArray r = rateWhole == 3 ? (pick(3) == 0 ? QByteArray("100") : '1' + digits(2)) : digits(rateWhole);
        if (rateFraction > 0)
            r += '.' + (r == "100" && pick(2) == 0 ? QByteArray(rateFraction, '0') : digits(rateFraction));
        return r;
    };
    // Overflow warnings as the app prints them (coloured or not): entries dropped that keep their count of digits for a
    // while, a running total that grows into more digits, now and then one smaller than what was dropped (not the
    // app's); its errors and warnings, some with figures in the text.
    int droppedDigits = 3;
    qint64 total = 0;
    const auto overflow = [&](bool coloured) {
        if (pick(widthChangeOdds) == 0)
            droppedDigits = 1 + pick(4);
        const QByteArray dropped = QByteArray::number(1 + pick(9)) + digits(droppedDigits - 1);
        total += dropped.toLongLong();
        // The smaller total with as many digits as the running one (leading zeros), so that a layout has it.
        const QByteArray shown = pick(50) == 0
            ? QByteArray::number(pick(10)).rightJustified(QByteArray::number(total).size(), '0')
            : QByteArray::number(total);
        return QByteArray(coloured ? "\x1b[33m[warn]\x1b[39m: " : "[warn]: ") + "Audit log buffer overflow - dropped "
            + dropped + " entries (" + shown + " total dropped)";
    };
    static const char kStray[]
        = {'0', '5', '9', ':', '/', '.', ' ', 'a', 'Z', '\r', '\n', '\x1b', '-', '+', '\0', '\xff'};
    QByteArray log;
    int minute = 20, hour = 12, day = 27, month = 11;
    for (int i = 0; i < lines; ++i) {
        if (pick(40) == 0)
            minute = pick(60);
        int m = month, d = day, h = hour, mi = minute, sec = pick(60);
        switch (pick(60)) {
        case 0:
            m = 13;
            break;
        case 1:
            d = 32;
            break;
        case 2:
            h = 24;
            break;
        case 3:
            mi = 60;
            break;
        case 4:
            sec = 61;
            break;
        case 5:
            m = 2, d = 30;
            break;
        default:
            break;
        }
        QByteArray stamp = "2026-" + two(m) + '-' + two(d) + 'T' + two(h) + ':' + two(mi) + ':' + two(sec);
        switch (pick(30)) {
        case 0:
            stamp += '.' + digits(4) + "+05:00";
            break; // as long as nine digits and a Z
        case 1:
            stamp += ',' + digits(9) + 'Z';
            break;
        case 2:
            stamp += '.' + digits(engineTimestamps ? 3 : 9) + 'Z';
            break; // the logger's precision with the engine's, the engine's without
        case 3:
            stamp += '.' + digits(8) + "-0130";
            break;
        default:
            stamp += '.' + digits(engineTimestamps ? 9 : 3) + 'Z';
            break;
        }
        QByteArray line;
        if (bare && pick(40) != 0) {
            // no timestamp
        } else if (!engineTimestamps) {
            line = stamp + ' '; // the logger's timestamp alone (`docker logs` without -t)
        } else {
            if (pick(40) != 0)
                line = stamp + ' ';
            line += "2026-11-27T12:" + two(minute) + ":33.882Z ";
        }
        switch (pick(25)) {
        case 5:
        case 6:
            line += overflow(pick(3) != 0);
            break;
        case 7:
            line += pick(4) != 0
                ? QByteArray("[error]: Failed to flush audit logs: SQLITE_BUSY: database is locked")
                : "\x1b[31m[error]\x1b[39m: Request " + digits(1 + pick(2)) + " failed after " + digits(2) + " ms";
            break;
        case 8:
            line += "[warn]: Slow query took " + digits(pick(widthChangeOdds) == 0 ? 4 : 3) + " ms";
            break;
        case 0:
        case 3:
        case 4:
            line += "[info]: Cache stats - Keys: " + count(0) + ", Hits: " + count(1) + ", Misses: " + count(2)
                + ", Hit rate: " + rate() + '%';
            break;
        case 1:
            line += "[warn]: Memory: RSS=" + figure(0) + "MB, Heap=1.5MB/2.5MB, External=1MB, ArrayBuffers=2MB";
            break;
        case 2:
            line += "[info]: Memory: RSS=1.5GB, Heap=" + figure(1) + "MB/218.0MB, External=1MB, ArrayBuffers=2MB";
            break;
        default:
            // With jumping figures, a third in the spelling of the seed's template of the line ("Heap=X/YMB").
            line += "[info]: Memory: RSS=" + figure(0) + "MB, Heap=" + figure(1)
                + (jumping && pick(3) == 0 ? "/" : "MB/") + figure(2) + "MB, External=" + figure(3)
                + "MB, ArrayBuffers=" + figure(4) + "MB";
            break;
        }
        if (bare && line.startsWith("[info]: ") && pick(4) != 0)
            line.remove(0, 8);
        if (bare && pick(20) == 0)
            line += " 2026-11-27T12:" + two(minute) + ":33Z";
        if (bare && pick(20) == 0) // short enough for the time after it to be the line's (recordTime)
            line = "Memory: RSS=" + digits(1) + "MB, Heap=" + digits(1) + "/" + digits(1) + "MB, External=" + digits(1)
                + "MB, ArrayBuffers=" + digits(1) + "MB 2026-11-27T12:" + two(minute) + ':' + two(pick(60)) + 'Z';
        if (pick(30) == 0)
            line += " (gc)";
        if (pick(5) == 0)
            line[pick(int(line.size()))] = kStray[pick(int(sizeof kStray))];
        if (pick(20) == 0)
            line += '\r';
        log += line + '\n';
    }
    return log;
}

} // namespace

class TestMemoryNumbers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void numbersAreCorrectlyRounded_data()
    {
        QTest::addColumn<QByteArray>("number");
        // From the seed's and the fixtures' lines, then every count of digits on each side.
        for (const char* n : {"336.6",
                              "212.7",
                              "17.6",
                              "13.6",
                              "244.2",
                              "9.4",
                              "0",
                              "17",
                              "1234567",
                              "7654321.5",
                              "0.1",
                              "0.001",
                              "2.675",
                              "1.005",
                              "99999.999999",
                              "1.123456",
                              "12345678",
                              "123456789",
                              "123456789.123456",
                              "00012.50",
                              "4194304.005",
                              "0.000001"})
            QTest::addRow("%s", n) << QByteArray(n);
    }
    void numbersAreCorrectlyRounded()
    {
        QFETCH(QByteArray, number);
        const double expected = std::strtod(number.constData(), nullptr);
        // In the middle of the line (the 8-byte path) and as the line's last figure (too close to its end).
        for (const QByteArray& line :
             {memoryLine(number),
              "2026-11-27T12:20:33.882071633Z [info]: Memory: RSS=17.6MB, Heap=212.7MB/218.0MB, "
              "External=17.6MB, ArrayBuffers="
                  + number + "MB"}) {
            LogRecord r;
            QVERIFY2(LogParser::parseLine(line, LogStream::Stdout, r), line.constData());
            QCOMPARE(r.kind, LogKind::Memory);
            const double got = line.endsWith(number + "MB") ? r.memory.arrayBuffersMiB : r.memory.rssMiB;
            QCOMPARE(got, expected); // exact: both are the double nearest the decimal
            QCOMPARE(r.memory.heapUsedMiB, 212.7);
            QCOMPARE(r.memory.heapTotalMiB, 218.0);
        }
    }

    // Every figure of the line, with every count of digits on each side of the point (leading zeros too), in
    // random lines: read a word at a time where the figure ends within 8 bytes, and by the digit loop otherwise,
    // the values are strtod's, in records and in a replay's rows alike.
    void randomFiguresMatchStrtod()
    {
        std::mt19937 rng(20261202);
        std::uniform_int_distribution<int> digit(0, 9), wholeDigits(1, 9), fractionDigits(-1, 7);
        const auto figure = [&] {
            QByteArray n;
            for (int i = wholeDigits(rng); i > 0; --i)
                n += char('0' + digit(rng));
            const int f = fractionDigits(rng);
            if (f >= 0) {
                n += '.';
                for (int i = 0; i < f; ++i)
                    n += char('0' + digit(rng));
            }
            return n;
        };
        QByteArray log;
        std::vector<std::array<double, 5>> expected;
        // Then heaps whose usage lies on a half of a hundredth (0.0004 * (2m + 1) of 8 MB: (2m + 1) / 200 %) or
        // close beside one, where the row's heap percentage is rounded the long way.
        const auto tie = [](int m, int nudge) {
            return QByteArray::number(0.0004 * (2 * m + 1) + nudge * 1e-6, 'f', nudge ? 6 : 4);
        };
        // Then runs of 500 lines with the same total and any used heap: the row's percentage multiplies by a
        // factor kept from the run's first line. Last, the app's own spelling: every used heap in tenths up to
        // 400 MB against the seed's totals.
        QByteArray runTotal;
        const char* const seedTotals[] = {"146.0", "218.0", "384.0", "3.5"};
        for (int i = 0; i < 48000; ++i) {
            QByteArray f[5];
            std::array<double, 5> values;
            for (int k = 0; k < 5; ++k)
                f[k] = figure();
            if (i >= 20000 && i < 26000) {
                f[1] = tie(i - 20000, (i % 3) - 1);
                f[2] = "8";
            } else if (i >= 26000 && i < 32000) {
                if (i % 500 == 0)
                    runTotal = f[2];
                f[2] = runTotal;
            } else if (i >= 32000) {
                f[1] = QByteArray::number((i - 32000) / 4 / 10.0, 'f', 1);
                f[2] = seedTotals[i % 4];
            }
            for (int k = 0; k < 5; ++k)
                values[size_t(k)] = std::strtod(f[k].constData(), nullptr);
            // One line in five in the spelling of the seed's template of the line, the used heap without its unit.
            const QByteArray line = "2026-11-27T12:20:" + QByteArray::number(10 + i % 50)
                + ".000000001Z [info]: Memory: RSS=" + f[0] + "MB, Heap=" + f[1] + (i % 5 == 2 ? "/" : "MB/") + f[2]
                + "MB, External=" + f[3] + "MB, ArrayBuffers=" + f[4] + "MB";
            LogRecord r;
            QCOMPARE(LogParser::parseLine(line, LogStream::Stdout, r), true); // "12." parses the general way
            const double got[5] = {r.memory.rssMiB, r.memory.heapUsedMiB, r.memory.heapTotalMiB, r.memory.externalMiB,
                                   r.memory.arrayBuffersMiB};
            for (int k = 0; k < 5; ++k)
                QVERIFY2(got[k] == values[size_t(k)], line.constData());
            log += line + '\n';
            expected.push_back(values);
        }
        // The same lines as a replay's rows: the last line's sample, and each row against the record's.
        LogParser parser(LogParser::Timestamps::Detect, LogParser::Hashing::Gated);
        MemoryRows rows;
        parser.setMemoryRows(&rows);
        std::vector<LogRecord> records;
        parser.feed(log, LogStream::Stdout, records);
        parser.finish(records);
        QVERIFY(records.empty());
        QCOMPARE(rows.rows.size(), expected.size());
        QVERIFY(rows.last.has_value());
        QCOMPARE(rows.last->rssMiB, expected.back()[0]);
        QCOMPARE(rows.last->arrayBuffersMiB, expected.back()[4]);
        for (size_t i = 0; i < expected.size(); ++i) {
            MemorySample m;
            m.rssMiB = expected[i][0];
            m.heapUsedMiB = expected[i][1];
            m.heapTotalMiB = expected[i][2];
            m.externalMiB = expected[i][3];
            m.arrayBuffersMiB = expected[i][4];
            const std::array<float, 6> want = storedProcessRow(m);
            QVERIFY2(std::memcmp(want.data(), rows.rows[i].v.data(), sizeof want) == 0, qPrintable(QString::number(i)));
        }
    }

    // A line read by a layout learnt from an earlier one gives what the long way gives it: the same rows to the
    // bit, the same last sample, records and counters, however the log is cut into chunks.
    void layoutsReadLinesAsTheLongWayDoes()
    {
        // Figures that change their count of digits every 300 lines or so, then every 30 (layouts then serve
        // few lines: the parser learns less often), then nearly every line (figures of any width: most Memory
        // lines miss every layout and are read after their latest layout's prefix); lines with the engine's
        // timestamps, then the logger's alone. Then figures that jump between two widths each (values that jump
        // across powers of ten): 32 layouts, most lines read by the one their points' places find. Then lines
        // without any timestamp (the seed's sample output), whose rows are not kept: the last sample after every
        // chunk is compared. Last, jumping figures of which a few layouts read most lines.
        struct Log
        {
            quint32 seed;
            int widthChangeOdds;
            bool engineTimestamps;
            bool jumping;
            bool bare = false;
            bool skewed = false;
        };
        for (const Log& l : {Log {1, 1500, true, false}, Log {2, 1500, true, false}, Log {3, 150, true, false},
                             Log {4, 1500, false, false}, Log {5, 3, true, false}, Log {6, 3, false, false},
                             Log {7, 1500, true, true}, Log {8, 1500, false, true}, Log {9, 3, false, false, true},
                             Log {10, 1500, false, true, true}, Log {11, 1500, true, true, false, true}}) {
            const quint32 seed = l.seed;
            const int widthChangeOdds = l.widthChangeOdds;
            const QByteArray log
                = variedMemoryLog(seed, 20000, widthChangeOdds, l.engineTimestamps, l.jumping, l.bare, l.skewed);
            const RowsFeed longWay = feedRows(log, true, log.size());
            QCOMPARE(longWay.laidOut, quint64(0));
            QVERIFY(longWay.rows.rows.size() > (l.bare ? 100u : 10000u));
            QVERIFY(longWay.counters.malformed > 100);
            for (qsizetype chunk : {log.size(), qsizetype(65536), qsizetype(4099), qsizetype(301), qsizetype(1)}) {
                const RowsFeed laidOut = feedRows(log, false, chunk);
                const QByteArray what = "seed " + QByteArray::number(seed) + ", chunks of " + QByteArray::number(chunk);
                if (chunk >= 301) {
                    // The last sample after every chunk, as the long way reads it in the same chunks.
                    const RowsFeed longWayHere = feedRows(log, true, chunk);
                    QCOMPARE(laidOut.lasts.size(), longWayHere.lasts.size());
                    for (size_t i = 0; i < laidOut.lasts.size(); ++i) {
                        const MemorySample &a = laidOut.lasts[i], &b = longWayHere.lasts[i];
                        QVERIFY2(a.atMs == b.atMs && a.rssMiB == b.rssMiB && a.heapUsedMiB == b.heapUsedMiB
                                     && a.heapTotalMiB == b.heapTotalMiB && a.externalMiB == b.externalMiB
                                     && a.arrayBuffersMiB == b.arrayBuffersMiB,
                                 (what + ", sample " + QByteArray::number(qulonglong(i))).constData());
                    }
                }
                if (chunk >= 4099 && widthChangeOdds > 1000 && !l.jumping) { // or this compares little
                    QVERIFY2(laidOut.laidOut > 3000, what.constData());
                    QVERIFY2(laidOut.laidOutCache > 300, what.constData());
                    QVERIFY2(laidOut.laidOutRecords > 300, what.constData());
                }
                if (chunk >= 4099 && widthChangeOdds < 10) // the prefix path, nearly every Memory line
                    QVERIFY2(laidOut.prefixed > (l.bare ? 2000u : 5000u),
                             (what + ": " + QByteArray::number(laidOut.prefixed)).constData());
                if (chunk >= 4099 && l.jumping) // layouts found by their points' places, most Memory lines
                    QVERIFY2(laidOut.pointLaidOut > (l.bare ? 1000u : 5000u),
                             (what + ": " + QByteArray::number(laidOut.pointLaidOut)).constData());
                if (chunk >= 4099 && l.jumping && !l.bare) // and a key's lines, once it has a layout, by it: nearly all
                    QVERIFY2(laidOut.pointLaidOut * 20 > laidOut.laidOut * 19,
                             (what + ": " + QByteArray::number(laidOut.pointLaidOut) + " of "
                              + QByteArray::number(laidOut.laidOut))
                                 .constData());
                QCOMPARE(laidOut.counters.lines, longWay.counters.lines);
                QCOMPARE(laidOut.counters.recognised, longWay.counters.recognised);
                QCOMPARE(laidOut.counters.malformed, longWay.counters.malformed);
                QCOMPARE(laidOut.counters.bytes, longWay.counters.bytes);
                QCOMPARE(laidOut.rows.rows.size(), longWay.rows.rows.size());
                for (size_t i = 0; i < longWay.rows.rows.size(); ++i) {
                    const MemoryRows::Row& a = laidOut.rows.rows[i];
                    const MemoryRows::Row& b = longWay.rows.rows[i];
                    QVERIFY2(a.atMs == b.atMs && std::memcmp(a.v.data(), b.v.data(), sizeof a.v) == 0,
                             (what + ", row " + QByteArray::number(qulonglong(i))).constData());
                }
                QCOMPARE(laidOut.rows.cacheRows.size(), longWay.rows.cacheRows.size());
                for (size_t i = 0; i < longWay.rows.cacheRows.size(); ++i) {
                    const MemoryRows::CacheRow& a = laidOut.rows.cacheRows[i];
                    const MemoryRows::CacheRow& b = longWay.rows.cacheRows[i];
                    QVERIFY2(a.atMs == b.atMs && std::memcmp(a.v.data(), b.v.data(), sizeof a.v) == 0
                                 && a.logsBefore == b.logsBefore && a.rowsBefore == b.rowsBefore,
                             (what + ", cache row " + QByteArray::number(qulonglong(i))).constData());
                }
                QVERIFY(laidOut.rows.lastCache.has_value() && longWay.rows.lastCache.has_value());
                QCOMPARE(laidOut.rows.lastCache->atMs, longWay.rows.lastCache->atMs);
                QCOMPARE(laidOut.rows.lastCache->keys, longWay.rows.lastCache->keys);
                QCOMPARE(laidOut.rows.lastCache->hits, longWay.rows.lastCache->hits);
                QCOMPARE(laidOut.rows.lastCache->misses, longWay.rows.lastCache->misses);
                QCOMPARE(laidOut.rows.lastCache->hitRatePercent, longWay.rows.lastCache->hitRatePercent);
                QCOMPARE(laidOut.rows.rowsBefore, longWay.rows.rowsBefore);
                QCOMPARE(laidOut.rows.lastMs, longWay.rows.lastMs);
                QVERIFY(laidOut.rows.last.has_value() && longWay.rows.last.has_value());
                QCOMPARE(laidOut.rows.last->atMs, longWay.rows.last->atMs);
                QCOMPARE(laidOut.rows.last->rssMiB, longWay.rows.last->rssMiB);
                QCOMPARE(laidOut.rows.last->heapUsedMiB, longWay.rows.last->heapUsedMiB);
                QCOMPARE(laidOut.rows.last->arrayBuffersMiB, longWay.rows.last->arrayBuffersMiB);
                QCOMPARE(laidOut.records.size(), longWay.records.size());
                for (size_t i = 0; i < longWay.records.size(); ++i) {
                    QCOMPARE(laidOut.records[i].kind, longWay.records[i].kind);
                    QCOMPARE(laidOut.records[i].stream, longWay.records[i].stream);
                    QCOMPARE(laidOut.records[i].atMs, longWay.records[i].atMs);
                    QCOMPARE(laidOut.records[i].dockerTimeNs, longWay.records[i].dockerTimeNs);
                    QCOMPARE(laidOut.records[i].overflow.atMs, longWay.records[i].overflow.atMs);
                    QCOMPARE(laidOut.records[i].overflow.dropped, longWay.records[i].overflow.dropped);
                    QCOMPARE(laidOut.records[i].overflow.totalDropped, longWay.records[i].overflow.totalDropped);
                    // Raw messages, their texts made as the state makes them.
                    QCOMPARE(LogParser::recordText(laidOut.records[i], laidOut.rows),
                             LogParser::recordText(longWay.records[i], longWay.rows));
                }
            }
        }
    }

    // The captured app's proportions (the fixtures': of every 14 lines 10 Memory lines, 2 cache stats lines, an
    // overflow warning and an error), where the overflow warnings and the errors take turns: nearly every line is read
    // by a layout, each kind of record by its own, and all as the long way reads them.
    void capturedProportionsAreLaidOut()
    {
        for (const bool engineTimestamps : {true, false}) {
            QByteArray log;
            qint64 total = 0;
            for (int i = 0; i < 14000; ++i) {
                const int ms = 12 * 3600000 + 20 * 60000 + 250 * i; // from 12:20, for almost an hour
                const auto two = [](int v) { return QByteArray::number(v).rightJustified(2, '0'); };
                const QByteArray time = "2026-11-27T" + two(ms / 3600000) + ':' + two(ms / 60000 % 60) + ':'
                    + two(ms / 1000 % 60) + '.' + QByteArray::number(ms % 1000).rightJustified(3, '0');
                if (engineTimestamps)
                    log += time + "882071Z ";
                log += time + "Z ";
                switch (i % 14) {
                case 3:
                case 10:
                    log += "[info]: Cache stats - Keys: 2, Hits: " + QByteArray::number(1000 + i) + ", Misses: 482, "
                        + "Hit rate: 73.63%";
                    break;
                case 6:
                    total += 400;
                    log += "\x1b[33m[warn]\x1b[39m: Audit log buffer overflow - dropped 400 entries ("
                        + QByteArray::number(total) + " total dropped)";
                    break;
                case 13:
                    log += "[error]: Failed to flush audit logs: SQLITE_BUSY: database is locked";
                    break;
                default:
                    log += "[info]: Memory: RSS=" + QByteArray::number(330 + i % 7) + ".4MB, Heap=212.7MB/218.0MB, "
                        + "External=17.6MB, ArrayBuffers=13.6MB";
                    break;
                }
                log += '\n';
            }
            const RowsFeed longWay = feedRows(log, true, log.size());
            const RowsFeed laidOut = feedRows(log, false, 65536);
            QCOMPARE(longWay.records.size(), size_t(2000));
            QCOMPARE(laidOut.records.size(), longWay.records.size());
            QVERIFY2(laidOut.laidOutRecords > 1900, QByteArray::number(laidOut.laidOutRecords).constData());
            QVERIFY2(laidOut.laidOut > 9500, QByteArray::number(laidOut.laidOut).constData());
            QVERIFY2(laidOut.laidOutCache > 1900, QByteArray::number(laidOut.laidOutCache).constData());
            for (size_t i = 0; i < longWay.records.size(); ++i) {
                const LogRecord& a = laidOut.records[i];
                const LogRecord& b = longWay.records[i];
                QCOMPARE(a.kind, b.kind);
                QCOMPARE(a.atMs, b.atMs);
                QCOMPARE(a.dockerTimeNs, b.dockerTimeNs);
                QCOMPARE(a.overflow.dropped, b.overflow.dropped);
                QCOMPARE(a.overflow.totalDropped, b.overflow.totalDropped);
                QCOMPARE(LogParser::recordText(a, laidOut.rows), LogParser::recordText(b, longWay.rows));
            }
            QCOMPARE(laidOut.rows.rowsBefore, longWay.rows.rowsBefore);
            QCOMPARE(laidOut.records.back().overflow.totalDropped, qint64(0)); // the last is an error
            QCOMPARE(laidOut.records[laidOut.records.size() - 2].overflow.totalDropped, total);
        }
    }

    // A busy app's log: runs of request lines (of no kind) between lines of every kind heapwatch knows. The runs are
    // passed over without the long way, and every other line is read as the long way reads it: each of these holds
    // only one of the pairs of bytes a run is told apart by (a missing pair would skip its line).
    void runsOfOtherLinesSkipNoKnownLine_data()
    {
        QTest::addColumn<QByteArray>("line");
        const QByteArray memory = "Memory: RSS=336.6MB, Heap=212.7MB/218.0MB, External=17.6MB, ArrayBuffers=13.6MB";
        QTest::addRow("memory") << "[info]: " + memory;
        QTest::addRow("memory, bare") << memory;
        QTest::addRow("cache stats") << QByteArray("[info]: Cache stats - Keys: 2, Hits: 1346, Misses: 482, "
                                                   "Hit rate: 73.63%");
        QTest::addRow("overflow, coloured") << QByteArray(
            "\x1b[33m[warn]\x1b[39m: Audit log buffer overflow - dropped 400 entries (400 total dropped)");
        QTest::addRow("overflow, in other words") << QByteArray("Audit log buffer overflow, 12 entries lost");
        QTest::addRow("heap out of memory")
            << QByteArray("FATAL: Reached heap limit Allocation failed - JavaScript heap out of memory");
        QTest::addRow("gc trace") << QByteArray("[41:0x6d4e3c0]    60312 ms: Mark-Compact 210.3 (230.1) -> 200.1 "
                                                "(228.4) MB, 5.2 / 0.0 ms  (average mu = 0.9) allocation failure");
        QTest::addRow("[warn]") << QByteArray("[warn]: Slow query on table resources");
        QTest::addRow("[WARNING]") << QByteArray("[WARNING] Slow query on table resources");
        QTest::addRow("[Error]") << QByteArray("[Error] Slow query on table resources");
        QTest::addRow("coloured inside brackets") << QByteArray("[\x1b[31merror\x1b[39m] Slow query");
        QTest::addRow("warn:") << QByteArray("warn: Slow query on table resources");
        QTest::addRow("WARNING:") << QByteArray("WARNING: Slow query on table resources");
        QTest::addRow("ERROR:") << QByteArray("ERROR: Slow query on table resources");
        QTest::addRow("HMR") << QByteArray("[HMR] connected");
        QTest::addRow("compiling") << QByteArray("Compiling /api/v1/sites ...");
        QTest::addRow("wait compiling") << QByteArray("wait compiling /sites");
        QTest::addRow("event - compiled") << QByteArray("event - compiled client and server successfully");
        QTest::addRow("webpack") << QByteArray("webpack built 6b5e in 412ms");
        QTest::addRow("turbopack") << QByteArray("turbopack is ready");
        QTest::addRow("Fast Refresh") << QByteArray("Fast Refresh had to perform a full reload");
        QTest::addRow("Starting … mode") << QByteArray("[info]: Starting Pangolin in production mode");
        QTest::addRow("started … mode") << QByteArray("Pangolin started in development mode");
        QTest::addRow("Next.js") << QByteArray("\xe2\x96\xb2 Next.js 14.1.0");
    }
    void runsOfOtherLinesSkipNoKnownLine()
    {
        QFETCH(QByteArray, line);
        if (!LogParser::skipsOtherLines())
            QFAIL("this processor has no AVX2: replays read every line the long way, and this test proves nothing");
        // Request lines as a busy app logs them, two in five with a pair that sends them the long way ("rd", "Sa",
        // "mp"): 4800 of the 8000 are passed over, fewer where a chunk ends.
        static const char* const kRequests[] = {
            "[info]: GET /api/v1/orgs/%1/sites 200 %2 ms",
            "[info]: POST /api/v1/sites/%1/resources 201 %2 ms",
            "[debug]: Verified session token for user %1 in org %2",
            "[info]: GET /api/v1/orders/%1 - Mozilla/5.0 Safari/537.36 (%2)",
            "[info]: Updated %1 resources for site %2 (temp)",
        };
        for (const bool engineTimestamps : {true, false}) {
            QByteArray log;
            int n = 0;
            const auto stamped = [&](const QByteArray& message) {
                const int ms = 12 * 3600000 + 20 * 60000 + 250 * n++;
                const auto two = [](int v) { return QByteArray::number(v).rightJustified(2, '0'); };
                const QByteArray time = "2026-11-27T" + two(ms / 3600000) + ':' + two(ms / 60000 % 60) + ':'
                    + two(ms / 1000 % 60) + '.' + QByteArray::number(ms % 1000).rightJustified(3, '0');
                return (engineTimestamps ? time + "882071Z " : QByteArray()) + time + "Z " + message + '\n';
            };
            for (int run = 0; run < 40; ++run) {
                for (int i = 0; i < 200; ++i)
                    log += stamped(QString::fromLatin1(kRequests[(run + i) % 5]).arg(i * 37 % 999).arg(i).toLatin1());
                log += stamped(line);
            }
            log += "no newline at the end of the log";
            const RowsFeed longWay = feedRows(log, true, log.size());
            QCOMPARE(longWay.counters.lines, quint64(40 * 201 + 1));
            // The line is one of a kind: the long way reads 40 (a record, a Memory row or a cache row each).
            QCOMPARE(longWay.records.size() + longWay.rows.rows.size() + longWay.rows.cacheRows.size(), size_t(40));
            for (const qsizetype chunk : {log.size(), qsizetype(65536), qsizetype(997)}) {
                const RowsFeed skipped = feedRows(log, false, chunk);
                QVERIFY2(skipped.skippedOther > 4000, QByteArray::number(skipped.skippedOther).constData());
                QCOMPARE(skipped.counters.lines, longWay.counters.lines);
                QCOMPARE(skipped.counters.recognised, longWay.counters.recognised);
                QCOMPARE(skipped.counters.malformed, longWay.counters.malformed);
                QCOMPARE(skipped.counters.oversized, longWay.counters.oversized);
                QCOMPARE(skipped.counters.bytes, longWay.counters.bytes);
                QCOMPARE(skipped.rows.rows.size(), longWay.rows.rows.size());
                QCOMPARE(skipped.rows.cacheRows.size(), longWay.rows.cacheRows.size());
                QCOMPARE(skipped.rows.rowsBefore, longWay.rows.rowsBefore);
                QCOMPARE(skipped.records.size(), longWay.records.size());
                for (size_t i = 0; i < longWay.records.size(); ++i) {
                    QCOMPARE(skipped.records[i].kind, longWay.records[i].kind);
                    QCOMPARE(skipped.records[i].atMs, longWay.records[i].atMs);
                    QCOMPARE(LogParser::recordText(skipped.records[i], skipped.rows),
                             LogParser::recordText(longWay.records[i], longWay.rows));
                }
            }
        }
    }

    // Shapes the straight path for the app's own spelling does not take: other units and spellings still parse,
    // broken numbers are malformed.
    void otherShapesGoTheGeneralWay_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<bool>("recognised");
        QTest::addColumn<double>("rss");
        QTest::addRow("seven fraction digits") << memoryLine("1.1234567") << true << 1.1234567;
        QTest::addRow("ten whole digits") << memoryLine("1234567890") << true << 1234567890.0;
        QTest::addRow("a point and no fraction") << memoryLine("12.") << true << 12.0;
        QTest::addRow("no whole digits") << memoryLine(".5") << true << 0.5;
        QTest::addRow("two points") << memoryLine("12.5.1") << false << 0.0;
        QTest::addRow("exponent") << memoryLine("1.5e2") << true << 150.0;
        QTest::addRow("gigabytes") << QByteArray("2026-11-27T12:20:33.882071633Z [info]: Memory: RSS=1.5GB, "
                                                 "Heap=212.7MB/218.0MB, External=17.6MB, ArrayBuffers=13.6MB")
                                   << true << 1536.0;
        QTest::addRow("a space before the unit") << memoryLine("336.6 ") << true << 336.6;
        QTest::addRow("high bytes after the digits") << memoryLine("336.6\xfa\xff") << false << 0.0;
        QTest::addRow("high bytes inside the number") << memoryLine("33\xfa.6") << false << 0.0;
        QTest::addRow("cut after the number")
            << QByteArray("2026-11-27T12:20:33.882071633Z [info]: Memory: RSS=336.6") << false << 0.0;
        QTest::addRow("letters for digits") << memoryLine("3x6.6") << false << 0.0;
    }
    void otherShapesGoTheGeneralWay()
    {
        QFETCH(QByteArray, line);
        QFETCH(bool, recognised);
        QFETCH(double, rss);
        LogRecord r;
        const bool ok = LogParser::parseLine(line, LogStream::Stdout, r);
        QCOMPARE(ok, recognised);
        if (ok)
            QCOMPARE(r.memory.rssMiB, rss);
    }
};

QTEST_GUILESS_MAIN(TestMemoryNumbers)
#include "tst_memorynumbers.moc"
