// The numbers of the app's Memory line, as a replay reads a million of them: every spelling of the usual shape
// (a few digits, a point, a few more) must give the double a correct conversion gives (strtod), in the middle of
// the line and as its last figure; other shapes go the general way and keep what they gave.
#include "LogParser.h"
#include "ProcessRow.h"

#include <QTest>
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
        for (int i = 0; i < 26000; ++i) {
            QByteArray f[5];
            std::array<double, 5> values;
            for (int k = 0; k < 5; ++k)
                f[k] = figure();
            if (i >= 20000) {
                f[1] = tie(i - 20000, (i % 3) - 1);
                f[2] = "8";
            }
            for (int k = 0; k < 5; ++k)
                values[size_t(k)] = std::strtod(f[k].constData(), nullptr);
            const QByteArray line = "2026-11-27T12:20:" + QByteArray::number(10 + i % 50)
                + ".000000001Z [info]: Memory: RSS=" + f[0] + "MB, Heap=" + f[1] + "MB/" + f[2] + "MB, External=" + f[3]
                + "MB, ArrayBuffers=" + f[4] + "MB";
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
