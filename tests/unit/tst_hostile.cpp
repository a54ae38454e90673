// Hostile server output in every stream: escape sequences, invalid UTF-8, 10 MB lines and numbers out of range.
// Nothing may crash, every skipped line is counted, the valid lines around the garbage keep their exact values,
// and no text that reaches the UI (LogRecord::text, Problem::text, ids and names) carries ESC or another C0
// control character (tab excepted).
#include "Assessment.h"
#include "DockerStatsParser.h"
#include "InspectParser.h"
#include "LogParser.h"
#include "ReplaySource.h"
#include "TargetState.h"

#include <QDateTime>
#include <QFile>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace heapwatch;

namespace {

constexpr qsizetype kTenMiB = 10 * 1024 * 1024;

// The first control character (C0 except tab, or DEL) in text, or -1.
int firstControl(const QString& text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        if ((c < 0x20 && c != u'\t') || c == 0x7f)
            return int(i);
    }
    return -1;
}

QByteArray describe(const QString& text)
{
    return text.left(120).toUtf8().toPercentEncoding(" []:/.-_=,");
}

#define VERIFY_CLEAN(text)                                                                                             \
    QVERIFY2(firstControl(text) < 0,                                                                                   \
             qPrintable(QStringLiteral("control character at %1 in \"%2\"")                                            \
                            .arg(firstControl(text))                                                                   \
                            .arg(QString::fromLatin1(describe(text)))))

// "field: text" for every field holding a control character.
QStringList dirtyFields(std::initializer_list<std::pair<QString, QString>> fields)
{
    QStringList out;
    for (const auto& [name, text] : fields)
        if (firstControl(text) >= 0)
            out << name + QStringLiteral(": ") + QString::fromLatin1(describe(text));
    return out;
}

// A number a parser handed on is either unknown (NaN) or a finite, non-negative value.
bool saneNumber(double v)
{
    return std::isnan(v) || (std::isfinite(v) && v >= 0);
}

const QByteArray kBefore = "[info]: Memory: RSS=100.0MB, Heap=50.0MB/60.0MB, External=1.0MB, ArrayBuffers=0.5MB\n";
const QByteArray kAfter = "[info]: Memory: RSS=101.0MB, Heap=51.0MB/61.0MB, External=1.5MB, ArrayBuffers=0.25MB\n";

struct LogRun
{
    std::vector<LogRecord> records;
    ParseCounters counters;
};

LogRun parseLog(const QByteArray& data, qsizetype chunk)
{
    LogParser parser;
    LogRun run;
    for (qsizetype i = 0; i < data.size(); i += chunk)
        parser.feed(QByteArrayView(data).sliced(i, std::min(chunk, data.size() - i)), LogStream::Stdout, run.records);
    parser.finish(run.records);
    run.counters = parser.counters();
    return run;
}

struct StatsRun
{
    std::vector<StatsSample> samples;
    ParseCounters counters;
};

StatsRun parseStats(const QByteArray& data, qsizetype chunk)
{
    DockerStatsParser parser;
    StatsRun run;
    for (qsizetype i = 0; i < data.size(); i += chunk)
        parser.feed(QByteArrayView(data).sliced(i, std::min(chunk, data.size() - i)), 1000, run.samples);
    parser.finish(1000, run.samples);
    run.counters = parser.counters();
    return run;
}

const StatsSample* findSample(const std::vector<StatsSample>& samples, const QString& id)
{
    for (const StatsSample& s : samples)
        if (s.containerId == id)
            return &s;
    return nullptr;
}

void checkSample(const StatsSample& s)
{
    VERIFY_CLEAN(s.containerId);
    VERIFY_CLEAN(s.name);
    QVERIFY2(saneNumber(s.cpuPercent), qPrintable(QString::number(s.cpuPercent)));
    QVERIFY2(saneNumber(s.memUsageBytes), qPrintable(QString::number(s.memUsageBytes)));
    QVERIFY2(saneNumber(s.memLimitBytes), qPrintable(QString::number(s.memLimitBytes)));
    QVERIFY2(saneNumber(s.memPercent), qPrintable(QString::number(s.memPercent)));
    QVERIFY(saneNumber(s.netRxBytes) && saneNumber(s.netTxBytes));
    QVERIFY(saneNumber(s.blockReadBytes) && saneNumber(s.blockWriteBytes));
    QVERIFY(s.pids >= -1);
}

