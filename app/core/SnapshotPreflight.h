// The safety rules a heap snapshot must pass before it is taken: enough free memory in the container, a heap
// not over a set size, and one snapshot at a time per target. While V8 writes a snapshot it holds an entry
// and the edges of every object on the heap: the app's memory grows far more than "twice the heap" (Node's
// documentation). Measured on Node 20 in a podman container (README "Heap snapshots"): a heap of 79 MiB in
// 1.84 M objects grew the app by 1764 MiB (23 x the heap, 960 B an object), 26 MiB in 441 000 objects by
// 388 MiB, 22 MiB of large strings in about 120 000 objects by 170 MiB. So the memory a snapshot needs is
// estimated from the number of objects (counted by the helper just before) and the heap's size, and the
// container must have that free.
// Pure rules on numbers, so that the console and `heapwatch snapshot` refuse alike and tests can hold them.
#pragma once

#include <QString>
#include <QtGlobal>

namespace heapwatch {

struct SnapshotLimits
{
    static constexpr double kDefaultHeadroomFactor = 1.5;
    static constexpr qint64 kDefaultMaxHeapBytes = 800LL * 1024 * 1024;
    // Measured on Node 20 in a podman container over SSH on loopback, on a shared 2-core VM (README "Heap
    // snapshots", tests/engine/engine-snapshot.sh): the app's event loop stood still 5.1 to 7.2 s for heaps of
    // 24 to 29 MB (snapshots of 56 to 60 MB), the walk and the streaming of the chunks together: 21 to 25 s
    // per 100 MB; the higher figure is the one promised.
    static constexpr double kPauseSecondsPer100MB = 25.0;
    // The memory a snapshot needs: kBytesPerObject for each object on the heap plus kHeapCopies × the heap
    // used (covers the three measurements above with 20 % to 40 % to spare). Without a count of the objects,
    // kUnknownCountFactor × the heap used: the densest heap measured (43 B an object) at that rate.
    static constexpr double kBytesPerObject = 1000.0;
    static constexpr double kHeapCopies = 4.0;
    static constexpr double kUnknownCountFactor = 27.0;
    // The snapshot's pause grows with the objects too: 19 us an object for 1.84 M objects (35 s).
    static constexpr double kPauseSecondsPerMillionObjects = 20.0;

    double headroomFactor = kDefaultHeadroomFactor; // free memory is never less than this × heap used
    qint64 maxHeapBytes = kDefaultMaxHeapBytes; // a heap above this is never snapshotted
};

// What the helper measured inside the container just before the snapshot (-1: unknown).
struct SnapshotMemory
{
    qint64 heapUsed = -1; // the app's process.memoryUsage().heapUsed
    qint64 heapTotal = -1;
    qint64 limit = -1; // the container's cgroup memory limit; -1: none
    qint64 usage = -1; // the cgroup's memory usage
    qint64 available = -1; // MemAvailable of the machine, the bound when the container has no limit
    qint64 objects = -1; // the objects on the app's heap, counted by the helper (-1: the count failed)
    bool counted = false; // the helper has counted (or tried to count) the objects
};

struct SnapshotVerdict
{
    bool allowed = false;
    qint64 freeBytes = -1; // limit − usage, or the machine's available memory without a limit
    qint64 neededBytes = -1; // what the snapshot is expected to take (neededMemory)
    double pauseSeconds = 0; // the expected pause, for the confirmation
    QString reason; // why not (with the numbers), or what will happen
};

class SnapshotPreflight
{
public:
    // Before the objects are counted: the least any snapshot of this heap needs (max(headroomFactor,
    // kHeapCopies) × the heap used). Counting the objects takes memory too, so a container that cannot
    // afford even that is refused before its objects are counted.
    static SnapshotVerdict judgeBeforeCount(const SnapshotMemory& memory, const SnapshotLimits& limits);
    static SnapshotVerdict judge(const SnapshotMemory& memory, const SnapshotLimits& limits);
    static double expectedPauseSeconds(qint64 heapUsedBytes, qint64 objects = -1);
    // The memory a snapshot of this heap is expected to need (see SnapshotLimits), never less than
    // headroomFactor × the heap used.
    static qint64 neededMemory(const SnapshotMemory& memory, const SnapshotLimits& limits);
};

// One snapshot at a time per target inside this process (the helper holds a lock file in the container
// for the same rule across processes and machines). Held while the object lives.
class SnapshotTargetLock
{
public:
    explicit SnapshotTargetLock(QString targetKey);
    ~SnapshotTargetLock();
    SnapshotTargetLock(const SnapshotTargetLock&) = delete;
    SnapshotTargetLock& operator=(const SnapshotTargetLock&) = delete;
    bool acquired() const { return m_acquired; }

private:
    QString m_key;
    bool m_acquired = false;
};

} // namespace heapwatch
