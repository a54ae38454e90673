// A replay's parsing threads turn Memory lines into the process ring's rows (IngestBatch::memoryRows) instead of
// records, in segments, and round them there. That may not change a single thing: the state must end the same as
// when one parser reads the whole log into records and the state rounds every row, the ring bit for bit.
#include "HistoryChunk.h"
#include "LogParser.h"
#include "ProcessRow.h"
#include "ReplaySource.h"
#include "TargetState.h"

#include <QDateTime>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <cstring>
#include <random>
#include <tuple>

using namespace heapwatch;

namespace {

QByteArray fixture(const char* relative)
{
    QFile f(QStringLiteral(HEAPWATCH_FIXTURES "/") + QLatin1String(relative));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", relative);
    return f.readAll();
}

// The captured logs repeated, their docker timestamps moved on an hour per copy (so that every copy's rows are
// newer than the last), to about bytes.
QByteArray repeated(const QByteArray& lines, qsizetype bytes)
{
    QByteArray out;
    for (int copy = 0; out.size() < bytes; ++copy) {
        QByteArray c = lines;
        const QDateTime hour = QDateTime(QDate(2026, 11, 28), QTime(10, 0), Qt::UTC).addSecs(3600 * qint64(copy));
        c.replace("2026-11-27T12:", hour.toString(QStringLiteral("yyyy-MM-ddTHH:")).toLatin1());
        out += c;
    }
    return out;
}

// The app's Memory lines in the spellings the parser takes, with values at the ring's rounding edges (x.xx5),
// large ones, and one older than its predecessor (dropped as out of order).
QByteArray unusualMemoryLines()
{
    return "2026-11-27T12:30:00.000000001Z [info]: Memory: RSS=336.6MB, Heap=212.7MB/218.0MB, External=17.6MB, "
           "ArrayBuffers=13.6MB\n"
           "2026-11-27T12:30:00.250000001Z [info]: Memory: RSS=0.005MB, Heap=0.015MB/0.025MB, External=1.005MB, "
           "ArrayBuffers=2.675MB\n"
           "2026-11-27T12:30:00.500000001Z [info]: Memory: RSS=1.5GB, Heap=212.7/218.0MB, External=17.6 MiB, "
           "ArrayBuffers=13600KB\n"
           "2026-11-27T12:30:00.750000001Z [info]: Memory: RSS=123456.789MB, Heap=98765.4321MB/98765.4322MB, "
           "External=0MB, ArrayBuffers=0MB\n"
           "2026-11-27T12:30:00.600000001Z [info]: Memory: RSS=336.6MB, Heap=0MB/0MB, External=17.6MB, "
           "ArrayBuffers=13.6MB\n"
           "2026-11-27T12:30:01.000000001Z [info]: Memory: RSS=4194304.005MB, Heap=212.7MB/218.0MB, "
           "External=17.6MB, ArrayBuffers=13.6MB\n"
           "2026-11-27T12:30:01.250000001Z [info]: Memory: RSS=336.6MB, Heap=212.7MB/218.0MB, External=17.6MB\n";
}

// Memory lines in runs of one shape (so that layouts are learnt and read them): figures of 0 to 3 fraction
// digits, below and above 2^15, where the hundredths the ring keeps are found from the digits and where not.
QByteArray shapedMemoryLines(int lines)
{
    std::mt19937 rng(7);
    QByteArray out;
    qint64 ms = 1795953600000; // 2026-11-29T12:00:00Z
    const auto figure = [&rng](int wholeDigits, int fractionDigits) {
        QByteArray f = QByteArray::number(1 + int(rng() % 9));
        for (int i = 1; i < wholeDigits; ++i)
            f += char('0' + rng() % 10);
        if (fractionDigits > 0) {
            f += '.';
            for (int i = 0; i < fractionDigits; ++i)
                f += char('0' + rng() % 10);
        }
        return f;
    };
    int whole[5] = {}, fraction[5] = {};
    for (int i = 0; i < lines; ++i) {
        if (i % 50 == 0) {
            for (int k = 0; k < 5; ++k) {
                whole[k] = 1 + int(rng() % 6);
                fraction[k] = int(rng() % 4);
            }
        }
        ms += 250;
        const QByteArray time = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
                                    .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"))
                                    .toLatin1();
        out += time + " [info]: Memory: RSS=" + figure(whole[0], fraction[0])
            + "MB, Heap=" + figure(whole[1], fraction[1]) + "MB/" + figure(whole[2], fraction[2]) + "MB, External="
            + figure(whole[3], fraction[3]) + "MB, ArrayBuffers=" + figure(whole[4], fraction[4]) + "MB\n";
    }
    return out;
}

QString writeFile(const QTemporaryDir& dir, const QByteArray& bytes)
{
    const QString path = dir.filePath(QStringLiteral("app.log"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

// The same log as records, read by one parser, applied in one batch.
void applyAsRecords(const QByteArray& log, TargetState& state)
{
    LogParser parser(LogParser::Timestamps::Detect, LogParser::Hashing::Gated);
    IngestBatch plain;
    plain.backfill = true;
    parser.feed(log, LogStream::Stdout, plain.logs);
    parser.finish(plain.logs);
    plain.logCounters = parser.counters();
    state.apply(plain);
}

bool sameBits(float a, float b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

} // namespace

class TestReplayApply : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsingThreadsRoundAsTheRingDoes_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("capacity");
        const QByteArray captured = fixture("synthetic/logs-mixed.txt")
            + fixture("docker-cli-28.2.2/logs-timestamps.stdout.txt") + unusualMemoryLines();
        QTest::addRow("captured logs, every row kept") << repeated(captured, 64 * 1024) << 100000;
        // Several segments, sealed chunks, and a ring that drops two thirds of the rows pushed.
        QTest::addRow("several segments, a ring of 3000 rows") << repeated(captured, 3 * 1024 * 1024) << 3000;
        QTest::addRow("a ring of one chunk") << repeated(captured, 1024 * 1024 + 77) << 1024;
        QTest::addRow("only the unusual lines") << unusualMemoryLines() << 4;
        QTest::addRow("Memory lines of many shapes") << unusualMemoryLines() + shapedMemoryLines(40000) << 100000;
        // The captured stderr (an overflow warning and an error) three times to each stdout capture: more problems
        // in a segment than the list keeps, so that the texts of the ones pushed out again are not made.
        const QByteArray stderrLines = fixture("docker-cli-28.2.2/logs-timestamps.stderr.txt");
        QTest::addRow("a warning every few lines")
            << repeated(stderrLines + stderrLines + stderrLines
                            + fixture("docker-cli-28.2.2/logs-timestamps.stdout.txt") + unusualMemoryLines(),
                        3 * 1024 * 1024)
            << 100000;
    }
    void parsingThreadsRoundAsTheRingDoes()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, capacity);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = writeFile(dir, bytes);

        Thresholds capacities = Thresholds::defaults();
        capacities.processCapacity = capacity;
        TargetState withRows(QStringLiteral("a"), capacities);
        TargetState without(QStringLiteral("b"), capacities);
        qsizetype rowsGiven = 0, memoryRecordsGiven = 0;
        QString error;
        // As check reads it: every batch applied before the state is read (IngestBatch::problemsAfter).
        QVERIFY2(ReplaySource(path).readHistory(
                     [&](const IngestBatch& batch) {
                         rowsGiven += qsizetype(batch.memoryRows.rows.size());
                         memoryRecordsGiven
                             += std::count_if(batch.logs.begin(), batch.logs.end(),
                                              [](const LogRecord& r) { return r.kind == LogKind::Memory; });
                         withRows.apply(batch);
                     },
                     &error),
                 qPrintable(error));
        QVERIFY(rowsGiven > 0); // the parsing threads did make the rows
        QCOMPARE(memoryRecordsGiven, 0);
        applyAsRecords(bytes, without);

        const ProcessRing& a = withRows.process();
        const ProcessRing& b = without.process();
        QVERIFY(a.size() > 0);
        QCOMPARE(a.size(), b.size());
        QCOMPARE(a.size(), std::min<qsizetype>(capacity, a.size()));
        for (qsizetype i = 0; i < a.size(); ++i) {
            const auto ra = a.at(i);
            const auto rb = b.at(i);
            QCOMPARE(ra.atMs, rb.atMs);
            for (int c = 0; c < ProcessRing::kColumns; ++c)
                QVERIFY2(sameBits(ra.v[size_t(c)], rb.v[size_t(c)]),
                         qPrintable(QStringLiteral("row %1 column %2: %3 vs %4")
                                        .arg(i)
                                        .arg(c)
                                        .arg(double(ra.v[size_t(c)]))
                                        .arg(double(rb.v[size_t(c)]))));
        }
        const ProcessRing::Chunk openA = a.openChunk();
        const ProcessRing::Chunk openB = b.openChunk();
        QVERIFY(openA.bytes == openB.bytes);
        QCOMPARE(withRows.samplesDroppedOutOfOrder(), without.samplesDroppedOutOfOrder());
        const ParseCounters ca = withRows.logCounters(), cb = without.logCounters();
        QCOMPARE(ca.lines, cb.lines);
        QCOMPARE(ca.recognised, cb.recognised);
        QCOMPARE(ca.malformed, cb.malformed);
        QCOMPARE(ca.bytes, cb.bytes);
        QVERIFY(ca.malformed > 0); // the line without ArrayBuffers
        QCOMPARE(withRows.firstDataMs(), without.firstDataMs());
        QCOMPARE(withRows.lastDataMs(), without.lastDataMs());
        QCOMPARE(withRows.memoryIntervalMs(), without.memoryIntervalMs());
        QCOMPARE(withRows.warningLines(), without.warningLines());
        QCOMPARE(withRows.errorLines(), without.errorLines());
        QCOMPARE(withRows.overflowEvents(), without.overflowEvents());
        QCOMPARE(withRows.totalDropped(), without.totalDropped());
        QCOMPARE(withRows.cache().size(), without.cache().size());
        // The state applies a batch's rows in one run, not each before the record that followed it: the records
        // must come out the same.
        QCOMPARE(withRows.problems().size(), without.problems().size());
        for (size_t i = 0; i < withRows.problems().size(); ++i) {
            QCOMPARE(withRows.problems()[i].atMs, without.problems()[i].atMs);
            QCOMPARE(withRows.problems()[i].text, without.problems()[i].text);
        }
        QCOMPARE(withRows.markers().size(), without.markers().size());
        for (size_t i = 0; i < withRows.markers().size(); ++i) {
            QCOMPARE(withRows.markers()[i].atMs, without.markers()[i].atMs);
            QCOMPARE(withRows.markers()[i].text, without.markers()[i].text);
        }
        QCOMPARE(withRows.restartsWhileWatched(), without.restartsWhileWatched());
        QCOMPARE(withRows.oomKills(), without.oomKills());
        QCOMPARE(withRows.duplicatesSkipped(), without.duplicatesSkipped());
        QVERIFY(withRows.lastMemory().has_value());
        QVERIFY(without.lastMemory().has_value());
        const MemorySample la = *withRows.lastMemory(), lb = *without.lastMemory();
        QCOMPARE(la.atMs, lb.atMs);
        QCOMPARE(la.rssMiB, lb.rssMiB);
        QCOMPARE(la.heapUsedMiB, lb.heapUsedMiB);
        QCOMPARE(la.heapTotalMiB, lb.heapTotalMiB);
        QCOMPARE(la.externalMiB, lb.externalMiB);
        QCOMPARE(la.arrayBuffersMiB, lb.arrayBuffersMiB);
    }

