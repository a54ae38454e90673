// CgroupStatsParser on what the cgroup loop prints: real figures (a Node container under podman 4.3 with
// cgroup v1, an 860 MiB limit; the seed's 384 MB heap in the same limit under cgroup v2) and hostile lines.
#include "CgroupStatsParser.h"

#include <QTest>
#include <cmath>

using namespace heapwatch;

namespace {

constexpr qint64 kAt = 1764246033000;
const QString kId = QStringLiteral("2f91a46c442b2ef1236ee89aa9d0d8bfffcc8482f6faef0af0eef80c7e1c505a");

struct Run
{
    std::vector<StatsSample> samples;
    CgroupStatsParser parser;
};

// Feeds text in pieces of `chunk` bytes (0: at once).
void feed(Run& run, const QByteArray& text, int chunk)
{
    run.parser.reset(kId, QStringLiteral("hwp"));
    if (chunk <= 0) {
        run.parser.feed(text, kAt, run.samples);
        return;
    }
    for (qsizetype at = 0; at < text.size(); at += chunk)
        run.parser.feed(QByteArrayView(text).sliced(at, qMin<qsizetype>(chunk, text.size() - at)), kAt, run.samples);
}

QString describe(const StatsSample& s)
{
    return QStringLiteral("m=%1 l=%2 c=%3 p=%4")
        .arg(s.memUsageBytes, 0, 'f', 0)
        .arg(s.memLimitBytes, 0, 'f', 0)
        .arg(s.cpuPercent, 0, 'f', 2)
        .arg(s.pids);
}

} // namespace

class TestCgroupStatsParser : public QObject
{
    Q_OBJECT
private slots:
    void samples_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QStringList>("expected"); // describe() of each sample
        QTest::addColumn<int>("malformed");
        QTest::addColumn<int>("oversized");
        QTest::addColumn<int>("version");

