// `heapwatch serve` under abuse from a loopback client: more connections than it keeps, requests dripped
// byte by byte, requests far too large. It must keep answering scrapes and keep watching its targets, and
// cut the abusers within its limits. Bounded: a few hundred connections, a few seconds, 127.0.0.1 only.

#include "HttpGet.h"
#include "MetricsServer.h"
#include "ServeConfig.h"
#include "ServeSession.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>
#include <memory>
#include <vector>

using namespace heapwatch;

namespace {

ServeConfig demoConfig(bool exposeLogs)
{
    ServeConfig config;
    TargetConfig demo;
    demo.kind = TargetConfig::Kind::Demo;
    demo.origin = QStringLiteral("--demo");
    config.targets.push_back(demo);
    config.exposeLogs = exposeLogs;
    return config;
}

// Sockets of the abusing client; each is checked for having been closed by the server.
struct Abuser
{
    std::vector<std::unique_ptr<QTcpSocket>> sockets;

    void open(quint16 port, int count)
    {
        for (int i = 0; i < count; ++i) {
            auto s = std::make_unique<QTcpSocket>();
            s->setProxy(QNetworkProxy::NoProxy);
            s->connectToHost(QHostAddress(QHostAddress::LocalHost), port);
            sockets.push_back(std::move(s));
        }
    }
    int closedByServer() const
    {
        int n = 0;
        for (const auto& s : sockets)
            n += s->state() == QAbstractSocket::UnconnectedState ? 1 : 0;
        return n;
    }
};

} // namespace

class TestServeAbuse : public QObject
{
    Q_OBJECT

    std::unique_ptr<ServeSession> m_session;
    QUrl m_base;

    QUrl url(const char* path) const { return m_base.resolved(QUrl(QString::fromLatin1(path))); }

