// `heapwatch export`: a store filled from the demo host's six hours (the investigation's story) printed as
// CSV and JSON, one row per sample time with every ring's values merged, the events, the window options and
// the errors.
#include "ExportCommand.h"
#include "HistoryFixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <set>

using namespace heapwatch;
using namespace heapwatch::historytest;

namespace {

const QString kTarget = QStringLiteral("ssh://ops@web1:2222/pangolin");
const QString kUntil = QStringLiteral("2026-01-14T10:00:00Z"); // the demo's now

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run exportOf(const QStringList& arguments)
{
    Run run;
    QTextStream out(&run.out);
    QTextStream err(&run.err);
    run.exitCode = ExportCommand::run(arguments, out, err);
    return run;
}

} // namespace

class TestExport : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<TargetState> m_demo;

    // Sample times in [from, kDemoNowMs] across the three rings: the rows the export must print.
    std::set<qint64> sampleTimes(qint64 from) const
    {
        std::set<qint64> times;
        auto add = [&](const auto& ring) {
            for (const auto& row : ringRows(ring))
                if (row.atMs >= from && row.atMs <= kDemoNowMs)
                    times.insert(row.atMs);
        };
        add(m_demo->stats());
        add(m_demo->process());
        add(m_demo->cache());
        return times;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("history.sqlite"));
        m_demo = demoState();
        HistoryOptions options;
        options.path = m_path;
        options.fullRetentionMs = options.rollupRetentionMs = 10000LL * HistoryOptions::kDay;
        HistoryStore store(options);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        storeState(store, kTarget, *m_demo);
        store.noteTarget(QStringLiteral("web2/api"), QStringLiteral("api"),
                         kDemoNowMs); // for the unknown-target message
        store.close();
    }

    void csvAndJson_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("since"); // empty: everything
        QTest::addColumn<qint64>("sinceMs");
        QTest::addColumn<QString>("target");
        QTest::addRow("csv, everything") << "csv" << QString() << qint64(0) << kTarget;
        QTest::addRow("json, everything") << "json" << QString() << qint64(0) << kTarget;
        QTest::addRow("csv, the last 10 minutes") << "csv"
                                                  << "10m" << qint64(10 * 60 * 1000) << kTarget;
        QTest::addRow("json, the last hour and a half") << "json"
                                                        << "1h30m" << qint64(90 * 60 * 1000) << kTarget;
        QTest::addRow("csv, by its sidebar name") << "csv"
                                                  << "2h" << qint64(2 * 3600 * 1000) << "pangolin";
    }
    void csvAndJson()
    {
        QFETCH(QString, format);
        QFETCH(QString, since);
        QFETCH(qint64, sinceMs);
        QFETCH(QString, target);
        QStringList args {target, QStringLiteral("--store"),  m_path, QStringLiteral("--until"),
                          kUntil, QStringLiteral("--format"), format};
        if (!since.isEmpty())
            args << QStringLiteral("--since") << since;
        const Run run = exportOf(args);
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.err.isEmpty(), qPrintable(run.err));
        const qint64 from = since.isEmpty() ? std::numeric_limits<qint64>::min() : kDemoNowMs - sinceMs;
        const std::set<qint64> times = sampleTimes(from);
        QVERIFY(times.size() > 100);

        // The row of the demo's now: the investigation's T+5 min figures.
        QMap<QString, QString> now;
        std::vector<qint64> printed;
        int eventRows = 0;
        if (format == QLatin1String("csv")) {
            const QStringList lines = run.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
            const QStringList header = lines.front().split(QLatin1Char(','));
            QCOMPARE(header.front(), QStringLiteral("time"));
            QCOMPARE(header.size(), 2 + 2 + 6 + 4 + 1);
            QVERIFY(header.contains(QStringLiteral("rss_mib")) && header.contains(QStringLiteral("mem_usage_mib")));
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QStringList cells = lines[i].split(QLatin1Char(','));
                QVERIFY2(cells.size() >= header.size(), qPrintable(lines[i]));
                const qint64 t = cells[1].toLongLong();
                if (!cells.last().isEmpty() && !times.count(t)) {
                    ++eventRows; // a time with an event only
                    continue;
                }
                printed.push_back(t);
                if (t == kDemoNowMs)
                    for (int c = 0; c < header.size(); ++c)
                        now[header[c]] = cells[c];
            }
        } else {
            QJsonParseError error;
            const QJsonObject root = QJsonDocument::fromJson(run.out.toUtf8(), &error).object();
            QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
            QCOMPARE(root.value(QStringLiteral("target")).toString(), kTarget);
            for (const QJsonValue& v : root.value(QStringLiteral("samples")).toArray()) {
                const QJsonObject o = v.toObject();
                printed.push_back(qint64(o.value(QStringLiteral("time_ms")).toDouble()));
                if (printed.back() == kDemoNowMs)
                    for (auto it = o.begin(); it != o.end(); ++it)
                        now[it.key()] = it->isNull() ? QString()
                            : it->isDouble()         ? QString::number(it->toDouble())
                                                     : it->toString();
            }
            const QJsonArray events = root.value(QStringLiteral("events")).toArray();
            const qint64 deploy = kDemoNowMs - DemoSource::kWarmupMs;
            bool deployed = false;
            for (const QJsonValue& e : events)
                deployed = deployed || qint64(e.toObject().value(QStringLiteral("time_ms")).toDouble()) == deploy;
            QCOMPARE(deployed, deploy >= from); // the redeploy five minutes ago
        }
        // One row per sample time, in order, all of them.
        QCOMPARE(printed.size(), times.size());
        QVERIFY(std::equal(printed.begin(), printed.end(), times.begin()));
        QVERIFY(eventRows <= 2);
        QCOMPARE(now.value(QStringLiteral("time")), kUntil.chopped(1) + QStringLiteral(".000Z"));
        QCOMPARE(now.value(QStringLiteral("rss_mib")), QStringLiteral("336.6"));
        QCOMPARE(now.value(QStringLiteral("heap_used_mib")), QStringLiteral("212.7"));
        QCOMPARE(now.value(QStringLiteral("heap_total_mib")), QStringLiteral("218"));
        QCOMPARE(now.value(QStringLiteral("external_mib")), QStringLiteral("17.6"));
        QCOMPARE(now.value(QStringLiteral("array_buffers_mib")), QStringLiteral("13.6"));
        const auto stats = m_demo->stats().last();
        QCOMPARE(stats.atMs, kDemoNowMs);
        QCOMPARE(float(now.value(QStringLiteral("mem_usage_mib")).toDouble()), stats.v[MemUsageColumn]);
        QCOMPARE(now.value(QStringLiteral("mem_usage_mib")), QStringLiteral("364.8")); // the container at T+5 min
    }

    // A time when only docker stats has a row: the app's columns are empty (CSV) or null (JSON).
    void emptyWhereARingHasNoRow()
    {
        const qint64 t = m_demo->stats().at(m_demo->stats().size() / 2 + 1).atMs;
        QVERIFY(t % 10000 != 0); // between two Memory lines (every 10 s)
        const Run run = exportOf({kTarget, QStringLiteral("--store"), m_path, QStringLiteral("--until"), kUntil});
        QCOMPARE(run.exitCode, 0);
        const QString needle = QStringLiteral(",%1,").arg(t);
        const qsizetype at = run.out.indexOf(needle);
        QVERIFY(at > 0);
        const QStringList cells
            = run.out.mid(at + needle.size()).section(QLatin1Char('\n'), 0, 0).split(QLatin1Char(','));
        QVERIFY(!cells[0].isEmpty() && !cells[1].isEmpty()); // cpu, memory
        for (int c = 2; c < 2 + 6 + 4; ++c)
            QVERIFY2(cells[c].isEmpty(), qPrintable(cells.join(QLatin1Char(','))));
    }

    void errors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::addRow("unknown target") << QStringList {QStringLiteral("web9/pangolin")}
                                        << "stored targets: ssh://ops@web1:2222/pangolin, web2/api";
        QTest::addRow("no target") << QStringList {} << "give one TARGET";
        QTest::addRow("bad --since") << QStringList {kTarget, QStringLiteral("--since"), QStringLiteral("soon")}
                                     << "--since takes a duration";
        QTest::addRow("bad --until") << QStringList {kTarget, QStringLiteral("--until"), QStringLiteral("yesterday")}
                                     << "--until takes an ISO 8601 time";
        QTest::addRow("bad --format") << QStringList {kTarget, QStringLiteral("--format"), QStringLiteral("xml")}
                                      << "--format is csv or json";
        QTest::addRow("no store") << QStringList {kTarget, QStringLiteral("--store"),
                                                  QStringLiteral("/nonexistent/h.sqlite")}
                                  << "no history store at /nonexistent/h.sqlite";
    }
    void errors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        if (!arguments.contains(QStringLiteral("--store")))
            arguments << QStringLiteral("--store") << m_path;
        const Run run = exportOf(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.out.isEmpty());
        QVERIFY2(run.err.contains(message), qPrintable(run.err));
    }
};

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
