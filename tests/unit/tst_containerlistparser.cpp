// ContainerListParser: the real `docker ps --format '{{json .}}'` capture, podman's array form, and hostile
// or broken server output (control characters, invalid names, oversized lines, too many containers).
#include "ContainerListParser.h"

#include <QFile>
#include <QLocale>
#include <QTest>

using namespace heapwatch;

namespace {

QByteArray readFixture(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open fixture %s", qPrintable(path));
    return f.readAll();
}

QByteArray psLine(const QByteArray& names, const QByteArray& extra = {})
{
    return "{\"ID\":\"abc\",\"Image\":\"node:20\",\"Names\":" + names
        + ",\"State\":\"running\",\"Status\":\"Up 1 "
          "hour\""
        + extra + "}\n";
}

} // namespace

class TestContainerListParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void dockerFixture()
    {
        const QByteArray out = readFixture(QFINDTESTDATA("../fixtures/docker-cli-28.2.2/ps-json.txt"));
        QVERIFY(!out.isEmpty());
        const ContainerListing l = ContainerListParser::parse(out);
        QCOMPARE(l.malformed, 0);
        QVERIFY(!l.truncated);
        QCOMPARE(int(l.containers.size()), 1);
        const ContainerListEntry& c = l.containers.front();
        QCOMPARE(c.name, QStringLiteral("pangolin"));
        QCOMPARE(c.id, QStringLiteral("6f70f8e18d04"));
        QCOMPARE(c.image, QStringLiteral("<no image>")); // \u003c … \u003e decoded, kept as plain text
        QCOMPARE(c.state, QStringLiteral("running"));
        QCOMPARE(c.status, QStringLiteral("Up 37 seconds"));
    }

    void fixtureTwiceWithNoise()
    {
        // The same capture twice plus lines a wrapper or a login banner might add: counted, not guessed.
        const QByteArray line = readFixture(QFINDTESTDATA("../fixtures/docker-cli-28.2.2/ps-json.txt")).trimmed();
        QByteArray second = line;
        second.replace("\"Names\":\"pangolin\"", "\"Names\":\"okapi,okapi-alias\"");
        const QByteArray out = "Welcome to web1\r\n" + line + "\r\n\r\n" + second + "\n{\"Names\":\"bro\n" + "[]\n";
        const ContainerListing l = ContainerListParser::parse(out);
        QCOMPARE(int(l.containers.size()), 2);
        QCOMPARE(l.containers[0].name, QStringLiteral("pangolin"));
        QCOMPARE(l.containers[1].name, QStringLiteral("okapi")); // the first of docker's comma-separated names
        QCOMPARE(l.malformed, 3);
    }

    void podmanArray()
    {
        const QByteArray out
            = "[\n  {\n    \"Id\": \"6f70f8e18d04aa\",\n    \"Image\": \"localhost/pangolin:latest\",\n"
              "    \"Names\": [\n      \"pangolin\"\n    ],\n    \"State\": \"running\",\n"
              "    \"Status\": \"\"\n  },\n  {\n    \"Id\": \"x\",\n    \"Names\": [\"/old\"],\n"
              "    \"State\": 3\n  },\n  {\n    \"Names\": []\n  }\n]\n";
        const ContainerListing l = ContainerListParser::parse(out);
        QCOMPARE(int(l.containers.size()), 2);
        QCOMPARE(l.containers[0].name, QStringLiteral("pangolin"));
        QCOMPARE(l.containers[0].id, QStringLiteral("6f70f8e18d04aa"));
        QCOMPARE(l.containers[0].image, QStringLiteral("localhost/pangolin:latest"));
        QCOMPARE(l.containers[1].name, QStringLiteral("old")); // leading '/' of old CLIs removed
        QCOMPARE(l.containers[1].state, QString()); // a numeric state is not shown
        QCOMPARE(l.malformed, 1);
    }

    void brokenArray()
    {
        const ContainerListing l = ContainerListParser::parse("[{\"Names\":[\"a\"]},");
        QCOMPARE(int(l.containers.size()), 0);
        QCOMPARE(l.malformed, 1);
    }

    void hostileText()
    {
        // ESC sequences, C1 controls and a bidi override in the texts; names with shell metacharacters.
        const QByteArray out = psLine("\"pangolin\"", ",\"Image\":\"evil\\u001b[2Jimage\\u202e\"")
            + psLine("\"a;rm -rf ~\"") + psLine("\"-flag\"") + psLine("\"\\u001b[31mred\"") + psLine("\"\"")
            + psLine("\"" + QByteArray(300, 'n') + "\"");
        const ContainerListing l = ContainerListParser::parse(out);
        QCOMPARE(int(l.containers.size()), 1);
        QCOMPARE(l.malformed, 5);
        // The later "Image" key wins in QJsonDocument; either way no control character survives.
        const QString image = l.containers[0].image;
        QCOMPARE(image, QStringLiteral("evil[2Jimage"));
    }

    void capsFieldsAndLines()
    {
        const QByteArray longStatus(5000, 's');
        QByteArray out = psLine("\"big\"", ",\"Status\":\"" + longStatus + "\"");
        out += "{\"Names\":\"huge\",\"Image\":\"" + QByteArray(ContainerListParser::kMaxLineBytes, 'i') + "\"}\n";
        const ContainerListing l = ContainerListParser::parse(out);
        QCOMPARE(int(l.containers.size()), 1);
        QCOMPARE(l.containers[0].status.size(), ContainerListParser::kMaxFieldChars);
        QCOMPARE(l.malformed, 1); // the oversized line
    }

    void capsContainerCount()
    {
        QByteArray out;
        for (int i = 0; i < ContainerListParser::kMaxContainers + 10; ++i)
            out += psLine("\"c" + QByteArray::number(i) + "\"");
        const ContainerListing l = ContainerListParser::parse(out);
        QCOMPARE(int(l.containers.size()), ContainerListParser::kMaxContainers);
        QVERIFY(l.truncated);
        QCOMPARE(l.containers.back().name, QStringLiteral("c%1").arg(ContainerListParser::kMaxContainers - 1));
    }

    void emptyOutput()
    {
        const ContainerListing l = ContainerListParser::parse("\n\n");
        QVERIFY(l.containers.empty());
        QCOMPARE(l.malformed, 0);
        QVERIFY(!l.truncated);
    }

    void validNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("valid");
        QTest::addRow("plain") << QStringLiteral("pangolin") << true;
        QTest::addRow("dots dashes underscores") << QStringLiteral("web_1.app-2") << true;
        QTest::addRow("leading dash") << QStringLiteral("-x") << false;
        QTest::addRow("leading dot") << QStringLiteral(".x") << false;
        QTest::addRow("space") << QStringLiteral("a b") << false;
        QTest::addRow("quote") << QStringLiteral("a'b") << false;
        QTest::addRow("non ascii") << QStringLiteral("caf\u00e9") << false;
        QTest::addRow("empty") << QString() << false;
        QTest::addRow("255 chars") << QString(255, QLatin1Char('a')) << true;
        QTest::addRow("256 chars") << QString(256, QLatin1Char('a')) << false;
    }
    void validNames()
    {
        QFETCH(QString, name);
        QFETCH(bool, valid);
        QCOMPARE(ContainerListParser::isValidName(name), valid);
    }
};

QTEST_GUILESS_MAIN(TestContainerListParser)
#include "tst_containerlistparser.moc"