    // A target whose history the store held (restoreHistory) backfills its log again from the start: the rows the
    // store had are skipped as duplicates, Memory and cache stats rows alike, exactly as when they come as records.
    void restoredRowsAreSkippedAsRecordsAre()
    {
        const QByteArray captured = fixture("synthetic/logs-mixed.txt")
            + fixture("docker-cli-28.2.2/logs-timestamps.stdout.txt") + unusualMemoryLines();
        const QByteArray bytes = repeated(captured, 3 * 1024 * 1024);
        const QByteArray firstPart = bytes.left(bytes.indexOf('\n', bytes.size() / 2) + 1);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = writeFile(dir, bytes);

        // What the store held: the first half of the log, every chunk of the process and cache rings.
        TargetState earlier(QStringLiteral("earlier"));
        applyAsRecords(firstPart, earlier);
        RestoredHistory history;
        const auto store = [&history](RingKind kind, const auto& ring) {
            for (qsizetype i = 0; i < ring.sealedChunkCount(); ++i)
                history.chunks[size_t(kind)].push_back(storedSealedChunk(QStringLiteral("t"), kind, ring, i));
            history.chunks[size_t(kind)].push_back(storedOpenChunk(QStringLiteral("t"), kind, ring));
        };
        store(RingKind::Process, earlier.process());
        store(RingKind::Cache, earlier.cache());
        QVERIFY(earlier.process().size() > 1000);
        QVERIFY(earlier.cache().size() > 100);

        TargetState withRows(QStringLiteral("a"));
        TargetState without(QStringLiteral("b"));
        withRows.restoreHistory(history);
        without.restoreHistory(history);
        QCOMPARE(withRows.process().size(), earlier.process().size());
        QString error;
        QVERIFY2(ReplaySource(path).readHistory([&](const IngestBatch& batch) { withRows.apply(batch); }, &error),
                 qPrintable(error));
        applyAsRecords(bytes, without);

        // Every Memory and cache row of the first half was a duplicate (the unusual lines' older one is the
        // ring's, not the store's, to drop).
        QVERIFY(withRows.duplicatesSkipped() >= quint64(earlier.process().size() + earlier.cache().size()));
        QCOMPARE(withRows.duplicatesSkipped(), without.duplicatesSkipped());
        QCOMPARE(withRows.samplesDroppedOutOfOrder(), without.samplesDroppedOutOfOrder());
        const auto sameRows = [](const auto& a, const auto& b) {
            QCOMPARE(a.size(), b.size());
            for (qsizetype i = 0; i < a.size(); ++i) {
                const auto ra = a.at(i);
                const auto rb = b.at(i);
                QCOMPARE(ra.atMs, rb.atMs);
                for (size_t c = 0; c < ra.v.size(); ++c)
                    QVERIFY2(sameBits(ra.v[c], rb.v[c]), qPrintable(QStringLiteral("row %1 column %2").arg(i).arg(c)));
            }
        };
        sameRows(withRows.process(), without.process());
        if (QTest::currentTestFailed())
            return;
        sameRows(withRows.cache(), without.cache());
        if (QTest::currentTestFailed())
            return;
        QVERIFY(withRows.process().size() > earlier.process().size());
        QCOMPARE(withRows.firstDataMs(), without.firstDataMs());
        QCOMPARE(withRows.lastDataMs(), without.lastDataMs());
        QCOMPARE(withRows.memoryIntervalMs(), without.memoryIntervalMs());
    }

