// Test helper for tst_historycrash: writes to a history store without end, as the console would, until it
// is killed. Arguments: the database path and the commit interval in ms. Rows of a one-second stats ring
// (1024 make a chunk); every 128 rows the open chunk is stored again, every sealed chunk is stored with an
// event beside it, and "sealed T0" is printed once it is enqueued.
#include "HistoryChunk.h"
#include "HistoryStore.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QThread>
#include <cstdio>

using namespace heapwatch;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 3)
        return 2;
    HistoryOptions options;
    options.path = QString::fromLocal8Bit(argv[1]);
    options.commitIntervalMs = QByteArray(argv[2]).toInt();
    options.fullRetentionMs = options.rollupRetentionMs = 10000LL * 24 * 3600 * 1000; // no prune
    HistoryStore store(options);
    QString error;
    if (!store.open(&error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    const QString key = QStringLiteral("web1/pangolin");
    store.noteTarget(key, QStringLiteral("pangolin"), 0);
    SampleRing<2> ring(8 * 1024); // old chunks drop from the ring; the store keeps them
    const qint64 start = 1768384800000; // 2026-01-14T10:00:00Z
    for (qint64 i = 0;; ++i) {
        const qint64 t = start + i * 1000;
        ring.push(t, {float(2.8 + double(i % 50) / 100.0), float(336.6 + double(i % 1000) / 10.0)});
        if (ring.openRowCount() == 0) { // just sealed
            const qsizetype last = ring.sealedChunkCount() - 1;
            const StoredChunk chunk = storedSealedChunk(key, RingKind::Stats, ring, last);
            store.addChunk(chunk);
            store.addEvent(
                {key, chunk.t1, HistoryEventKind::FlagTransition, {{QStringLiteral("chunk_t0"), double(chunk.t0)}}});
            std::printf("sealed %lld\n", static_cast<long long>(chunk.t0));
            std::fflush(stdout);
            QThread::msleep(100); // about 10 chunks a second, 10 000 rows: hundreds of times what a console writes
        } else if (ring.openRowCount() % 128 == 0) {
            store.addChunk(storedOpenChunk(key, RingKind::Stats, ring));
        }
    }
}
