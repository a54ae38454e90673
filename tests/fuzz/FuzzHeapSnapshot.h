// What the heap snapshot fuzz target does with one input (see FuzzTargets.h for the conventions): read it as
// a snapshot; when it reads, analyse it and check what must hold for any graph: every node in one class, no
// retained size below the node's own, the root retaining the whole heap, no change against itself.
#pragma once

#include "FuzzTargets.h"
#include "HeapAnalysis.h"
#include "HeapComparison.h"
#include "HeapSnapshot.h"

namespace heapwatch::fuzz {

inline void heapSnapshot(const uint8_t* data, size_t size)
{
    QString error;
    const auto s = HeapSnapshot::parse(QByteArrayView(reinterpret_cast<const char*>(data), qsizetype(size)), &error);
    if (!s) {
        if (error.isEmpty())
            violated("heap snapshot refused without a reason");
        return;
    }
    const HeapAnalysis a(*s);
    uint64_t count = 0, self = 0;
    for (const HeapClassRow& row : a.classes())
        count += row.count;
    if (count != s->nodeCount())
        violated("heap snapshot: the classes do not count every node once");
    for (uint32_t i = 0; i < s->nodeCount(); ++i) {
        self += s->selfSize(i);
        if (a.retainedSize(i) < s->selfSize(i))
            violated("heap snapshot: retained size below the node's own size");
        if (i < 64)
            a.retainerPath(i);
    }
    if (a.retainedSize(0) != self)
        violated("heap snapshot: the root does not retain the whole heap");
    a.largest(5);
    a.totals();
    // A snapshot compared with itself: nothing added, nothing removed.
    const HeapDiff same = compareSnapshots(HeapDigest::of(a), a);
    if (!same.rows.empty())
        violated("heap snapshot compared with itself has changes");
}

} // namespace heapwatch::fuzz
