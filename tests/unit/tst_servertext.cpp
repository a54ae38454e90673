// Server text (libssh's disconnect message, the engine's stderr, keyboard-interactive prompts, container
// names and states) reaches the terminal, the first line of `heapwatch check`, logs and dialogs: it must
// arrive there as plain text on one line, and never add perfdata to the plugin line.

#include "CheckCommand.h"
#include "PlainText.h"
#include "Source.h"
#include "StateReport.h"
#include "Target.h"
#include "Thresholds.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <algorithm>

using namespace heapwatch;

namespace {

// What must never be left in text shown to a person: C0 (tab aside), DEL, C1, bidi controls.
QString unsafeIn(const QString& text, bool allowNewline = false)
{
    QString found;
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        const bool control = (u < 0x20 && u != u'\t' && !(allowNewline && u == u'\n')) || (u >= 0x7f && u <= 0x9f);
        const bool bidi
            = u == 0x061c || u == 0x200e || u == 0x200f || (u >= 0x202a && u <= 0x202e) || (u >= 0x2066 && u <= 0x2069);
        if (control || bidi)
            found += QStringLiteral("U+%1 ").arg(int(u), 4, 16, QLatin1Char('0'));
    }
    return found;
}

// The hostile strings of every test here: what a server (or whoever controls it) may send.
void addHostileRows()
{
    QTest::addColumn<QString>("hostile");
    QTest::addColumn<QString>("visible"); // a word that must survive
    QTest::addRow("csi colour and clear screen")
        << QStringLiteral("\x1b[31mred\x1b[0m \x1b[2J\x1b[Hwiped") << QStringLiteral("wiped");
    QTest::addRow("osc title") << QStringLiteral("\x1b]0;owned\x07title") << QStringLiteral("title");
    QTest::addRow("crlf fake line") << QStringLiteral("refused\r\nHEAPWATCH OK - all fine | heap=1")
                                    << QStringLiteral("refused");
    QTest::addRow("carriage return overwrite") << QStringLiteral("bad news\rgood news") << QStringLiteral("news");
    QTest::addRow("perfdata pipe") << QStringLiteral("no such container | heap_usage=1%;95;98")
                                   << QStringLiteral("container");
    QTest::addRow("bidi override") << QStringLiteral("invoice \u202efdp.exe \u2066x\u2069")
                                   << QStringLiteral("invoice");
    QTest::addRow("c1 csi") << QStringLiteral("c1 \u009b31m end \u0085next") << QStringLiteral("end");
    QTest::addRow("nul del bell") << QString::fromUtf8("a\x00b\x7f\x07c", 6) << QStringLiteral("a");
}

} // namespace

class TestServerText : public QObject
{
    Q_OBJECT

    // A source that only reports a connection status, as the SSH layer does after a failure.
    class StatusSource : public Source
    {
    public:
        void start() override { }
        void stop() override { }
        QString targetName() const override { return QStringLiteral("pangolin"); }
        void report(const ConnectionStatus& s) { Q_EMIT connectionChanged(s); }
    };

private Q_SLOTS:
    void oneLineIsPlainAndFlat_data() { addHostileRows(); }
    void oneLineIsPlainAndFlat()
    {
        QFETCH(QString, hostile);
        QFETCH(QString, visible);
        const QString line = oneLine(hostile);
        QVERIFY2(unsafeIn(line).isEmpty(), qPrintable(unsafeIn(line)));
        QVERIFY(!line.contains(QLatin1Char('\n')) && !line.contains(QLatin1Char('\r')));
        QVERIFY(!line.contains(QLatin1Char('\t')));
        QVERIFY2(line.contains(visible), qPrintable(line));
        QCOMPARE(line, line.simplified());
    }

    void pluginTextHasNoPerfdata_data() { addHostileRows(); }
    void pluginTextHasNoPerfdata()
    {
        QFETCH(QString, hostile);
        QFETCH(QString, visible);
        const QString text = pluginText(hostile);
        QVERIFY(!text.contains(QLatin1Char('|')));
        QVERIFY2(unsafeIn(text).isEmpty(), qPrintable(unsafeIn(text)));
        QVERIFY(text.contains(visible));
    }

    void plainLinesKeepsOnlyLineBreaks_data() { addHostileRows(); }
    void plainLinesKeepsOnlyLineBreaks()
    {
        QFETCH(QString, hostile);
        QFETCH(QString, visible);
        const QString text = plainLines(hostile);
        QVERIFY2(unsafeIn(text, true).isEmpty(), qPrintable(unsafeIn(text, true)));
        QVERIFY(!text.contains(QLatin1Char('\r')));
        QVERIFY(text.contains(visible));
    }

    void plainLinesKeepsTheInstructionLayout()
    {
        QCOMPARE(plainLines(QStringLiteral("Duo two-factor\r\n\x1b[1m1. Push\x1b[0m\r\n2. Phone call")),
                 QStringLiteral("Duo two-factor\n[1m1. Push[0m\n2. Phone call"));
    }

