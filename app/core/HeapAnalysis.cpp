#include "HeapAnalysis.h"

#include <QHash>
#include <algorithm>
#include <queue>

namespace heapwatch {

HeapAnalysis::HeapAnalysis(const HeapSnapshot& snapshot)
    : m_snapshot(snapshot)
{
    assignClasses();
    computeDominators();
    computePaths();
}

bool HeapAnalysis::retains(uint32_t from, uint32_t edge) const
{
    const int type = int(m_snapshot.edgeType(edge));
    return type != m_snapshot.weakEdgeType() && (type != m_snapshot.shortcutEdgeType() || from == 0);
}

void HeapAnalysis::assignClasses()
{
    const HeapSnapshot& s = m_snapshot;
    const uint32_t n = s.nodeCount();
    m_nodeClass.resize(n);
    // A class per distinct name string (objects) or per type (the rest): one lookup per node, one QString per
    // class.
    std::vector<uint32_t> byString(s.stringCount(), kNone);
    std::vector<uint32_t> byType(size_t(s.nodeTypeNames().size()), kNone);
    QHash<QString, uint32_t> byName;
    for (uint32_t i = 0; i < n; ++i) {
        uint32_t& slot = s.classIsNodeName(i) ? byString[s.nodeName(i)] : byType[s.nodeType(i)];
        if (slot == kNone) {
            const QString name = s.className(i);
            auto it = byName.constFind(name);
            if (it == byName.constEnd()) {
                it = byName.insert(name, uint32_t(m_classNames.size()));
                m_classNames.append(name);
            }
            slot = it.value();
        }
        m_nodeClass[i] = slot;
    }
}

// Lengauer-Tarjan (the simple version, with path compression) in DFS preorder numbers 1..n; everything
// iterative.
void HeapAnalysis::computeDominators()
{
    const HeapSnapshot& s = m_snapshot;
    const uint32_t n = s.nodeCount();
    std::vector<uint32_t> dfnum(n, 0);
    std::vector<uint32_t> vertex(size_t(n) + 1, 0), parent(size_t(n) + 1, 0);
    uint32_t count = 0;
    // Nodes the root reaches only over weak edges hang off the root, as DevTools does: an edge from the root
    // to each, taken after the real ones, so they keep their own retained sizes and the root retains all.
    std::vector<uint32_t> orphans;
    {
        struct Frame
        {
            uint32_t node, next;
        };
        std::vector<Frame> stack;
        const auto explore = [&](uint32_t start, uint32_t parentNumber) {
            dfnum[start] = ++count;
            vertex[count] = start;
            parent[count] = parentNumber;
            stack.push_back({start, s.firstEdge(start)});
            while (!stack.empty()) {
                const Frame top = stack.back();
                if (top.next == s.firstEdge(top.node + 1)) {
                    stack.pop_back();
                    continue;
                }
                ++stack.back().next;
                if (!retains(top.node, top.next))
                    continue;
                const uint32_t w = s.edgeTarget(top.next);
                if (dfnum[w] == 0) {
                    dfnum[w] = ++count;
                    vertex[count] = w;
                    parent[count] = dfnum[top.node];
                    stack.push_back({w, s.firstEdge(w)});
                }
            }
        };
        explore(0, 0);
        for (uint32_t v = 1; v < n; ++v) {
            if (dfnum[v] == 0) {
                explore(v, 1);
                orphans.push_back(dfnum[v]);
            }
        }
    }

    // Predecessors in preorder numbers, as a compressed adjacency list.
    std::vector<uint32_t> predStart(size_t(count) + 2, 0);
    std::vector<uint32_t> preds;
    for (uint32_t v = 0; v < n; ++v) {
        for (uint32_t e = s.firstEdge(v); e < s.firstEdge(v + 1); ++e) {
            if (retains(v, e))
                ++predStart[dfnum[s.edgeTarget(e)] + 1];
        }
    }
    for (uint32_t w : orphans)
        ++predStart[w + 1];
    for (size_t i = 1; i < predStart.size(); ++i)
        predStart[i] += predStart[i - 1];
    preds.resize(predStart.back());
    {
        std::vector<uint32_t> fill(predStart.begin(), predStart.end() - 1);
        for (uint32_t v = 0; v < n; ++v) {
            for (uint32_t e = s.firstEdge(v); e < s.firstEdge(v + 1); ++e) {
                if (retains(v, e))
                    preds[fill[dfnum[s.edgeTarget(e)]]++] = dfnum[v];
            }
        }
        for (uint32_t w : orphans)
            preds[fill[w]++] = 1;
    }

    std::vector<uint32_t> semi(size_t(count) + 1), label(size_t(count) + 1), ancestor(size_t(count) + 1, 0);
    std::vector<uint32_t> idom(size_t(count) + 1, 0), bucketHead(size_t(count) + 1, 0),
        bucketNext(size_t(count) + 1, 0);
    for (uint32_t i = 0; i <= count; ++i)
        semi[i] = label[i] = i;
    std::vector<uint32_t> path;
    const auto eval = [&](uint32_t v) {
        if (ancestor[v] == 0)
            return v;
        // Compress the ancestor chain of v, top down (the recursive textbook version, unrolled).
        path.clear();
        for (uint32_t x = v; ancestor[ancestor[x]] != 0; x = ancestor[x])
            path.push_back(x);
        for (auto it = path.rbegin(); it != path.rend(); ++it) {
            const uint32_t x = *it, a = ancestor[x];
            if (semi[label[a]] < semi[label[x]])
                label[x] = label[a];
            ancestor[x] = ancestor[a];
        }
        return label[v];
    };
    for (uint32_t w = count; w >= 2; --w) {
        for (uint32_t i = predStart[w]; i < predStart[w + 1]; ++i) {
            const uint32_t u = eval(preds[i]);
            if (semi[u] < semi[w])
                semi[w] = semi[u];
        }
        bucketNext[w] = bucketHead[semi[w]];
        bucketHead[semi[w]] = w;
        const uint32_t p = parent[w];
        ancestor[w] = p;
        for (uint32_t v = bucketHead[p]; v != 0; v = bucketNext[v]) {
            const uint32_t u = eval(v);
            idom[v] = semi[u] < semi[v] ? u : p;
        }
        bucketHead[p] = 0;
    }
    for (uint32_t w = 2; w <= count; ++w) {
        if (idom[w] != semi[w])
            idom[w] = idom[idom[w]];
    }
    std::vector<uint32_t>().swap(preds);
    std::vector<uint32_t>().swap(semi);
    std::vector<uint32_t>().swap(label);
    std::vector<uint32_t>().swap(ancestor);
    std::vector<uint32_t>().swap(bucketHead);
    std::vector<uint32_t>().swap(bucketNext);

    // Retained size: a node's own size plus what it dominates. A dominator precedes in preorder, so one pass
    // from the last number to the first sees every child before its dominator.
    m_retained.assign(n, 0);
    for (uint32_t i = 0; i < n; ++i)
        m_retained[i] = s.selfSize(i);
    for (uint32_t w = count; w >= 2; --w)
        m_retained[vertex[idom[w]]] += m_retained[vertex[w]];

    // Per class, like DevTools: walk the dominator tree and count an object's retained size only when no
    // dominator of it is of the same class.
    std::vector<uint32_t> childStart(size_t(count) + 2, 0), children(count);
    for (uint32_t w = 2; w <= count; ++w)
        ++childStart[idom[w] + 1];
    for (size_t i = 1; i < childStart.size(); ++i)
        childStart[i] += childStart[i - 1];
    {
        std::vector<uint32_t> fill(childStart.begin(), childStart.end() - 1);
        for (uint32_t w = 2; w <= count; ++w)
            children[fill[idom[w]]++] = w;
    }
    m_classRetained.assign(size_t(m_classNames.size()), 0);
    std::vector<uint32_t> open(size_t(m_classNames.size()), 0);
    struct Frame
    {
        uint32_t w, next;
    };
    std::vector<Frame> stack;
    const auto enter = [&](uint32_t w) {
        const uint32_t c = m_nodeClass[vertex[w]];
        if (open[c]++ == 0)
            m_classRetained[c] += m_retained[vertex[w]];
        stack.push_back({w, childStart[w]});
    };
    enter(1);
    while (!stack.empty()) {
        Frame& top = stack.back();
        if (top.next == childStart[top.w + 1]) {
            --open[m_nodeClass[vertex[top.w]]];
            stack.pop_back();
            continue;
        }
        const uint32_t child = children[top.next++];
        enter(child);
    }
}

// Shortest retaining paths: breadth first from the root, over the same edges as the dominators.
void HeapAnalysis::computePaths()
{
    const HeapSnapshot& s = m_snapshot;
    m_pathEdge.assign(s.nodeCount(), kNone);
    std::vector<uint32_t> queue;
    queue.reserve(s.nodeCount());
    queue.push_back(0);
    for (size_t head = 0; head < queue.size(); ++head) {
        const uint32_t v = queue[head];
        for (uint32_t e = s.firstEdge(v); e < s.firstEdge(v + 1); ++e) {
            const uint32_t w = s.edgeTarget(e);
            if (w != 0 && m_pathEdge[w] == kNone && retains(v, e)) {
                m_pathEdge[w] = e;
                queue.push_back(w);
            }
        }
    }
}

QString HeapAnalysis::retainerPath(uint32_t node) const
{
    if (node == 0 || m_pathEdge[node] == kNone)
        return {};
    std::vector<uint32_t> edges; // from the node back to the root; at most one per node, so it ends
    for (uint32_t v = node; v != 0 && edges.size() <= m_snapshot.nodeCount();) {
        const uint32_t e = m_pathEdge[v];
        edges.push_back(e);
        v = m_snapshot.edgeOwner(e);
    }
    // The root's own edge (to "(GC roots)", to the global object) says nothing: start at its target.
    // V8's synthetic nodes are all of one class, "(synthetic)"; their names ("(GC roots)", "(Strong roots)")
    // say which root holds the object.
    const int synthetic = int(m_snapshot.nodeTypeNames().indexOf(QLatin1String("synthetic")));
    const auto step = [&](uint32_t v) {
        const QByteArrayView name = m_snapshot.string(m_snapshot.nodeName(v));
        return int(m_snapshot.nodeType(v)) == synthetic && !name.isEmpty() ? QString::fromUtf8(name)
                                                                           : m_snapshot.className(v);
    };
    QStringList steps;
    steps << step(m_snapshot.edgeTarget(edges.back()));
    for (auto it = edges.rbegin() + 1; it != edges.rend(); ++it)
        steps << m_snapshot.edgeLabel(*it) << step(m_snapshot.edgeTarget(*it));
    constexpr int kMaxSteps = 25; // a long chain keeps its start and its end
    if (steps.size() > kMaxSteps)
        steps = steps.mid(0, 8) + QStringList {QStringLiteral("...")} + steps.mid(steps.size() - 16);
    return steps.join(QStringLiteral(" -> "));
}

std::vector<HeapClassRow> HeapAnalysis::classes() const
{
    std::vector<HeapClassRow> rows(size_t(m_classNames.size()));
    for (size_t c = 0; c < rows.size(); ++c) {
        rows[c].name = m_classNames.at(qsizetype(c));
        rows[c].retainedSize = m_classRetained[c];
    }
    for (uint32_t i = 0; i < m_snapshot.nodeCount(); ++i) {
        HeapClassRow& row = rows[m_nodeClass[i]];
        ++row.count;
        row.selfSize += m_snapshot.selfSize(i);
    }
    std::sort(rows.begin(), rows.end(), [](const HeapClassRow& a, const HeapClassRow& b) {
        if (a.retainedSize != b.retainedSize)
            return a.retainedSize > b.retainedSize;
        if (a.selfSize != b.selfSize)
            return a.selfSize > b.selfSize;
        return a.name < b.name;
    });
    return rows;
}

HeapObjectRow HeapAnalysis::object(uint32_t node) const
{
    HeapObjectRow row;
    row.node = node;
    row.id = m_snapshot.nodeId(node);
    row.className = m_snapshot.className(node);
    row.selfSize = m_snapshot.selfSize(node);
    row.retainedSize = m_retained[node];
    row.retainerPath = retainerPath(node);
    return row;
}

std::vector<HeapObjectRow> HeapAnalysis::largest(int n) const
{
    const QStringList& types = m_snapshot.nodeTypeNames();
    std::vector<bool> internal(size_t(types.size()), false);
    for (const char* type : {"hidden", "synthetic", "code", "object shape"}) {
        const qsizetype t = types.indexOf(QLatin1String(type));
        if (t >= 0)
            internal[size_t(t)] = true;
    }
    std::vector<uint32_t> best; // the n largest so far
    const auto smaller = [this](uint32_t a, uint32_t b) {
        return m_retained[a] != m_retained[b] ? m_retained[a] > m_retained[b] : a < b;
    };
    for (uint32_t i = 1; i < m_snapshot.nodeCount() && n > 0; ++i) {
        if (internal[m_snapshot.nodeType(i)] || !reachable(i))
            continue;
        if (best.size() < size_t(n)) {
            best.push_back(i);
            std::push_heap(best.begin(), best.end(), smaller);
        } else if (smaller(i, best.front())) {
            std::pop_heap(best.begin(), best.end(), smaller);
            best.back() = i;
            std::push_heap(best.begin(), best.end(), smaller);
        }
    }
    std::sort(best.begin(), best.end(), smaller);
    std::vector<HeapObjectRow> rows;
    for (uint32_t node : best)
        rows.push_back(object(node));
    return rows;
}

HeapTotals HeapAnalysis::totals() const
{
    HeapTotals t;
    t.nodes = m_snapshot.nodeCount();
    t.edges = m_snapshot.edgeCount();
    for (uint32_t i = 0; i < m_snapshot.nodeCount(); ++i) {
        t.selfSize += m_snapshot.selfSize(i);
        t.reachableNodes += reachable(i) ? 1 : 0;
    }
    return t;
}

} // namespace heapwatch
