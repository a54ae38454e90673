// Alerts: one notification per transition into warning/critical, rate-limited repeats, escalations always;
// the webhook posts one JSON object per alert to a local HTTP listener (127.0.0.1 only) and drops posts
// beyond its per-minute limit.
#include "AlertNotifier.h"
#include "WebhookSender.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace heapwatch;

namespace {

Assessment withLevel(Level rss, Level heap = Level::Ok)
{
    Assessment a;
    Flag f;
    f.id = QStringLiteral("rss");
    f.metric = QStringLiteral("RSS Memory");
    f.unit = QStringLiteral("MiB");
    f.value = rss == Level::Ok ? 336.6 : rss == Level::Warning ? 352.0 : 380.0;
    f.warning = 350;
    f.critical = 370;
    f.level = rss;
    a.flags.push_back(f);
    Flag h;
    h.id = QStringLiteral("heap_usage");
    h.metric = QStringLiteral("Heap Usage %");
    h.unit = QStringLiteral("%");
    h.value = 97.6;
    h.warning = 85;
    h.critical = 95;
    h.level = heap;
    a.flags.push_back(h);
    return a;
}

// A minimal HTTP/1.1 listener on loopback: collects each request's method, headers and body, answers 204.
class HttpListener : public QObject
{
public:
    struct Request
    {
        QByteArray head;
        QByteArray body;
    };
    HttpListener()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] { accept(); });
    }
    quint16 port() const { return m_server.serverPort(); }
    QList<Request> requests;

private:
    void accept()
    {
        while (QTcpSocket* socket = m_server.nextPendingConnection()) {
            auto buffer = std::make_shared<QByteArray>();
            connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer] {
                buffer->append(socket->readAll());
                const qsizetype end = buffer->indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                const QByteArray head = buffer->left(end);
                qsizetype length = 0;
                for (const QByteArray& line : head.split('\n')) {
                    if (line.toLower().startsWith("content-length:"))
                        length = line.mid(15).trimmed().toLongLong();
                }
                if (buffer->size() < end + 4 + length)
                    return;
                requests.append({head, buffer->mid(end + 4, length)});
                buffer->clear();
                socket->write("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                socket->disconnectFromHost();
            });
        }
    }
    QTcpServer m_server;
};

} // namespace

