// Exports: the incident report has the seed report's sections and table, escapes server text, and the CSV
// merges the three rings by time.
#include "SampleCsvWriter.h"
#include "SeedTarget.h"
#include "StateReport.h"

#include <QBuffer>
#include <QTest>

using namespace heapwatch;

class TestExports : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void incidentReport()
    {
        auto target = test::seedTarget();
        QVERIFY(target);
        const qint64 t1 = target->now();
        const QString md = markdownReport(ReportInput {target->state(), target->assessment(), target->thresholds(), t1},
                                          target->name(), t1 - 3600 * 1000, t1);
        for (const char* section :
             {"# Memory Incident Report: seed/pangolin", "## Production Metrics",
              "### Deployment: jjeuriss/pangolin:reduced_memory", "## Cache Performance", "## Memory Growth",
              "## Red Flags & Alerts", "## Recommendations", "## Recent Errors/Warnings"})
            QVERIFY2(md.contains(QString::fromUtf8(section)), section);
        QVERIFY(md.contains(
            QStringLiteral("| Metric | Warning Threshold | Critical Threshold | Current Status | Trend |")));
        QVERIFY(md.contains(QStringLiteral("| Heap Usage % | >85% | >95% | ❌ 97.6%")));
        QVERIFY(md.contains(QStringLiteral("✅ 336.6 MiB (approaching warning)")));
        QVERIFY(md.contains(QStringLiteral("- RSS: 244.2 MiB")));
        QVERIFY(md.contains(QStringLiteral("- RSS change over the range: +92.4 MiB")));
        // The range's peaks, read group by group from the ring (the seed's highest RSS and heap usage are its last).
        QVERIFY2(md.contains(QStringLiteral("**Peaks in range:** RSS 336.6 MiB at ")), qPrintable(md));
        QVERIFY2(md.contains(QStringLiteral("; heap usage 97.6% at ")), qPrintable(md));
        QVERIFY(md.contains(QStringLiteral("- Hit Rate: 73.63% (1346 hits, 482 misses)")));
        QVERIFY(md.contains(QStringLiteral("- Total Memory: 364.8 MiB / 860.6 MiB (42.4%)")));
        QVERIFY(md.contains(QStringLiteral("No buffer overflows detected")));
        // The heap flag entered critical with the T+5 line; the timeline under the red-flag table says when.
        QVERIFY(md.contains(QStringLiteral("### Flag Transitions")));
        QVERIFY2(md.contains(QStringLiteral(": Heap Usage %: ok → critical")), qPrintable(md));
        // The warning line is quoted inside a code block, so its pipe and markup stay text.
        QVERIFY(md.contains(QStringLiteral("Slow query on /api/v1/org | resources: <b>486 ms</b>")));
        const qsizetype at = md.indexOf(QStringLiteral("## Recent Errors/Warnings"));
        QVERIFY(md.indexOf(QStringLiteral("```"), at) > at);
    }

    // Inspect and event text (image, status, health, marker text) and log lines land in Markdown: one plain
    // line each, so that a server cannot add headings, table rows or terminal escapes to the report.
    void incidentReportKeepsServerTextOnItsLine()
    {
        IngestBatch batch = test::seedBatch();
        batch.info->image = QStringLiteral("evil:1\n# Fake heading\x1b[2J");
        batch.info->status = QStringLiteral("running\r\n| fake | row |");
        batch.info->health = QStringLiteral("healthy\u202e");
        auto target = test::startedTarget(std::move(batch), Thresholds::defaults());
        QVERIFY(target);
        const qint64 t1 = target->now();
        const QString md = markdownReport(ReportInput {target->state(), target->assessment(), target->thresholds(), t1},
                                          target->name(), t1 - 3600 * 1000, t1);
        QVERIFY(!md.contains(QLatin1String("\n# Fake heading")));
        QVERIFY(!md.contains(QLatin1String("\n| fake | row |")));
        QVERIFY(md.contains(QLatin1String("### Deployment: evil:1 # Fake heading")));
        for (const QChar c : md) {
            const char16_t u = c.unicode();
            QVERIFY2((u >= 0x20 || u == u'\n') && !(u >= 0x7f && u <= 0x9f) && !(u >= 0x202a && u <= 0x202e),
                     qPrintable(QStringLiteral("U+%1").arg(int(u), 4, 16)));
        }
    }

    // A development-mode line of a deployment that a new start replaced: the timeline in the report has the
    // recommendation raised and then resolved at the new start.
    void incidentReportTimelineHasRecommendations()
    {
        IngestBatch batch = test::seedBatch();
        LogParser parser;
        parser.feed("2026-01-14T09:40:00.000Z [info]: Starting Pangolin in development mode\n"
                    "2026-01-14T09:41:00.000Z \u25cb Compiling /dashboard ...\n"
                    "2026-01-14T10:00:00.000Z [info]: Starting Pangolin in production mode\n",
                    LogStream::Stdout, batch.logs);
        parser.finish(batch.logs);
        auto target = test::startedTarget(std::move(batch), Thresholds::defaults());
        QVERIFY(target);
        const qint64 t1 = target->now();
        QVERIFY(!target->assessment().recommendation(QStringLiteral("dev-mode")));
        const QString md = markdownReport(ReportInput {target->state(), target->assessment(), target->thresholds(), t1},
                                          target->name(), t1 - 3600 * 1000, t1);
        const qsizetype raised = md.indexOf(QStringLiteral(": recommendation dev-mode raised (critical)"));
        const qsizetype resolved = md.indexOf(QStringLiteral(": recommendation dev-mode resolved"));
        QVERIFY2(raised > 0 && resolved > raised, qPrintable(md));
        QVERIFY(md.indexOf(QStringLiteral("### Flag Transitions")) < raised);
    }

    void escaping()
    {
        QCOMPARE(markdownTableCell(QStringLiteral("a|b\nc")), QStringLiteral("a\\|b c"));
        QCOMPARE(markdownCodeBlock(QStringLiteral("x ``` y")), QStringLiteral("````\nx ``` y\n````\n"));
    }

    void csv()
    {
        auto target = test::seedTarget();
        QVERIFY(target);
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        const qint64 rows = SampleCsvWriter::write(target->state(), 0, target->now(), &buffer);
        // 10:00 memory; 10:05 memory + stats (+ cache) share one row.
        QCOMPARE(rows, 2);
        const QList<QByteArray> lines = buffer.data().split('\n');
        QCOMPARE(lines.at(0) + '\n', SampleCsvWriter::header());
        QVERIFY(lines.at(1).startsWith("2026-01-14T10:00:00.000Z,"));
        QVERIFY(lines.at(1).contains(",244.2,140.7,166.7,13.1,9.4,,,"));
        QVERIFY(lines.at(2).contains(",336.6,212.7,218.0,17.6,13.6,2.82,364.8,2,1346,482,73.63"));
    }
};

QTEST_MAIN(TestExports)
#include "tst_exports.moc"