    void lengthIsCapped()
    {
        QCOMPARE(oneLine(QString(5000, QLatin1Char('x')), 100).size(), 100);
        QCOMPARE(pluginText(QString(5000, QLatin1Char('|')), 10), QString(10, QLatin1Char('/')));
    }

    // The check line and stderr of `heapwatch check` when the reason quotes something hostile: here a
    // file name (a path may hold any byte but '/' and NUL), as a server message would be quoted.
    void checkUnknownLineStaysOneCleanLine_data() { addHostileRows(); }
    void checkUnknownLineStaysOneCleanLine()
    {
        QFETCH(QString, hostile);
        QFETCH(QString, visible);
        if (hostile.contains(QChar(0)))
            QSKIP("a path cannot hold NUL");
        QTemporaryDir dir;
        const QString path = dir.filePath(hostile);
        QFile f(path);
        QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(f.errorString()));
        f.write("hello\nworld\n"); // nothing recognisable: UNKNOWN quoting the path
        f.close();
        QString out, err;
        QTextStream o(&out), e(&err);
        QCOMPARE(CheckCommand::run({QStringLiteral("--replay"), path}, o, e), 3);
        QVERIFY2(out.endsWith(QLatin1Char('\n')) && out.count(QLatin1Char('\n')) == 1, qPrintable(out));
        QVERIFY2(out.startsWith(QLatin1String("HEAPWATCH UNKNOWN - nothing recognisable")), qPrintable(out));
        QVERIFY2(!out.contains(QLatin1Char('|')), qPrintable(out));
        QVERIFY2(unsafeIn(out, true).isEmpty(), qPrintable(unsafeIn(out, true)));
        QVERIFY2(out.contains(visible), qPrintable(out));
        QVERIFY2(err.count(QLatin1Char('\n')) == 1 && unsafeIn(err, true).isEmpty(), qPrintable(err));
    }

    // Every front end reads the connection message from the target: it is cleaned once, on the way in.
    void connectionMessageIsCleanedOnTheWayIn_data() { addHostileRows(); }
    void connectionMessageIsCleanedOnTheWayIn()
    {
        QFETCH(QString, hostile);
        QFETCH(QString, visible);
        auto owned = std::make_unique<StatusSource>();
        StatusSource* source = owned.get();
        Target target(std::move(owned), Thresholds::defaults());
        QSignalSpy spy(&target, &Target::connectionChanged);
        ConnectionStatus status;
        status.state = ConnectionStatus::State::Reconnecting;
        status.message = QStringLiteral("cannot connect to 127.0.0.1:22: ") + hostile;
        source->report(status);
        QTRY_COMPARE(spy.size(), 1);
        const QString kept = target.state().connection().message;
        QCOMPARE(spy.at(0).at(0).value<ConnectionStatus>().message, kept);
        QVERIFY2(unsafeIn(kept).isEmpty(), qPrintable(unsafeIn(kept)));
        QVERIFY(!kept.contains(QLatin1Char('\n')));
        QVERIFY(kept.contains(visible));
    }

    // check's text report names where a live target's figures come from (stats_source and the like in --json):
    // the reason the cgroup loop was not used is server text, shown on the report's one Sources line.
    void reportNamesTheSourcesOnOneLine_data() { addHostileRows(); }
    void reportNamesTheSourcesOnOneLine()
    {
        QFETCH(QString, hostile);
        QFETCH(QString, visible);
        auto owned = std::make_unique<StatusSource>();
        StatusSource* source = owned.get();
        Target target(std::move(owned), Thresholds::defaults());
        const auto report = [&] {
            const ReportInput in {target.state(), target.assessment(), target.thresholds(), target.now()};
            return textReport(in);
        };
        QVERIFY2(!report().contains(QLatin1String("Sources:")), qPrintable(report())); // a replay's, the demo's
        QSignalSpy spy(&target, &Target::connectionChanged);
        ConnectionStatus status;
        status.state = ConnectionStatus::State::Connected;
        status.statsSource = QStringLiteral("docker stats (cgroup not readable: ") + hostile + QLatin1Char(')');
        status.eventsSource = QStringLiteral("docker events");
        source->report(status);
        QTRY_COMPARE(spy.size(), 1);
        const QString text = report();
        const QStringList lines = text.split(QLatin1Char('\n'));
        const auto at = std::find_if(lines.begin(), lines.end(),
                                     [](const QString& l) { return l.startsWith(QLatin1String("Sources:   ")); });
        QVERIFY2(at != lines.end(), qPrintable(text));
        QVERIFY2(at->startsWith(QLatin1String("Sources:   stats: docker stats (cgroup not readable: ")),
                 qPrintable(*at));
        QVERIFY2(at->endsWith(QLatin1String("); events: docker events")), qPrintable(*at));
        QVERIFY2(at->contains(visible), qPrintable(*at));
        QVERIFY2(unsafeIn(*at).isEmpty(), qPrintable(unsafeIn(*at)));
        QVERIFY2((at + 1)->startsWith(QLatin1String("Process:")), qPrintable(text)); // nothing broke out of the line
    }
};

QTEST_GUILESS_MAIN(TestServerText)
#include "tst_servertext.moc"
