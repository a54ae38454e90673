// EngineLogFile and LogFileFollow on the engines' own log files: k8s-file lines as podman 4.3's conmon wrote
// them for a container printing a line, an unfinished line and a stderr line each second (captured on this
// machine), json-file lines as dockerd writes them, pieces of long lines, the reader's own lines and hostile
// input; then what LogFileFollow makes of them for the log parser (the `logs --timestamps` form).
#include "../fuzz/FuzzTargets.h"
#include "EngineLogFile.h"
#include "LogFileFollow.h"
#include "LogParser.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>
#include <QTimeZone>
#include <limits>

using namespace heapwatch;

namespace {

// podman 4.3.1, k8s-file (`--log-driver k8s-file` is podman's default; its Docker API calls it json-file).
const QByteArray kK8sFile = "2026-12-01T17:21:35.398927853+00:00 stdout F line 0\n"
                            "2026-12-01T17:21:35.398927853+00:00 stdout P partial-no-newline\n"
                            "2026-12-01T17:21:36.395904151+00:00 stdout F  done\n"
                            "2026-12-01T17:21:36.395904151+00:00 stdout F line 1\n"
                            "2026-12-01T17:21:36.395904151+00:00 stdout P partial-no-newline\n"
                            "2026-12-01T17:21:36.395941631+00:00 stderr F err 0\n"
                            "2026-12-01T17:21:37.397633494+00:00 stdout F  done\n";

const QByteArray kJsonFile
    = "{\"log\":\"2026-01-14T10:00:00.000Z [info]: Memory: RSS=421.3MB, Heap=380.2MB/410.0MB\\n\","
      "\"stream\":\"stdout\",\"time\":\"2026-01-14T10:00:00.123456789Z\"}\n"
      "{\"log\":\"\\u001b[33m[warn]\\u001b[39m: Cache stats \\\"x\\\"\\n\",\"stream\":\"stderr\","
      "\"time\":\"2026-01-14T10:00:01.5Z\"}\n"
      "{\"log\":\"first half \",\"stream\":\"stdout\",\"time\":\"2026-01-14T10:00:02Z\"}\n"
      "{\"log\":\"second half\\n\",\"stream\":\"stdout\",\"time\":\"2026-01-14T10:00:02.000001Z\"}\n";

QString render(const std::vector<EngineLogFile::Line>& lines)
{
    QStringList out;
    for (const auto& l : lines)
        out << QStringLiteral("%1|%2|%3")
                   .arg(l.stream == LogStream::Stderr ? QLatin1String("e") : QLatin1String("o"))
                   .arg(l.timeNs)
                   .arg(QString::fromUtf8(l.message));
    return out.join(QLatin1Char('\n'));
}

qint64 ns(const char* text)
{
    return parseRfc3339Ns(text);
}

// dockerd's json-file lines of every spelling a reader meets: rows of a name and a line (without its newline). Every
// escape Go's encoder writes, other key orders, spaces, attrs, non-ASCII text, surrogate pairs, bad escapes, control
// characters, cut lines, and random strings.
QList<std::pair<QByteArray, QByteArray>> jsonFileRows()
{
    QList<std::pair<QByteArray, QByteArray>> rows;
    const auto add = [&rows](const QByteArray& name, const QByteArray& line) { rows.append({name, line}); };
    const QByteArray time = ",\"time\":\"2026-11-27T12:20:33.882071633Z\"}";
    const auto docker = [&time](const QByteArray& log, const char* stream = "stdout") {
        return "{\"log\":\"" + log + "\",\"stream\":\"" + stream + '"' + time;
    };
    add("plain", docker("2026-11-27T12:20:33.882Z [info]: Memory: RSS=336.6MB\\n"));
    add("stderr", docker("[warn]: Audit log buffer overflow\\n", "stderr"));
    add("every short escape", docker("q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t end\\n"));
    add("control characters", docker("\\u0000\\u0001\\u001b[33m[warn]\\u001b[39m\\u007f\\n"));
    add("HTML escapes", docker("\\u003cb\\u003e \\u0026amp; \\u003C\\n"));
    add("two and three byte escapes", docker("caf\\u00e9 \\u07ff \\u0800 \\u2028\\u2029 \\uffff\\n"));
    add("a surrogate pair", docker("smile \\ud83d\\ude00\\n"));
    add("a lone surrogate", docker("lone \\ud83d x\\n"));
    add("raw UTF-8", docker("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\\n"));
    add("invalid UTF-8", docker("bad \xff\xfe here\\n"));
    // Well-formed UTF-8 at the bounds of each length, and every way a sequence is not (Unicode's table 3-7).
    add("UTF-8 bounds",
        docker("\xc2\x80 \xdf\xbf \xe0\xa0\x80 \xef\xbf\xbf \xf0\x90\x80\x80 "
               "\xf4\x8f\xbf\xbf \xed\x9f\xbf \xee\x80\x80\\n"));
    add("UTF-8 noncharacters and BOM", docker("\xef\xbf\xbe \xef\xb7\x90 \xef\xbb\xbf x\\n"));
    add("UTF-8 overlong 2", docker("\xc0\xaf \xc1\xbf\\n"));
    add("UTF-8 overlong 3", docker("\xe0\x80\xaf\\n"));
    add("UTF-8 overlong 4", docker("\xf0\x8f\xbf\xbf\\n"));
    add("UTF-8 surrogate", docker("\xed\xa0\x80 \xed\xbf\xbf\\n"));
    add("UTF-8 above U+10FFFF", docker("\xf4\x90\x80\x80 \xf5\x80\x80\x80\\n"));
    add("UTF-8 lone continuation", docker("x\x80y\\n"));
    add("UTF-8 cut by the quote", docker("x\xe2\x82"));
    add("UTF-8 cut by an escape", docker("x\xc3\\n"));
    add("UTF-8 at the line's end", QByteArray("{\"log\":\"x\xc3"));
    add("UTF-8 then escapes", docker("\xe2\x86\x92 \\u00e9\\t\xc3\xa9\\\"\xf0\x9f\x98\x80\\n"));
    add("a piece (no newline)", docker("first half "));
    add("empty log", docker(""));
    add("unknown escape", docker("bad \\x41\\n"));
    add("short \\u escape", docker("bad \\u12"));
    add("bad hex in \\u", docker("bad \\u12g4\\n"));
    add("a raw tab", docker("raw\ttab\\n"));
    add("escape at the end", QByteArray("{\"log\":\"x\\"));
    add("no closing quote", QByteArray("{\"log\":\"x"));
    add("cut after the log", QByteArray("{\"log\":\"x\\n\",\"stream\":\"std"));
    add("no time", QByteArray("{\"log\":\"x\\n\",\"stream\":\"stdout\"}"));
    add("another stream", docker("x\\n", "stdin"));
    add("attrs (labels, env)",
        QByteArray(
            "{\"log\":\"x\\n\",\"stream\":\"stdout\",\"attrs\":{\"tag\":\"web\"},\"time\":\"2026-11-27T12:20:33Z\"}"));
    add("keys in another order",
        QByteArray("{\"stream\":\"stderr\",\"time\":\"2026-11-27T12:20:33Z\",\"log\":\"x \\\"y\\\"\\n\"}"));
    add("spaces", QByteArray("{ \"log\" : \"x\\n\" , \"stream\" : \"stdout\" , \"time\" : \"2026-11-27T12:20:33Z\" }"));
    add("an escape in the time",
        QByteArray("{\"log\":\"x\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-27T12:20:33\\u002e5Z\"}"));
    add("a bad time", QByteArray("{\"log\":\"x\\n\",\"stream\":\"stdout\",\"time\":\"yesterday\"}"));
    add("trailing bytes", docker("x\\n") + "junk");
    add("a number for the log", QByteArray("{\"log\":12,\"stream\":\"stdout\",\"time\":\"2026-11-27T12:20:33Z\"}"));
    // Random strings of an alphabet's bytes, in dockerd's frame: rows named "name N".
    QRandomGenerator random(20261207);
    const auto randomRows = [&](const char* name, const QByteArray& alphabet, int count, int longest) {
        for (int i = 0; i < count; ++i) {
            QByteArray log;
            const int length = int(random.bounded(longest + 1));
            for (int k = 0; k < length; ++k)
                log += alphabet[int(random.bounded(int(alphabet.size())))];
            add(QByteArray(name) + ' ' + QByteArray::number(i), docker(log));
        }
    };
    // The escapes' alphabet.
    randomRows("random", "ab\\\"/u0123456789abcdefABCDEF nrtbf\x01\x7f\xc3\xa9", 300, 23);
    // Bytes beyond ASCII (leads, continuations at the bounds of table 3-7) and a few escapes.
    randomRows("random UTF-8", "a\\\"un\x80\x8f\x90\x9f\xa0\xbf\xc0\xc2\xdf\xe0\xe1\xed\xef\xf0\xf4\xf5\xff", 500, 11);
    return rows;
}

} // namespace

