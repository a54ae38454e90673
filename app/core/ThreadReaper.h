// The owner of worker threads that were told to finish and that nobody waits for. A source, a host or a
// listing hands its thread over once it asked it to stop; the GUI thread goes on at once. A thread that has
// finished is deleted from the application's event loop (its wait() then returns at once); the threads
// still winding down at exit are joined when the QCoreApplication is destroyed (or, without one, when the
// process ends). No thread is ever detached, and no caller ever waits for a network peer.
#pragma once

class QThread;

namespace heapwatch::ThreadReaper {

// Takes ownership of thread, which must already have been asked to finish (or be about to be, from the
// caller): it may be running or finished, never unstarted. Any thread may call this.
void adopt(QThread* thread);
// Joins and deletes every adopted thread; called at exit, and by tests that count threads.
void joinAll();
// Threads adopted and not yet deleted.
int pending();

} // namespace heapwatch::ThreadReaper
