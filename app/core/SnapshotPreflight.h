// The safety rules a heap snapshot must pass before it is taken (the snapshot pauses the app and needs
// about the heap's size again in memory: the app serialises it, the helper in the container relays it):
// enough free memory in the container, a heap not over a set size, and one snapshot at a time per target.
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

    double headroomFactor = kDefaultHeadroomFactor; // free memory must be at least this × heap used
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
};

struct SnapshotVerdict
{
    bool allowed = false;
    qint64 freeBytes = -1; // limit − usage, or the machine's available memory without a limit
    qint64 neededBytes = -1; // headroomFactor × heap used
    double pauseSeconds = 0; // the expected pause, for the confirmation
    QString reason; // why not (with the numbers), or what will happen
};

class SnapshotPreflight
{
public:
    static SnapshotVerdict judge(const SnapshotMemory& memory, const SnapshotLimits& limits);
    static double expectedPauseSeconds(qint64 heapUsedBytes);
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
