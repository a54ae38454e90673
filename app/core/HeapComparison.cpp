#include "HeapComparison.h"

#include <QHash>
#include <algorithm>

namespace heapwatch {

HeapDigest HeapDigest::of(const HeapAnalysis& analysis)
{
    const HeapSnapshot& s = analysis.snapshot();
    HeapDigest d;
    d.classNames = analysis.classNames();
    d.nodes = s.nodeCount();
    d.objects.resize(s.nodeCount());
    uint32_t lastHeapId = 0;
    for (uint32_t i = 0; i < s.nodeCount(); ++i) {
        const uint32_t id = s.nodeId(i);
        d.objects[i] = {id, i, analysis.classOf(i), s.selfSize(i)};
        d.selfSize += s.selfSize(i);
        if (id & 1u) {
            d.firstOfNumbering = d.firstOfNumbering && id > lastHeapId;
            lastHeapId = id;
        }
    }
    std::sort(d.objects.begin(), d.objects.end(),
              [](const Object& a, const Object& b) { return a.id != b.id ? a.id < b.id : a.node < b.node; });
    return d;
}

HeapDiff compareSnapshots(const HeapDigest& before, const HeapAnalysis& after, int examplesFor)
{
    const HeapDigest now = HeapDigest::of(after);
    HeapDiff diff;
    diff.nodesBefore = before.nodes;
    diff.nodesAfter = now.nodes;
    diff.selfSizeBefore = before.selfSize;
    diff.selfSizeAfter = now.selfSize;

    // One row per class name of either snapshot (the class numbers of the two differ).
    std::vector<HeapDiffRow> rows;
    QHash<QString, uint32_t> rowOf;
    const auto rowsFor = [&](const QStringList& names) {
        std::vector<uint32_t> map(size_t(names.size()));
        for (qsizetype c = 0; c < names.size(); ++c) {
            auto it = rowOf.constFind(names.at(c));
            if (it == rowOf.constEnd()) {
                it = rowOf.insert(names.at(c), uint32_t(rows.size()));
                rows.push_back(HeapDiffRow {});
                rows.back().name = names.at(c);
            }
            map[size_t(c)] = it.value();
        }
        return map;
    };
    const std::vector<uint32_t> oldRow = rowsFor(before.classNames);
    const std::vector<uint32_t> newRow = rowsFor(now.classNames);
    for (const HeapDigest::Object& o : before.objects) {
        rows[oldRow[o.cls]].countBefore++;
        rows[oldRow[o.cls]].sizeBefore += o.size;
    }
    for (const HeapDigest::Object& o : now.objects) {
        rows[newRow[o.cls]].countAfter++;
        rows[newRow[o.cls]].sizeAfter += o.size;
    }

    // Merge by id: in the new snapshot only = added, in the old only = removed. An object that kept its id
    // but changed class or size (an array that grew in place) counts as removed from the old class and added
    // to the new one when either differs.
    std::vector<std::vector<uint32_t>> added(rows.size());
    size_t i = 0, j = 0;
    uint64_t matched = 0, matchedOtherClass = 0;
    const auto addedOne = [&](const HeapDigest::Object& o) {
        HeapDiffRow& row = rows[newRow[o.cls]];
        row.countAdded++;
        row.sizeAdded += o.size;
        added[newRow[o.cls]].push_back(o.node);
    };
    const auto removedOne = [&](const HeapDigest::Object& o) {
        HeapDiffRow& row = rows[oldRow[o.cls]];
        row.countRemoved++;
        row.sizeRemoved += o.size;
    };
    while (i < before.objects.size() || j < now.objects.size()) {
        if (j == now.objects.size() || (i < before.objects.size() && before.objects[i].id < now.objects[j].id)) {
            removedOne(before.objects[i++]);
        } else if (i == before.objects.size() || now.objects[j].id < before.objects[i].id) {
            addedOne(now.objects[j++]);
        } else {
            const HeapDigest::Object& o = before.objects[i++];
            const HeapDigest::Object& n = now.objects[j++];
            ++matched;
            if (oldRow[o.cls] != newRow[n.cls]) {
                ++matchedOtherClass;
                removedOne(o);
                addedOne(n);
            } else if (n.size != o.size) {
                HeapDiffRow& row = rows[newRow[n.cls]];
                if (n.size > o.size)
                    row.sizeAdded += n.size - o.size;
                else
                    row.sizeRemoved += o.size - n.size;
            }
        }
    }
    // V8 numbers objects per profiler numbering: snapshots taken through two inspector sessions (the app's
    // inspector closed in between, as every snapshot heapwatch takes) are each the first of their numbering,
    // and the second reuses the first's ids for whatever objects its walk meets in their place. In a heap
    // whose layout changed little those are mostly objects of the same class, so the ids seem to match; they
    // do not. Then the honest comparison is per class: what each class gained or lost in count and size, net.
    // (A snapshot compared with itself comes out the same either way: nothing changed.)
    // Otherwise the newer snapshot continues a numbering, perhaps the older one's: most of the older
    // snapshot's objects (code, shapes, closures of the app) live on with their ids and their class. Two
    // unrelated numberings: few ids meet, or they meet other objects (another class).
    const bool twoNumberings = before.firstOfNumbering && now.firstOfNumbering;
    diff.idsMatched
        = !twoNumberings && matched * 4 >= before.objects.size() && matchedOtherClass * 10 <= matched && matched > 0;
    if (!diff.idsMatched) {
        for (HeapDiffRow& row : rows) {
            row.countAdded = row.countAfter > row.countBefore ? row.countAfter - row.countBefore : 0;
            row.countRemoved = row.countBefore > row.countAfter ? row.countBefore - row.countAfter : 0;
            row.sizeAdded = row.sizeAfter > row.sizeBefore ? row.sizeAfter - row.sizeBefore : 0;
            row.sizeRemoved = row.sizeBefore > row.sizeAfter ? row.sizeBefore - row.sizeAfter : 0;
        }
        for (std::vector<uint32_t>& list : added)
            list.clear();
        for (const HeapDigest::Object& n : now.objects)
            added[newRow[n.cls]].push_back(n.node); // an example is then any object of the class
    }
    for (const HeapClassRow& c : after.classes()) {
        const auto it = rowOf.constFind(c.name);
        if (it != rowOf.constEnd())
            rows[it.value()].retainedAfter = c.retainedSize;
    }

    std::vector<uint32_t> order;
    for (uint32_t r = 0; r < rows.size(); ++r) {
        if (rows[r].countAdded || rows[r].countRemoved || rows[r].sizeAdded || rows[r].sizeRemoved)
            order.push_back(r);
    }
    std::sort(order.begin(), order.end(), [&rows](uint32_t a, uint32_t b) {
        if (rows[a].sizeDelta() != rows[b].sizeDelta())
            return rows[a].sizeDelta() > rows[b].sizeDelta();
        if (rows[a].countDelta() != rows[b].countDelta())
            return rows[a].countDelta() > rows[b].countDelta();
        return rows[a].name < rows[b].name;
    });
    for (size_t k = 0; k < order.size(); ++k) {
        HeapDiffRow row = rows[order[k]];
        const std::vector<uint32_t>& candidates = added[order[k]];
        if (int(k) < examplesFor && row.sizeDelta() > 0 && !candidates.empty()) {
            uint32_t best = candidates.front();
            for (uint32_t node : candidates) {
                if (after.reachable(node)
                    && (!after.reachable(best) || after.retainedSize(node) > after.retainedSize(best)))
                    best = node;
            }
            row.exampleId = after.snapshot().nodeId(best);
            row.examplePath = after.retainerPath(best);
        }
        diff.rows.push_back(std::move(row));
    }
    return diff;
}

} // namespace heapwatch