// Hostile values for one numeric field, shared by the log, stats and inspect rows.
const char* const kBadNumbers[] = {"1e309", "-1", "99999999999999999999", "NaN", "inf", "0x10", "-inf", "1e-400"};

} // namespace

class TestHostile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void logLine_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("visible"); // a word that must survive into the record's text ("" = no check)

        QTest::addRow("csi colours and erase")
            << QByteArray("\x1b[31m[error]\x1b[0m: boom \x1b[2J\x1b[H\x1b[?25l done") << QStringLiteral("boom");
        QTest::addRow("osc title with bel")
            << QByteArray("[error]: \x1b]0;pwned title\x07 after title") << QStringLiteral("after title");
        QTest::addRow("osc title with st")
            << QByteArray("[error]: \x1b]2;pwned\x1b\\ after st") << QStringLiteral("after st");
        QTest::addRow("osc 8 hyperlink") << QByteArray("[error]: \x1b]8;;http://evil/\x1b\\click\x1b]8;;\x1b\\ link")
                                         << QStringLiteral("link");
        QTest::addRow("esc c reset") << QByteArray("[error]: \x1b"
                                                   "c reset all")
                                     << QStringLiteral("reset all");
        QTest::addRow("lone esc at end") << QByteArray("[error]: trailing \x1b") << QStringLiteral("trailing");
        QTest::addRow("unterminated csi")
            << QByteArray("[error]: open \x1b[1;2;3;4;5;6;7;8;9") << QStringLiteral("open");
        QTest::addRow("8-bit csi") << QByteArray("[error]: c1 \xc2\x9b"
                                                 "31m red")
                                   << QStringLiteral("c1");
        QTest::addRow("c0 controls") << QByteArray("[error]: bell\x07 bs\x08 cr\r vt\x0b ff\x0c nul")
                + QByteArray("\0 del\x7f end", sizeof "\0 del\x7f end" - 1)
                                     << QStringLiteral("bell");
        QTest::addRow("bidi override") << QByteArray("[error]: invoice \xe2\x80\xae"
                                                     "fdp.exe")
                                       << QStringLiteral("invoice");
        QTest::addRow("invalid utf-8") << QByteArray("[error]: bad \xff\xfe\xc0\x80\xed\xa0\x80 bytes")
                                       << QStringLiteral("bytes");
        QTest::addRow("truncated utf-8") << QByteArray("[error]: cut \xe2\x82") << QStringLiteral("cut");
        QTest::addRow("warn with escapes")
            << QByteArray("\x1b[33m[warn]\x1b[39m: slow \x1b]0;x\x07query") << QStringLiteral("slow");
        QTest::addRow("heap oom with escapes")
            << QByteArray("\x1b[31mFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of "
                          "memory\x1b[0m\x1b"
                          "c")
            << QStringLiteral("heap out of memory");
        QTest::addRow("overflow out of range")
            << QByteArray("[warn]: Audit log buffer overflow - dropped 99999999999999999999 entries (1e309 total "
                          "dropped)")
            << QStringLiteral("Audit log buffer overflow"); // an event, its counts unknown
        QTest::addRow("overflow negative")
            << QByteArray("[warn]: Audit log buffer overflow - dropped -1 entries (-5 total dropped)")
            << QStringLiteral("Audit log buffer overflow");
        for (const char* n : kBadNumbers) {
            const QByteArray v(n);
            QTest::addRow("memory rss %s", n)
                << QByteArray("[info]: Memory: RSS=" + v + "MB, Heap=50.0MB/60.0MB, External=1.0MB, ArrayBuffers=0.5MB")
                << QString();
            QTest::addRow("memory heap %s", n) << QByteArray("[info]: Memory: RSS=1MB, Heap=" + v + "MB/" + v
                                                             + "MB, External=" + v + "MB, ArrayBuffers=" + v + "MB")
                                               << QString();
            QTest::addRow("cache %s", n) << QByteArray("[info]: Cache stats - Keys: " + v + ", Hits: " + v
                                                       + ", Misses: " + v + ", Hit rate: " + v + "%")
                                         << QString();
        }
        QTest::addRow("docker timestamp out of range")
            << QByteArray("99999-99-99T99:99:99.999999999999Z [error]: when") << QStringLiteral("when");
        QTest::addRow("logger timestamp out of range")
            << QByteArray("2026-13-45T25:61:61.000Z [error]: logger when") << QStringLiteral("logger when");
    }

    void logLine()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, visible);
        const QByteArray data = kBefore + line + '\n' + kAfter;
        for (const qsizetype chunk : {data.size(), qsizetype(1), qsizetype(7)}) {
            const LogRun run = parseLog(data, chunk);
            QCOMPARE(run.counters.lines, quint64(3));
            QCOMPARE(run.counters.oversized, quint64(0));
            QCOMPARE(run.counters.bytes, quint64(data.size()));
            QVERIFY(run.counters.recognised + run.counters.malformed <= run.counters.lines);
            QVERIFY(run.records.size() >= 2);
            // The valid lines around the garbage keep their exact values.
            const LogRecord& first = run.records.front();
            QCOMPARE(first.kind, LogKind::Memory);
            QCOMPARE(first.memory.rssMiB, 100.0);
            QCOMPARE(first.memory.heapTotalMiB, 60.0);
            const LogRecord& last = run.records.back();
            QCOMPARE(last.kind, LogKind::Memory);
            QCOMPARE(last.memory.rssMiB, 101.0);
            QCOMPARE(last.memory.arrayBuffersMiB, 0.25);
            for (const LogRecord& r : run.records) {
                VERIFY_CLEAN(r.text);
                if (r.kind == LogKind::Memory) {
                    QVERIFY2(saneNumber(r.memory.rssMiB), qPrintable(QString::number(r.memory.rssMiB)));
                    QVERIFY(saneNumber(r.memory.heapUsedMiB) && saneNumber(r.memory.heapTotalMiB));
                    QVERIFY(saneNumber(r.memory.externalMiB) && saneNumber(r.memory.arrayBuffersMiB));
                }
                if (r.kind == LogKind::Cache) {
                    QVERIFY(r.cache.keys >= -1 && r.cache.hits >= -1 && r.cache.misses >= -1);
                    QVERIFY(std::isnan(r.cache.hitRatePercent)
                            || (r.cache.hitRatePercent >= 0 && r.cache.hitRatePercent <= 100));
                }
                if (r.kind == LogKind::Overflow) // -1: not given
                    QVERIFY(r.overflow.dropped >= -1 && r.overflow.totalDropped >= -1);
            }
            if (!visible.isEmpty()) {
                QCOMPARE(run.records.size(), size_t(3));
                QVERIFY2(run.records[1].text.contains(visible),
                         qPrintable(QString::fromLatin1(describe(run.records[1].text))));
            }
        }
    }

    void bidiOverrideIsNeutralised()
    {
        // U+202E reverses the rest of the line on screen ("invoice exe.pdf"). Not a C0 control, but the
        // spec asks for plain text.
        const LogRun run = parseLog("[error]: invoice \xe2\x80\xae"
                                    "fdp.exe\n",
                                    1 << 16);
        QCOMPARE(run.records.size(), size_t(1));
        QVERIFY(run.records[0].text.contains(QStringLiteral("invoice")));
        QVERIFY(!run.records[0].text.contains(QChar(0x202e)));
    }

    void c1ControlsAreNeutralised()
    {
        // U+009B is CSI in 8-bit form: harmless in a Qt widget, but neither is it text.
        const LogRun run = parseLog("[error]: c1 \xc2\x9b"
                                    "31m red \xc2\x9d"
                                    "0;title\xc2\x9c end\n",
                                    1 << 16);
        QCOMPARE(run.records.size(), size_t(1));
        QVERIFY(run.records[0].text.contains(QStringLiteral("end")));
        bool c1 = false;
        for (const QChar ch : run.records[0].text)
            c1 = c1 || (ch.unicode() >= 0x80 && ch.unicode() <= 0x9f);
        QVERIFY(!c1);
    }

    void tenMegabyteLogLine_data()
    {
        QTest::addColumn<QByteArray>("fill");
        QTest::addColumn<qsizetype>("chunk");
        QTest::addRow("letters, one chunk") << QByteArray("A") << kTenMiB * 2;
        QTest::addRow("letters, 64 KiB chunks") << QByteArray("A") << qsizetype(64 * 1024);
        QTest::addRow("escapes, 4093-byte chunks") << QByteArray("\x1b[31m\x1b]0;t\x07\xff") << qsizetype(4093);
    }

    void tenMegabyteLogLine()
    {
        QFETCH(QByteArray, fill);
        QFETCH(qsizetype, chunk);
        QByteArray line = "[error]: ";
        line += fill.repeated(kTenMiB / fill.size() + 1);
        const QByteArray data = kBefore + line + '\n' + kAfter;
        const LogRun run = parseLog(data, chunk);
        QCOMPARE(run.counters.lines, quint64(3));
        QCOMPARE(run.counters.oversized, quint64(1));
        QCOMPARE(run.counters.recognised, quint64(2));
        QCOMPARE(run.counters.bytes, quint64(data.size()));
        QCOMPARE(run.records.size(), size_t(2));
        QCOMPARE(run.records[0].memory.rssMiB, 100.0);
        QCOMPARE(run.records[1].memory.rssMiB, 101.0);
    }

    void statsTemplate_data()
    {
        QTest::addColumn<QByteArray>("row");
        QTest::addColumn<bool>("oversized");
        const QByteArray ok = "\t1.50%\t20MiB / 860MiB\t2.33%\t1kB / 2kB\t1MB / 0B\t3";
        QTest::addRow("escape in id") << QByteArray("\x1b]0;pwn\x07"
                                                    "cccccccccccc"
                                                    + ok)
                                      << false;
        QTest::addRow("esc c in id") << QByteArray("\x1b"
                                                   "ccccccccccccc"
                                                   + ok)
                                     << false;
        QTest::addRow("control chars in id") << QByteArray("cccc\x07\x08\x7f"
                                                           "cccc"
                                                           + ok)
                                             << false;
        QTest::addRow("invalid utf-8 in id") << QByteArray("cccc\xff\xfe"
                                                           "cccccc"
                                                           + ok)
                                             << false;
        for (const char* n : kBadNumbers) {
            const QByteArray v(n);
            QTest::addRow("cpu %s", n) << QByteArray("cccccccccccc\t" + v
                                                     + "%\t20MiB / 860MiB\t2.33%\t1kB / 2kB\t1MB / 0B\t3")
                                       << false;
            QTest::addRow("mem %s", n) << QByteArray("cccccccccccc\t1%\t" + v + "GiB / " + v + "MiB\t" + v + "%\t" + v
                                                     + "kB / " + v + "B\t" + v + "MB / 0B\t" + v)
                                       << false;
        }
        QTest::addRow("10 MB row") << QByteArray("cccccccccccc" + QByteArray(kTenMiB, 'x') + ok) << true;
    }

    void statsTemplate()
    {
        QFETCH(QByteArray, row);
        QFETCH(bool, oversized);
        const QByteArray data = "aaaaaaaaaaaa\t0.08%\t6.871MiB / 860MiB\t0.80%\t726B / 1.64kB\t0B / 0B\t7\n" + row
            + "\nbbbbbbbbbbbb\t2.50%\t40MiB / 1GiB\t3.91%\t1kB / 2kB\t1MB / 0B\t9\n";
        for (const qsizetype chunk : {data.size(), qsizetype(4096), qsizetype(5)}) {
            if (oversized && chunk == 5)
                continue; // 10 MB byte by byte adds nothing but minutes
            const StatsRun run = parseStats(data, chunk);
            QCOMPARE(run.counters.lines, quint64(3));
            QCOMPARE(run.counters.oversized, quint64(oversized ? 1 : 0));
            QCOMPARE(run.counters.bytes, quint64(data.size()));
            const StatsSample* a = findSample(run.samples, QStringLiteral("aaaaaaaaaaaa"));
            const StatsSample* b = findSample(run.samples, QStringLiteral("bbbbbbbbbbbb"));
            QVERIFY(a && b);
            QCOMPARE(a->cpuPercent, 0.08);
            QCOMPARE(a->memLimitBytes, 860.0 * 1024 * 1024);
            QCOMPARE(a->pids, qint64(7));
            QCOMPARE(b->cpuPercent, 2.5);
            QCOMPARE(b->memUsageBytes, 40.0 * 1024 * 1024);
            QCOMPARE(b->pids, qint64(9));
            for (const StatsSample& s : run.samples) {
                checkSample(s);
                if (QTest::currentTestFailed())
                    return;
            }
        }
    }

    void statsTable()
    {
        QByteArray data
            = "CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O         BLOCK I/O   "
              "PIDS\n"
              "6f70f8e18d04   angolin   0.07%     6.875MiB / 860MiB   0.80%     726B / 1.64kB   0B / 0B     7\n";
        data += "\x1b]0;x\x07"
                "cccccccccccc   \x1b[31mevil\x07   1e309%    -1MiB / infGiB      NaN%      0x10B / 1kB     0B / "
                "0B     99999999999999999999\n";
        data += "dddddddddddd   " + QByteArray(kTenMiB, 'n') + "   1%   1MiB / 1GiB   1%   1B / 1B   1B / 1B   1\n";
        data += "eeeeeeeeeeee   other     1.25%     10MiB / 860MiB      1.16%     1kB / 2kB       0B / 0B     4\n";
        const StatsRun run = parseStats(data, 8192);
        QCOMPARE(run.counters.lines, quint64(5));
        QCOMPARE(run.counters.oversized, quint64(1));
        const StatsSample* a = findSample(run.samples, QStringLiteral("6f70f8e18d04"));
        const StatsSample* e = findSample(run.samples, QStringLiteral("eeeeeeeeeeee"));
        QVERIFY(a && e);
        QCOMPARE(a->cpuPercent, 0.07);
        QCOMPARE(a->pids, qint64(7));
        QCOMPARE(e->cpuPercent, 1.25);
        QCOMPARE(e->memUsageBytes, 10.0 * 1024 * 1024);
        QCOMPARE(e->pids, qint64(4));
        QCOMPARE(e->name, QStringLiteral("other"));
        for (const StatsSample& s : run.samples)
            checkSample(s);
    }

    void statsJson_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<bool>("oversized");
        QTest::addRow("escapes in strings") << QByteArray(
            "{\"ID\":\"\\u001b]0;pwn\\u0007cccccccccccc\",\"Name\":\"\\u001b[31mred\\u001bc\",\"CPUPerc\":\"1%\","
            "\"MemUsage\":\"1MiB / 1GiB\",\"MemPerc\":\"1%\",\"NetIO\":\"1B / 1B\",\"BlockIO\":\"1B / "
            "1B\",\"PIDs\":\"1\"}") << false;
        QTest::addRow("raw escapes") << QByteArray(
            "{\"ID\":\"cccc\x1b[2Jcccc\",\"Name\":\"\x1b]0;t\x07n\",\"CPUPerc\":\"1%\"}")
                                     << false;
        QTest::addRow("out of range") << QByteArray(
            "{\"ID\":\"cccccccccccc\",\"CPUPerc\":\"1e309%\",\"MemUsage\":\"99999999999999999999GiB / -1B\","
            "\"MemPerc\":\"NaN%\",\"NetIO\":\"inf / 0x10\",\"BlockIO\":\"-inf / "
            "1e-400\",\"PIDs\":\"99999999999999999999\"}")
                                      << false;
        QTest::addRow("wrong types") << QByteArray(
            "{\"ID\":123,\"Name\":[\"x\"],\"CPUPerc\":{\"a\":1},\"MemUsage\":true,\"MemPerc\":null,\"PIDs\":1e309}")
                                     << false;
        QTest::addRow("deep nesting") << QByteArray(200000, '[') + QByteArray(200000, ']') << true;
        QTest::addRow("deep objects") << QByteArray("{\"a\":").repeated(50000) + "1" + QByteArray(50000, '}') << false;
        QTest::addRow("invalid utf-8") << QByteArray("{\"ID\":\"cccc\xff\xfe\xc0\x80\",\"CPUPerc\":\"1%\"}") << false;
        QTest::addRow("huge string") << QByteArray("{\"ID\":\"" + QByteArray(kTenMiB, 'c') + "\",\"CPUPerc\":\"1%\"}")
                                     << true;
    }

    void statsJson()
    {
        QFETCH(QByteArray, line);
        QFETCH(bool, oversized);
        const QByteArray data
            = "{\"BlockIO\":\"0B / "
              "0B\",\"CPUPerc\":\"0.07%\",\"Container\":\"6f70f8e18d04\",\"ID\":\"6f70f8e18d04\",\"MemPerc\":\"0.80%\","
              "\"MemUsage\":\"6.875MiB / 860MiB\",\"Name\":\"angolin\",\"NetIO\":\"726B / 1.64kB\",\"PIDs\":\"7\"}"
              "\n"
            + line
            + "\n"
              "{\"BlockIO\":\"0B / "
              "0B\",\"CPUPerc\":\"1.25%\",\"Container\":\"eeeeeeeeeeee\",\"ID\":\"eeeeeeeeeeee\",\"MemPerc\":\"1.16%\","
              "\"MemUsage\":\"10MiB / 860MiB\",\"Name\":\"other\",\"NetIO\":\"1kB / 2kB\",\"PIDs\":\"4\"}"
              "\n";
        const StatsRun run = parseStats(data, 65536);
        QVERIFY(run.counters.lines >= 3);
        if (oversized)
            QVERIFY(run.counters.oversized >= 1 || run.counters.malformed >= 1);
        const StatsSample* a = findSample(run.samples, QStringLiteral("6f70f8e18d04"));
        const StatsSample* e = findSample(run.samples, QStringLiteral("eeeeeeeeeeee"));
        QVERIFY(a);
        QVERIFY(e);
        QCOMPARE(a->cpuPercent, 0.07);
        QCOMPARE(a->pids, qint64(7));
        QCOMPARE(e->cpuPercent, 1.25);
        QCOMPARE(e->pids, qint64(4));
        for (const StatsSample& s : run.samples)
            checkSample(s);
    }

    void inspect_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addRow("escapes in name and status") << QByteArray(
            "[{\"Id\":\"x\\u001b]0;t\\u0007y\",\"Name\":\"/"
            "\\u001b[31mevil\\u001bc\",\"Config\":{\"Image\":\"i\\u0007\","
            "\"Env\":[\"NODE_OPTIONS=--max-old-space-size=512\\u001b[2J\"]},\"State\":{\"Status\":\"running\\u001b[K\","
            "\"Running\":true,\"Health\":{\"Status\":\"\\u001b]0;pwn\\u0007healthy\"}}}]");
        QTest::addRow("raw escapes") << QByteArray(
            "[{\"Id\":\"abc\x1b[2J\",\"Name\":\"/n\x1b]0;t\x07\",\"State\":{}}]");
        QTest::addRow("invalid utf-8") << QByteArray("[{\"Id\":\"ab\xff\xfe\",\"Name\":\"/\xc0\x80\",\"State\":{}}]");
        QTest::addRow("out of range") << QByteArray(
            "[{\"Id\":\"abc\",\"Name\":\"/n\",\"RestartCount\":99999999999999999999,\"State\":{\"ExitCode\":1e309,"
            "\"Running\":true,\"OOMKilled\":false,\"StartedAt\":\"99999-99-99T99:99:99Z\"},"
            "\"HostConfig\":{\"Memory\":-1},\"Config\":{\"Env\":[\"NODE_OPTIONS=--max-old-space-size=1e309\"]}}]");
        QTest::addRow("negative and nan") << QByteArray(
            "[{\"Id\":\"abc\",\"RestartCount\":-5,\"State\":{\"ExitCode\":-99999999999},\"HostConfig\":{\"Memory\":NaN}"
            ","
            "\"Config\":{\"Env\":[\"NODE_OPTIONS=--max-old-space-size=-1 --max-old-space-size=0x10\"]}}]");
        QTest::addRow("wrong types") << QByteArray(
            "[{\"Id\":5,\"Name\":{\"x\":1},\"RestartCount\":\"3\",\"State\":\"running\",\"HostConfig\":[1],"
            "\"Config\":{\"Env\":\"NODE_OPTIONS=x\"}}]");
        QTest::addRow("env wrong element types") << QByteArray("[{\"Id\":\"a\",\"Config\":{\"Env\":[1,null,{},[]]}}]");
        QTest::addRow("deep nesting") << QByteArray(200000, '[') + QByteArray(200000, ']');
        QTest::addRow("deep objects") << QByteArray("[{\"Id\":\"a\",\"State\":") + QByteArray("{\"a\":").repeated(50000)
                + "1" + QByteArray(50001, '}') + "]";
        QTest::addRow("huge strings") << QByteArray("[{\"Id\":\"" + QByteArray(kTenMiB, 'a') + "\",\"Name\":\"/"
                                                    + QByteArray(kTenMiB, 'n') + "\",\"State\":{\"Running\":true}}]");
        QTest::addRow("truncated") << QByteArray("[{\"Id\":\"abc\",\"State\":{\"Running\":tr");
        QTest::addRow("empty") << QByteArray();
        QTest::addRow("nul bytes") << QByteArray("[{\"Id\":\"a\0b\",\"State\":{}}]", 25);
    }

    void inspect()
    {
        QFETCH(QByteArray, json);
        QString error;
        const auto info = InspectParser::parse(json, &error);
        if (!info) {
            QVERIFY(!error.isEmpty());
            VERIFY_CLEAN(error);
            return;
        }
        const QStringList dirty = dirtyFields({{QStringLiteral("id"), info->id},
                                               {QStringLiteral("name"), info->name},
                                               {QStringLiteral("image"), info->image},
                                               {QStringLiteral("status"), info->status},
                                               {QStringLiteral("health"), info->health},
                                               {QStringLiteral("nodeOptions"), info->nodeOptions}});
        if (!dirty.isEmpty())
            qInfo("control characters kept: %s", qPrintable(dirty.join(QStringLiteral("; "))));
        QVERIFY2(dirty.isEmpty(), qPrintable(dirty.join(QStringLiteral("; "))));
        QVERIFY(info->restartCount >= -1);
        QVERIFY2(saneNumber(info->heapLimitMiB), qPrintable(QString::number(info->heapLimitMiB)));
        QVERIFY2(saneNumber(info->memLimitBytes), qPrintable(QString::number(info->memLimitBytes)));
        QVERIFY(info->id.size() <= kTenMiB && info->name.size() <= kTenMiB);
        // The fixture still parses after all that (no static state poisoned).
        QFile f(QStringLiteral(HEAPWATCH_FIXTURES "/docker-cli-28.2.2/inspect.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const auto good = InspectParser::parse(f.readAll());
        QVERIFY(good);
        QCOMPARE(good->name, QStringLiteral("pangolin"));
        QCOMPARE(good->heapLimitMiB, 384.0);
    }

    void events_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addRow("escapes in id and status") << QByteArray(
            "{\"status\":\"health_status: "
            "\\u001b]0;pwn\\u0007healthy\",\"id\":\"\\u001b[2Jabc\",\"Type\":\"container\","
            "\"Action\":\"health_status: "
            "\\u001b[31mhealthy\",\"Actor\":{\"ID\":\"abc\\u001bc\",\"Attributes\":{}},\"time\":1764246033}");
        QTest::addRow("raw escapes") << QByteArray(
            "{\"status\":\"die\",\"id\":\"a\x1b]0;t\x07\",\"Type\":\"container\",\"Action\":\"die\x1b[K\","
            "\"Actor\":{\"ID\":\"a\x1b[2J\",\"Attributes\":{\"exitCode\":\"137\"}},\"time\":1764246033}");
        QTest::addRow("exit code out of range") << QByteArray(
            "{\"status\":\"die\",\"id\":\"abc\",\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"abc\","
            "\"Attributes\":{\"exitCode\":\"99999999999999999999\"}},\"time\":1e309,\"timeNano\":"
            "99999999999999999999}");
        QTest::addRow("exit code nan") << QByteArray(
            "{\"status\":\"die\",\"id\":\"abc\",\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"abc\","
            "\"Attributes\":{\"exitCode\":\"NaN\"}},\"time\":-1,\"timeNano\":-1}");
        QTest::addRow("wrong types") << QByteArray(
            "{\"status\":5,\"id\":[1],\"Type\":{},\"Action\":null,\"Actor\":\"x\",\"time\":\"now\"}");
        QTest::addRow("invalid utf-8") << QByteArray("{\"status\":\"start\",\"id\":\"\xff\xfe\",\"Type\":\"container\","
                                                     "\"Action\":\"start\xc0\x80\",\"time\":1764246033}");
        QTest::addRow("deep nesting") << QByteArray(200000, '[') + QByteArray(200000, ']');
        QTest::addRow("huge") << QByteArray("{\"status\":\"start\",\"id\":\"" + QByteArray(kTenMiB, 'a')
                                            + "\",\"Type\":\"container\",\"Action\":\"start\",\"time\":1764246033}");
        QTest::addRow("escape only") << QByteArray("\x1b"
                                                   "c\x1b]0;t\x07");
    }

    void events()
    {
        QFETCH(QByteArray, line);
        const auto event = EventParser::parseLine(line);
        if (event) {
            const QStringList dirty = dirtyFields(
                {{QStringLiteral("containerId"), event->containerId}, {QStringLiteral("detail"), event->detail}});
            if (!dirty.isEmpty())
                qInfo("control characters kept: %s", qPrintable(dirty.join(QStringLiteral("; "))));
            QVERIFY2(dirty.isEmpty(), qPrintable(dirty.join(QStringLiteral("; "))));
            QVERIFY(event->atMs >= 0);
        }
        // A well-formed event next to it still parses exactly.
        const auto good = EventParser::parseLine(
            "{\"status\":\"die\",\"id\":\"abc\",\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"abc\","
            "\"Attributes\":{\"exitCode\":\"137\"}},\"time\":1764246034,\"timeNano\":1764246034123456789}");
        QVERIFY(good);
        QCOMPARE(good->kind, ContainerEvent::Kind::Die);
        QCOMPARE(good->exitCode, 137);
        QCOMPARE(good->atMs, qint64(1764246034123));
    }

    // A replayed file full of hostile lines still yields the right assessment.
    void replayAssessment()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("hostile.log"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const qint64 t0 = 1764246000000; // 2025-11-27T12:20:00Z
        QByteArray data;
        for (int i = 0; i < 120; ++i) {
            const QByteArray ts
                = QDateTime::fromMSecsSinceEpoch(t0 + i * 10000, Qt::UTC).toString(Qt::ISODateWithMs).toLatin1();
            data += ts + " [info]: Memory: RSS=380.0MB, Heap=200.0MB/300.0MB, External=1.0MB, ArrayBuffers=0.5MB\n";
            data += ts
                + " \x1b[31m[error]\x1b[0m: \x1b]0;pwned\x07"
                  "failed \x1b"
                  "c\xff\xfe\x07 query\n";
            data += ts + " [info]: Memory: RSS=1e309MB, Heap=-1MB/NaNMB, External=infMB, ArrayBuffers=0x10MB\n";
            if (i == 60)
                data += "[error]: " + QByteArray(kTenMiB, 'z') + "\n";
        }
        QCOMPARE(f.write(data), qint64(data.size()));
        f.close();

        ReplaySource source(path);
        TargetState state(QStringLiteral("hostile"));
        QString error;
        QVERIFY2(source.read([&state](const IngestBatch& b) { state.apply(b); }, &error), qPrintable(error));
        QCOMPARE(state.logCounters().lines, quint64(361));
        QCOMPARE(state.logCounters().oversized, quint64(1));
        QVERIFY(state.lastMemory());
        QCOMPARE(state.lastMemory()->rssMiB, 380.0);
        QCOMPARE(state.lastMemory()->heapTotalMiB, 300.0);
        QCOMPARE(state.errorLines(), qint64(120));
        QVERIFY(!state.problems().empty());
        for (const Problem& p : state.problems()) {
            VERIFY_CLEAN(p.text);
            QVERIFY(p.text.contains(QStringLiteral("query")));
        }
        for (qsizetype i = 0; i < state.process().size(); ++i)
            QVERIFY(saneNumber(double(state.process().at(i).v[RssColumn])));

        const Assessment a = assess(state, Thresholds::defaults(), t0 + 120 * 10000);
        const Flag* rss = a.flag(QStringLiteral("rss"));
        QVERIFY(rss);
        QCOMPARE(rss->value, 380.0);
        QCOMPARE(rss->level, Level::Critical);
        const Flag* heap = a.flag(QStringLiteral("heap_usage"));
        QVERIFY(heap);
        QCOMPARE(heap->value, 200.0 / 300.0 * 100.0);
        QCOMPARE(heap->level, Level::Ok);
        QCOMPARE(a.overall, Level::Critical);
    }
};

QTEST_GUILESS_MAIN(TestHostile)
#include "tst_hostile.moc"
