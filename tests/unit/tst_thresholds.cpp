// Thresholds: the seed's defaults, JSON overrides and clear errors for bad files.
#include "Thresholds.h"

#include <QJsonDocument>
#include <QTemporaryFile>
#include <QTest>

using namespace heapwatch;

class TestThresholds : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaultsAreTheSeedTable()
    {
        const Thresholds t = Thresholds::defaults();
        QCOMPARE(t.rssMiB.warning, 350.0);
        QCOMPARE(t.rssMiB.critical, 370.0);
        QCOMPARE(t.heapUsagePercent.warning, 85.0);
        QCOMPARE(t.heapUsagePercent.critical, 95.0);
        QCOMPARE(t.growthMiBPerHour.warning, 10.0);
        QCOMPARE(t.growthMiBPerHour.critical, 20.0);
        QCOMPARE(t.cacheHitRatePercent.warning, 50.0);
        QCOMPARE(t.cacheHitRatePercent.critical, 30.0);
        QCOMPARE(t.containerMemoryPercent.warning, 80.0);
        QCOMPARE(t.containerMemoryPercent.critical, 90.0);
        QCOMPARE(t.growthWindowMinutes, 60.0);
        QCOMPARE(t.growthWarmupMinutes, 10.0);
        QCOMPARE(t.growthMinObservationMinutes, 30.0);
        QCOMPARE(t.statsCapacity, qsizetype(7 * 24 * 3600));
    }

    void overridesOnlyWhatIsGiven()
    {
        QString error;
        const auto t = Thresholds::fromJson(
            R"({"rss_mib": {"warning": 300}, "growth": {"min_observation_minutes": 45},
                "recommendations": {"cache_max_keys": 10000}, "history": {"stats_rows": 3600}})",
            &error);
        QVERIFY2(t, qPrintable(error));
        QCOMPARE(t->rssMiB.warning, 300.0);
        QCOMPARE(t->rssMiB.critical, 370.0);
        QCOMPARE(t->growthMinObservationMinutes, 45.0);
        QCOMPARE(t->cacheMaxKeys, 10000.0);
        QCOMPARE(t->statsCapacity, qsizetype(3600));
    }

    void roundTrips()
    {
        Thresholds t;
        t.heapUsagePercent = {80, 90};
        t.approachingFraction = 0.1;
        QString error;
        const auto back = Thresholds::fromJson(QJsonDocument(t.toJson()).toJson(), &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(back->heapUsagePercent.warning, 80.0);
        QCOMPARE(back->approachingFraction, 0.1);
        QCOMPARE(QJsonDocument(back->toJson()).toJson(), QJsonDocument(t.toJson()).toJson());
    }

    void rejectsBadInput_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("errorContains");
        QTest::addRow("not json") << QByteArray("{rss") << QStringLiteral("not valid JSON");
        QTest::addRow("array") << QByteArray("[1]") << QStringLiteral("one JSON object");
        QTest::addRow("unknown section") << QByteArray(R"({"rss": 1})") << QStringLiteral("unknown key rss");
        QTest::addRow("unknown key") << QByteArray(R"({"rss_mib": {"warn": 1}})") << QStringLiteral("rss_mib.warn");
        QTest::addRow("string value") << QByteArray(R"({"rss_mib": {"warning": "350"}})")
                                      << QStringLiteral("rss_mib.warning");
        QTest::addRow("negative") << QByteArray(R"({"rss_mib": {"warning": -1}})") << QStringLiteral("rss_mib.warning");
        QTest::addRow("percent over 100") << QByteArray(R"({"heap_usage_percent": {"critical": 150}})")
                                          << QStringLiteral("heap_usage_percent.critical");
        QTest::addRow("fractional rows") << QByteArray(R"({"history": {"stats_rows": 1.5}})")
                                         << QStringLiteral("history.stats_rows");
    }
    void rejectsBadInput()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, errorContains);
        QString error;
        QVERIFY(!Thresholds::fromJson(json, &error));
        QVERIFY2(error.contains(errorContains), qPrintable(error));
    }

    void readsFiles()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write(R"({"cache_hit_rate_percent": {"warning": 60, "critical": 40}})");
        file.close();
        QString error;
        const auto t = Thresholds::fromFile(file.fileName(), &error);
        QVERIFY2(t, qPrintable(error));
        QCOMPARE(t->cacheHitRatePercent.warning, 60.0);
        QVERIFY(!Thresholds::fromFile(QStringLiteral("/nonexistent/thresholds.json"), &error));
        QVERIFY(error.contains(QLatin1String("cannot read")));
    }

    void shippedDefaultsFileMatchesTheCode()
    {
        const QString path = QFINDTESTDATA("../../resources/thresholds.json");
        QVERIFY(!path.isEmpty());
        QString error;
        const auto t = Thresholds::fromFile(path, &error);
        QVERIFY2(t, qPrintable(error));
        QCOMPARE(QJsonDocument(t->toJson()).toJson(), QJsonDocument(Thresholds::defaults().toJson()).toJson());
    }
};

QTEST_GUILESS_MAIN(TestThresholds)
#include "tst_thresholds.moc"