    // Rows made from the digits of the app's line are those rounded from its parsed values, at every size and
    // number of fraction digits the shortcut takes (below 2^15, up to two digits), and at its edges.
    // A batch's problems that the problems of the batches still to come push out of the list (problemsAfter, set
    // where every batch is applied before the state is read) get no text; the list ends the same.
    // Rows restored from the history store are something to judge (the console's header shows a restored target's
    // last verdict while it reconnects), though no line was applied yet; an empty state has nothing.
    void restoredRowsAreSomethingToJudge()
    {
        TargetState earlier(QStringLiteral("earlier"));
        applyAsRecords(fixture("docker-cli-28.2.2/logs-timestamps.stdout.txt"), earlier);
        QVERIFY(earlier.process().size() > 0);
        RestoredHistory history;
        history.chunks[size_t(RingKind::Process)].push_back(
            storedOpenChunk(QStringLiteral("t"), RingKind::Process, earlier.process()));

        TargetState restored(QStringLiteral("restored"));
        QVERIFY(!restored.hasSomethingToJudge());
        restored.restoreHistory(history);
        QCOMPARE(restored.process().size(), earlier.process().size());
        QVERIFY(!restored.lastMemory());
        QVERIFY(restored.hasSomethingToJudge());
    }

    void problemsPushedOutByLaterBatchesNeedNoText()
    {
        // Warnings as a replay's parsing threads hand them: raw messages, their texts left to the state.
        const auto warnings = [](int first, int count) {
            IngestBatch b;
            b.backfill = true;
            for (int i = first; i < first + count; ++i) {
                LogRecord r;
                r.kind = i % 3 == 0 ? LogKind::Error : LogKind::Warning;
                r.atMs = 1795782000000 + 1000LL * i;
                const QByteArray message = "2026-11-27T09:00:00.000Z [warn]: Slow query " + QByteArray::number(i);
                r.textAt = quint32(b.memoryRows.texts.size());
                r.textBytes = quint32(message.size());
                b.memoryRows.texts.append(message.constData(), size_t(message.size()));
                b.logs.push_back(r);
            }
            return b;
        };
        for (const int later : {0, 1, 499, 500, 501, 700}) {
            const IngestBatch first = warnings(0, 600), second = warnings(600, later);
            IngestBatch hintedFirst = first;
            hintedFirst.problemsAfter = quint32(later);
            TargetState hinted(QStringLiteral("a")), plain(QStringLiteral("b"));
            hinted.apply(hintedFirst);
            hinted.apply(second);
            plain.apply(first);
            plain.apply(second);
            const QByteArray what = "followed by " + QByteArray::number(later);
            QCOMPARE(hinted.problems().size(), size_t(TargetState::kMaxProblems));
            QCOMPARE(hinted.problems().size(), plain.problems().size());
            for (size_t i = 0; i < plain.problems().size(); ++i) {
                QVERIFY2(!plain.problems()[i].text.isEmpty(), what.constData());
                QVERIFY2(hinted.problems()[i].text == plain.problems()[i].text, what.constData());
                QCOMPARE(hinted.problems()[i].atMs, plain.problems()[i].atMs);
            }
            QCOMPARE(hinted.warningLines(), plain.warningLines());
            QCOMPARE(hinted.errorLines(), plain.errorLines());
        }
    }

