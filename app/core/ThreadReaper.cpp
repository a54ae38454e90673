#include "ThreadReaper.h"

#include <QCoreApplication>
#include <QMutex>
#include <QThread>
#include <vector>

namespace heapwatch::ThreadReaper {
namespace {

QMutex g_mutex;
std::vector<QThread*> g_threads;
bool g_postRoutineAdded = false;

// Joins every adopted thread when the process ends without a QCoreApplication (or after it).
struct JoinAtExit
{
    ~JoinAtExit() { joinAll(); }
};
JoinAtExit g_joinAtExit;

// Deletes the threads that have finished; never waits for one still running.
void reapFinished()
{
    std::vector<QThread*> done;
    {
        QMutexLocker lock(&g_mutex);
        for (auto it = g_threads.begin(); it != g_threads.end();) {
            if ((*it)->isFinished()) {
                done.push_back(*it);
                it = g_threads.erase(it);
            } else {
                ++it;
            }
        }
    }
    for (QThread* thread : done) {
        thread->wait(); // it has finished: this returns at once
        delete thread;
    }
}

} // namespace

void adopt(QThread* thread)
{
    if (!thread) {
        return;
    }
    QCoreApplication* app = QCoreApplication::instance();
    {
        QMutexLocker lock(&g_mutex);
        g_threads.push_back(thread);
        if (app && !g_postRoutineAdded) {
            g_postRoutineAdded = true;
            qAddPostRoutine(joinAll); // from ~QCoreApplication, while Qt is still whole
        }
    }
    if (app) {
        QObject::connect(thread, &QThread::finished, app, &reapFinished, Qt::QueuedConnection);
        QMetaObject::invokeMethod(app, &reapFinished, Qt::QueuedConnection); // one that finished already
    }
}

void joinAll()
{
    for (;;) {
        QThread* thread = nullptr;
        {
            QMutexLocker lock(&g_mutex);
            if (g_threads.empty()) {
                return;
            }
            thread = g_threads.back();
            g_threads.pop_back();
        }
        thread->wait();
        delete thread;
    }
}

int pending()
{
    QMutexLocker lock(&g_mutex);
    return int(g_threads.size());
}

} // namespace heapwatch::ThreadReaper
