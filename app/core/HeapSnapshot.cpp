#include "HeapSnapshot.h"

#include <QFile>
#include <algorithm>
#include <limits>

namespace heapwatch {

bool HeapSnapshot::validate(QString* error)
{
    const auto fail = [error](const QString& what) {
        if (error)
            *error = what;
        return false;
    };
    if (m_nodes.size() % m_nodeFieldCount != 0)
        return fail(QStringLiteral("nodes: %1 numbers is not a whole number of %2-field nodes")
                        .arg(m_nodes.size())
                        .arg(m_nodeFieldCount));
    if (m_edges.size() % m_edgeFieldCount != 0)
        return fail(QStringLiteral("edges: %1 numbers is not a whole number of %2-field edges")
                        .arg(m_edges.size())
                        .arg(m_edgeFieldCount));
    const size_t nodes = m_nodes.size() / m_nodeFieldCount, edges = m_edges.size() / m_edgeFieldCount;
    if (nodes == 0)
        return fail(QStringLiteral("no nodes (not even the root)"));
    if (nodes >= std::numeric_limits<uint32_t>::max() || edges >= std::numeric_limits<uint32_t>::max())
        return fail(QStringLiteral("more than 4 billion nodes or edges"));
    m_nodeCount = uint32_t(nodes);
    m_edgeCount = uint32_t(edges);
    const uint32_t strings = stringCount();
    const auto typeCount = uint32_t(m_nodeTypeNames.size());
    m_firstEdge.resize(nodes + 1);
    uint64_t edgeSum = 0;
    for (uint32_t i = 0; i < m_nodeCount; ++i) {
        const uint32_t* node = m_nodes.data() + size_t(i) * m_nodeFieldCount;
        if (node[m_nodeTypeField] >= typeCount)
            return fail(QStringLiteral("node %1: type %2 out of range").arg(i).arg(node[m_nodeTypeField]));
        if (node[m_nodeNameField] >= strings)
            return fail(QStringLiteral("node %1: name %2 out of range").arg(i).arg(node[m_nodeNameField]));
        m_firstEdge[i] = uint32_t(edgeSum);
        edgeSum += node[m_edgeCountField];
        if (edgeSum > edges)
            return fail(QStringLiteral("node %1: edge_count runs past the %2 edges").arg(i).arg(edges));
    }
    if (edgeSum != edges)
        return fail(
            QStringLiteral("the nodes' edge_count adds up to %1, the snapshot has %2 edges").arg(edgeSum).arg(edges));
    m_firstEdge[nodes] = uint32_t(edges);
    const auto edgeTypeCount = uint32_t(m_edgeTypeNames.size());
    for (uint32_t e = 0; e < m_edgeCount; ++e) {
        uint32_t* edge = m_edges.data() + size_t(e) * m_edgeFieldCount;
        if (edge[m_edgeTypeField] >= edgeTypeCount)
            return fail(QStringLiteral("edge %1: type %2 out of range").arg(e).arg(edge[m_edgeTypeField]));
        const uint32_t to = edge[m_edgeToField];
        if (to % m_nodeFieldCount != 0 || to / m_nodeFieldCount >= m_nodeCount)
            return fail(QStringLiteral("edge %1: to_node %2 is not a node").arg(e).arg(to));
        edge[m_edgeToField] = to / m_nodeFieldCount;
        if (!isNumberedEdgeType(edge[m_edgeTypeField]) && edge[m_edgeNameField] >= strings)
            return fail(QStringLiteral("edge %1: name %2 out of range").arg(e).arg(edge[m_edgeNameField]));
    }
    // Keep the four fields the analysis reads, in place (the write position never passes the read position).
    for (size_t i = 0; i < nodes; ++i) {
        const size_t from = i * m_nodeFieldCount;
        const uint32_t type = m_nodes[from + m_nodeTypeField], name = m_nodes[from + m_nodeNameField];
        const uint32_t id = m_nodes[from + m_nodeIdField], self = m_nodes[from + m_selfSizeField];
        m_nodes[i * 4] = type;
        m_nodes[i * 4 + 1] = name;
        m_nodes[i * 4 + 2] = id;
        m_nodes[i * 4 + 3] = self;
    }
    m_nodes.resize(nodes * 4);
    m_nodes.shrink_to_fit();
    return true;
}

std::optional<HeapSnapshot> HeapSnapshot::parse(QByteArrayView bytes, QString* error)
{
    HeapSnapshot s;
    if (!read(bytes.data(), size_t(bytes.size()), false, s, error))
        return std::nullopt;
    return s;
}

std::optional<HeapSnapshot> HeapSnapshot::load(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    const qint64 size = file.size();
    if (size <= 0) {
        if (error)
            *error = QStringLiteral("%1: empty file").arg(path);
        return std::nullopt;
    }
    HeapSnapshot s;
    QString reason;
    bool ok = false;
    if (uchar* mapped = file.map(0, size)) {
        ok = read(reinterpret_cast<const char*>(mapped), size_t(size), true, s, &reason);
        file.unmap(mapped);
    } else { // not mappable (a pipe, a special file): read it whole
        const QByteArray all = file.readAll();
        ok = read(all.constData(), size_t(all.size()), false, s, &reason);
    }
    if (!ok) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, reason);
        return std::nullopt;
    }
    return s;
}

uint32_t HeapSnapshot::edgeOwner(uint32_t e) const
{
    const auto it = std::upper_bound(m_firstEdge.begin(), m_firstEdge.end(), e);
    return uint32_t(it - m_firstEdge.begin()) - 1;
}

QByteArrayView HeapSnapshot::string(uint32_t index) const
{
    if (index + 1 >= m_stringOffsets.size())
        return {};
    return QByteArrayView(m_strings.constData() + m_stringOffsets[index],
                          qsizetype(m_stringOffsets[index + 1] - m_stringOffsets[index]));
}

bool HeapSnapshot::classIsNodeName(uint32_t i) const
{
    const int type = int(nodeType(i));
    return type == m_objectType || type == m_nativeType;
}

QString HeapSnapshot::className(uint32_t i) const
{
    const int type = int(nodeType(i));
    if (classIsNodeName(i)) {
        const QByteArrayView name = string(nodeName(i));
        return name.isEmpty() ? QStringLiteral("(anonymous)") : QString::fromUtf8(name);
    }
    if (type == m_hiddenType)
        return QStringLiteral("(system)");
    if (type == m_codeType)
        return QStringLiteral("(compiled code)");
    return QLatin1Char('(') + m_nodeTypeNames.at(type) + QLatin1Char(')');
}

QString HeapSnapshot::edgeLabel(uint32_t e) const
{
    const QString type = m_edgeTypeNames.at(edgeType(e));
    if (!edgeNameIsString(e))
        return QStringLiteral("[%1] (%2)").arg(edgeNameOrIndex(e)).arg(type);
    QString name = QString::fromUtf8(string(edgeNameOrIndex(e)));
    if (name.size() > 60)
        name = name.left(57) + QStringLiteral("...");
    return QStringLiteral("%1 (%2)").arg(name, type);
}

} // namespace heapwatch