    // The texts a replay's batches leave to the state are made when the list is read, for the problems still in
    // it: batches of every size, read between them or not, with live problems (texts made already) among them,
    // and more deferred texts than the state keeps before it drops those of problems pushed out.
    void deferredProblemTextsAreTheMessagesOfTheProblemsKept()
    {
        // The last batches' messages are longer: more bytes follow the last drop than it dropped, so a text left
        // where it was before the drop would be read from another message's bytes.
        const auto message = [](int i) {
            return QByteArray(i % 3 == 0 ? "2026-11-27T09:00:00.000Z [error]: Failed to flush audit logs "
                                         : "2026-11-27T09:00:00.000Z [warn]: Slow query ")
                + QByteArray::number(i) + QByteArray(i >= 3322 ? 300 : 0, '.');
        };
        int next = 0;
        const auto batch = [&](int count, bool live) {
            IngestBatch b;
            b.backfill = !live;
            for (int i = 0; i < count; ++i, ++next) {
                LogRecord r;
                r.kind = next % 3 == 0 ? LogKind::Error : LogKind::Warning;
                r.atMs = 1795782000000 + 1000LL * next;
                if (live) {
                    r.text = LogParser::messageText(message(next));
                } else {
                    r.textAt = quint32(b.memoryRows.texts.size());
                    r.textBytes = quint32(message(next).size());
                    b.memoryRows.texts.append(message(next).constData(), size_t(r.textBytes));
                }
                b.logs.push_back(r);
            }
            return b;
        };
        TargetState state(QStringLiteral("replay"));
        // {records, live, read the list after it}
        const std::vector<std::tuple<int, bool, bool>> batches {
            {300, false, false}, {300, false, false}, {300, false, false}, {300, false, false}, {450, false, false},
            {10, true, false},   {600, false, false}, {3, false, true},    {250, false, false}, {499, false, false},
            {2, true, false},    {1, false, false},   {7, false, false},   {300, false, false}, {300, false, false}};
        for (const auto& [count, live, read] : batches) {
            state.apply(batch(count, live));
            if (read)
                QCOMPARE(state.problems().size(), std::min<size_t>(size_t(next), TargetState::kMaxProblems));
        }
        const std::deque<Problem>& problems = state.problems();
        QCOMPARE(problems.size(), size_t(TargetState::kMaxProblems));
        const int first = next - int(TargetState::kMaxProblems);
        for (size_t i = 0; i < problems.size(); ++i) {
            const int n = first + int(i);
            const QString expected = QString::fromLatin1(message(n));
            QCOMPARE(problems[i].text, expected);
            QCOMPARE(problems[i].atMs, 1795782000000 + 1000LL * n);
            QCOMPARE(problems[i].message(), QStringView(expected).mid(25)); // past the logger's timestamp
        }
        QCOMPARE(state.errorLines() + state.warningLines(), qint64(next));
    }