        // Captured from the loop on podman 4.3.1 (cgroupfs, v1): the container idles at 6.5 MiB.
        QTest::addRow("podman v1 idle node app")
            << QByteArray("hw1 v1 read\nm6856704 l901775360 p7\nc1\nm6860800 c0\n.\n") //
            << QStringList {QStringLiteral("m=6856704 l=901775360 c=nan p=7"),
                            QStringLiteral("m=6856704 l=901775360 c=0.01 p=7"),
                            QStringLiteral("m=6860800 l=901775360 c=0.00 p=7"),
                            QStringLiteral("m=6860800 l=901775360 c=0.00 p=7")}
            << 0 << 0 << 1;
        // The seed's container: 860 MiB limit, usage near 640 MiB, a busy second at 37.42 % of a core.
        QTest::addRow("seed v2 busy") << QByteArray("hw1 v2 read\nm671088640 l901775360 p11\nc3742 m671141888\n")
                                      << QStringList {QStringLiteral("m=671088640 l=901775360 c=nan p=11"),
                                                      QStringLiteral("m=671141888 l=901775360 c=37.42 p=11")}
                                      << 0 << 0 << 2;
        QTest::addRow("CRLF line ends") << QByteArray("hw1 v2 sleep\r\nm100 l200\r\n")
                                        << QStringList {QStringLiteral("m=100 l=200 c=nan p=-1")} << 0 << 0 << 2;
        QTest::addRow("keepalive before any value gives no sample")
            << QByteArray("hw1 v2 read\n.\nm5\n") << QStringList {QStringLiteral("m=5 l=nan c=nan p=-1")} << 0 << 0
            << 2;
        QTest::addRow("values before the header are not believed")
            << QByteArray("m6856704\nhw1 v1 read\nm1\n") << QStringList {QStringLiteral("m=1 l=nan c=nan p=-1")} << 1
            << 0 << 1;
        QTest::addRow("a malformed line is skipped whole")
            << QByteArray("hw1 v1 read\nm10 l20\nm99 x5\nm99 c-1\nm99 c\nm 1\nm1e9\nm12 \n m12\nc5\n")
            << QStringList {QStringLiteral("m=10 l=20 c=nan p=-1"), QStringLiteral("m=10 l=20 c=0.05 p=-1")} << 7 << 0
            << 1;
        QTest::addRow("absurd values") << QByteArray(
            "hw1 v2 read\nm1\nm99999999999999999999\nm9007199254740993\nl0\nc999999999\np99999999\n")
                                       << QStringList {QStringLiteral("m=1 l=nan c=nan p=-1")} << 5 << 0 << 2;
        QTest::addRow("second header is malformed")
            << QByteArray("hw1 v2 read\nhw1 v1 read\nhw1 none x\nm7\n")
            << QStringList {QStringLiteral("m=7 l=nan c=nan p=-1")} << 2 << 0 << 2;
        QTest::addRow("overlong line skipped up to its newline")
            << (QByteArray("hw1 v1 read\nm") + QByteArray(300, '1') + QByteArray("\nm3\n"))
            << QStringList {QStringLiteral("m=3 l=nan c=nan p=-1")} << 0 << 1 << 1;
        QTest::addRow("binary garbage") << QByteArray("hw1 v1 read\n\x01\xff\x1b[2J\n\0\nm4\n", 24)
                                        << QStringList {QStringLiteral("m=4 l=nan c=nan p=-1")} << 2 << 0 << 1;
    }

    void samples()
    {
        QFETCH(QByteArray, text);
        QFETCH(QStringList, expected);
        QFETCH(int, malformed);
        QFETCH(int, oversized);
        QFETCH(int, version);
        for (int chunk : {0, 1, 3, 7}) {
            Run run;
            feed(run, text, chunk);
            QStringList got;
            for (const StatsSample& s : run.samples) {
                got << describe(s);
                QCOMPARE(s.atMs, kAt);
                QCOMPARE(s.containerId, kId.left(12));
            }
            QCOMPARE(got, expected);
            QCOMPARE(run.parser.counters().malformed, quint64(malformed));
            QCOMPARE(run.parser.counters().oversized, quint64(oversized));
            QCOMPARE(run.parser.counters().bytes, quint64(text.size()));
            QCOMPARE(run.parser.cgroupVersion(), version);
        }
    }

    void memoryPercent()
    {
        Run run;
        feed(run, "hw1 v2 read\nm671088640 l901775360\n", 0);
        QCOMPARE(run.samples.size(), size_t(1));
        QVERIFY(std::abs(run.samples[0].memPercent - 74.4186) < 0.001);
    }

    void states_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("state");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<bool>("builtinSleep");
        QTest::addColumn<bool>("libpod");
        using S = CgroupStatsParser::State;
        QTest::addRow("nothing yet") << QByteArray("hw1 v2 re") << int(S::Starting) << QString() << false << false;
        QTest::addRow("v2 with read -t") << QByteArray("hw1 v2 read\n") << int(S::Reading) << QString() << true
                                         << false;
        QTest::addRow("v1 with sleep") << QByteArray("hw1 v1 sleep\n") << int(S::Reading) << QString() << false
                                       << false;
        QTest::addRow("podman's container")
            << QByteArray("hw1 v1 read libpod\n") << int(S::Reading) << QString() << true << true;
        QTest::addRow("another fourth word is malformed")
            << QByteArray("hw1 v2 read docker\n") << int(S::Starting) << QString() << false << false;
        QTest::addRow("rootless v1: not the container's cgroup")
            << QByteArray("hw1 none not-the-container\n") << int(S::Unavailable) << QStringLiteral("not-the-container")
            << false << false;
        QTest::addRow("reason with shell metacharacters is malformed")
            << QByteArray("hw1 none $(reboot)\n") << int(S::Starting) << QString() << false << false;
        QTest::addRow("gone after reading")
            << QByteArray("hw1 v1 read\nm5\nhw1 gone\n") << int(S::Gone) << QString() << true << false;
        QTest::addRow("gone after podman's reading")
            << QByteArray("hw1 v2 sleep libpod\nm5\nhw1 gone\n") << int(S::Gone) << QString() << false << true;
        QTest::addRow("unknown version") << QByteArray("hw1 v3 read\n") << int(S::Starting) << QString() << false
                                         << false;
    }

    void states()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, state);
        QFETCH(QString, reason);
        QFETCH(bool, builtinSleep);
        QFETCH(bool, libpod);
        Run run;
        feed(run, text, 0);
        QCOMPARE(int(run.parser.state()), state);
        QCOMPARE(run.parser.reason(), reason);
        QCOMPARE(run.parser.builtinSleep(), builtinSleep);
        QCOMPARE(run.parser.libpod(), libpod);
    }

    void resetForgetsValuesKeepsCounters()
    {
        Run run;
        feed(run, "hw1 v1 read libpod\nm5 l9\nbad\n", 0);
        QVERIFY(run.parser.libpod());
        run.parser.reset(kId, QStringLiteral("hwp"));
        std::vector<StatsSample> out;
        run.parser.feed("hw1 v2 read\nc7\nm8\n", kAt, out);
        QCOMPARE(out.size(), size_t(1));
        QCOMPARE(describe(out[0]), QStringLiteral("m=8 l=nan c=0.07 p=-1"));
        QCOMPARE(run.parser.counters().malformed, quint64(1));
        QCOMPARE(run.parser.counters().lines, quint64(6));
        QVERIFY(!run.parser.libpod()); // the new run's header said nothing of podman
    }
};

QTEST_APPLESS_MAIN(TestCgroupStatsParser)
#include "tst_cgroupstatsparser.moc"
