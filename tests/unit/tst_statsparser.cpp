// DockerStatsParser on every captured `docker stats` / `podman stats` output and on hand-made streams.
#include "DockerStatsParser.h"

#include <QFile>
#include <QLocale>
#include <QRandomGenerator>
#include <QTest>
#include <cmath>

using namespace heapwatch;

Q_DECLARE_METATYPE(heapwatch::StatsSample)

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double MiB = 1024.0 * 1024.0;
constexpr double GiB = 1024.0 * MiB;
constexpr qint64 kAt = 1764246033000;
const QString A = QStringLiteral("6f70f8e18d04");
const QString B = QStringLiteral("0a1b2c3d4e5f");

StatsSample S(const QString& id, const char* name, double cpu, double mem, double limit, double memPercent, double rx,
              double tx, double blockRead, double blockWrite, qint64 pids)
{
    StatsSample s;
    s.atMs = kAt;
    s.containerId = id;
    s.name = QString::fromUtf8(name);
    s.cpuPercent = cpu;
    s.memUsageBytes = mem;
    s.memLimitBytes = limit;
    s.memPercent = memPercent;
    s.netRxBytes = rx;
    s.netTxBytes = tx;
    s.blockReadBytes = blockRead;
    s.blockWriteBytes = blockWrite;
    s.pids = pids;
    return s;
}

StatsSample unknown(const QString& id, const char* name)
{
    return S(id, name, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, -1);
}

bool same(double a, double b)
{
    return a == b || (std::isnan(a) && std::isnan(b));
}

// Empty when equal, else what differs.
QString difference(const StatsSample& a, const StatsSample& b)
{
    QStringList d;
    auto num = [&](const char* what, double x, double y) {
        if (!same(x, y))
            d << QStringLiteral("%1: %2 != %3").arg(QLatin1String(what)).arg(x, 0, 'g', 17).arg(y, 0, 'g', 17);
    };
    if (a.atMs != b.atMs)
        d << QStringLiteral("atMs");
    if (a.containerId != b.containerId)
        d << QStringLiteral("id: %1 != %2").arg(a.containerId, b.containerId);
    if (a.name != b.name)
        d << QStringLiteral("name: %1 != %2").arg(a.name, b.name);
    num("cpu", a.cpuPercent, b.cpuPercent);
    num("mem", a.memUsageBytes, b.memUsageBytes);
    num("limit", a.memLimitBytes, b.memLimitBytes);
    num("mem%", a.memPercent, b.memPercent);
    num("rx", a.netRxBytes, b.netRxBytes);
    num("tx", a.netTxBytes, b.netTxBytes);
    num("blockRead", a.blockReadBytes, b.blockReadBytes);
    num("blockWrite", a.blockWriteBytes, b.blockWriteBytes);
    if (a.pids != b.pids)
        d << QStringLiteral("pids: %1 != %2").arg(a.pids).arg(b.pids);
    return d.join(QStringLiteral("; "));
}

QByteArray readFixture(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open fixture %s", qPrintable(path));
    return f.readAll();
}

struct Parsed
{
    std::vector<StatsSample> samples;
    ParseCounters counters;
};

template<typename NextSize> Parsed parseChunked(const QByteArray& data, NextSize nextSize)
{
    DockerStatsParser parser;
    Parsed p;
    qsizetype i = 0;
    while (i < data.size()) {
        qsizetype n = nextSize();
        if (n <= 0 || n > data.size() - i)
            n = data.size() - i;
        parser.feed(QByteArrayView(data).sliced(i, n), kAt, p.samples);
        i += n;
    }
    parser.finish(kAt, p.samples);
    p.counters = parser.counters();
    return p;
}

Parsed parseAll(const QByteArray& data)
{
    return parseChunked(data, [] { return qsizetype(0); });
}

void verifySamples(const std::vector<StatsSample>& got, const QList<StatsSample>& expected)
{
    QCOMPARE(got.size(), size_t(expected.size()));
    for (qsizetype i = 0; i < expected.size(); ++i) {
        const QString diff = difference(got[size_t(i)], expected[i]);
        QVERIFY2(diff.isEmpty(), qPrintable(QStringLiteral("sample %1: %2").arg(i).arg(diff)));
    }
}

const char* const kAllFixtures[] = {
    "docker-cli-28.2.2/stats-stream.txt",
    "docker-cli-28.2.2/stats-stream-json.txt",
    "docker-cli-28.2.2/stats-no-stream-table.txt",
    "docker-cli-28.2.2/stats-no-stream-json.txt",
    "podman-cli-4.3.1/stats-no-stream-table.txt",
    "podman-cli-4.3.1/stats-no-stream-json.txt",
    "podman-cli-4.3.1/stats-stream.txt",
    "synthetic/stats-stream-docker27.3.txt",
    "synthetic/stats-stream-template.txt",
    "synthetic/stats-podman-json-stream.txt",
    "synthetic/stats-garbage.txt",
};

} // namespace

class TestStatsParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void fixtures_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<quint64>("lines");
        QTest::addColumn<quint64>("malformed");
        QTest::addColumn<QList<StatsSample>>("expected");

        // docker: MemUsage binary, NetIO/BlockIO decimal. Six frames, each printed twice: six samples.
        const StatsSample dockerStream = S(A, "angolin", 0.0, 6.875 * MiB, 860 * MiB, 0.80, 656, 1570, 0, 0, 7);
        QTest::addRow("docker stream table")
            << "docker-cli-28.2.2/stats-stream.txt" << quint64(31) << quint64(0)
            << QList<StatsSample> {dockerStream,          dockerStream,          dockerStream,
                                   unknown(A, "angolin"), unknown(A, "angolin"), unknown(A, "angolin")};
        const StatsSample dockerJson = S(A, "angolin", 0.0, 6.875 * MiB, 860 * MiB, 0.80, 656, 1640, 0, 0, 7);
        QTest::addRow("docker stream json")
            << "docker-cli-28.2.2/stats-stream-json.txt" << quint64(19) << quint64(0)
            << QList<StatsSample> {dockerJson,           dockerJson, dockerJson, dockerJson, unknown(A, "angolin"),
                                   unknown(A, "angolin")};
        const StatsSample dockerOnce = S(A, "angolin", 0.07, 6.875 * MiB, 860 * MiB, 0.80, 726, 1640, 0, 0, 7);
        QTest::addRow("docker no-stream table") << "docker-cli-28.2.2/stats-no-stream-table.txt" << quint64(2)
                                                << quint64(0) << QList<StatsSample> {dockerOnce};
        QTest::addRow("docker no-stream json") << "docker-cli-28.2.2/stats-no-stream-json.txt" << quint64(1)
                                               << quint64(0) << QList<StatsSample> {dockerOnce};

        // podman: decimal MB for memory too.
        const StatsSample podman = S(A, "pangolin", 0.23, 7.205e6, 901.8e6, 0.80, 726, 1640, 0, 0, 7);
        QTest::addRow("podman no-stream table")
            << "podman-cli-4.3.1/stats-no-stream-table.txt" << quint64(2) << quint64(0) << QList<StatsSample> {podman};
        QTest::addRow("podman no-stream json")
            << "podman-cli-4.3.1/stats-no-stream-json.txt" << quint64(14) << quint64(0) << QList<StatsSample> {podman};
        QTest::addRow("podman stream") << "podman-cli-4.3.1/stats-stream.txt" << quint64(2) << quint64(0)
                                       << QList<StatsSample> {podman};

        // Hand-made (see synthetic/README.md).
        QTest::addRow("docker 27.3 stream, spaced units")
            << "synthetic/stats-stream-docker27.3.txt" << quint64(8) << quint64(0)
            << QList<StatsSample> {
                   S(A, "pangolin", 12.5, 139.6 * MiB, 7.816 * GiB, 1.74, 1.05e9, 49.4e6, 0, 0, 11),
                   S(B, "redis", 0.31, 8.2 * MiB, 7.816 * GiB, 0.10, 726, 1640, 4.1e6, 0, 5),
                   S(A, "pangolin", 13.0, 140.1 * MiB, 7.816 * GiB, 1.75, 1.06e9, 49.5e6, 0, 0, 12),
                   S(B, "redis", 0.29, 8.2 * MiB, 7.816 * GiB, 0.10, 800, 1700, 4.1e6, 0, 5),
                   unknown(A, "pangolin"),
               };
        QTest::addRow("template stream, duplicated frames")
            << "synthetic/stats-stream-template.txt" << quint64(11) << quint64(0)
            << QList<StatsSample> {
                   S(A, "", 0.08, 6.871 * MiB, 860 * MiB, 0.80, 726, 1640, 0, 0, 7),
                   S(B, "", 1.50, 20 * MiB, 860 * MiB, 2.33, 1000, 2000, 1e6, 0, 3),
                   S(A, "", 0.10, 6.9 * MiB, 860 * MiB, 0.80, 800, 1700, 0, 0, 7),
                   unknown(B, ""),
               };
        const StatsSample podman2 = S(A, "pangolin", 1.50, 7.205e6, 901.8e6, 0.80, 726, 1640, 0, 0, 7);
        QTest::addRow("podman json stream")
            << "synthetic/stats-podman-json-stream.txt" << quint64(44) << quint64(0)
            << QList<StatsSample> {podman, unknown(B, "redis [cache]"), podman2, unknown(B, "redis [cache]")};
        QTest::addRow("garbage between rows")
            << "synthetic/stats-garbage.txt" << quint64(14) << quint64(11)
            << QList<StatsSample> {podman, S(B, "redis", 0.50, 20e6, 901.8e6, 2.22, 1000, 2000, 0, 0, 3)};
    }

    void fixtures()
    {
        QFETCH(QString, file);
        QFETCH(quint64, lines);
        QFETCH(quint64, malformed);
        QFETCH(QList<StatsSample>, expected);
        const QByteArray data = readFixture(QFINDTESTDATA(QStringLiteral("../fixtures/") + file));
        const Parsed p = parseAll(data);
        verifySamples(p.samples, expected);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(p.counters.lines, lines);
        QCOMPARE(p.counters.recognised, quint64(expected.size()));
        QCOMPARE(p.counters.malformed, malformed);
        QCOMPARE(p.counters.oversized, quint64(0));
        QCOMPARE(p.counters.bytes, quint64(data.size()));
    }

    void chunking_data()
    {
        QTest::addColumn<QString>("file");
        for (const char* f : kAllFixtures)
            QTest::addRow("%s", f) << QString::fromLatin1(f);
    }

    void chunking()
    {
        QFETCH(QString, file);
        const QByteArray data = readFixture(QFINDTESTDATA(QStringLiteral("../fixtures/") + file));
        const Parsed whole = parseAll(data);
        QVERIFY(!whole.samples.empty());
        QRandomGenerator rng(1234);
        const Parsed bytewise = parseChunked(data, [] { return qsizetype(1); });
        const Parsed random = parseChunked(data, [&] { return qsizetype(rng.bounded(1, 64)); });
        for (const Parsed* other : {&bytewise, &random}) {
            QCOMPARE(other->counters.lines, whole.counters.lines);
            QCOMPARE(other->counters.recognised, whole.counters.recognised);
            QCOMPARE(other->counters.malformed, whole.counters.malformed);
            QCOMPARE(other->counters.bytes, whole.counters.bytes);
            verifySamples(other->samples, QList<StatsSample>(whole.samples.begin(), whole.samples.end()));
            if (QTest::currentTestFailed())
                return;
        }
    }

    // The explicit template from both CLIs (fixtures/README.md): the same columns, binary vs decimal memory.
    void explicitTemplate()
    {
        const Parsed p = parseAll("6f70f8e18d04\t0.08%\t6.871MiB / 860MiB\t0.80%\t726B / 1.64kB\t0B / 0B\t7\n"
                                  "6f70f8e18d04\t0.18%\t7.205MB / 901.8MB\t0.80%\t726B / 1.64kB\t0B / 0B\t7\r\n");
        verifySamples(p.samples,
                      {S(A, "", 0.08, 6.871 * MiB, 860 * MiB, 0.80, 726, 1640, 0, 0, 7),
                       S(A, "", 0.18, 7.205e6, 901.8e6, 0.80, 726, 1640, 0, 0, 7)});
        QCOMPARE(QByteArray(DockerStatsParser::kTemplate).count("\\t"), 6);
    }

    void psOutputIsNotStats()
    {
        const Parsed p = parseAll(readFixture(QFINDTESTDATA("../fixtures/docker-cli-28.2.2/ps-json.txt")));
        QVERIFY(p.samples.empty());
        QCOMPARE(p.counters.lines, quint64(1));
        QCOMPARE(p.counters.malformed, quint64(1));
    }

    void randomBytes()
    {
        QRandomGenerator rng(99);
        QByteArray noise(256 * 1024, '\0');
        for (char& c : noise)
            c = char(rng.bounded(256));
        const QByteArray data = "ffffffffffff\t1%\t1MiB / 2MiB\t50%\t1B / 2B\t3B / 4B\t5\n" + noise
            + "\n]\neeeeeeeeeeee\t2%\t2MiB / 4MiB\t50%\t1B / 2B\t3B / 4B\t6\n";
        const Parsed p = parseAll(data);
        QVERIFY(p.counters.malformed > 0);
        QCOMPARE(p.counters.lines, quint64(data.count('\n')));
        QVERIFY(p.samples.size() >= 2);
        QCOMPARE(p.samples.front().containerId, QStringLiteral("ffffffffffff"));
        QCOMPARE(p.samples.back().containerId, QStringLiteral("eeeeeeeeeeee"));
        QCOMPARE(p.samples.back().memLimitBytes, 4 * MiB);
        QCOMPARE(p.samples.back().pids, qint64(6));
        const Parsed chunked = parseChunked(data, [&] { return qsizetype(rng.bounded(1, 3000)); });
        QCOMPARE(chunked.counters.malformed, p.counters.malformed);
        QCOMPARE(chunked.samples.size(), p.samples.size());
    }

    // Captured frames with random bytes overwritten (an ESC, a '[', a tab may appear anywhere): chunking never
    // changes the outcome, every line is counted, and samples are only ever emitted with a valid container ID.
    void mutatedFrames()
    {
        QRandomGenerator rng(4242);
        for (const char* file : kAllFixtures) {
            const QByteArray original
                = readFixture(QFINDTESTDATA(QStringLiteral("../fixtures/") + QLatin1String(file)));
            for (int round = 0; round < 40; ++round) {
                QByteArray data = original;
                for (int i = 0; i < 6; ++i)
                    data[rng.bounded(int(data.size()))] = char(rng.bounded(256));
                const Parsed whole = parseAll(data);
                const Parsed random = parseChunked(data, [&] { return qsizetype(rng.bounded(1, 50)); });
                QCOMPARE(random.counters.lines, whole.counters.lines);
                QCOMPARE(random.counters.malformed, whole.counters.malformed);
                QCOMPARE(whole.counters.lines, quint64(data.count('\n') + (data.endsWith('\n') ? 0 : 1)));
                verifySamples(random.samples, QList<StatsSample>(whole.samples.begin(), whole.samples.end()));
                if (QTest::currentTestFailed())
                    return;
                for (const StatsSample& s : whole.samples)
                    QVERIFY(!s.containerId.isEmpty() && !s.containerId.contains(QLatin1Char(' ')));
            }
        }
    }

    void unterminatedJsonArrayIsBounded()
    {
        QByteArray data = "[\n";
        const QByteArray element
            = " {\"id\": \"aaaaaaaaaaaa\", \"cpu_percent\": \"1%\", \"mem_usage\": \"1MB / 2MB\"},\n";
        while (data.size() < 1100 * 1024)
            data += element;
        data += "bbbbbbbbbbbb\t2%\t2MiB / 4MiB\t50%\t1B / 2B\t3B / 4B\t6\n";
        const Parsed p = parseAll(data);
        QCOMPARE(p.counters.malformed, quint64(1));
        QCOMPARE(p.samples.size(), size_t(1));
        QCOMPARE(p.samples.front().containerId, QStringLiteral("bbbbbbbbbbbb"));
    }

    void oversizedLine()
    {
        const QByteArray data = "aaaaaaaaaaaa\t1%\t1MiB / 2MiB\t50%\t1B / 2B\t3B / 4B\t5\n"
            + QByteArray(300 * 1024, 'x') + "\nbbbbbbbbbbbb\t2%\t2MiB / 4MiB\t50%\t1B / 2B\t3B / 4B\t6\n";
        for (const qsizetype chunk : {qsizetype(0), qsizetype(4096)}) {
            const Parsed p = parseChunked(data, [chunk] { return chunk; });
            QCOMPARE(p.counters.lines, quint64(3));
            QCOMPARE(p.counters.oversized, quint64(1));
            QCOMPARE(p.samples.size(), size_t(2));
        }
    }

    void stripEscapes_data()
    {
        QTest::addColumn<QByteArray>("in");
        QTest::addColumn<QByteArray>("out");
        QTest::addRow("csi") << QByteArray("\x1b[H\x1b[2Jab\x1b[K") << QByteArray("ab");
        QTest::addRow("colour") << QByteArray("\x1b[33m[warn]\x1b[39m: x") << QByteArray("[warn]: x");
        QTest::addRow("osc title") << QByteArray("a\x1b]0;title\x07"
                                                 "b")
                                   << QByteArray("ab");
        QTest::addRow("two-byte") << QByteArray("a\x1b"
                                                "7b")
                                  << QByteArray("ab");
        QTest::addRow("trailing esc") << QByteArray("ab\x1b") << QByteArray("ab");
        QTest::addRow("unterminated csi") << QByteArray("ab\x1b[12") << QByteArray("ab");
        QTest::addRow("plain") << QByteArray("no escapes") << QByteArray("no escapes");
    }

    void stripEscapes()
    {
        QFETCH(QByteArray, in);
        QFETCH(QByteArray, out);
        QCOMPARE(heapwatch::stripEscapes(in), out);
    }
};

QTEST_GUILESS_MAIN(TestStatsParser)
#include "tst_statsparser.moc"