class TestEngineLogFile : public QObject
{
    Q_OBJECT

private slots:
    void lines_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<int>("chunk");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<int>("malformed");
        const QString k8s
            = QStringLiteral(
                  "o|%1|line 0\no|%1|partial-no-newline done\no|%2|line 1\ne|%3|err 0\no|%2|partial-no-newline done")
                  .arg(ns("2026-12-01T17:21:35.398927853Z"))
                  .arg(ns("2026-12-01T17:21:36.395904151Z"))
                  .arg(ns("2026-12-01T17:21:36.395941631Z"));
        for (int chunk : {0, 1, 7, 64})
            QTest::addRow("k8s-file, pieces joined per stream, chunks of %d", chunk) << kK8sFile << chunk << k8s << 0;
        const QString json
            = QStringLiteral("o|%1|2026-01-14T10:00:00.000Z [info]: Memory: RSS=421.3MB, Heap=380.2MB/410.0MB\n"
                             "e|%2|\x1b[33m[warn]\x1b[39m: Cache stats \"x\"\no|%3|first half second half")
                  .arg(ns("2026-01-14T10:00:00.123456789Z"))
                  .arg(ns("2026-01-14T10:00:01.5Z"))
                  .arg(ns("2026-01-14T10:00:02Z"));
        for (int chunk : {0, 3, 50})
            QTest::addRow("json-file, escapes and pieces, chunks of %d", chunk) << kJsonFile << chunk << json << 0;
        QTest::addRow("an offset other than UTC")
            << QByteArray("2026-12-01T18:21:35.5+01:00 stderr F [error] x\r\n") << 0
            << QStringLiteral("e|%1|[error] x").arg(ns("2026-12-01T17:21:35.5Z")) << 0;
        QTest::addRow("an empty line of k8s-file (no message after F)")
            << QByteArray("2026-12-01T17:21:35Z stdout F\n") << 0
            << QStringLiteral("o|%1|").arg(ns("2026-12-01T17:21:35Z")) << 0;
        QTest::addRow("hostile lines are counted and skipped") << QByteArray(
            "garbage\n{\"log\":1}\n{\"log\":\"x\\n\",\"stream\":\"stdin\",\"time\":\"2026-01-14T10:00:00Z\"}\n"
            "2026-13-01T00:00:00Z stdout F bad month\n2026-12-01T17:21:35Z stdout X flag\n"
            "2026-12-01T17:21:35Z stdin F x\n{\"log\":\"x\\n\",\"stream\":\"stdout\"}\n\n"
            "2026-12-01T17:21:35Z stdout F ok\n") << 0 << QStringLiteral("o|%1|ok").arg(ns("2026-12-01T17:21:35Z"))
                                                               << 8;
    }
    void lines()
    {
        QFETCH(QByteArray, input);
        QFETCH(int, chunk);
        QFETCH(QString, expected);
        QFETCH(int, malformed);
        EngineLogFile file;
        std::vector<EngineLogFile::Line> out;
        std::vector<QByteArray> control;
        if (chunk <= 0) {
            file.feed(input, out, control);
        } else {
            for (qsizetype at = 0; at < input.size(); at += chunk)
                file.feed(QByteArrayView(input).sliced(at, qMin<qsizetype>(chunk, input.size() - at)), out, control);
        }
        QCOMPARE(render(out), expected);
        QCOMPARE(int(file.malformed()), malformed);
        QVERIFY(control.empty());
    }

    // The time as `docker logs --timestamps` prints it, for any qint64 of nanoseconds (QDateTime's as reference).
    void rfc3339Nano_data()
    {
        QTest::addColumn<qint64>("ns");
        QTest::addRow("the fixture's") << qint64(1795782033882071633LL);
        QTest::addRow("a whole second") << qint64(1795782033000000000LL);
        QTest::addRow("the epoch") << qint64(0);
        QTest::addRow("a nanosecond before the epoch") << qint64(-1);
        QTest::addRow("1969-12-31T00:00:00.5") << qint64(-86400000000000LL + 500000000);
        QTest::addRow("2000-02-29 (a leap day of a 400th year)") << qint64(951782400123456789LL);
        QTest::addRow("2024-02-29T23:59:59.999999999") << qint64(1709251199999999999LL);
        QTest::addRow("2100-03-01 (2100 is no leap year)") << qint64(4107542400000000000LL);
        QTest::addRow("the earliest") << std::numeric_limits<qint64>::min();
        QTest::addRow("the latest") << std::numeric_limits<qint64>::max();
        // A day in every month over a few years, at odd times.
        for (qint64 s = 1700000000; s < 1830000000; s += 2700001 * 11)
            QTest::addRow("%lld s", s) << qint64(s * 1000000000LL + s % 1000000000);
    }
    void rfc3339Nano()
    {
        QFETCH(qint64, ns);
        const auto expectedOf = [](qint64 t) {
            const qint64 secs = t / 1000000000 - (t % 1000000000 < 0 ? 1 : 0);
            const qint64 fraction = t % 1000000000 + (t % 1000000000 < 0 ? 1000000000 : 0);
            return QDateTime::fromSecsSinceEpoch(secs, QTimeZone::utc())
                       .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"))
                       .toLatin1()
                + '.' + QByteArray::number(fraction).rightJustified(9, '0') + 'Z';
        };
        const QByteArray expected = expectedOf(ns);
        QCOMPARE(EngineLogFile::rfc3339Nano(ns), expected);
        // The times around it, in the same day as the one before or not (the date of the day before is kept).
        for (const qint64 delta : {qint64(1), qint64(-1), qint64(999999999), qint64(86399) * 1000000000,
                                   qint64(86400) * 1000000000, qint64(-86400) * 1000000000, qint64(0)}) {
            if ((delta > 0 && ns > std::numeric_limits<qint64>::max() - delta)
                || (delta < 0 && ns < std::numeric_limits<qint64>::min() - delta))
                continue;
            QCOMPARE(EngineLogFile::rfc3339Nano(ns + delta), expectedOf(ns + delta));
        }
        if (ns >= 0 && ns < std::numeric_limits<qint64>::max()) // what the parser takes (not its very end)
            QCOMPARE(parseRfc3339Ns(EngineLogFile::rfc3339Nano(ns)), ns);
        QByteArray line = "x";
        EngineLogFile::appendTimestamped(ns, {}, "[info]: Memory: RSS=1MB", line);
        QCOMPARE(line, "x" + expected + " [info]: Memory: RSS=1MB\n");
    }

    // dockerd's json-file lines are read without a JSON parser (a million of them took two seconds through one): the
    // piece must be the one QJsonDocument gives for every escape Go's encoder writes, and any other spelling (other
    // key orders, spaces, attrs, non-ASCII text, surrogate pairs, bad escapes, control characters, cut lines) must
    // come out as a JSON parser reads it, or be refused as it refuses it.
    void jsonFileAsAJsonParserReadsIt_data()
    {
        QTest::addColumn<QByteArray>("line");
        for (const auto& [name, line] : jsonFileRows())
            QTest::newRow(name.constData()) << line;
    }
    void jsonFileAsAJsonParserReadsIt()
    {
        QFETCH(QByteArray, line);
        // What a JSON parser makes of it.
        bool parses = false;
        QByteArray text;
        QByteArray stream;
        qint64 timeNs = -1;
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        if (error.error == QJsonParseError::NoError && doc.isObject()) {
            const QJsonObject o = doc.object();
            stream = o.value(QLatin1String("stream")).toString().toLatin1();
            timeNs = parseRfc3339Ns(o.value(QLatin1String("time")).toString().toLatin1());
            text = o.value(QLatin1String("log")).toString().toUtf8();
            parses
                = o.value(QLatin1String("log")).isString() && (stream == "stdout" || stream == "stderr") && timeNs >= 0;
        }
        EngineLogFile::Piece piece;
        piece.text = "left from a line before";
        QCOMPARE(EngineLogFile::parsePiece(line, piece), parses);
        if (!parses)
            return;
        QCOMPARE(piece.stream == LogStream::Stderr ? QByteArray("stderr") : QByteArray("stdout"), stream);
        QCOMPARE(piece.timeNs, timeNs);
        QCOMPARE(piece.last, text.endsWith('\n'));
        QCOMPARE(piece.text, piece.last ? text.chopped(1) : text);
    }

    // A replay's reader writes a whole line of either format into the replay's text itself (Sink::timestampedText),
    // a json-file line read once from its start to its end, a k8s-file line copied: the text of each stream's
    // lines, the reader's own lines and the count of bad lines must be those the line-by-line way gives
    // (parsePiece, then Sink::line and appendTimestamped, as the live follower has them), for every json-file row
    // above and k8s-file lines of every kind, the two streams in turn, pieces, CRs, times of every spelling and
    // length, fed in pieces of any size (a line cut anywhere, its end in the next feed).
    void wholeLinesAsTheLineByLineWay_data()
    {
        QTest::addColumn<quint32>("seed");
        for (quint32 seed = 1; seed <= 12; ++seed)
            QTest::addRow("seed %u", seed) << seed;
    }
    void wholeLinesAsTheLineByLineWay()
    {
        QFETCH(quint32, seed);
        QRandomGenerator random(seed);
        QList<QByteArray> lines;
        for (const auto& row : jsonFileRows())
            lines.append(row.second);
        const QList<QByteArray> times = {"2026-11-27T12:20:33.882071633Z",
                                         "2026-11-27T12:20:33.882071633+00:00",
                                         "2026-11-27T12:20:33.882071633+00:00",
                                         "2026-11-27T12:20:60.882071633+00:00",
                                         "2026-11-27t12:20:33.882071633+00:00",
                                         "2026-11-27T12:20:33.88207163+00:00",
                                         "2026-11-27T12:20:33.882071633-00:00",
                                         "2026-11-27T12:20:33,882071633+00:00",
                                         "2026-11-27T12:20:33.5Z",
                                         "2026-11-27T12:20:33Z",
                                         "2026-11-27T12:20:60.1Z",
                                         "2026-11-27T12:20:33.882071633+01:00",
                                         "2026-11-27T12:20:33.8820716331Z",
                                         "2026-11-27T12:20:33.000000000Z",
                                         "2026-11-27T12:20:33.882071633" + QByteArray(60, '0') + 'Z',
                                         "2026-11-27T12:20:33\"Z",
                                         "yesterday",
                                         ""};
        const QList<QByteArray> streams = {"stdout", "stdout", "stderr", "stdin", "stdou"};
        const QList<QByteArray> messages
            = {"2026-11-27T12:20:33.882Z [info]: Memory: RSS=336.6MB", "", " ", "x \" \\ caf\xc3\xa9", "\"}", "x\r"};
        const auto any
            = [&random](const QList<QByteArray>& list) { return list[int(random.bounded(int(list.size())))]; };
        for (int i = 0; i < 600; ++i) {
            const QByteArray time = any(times);
            const QByteArray stream = any(streams);
            switch (random.bounded(4)) {
            case 0: // k8s-file, a whole line or a piece, or odd flags
                lines.append(time + ' ' + stream + ' ' + QByteArray("FFFPX").at(int(random.bounded(5)))
                             + (random.bounded(3) == 0 ? QByteArray() : ' ' + any(messages))
                             + (random.bounded(5) == 0 ? "\r" : ""));
                break;
            case 1: { // json-file of other times and streams, whole lines and pieces
                const QByteArray log = any(messages) + (random.bounded(4) == 0 ? "" : "\\n");
                lines.append("{\"log\":\"" + log + "\",\"stream\":\"" + stream + "\",\"time\":\"" + time + "\"}");
                break;
            }
            case 2: // a json-file row on stderr
                lines.append(QByteArray(any(lines)).replace("\"stream\":\"stdout\"", "\"stream\":\"stderr\""));
                break;
            default: { // the reader's own lines, bad lines, a CR, a line without its last byte (some are empty)
                const QByteArray line = any(lines);
                lines.append(any({"hwlog file tail", "", "garbage", "{\"log\":", "2026", "{", line + '\r', line + "\"}",
                                  line.left(line.size() - 1)}));
                break;
            }
            }
        }
        // Shuffled, and runs of one stream's lines as a log has them.
        for (qsizetype i = lines.size() - 1; i > 0; --i)
            lines.swapItemsAt(i, qsizetype(random.bounded(quint64(i + 1))));
        QByteArray file;
        for (const QByteArray& line : lines) {
            const int copies = random.bounded(3) == 0 ? 1 + int(random.bounded(20)) : 1;
            for (int k = 0; k < copies; ++k)
                file += line + '\n';
        }
        file += lines.first(); // a last line without its newline

        // The line-by-line way.
        EngineLogFile byLine;
        std::vector<EngineLogFile::Line> expectedLines;
        std::vector<QByteArray> expectedControls;
        byLine.feed(file, expectedLines, expectedControls);
        byLine.finish(expectedLines, expectedControls);
        fuzz::EngineText expected;
        for (const EngineLogFile::Line& l : expectedLines)
            expected.line(l.stream, l.timeNs, {}, l.message);

        // The replay's way, in pieces of any size.
        EngineLogFile whole;
        fuzz::EngineText sink;
        for (qsizetype at = 0; at < file.size();) {
            const qsizetype n
                = std::min(file.size() - at, qsizetype(1 + random.bounded(random.bounded(2) ? 64 : 4096)));
            whole.feed(QByteArrayView(file).sliced(at, n), sink);
            at += n;
        }
        whole.finish(sink);
        const QStringList want = expected.runs();
        QCOMPARE(fuzz::engineTextDifference(sink.runs(), want), QString());
        QCOMPARE(sink.controls, expectedControls);
        QCOMPARE(whole.malformed(), byLine.malformed());
        QVERIFY(want.size() > 20); // the streams took turns
    }

    // Line after line through one reader (which keeps the minute of the time before): each time read as
    // parseRfc3339Ns reads it alone, and handed on as its text only where that is rfc3339Nano()'s spelling of it.
    // Random times of a few minutes (valid, invalid, a leap day, a 31st of February), seconds (a leap second, 61),
    // fractions of every length, zones and separators, in runs of one minute as a log has them.
    void lineTimesAsTheLongWayReadsThem()
    {
        const QList<QByteArray> minutes
            = {"2026-11-27T12:20", "2026-11-27T12:21", "2024-02-29T23:59", "2026-12-31T23:59", "1970-01-01T00:00",
               "2026-02-31T10:00", "2026-11-27t12:20", "2026-11-27 12:20", "2026-13-01T00:00"};
        const QList<QByteArray> seconds = {"00", "07", "59", "60", "61", "6a", "99"};
        const QList<QByteArray> fractions
            = {"",           ".1",         ".123",        ".12345678", ".882071633", ".882071633",
               ".882071633", ".000000000", ".8820716331", ".",         ",5"};
        const QList<QByteArray> zones
            = {"Z", "Z", "Z", "Z", "Z", "z", "+00:00", "+01:30", "-05:00", "+0100", "", "+24:00"};
        QRandomGenerator random(20261208);
        const auto any
            = [&random](const QList<QByteArray>& list) { return list[int(random.bounded(int(list.size())))]; };
        EngineLogFile::Piece k8s;
        EngineLogFile::Piece json;
        int passedOn = 0;
        int read = 0;
        QByteArray minute = minutes[0];
        for (int i = 0; i < 4000; ++i) {
            if (random.bounded(20) == 0)
                minute = any(minutes);
            const QByteArray time = minute + ':' + any(seconds) + any(fractions) + any(zones);
            const qint64 expected = parseRfc3339Ns(time);
            for (EngineLogFile::Piece* piece : {&k8s, &json}) {
                if (piece == &k8s && time.contains(' '))
                    continue; // a k8s-file line's time ends at its first space
                const QByteArray line = piece == &k8s
                    ? time + " stdout F x"
                    : "{\"log\":\"x\\n\",\"stream\":\"stdout\",\"time\":\"" + time + "\"}";
                QVERIFY2(EngineLogFile::parsePiece(line, *piece) == (expected >= 0), line.constData());
                if (expected < 0)
                    continue;
                ++read;
                QCOMPARE(piece->timeNs, expected);
                if (!piece->timeText.isEmpty()) {
                    ++passedOn;
                    QCOMPARE(piece->timeText.toByteArray(), EngineLogFile::rfc3339Nano(expected));
                } else {
                    QVERIFY(time != EngineLogFile::rfc3339Nano(expected));
                }
            }
        }
        // Both kinds came often enough to matter.
        QVERIFY2(passedOn > 200 && read - passedOn > 200,
                 qPrintable(QStringLiteral("%1 of %2").arg(passedOn).arg(read)));
    }

    // The end of a saved file: its last line without a newline (here the end of the stderr line), and the lines
    // whose last piece never came (the stdout line).
    void finishTakesWhatIsLeft()
    {
        EngineLogFile file;
        std::vector<EngineLogFile::Line> out;
        std::vector<QByteArray> control;
        file.feed("2026-12-01T17:21:35Z stderr P err begun\n2026-12-01T17:21:34Z stdout P out begun\n"
                  "2026-12-01T17:21:36Z stdout P  more\n2026-12-01T17:21:37Z stderr F  no newline",
                  out, control);
        QVERIFY(out.empty());
        file.finish(out, control);
        QCOMPARE(render(out),
                 QStringLiteral("e|%1|err begun no newline\no|%2|out begun more")
                     .arg(ns("2026-12-01T17:21:35Z"))
                     .arg(ns("2026-12-01T17:21:34Z")));
        // Nothing is left for a next finish().
        out.clear();
        file.finish(out, control);
        QVERIFY(out.empty());
        QVERIFY(control.empty());
        QCOMPARE(int(file.malformed()), 0);
        QVERIFY(EngineLogFile::isEngineLogLine("2026-12-01T17:21:35Z stderr P err begun"));
        QVERIFY(EngineLogFile::isEngineLogLine(R"({"log":"x\n","stream":"stdout","time":"2026-12-01T17:21:35Z"})"));
        QVERIFY(!EngineLogFile::isEngineLogLine("2026-11-27T12:25:36Z 2026-11-27T12:25:36.935Z [info]: Starting"));
        QVERIFY(!EngineLogFile::isEngineLogLine(R"({"level":30,"time":1,"msg":"Memory: RSS=1MB"})"));
        QVERIFY(!EngineLogFile::isEngineLogLine("hwlog first 2026-12-01T17:21:35Z stdout F x"));
    }

    void controlLinesAndReset()
    {
        EngineLogFile file;
        std::vector<EngineLogFile::Line> out;
        std::vector<QByteArray> control;
        file.feed("hwlog file tail\nhwlog first 2026-12-01T17:21:35.398927853+00:00\n"
                  "2026-12-01T17:21:35Z stdout P half a li",
                  out, control);
        QCOMPARE(control, (std::vector<QByteArray> {"file tail", "first 2026-12-01T17:21:35.398927853+00:00"}));
        QVERIFY(out.empty());
        // A new run forgets the unfinished line and the piece: nothing of them is joined to the next run's lines.
        file.reset();
        file.feed("ne\n2026-12-01T17:21:36Z stdout F whole\n", out, control);
        QCOMPARE(render(out), QStringLiteral("o|%1|whole").arg(ns("2026-12-01T17:21:36Z")));
        QCOMPARE(int(file.malformed()), 1); // "ne"
    }

    void tooLongToJoin()
    {
        EngineLogFile file;
        std::vector<EngineLogFile::Line> out;
        std::vector<QByteArray> control;
        const QByteArray piece = "2026-12-01T17:21:35Z stdout P " + QByteArray(600 * 1024, 'a') + '\n';
        file.feed(piece + piece + "2026-12-01T17:21:35Z stdout F end\n", out, control);
        QCOMPARE(out.size(), size_t(2));
        QCOMPARE(out[0].message.size(), qsizetype(600 * 1024));
        QCOMPARE(out[1].message.size(), qsizetype(600 * 1024 + 3));
    }

    // LogFileFollow: what reaches the log parser, the resume point, the engine's precision and the fallbacks.
    void follow_data()
    {
        QTest::addColumn<QByteArray>("engineLine"); // a `logs --timestamps` line seen before (precision)
        QTest::addColumn<qint64>("sinceNs");
        QTest::addColumn<QByteArray>("output");
        QTest::addColumn<int>("outcome");
        QTest::addColumn<QByteArray>("stdoutText");
        QTest::addColumn<QByteArray>("stderrText");
        const qint64 since = ns("2026-12-01T17:21:36Z");
        QTest::addRow("podman's Docker API gives seconds: the file's times are rounded down alike")
            << QByteArray("2026-12-01T17:21:30Z") << since
            << QByteArray("hwlog file tail\nhwlog first 2026-12-01T17:21:35.3+00:00\n") + kK8sFile
            << int(LogFileFollow::Outcome::Reading)
            << QByteArray(
                   "2026-12-01T17:21:36.000000000Z line 1\n2026-12-01T17:21:36.000000000Z partial-no-newline done\n")
            << QByteArray("2026-12-01T17:21:36.000000000Z err 0\n");
        QTest::addRow("dockerd gives nanoseconds: kept, and lines before --since left out")
            << QByteArray("2026-12-01T17:21:30.123Z") << ns("2026-12-01T17:21:36.395904151Z") << kK8sFile
            << int(LogFileFollow::Outcome::Reading)
            << QByteArray(
                   "2026-12-01T17:21:36.395904151Z line 1\n2026-12-01T17:21:36.395904151Z partial-no-newline done\n")
            << QByteArray("2026-12-01T17:21:36.395941631Z err 0\n");
        QTest::addRow("the lines read back start after the resume point: the engine reads this run")
            << QByteArray("2026-12-01T17:21:30Z") << ns("2026-12-01T17:21:30Z")
            << QByteArray("hwlog file tail\nhwlog first 2026-12-01T17:21:35.3+00:00\n") + kK8sFile
            << int(LogFileFollow::Outcome::TooShort) << QByteArray() << QByteArray();
        QTest::addRow("the whole file was read: its first line after the resume point is a gap, not a fallback")
            << QByteArray("2026-12-01T17:21:30Z") << ns("2026-12-01T17:21:40Z")
            << QByteArray("hwlog file whole\nhwlog first 2026-12-01T17:21:35.3+00:00\n") + kK8sFile
            << int(LogFileFollow::Outcome::Reading) << QByteArray() << QByteArray();
        QTest::addRow("not readable") << QByteArray() << qint64(-1) << QByteArray("hwlog none not-readable\n")
                                      << int(LogFileFollow::Outcome::Unavailable) << QByteArray() << QByteArray();
    }
    void follow()
    {
        QFETCH(QByteArray, engineLine);
        QFETCH(qint64, sinceNs);
        QFETCH(QByteArray, output);
        QFETCH(int, outcome);
        QFETCH(QByteArray, stdoutText);
        QFETCH(QByteArray, stderrText);
        LogFileFollow follow;
        if (!engineLine.isEmpty())
            follow.noteEngineTime(parseRfc3339Ns(engineLine));
        ContainerInfo info;
        info.id = QStringLiteral("34b5b6eeabd24c22ab6dd8215040bce1b7976400a2e1654855437564a3d10072");
        info.logPath
            = QStringLiteral("/var/lib/containers/storage/overlay-containers/%1/userdata/ctr.log").arg(info.id);
        QString whyNot;
        QVERIFY(follow.mayUse(info, &whyNot));
        const RemoteCommand command = follow.begin(info, sinceNs, true);
        QVERIFY(command.scriptArgs.contains(info.logPath));
        QByteArray text[2];
        QCOMPARE(int(follow.feed(output, text)), outcome);
        QCOMPARE(text[0], stdoutText);
        QCOMPARE(text[1], stderrText);
        QCOMPARE(follow.source(true), QStringLiteral("log file"));
        follow.setRunning(false);
        // After a fallback the next run is the engine's: for this container (not readable) or for one run.
        const bool again = follow.mayUse(info, &whyNot);
        QCOMPARE(again, outcome == int(LogFileFollow::Outcome::Reading));
        if (!again) {
            QVERIFY(follow.source(true).startsWith(QLatin1String("docker logs -f (")));
            const bool third = follow.mayUse(info, &whyNot);
            QCOMPARE(third, outcome == int(LogFileFollow::Outcome::TooShort));
            ContainerInfo recreated = info;
            recreated.id[0] = QLatin1Char('4');
            recreated.logPath.replace(info.id, recreated.id);
            QVERIFY(follow.mayUse(recreated, &whyNot)); // a new container: its file is tried again
        }
    }

    void relativeSinceNeedsNoReach()
    {
        // The first follower of a target whose history read found no line: the lines of the last hour among
        // those read back, and no fallback when they start later.
        LogFileFollow follow;
        ContainerInfo info;
        info.id = QStringLiteral("34b5b6eeabd24c22ab6dd8215040bce1b7976400a2e1654855437564a3d10072");
        info.logPath = QStringLiteral("/var/lib/docker/containers/%1/%1-json.log").arg(info.id);
        follow.begin(info, parseRfc3339Ns("2026-12-01T17:21:36Z"), false);
        QByteArray text[2];
        QCOMPARE(
            int(follow.feed(QByteArray("hwlog file tail\nhwlog first 2026-12-01T17:21:35.3+00:00\n") + kK8sFile, text)),
            int(LogFileFollow::Outcome::Reading));
        QCOMPARE(text[1], QByteArray("2026-12-01T17:21:36.395941631Z err 0\n"));
        follow.begin(info, parseRfc3339Ns("2026-12-01T17:21:36Z"), true);
        QCOMPARE(int(follow.feed(QByteArray("hwlog file tail\nhwlog first 2026-12-01T17:21:37.3+00:00\n"), text)),
                 int(LogFileFollow::Outcome::TooShort));
    }

    void noLogFile()
    {
        LogFileFollow follow;
        ContainerInfo info;
        info.id = QStringLiteral("34b5b6eeabd2");
        QString whyNot;
        QVERIFY(!follow.mayUse(info, &whyNot)); // journald and other drivers without a file
        QCOMPARE(whyNot, QStringLiteral("the engine names no log file"));
    }
};

QTEST_GUILESS_MAIN(TestEngineLogFile)
#include "tst_enginelogfile.moc"
