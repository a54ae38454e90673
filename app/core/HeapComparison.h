// Two heap snapshots of one process compared per class: which objects were added and which removed. V8 keeps
// an object's id for as long as its profiler keeps its numbering (one inspector session; a process that writes
// snapshots itself, v8.writeHeapSnapshot or --heapsnapshot-signal), so then an id in both snapshots is the same
// object. A new numbering starts again from the same first id, so ids alone do not tell two numberings apart.
//
// The older snapshot is reduced to a digest (id, class, size per object: 16 bytes an object) before the newer
// one is read, so a comparison never holds two whole snapshots.
#pragma once

#include "HeapAnalysis.h"

#include <QString>
#include <QStringList>
#include <cstdint>
#include <vector>

namespace heapwatch {

struct HeapDigest
{
    struct Object
    {
        uint32_t id;
        uint32_t node;
        uint32_t cls; // index into classNames
        uint32_t size;
    };
    QStringList classNames;
    std::vector<Object> objects; // sorted by id
    uint64_t nodes = 0;
    uint64_t selfSize = 0;
    // The first snapshot of its numbering: V8 numbers the heap's objects (odd ids; the embedder's objects have
    // even ones) in the order the snapshot meets them, so their ids rise along the node order. In any later
    // snapshot of the numbering, objects allocated since (higher ids) lie among the older ones.
    bool firstOfNumbering = true;

    static HeapDigest of(const HeapAnalysis& analysis);
};

struct HeapDiffRow
{
    QString name;
    uint64_t countBefore = 0;
    uint64_t countAfter = 0;
    uint64_t sizeBefore = 0;
    uint64_t sizeAfter = 0;
    uint64_t countAdded = 0;
    uint64_t countRemoved = 0;
    uint64_t sizeAdded = 0;
    uint64_t sizeRemoved = 0;
    uint64_t retainedAfter = 0; // the class's retained size in the newer snapshot
    // For the top growers: the added object of the class that retains most, and how it is held.
    uint32_t exampleId = 0;
    QString examplePath;

    int64_t countDelta() const { return int64_t(countAdded) - int64_t(countRemoved); }
    int64_t sizeDelta() const { return int64_t(sizeAdded) - int64_t(sizeRemoved); }
};

struct HeapDiff
{
    std::vector<HeapDiffRow> rows; // largest size growth first; classes that did not change left out
    uint64_t nodesBefore = 0;
    uint64_t nodesAfter = 0;
    uint64_t selfSizeBefore = 0;
    uint64_t selfSizeAfter = 0;
    // False when the two snapshots' object ids do not name the same objects (taken in two inspector sessions,
    // or of two processes): added and removed are then each class's net change, not objects matched by id.
    bool idsMatched = true;
};

// before: the digest of the older snapshot; after: the newer one. The first examplesFor rows that grew get an
// example object with its retainer path.
HeapDiff compareSnapshots(const HeapDigest& before, const HeapAnalysis& after, int examplesFor = 5);

} // namespace heapwatch
