// The streaming tokenizer behind HeapSnapshot::load() and parse(): one pass over the bytes, the numeric arrays
// straight into uint32 vectors, the strings into one blob; the `snapshot` object (a few KB of metadata) is the
// only part read as a JSON document.
#include "HeapSnapshot.h"
#include "JsonText.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <limits>

#ifdef Q_OS_LINUX
#    include <sys/mman.h>
#    include <unistd.h>
#endif

namespace heapwatch {

// The streaming reader: one pass over the bytes, no recursion (nesting is tracked on a heap stack), every
// step bounded by the input's length.
class HeapSnapshotReader
{
public:
    HeapSnapshotReader(const char* data, size_t size, bool mapped)
        : m_begin(data)
        , m_p(data)
        , m_end(data + size)
        , m_released(data)
        , m_mapped(mapped)
    {
    }

    bool read(HeapSnapshot& s, QString* error)
    {
        const bool ok = readTopLevel(s) && parseMeta(s) && s.validate(&m_error);
        if (!ok && error)
            *error = m_error;
        return ok;
    }

private:
    bool fail(const QString& what)
    {
        if (m_error.isEmpty())
            m_error = QStringLiteral("%1 at byte %2").arg(what).arg(qint64(m_p - m_begin));
        return false;
    }

    void skipSpace()
    {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\n' || *m_p == '\r' || *m_p == '\t'))
            ++m_p;
    }

    bool consume(char c)
    {
        skipSpace();
        if (m_p >= m_end)
            return fail(QStringLiteral("truncated: expected '%1'").arg(QLatin1Char(c)));
        if (*m_p != c)
            return fail(QStringLiteral("expected '%1'").arg(QLatin1Char(c)));
        ++m_p;
        return true;
    }

    // The pages of a mapped file behind the reader are not needed again: drop them from the resident set, so
    // that reading a 200 MB file costs the arrays, not the arrays plus the file.
    void release()
    {
#ifdef Q_OS_LINUX
        if (!m_mapped)
            return;
        static const size_t page = size_t(sysconf(_SC_PAGESIZE));
        const auto from = reinterpret_cast<uintptr_t>(m_released) & ~uintptr_t(page - 1);
        const auto to = reinterpret_cast<uintptr_t>(m_p) & ~uintptr_t(page - 1);
        if (to > from + (size_t(4) << 20)) {
            madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED);
            m_released = reinterpret_cast<const char*>(to);
        }
#endif
    }