    // A record's raw message is read only where all its bytes are in the batch's texts: one ending at the last
    // byte is, one a byte longer is not (its text is then the record's own), neither is one with no bytes.
    void rawMessagesAreReadOnlyWithinTheBatchTexts()
    {
        IngestBatch b;
        b.backfill = true;
        const QByteArray warn = "2026-11-27T12:20:03.000Z \x1b[33m[warn]\x1b[39m: Slow query 1";
        const QByteArray error = "2026-11-27T12:20:01.250Z [error]: Failed to flush audit logs: SQLITE_BUSY";
        b.memoryRows.texts.append(warn.constData(), size_t(warn.size()));
        b.memoryRows.texts.append(error.constData(), size_t(error.size()));
        const auto record = [](LogKind kind, qint64 atMs, size_t at, qsizetype bytes, const char* text) {
            LogRecord r;
            r.kind = kind;
            r.atMs = atMs;
            r.textAt = quint32(at);
            r.textBytes = quint32(bytes);
            r.text = QString::fromLatin1(text);
            return r;
        };
        const size_t errorAt = size_t(warn.size());
        b.logs.push_back(record(LogKind::Warning, 1000, 0, warn.size(), ""));
        b.logs.push_back(record(LogKind::Error, 2000, errorAt, error.size(), "")); // ends at the texts' end
        b.logs.push_back(record(LogKind::Error, 3000, errorAt, error.size() + 1, "kept: one byte past the end"));
        b.logs.push_back(record(LogKind::Warning, 4000, b.memoryRows.texts.size(), 0, "kept: no bytes"));

        QCOMPARE(LogParser::recordRaw(b.logs[0], b.memoryRows), QByteArrayView(warn));
        QCOMPARE(LogParser::recordRaw(b.logs[1], b.memoryRows), QByteArrayView(error));
        QVERIFY(LogParser::recordRaw(b.logs[2], b.memoryRows).isEmpty());
        QVERIFY(LogParser::recordRaw(b.logs[3], b.memoryRows).isEmpty());
        QCOMPARE(LogParser::recordText(b.logs[1], b.memoryRows), QString::fromLatin1(error));
        QCOMPARE(LogParser::recordText(b.logs[2], b.memoryRows), QStringLiteral("kept: one byte past the end"));

        TargetState state(QStringLiteral("replay"));
        state.apply(b);
        const std::deque<Problem>& problems = state.problems();
        QCOMPARE(problems.size(), size_t(4));
        QCOMPARE(problems[0].text, QStringLiteral("2026-11-27T12:20:03.000Z [warn]: Slow query 1")); // no escapes
        QCOMPARE(problems[1].text, QString::fromLatin1(error));
        QCOMPARE(problems[2].text, QStringLiteral("kept: one byte past the end"));
        QCOMPARE(problems[3].text, QStringLiteral("kept: no bytes"));
        QCOMPARE(problems[1].level, Level::Critical);
        QCOMPARE(state.errorLines(), qint64(2));
        QCOMPARE(state.warningLines(), qint64(2));
    }