    // A scrape answers 200 quickly, whatever the abusers are doing.
    void scrapeStillAnswers()
    {
        QElapsedTimer t;
        t.start();
        const HttpResult r = httpGet(url("metrics"), {}, 5000);
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.contains("heapwatch_target_up"));
        QVERIFY2(t.elapsed() < 3000, qPrintable(QString::number(t.elapsed())));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QLocale::setDefault(QLocale::c());
        m_session = std::make_unique<ServeSession>();
        QString error;
        QVERIFY2(m_session->start(demoConfig(false), QHostAddress(QHostAddress::LocalHost), 0, {}, &error),
                 qPrintable(error));
        m_base = QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(m_session->port()));
        const Target& demo = *m_session->targets().front().target;
        QTRY_VERIFY_WITH_TIMEOUT(demo.backfillDone() && demo.state().lastMemory().has_value(), 20000);
    }

    void moreConnectionsThanItKeeps()
    {
        // Three times the cap, opened and left silent: the oldest are closed as new ones come.
        const MetricsServer::Limits limits;
        Abuser abuser;
        abuser.open(m_session->port(), int(limits.maxConnections) * 3);
        QTRY_VERIFY_WITH_TIMEOUT(abuser.closedByServer() >= int(limits.maxConnections) * 2 - 1, 5000);
        scrapeStillAnswers();
        QVERIFY(m_session->server()->connectionsCut() >= quint64(limits.maxConnections) * 2 - 1);
    }

    void slowRequestsAreCut()
    {
        // Requests dripped a byte at a time hold every slot; a scrape still gets in, and each drip ends at
        // the request timeout.
        const MetricsServer::Limits limits;
        Abuser abuser;
        abuser.open(m_session->port(), int(limits.maxConnections));
        for (auto& s : abuser.sockets)
            QVERIFY(s->waitForConnected(2000));
        const QByteArray request("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Drip: ");
        QElapsedTimer t;
        t.start();
        int scrapes = 0;
        for (qsizetype i = 0; t.elapsed() < limits.requestTimeoutMs + 3000; ++i) {
            for (auto& s : abuser.sockets) {
                if (s->state() == QAbstractSocket::ConnectedState)
                    s->write(request.mid(i % request.size(), 1));
            }
            QTest::qWait(250);
            if (i % 8 == 0) {
                scrapeStillAnswers();
                ++scrapes;
            }
            if (abuser.closedByServer() == int(abuser.sockets.size()))
                break;
        }
        QVERIFY(scrapes > 0);
        QCOMPARE(abuser.closedByServer(), int(abuser.sockets.size()));
        QVERIFY2(t.elapsed() >= limits.requestTimeoutMs - 1000 || scrapes > 1, "cut before their time");
    }

    void hugeRequestsAreCut_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addRow("endless header") << QByteArray("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ");
        QTest::addRow("huge body") << QByteArray("POST /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                                                 "1048576\r\n\r\n");
    }
    void hugeRequestsAreCut()
    {
        QFETCH(QByteArray, head);
        const MetricsServer::Limits limits;
        Abuser abuser;
        abuser.open(m_session->port(), 8);
        const QByteArray chunk(64 * 1024, 'a');
        for (auto& s : abuser.sockets) {
            QVERIFY(s->waitForConnected(2000));
            s->write(head);
        }
        // 1 MiB each, 64 times the request cap: the server closes long before.
        for (int k = 0; k < 16 && abuser.closedByServer() < int(abuser.sockets.size()); ++k) {
            for (auto& s : abuser.sockets) {
                if (s->state() == QAbstractSocket::ConnectedState)
                    s->write(chunk);
            }
            QTest::qWait(50);
        }
        QTRY_COMPARE_WITH_TIMEOUT(abuser.closedByServer(), int(abuser.sockets.size()), 5000);
        QVERIFY(limits.maxRequestBytes < 1024 * 1024);
        scrapeStillAnswers();
    }

    void watchingGoesOn()
    {
        // The demo target keeps taking its live samples through all of the above.
        const Target& demo = *m_session->targets().front().target;
        const qint64 before = demo.state().lastDataMs();
        QTRY_VERIFY_WITH_TIMEOUT(demo.state().lastDataMs() > before, 10000);
    }

    void applicationLogsNeedATokenOrTheOption_data()
    {
        QTest::addColumn<bool>("exposeLogs");
        QTest::addColumn<bool>("withToken");
        QTest::addColumn<bool>("served");
        QTest::addRow("neither") << false << false << false;
        QTest::addRow("--expose-logs") << true << false << true;
        QTest::addRow("token") << false << true << true;
    }
    void applicationLogsNeedATokenOrTheOption()
    {
        QFETCH(bool, exposeLogs);
        QFETCH(bool, withToken);
        QFETCH(bool, served);
        const QByteArray token("another-t0ken-for-the-logs-test");
        ServeSession session;
        QString error;
        QVERIFY2(session.start(demoConfig(exposeLogs), QHostAddress(QHostAddress::LocalHost), 0,
                               withToken ? token : QByteArray(), &error),
                 qPrintable(error));
        const Target& demo = *session.targets().front().target;
        QTRY_VERIFY_WITH_TIMEOUT(demo.backfillDone() && !demo.state().problems().empty(), 20000);
        const HttpResult r = httpGet(QUrl(QStringLiteral("http://127.0.0.1:%1/api/v1/targets").arg(session.port())),
                                     withToken ? QByteArray("Bearer " + token) : QByteArray());
        QCOMPARE(r.status, 200);
        const QJsonObject report = QJsonDocument::fromJson(r.body).array().at(0).toObject();
        QVERIFY(report.contains(QStringLiteral("process"))); // the rest is served either way
        QCOMPARE(report.contains(QStringLiteral("recent_problems")), served);
        if (served)
            QVERIFY(!report.value(QStringLiteral("recent_problems")).toArray().isEmpty());
    }

    void cleanupTestCase() { m_session.reset(); }
};

QTEST_GUILESS_MAIN(TestServeAbuse)
#include "tst_serve_abuse.moc"
