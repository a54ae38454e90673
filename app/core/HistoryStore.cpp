#include "HistoryStore.h"

#include "HistoryWriter.h"

#include <QPromise>
#include <QThread>
#include <algorithm>
#include <memory>

namespace heapwatch {

namespace {

// Runs f on the worker's thread and hands its result back through a future.
template<typename T, typename F> QFuture<T> callOn(HistoryWriter* writer, F f)
{
    auto promise = std::make_shared<QPromise<T>>();
    QFuture<T> future = promise->future();
    promise->start();
    if (!writer) {
        promise->addResult(T {});
        promise->finish();
        return future;
    }
    QMetaObject::invokeMethod(
        writer,
        [promise, writer, f] {
            promise->addResult(f(writer));
            promise->finish();
        },
        Qt::QueuedConnection);
    return future;
}

} // namespace

HistoryStore::HistoryStore(HistoryOptions options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    if (m_options.path.isEmpty())
        m_options.path = HistoryOptions::defaultPath();
    m_options.commitIntervalMs = std::clamp(m_options.commitIntervalMs, 0, 10000);
}

HistoryStore::~HistoryStore()
{
    close();
}

bool HistoryStore::open(QString* error)
{
    if (m_thread)
        return true;
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("history store"));
    m_writer = new HistoryWriter(m_options);
    m_writer->moveToThread(m_thread);
    connect(m_writer, &HistoryWriter::writeFailed, this, &HistoryStore::writeFailed, Qt::QueuedConnection);
    connect(m_thread, &QThread::finished, m_writer, &QObject::deleteLater);
    m_thread->start();
    auto opened = callOn<QString>(m_writer, [](HistoryWriter* w) {
        QString why;
        return w->open(&why) ? QString() : (why.isEmpty() ? QStringLiteral("cannot open") : why);
    });
    const QString why = opened.result();
    if (why.isEmpty())
        return true;
    *error = why;
    close();
    return false;
}

void HistoryStore::noteTarget(const QString& key, const QString& displayName, qint64 seenMs)
{
    if (m_writer)
        QMetaObject::invokeMethod(
            m_writer, [w = m_writer, key, displayName, seenMs] { w->noteTarget(key, displayName, seenMs); },
            Qt::QueuedConnection);
}

void HistoryStore::addChunk(const StoredChunk& chunk)
{
    if (m_writer)
        QMetaObject::invokeMethod(
            m_writer, [w = m_writer, chunk] { w->addChunk(chunk); }, Qt::QueuedConnection);
}

void HistoryStore::addEvent(const StoredEvent& event)
{
    if (m_writer)
        QMetaObject::invokeMethod(
            m_writer, [w = m_writer, event] { w->addEvent(event); }, Qt::QueuedConnection);
}

QFuture<bool> HistoryStore::flush()
{
    return callOn<bool>(m_writer, [](HistoryWriter* w) { return w->commit(); });
}

QFuture<PruneResult> HistoryStore::prune(qint64 nowMs)
{
    return callOn<PruneResult>(m_writer, [nowMs](HistoryWriter* w) { return w->prune(nowMs); });
}

QFuture<PruneResult> HistoryStore::setRetention(qint64 fullRetentionMs, qint64 rollupRetentionMs, qint64 nowMs)
{
    m_options.fullRetentionMs = std::max(fullRetentionMs, HistoryOptions::kDay);
    m_options.rollupRetentionMs = std::max(rollupRetentionMs, m_options.fullRetentionMs);
    const qint64 full = m_options.fullRetentionMs;
    const qint64 rollup = m_options.rollupRetentionMs;
    return callOn<PruneResult>(m_writer, [full, rollup, nowMs](HistoryWriter* w) {
        w->setRetention(full, rollup);
        return w->prune(nowMs);
    });
}

QFuture<bool> HistoryStore::forget(const QString& key)
{
    return callOn<bool>(m_writer, [key](HistoryWriter* w) { return w->forget(key); });
}

void HistoryStore::close()
{
    if (!m_thread)
        return;
    // Everything enqueued before runs first: the queue is in order.
    callOn<bool>(m_writer, [](HistoryWriter* w) {
        w->close();
        return true;
    }).waitForFinished();
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    m_writer = nullptr; // deleted by the thread's finished signal
}

} // namespace heapwatch
