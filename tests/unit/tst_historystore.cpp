// The history store: the rings' chunks read back exactly as the rings hold them, the time-window queries,
// one-minute rollups, events, retention, forgetting a target, the schema version, disk use, and a reader
// beside the writing worker. Real data: the demo host's six hours of the investigation's story.
#include "HistoryFixture.h"
#include "HistoryReader.h"
#include "HistorySchema.h"
#include "HistoryStore.h"

#include <QDir>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <atomic>
#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <set>

using namespace heapwatch;
using namespace heapwatch::historytest;

namespace {

constexpr qint64 kMinute = 60 * 1000;
constexpr qint64 kDay = 24 * 3600 * 1000LL;
const QString kKey = QStringLiteral("ssh://ops@web1:2222/pangolin");

bool sameValue(double stored, float ring)
{
    const float f = float(stored);
    return (std::isnan(f) && std::isnan(ring)) || std::memcmp(&f, &ring, sizeof f) == 0;
}

// Every stored row of one ring, decoded, oldest first; fails the test on a chunk that does not decode.
std::vector<DecodedRow> storedRows(const HistoryReader& reader, const QString& key, RingKind ring, qint64 t0, qint64 t1)
{
    std::vector<DecodedRow> all, rows;
    for (const StoredChunk& c : reader.chunks(key, ring, t0, t1)) {
        if (!decodeStoredChunk(c, &rows))
            qFatal("a stored chunk does not decode");
        all.insert(all.end(), rows.begin(), rows.end());
    }
    return all;
}

template<int N> void compareWithRing(const HistoryReader& reader, RingKind kind, const SampleRing<N>& ring)
{
    const auto expected = ringRows(ring);
    const auto got
        = storedRows(reader, kKey, kind, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max());
    QCOMPARE(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i) {
        QCOMPARE(got[i].atMs, expected[i].atMs);
        for (int c = 0; c < N; ++c)
            QVERIFY2(sameValue(got[i].values[size_t(c)], expected[i].v[size_t(c)]),
                     qPrintable(QStringLiteral("row %1 column %2: %3 against %4")
                                    .arg(i)
                                    .arg(c)
                                    .arg(got[i].values[size_t(c)])
                                    .arg(double(expected[i].v[size_t(c)]))));
    }
    // The sealed chunks are stored as the ring encoded them: the same bytes, the same summaries.
    const auto chunks
        = reader.chunks(kKey, kind, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max());
    QCOMPARE(qsizetype(chunks.size()), ring.sealedChunkCount() + (ring.openRowCount() > 0 ? 1 : 0));
    for (qsizetype i = 0; i < ring.sealedChunkCount(); ++i) {
        const auto& c = ring.sealedChunk(i);
        QCOMPARE(chunks[size_t(i)].rows, SampleRing<N>::kChunkRows);
        QCOMPARE(chunks[size_t(i)].bytes,
                 QByteArray(reinterpret_cast<const char*>(c.bytes.data()), qsizetype(c.bytes.size())));
        QCOMPARE(chunks[size_t(i)].summaries, historycodec::packSummaries<N>(c));
    }
}

// The first and last times of every chunk a ring holds (sealed, then open): what a window query must return.
template<int N> std::vector<std::pair<qint64, qint64>> ringChunkSpans(const SampleRing<N>& ring)
{
    std::vector<std::pair<qint64, qint64>> spans;
    for (qsizetype i = 0; i < ring.sealedChunkCount(); ++i) {
        const StoredChunk c = storedSealedChunk(kKey, RingKind::Stats, ring, i);
        spans.emplace_back(c.t0, c.t1);
    }
    if (ring.openRowCount() > 0) {
        const StoredChunk c = storedOpenChunk(kKey, RingKind::Stats, ring);
        spans.emplace_back(c.t0, c.t1);
    }
    return spans;
}

// A ring of count rows from startMs, every stepMs, with values that change (a sawtooth and a ramp).
SampleRing<2> syntheticRing(qint64 startMs, qint64 stepMs, int count)
{
    SampleRing<2> ring(count);
    for (int i = 0; i < count; ++i)
        ring.push(startMs + i * stepMs, {float(i % 97) / 4.0f, 300.0f + float(i) / 100.0f});
    return ring;
}

} // namespace