    void hundredthsFromDigitsAreTheRoundedValue()
    {
        std::mt19937_64 rng(20261202);
        const auto check = [](quint64 mantissa, int fraction) {
            static constexpr double kPow[] = {1, 10, 100, 1000};
            const double parsed = double(mantissa) / kPow[fraction];
            qint64 q;
            if (!ringcodec::hundredthsOfDigits(mantissa, fraction, q))
                return parsed >= 32768 || fraction > 2; // declined: only outside its range
            return sameBits(ringcodec::fromHundredths(q), ringcodec::storedDouble(parsed));
        };
        for (int fraction = 0; fraction <= 3; ++fraction) {
            const quint64 limit = fraction == 0 ? 40000 : fraction == 1 ? 400000 : fraction == 2 ? 4000000 : 40000000;
            std::uniform_int_distribution<quint64> any(0, limit);
            for (int i = 0; i < 200000; ++i) {
                const quint64 m = any(rng);
                QVERIFY2(check(m, fraction), qPrintable(QStringLiteral("%1 / 10^%2").arg(m).arg(fraction)));
            }
        }
        for (quint64 m = 3276700; m < 3276900; ++m)
            QVERIFY2(check(m, 2), qPrintable(QString::number(m)));
        QVERIFY(check(0, 0));
        qint64 q;
        // And back: the encoding's one-instruction rounding of a stored value gives its hundredths, for every
        // value below 2^17 and either side of that bound.
        for (qint64 h = -13107300; h <= 13107300; ++h) {
            const float v = ringcodec::fromHundredths(h);
            if (ringcodec::hundredthsOfStored(v) != ringcodec::roundHalfAway(double(v) * ringcodec::kScale))
                QFAIL(qPrintable(QStringLiteral("hundredths %1").arg(h)));
        }
        QCOMPARE(ringcodec::hundredthsOfStored(ringcodec::fromHundredths(26214413)), qint64(26214413));
        QVERIFY(!ringcodec::hundredthsOfDigits(3276800, 2, q));
        QVERIFY(ringcodec::hundredthsOfDigits(3276799, 2, q));
        QCOMPARE(q, qint64(3276799));
    }