class TestAlerts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // A desktop notification and the tray show the title and message: one plain line whatever a name or a
    // note carries.
    void notificationTextIsOnePlainLine()
    {
        Alert a;
        a.targetName = QStringLiteral("pangolin\r\n\x1b]0;owned\x07");
        a.metric = QStringLiteral("Heap Usage %");
        a.level = Level::Critical;
        a.previous = Level::Ok;
        a.value = QStringLiteral("97.6%");
        a.threshold = QStringLiteral(">95%");
        a.reading = QStringLiteral("Heap Usage % 97.6% (>95%)");
        a.note = QStringLiteral("restarted\nby \u202eevil\u009b");
        for (const QString& text : {a.title(), a.message()}) {
            for (const QChar c : text) {
                const char16_t u = c.unicode();
                QVERIFY2(u >= 0x20 && !(u >= 0x7f && u <= 0x9f) && !(u >= 0x202a && u <= 0x202e),
                         qPrintable(QStringLiteral("U+%1 in %2").arg(int(u), 4, 16).arg(text)));
            }
        }
        QVERIFY(a.title().startsWith(QLatin1String("pangolin ")));
        QVERIFY(a.message().contains(QLatin1String("restarted by evil")));
    }

    void oncePerTransition()
    {
        AlertNotifier n;
        n.setGroupWindowMs(0); // each evaluation's alerts at once: this test is about levels, not grouping
        n.setMinIntervalMs(60000);
        QSignalSpy spy(&n, &AlertNotifier::alert);
        qint64 t = 0;
        n.observe(QStringLiteral("k"), QStringLiteral("pangolin"), withLevel(Level::Ok), 0, t += 1000);
        QCOMPARE(spy.count(), 0); // ok is no news
        n.observe(QStringLiteral("k"), QStringLiteral("pangolin"), withLevel(Level::Warning), 0, t += 1000);
        QCOMPARE(spy.count(), 1);
        const Alert a = spy.at(0).at(0).value<Alert>();
        QCOMPARE(a.flagId, QStringLiteral("rss"));
        QCOMPARE(a.level, Level::Warning);
        QCOMPARE(a.previous, Level::Ok);
        QCOMPARE(a.value, QStringLiteral("352.0 MiB"));
        QCOMPARE(a.threshold, QStringLiteral(">350 MiB"));
        // Staying in warning: no more alerts, however often it is observed.
        for (int i = 0; i < 10; ++i)
            n.observe(QStringLiteral("k"), QStringLiteral("pangolin"), withLevel(Level::Warning), 0, t += 1000);
        QCOMPARE(spy.count(), 1);
        // An escalation always gets through, even inside the interval.
        n.observe(QStringLiteral("k"), QStringLiteral("pangolin"), withLevel(Level::Critical), 0, t += 1000);
        QCOMPARE(spy.count(), 2);
        // Getting better is not an alert.
        n.observe(QStringLiteral("k"), QStringLiteral("pangolin"), withLevel(Level::Warning), 0, t += 1000);
        n.observe(QStringLiteral("k"), QStringLiteral("pangolin"), withLevel(Level::Ok), 0, t += 1000);
        QCOMPARE(spy.count(), 2);
        // Flapping back into warning within the interval is suppressed, and counted.
        n.observe(QStringLiteral("k"), QStringLiteral("pangolin"), withLevel(Level::Warning), 0, t += 1000);
        QCOMPARE(spy.count(), 2);
        QCOMPARE(n.suppressedCount(), 1);
        // After the interval the next transition is news again.
        n.observe(QStringLiteral("k"), QStringLiteral("pangolin"), withLevel(Level::Ok), 0, t += 1000);
        n.observe(QStringLiteral("k"), QStringLiteral("pangolin"), withLevel(Level::Warning), 0, t += 61000);
        QCOMPARE(spy.count(), 3);
    }

    // A flag that flaps (FlagTiming reports it, holding the worst level of its range) raises one alert when it
    // starts, naming the flapping, and none for the level changes that follow until it has settled.
    void flappingRaisesOneAlert()
    {
        AlertNotifier n;
        n.setGroupWindowMs(0); // each evaluation's alerts at once: this test is about levels, not grouping
        n.setMinIntervalMs(60000);
        QSignalSpy spy(&n, &AlertNotifier::alert);
        const auto flapping = [](Level heap, bool flaps) {
            Assessment a = withLevel(Level::Ok, heap);
            a.flags[1].flapping = flaps;
            if (flaps)
                a.flags[1].note = QStringLiteral("flapping between warning and critical (4 changes in 10 min)");
            return a;
        };
        qint64 t = 0;
        n.observe(QStringLiteral("k"), QStringLiteral("pangolin"), flapping(Level::Warning, false), 0, t += 1000);
        QCOMPARE(spy.count(), 1); // ok → warning: news
        n.observe(QStringLiteral("k"), QStringLiteral("pangolin"), flapping(Level::Critical, true), 0, t += 1000);
        QCOMPARE(spy.count(), 2); // starts to flap: the one alert for it
        const Alert a = spy.at(1).at(0).value<Alert>();
        QVERIFY(a.flapping);
        QCOMPARE(a.title(), QStringLiteral("pangolin: Heap Usage % critical (flapping)"));
        QVERIFY(a.message().contains(QLatin1String("flapping between warning and critical")));
        // Its changes while it flaps, over many minutes (past the rate limit too): no alert, each counted.
        const int suppressedBefore = n.suppressedCount();
        for (int i = 0; i < 12; ++i) {
            const Level l = i % 2 ? Level::Critical : Level::Warning;
            n.observe(QStringLiteral("k"), QStringLiteral("pangolin"), flapping(l, true), 0, t += 90000);
        }
        QCOMPARE(spy.count(), 2);
        QCOMPARE(n.suppressedCount(), suppressedBefore + 12);
        // Settled (no longer flapping): ordinary transitions are news again.
        n.observe(QStringLiteral("k"), QStringLiteral("pangolin"), flapping(Level::Ok, false), 0, t += 90000);
        n.observe(QStringLiteral("k"), QStringLiteral("pangolin"), flapping(Level::Warning, false), 0, t += 90000);
        QCOMPARE(spy.count(), 3);
        QVERIFY(!spy.at(2).at(0).value<Alert>().flapping);
    }

    // Flags of one target that change in the same evaluation or within the group window (2 s) make one
    // notification naming each flag, its value and since when; flags further apart make one each. Steps are
    // "ms:rss:heap" with levels o/w/c, one observation each; the notifier is then observed 3 s more.
    void groupsFlagsThatChangeTogether_data()
    {
        QTest::addColumn<QStringList>("steps");
        QTest::addColumn<QStringList>("texts"); // Alert::text() of each alert, in order
        QTest::addColumn<QString>("firstTitle");
        QTest::addRow("one evaluation")
            << QStringList {"0:c:c"}
            << QStringList {"badger: critical — RSS Memory 380.0 MiB (since 14:01), Heap Usage % 97.6% (since 14:02)"}
            << "badger: critical (2 flags)";
        QTest::addRow("within 2 s, the worst leads")
            << QStringList {"0:w:o", "1000:w:c"}
            << QStringList {"badger: critical — Heap Usage % 97.6% (since 14:02), RSS Memory 352.0 MiB (warning, "
                            "since 14:01)"}
            << "badger: critical (2 flags)";
        QTest::addRow("apart, one each")
            << QStringList {"0:w:o", "2000:w:o", "5000:w:c"}
            << QStringList {"badger: RSS Memory warning — RSS Memory 352.0 MiB (>350 MiB) since 14:01",
                            "badger: Heap Usage % critical — Heap Usage % 97.6% (>95%) since 14:02 — was ok"}
            << "badger: RSS Memory warning";
        QTest::addRow("escalation while waiting: one alert")
            << QStringList {"0:w:o", "1000:c:o"}
            << QStringList {"badger: RSS Memory critical — RSS Memory 380.0 MiB (>370 MiB) since 14:01"}
            << "badger: RSS Memory critical";
        QTest::addRow("escalation while waiting keeps the first was")
            << QStringList {"0:o:o", "1000:w:o", "2000:c:o"}
            << QStringList {"badger: RSS Memory critical — RSS Memory 380.0 MiB (>370 MiB) since 14:01 — was ok"}
            << "badger: RSS Memory critical";
    }

    void groupsFlagsThatChangeTogether()
    {
        QFETCH(QStringList, steps);
        QFETCH(QStringList, texts);
        QFETCH(QString, firstTitle);
        const QDateTime day(QDate(2026, 1, 14), QTime(14, 3));
        auto levelOf = [](const QString& c) {
            return c == QLatin1String("c") ? Level::Critical : c == QLatin1String("w") ? Level::Warning : Level::Ok;
        };
        AlertNotifier n;
        QCOMPARE(AlertNotifier::kDefaultGroupWindowMs, qint64(2000));
        QSignalSpy spy(&n, &AlertNotifier::alert);
        qint64 last = 0;
        Assessment a;
        for (const QString& step : steps) {
            const QStringList p = step.split(QLatin1Char(':'));
            a = withLevel(levelOf(p.at(1)), levelOf(p.at(2)));
            a.flags[0].sinceMs = QDateTime(day.date(), QTime(14, 1)).toMSecsSinceEpoch();
            a.flags[1].sinceMs = QDateTime(day.date(), QTime(14, 2)).toMSecsSinceEpoch();
            last = p.at(0).toLongLong();
            n.observe(QStringLiteral("k"), QStringLiteral("badger"), a, day.toMSecsSinceEpoch(), last);
        }
        for (int i = 1; i <= 3; ++i)
            n.observe(QStringLiteral("k"), QStringLiteral("badger"), a, day.toMSecsSinceEpoch(), last + i * 1000);
        QStringList got;
        for (const auto& args : spy)
            got << args.at(0).value<Alert>().text();
        QCOMPARE(got, texts);
        QCOMPARE(spy.at(0).at(0).value<Alert>().title(), firstTitle);
    }

    // A group waits at most the window: nothing goes out before it, and a removed target's group never does.
    void groupWaitsTheWindowOnly()
    {
        AlertNotifier n;
        QSignalSpy spy(&n, &AlertNotifier::alert);
        n.observe(QStringLiteral("k"), QStringLiteral("badger"), withLevel(Level::Critical), 0, 10000);
        n.observe(QStringLiteral("k"), QStringLiteral("badger"), withLevel(Level::Critical), 0, 11999);
        QCOMPARE(spy.count(), 0);
        n.observe(QStringLiteral("k"), QStringLiteral("badger"), withLevel(Level::Critical), 0, 12000);
        QCOMPARE(spy.count(), 1);
        n.observe(QStringLiteral("j"), QStringLiteral("jackal"), withLevel(Level::Critical), 0, 12000);
        n.forget(QStringLiteral("j"));
        n.observe(QStringLiteral("j"), QStringLiteral("jackal"), withLevel(Level::Ok), 0, 20000);
        QCOMPARE(spy.count(), 1);
    }

    void unknownToCriticalAndPerTarget()
    {
        AlertNotifier n;
        n.setGroupWindowMs(0);
        QSignalSpy spy(&n, &AlertNotifier::alert);
        // A target first judged critical (e.g. after its backfill) alerts once; another target separately.
        n.observe(QStringLiteral("a"), QStringLiteral("a"), withLevel(Level::Ok, Level::Critical), 0, 0);
        n.observe(QStringLiteral("a"), QStringLiteral("a"), withLevel(Level::Ok, Level::Critical), 0, 1000);
        n.observe(QStringLiteral("b"), QStringLiteral("b"), withLevel(Level::Ok, Level::Critical), 0, 1000);
        QCOMPARE(spy.count(), 2);
        QCOMPARE(spy.at(0).at(0).value<Alert>().flagId, QStringLiteral("heap_usage"));
        n.forget(QStringLiteral("a"));
        n.observe(QStringLiteral("a"), QStringLiteral("a"), withLevel(Level::Ok, Level::Critical), 0, 2000);
        QCOMPARE(spy.count(), 3); // a removed and re-added target is a new target: its state is news again
    }

    void webhookPostsJson()
    {
        HttpListener listener;
        QVERIFY(listener.port() > 0);
        WebhookSender sender;
        QVERIFY(!sender.isEnabled());
        sender.setUrl(QUrl(QStringLiteral("http://127.0.0.1:%1/hook").arg(listener.port())));
        QVERIFY(sender.isEnabled());
        QSignalSpy delivered(&sender, &WebhookSender::delivered);
        Alert a;
        a.targetKey = QStringLiteral("ssh://ops@web1/pangolin");
        a.targetName = QStringLiteral("pangolin");
        a.flagId = QStringLiteral("heap_usage");
        a.metric = QStringLiteral("Heap Usage %");
        a.previous = Level::Ok;
        a.level = Level::Critical;
        a.value = QStringLiteral("97.6%");
        a.threshold = QStringLiteral(">95%");
        a.atMs = 1768384800000;
        QVERIFY(sender.send(a, 0));
        QVERIFY(delivered.wait(5000));
        QCOMPARE(delivered.at(0).at(0).toInt(), 204);
        QCOMPARE(listener.requests.size(), 1);
        const auto& req = listener.requests.first();
        QVERIFY(req.head.startsWith("POST /hook HTTP/1.1"));
        QVERIFY(req.head.toLower().contains("content-type: application/json"));
        const QJsonObject o = QJsonDocument::fromJson(req.body).object();
        QCOMPARE(o.value(QStringLiteral("flag")).toString(), QStringLiteral("heap_usage"));
        QCOMPARE(o.value(QStringLiteral("level")).toString(), QStringLiteral("critical"));
        QCOMPARE(o.value(QStringLiteral("previous_level")).toString(), QStringLiteral("ok"));
        QCOMPARE(o.value(QStringLiteral("target")).toString(), QStringLiteral("ssh://ops@web1/pangolin"));
        QCOMPARE(o.value(QStringLiteral("value")).toString(), QStringLiteral("97.6%"));
        QCOMPARE(o.value(QStringLiteral("at")).toString(), QStringLiteral("2026-01-14T10:00:00.000Z"));
        QVERIFY(o.value(QStringLiteral("text")).toString().contains(QStringLiteral("CRITICAL")));
        QCOMPARE(o.value(QStringLiteral("flags")).toArray().size(), 1);

        // A group: every flag in `flags`, the lead first, and the text names them all.
        Alert rss = a;
        rss.flagId = QStringLiteral("rss");
        rss.metric = QStringLiteral("RSS Memory");
        rss.level = Level::Warning;
        rss.value = QStringLiteral("352.0 MiB");
        rss.sinceMs = 1768384740000;
        a.grouped.push_back(rss);
        const QJsonObject g = WebhookSender::payload(a);
        const QJsonArray flags = g.value(QStringLiteral("flags")).toArray();
        QCOMPARE(flags.size(), 2);
        QCOMPARE(flags.at(1).toObject().value(QStringLiteral("flag")).toString(), QStringLiteral("rss"));
        QCOMPARE(flags.at(1).toObject().value(QStringLiteral("since")).toString(),
                 QStringLiteral("2026-01-14T09:59:00.000Z"));
        QVERIFY(flags.at(0).toObject().value(QStringLiteral("since")).isNull());
        QVERIFY2(g.value(QStringLiteral("text"))
                     .toString()
                     .startsWith(QStringLiteral("heapwatch CRITICAL: pangolin: critical — Heap Usage % 97.6%, RSS "
                                                "Memory 352.0 MiB (warning, since ")),
                 qPrintable(g.value(QStringLiteral("text")).toString()));
    }

    void webhookRateLimit()
    {
        HttpListener listener;
        WebhookSender sender;
        sender.setUrl(QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(listener.port())));
        sender.setMaxPerMinute(2);
        QSignalSpy delivered(&sender, &WebhookSender::delivered);
        Alert a;
        a.level = Level::Warning;
        QVERIFY(sender.send(a, 0));
        QVERIFY(sender.send(a, 1000));
        QVERIFY(!sender.send(a, 2000)); // third within the minute: dropped
        QCOMPARE(sender.droppedCount(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(delivered.count(), 2, 5000);
        QVERIFY(sender.send(a, 61000)); // the window moved on
        QTRY_COMPARE_WITH_TIMEOUT(listener.requests.size(), 3, 5000);
        sender.setUrl(QUrl(QStringLiteral("file:///etc/passwd")));
        QVERIFY(!sender.send(a, 200000)); // only http(s)
    }
};

QTEST_MAIN(TestAlerts)
#include "tst_alerts.moc"
