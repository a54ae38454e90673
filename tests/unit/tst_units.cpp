// Size, percent and number parsing shared by every parser.
#include "Duration.h"
#include "Units.h"

#include <QLocale>
#include <QTest>
#include <cmath>

using namespace heapwatch;
using units::MbMeaning;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

class TestUnits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // One grammar for check --since/--watch, serve --since and the serve configuration's "since".
    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("seconds"); // -1: refused
        QTest::addRow("bare seconds") << QStringLiteral("90") << qint64(90);
        QTest::addRow("seconds") << QStringLiteral("90s") << qint64(90);
        QTest::addRow("minutes") << QStringLiteral("30m") << qint64(1800);
        QTest::addRow("hours") << QStringLiteral("1h") << qint64(3600);
        QTest::addRow("days") << QStringLiteral("2d") << qint64(172800);
        QTest::addRow("compound") << QStringLiteral("1h30m") << qint64(5400);
        QTest::addRow("compound, all units") << QStringLiteral("1d2h3m4s") << qint64(93784);
        QTest::addRow("white space around") << QStringLiteral(" 15m ") << qint64(900);
        QTest::addRow("zero") << QStringLiteral("0") << qint64(0);
        QTest::addRow("empty") << QString() << qint64(-1);
        QTest::addRow("negative") << QStringLiteral("-1h") << qint64(-1);
        QTest::addRow("weeks") << QStringLiteral("1w") << qint64(-1);
        QTest::addRow("space inside") << QStringLiteral("1h 30m") << qint64(-1);
        QTest::addRow("unit first") << QStringLiteral("h1") << qint64(-1);
        QTest::addRow("ten years") << QStringLiteral("3650d") << qint64(315360000);
        QTest::addRow("over ten years") << QStringLiteral("3651d") << qint64(-1);
        QTest::addRow("over ten years in parts") << QString(QStringLiteral("1000d")).repeated(4) << qint64(-1);
        QTest::addRow("digits beyond qint64") << QStringLiteral("99999999999999999999s") << qint64(-1);
    }
    void durations()
    {
        QFETCH(QString, text);
        QFETCH(qint64, seconds);
        QCOMPARE(parseDuration(text).value_or(-1), seconds);
    }

    void initTestCase()
    {
        // A decimal comma locale must not change anything: parsing is locale-independent.
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        setlocale(LC_NUMERIC, "de_DE.UTF-8");
    }

    void parseSize_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("binaryMb");
        QTest::addColumn<double>("bytes");

        // The Node app: "MB" is MiB.
        QTest::addRow("app MB") << QByteArray("336.6MB") << true << 336.6 * 1048576;
        QTest::addRow("app KB") << QByteArray("512KB") << true << 512.0 * 1024;
        QTest::addRow("app kB binary") << QByteArray("2kB") << true << 2048.0;
        QTest::addRow("app GB") << QByteArray("1.5GB") << true << 1.5 * 1073741824;
        QTest::addRow("app TB") << QByteArray("1TB") << true << 1099511627776.0;
        // docker/podman: decimal unless i.
        QTest::addRow("docker MiB") << QByteArray("6.875MiB") << false << 6.875 * 1048576;
        QTest::addRow("docker GiB") << QByteArray("7.816GiB") << false << 7.816 * 1073741824;
        QTest::addRow("docker KiB") << QByteArray("3KiB") << false << 3072.0;
        QTest::addRow("docker TiB") << QByteArray("2TiB") << false << 2.0 * 1099511627776.0;
        QTest::addRow("MiB in binary mode") << QByteArray("860MiB") << true << 860.0 * 1048576;
        QTest::addRow("podman MB") << QByteArray("7.205MB") << false << 7205000.0;
        QTest::addRow("podman MB limit") << QByteArray("901.8MB") << false << 901800000.0;
        QTest::addRow("kB") << QByteArray("1.64kB") << false << 1640.0;
        QTest::addRow("KB decimal") << QByteArray("1.64KB") << false << 1640.0;
        QTest::addRow("GB") << QByteArray("1.05GB") << false << 1.05e9;
        QTest::addRow("TB") << QByteArray("3TB") << false << 3e12;
        QTest::addRow("B") << QByteArray("656B") << false << 656.0;
        QTest::addRow("MB rounded once") << QByteArray("4.1MB") << false << 4100000.0; // not 4.1 * 1e6
        QTest::addRow("kB with more decimals") << QByteArray("1.2345kB") << false << 1234.5;
        QTest::addRow("GB rounded once") << QByteArray("49.4GB") << false << 49400000000.0;
        QTest::addRow("0B") << QByteArray("0B") << false << 0.0;
        QTest::addRow("space before unit") << QByteArray("7.205 MB") << false << 7205000.0;
        QTest::addRow("space before MiB") << QByteArray("139.6 MiB") << false << 139.6 * 1048576;
        QTest::addRow("surrounding blanks") << QByteArray("  49.4MB \t") << false << 49.4e6;
        QTest::addRow("bare number") << QByteArray("4096") << false << 4096.0;
        QTest::addRow("leading dot") << QByteArray(".5kB") << false << 500.0;
        QTest::addRow("long mantissa") << QByteArray("12345678901234567890B") << false << 12345678901234567890.0;
        QTest::addRow("exponent") << QByteArray("1e3kB") << false << 1e6;
        QTest::addRow("plus") << QByteArray("+5MB") << false << 5e6;

        QTest::addRow("placeholder") << QByteArray("--") << false << kNaN;
        QTest::addRow("empty") << QByteArray("") << false << kNaN;
        QTest::addRow("blank") << QByteArray("   ") << false << kNaN;
        QTest::addRow("negative") << QByteArray("-5MB") << false << kNaN;
        QTest::addRow("NaN") << QByteArray("NaNMB") << true << kNaN;
        QTest::addRow("nan") << QByteArray("nan") << true << kNaN;
        QTest::addRow("inf") << QByteArray("infMB") << true << kNaN;
        QTest::addRow("1e309") << QByteArray("1e309MB") << true << kNaN;
        QTest::addRow("1e309 bare") << QByteArray("1e309") << true << kNaN;
        QTest::addRow("unit only") << QByteArray("MB") << true << kNaN;
        QTest::addRow("unknown unit") << QByteArray("12XB") << true << kNaN;
        QTest::addRow("trailing garbage") << QByteArray("12MBs") << true << kNaN;
        QTest::addRow("two numbers") << QByteArray("12 13MB") << true << kNaN;
        QTest::addRow("comma decimal") << QByteArray("12,5MB") << true << kNaN;
        QTest::addRow("hex") << QByteArray("0x10B") << true << kNaN;
        QTest::addRow("garbage") << QByteArray("\x01\xff\xfe") << true << kNaN;
    }

    void parseSize()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, binaryMb);
        QFETCH(double, bytes);
        const double got = units::parseSize(text, binaryMb ? MbMeaning::Binary : MbMeaning::Decimal);
        if (std::isnan(bytes)) {
            QVERIFY2(std::isnan(got), qPrintable(QString::number(got)));
        } else {
            QCOMPARE(got, bytes);
        }
    }

    // The app's MB is MiB: reading it back in MiB must give exactly the printed figure.
    void appMbRoundTrips()
    {
        QCOMPARE(units::parseSize("336.6MB", MbMeaning::Binary) / units::kMiB, 336.6);
        QCOMPARE(units::parseSize("212.7MB", MbMeaning::Binary) / units::kMiB, 212.7);
        QCOMPARE(units::parseSize("13.6MB", MbMeaning::Binary) / units::kMiB, 13.6);
    }

    void parsePercent_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<double>("value");
        QTest::addRow("docker") << QByteArray("0.80%") << 0.80;
        QTest::addRow("no sign") << QByteArray("97.5") << 97.5;
        QTest::addRow("space") << QByteArray(" 73.63 % ") << 73.63;
        QTest::addRow("over 100") << QByteArray("250.33%") << 250.33;
        QTest::addRow("zero") << QByteArray("0.00%") << 0.0;
        QTest::addRow("placeholder") << QByteArray("--") << kNaN;
        QTest::addRow("empty") << QByteArray("") << kNaN;
        QTest::addRow("only percent") << QByteArray("%") << kNaN;
        QTest::addRow("negative") << QByteArray("-1%") << kNaN;
        QTest::addRow("1e309") << QByteArray("1e309%") << kNaN;
        QTest::addRow("nan") << QByteArray("nan%") << kNaN;
        QTest::addRow("garbage") << QByteArray("12a%") << kNaN;
        QTest::addRow("two signs") << QByteArray("12%%") << kNaN;
    }

    void parsePercent()
    {
        QFETCH(QByteArray, text);
        QFETCH(double, value);
        const double got = units::parsePercent(text);
        if (std::isnan(value))
            QVERIFY2(std::isnan(got), qPrintable(QString::number(got)));
        else
            QCOMPARE(got, value);
    }

    void parseNumber_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<double>("value");
        QTest::addRow("integer") << QByteArray("1346") << 1346.0;
        QTest::addRow("decimal") << QByteArray("384.5") << 384.5;
        QTest::addRow("exponent") << QByteArray("1e3") << 1000.0;
        QTest::addRow("max double-ish") << QByteArray("1e308") << 1e308;
        QTest::addRow("17 digits") << QByteArray("0.10000000000000001") << 0.1;
        QTest::addRow("1e309") << QByteArray("1e309") << kNaN;
        QTest::addRow("nan") << QByteArray("nan") << kNaN;
        QTest::addRow("NaN") << QByteArray("NaN") << kNaN;
        QTest::addRow("inf") << QByteArray("inf") << kNaN;
        QTest::addRow("dash") << QByteArray("-") << kNaN;
        QTest::addRow("negative") << QByteArray("-3") << kNaN;
        QTest::addRow("unit") << QByteArray("3MB") << kNaN;
        QTest::addRow("empty") << QByteArray() << kNaN;
        QTest::addRow("dot") << QByteArray(".") << kNaN;
        QTest::addRow("comma") << QByteArray("3,5") << kNaN;
    }

    void parseNumber()
    {
        QFETCH(QByteArray, text);
        QFETCH(double, value);
        const double got = units::parseNumber(text);
        if (std::isnan(value))
            QVERIFY2(std::isnan(got), qPrintable(QString::number(got)));
        else
            QCOMPARE(got, value);
    }

    // The fast path must agree bit for bit with a correctly rounded conversion (strtod in the C locale).
    void fastPathMatchesStrtod()
    {
        setlocale(LC_NUMERIC, "C");
        std::srand(42);
        for (int i = 0; i < 20000; ++i) {
            const int whole = std::rand() % 100000;
            const int frac = std::rand() % 1000;
            const int digits = std::rand() % 4;
            QByteArray text = QByteArray::number(whole);
            if (digits > 0)
                text += '.' + QByteArray::number(frac).rightJustified(3, '0').left(digits);
            const double expected = std::strtod(text.constData(), nullptr);
            QCOMPARE(units::parseNumber(text), expected);
        }
        setlocale(LC_NUMERIC, "de_DE.UTF-8");
    }
};

QTEST_GUILESS_MAIN(TestUnits)
#include "tst_units.moc"