    // The row a parsing thread computes is the one push() stores, for the values at the rounding's edges too.
    void storedRowIsWhatPushStores_data()
    {
        QTest::addColumn<double>("value");
        QTest::addRow("seed RSS") << 336.6;
        QTest::addRow("half a hundredth") << 0.005;
        QTest::addRow("negative half") << -2.675;
        QTest::addRow("hundredths limit of the product") << 4194304.005;
        QTest::addRow("past float precision") << 123456.789;
        QTest::addRow("near 1e12") << 999999999999.99;
        QTest::addRow("past 1e13: kept exact") << 3e13;
        QTest::addRow("beyond float") << 1e300;
        QTest::addRow("NaN") << std::numeric_limits<double>::quiet_NaN();
        QTest::addRow("infinity") << std::numeric_limits<double>::infinity();
    }
    void storedRowIsWhatPushStores()
    {
        QFETCH(double, value);
        MemorySample m;
        m.atMs = 1000;
        m.rssMiB = value;
        m.heapUsedMiB = value;
        m.heapTotalMiB = 218.0;
        m.externalMiB = -value;
        m.arrayBuffersMiB = value / 3;
        TargetState state(QStringLiteral("t"));
        IngestBatch batch;
        LogRecord r;
        r.kind = LogKind::Memory;
        r.atMs = 1000;
        r.memory = m;
        batch.logs.push_back(r);
        state.apply(batch);
        const std::array<float, 6> row = storedProcessRow(m);
        const auto pushed = state.process().last();
        for (size_t c = 0; c < row.size(); ++c)
            QVERIFY2(sameBits(row[c], pushed.v[c]), qPrintable(QStringLiteral("column %1").arg(c)));
    }
};

QTEST_GUILESS_MAIN(TestReplayApply)
#include "tst_replayapply.moc"
