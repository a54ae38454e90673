// Bytes per minute per target in steady state: one SshSource watching the fake container over a loopback
// sshd (the Node app logs a Memory line a second, cache stats every 5 s, a warning every 7 s and a health-
// check line a second that the core does not need; stats redraw every 0.5 s). Measured twice: with the
// server-side grep filter and with its fallback (a server whose grep lacks --line-buffered). Prints the
// channel payload (what heapwatch parses) and the TCP bytes received (payload + SSH framing), per minute.
#include "SourceFactory.h"
#include "SourceRecorder.h"
#include "SshdFixture.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>
#include <cstdio>

using namespace heapwatch;
using namespace heapwatch::test;

namespace {

// bytes_received of the client side of the TCP connection to 127.0.0.1:port, from `ss -ti`.
qint64 tcpBytesReceived(int port)
{
    QProcess ss;
    ss.start(QStringLiteral("ss"),
             {QStringLiteral("-tinH"), QStringLiteral("state"), QStringLiteral("established"),
              QStringLiteral("( dport = :%1 )").arg(port)});
    ss.waitForFinished(5000);
    const QString out = QString::fromUtf8(ss.readAllStandardOutput());
    static const QRegularExpression re(QStringLiteral("bytes_received:(\\d+)"));
    qint64 total = 0;
    for (auto it = re.globalMatch(out); it.hasNext();) {
        total += it.next().captured(1).toLongLong();
    }
    return total;
}

struct Figures
{
    double payloadPerMinute = 0;
    double tcpPerMinute = 0;
    int statsSamples = 0;
    int logRecords = 0;
};

bool measure(bool filtered, int seconds, Figures* result, QString* error)
{
    SshdFixture f;
    if (!f.start(error)) {
        return false;
    }
    f.trustHostKey();
    if (!filtered) {
        // A grep without --line-buffered (busybox): the wrapper falls back to the unfiltered stream.
        QFile g(f.binDir() + QStringLiteral("/grep"));
        g.open(QIODevice::WriteOnly);
        g.write("#!/bin/sh\nexit 2\n");
        g.close();
        g.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }
    TargetConfig o;
    SourceContext ctx;
    o.location = f.target();
    o.identityFile = f.clientKey();
    o.knownHostsFile = f.knownHostsFile();
    auto source = createSource(o, ctx, error);
    if (!source) {
        return false;
    }
    SourceRecorder rec(source.get());
    source->start();
    if (!QTest::qWaitFor([&] { return rec.backfillFinished == 1 && rec.statsSamples() > 2; }, 60000)) {
        *error = QStringLiteral("no backfill/stats: %1").arg(rec.statusLog());
        return false;
    }
    QTest::qWait(3000); // past the backfill and the first inspect
    const quint64 payload0 = rec.bytes();
    const qint64 tcp0 = tcpBytesReceived(f.port());
    const int stats0 = rec.statsSamples();
    size_t logs0 = 0;
    for (const auto& b : rec.batches) {
        logs0 += b.logs.size();
    }
    QTest::qWait(seconds * 1000);
    const quint64 payload1 = rec.bytes();
    const qint64 tcp1 = tcpBytesReceived(f.port());
    size_t logs1 = 0;
    for (const auto& b : rec.batches) {
        logs1 += b.logs.size();
    }
    result->payloadPerMinute = double(payload1 - payload0) * 60.0 / seconds;
    result->tcpPerMinute = double(tcp1 - tcp0) * 60.0 / seconds;
    result->statsSamples = rec.statsSamples() - stats0;
    result->logRecords = int(logs1 - logs0);
    source->stop();
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption secondsOption(QStringLiteral("seconds"), QStringLiteral("Measurement window per run."),
                                           QStringLiteral("N"), QStringLiteral("30"));
    parser.addOption(secondsOption);
    parser.addHelpOption();
    parser.process(app);
    const int seconds = qMax(5, parser.value(secondsOption).toInt());

    Figures filtered;
    Figures unfiltered;
    QString error;
    if (!measure(true, seconds, &filtered, &error) || !measure(false, seconds, &unfiltered, &error)) {
        std::fprintf(stderr, "bench_traffic: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("steady-state traffic per target over %d s (1 Memory line/s, stats every 0.5 s):\n", seconds);
    std::printf(
        "  server-side filter:   %8.0f payload bytes/min  %8.0f TCP bytes/min  (%d stats samples, %d log records)\n",
        filtered.payloadPerMinute, filtered.tcpPerMinute, filtered.statsSamples, filtered.logRecords);
    std::printf(
        "  unfiltered fallback:  %8.0f payload bytes/min  %8.0f TCP bytes/min  (%d stats samples, %d log records)\n",
        unfiltered.payloadPerMinute, unfiltered.tcpPerMinute, unfiltered.statsSamples, unfiltered.logRecords);
    if (unfiltered.payloadPerMinute > 0) {
        std::printf("  filter saves %.0f %% of the payload\n",
                    100.0 * (1.0 - filtered.payloadPerMinute / unfiltered.payloadPerMinute));
    }
    return 0;
}