class TestHistoryStore : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_files = 0;
    std::unique_ptr<TargetState> m_demo;
    QString m_demoPath; // a store holding the demo under kKey

    QString freshPath() { return m_dir.filePath(QStringLiteral("history-%1.sqlite").arg(++m_files)); }

    static HistoryOptions options(const QString& path)
    {
        HistoryOptions o;
        o.path = path;
        o.fullRetentionMs = 10000 * kDay; // the demo is in 2026: no prune on open
        o.rollupRetentionMs = 10000 * kDay;
        return o;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")));
        m_demo = demoState();
        QVERIFY(m_demo->stats().sealedChunkCount() >= 20); // six hours of one-second stats
        QVERIFY(m_demo->process().sealedChunkCount() >= 2);
        QVERIFY(m_demo->process().openRowCount() > 0);
        m_demoPath = freshPath();
        HistoryStore store(options(m_demoPath));
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        storeState(store, kKey, *m_demo);
        store.close();
    }

    void pathAndCommitInterval_data()
    {
        QTest::addColumn<QString>("env");
        QTest::addColumn<int>("commitMs");
        QTest::addColumn<int>("expectedCommitMs");
        QTest::addRow("defaults") << QString() << HistoryOptions().commitIntervalMs << 2000;
        QTest::addRow("$HEAPWATCH_HISTORY, a minute asked")
            << m_dir.filePath(QStringLiteral("env.sqlite")) << 60000 << 10000;
        QTest::addRow("immediate commits") << QString() << 0 << 0;
    }
    void pathAndCommitInterval()
    {
        QFETCH(QString, env);
        QFETCH(int, commitMs);
        QFETCH(int, expectedCommitMs);
        const QByteArray saved = qgetenv("HEAPWATCH_HISTORY");
        if (env.isEmpty())
            qunsetenv("HEAPWATCH_HISTORY");
        else
            qputenv("HEAPWATCH_HISTORY", env.toLocal8Bit());
        HistoryOptions o;
        o.commitIntervalMs = commitMs;
        const HistoryStore store(o);
        if (saved.isEmpty())
            qunsetenv("HEAPWATCH_HISTORY");
        else
            qputenv("HEAPWATCH_HISTORY", saved);
        QCOMPARE(store.options().commitIntervalMs, expectedCommitMs); // never more than 10 s of loss
        if (!env.isEmpty())
            QCOMPARE(store.path(), env);
        else
            QCOMPARE(store.path(),
                     QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
                         .filePath(QStringLiteral("history.sqlite")));
    }

    void ringsReadBackExactly_data()
    {
        QTest::addColumn<int>("ring");
        QTest::addRow("container stats") << int(RingKind::Stats);
        QTest::addRow("process memory") << int(RingKind::Process);
        QTest::addRow("cache") << int(RingKind::Cache);
    }
    void ringsReadBackExactly()
    {
        QFETCH(int, ring);
        HistoryReader reader(m_demoPath);
        QString error;
        QVERIFY2(reader.open(&error), qPrintable(error));
        switch (RingKind(ring)) {
        case RingKind::Stats:
            compareWithRing(reader, RingKind::Stats, m_demo->stats());
            break;
        case RingKind::Process:
            compareWithRing(reader, RingKind::Process, m_demo->process());
            break;
        case RingKind::Cache:
            compareWithRing(reader, RingKind::Cache, m_demo->cache());
            break;
        }
    }

    // Values the codec keeps in other forms (NaN, infinities read back as NaN, floats too large for
    // hundredths, times before the epoch, equal times, jumps of a year) survive the store as the ring has them.
    void unusualValuesReadBackExactly()
    {
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const float inf = std::numeric_limits<float>::infinity();
        const std::array<float, 6> values[]
            = {{336.6f, nan, 1e20f, -inf, 0.005f, -12.34f}, {inf, 3.4e38f, -3.4e38f, 5e12f, 1e-30f, 97.57f}};
        const qint64 steps[] = {0, 1, 1000, 0, 86400000LL * 400, 3, 999};
        SampleRing<6> ring(100000);
        qint64 t = -5000;
        for (int i = 0; i < 2500; ++i) { // two sealed chunks and an open one of 452 rows
            t += steps[i % 7];
            QVERIFY(ring.push(t, values[i % 2]));
        }
        const QString path = freshPath();
        HistoryStore store(options(path));
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        historytest::storeRing(store, kKey, RingKind::Process, ring);
        store.close();
        HistoryReader reader(path);
        QVERIFY2(reader.open(&error), qPrintable(error));
        compareWithRing(reader, RingKind::Process, ring);
    }

    void windowQueries_data()
    {
        QTest::addColumn<qint64>("t0");
        QTest::addColumn<qint64>("t1");
        QTest::addColumn<int>("expected"); // -1: whatever the ring's chunk spans say
        const auto spans = ringChunkSpans(m_demo->stats());
        const qint64 first = spans.front().first;
        QTest::addRow("everything") << first << kDemoNowMs << int(spans.size());
        QTest::addRow("before the first row") << first - 10000 << first - 1 << 0;
        QTest::addRow("after the last row") << kDemoNowMs + 1 << kDemoNowMs + kDay << 0;
        QTest::addRow("the first row alone") << first << first << 1;
        QTest::addRow("the last ms of chunk 3") << spans[3].second << spans[3].second << -1;
        QTest::addRow("the gap between chunks 3 and 4") << spans[3].second + 1 << spans[4].first - 1 << -1;
        QTest::addRow("an hour in the middle") << first + 2 * 3600 * 1000 << first + 3 * 3600 * 1000 << -1;
        QTest::addRow("the last minute (the open chunk)") << kDemoNowMs - kMinute << kDemoNowMs << 1;
    }
    void windowQueries()
    {
        QFETCH(qint64, t0);
        QFETCH(qint64, t1);
        QFETCH(int, expected);
        std::vector<qint64> want;
        for (const auto& [a, b] : ringChunkSpans(m_demo->stats()))
            if (a <= t1 && b >= t0)
                want.push_back(a);
        if (expected >= 0)
            QCOMPARE(int(want.size()), expected);
        HistoryReader reader(m_demoPath);
        QString error;
        QVERIFY2(reader.open(&error), qPrintable(error));
        std::vector<qint64> got;
        for (const StoredChunk& c : reader.chunks(kKey, RingKind::Stats, t0, t1))
            got.push_back(c.t0);
        QCOMPARE(got, want);
    }

    void rollupsAreTheMinutesFigures_data()
    {
        QTest::addColumn<int>("ring");
        QTest::addColumn<qint64>("minute");
        const qint64 deploy = kDemoNowMs - DemoSource::kWarmupMs;
        QTest::addRow("stats, the deploy's minute") << int(RingKind::Stats) << deploy;
        QTest::addRow("stats, the last minute") << int(RingKind::Stats) << kDemoNowMs - kMinute;
        QTest::addRow("stats, three hours before") << int(RingKind::Stats) << deploy - 3 * 3600 * 1000;
        QTest::addRow("process, the last minute") << int(RingKind::Process) << kDemoNowMs - kMinute;
        QTest::addRow("process, the minute of now") << int(RingKind::Process) << kDemoNowMs;
        QTest::addRow("process, five hours before") << int(RingKind::Process) << deploy - 5 * 3600 * 1000;
    }
    void rollupsAreTheMinutesFigures()
    {
        QFETCH(int, ring);
        QFETCH(qint64, minute);
        minute -= ((minute % kMinute) + kMinute) % kMinute;
        // The figures straight from the ring's rows of that minute.
        std::vector<std::vector<double>> values;
        auto collect = [&](const auto& r) {
            for (const auto& row : ringRows(r)) {
                if (row.atMs < minute || row.atMs >= minute + kMinute)
                    continue;
                values.resize(row.v.size());
                for (size_t c = 0; c < row.v.size(); ++c)
                    if (!std::isnan(row.v[c]))
                        values[c].push_back(double(row.v[c]));
            }
        };
        if (RingKind(ring) == RingKind::Stats)
            collect(m_demo->stats());
        else
            collect(m_demo->process());
        QVERIFY(!values.empty() && !values[0].empty());
        HistoryReader reader(m_demoPath);
        QString error;
        QVERIFY2(reader.open(&error), qPrintable(error));
        const auto rows = reader.rollups(kKey, RingKind(ring), minute, minute);
        QCOMPARE(rows.size(), size_t(1));
        QCOMPARE(rows[0].minuteMs, minute);
        QCOMPARE(rows[0].columns.size(), values.size());
        for (size_t c = 0; c < values.size(); ++c) {
            const auto& v = values[c];
            double sum = 0;
            for (double x : v)
                sum += x;
            QCOMPARE(rows[0].columns[c].count, quint32(v.size()));
            QCOMPARE(rows[0].columns[c].min, *std::min_element(v.begin(), v.end()));
            QCOMPARE(rows[0].columns[c].max, *std::max_element(v.begin(), v.end()));
            QVERIFY(std::fabs(rows[0].columns[c].mean - sum / double(v.size())) < 1e-9);
        }
        // One rollup per minute that has rows, over the whole ring.
        std::set<qint64> minutes;
        auto minutesOf = [&](const auto& r) {
            for (const auto& row : ringRows(r))
                minutes.insert(row.atMs - ((row.atMs % kMinute) + kMinute) % kMinute);
        };
        if (RingKind(ring) == RingKind::Stats)
            minutesOf(m_demo->stats());
        else
            minutesOf(m_demo->process());
        QCOMPARE(reader.rollups(kKey, RingKind(ring), *minutes.begin(), *minutes.rbegin()).size(), minutes.size());
    }

    // Live, the open chunk is saved again every two seconds as it grows, and sealed when full: each save
    // recomputes only the minutes from its previous last row on. Every minute's rollup must still be the
    // minute's figures from the rows, across seals, over 40 minutes of one-second docker stats at the seed's
    // figures (364.8 MiB used, 2.8 % CPU), with a gap of a few minutes (a reconnect) in the middle.
    void rollupsFollowTheOpenChunkAsItGrows_data()
    {
        QTest::addColumn<int>("saveEverySeconds");
        QTest::addRow("every 2 s, as the console saves") << 2;
        QTest::addRow("every 7 s") << 7;
    }
    void rollupsFollowTheOpenChunkAsItGrows()
    {
        QFETCH(int, saveEverySeconds);
        QTemporaryDir dir;
        HistoryOptions options;
        options.path = dir.filePath(QStringLiteral("history.sqlite"));
        HistoryStore store(options);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        StatsRing ring(100000);
        std::mt19937 rng(20260114u);
        std::normal_distribution<double> noise(0, 0.4);
        const qint64 start = kDemoNowMs - 45 * kMinute + 17 * 1000 + 250; // not on a minute
        qint64 savedSerial = -1;
        auto save = [&] {
            for (qsizetype i = 0; i < ring.sealedChunkCount(); ++i) {
                if (ring.sealedSerial(i) <= savedSerial)
                    continue;
                store.addChunk(storedSealedChunk(kKey, RingKind::Stats, ring, i));
                savedSerial = ring.sealedSerial(i);
            }
            if (ring.openRowCount() > 0)
                store.addChunk(storedOpenChunk(kKey, RingKind::Stats, ring));
        };
        for (int i = 0; i < 2700; ++i) {
            if (i >= 1500 && i < 1700)
                continue; // no rows for 200 s
            ring.push(start + qint64(i) * 1000 + i % 7, {float(2.8 + noise(rng)), float(364.8 + noise(rng))});
            if (i % saveEverySeconds == 0)
                save();
        }
        save();
        store.flush().waitForFinished();
        QVERIFY(ring.sealedChunkCount() >= 2);

        std::map<qint64, std::vector<std::vector<double>>> want;
        for (const auto& row : ringRows(ring)) {
            auto& minute = want[row.atMs - ((row.atMs % kMinute) + kMinute) % kMinute];
            minute.resize(2);
            for (size_t c = 0; c < 2; ++c)
                minute[c].push_back(double(row.v[c]));
        }
        HistoryReader reader(options.path);
        QVERIFY2(reader.open(&error), qPrintable(error));
        const auto rollups = reader.rollups(kKey, RingKind::Stats, want.begin()->first, want.rbegin()->first);
        QCOMPARE(rollups.size(), want.size());
        for (const auto& r : rollups) {
            const auto it = want.find(r.minuteMs);
            QVERIFY2(it != want.end(), qPrintable(QString::number(r.minuteMs)));
            for (size_t c = 0; c < 2; ++c) {
                const auto& v = it->second[c];
                QCOMPARE(r.columns[c].count, quint32(v.size()));
                QCOMPARE(r.columns[c].min, *std::min_element(v.begin(), v.end()));
                QCOMPARE(r.columns[c].max, *std::max_element(v.begin(), v.end()));
                double sum = 0;
                for (double x : v)
                    sum += x;
                QVERIFY(std::fabs(r.columns[c].mean - sum / double(v.size())) < 1e-9);
            }
        }
    }

    void eventsInWindow()
    {
        HistoryReader reader(m_demoPath);
        QString error;
        QVERIFY2(reader.open(&error), qPrintable(error));
        const qint64 deploy = kDemoNowMs - DemoSource::kWarmupMs;
        const auto all = reader.events(kKey, 0, kDemoNowMs);
        QVERIFY(!all.empty()); // the redeploy five minutes ago
        int restarts = 0;
        for (const Marker& m : m_demo->markers())
            restarts += m.kind == Marker::Kind::Restart || m.kind == Marker::Kind::OomKill;
        QCOMPARE(int(all.size()), restarts);
        const auto nearDeploy = reader.events(kKey, deploy - kMinute, deploy + kMinute);
        QCOMPARE(nearDeploy.size(), size_t(1));
        QVERIFY(nearDeploy[0].kind == HistoryEventKind::Recreate || nearDeploy[0].kind == HistoryEventKind::Restart);
        QVERIFY(reader.events(kKey, kDemoNowMs - 2 * kMinute, kDemoNowMs).empty());
    }

    // The open chunk is stored as it fills and replaced by the sealed one; rollups count every row once.
    void openChunkGrowsThenSeals()
    {
        const QString path = freshPath();
        HistoryStore store(options(path));
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        SampleRing<2> ring(100000);
        const qint64 start = kDemoNowMs;
        for (int i = 0; i < 1024; ++i) {
            ring.push(start + i * 1000, {float(i % 13), 336.6f + float(i) / 100.0f});
            if (i == 99 || i == 699)
                store.addChunk(storedOpenChunk(kKey, RingKind::Stats, ring));
        }
        QCOMPARE(ring.sealedChunkCount(), qsizetype(1));
        SampleRing<2> older(100000); // a stale snapshot of the open chunk arriving late: ignored
        for (int i = 0; i < 500; ++i)
            older.push(start + i * 1000, {float(i % 13), 336.6f + float(i) / 100.0f});
        store.addChunk(storedSealedChunk(kKey, RingKind::Stats, ring, 0));
        store.addChunk(storedOpenChunk(kKey, RingKind::Stats, older));
        QVERIFY(store.flush().result());
        HistoryReader reader(path);
        QVERIFY2(reader.open(&error), qPrintable(error));
        const auto chunks = reader.chunks(kKey, RingKind::Stats, start, start + kDay);
        QCOMPARE(chunks.size(), size_t(1));
        QCOMPARE(chunks[0].rows, 1024);
        quint32 counted = 0;
        for (const RollupRow& r : reader.rollups(kKey, RingKind::Stats, start, start + kDay))
            counted += r.columns[1].count;
        QCOMPARE(counted, quint32(1024));
    }

    void refusesDamagedChunks_data()
    {
        QTest::addColumn<int>("damage");
        QTest::addRow("bytes cut short") << 0;
        QTest::addRow("summaries of another ring") << 1;
        QTest::addRow("no rows") << 2;
        QTest::addRow("more rows than a chunk holds") << 3;
        QTest::addRow("a group summary whose last time is not its rows'") << 4;
    }
    void refusesDamagedChunks()
    {
        QFETCH(int, damage);
        StoredChunk chunk = storedSealedChunk(kKey, RingKind::Stats, m_demo->stats(), 0);
        switch (damage) {
        case 0:
            chunk.bytes.chop(chunk.bytes.size() / 2);
            break;
        case 1:
            chunk.ring = RingKind::Process;
            break;
        case 2:
            chunk.rows = 0;
            break;
        case 3:
            chunk.rows = 1025;
            break;
        case 4:
            chunk.summaries[8] = char(chunk.summaries[8] ^ 0x40); // group 0's lastMs
            break;
        }
        const QString path = freshPath();
        HistoryStore store(options(path));
        QSignalSpy failed(&store, &HistoryStore::writeFailed);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        store.addChunk(chunk);
        QVERIFY(store.flush().result());
        QTRY_COMPARE(failed.count(), 1);
        HistoryReader reader(path);
        QVERIFY2(reader.open(&error), qPrintable(error));
        QVERIFY(reader.chunks(kKey, chunk.ring, 0, std::numeric_limits<qint64>::max()).empty());
    }

    // A stored chunk cut at every length, or with any one byte flipped, decodes or is refused, and never
    // reads past its bytes (a damaged file must not crash the export).
    void damagedBytesNeverCrash()
    {
        const StoredChunk good = storedSealedChunk(kKey, RingKind::Process, m_demo->process(), 0);
        std::vector<DecodedRow> rows;
        QVERIFY(decodeStoredChunk(good, &rows));
        int refused = 0;
        for (qsizetype cut = 0; cut < good.bytes.size(); ++cut) {
            StoredChunk c = good;
            c.bytes.truncate(cut);
            refused += !decodeStoredChunk(c, &rows);
        }
        QCOMPARE(refused, int(good.bytes.size())); // every cut loses rows of the last group
        for (qsizetype i = 0; i < good.bytes.size(); i += 7) {
            StoredChunk c = good;
            c.bytes[i] = char(~c.bytes[i]);
            if (decodeStoredChunk(c, &rows))
                QCOMPARE(rows.size(), size_t(1024));
        }
    }

    // A reader on its own thread while the worker writes: it never sees a torn chunk, and what it sees
    // only grows.
    void readerBesideTheWriter()
    {
        const QString path = freshPath();
        HistoryOptions o = options(path);
        o.commitIntervalMs = 50;
        HistoryStore store(o);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        store.noteTarget(kKey, QStringLiteral("pangolin"), kDemoNowMs);
        QVERIFY(store.flush().result());
        std::atomic<bool> done {false};
        std::atomic<int> reads {0}, torn {0}, shrank {0};
        std::atomic<size_t> lastSeen {0};
        QThread* readerThread = QThread::create([&] {
            HistoryReader reader(path);
            QString why;
            if (!reader.open(&why)) {
                ++torn;
                return;
            }
            std::vector<DecodedRow> rows;
            while (!done) {
                const auto chunks = reader.chunks(kKey, RingKind::Stats, 0, std::numeric_limits<qint64>::max());
                for (const StoredChunk& c : chunks)
                    torn += !decodeStoredChunk(c, &rows) || rows.size() != 1024;
                shrank += chunks.size() < lastSeen;
                lastSeen = chunks.size();
                ++reads;
            }
        });
        readerThread->start();
        const SampleRing<2> ring = syntheticRing(kDemoNowMs, 1000, 200 * 1024);
        for (qsizetype i = 0; i < ring.sealedChunkCount(); ++i) {
            store.addChunk(storedSealedChunk(kKey, RingKind::Stats, ring, i));
            if (i % 20 == 19)
                QTest::qWait(20);
        }
        QVERIFY(store.flush().result());
        QTRY_COMPARE_WITH_TIMEOUT(lastSeen.load(), size_t(200), 10000);
        done = true;
        readerThread->wait();
        delete readerThread;
        QCOMPARE(torn.load(), 0);
        QCOMPARE(shrank.load(), 0);
        QVERIFY2(reads > 3, qPrintable(QString::number(reads)));
        qInfo("%d reads beside the writer", reads.load());
    }

    // Chunks (1024 one-minute rows, 17 hours each), one per day offset, with an event each; pruned at now.
    void retention_data()
    {
        QTest::addColumn<qint64>("fullDays");
        QTest::addColumn<qint64>("rollupDays");
        QTest::addColumn<int>("chunks");
        QTest::addColumn<int>("rollups");
        QTest::addColumn<int>("events");
        // The defaults: seven days of chunks, 90 of rollups and events.
        QTest::addRow("7 days / 90 days") << qint64(7) << qint64(90) << 2 << 4 * 1024 << 4;
        QTest::addRow("1 day / 2 days") << qint64(1) << qint64(2) << 1 << 1024 << 1;
        QTest::addRow("200 days / 200 days") << qint64(200) << qint64(200) << 5 << 5 * 1024 << 5;
    }
    void retention()
    {
        QFETCH(qint64, fullDays);
        QFETCH(qint64, rollupDays);
        QFETCH(int, chunks);
        QFETCH(int, rollups);
        QFETCH(int, events);
        const QString path = freshPath();
        HistoryOptions o = options(path);
        o.fullRetentionMs = fullDays * kDay;
        o.rollupRetentionMs = rollupDays * kDay;
        HistoryStore store(o);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        const qint64 now = kDemoNowMs - kDemoNowMs % kMinute;
        for (qint64 day : {-100, -60, -8, -6, -1}) {
            const SampleRing<2> ring = syntheticRing(now + day * kDay, kMinute, 1024);
            store.addChunk(storedSealedChunk(kKey, RingKind::Stats, ring, 0));
            store.addEvent({kKey, now + day * kDay, HistoryEventKind::ConnectionGap, {{QStringLiteral("to_ms"), 1.0}}});
        }
        QVERIFY(store.flush().result());
        const PruneResult pruned = store.prune(now).result();
        QCOMPARE(pruned.chunks, 5 - chunks);
        QCOMPARE(pruned.events, 5 - events);
        HistoryReader reader(path);
        QVERIFY2(reader.open(&error), qPrintable(error));
        QCOMPARE(int(reader.chunks(kKey, RingKind::Stats, 0, now).size()), chunks);
        QCOMPARE(int(reader.rollups(kKey, RingKind::Stats, 0, now).size()), rollups);
        QCOMPARE(int(reader.events(kKey, 0, now).size()), events);
        QCOMPARE(reader.integrityCheck(), QStringLiteral("ok"));
    }

    void forgetOneTarget()
    {
        const QString path = freshPath();
        const QString other = QStringLiteral("web2/pangolin");
        HistoryStore store(options(path));
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        storeState(store, kKey, *m_demo);
        storeState(store, other, *m_demo);
        QVERIFY(store.flush().result());
        HistoryReader reader(path);
        QVERIFY2(reader.open(&error), qPrintable(error));
        const qint64 before = reader.diskUse(kKey);
        QVERIFY(before > 0);
        const qint64 keyLengths = kKey.size() - other.size(); // the same rows under a shorter key
        QCOMPARE(reader.diskUse(other), before - keyLengths);
        QCOMPARE(reader.targets().size(), size_t(2));

        QVERIFY(store.forget(kKey).result());
        QVERIFY(!store.forget(QStringLiteral("web9/nothing")).result());
        QCOMPARE(reader.targets().size(), size_t(1));
        QCOMPARE(reader.targets().front().key, other);
        QCOMPARE(reader.diskUse(kKey), qint64(0));
        QVERIFY(reader.chunks(kKey, RingKind::Stats, 0, std::numeric_limits<qint64>::max()).empty());
        QVERIFY(reader.events(kKey, 0, std::numeric_limits<qint64>::max()).empty());
        QCOMPARE(reader.diskUse(other), before - keyLengths);
        compareWithRingOf(reader, other);
        // Freed pages went back to the file system (incremental vacuum), not kept as free pages.
        QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("freelist"));
        {
            raw.setDatabaseName(path);
            QVERIFY(raw.open());
            QSqlQuery q(raw);
            QVERIFY(q.exec(QStringLiteral("PRAGMA auto_vacuum")) && q.next());
            QCOMPARE(q.value(0).toInt(), 2); // incremental
            QVERIFY(q.exec(QStringLiteral("PRAGMA freelist_count")) && q.next());
            QVERIFY2(q.value(0).toInt() < 16, qPrintable(q.value(0).toString()));
            raw.close();
        }
        raw = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("freelist"));
    }

    // The writer's search for the chunks a save's first minute overlaps goes by their ends, within the target and
    // ring: the index it names is made when a store is opened for writing, also in a store written without it.
    void overlapsAreFoundByTheirEnds()
    {
        const QString path = freshPath();
        const auto raw = [&path](const std::function<void(QSqlQuery&)>& use) {
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("ends"));
                db.setDatabaseName(path);
                QVERIFY(db.open());
                QSqlQuery q(db);
                use(q);
            }
            QSqlDatabase::removeDatabase(QStringLiteral("ends"));
        };
        QString error;
        {
            HistoryStore created(options(path));
            QVERIFY2(created.open(&error), qPrintable(error));
        }
        raw([](QSqlQuery& q) {
            QVERIFY(q.exec(QStringLiteral("DROP INDEX %1").arg(historyschema::kChunksByTargetEnd)));
        });
        {
            HistoryStore reopened(options(path));
            QVERIFY2(reopened.open(&error), qPrintable(error));
        }
        raw([](QSqlQuery& q) {
            QVERIFY(q.exec(QStringLiteral("EXPLAIN QUERY PLAN SELECT id FROM chunks INDEXED BY %1 WHERE target_id = 1 "
                                          "AND ring = 1 AND t0 < 5 AND t1 >= 3 ORDER BY t0")
                               .arg(historyschema::kChunksByTargetEnd)));
            QString plan;
            while (q.next())
                plan += q.value(3).toString() + QLatin1Char('\n');
            QVERIFY2(plan.contains(
                         QStringLiteral("%1 (target_id=? AND ring=? AND t1>?)").arg(historyschema::kChunksByTargetEnd)),
                     qPrintable(plan));
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version")) && q.next());
            QCOMPARE(q.value(0).toInt(), 1); // an index is not a schema version: older builds still read the store
        });
    }

    void schemaVersion_data()
    {
        QTest::addColumn<int>("version"); // -1: no file, 0: an SQLite file of something else
        QTest::addColumn<bool>("writerOpens");
        QTest::addColumn<bool>("readerOpens");
        QTest::addColumn<QString>("message");
        QTest::addRow("this build's") << historyschema::kVersion << true << true << QString();
        QTest::addRow("a newer heapwatch's") << 99 << false << false << QStringLiteral("newer");
        QTest::addRow("another program's database") << 0 << true << false << QStringLiteral("not a heapwatch");
        QTest::addRow("no file") << -1 << true << false << QStringLiteral("no history store");
    }
    void schemaVersion()
    {
        QFETCH(int, version);
        QFETCH(bool, writerOpens);
        QFETCH(bool, readerOpens);
        QFETCH(QString, message);
        const QString path = freshPath();
        if (version == historyschema::kVersion) {
            HistoryStore created(options(path));
            QString error;
            QVERIFY2(created.open(&error), qPrintable(error));
        } else if (version >= 0) {
            QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
            raw.setDatabaseName(path);
            QVERIFY(raw.open());
            QSqlQuery q(raw);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE notes (text TEXT)")));
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = %1").arg(version)));
            q = QSqlQuery();
            raw.close();
            raw = QSqlDatabase();
            QSqlDatabase::removeDatabase(QStringLiteral("raw"));
        }
        QString error;
        {
            HistoryReader reader(path);
            QCOMPARE(reader.open(&error), readerOpens);
            if (!readerOpens)
                QVERIFY2(error.contains(message), qPrintable(error));
            else
                QCOMPARE(reader.schemaVersion(), historyschema::kVersion);
        }
        HistoryStore store(options(path));
        error.clear();
        QCOMPARE(store.open(&error), writerOpens);
        if (!writerOpens)
            QVERIFY2(error.contains(message), qPrintable(error));
        store.close();
        if (writerOpens) { // it created or migrated the schema
            HistoryReader reader(path);
            QVERIFY2(reader.open(&error), qPrintable(error));
            QCOMPARE(reader.schemaVersion(), historyschema::kVersion);
        }
    }

    // Disk use counts the target's blobs and rows: at least its chunks' bytes, not much more.
    void diskUsePerTarget()
    {
        HistoryReader reader(m_demoPath);
        QString error;
        QVERIFY2(reader.open(&error), qPrintable(error));
        qint64 blobs = 0;
        for (RingKind ring : kRingKinds)
            for (const StoredChunk& c : reader.chunks(kKey, ring, 0, std::numeric_limits<qint64>::max()))
                blobs += c.bytes.size() + c.summaries.size();
        const qint64 use = reader.diskUse(kKey);
        QVERIFY2(use > blobs && use < blobs * 3, qPrintable(QStringLiteral("%1 against %2").arg(use).arg(blobs)));
        const double hours = double(m_demo->lastDataMs() - m_demo->firstDataMs()) / 3.6e6;
        qInfo("disk use: %lld bytes for %.1f h of the demo: %.1f MiB per week", use, hours,
              double(use) / hours * 168.0 / 1048576.0);
        QCOMPARE(reader.diskUse(QStringLiteral("web9/nothing")), qint64(0));
        QCOMPARE(reader.integrityCheck(), QStringLiteral("ok"));
    }

private:
    void compareWithRingOf(const HistoryReader& reader, const QString& key)
    {
        const auto got = storedRows(reader, key, RingKind::Process, 0, std::numeric_limits<qint64>::max());
        const auto expected = ringRows(m_demo->process());
        QCOMPARE(got.size(), expected.size());
        QCOMPARE(got.back().atMs, expected.back().atMs);
        QVERIFY(sameValue(got.back().values[RssColumn], expected.back().v[RssColumn]));
    }
};

QTEST_GUILESS_MAIN(TestHistoryStore)
#include "tst_historystore.moc"
