// A V8 heap snapshot (`.heapsnapshot`, as written by `v8.writeHeapSnapshot()` or DevTools) read into flat
// arrays. The field layout is read from `snapshot.meta` (Node 18, 20 and 22 differ: 22 and late 20 add
// `detachedness` to the node fields), never assumed.
//
// The file is read by a streaming tokenizer, not a JSON document: a 200 MB snapshot holds tens of millions of
// numbers, and a DOM of them would take ten times the file. The numeric arrays go straight into uint32
// vectors, the strings into one UTF-8 blob. Everything in the file is untrusted: every index is checked once
// here, so the analysis (HeapAnalysis) can index without checks.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <optional>
#include <vector>

namespace heapwatch {

class HeapSnapshot
{
public:
    // Reads the file (memory-mapped; the pages already read are handed back to the kernel as the reader moves
    // on, so the file does not stay resident beside the arrays). On failure: nullopt and a one-line reason.
    static std::optional<HeapSnapshot> load(const QString& path, QString* error);
    static std::optional<HeapSnapshot> parse(QByteArrayView bytes, QString* error);

    uint32_t nodeCount() const { return m_nodeCount; }
    uint32_t edgeCount() const { return m_edgeCount; }
    uint32_t stringCount() const { return uint32_t(m_stringOffsets.size() - 1); }

    // Node i (an ordinal, 0 = the synthetic root).
    uint32_t nodeType(uint32_t i) const { return m_nodes[size_t(i) * 4]; }
    uint32_t nodeName(uint32_t i) const { return m_nodes[size_t(i) * 4 + 1]; }
    uint32_t nodeId(uint32_t i) const { return m_nodes[size_t(i) * 4 + 2]; }
    uint32_t selfSize(uint32_t i) const { return m_nodes[size_t(i) * 4 + 3]; }
    // The edges of node i are [firstEdge(i), firstEdge(i + 1)).
    uint32_t firstEdge(uint32_t i) const { return m_firstEdge[i]; }
    // The node that holds edge e (a binary search: for paths, not for loops over all edges).
    uint32_t edgeOwner(uint32_t e) const;

    uint32_t edgeType(uint32_t e) const { return m_edges[size_t(e) * m_edgeFieldCount + m_edgeTypeField]; }
    uint32_t edgeNameOrIndex(uint32_t e) const { return m_edges[size_t(e) * m_edgeFieldCount + m_edgeNameField]; }
    // The target's node ordinal (the file stores an offset into `nodes`; it is converted once on load).
    uint32_t edgeTarget(uint32_t e) const { return m_edges[size_t(e) * m_edgeFieldCount + m_edgeToField]; }
    // Whether the edge's name_or_index is an index into `strings` (it is a number for elements and hidden edges).
    bool edgeNameIsString(uint32_t e) const { return !isNumberedEdgeType(edgeType(e)); }

    QByteArrayView string(uint32_t index) const;
    const QStringList& nodeTypeNames() const { return m_nodeTypeNames; }
    const QStringList& edgeTypeNames() const { return m_edgeTypeNames; }

    // Edge type numbers of the edge kinds the analysis treats apart; -1 when the snapshot has no such type.
    int weakEdgeType() const { return m_weakEdge; }
    int shortcutEdgeType() const { return m_shortcutEdge; }

    // The class name as Chrome DevTools shows it: the node's name for objects and native objects (the
    // constructor), "(closure)", "(string)", "(array)", "(compiled code)", "(system)" … for the others.
    QString className(uint32_t i) const;
    // Whether the class name of node i is its own name (objects, natives) rather than one per type.
    bool classIsNodeName(uint32_t i) const;
    // One step of a retainer path: "leaks (property)", "[12] (element)".
    QString edgeLabel(uint32_t e) const;

private:
    HeapSnapshot() = default;
    friend class HeapSnapshotReader; // HeapSnapshotReader.cpp
    // Reads data into s (HeapSnapshotReader.cpp); mapped: data is a mapped file whose pages may be released.
    static bool read(const char* data, size_t size, bool mapped, HeapSnapshot& s, QString* error);
    bool isNumberedEdgeType(uint32_t type) const { return type < 32 && (m_numberedEdgeTypes >> type) & 1U; }
    bool validate(QString* error);

    // As read: node_field_count numbers per node. Once validated: type, name, id, self_size per node (the
    // edge counts are in m_firstEdge, the other fields are not needed), a third less memory for Node 20.
    std::vector<uint32_t> m_nodes;
    std::vector<uint32_t> m_edges; // edge_field_count numbers per edge; to_node converted to an ordinal
    std::vector<uint32_t> m_firstEdge; // nodeCount + 1
    QByteArray m_strings; // every string, UTF-8, back to back
    std::vector<uint32_t> m_stringOffsets; // stringCount + 1
    QByteArray m_meta; // the raw `snapshot` object, read after the arrays
    QStringList m_nodeTypeNames;
    QStringList m_edgeTypeNames;
    uint32_t m_nodeCount = 0;
    uint32_t m_edgeCount = 0;
    uint32_t m_nodeFieldCount = 0;
    uint32_t m_nodeTypeField = 0;
    uint32_t m_nodeNameField = 0;
    uint32_t m_nodeIdField = 0;
    uint32_t m_selfSizeField = 0;
    uint32_t m_edgeCountField = 0;
    uint32_t m_edgeFieldCount = 0;
    uint32_t m_edgeTypeField = 0;
    uint32_t m_edgeNameField = 0;
    uint32_t m_edgeToField = 0;
    uint32_t m_numberedEdgeTypes = 0; // bit t set: edges of type t carry a number, not a string index
    int m_weakEdge = -1;
    int m_shortcutEdge = -1;
    int m_objectType = -1;
    int m_nativeType = -1;
    int m_hiddenType = -1;
    int m_codeType = -1;
};

} // namespace heapwatch