    bool readHex4(uint32_t* cp)
    {
        if (m_end - m_p < 4)
            return fail(QStringLiteral("truncated \\u escape"));
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i, ++m_p) {
            const int d = jsonHexDigit(*m_p);
            if (d < 0)
                return fail(QStringLiteral("bad \\u escape"));
            v = v * 16 + uint32_t(d);
        }
        *cp = v;
        return true;
    }

    // A JSON string at m_p, decoded and appended to out (nullptr: skipped).
    bool readString(QByteArray* out)
    {
        if (!consume('"'))
            return false;
        for (;;) {
            const char* run = m_p;
            while (m_p < m_end && *m_p != '"' && *m_p != '\\')
                ++m_p;
            if (out)
                out->append(run, qsizetype(m_p - run));
            if (m_p >= m_end)
                return fail(QStringLiteral("truncated string"));
            if (*m_p++ == '"')
                return true;
            if (m_p >= m_end)
                return fail(QStringLiteral("truncated string"));
            const char e = *m_p++;
            if (e == 'u') {
                uint32_t cp = 0;
                if (!readHex4(&cp))
                    return false;
                if (cp >= 0xD800 && cp < 0xDC00 && m_end - m_p >= 6 && m_p[0] == '\\' && m_p[1] == 'u') {
                    const char* back = m_p;
                    m_p += 2;
                    uint32_t low = 0;
                    if (!readHex4(&low))
                        return false;
                    if (low >= 0xDC00 && low < 0xE000)
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    else
                        m_p = back; // not a pair: the high half alone, the next escape read on its own
                }
                if (cp >= 0xD800 && cp < 0xE000)
                    cp = 0xFFFD; // a lone surrogate (V8 writes them for broken JS strings)
                if (out)
                    appendUtf8(*out, cp);
                continue;
            }
            const char plain = jsonShortEscape(e);
            if (!plain)
                return fail(QStringLiteral("bad escape in string"));
            if (out)
                out->append(plain);
        }
    }

    // Any JSON value, skipped; [from, m_p) is its text.
    bool skipValue()
    {
        std::vector<char> open;
        do {
            skipSpace();
            if (m_p >= m_end)
                return fail(QStringLiteral("truncated"));
            const char c = *m_p;
            if (c == '"') {
                if (!readString(nullptr))
                    return false;
            } else if (c == '{' || c == '[') {
                open.push_back(c == '{' ? '}' : ']');
                ++m_p;
            } else if (c == '}' || c == ']') {
                if (open.empty() || open.back() != c)
                    return fail(QStringLiteral("unbalanced '%1'").arg(QLatin1Char(c)));
                open.pop_back();
                ++m_p;
            } else if (c == ',' || c == ':') {
                if (open.empty())
                    return fail(QStringLiteral("unexpected '%1'").arg(QLatin1Char(c)));
                ++m_p;
            } else {
                const char* start = m_p;
                while (m_p < m_end
                       && ((*m_p >= '0' && *m_p <= '9') || (*m_p >= 'a' && *m_p <= 'z') || *m_p == '-' || *m_p == '+'
                           || *m_p == '.' || *m_p == 'E'))
                    ++m_p;
                if (m_p == start)
                    return fail(QStringLiteral("unexpected character"));
            }
            if ((m_p - m_released) > (8 << 20))
                release();
        } while (!open.empty());
        return true;
    }

    // After an array element: ',' (another follows), ']' (the array ended) or an error, which fail() records.
    enum class Next
    {
        More,
        End,
        Error
    };
    // The opening '[' of an array: an empty one has ended already.
    Next beginArray()
    {
        if (!consume('['))
            return Next::Error;
        skipSpace();
        if (m_p < m_end && *m_p == ']') {
            ++m_p;
            return Next::End;
        }
        return Next::More;
    }

    Next afterElement()
    {
        skipSpace();
        if (m_p < m_end && *m_p == ']') {
            ++m_p;
            return Next::End;
        }
        if (m_p < m_end && *m_p == ',') {
            ++m_p;
            return Next::More;
        }
        fail(m_p >= m_end ? QStringLiteral("truncated array") : QStringLiteral("expected ',' or ']'"));
        return Next::Error;
    }

    // An array of non-negative integers that fit 32 bits, appended to out.
    bool readNumbers(std::vector<uint32_t>& out)
    {
        if (const Next first = beginArray(); first != Next::More)
            return first == Next::End;
        for (;;) {
            skipSpace();
            const char* p = m_p;
            uint64_t v = 0;
            while (p < m_end && unsigned(*p - '0') < 10U) {
                v = v * 10 + unsigned(*p - '0');
                if (v > std::numeric_limits<uint32_t>::max())
                    return fail(QStringLiteral("number out of range"));
                ++p;
            }
            if (p == m_p)
                return fail(p < m_end ? QStringLiteral("expected a non-negative integer")
                                      : QStringLiteral("truncated array"));
            m_p = p;
            if (p < m_end && (*p == '.' || *p == 'e' || *p == 'E'))
                return fail(QStringLiteral("expected an integer"));
            out.push_back(uint32_t(v));
            if (const Next next = afterElement(); next != Next::More)
                return next == Next::End;
            if ((out.size() & 0xFFFFF) == 0)
                release();
        }
    }

    bool readStrings(HeapSnapshot& s)
    {
        s.m_stringOffsets.assign(1, 0);
        if (const Next first = beginArray(); first != Next::More)
            return first == Next::End;
        for (;;) {
            if (!readString(&s.m_strings))
                return false;
            if (uint64_t(s.m_strings.size()) >= std::numeric_limits<uint32_t>::max())
                return fail(QStringLiteral("strings over 4 GB"));
            s.m_stringOffsets.push_back(uint32_t(s.m_strings.size()));
            if (const Next next = afterElement(); next != Next::More)
                return next == Next::End;
            if ((s.m_stringOffsets.size() & 0xFFFF) == 0)
                release();
        }
    }

    bool readTopLevel(HeapSnapshot& s)
    {
        skipSpace();
        if (m_end - m_p >= 3 && QByteArrayView(m_p, 3) == QByteArrayView("\xEF\xBB\xBF"))
            m_p += 3;
        if (!consume('{'))
            return false;
        bool sawNodes = false, sawEdges = false, sawStrings = false;
        skipSpace();
        if (m_p < m_end && *m_p == '}')
            return fail(QStringLiteral("empty object: not a heap snapshot"));
        for (;;) {
            QByteArray key;
            if (!readString(&key) || !consume(':'))
                return false;
            skipSpace();
            if (key == "nodes" || key == "edges") {
                bool& saw = key == "nodes" ? sawNodes : sawEdges;
                if (saw)
                    return fail(QStringLiteral("duplicate \"%1\"").arg(QString::fromLatin1(key)));
                saw = true;
                if (!readNumbers(key == "nodes" ? s.m_nodes : s.m_edges))
                    return false;
            } else if (key == "strings") {
                if (sawStrings)
                    return fail(QStringLiteral("duplicate \"strings\""));
                sawStrings = true;
                if (!readStrings(s))
                    return false;
            } else if (key == "snapshot") {
                if (!s.m_meta.isEmpty())
                    return fail(QStringLiteral("duplicate \"snapshot\""));
                const char* from = m_p;
                if (!skipValue())
                    return false;
                s.m_meta = QByteArray(from, qsizetype(m_p - from));
                reserve(s);
            } else if (!skipValue()) { // trace_function_infos, trace_tree, samples, locations, and what comes
                return false;
            }
            skipSpace();
            if (m_p >= m_end)
                return fail(QStringLiteral("truncated"));
            if (*m_p == '}') {
                ++m_p;
                break;
            }
            if (*m_p++ != ',')
                return fail(QStringLiteral("expected ',' or '}'"));
        }
        skipSpace();
        if (m_p != m_end)
            return fail(QStringLiteral("data after the snapshot"));
        if (!sawNodes || !sawEdges || !sawStrings || s.m_meta.isEmpty())
            return fail(QStringLiteral("not a heap snapshot: \"snapshot\", \"nodes\", \"edges\" and \"strings\" "
                                       "are all needed"));
        return true;
    }

    // Room for the arrays the meta announces, when the announcement fits the file (a number takes two bytes
    // at least): one allocation instead of doubling, and no huge allocation for a lying header.
    void reserve(HeapSnapshot& s)
    {
        const QJsonObject snapshot = QJsonDocument::fromJson(s.m_meta).object();
        const QJsonObject meta = snapshot.value(QLatin1String("meta")).toObject();
        const auto fits = [&](const char* countKey, const char* fieldsKey) -> size_t {
            const double count = snapshot.value(QLatin1String(countKey)).toDouble();
            const double fields = double(meta.value(QLatin1String(fieldsKey)).toArray().size());
            const double numbers = count * fields;
            return numbers > 0 && numbers * 2 <= double(m_end - m_p) ? size_t(numbers) : 0;
        };
        s.m_nodes.reserve(fits("node_count", "node_fields"));
        s.m_edges.reserve(fits("edge_count", "edge_fields"));
    }

    static int indexOf(const QJsonArray& fields, const char* name)
    {
        for (qsizetype i = 0; i < fields.size(); ++i) {
            if (fields.at(i).toString() == QLatin1String(name))
                return int(i);
        }
        return -1;
    }

    bool parseMeta(HeapSnapshot& s)
    {
        m_p = m_begin; // errors from here on are about the meta, not a position
        QJsonParseError jsonError {};
        const QJsonObject snapshot = QJsonDocument::fromJson(s.m_meta, &jsonError).object();
        const QJsonObject meta = snapshot.value(QLatin1String("meta")).toObject();
        if (meta.isEmpty())
            return fail(QStringLiteral("no snapshot.meta"));
        const QJsonArray nodeFields = meta.value(QLatin1String("node_fields")).toArray();
        const QJsonArray nodeTypes = meta.value(QLatin1String("node_types")).toArray();
        const QJsonArray edgeFields = meta.value(QLatin1String("edge_fields")).toArray();
        const QJsonArray edgeTypes = meta.value(QLatin1String("edge_types")).toArray();
        const int nodeType = indexOf(nodeFields, "type"), nodeName = indexOf(nodeFields, "name");
        const int nodeId = indexOf(nodeFields, "id"), selfSize = indexOf(nodeFields, "self_size");
        const int edgeCount = indexOf(nodeFields, "edge_count");
        const int edgeType = indexOf(edgeFields, "type"), edgeName = indexOf(edgeFields, "name_or_index");
        const int edgeTo = indexOf(edgeFields, "to_node");
        if (nodeType < 0 || nodeName < 0 || nodeId < 0 || selfSize < 0 || edgeCount < 0)
            return fail(QStringLiteral("snapshot.meta.node_fields lacks type, name, id, self_size or edge_count"));
        if (edgeType < 0 || edgeName < 0 || edgeTo < 0)
            return fail(QStringLiteral("snapshot.meta.edge_fields lacks type, name_or_index or to_node"));
        const QJsonArray nodeTypeNames = nodeTypes.at(nodeType).toArray();
        const QJsonArray edgeTypeNames = edgeTypes.at(edgeType).toArray();
        if (nodeTypeNames.isEmpty() || edgeTypeNames.isEmpty())
            return fail(QStringLiteral("snapshot.meta lacks the node or edge type names"));
        s.m_nodeFieldCount = uint32_t(nodeFields.size());
        s.m_nodeTypeField = uint32_t(nodeType);
        s.m_nodeNameField = uint32_t(nodeName);
        s.m_nodeIdField = uint32_t(nodeId);
        s.m_selfSizeField = uint32_t(selfSize);
        s.m_edgeCountField = uint32_t(edgeCount);
        s.m_edgeFieldCount = uint32_t(edgeFields.size());
        s.m_edgeTypeField = uint32_t(edgeType);
        s.m_edgeNameField = uint32_t(edgeName);
        s.m_edgeToField = uint32_t(edgeTo);
        for (const QJsonValue& v : nodeTypeNames)
            s.m_nodeTypeNames.append(v.toString());
        for (const QJsonValue& v : edgeTypeNames)
            s.m_edgeTypeNames.append(v.toString());
        s.m_objectType = int(s.m_nodeTypeNames.indexOf(QLatin1String("object")));
        s.m_nativeType = int(s.m_nodeTypeNames.indexOf(QLatin1String("native")));
        s.m_hiddenType = int(s.m_nodeTypeNames.indexOf(QLatin1String("hidden")));
        s.m_codeType = int(s.m_nodeTypeNames.indexOf(QLatin1String("code")));
        s.m_weakEdge = int(s.m_edgeTypeNames.indexOf(QLatin1String("weak")));
        s.m_shortcutEdge = int(s.m_edgeTypeNames.indexOf(QLatin1String("shortcut")));
        for (const char* numbered : {"element", "hidden"}) {
            const qsizetype t = s.m_edgeTypeNames.indexOf(QLatin1String(numbered));
            if (t >= 0 && t < 32)
                s.m_numberedEdgeTypes |= 1U << t;
        }
        s.m_meta = QByteArray(); // read; not kept
        return true;
    }

    const char* m_begin;
    const char* m_p;
    const char* m_end;
    const char* m_released;
    bool m_mapped;
    QString m_error;
};

bool HeapSnapshot::read(const char* data, size_t size, bool mapped, HeapSnapshot& s, QString* error)
{
    HeapSnapshotReader reader(data, size, mapped);
    return reader.read(s, error);
}

} // namespace heapwatch
