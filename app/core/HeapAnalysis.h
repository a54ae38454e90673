// What a heap snapshot holds, as Chrome DevTools' Summary view shows it: per class (constructor) the count,
// the shallow size and the retained size, the largest objects with the path that keeps them alive, and the
// totals.
//
// Retained sizes come from the dominator tree of the graph from the root (node 0), built with
// Lengauer-Tarjan (iterative: a heap graph is millions of nodes deep in the worst case). Like DevTools, weak
// edges retain nothing, shortcut edges count only from the root, and what only weak edges reach is held by
// the root directly (so the root retains the whole heap).
#pragma once

#include "HeapSnapshot.h"

#include <QString>
#include <QStringList>
#include <cstdint>
#include <vector>

namespace heapwatch {

struct HeapClassRow
{
    QString name;
    uint64_t count = 0;
    uint64_t selfSize = 0;
    // The sum of the retained sizes of this class's objects that no other object of the class dominates (so
    // a linked list's nodes are not counted once per link), as DevTools does.
    uint64_t retainedSize = 0;
};

struct HeapObjectRow
{
    uint32_t node = 0; // ordinal in the snapshot
    uint32_t id = 0; // V8's object id, stable between snapshots of one process
    QString className;
    uint64_t selfSize = 0;
    uint64_t retainedSize = 0;
    QString retainerPath;
};

struct HeapTotals
{
    uint64_t nodes = 0;
    uint64_t edges = 0;
    uint64_t selfSize = 0;
    uint64_t reachableNodes = 0; // from the root, over edges that retain
};

class HeapAnalysis
{
public:
    explicit HeapAnalysis(const HeapSnapshot& snapshot);

    const HeapSnapshot& snapshot() const { return m_snapshot; }
    const QStringList& classNames() const { return m_classNames; }
    uint32_t classOf(uint32_t node) const { return m_nodeClass[node]; }
    uint64_t retainedSize(uint32_t node) const { return m_retained[node]; }
    // Whether a chain of retaining (not weak) references leads from the root to the node.
    bool reachable(uint32_t node) const { return node == 0 || m_pathEdge[node] != kNone; }
    // The shortest chain of retaining references from the root: "global -> leaks (property) -> Array ->
    // [3] (element) -> LeakyRecord". Empty for the root and for nodes the root does not reach.
    QString retainerPath(uint32_t node) const;

    // Every class, largest retained size first.
    std::vector<HeapClassRow> classes() const;
    // The n objects with the largest retained size (the root and V8's internal nodes left out).
    std::vector<HeapObjectRow> largest(int n) const;
    HeapTotals totals() const;
    HeapObjectRow object(uint32_t node) const;

    static constexpr uint32_t kNone = 0xFFFFFFFFU;

private:
    bool retains(uint32_t from, uint32_t edge) const;
    void assignClasses();
    void computeDominators();
    void computePaths();

    const HeapSnapshot& m_snapshot;
    QStringList m_classNames;
    std::vector<uint32_t> m_nodeClass;
    std::vector<uint64_t> m_retained;
    std::vector<uint64_t> m_classRetained;
    std::vector<uint32_t> m_pathEdge; // the edge that reaches each node on a shortest path from the root
};

} // namespace heapwatch
