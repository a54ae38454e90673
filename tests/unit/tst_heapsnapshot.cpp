// The heap snapshot reader, its analysis and the comparison: on real snapshots of a Node process with a known
// leak (tests/fixtures/heapsnap/leak.js under Debian's node), on small hand-written snapshots in the metadata
// layouts of Node 18, 20 and 22, and on malformed input.
#include "HeapAnalysis.h"
#include "HeapComparison.h"
#include "HeapSnapshot.h"
#include "SnapshotCommand.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <map>

using namespace heapwatch;

namespace {

// A hand-written graph: nodes by ordinal, edges by their holder.
struct TestNode
{
    const char* type;
    QString name;
    uint32_t id;
    uint32_t self;
};

struct TestEdge
{
    int from;
    const char* type;
    QJsonValue nameOrIndex; // a string, or a number for element edges
    int to;
};

const QStringList kNodeTypes {QStringLiteral("hidden"),
                              QStringLiteral("array"),
                              QStringLiteral("string"),
                              QStringLiteral("object"),
                              QStringLiteral("code"),
                              QStringLiteral("closure"),
                              QStringLiteral("regexp"),
                              QStringLiteral("number"),
                              QStringLiteral("native"),
                              QStringLiteral("synthetic"),
                              QStringLiteral("concatenated string"),
                              QStringLiteral("sliced string"),
                              QStringLiteral("symbol"),
                              QStringLiteral("bigint"),
                              QStringLiteral("object shape")};
const QStringList kEdgeTypes {QStringLiteral("context"),  QStringLiteral("element"), QStringLiteral("property"),
                              QStringLiteral("internal"), QStringLiteral("hidden"),  QStringLiteral("shortcut"),
                              QStringLiteral("weak")};

QJsonArray strings(const QStringList& list)
{
    return QJsonArray::fromStringList(list);
}

// The snapshot as V8 writes it, in the given field layout (fields other than the five the reader needs are 0).
QByteArray makeSnapshot(const QStringList& nodeFields, const QStringList& edgeFields,
                        const std::vector<TestNode>& nodes, std::vector<TestEdge> edges)
{
    QStringList stringTable {QString()};
    const auto intern = [&](const QString& s) {
        qsizetype i = stringTable.indexOf(s);
        if (i < 0) {
            i = stringTable.size();
            stringTable << s;
        }
        return int(i);
    };
    std::stable_sort(edges.begin(), edges.end(), [](const TestEdge& a, const TestEdge& b) { return a.from < b.from; });
    QJsonArray nodeArray, edgeArray;
    for (size_t i = 0; i < nodes.size(); ++i) {
        const TestNode& n = nodes[i];
        const auto edgeCount
            = std::count_if(edges.begin(), edges.end(), [i](const TestEdge& e) { return e.from == int(i); });
        for (const QString& field : nodeFields) {
            int v = 0;
            if (field == QLatin1String("type"))
                v = int(kNodeTypes.indexOf(QLatin1String(n.type)));
            else if (field == QLatin1String("name"))
                v = intern(n.name);
            else if (field == QLatin1String("id"))
                v = int(n.id);
            else if (field == QLatin1String("self_size"))
                v = int(n.self);
            else if (field == QLatin1String("edge_count"))
                v = int(edgeCount);
            nodeArray.append(v);
        }
    }
    for (const TestEdge& e : edges) {
        for (const QString& field : edgeFields) {
            int v = 0;
            if (field == QLatin1String("type"))
                v = int(kEdgeTypes.indexOf(QLatin1String(e.type)));
            else if (field == QLatin1String("name_or_index"))
                v = e.nameOrIndex.isString() ? intern(e.nameOrIndex.toString()) : e.nameOrIndex.toInt();
            else if (field == QLatin1String("to_node"))
                v = e.to * int(nodeFields.size());
            edgeArray.append(v);
        }
    }
    QJsonArray edgeTypes;
    for (const QString& field : edgeFields) {
        edgeTypes.append(field == QLatin1String("type")          ? QJsonValue(strings(kEdgeTypes))
                             : field == QLatin1String("to_node") ? QJsonValue(QStringLiteral("node"))
                                                                 : QJsonValue(QStringLiteral("string_or_number")));
    }
    // node_types lists the type names at the position of the "type" field.
    QJsonArray orderedNodeTypes;
    for (const QString& field : nodeFields)
        orderedNodeTypes.append(field == QLatin1String("type") ? QJsonValue(strings(kNodeTypes))
                                                               : QJsonValue(QStringLiteral("number")));
    const QJsonObject meta {{QStringLiteral("node_fields"), strings(nodeFields)},
                            {QStringLiteral("node_types"), orderedNodeTypes},
                            {QStringLiteral("edge_fields"), strings(edgeFields)},
                            {QStringLiteral("edge_types"), edgeTypes}};
    const QJsonObject snapshot {{QStringLiteral("meta"), meta},
                                {QStringLiteral("node_count"), int(nodes.size())},
                                {QStringLiteral("edge_count"), int(edges.size())}};
    const QJsonObject root {{QStringLiteral("snapshot"), snapshot},
                            {QStringLiteral("nodes"), nodeArray},
                            {QStringLiteral("edges"), edgeArray},
                            {QStringLiteral("strings"), strings(stringTable)}};
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

// The graph of the layout tests: Holder (1) holds Leaf 3 -> Leaf 5 (which points back at Holder: a cycle),
// Leaf 4 is held by Holder and by Other (2), so the root dominates it, and Leaf 6 is held weakly only.
std::vector<TestNode> graphNodes()
{
    return {{"synthetic", QString(), 1, 0},
            {"object", QStringLiteral("Holder"), 3, 100},
            {"object", QStringLiteral("Other"), 5, 10},
            {"object", QStringLiteral("Leaf"), 7, 20},
            {"object", QStringLiteral("Leaf"), 9, 30},
            {"object", QStringLiteral("Leaf"), 11, 40},
            {"object", QStringLiteral("Leaf"), 13, 50}};
}

std::vector<TestEdge> graphEdges()
{
    return {{0, "element", 1, 1},
            {0, "element", 2, 2},
            {1, "property", QStringLiteral("a"), 3},
            {1, "property", QStringLiteral("b"), 4},
            {1, "weak", QStringLiteral("cache"), 6},
            {2, "property", QStringLiteral("shared"), 4},
            {3, "property", QStringLiteral("next"), 5},
            {5, "property", QStringLiteral("owner"), 1}};
}

const QStringList kNode18Fields {QStringLiteral("type"),       QStringLiteral("name"),
                                 QStringLiteral("id"),         QStringLiteral("self_size"),
                                 QStringLiteral("edge_count"), QStringLiteral("trace_node_id")};
const QStringList kEdgeFields {QStringLiteral("type"), QStringLiteral("name_or_index"), QStringLiteral("to_node")};

// A minimal valid snapshot in Node 18's layout, written by hand: the malformed cases are edits of it.
const QByteArray kMinimal = R"({"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count",)"
                            R"("trace_node_id"],"node_types":[["synthetic","object"],"string","number","number",)"
                            R"("number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":)"
                            R"([["element","property","weak"],"string_or_number","node"]},"node_count":2,)"
                            R"("edge_count":1},"nodes":[0,0,1,0,1,0,1,1,3,10,0,0],"edges":[1,1,6],)"
                            R"("strings":["","A"]})";

QByteArray edited(const char* from, const char* to)
{
    QByteArray bytes = kMinimal;
    Q_ASSERT(bytes.contains(from));
    return bytes.replace(from, to);
}

const HeapClassRow* findClass(const std::vector<HeapClassRow>& rows, const QString& name)
{
    for (const HeapClassRow& row : rows) {
        if (row.name == name)
            return &row;
    }
    return nullptr;
}

} // namespace

class TestHeapSnapshot : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_node;
    QStringList m_files; // the three snapshots of leak.js
    QList<int> m_counts; // LeakyRecord instances alive in each
    QString m_nodeProblem; // why the real snapshots are missing, if they are

    // The real-data tests fail (never skip) without node: the package nodejs is part of installer/dev.sh.
    bool haveRealSnapshots()
    {
        if (!m_nodeProblem.isEmpty())
            qWarning("%s", qPrintable(m_nodeProblem));
        return m_nodeProblem.isEmpty();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
        if (node.isEmpty())
            node = QStandardPaths::findExecutable(QStringLiteral("nodejs"));
        if (node.isEmpty()) {
            m_nodeProblem = QStringLiteral("node is not installed (Debian package nodejs, listed in installer/dev.sh)"
                                           ": the tests on real heap snapshots cannot run");
            return;
        }
        m_node = node;
        QProcess process;
        process.start(node, {QStringLiteral(HEAPWATCH_FIXTURES "/heapsnap/leak.js"), m_dir.path()});
        if (!process.waitForFinished(120000) || process.exitCode() != 0) {
            m_nodeProblem = QStringLiteral("leak.js failed: %1").arg(QString::fromUtf8(process.readAllStandardError()));
            return;
        }
        const QJsonObject result = QJsonDocument::fromJson(process.readAllStandardOutput()).object();
        for (const QJsonValue& f : result.value(QLatin1String("files")).toArray())
            m_files << f.toString();
        for (const QJsonValue& c : result.value(QLatin1String("counts")).toArray())
            m_counts << c.toInt();
        if (m_files.size() != 3 || m_counts != QList<int> {100, 1100, 1600})
            m_nodeProblem = QStringLiteral("leak.js printed something else: %1").arg(m_files.join(QLatin1Char(',')));
    }

    void diffAcrossInspectorSessions()
    {
        // Snapshots taken through two inspector sessions (as over SSH) share no object ids: the comparison says
        // so and gives each class's net change, not every object as both new and freed.
        QVERIFY2(haveRealSnapshots(), qPrintable(m_nodeProblem));
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LEAK_SESSIONS"), QStringLiteral("1"));
        process.setProcessEnvironment(env);
        process.start(m_node, {QStringLiteral(HEAPWATCH_FIXTURES "/heapsnap/leak.js"), m_dir.path()});
        QVERIFY(process.waitForFinished(120000));
        QCOMPARE(process.exitCode(), 0);
        const QJsonArray files
            = QJsonDocument::fromJson(process.readAllStandardOutput()).object().value(QLatin1String("files")).toArray();
        QCOMPARE(files.size(), 2 + 1);
        QString error;
        HeapDigest digest;
        {
            const auto old = HeapSnapshot::load(files.at(0).toString(), &error);
            QVERIFY2(old, qPrintable(error));
            digest = HeapDigest::of(HeapAnalysis(*old));
        }
        const auto now = HeapSnapshot::load(files.at(1).toString(), &error);
        QVERIFY2(now, qPrintable(error));
        const HeapDiff diff = compareSnapshots(digest, HeapAnalysis(*now));
        QVERIFY(!diff.idsMatched);
        // (The in-process session's own chunk strings may outgrow the records: look the class up.)
        const auto it = std::find_if(diff.rows.begin(), diff.rows.end(),
                                     [](const HeapDiffRow& r) { return r.name == QLatin1String("LeakyRecord"); });
        QVERIFY(it != diff.rows.end());
        QCOMPARE(it->countAdded, uint64_t(1000));
        QCOMPARE(it->countRemoved, uint64_t(0));
        QCOMPARE(it->countDelta(), int64_t(1000));
        for (const HeapDiffRow& r : diff.rows)
            QVERIFY2(r.countAdded == 0 || r.countRemoved == 0, qPrintable(r.name));
    }

    void realSummary_data()
    {
        QTest::addColumn<int>("snapshot");
        QTest::addRow("after 100 records") << 0;
        QTest::addRow("after 1100 records") << 1;
        QTest::addRow("after 1600 records") << 2;
    }

    void realSummary()
    {
        QFETCH(int, snapshot);
        QVERIFY2(haveRealSnapshots(), qPrintable(m_nodeProblem));
        QString error;
        const auto s = HeapSnapshot::load(m_files.at(snapshot), &error);
        QVERIFY2(s, qPrintable(error));
        QVERIFY(s->nodeTypeNames().contains(QLatin1String("object")));
        const HeapAnalysis analysis(*s);
        const std::vector<HeapClassRow> rows = analysis.classes();
        const HeapClassRow* leaky = findClass(rows, QStringLiteral("LeakyRecord"));
        QVERIFY(leaky);
        QCOMPARE(leaky->count, uint64_t(m_counts.at(snapshot)));
        QVERIFY(leaky->selfSize >= leaky->count * 8 * 8); // eight small integers in each
        QCOMPARE(leaky->retainedSize, leaky->selfSize); // the records hold nothing of their own
        const HeapClassRow* holder = findClass(rows, QStringLiteral("LeakHolder"));
        QVERIFY(holder);
        QCOMPARE(holder->count, uint64_t(1));
        QVERIFY(holder->retainedSize > leaky->retainedSize); // it holds every record, plus the array

        // The totals agree with the rows, and every node is counted once.
        const HeapTotals totals = analysis.totals();
        uint64_t count = 0, self = 0;
        for (const HeapClassRow& row : rows) {
            count += row.count;
            self += row.selfSize;
        }
        QCOMPARE(count, totals.nodes);
        QCOMPARE(self, totals.selfSize);
        QCOMPARE(totals.nodes, uint64_t(s->nodeCount()));
        QCOMPARE(analysis.retainedSize(0), totals.selfSize);

        // Every record is held through the holder's array.
        for (uint32_t i = 0; i < s->nodeCount(); ++i) {
            if (s->className(i) != QLatin1String("LeakyRecord"))
                continue;
            const QString path = analysis.retainerPath(i);
            QVERIFY2(path.contains(QLatin1String("leakHolder (property) -> LeakHolder -> records (property) -> Array")),
                     qPrintable(path));
            QVERIFY2(path.endsWith(QLatin1String("(element) -> LeakyRecord")), qPrintable(path));
        }
    }

    void realDiff_data()
    {
        QTest::addColumn<int>("before");
        QTest::addColumn<int>("after");
        QTest::addColumn<int>("added");
        QTest::addRow("100 -> 1100") << 0 << 1 << 1000;
        QTest::addRow("1100 -> 1600") << 1 << 2 << 500;
        QTest::addRow("100 -> 1600") << 0 << 2 << 1500;
        QTest::addRow("1600 -> 100 (reversed: all removed)") << 2 << 0 << -1500;
    }

    void realDiff()
    {
        QFETCH(int, before);
        QFETCH(int, after);
        QFETCH(int, added);
        QVERIFY2(haveRealSnapshots(), qPrintable(m_nodeProblem));
        QString error;
        HeapDigest digest;
        {
            const auto old = HeapSnapshot::load(m_files.at(before), &error);
            QVERIFY2(old, qPrintable(error));
            digest = HeapDigest::of(HeapAnalysis(*old));
        }
        const auto now = HeapSnapshot::load(m_files.at(after), &error);
        QVERIFY2(now, qPrintable(error));
        const HeapAnalysis analysis(*now);
        const HeapDiff diff = compareSnapshots(digest, analysis);
        QVERIFY(!diff.rows.empty());
        QVERIFY(diff.idsMatched); // one process, one profiler: an id is one object
        const auto it = std::find_if(diff.rows.begin(), diff.rows.end(),
                                     [](const HeapDiffRow& r) { return r.name == QLatin1String("LeakyRecord"); });
        QVERIFY(it != diff.rows.end());
        QCOMPARE(it->countDelta(), int64_t(added));
        QCOMPARE(it->countAdded, uint64_t(std::max(added, 0)));
        QCOMPARE(it->countRemoved, uint64_t(std::max(-added, 0)));
        QCOMPARE(it->countAfter, uint64_t(m_counts.at(after)));
        if (added > 0) {
            // The leak is the top grower, with an example held through the holder's array.
            QCOMPARE(diff.rows.front().name, QStringLiteral("LeakyRecord"));
            QVERIFY(it->sizeDelta() > 0);
            QVERIFY2(it->examplePath.contains(QLatin1String("LeakHolder -> records (property) -> Array")),
                     qPrintable(it->examplePath));
        } else {
            QCOMPARE(diff.rows.back().name, QStringLiteral("LeakyRecord")); // shrank most
            QVERIFY(it->examplePath.isEmpty());
        }
    }

    void command_data()
    {
        QTest::addColumn<QStringList>("arguments"); // %1, %2, %3: the three snapshots
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("expected"); // in stdout (or stderr on failure)
        QTest::addRow("diff json") << QStringList {QStringLiteral("--diff"), QStringLiteral("%1"), QStringLiteral("%2"),
                                                   QStringLiteral("--json")}
                                   << 0 << QStringLiteral("\"constructor\": \"LeakyRecord\"");
        QTest::addRow("diff text") << QStringList {QStringLiteral("--diff"), QStringLiteral("%2"), QStringLiteral("%3")}
                                   << 0 << QStringLiteral("LeakyRecord");
        QTest::addRow("summary json") << QStringList {QStringLiteral("--summary"), QStringLiteral("%3"),
                                                      QStringLiteral("--json")}
                                      << 0 << QStringLiteral("\"retained_size_bytes\"");
        QTest::addRow("summary text") << QStringList {QStringLiteral("--summary"), QStringLiteral("%1")} << 0
                                      << QStringLiteral("Largest objects");
        QTest::addRow("both") << QStringList {QStringLiteral("--summary"), QStringLiteral("%1"),
                                              QStringLiteral("--diff"), QStringLiteral("%1"), QStringLiteral("%2")}
                              << 2 << QStringLiteral("either --summary FILE or --diff OLD NEW");
        QTest::addRow("diff with one file")
            << QStringList {QStringLiteral("--diff"), QStringLiteral("%1")} << 2 << QStringLiteral("two files");
        QTest::addRow("missing file") << QStringList {QStringLiteral("--summary"), QStringLiteral("/nonexistent.x")}
                                      << 2 << QStringLiteral("/nonexistent.x");
        QTest::addRow("not a snapshot") << QStringList {QStringLiteral("--summary"),
                                                        QStringLiteral(HEAPWATCH_FIXTURES "/heapsnap/leak.js")}
                                        << 2 << QStringLiteral("expected '{'");
        QTest::addRow("help") << QStringList {QStringLiteral("--help")} << 0 << QStringLiteral("--diff OLD NEW");
    }

    void command()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, expected);
        QVERIFY2(haveRealSnapshots(), qPrintable(m_nodeProblem));
        for (QString& a : arguments)
            a = a.replace(QLatin1String("%1"), m_files.at(0))
                    .replace(QLatin1String("%2"), m_files.at(1))
                    .replace(QLatin1String("%3"), m_files.at(2));
        QString outText, errText;
        QTextStream out(&outText), err(&errText);
        QCOMPARE(SnapshotCommand::run(arguments, out, err), exitCode);
        QVERIFY2((exitCode == 0 ? outText : errText).contains(expected), qPrintable(outText + errText));
        if (arguments.contains(QLatin1String("--json")) && arguments.contains(QLatin1String("--diff"))) {
            const QJsonArray rows
                = QJsonDocument::fromJson(outText.toUtf8()).object().value(QLatin1String("constructors")).toArray();
            const QJsonObject first = rows.at(0).toObject();
            QCOMPARE(first.value(QLatin1String("constructor")).toString(), QStringLiteral("LeakyRecord"));
            QCOMPARE(first.value(QLatin1String("count_delta")).toInt(), 1000);
            QCOMPARE(first.value(QLatin1String("count_added")).toInt(), 1000);
            QCOMPARE(first.value(QLatin1String("count_removed")).toInt(), 0);
            QVERIFY(first.value(QLatin1String("size_delta_bytes")).toDouble() > 0);
            QVERIFY(
                first.value(QLatin1String("example_retainer_path")).toString().contains(QLatin1String("LeakHolder")));
            for (qsizetype i = 1; i < rows.size(); ++i) // sorted by size growth
                QVERIFY(rows.at(i - 1).toObject().value(QLatin1String("size_delta_bytes")).toDouble()
                        >= rows.at(i).toObject().value(QLatin1String("size_delta_bytes")).toDouble());
        }
    }

    void layouts_data()
    {
        QTest::addColumn<QStringList>("nodeFields");
        QTest::addColumn<QStringList>("edgeFields");
        QTest::addRow("Node 18 (no detachedness)") << kNode18Fields << kEdgeFields;
        QTest::addRow("Node 20 and 22 (detachedness)")
            << (kNode18Fields + QStringList {QStringLiteral("detachedness")}) << kEdgeFields;
        QTest::addRow("fields in another order")
            << QStringList {QStringLiteral("detachedness"), QStringLiteral("edge_count"), QStringLiteral("name"),
                            QStringLiteral("self_size"),    QStringLiteral("id"),         QStringLiteral("type")}
            << QStringList {QStringLiteral("to_node"), QStringLiteral("type"), QStringLiteral("name_or_index")};
        QTest::addRow("only the needed fields")
            << QStringList {QStringLiteral("type"), QStringLiteral("name"), QStringLiteral("id"),
                            QStringLiteral("self_size"), QStringLiteral("edge_count")}
            << kEdgeFields;
    }

    void layouts()
    {
        QFETCH(QStringList, nodeFields);
        QFETCH(QStringList, edgeFields);
        QString error;
        const auto s = HeapSnapshot::parse(makeSnapshot(nodeFields, edgeFields, graphNodes(), graphEdges()), &error);
        QVERIFY2(s, qPrintable(error));
        QCOMPARE(s->nodeCount(), 7U);
        QCOMPARE(s->edgeCount(), 8U);
        const HeapAnalysis a(*s);
        // Holder dominates Leaf 3 and, through it, Leaf 5; Leaf 4 is shared with Other; Leaf 6 is held weakly.
        QCOMPARE(a.retainedSize(1), uint64_t(100 + 20 + 40));
        QCOMPARE(a.retainedSize(2), uint64_t(10));
        QCOMPARE(a.retainedSize(3), uint64_t(20 + 40));
        QCOMPARE(a.retainedSize(4), uint64_t(30));
        QCOMPARE(a.retainedSize(6), uint64_t(50)); // held by the root, as in DevTools
        QCOMPARE(a.retainedSize(0), uint64_t(100 + 10 + 20 + 30 + 40 + 50));
        QVERIFY(!a.reachable(6));
        const std::vector<HeapClassRow> rows = a.classes();
        const HeapClassRow* leaf = findClass(rows, QStringLiteral("Leaf"));
        QVERIFY(leaf);
        QCOMPARE(leaf->count, uint64_t(4));
        QCOMPARE(leaf->selfSize, uint64_t(140));
        QCOMPARE(leaf->retainedSize, uint64_t(60 + 30 + 50)); // Leaf 5 is inside Leaf 3's already
        QCOMPARE(findClass(rows, QStringLiteral("Holder"))->retainedSize, uint64_t(160));
        QCOMPARE(a.retainerPath(5), QStringLiteral("Holder -> a (property) -> Leaf -> next (property) -> Leaf"));
        QCOMPARE(a.retainerPath(4), QStringLiteral("Holder -> b (property) -> Leaf"));
        QCOMPARE(a.retainerPath(6), QString());
        QCOMPARE(a.totals().reachableNodes, uint64_t(6));
        QCOMPARE(a.largest(2).front().className, QStringLiteral("Holder"));
    }

    void fixtureLayouts_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addRow("Node 18 layout") << QStringLiteral(HEAPWATCH_FIXTURES "/heapsnap/graph-node18.heapsnapshot");
        QTest::addRow("Node 22 layout, trace sections")
            << QStringLiteral(HEAPWATCH_FIXTURES "/heapsnap/graph-node22.heapsnapshot");
    }

    // The fuzzers' seeds: one graph in two layouts reads the same.
    void fixtureLayouts()
    {
        QFETCH(QString, file);
        QString error;
        const auto s = HeapSnapshot::load(file, &error);
        QVERIFY2(s, qPrintable(error));
        const HeapAnalysis a(*s);
        QCOMPARE(a.totals().nodes, uint64_t(9));
        QCOMPARE(a.totals().reachableNodes, uint64_t(9));
        QCOMPARE(a.totals().selfSize, uint64_t(256));
        QStringList rows;
        for (const HeapClassRow& row : a.classes())
            rows << QStringLiteral("%1 %2 %3 %4").arg(row.name).arg(row.count).arg(row.selfSize).arg(row.retainedSize);
        QCOMPARE(rows,
                 (QStringList {QStringLiteral("(synthetic) 2 0 256"), QStringLiteral("Holder 1 100 192"),
                               QStringLiteral("Leaf 2 50 122"), QStringLiteral("Leaf\u00e9 1 40 72"),
                               QStringLiteral("(closure) 1 32 32"), QStringLiteral("(string) 1 24 24"),
                               QStringLiteral("Other 1 10 10")}));
        const std::vector<HeapObjectRow> largest = a.largest(3);
        QCOMPARE(largest.at(2).retainerPath,
                 QStringLiteral("Holder -> a (property) -> Leaf -> next (property) -> Leaf\u00e9"));
    }

    // Lengauer-Tarjan against the definition: d's retained size is its own plus that of every node the root
    // no longer reaches once d is gone. Random graphs with cycles, fixed seeds.
    void dominatorsAgainstDefinition_data()
    {
        QTest::addColumn<int>("seed");
        QTest::addColumn<int>("nodes");
        for (int seed = 1; seed <= 24; ++seed)
            QTest::addRow("seed %d", seed) << seed << 3 + (seed * 7) % 40;
    }

    void dominatorsAgainstDefinition()
    {
        QFETCH(int, seed);
        QFETCH(int, nodes);
        QRandomGenerator random {quint32(seed)};
        std::vector<TestNode> graph {{"synthetic", QString(), 1, 0}};
        std::vector<TestEdge> edges;
        for (int i = 1; i < nodes; ++i) {
            graph.push_back({"object", QStringLiteral("C%1").arg(random.bounded(3)), uint32_t(2 * i + 1),
                             uint32_t(random.bounded(1, 100))});
            edges.push_back({random.bounded(i), "property", QStringLiteral("p"), i}); // every node reachable
        }
        const int extra = random.bounded(nodes * 2);
        for (int k = 0; k < extra; ++k) // forward, back and self edges: cycles
            edges.push_back({random.bounded(nodes), "property", QStringLiteral("q"), random.bounded(1, nodes)});
        QString error;
        const auto s = HeapSnapshot::parse(makeSnapshot(kNode18Fields, kEdgeFields, graph, edges), &error);
        QVERIFY2(s, qPrintable(error));
        const HeapAnalysis a(*s);
        const auto reachableWithout = [&](int removed) {
            std::vector<bool> seen(size_t(nodes), false);
            std::vector<int> stack {0};
            seen[0] = true;
            while (!stack.empty()) {
                const int v = stack.back();
                stack.pop_back();
                for (const TestEdge& e : edges) {
                    if (e.from == v && e.to != removed && !seen[size_t(e.to)]) {
                        seen[size_t(e.to)] = true;
                        stack.push_back(e.to);
                    }
                }
            }
            return seen;
        };
        uint64_t total = 0;
        for (const TestNode& n : graph)
            total += n.self;
        QCOMPARE(a.retainedSize(0), total);
        // dominated[d][v]: v is gone without d.
        std::vector<std::vector<bool>> dominated;
        dominated.push_back(std::vector<bool>(size_t(nodes), true));
        for (int d = 1; d < nodes; ++d) {
            std::vector<bool> seen = reachableWithout(d);
            uint64_t retained = graph[size_t(d)].self;
            for (int v = 1; v < nodes; ++v)
                retained += v != d && !seen[size_t(v)] ? graph[size_t(v)].self : 0;
            QCOMPARE(a.retainedSize(uint32_t(d)), retained);
            seen.flip();
            dominated.push_back(seen);
        }
        // Per class: the retained sizes of the class's objects that no other object of the class dominates.
        std::map<QString, uint64_t> byClass;
        for (int v = 1; v < nodes; ++v) {
            bool inside = false;
            for (int d = 1; d < nodes; ++d)
                inside = inside
                    || (d != v && dominated[size_t(d)][size_t(v)] && graph[size_t(d)].name == graph[size_t(v)].name);
            if (!inside)
                byClass[graph[size_t(v)].name] += a.retainedSize(uint32_t(v));
        }
        for (const HeapClassRow& row : a.classes()) {
            if (row.name.startsWith(QLatin1Char('C')))
                QCOMPARE(row.retainedSize, byClass[row.name]);
        }
    }

    void twoNumberingsAreComparedByClass()
    {
        // Two first snapshots of their numberings (ids rise along the node order in both), as two inspector
        // sessions give: the second numbering meets a new Leaf early in its walk, so every later object takes
        // the id its predecessor had in the first. By id, all fifteen of the first's ids meet one in the second,
        // fourteen of them an object of their own class, and the Other would look freed and new; per class, one
        // Leaf was added and nothing freed.
        const auto heap = [](int leaves) {
            std::vector<TestNode> nodes {{"synthetic", QString(), 1, 0}, {"object", QStringLiteral("Holder"), 3, 100}};
            for (int k = 0; k < leaves; ++k)
                nodes.push_back({"object", QStringLiteral("Leaf"), uint32_t(5 + 2 * k), 20});
            nodes.push_back({"object", QStringLiteral("Other"), uint32_t(5 + 2 * leaves), 10});
            std::vector<TestEdge> edges;
            for (int k = 1; k < int(nodes.size()); ++k)
                edges.push_back({0, "element", k, k});
            return makeSnapshot(kNode18Fields, kEdgeFields, nodes, edges);
        };
        QString error;
        const auto old = HeapSnapshot::parse(heap(12), &error);
        QVERIFY2(old, qPrintable(error));
        const auto now = HeapSnapshot::parse(heap(13), &error);
        QVERIFY2(now, qPrintable(error));
        const HeapDigest digest = HeapDigest::of(HeapAnalysis(*old));
        QVERIFY(digest.firstOfNumbering);
        const HeapDiff diff = compareSnapshots(digest, HeapAnalysis(*now));
        QVERIFY(!diff.idsMatched);
        QCOMPARE(diff.rows.size(), size_t(1));
        QCOMPARE(diff.rows[0].name, QStringLiteral("Leaf"));
        QCOMPARE(diff.rows[0].countAdded, uint64_t(1));
        QCOMPARE(diff.rows[0].countRemoved, uint64_t(0));
        QCOMPARE(diff.rows[0].sizeDelta(), int64_t(20));
    }

    void handDiff()
    {
        // The newer snapshot: Leaf 5 is gone (its id no longer there), two new Leafs hang off Other, and
        // Holder grew in place by 8 bytes.
        std::vector<TestNode> nodes = graphNodes();
        nodes[5].id = 101;
        nodes[1].self += 8;
        nodes.push_back({"object", QStringLiteral("Leaf"), 103, 70});
        std::vector<TestEdge> edges = graphEdges();
        edges.push_back({2, "element", 0, 7});
        QString error;
        const auto old
            = HeapSnapshot::parse(makeSnapshot(kNode18Fields, kEdgeFields, graphNodes(), graphEdges()), &error);
        QVERIFY2(old, qPrintable(error));
        const auto now = HeapSnapshot::parse(makeSnapshot(kNode18Fields, kEdgeFields, nodes, edges), &error);
        QVERIFY2(now, qPrintable(error));
        const HeapAnalysis after(*now);
        const HeapDiff diff = compareSnapshots(HeapDigest::of(HeapAnalysis(*old)), after);
        // Id 101 stands among lower ones: the newer snapshot continues the older one's numbering.
        QVERIFY(diff.idsMatched);
        QCOMPARE(diff.rows.size(), size_t(2));
        const HeapDiffRow& leaf = diff.rows[0];
        QCOMPARE(leaf.name, QStringLiteral("Leaf"));
        QCOMPARE(leaf.countAdded, uint64_t(2)); // 101 (the old 11 under a new id) and 103
        QCOMPARE(leaf.countRemoved, uint64_t(1));
        QCOMPARE(leaf.sizeDelta(), int64_t(70));
        QCOMPARE(leaf.exampleId, 103U);
        QCOMPARE(leaf.examplePath, QStringLiteral("Other -> [0] (element) -> Leaf"));
        QCOMPARE(diff.rows[1].name, QStringLiteral("Holder"));
        QCOMPARE(diff.rows[1].countDelta(), int64_t(0));
        QCOMPARE(diff.rows[1].sizeDelta(), int64_t(8));
    }

    void valid_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("name"); // of node 1
        QTest::addRow("minimal") << kMinimal << QStringLiteral("A");
        QTest::addRow("whitespace") << QByteArray(kMinimal).replace(",", " ,\n\t ").replace(":", " : ")
                                    << QStringLiteral("A");
        QTest::addRow("escapes") << edited(R"(["","A"])", "[\"\",\"A\\u00e9\\ud83d\\ude00\\n\\\"\\\\\\/\"]")
                                 << QStringLiteral("A\u00e9\U0001F600\n\"\\/");
        QTest::addRow("lone surrogate") << edited(R"(["","A"])", R"(["","A\udc00"])") << QStringLiteral("A\uFFFD");
        QTest::addRow("extra sections (trace, samples, locations)")
            << edited(R"("strings")",
                      R"("trace_function_infos":[],"trace_tree":[1,2,[3,[4,[]]]],)"
                      R"("samples":[1,2],"locations":[0,1,2,3],"extra":{"a":[true,null,-1.5e3]},)"
                      R"("strings")")
            << QStringLiteral("A");
        QTest::addRow("deep nesting in an unknown section")
            << edited(R"("strings")",
                      QByteArray(QByteArray(200000, '[') + QByteArray(200000, ']') + ",\"strings\"")
                          .prepend("\"deep\":")
                          .constData())
            << QStringLiteral("A");
        QTest::addRow("a cycle through the root")
            << edited(R"("nodes":[0,0,1,0,1,0,1,1,3,10,0,0],"edges":[1,1,6])",
                      R"("nodes":[0,0,1,0,1,0,1,1,3,10,1,0],"edges":[1,1,6,1,1,0])")
            << QStringLiteral("A");
    }

    void valid()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, name);
        QString error;
        const auto s = HeapSnapshot::parse(bytes, &error);
        QVERIFY2(s, qPrintable(error));
        QCOMPARE(s->nodeCount(), 2U);
        QCOMPARE(s->className(1), name);
        QCOMPARE(s->selfSize(1), 10U);
        const HeapAnalysis a(*s);
        QCOMPARE(a.retainedSize(0), uint64_t(10));
        QCOMPARE(a.retainedSize(1), uint64_t(10));
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("error"); // a part of the message
        QTest::addRow("empty") << QByteArray() << QStringLiteral("truncated");
        QTest::addRow("an array") << QByteArray("[]") << QStringLiteral("expected '{'");
        QTest::addRow("empty object") << QByteArray("{}") << QStringLiteral("not a heap snapshot");
        QTest::addRow("no strings") << edited(R"(,"strings":["","A"])", "") << QStringLiteral("not a heap snapshot");
        for (const qsizetype cut : {qsizetype(1), qsizetype(30), qsizetype(200), qsizetype(400), kMinimal.size() - 40,
                                    kMinimal.size() - 25, kMinimal.size() - 12, kMinimal.size() - 5})
            QTest::addRow("truncated at %d", int(cut)) << kMinimal.left(cut) << QStringLiteral("truncated");
        QTest::addRow("truncated before the last brace") << kMinimal.chopped(1) << QStringLiteral("truncated");
        QTest::addRow("data after the end") << kMinimal + "x" << QStringLiteral("data after the snapshot");
        QTest::addRow("nodes is a string")
            << edited(R"("nodes":[0,0,1,0,1,0,1,1,3,10,0,0])", R"("nodes":"0")") << QStringLiteral("expected '['");
        QTest::addRow("nested array in nodes")
            << edited("[0,0,1,0,1,0,1", "[[0],0,1,0,1,0,1") << QStringLiteral("expected a non-negative integer");
        QTest::addRow("strings holds a number")
            << edited(R"(["","A"])", R"(["",1])") << QStringLiteral("expected '\"'");
        QTest::addRow("negative") << edited("3,10,0,0", "3,-10,0,0") << QStringLiteral("non-negative integer");
        QTest::addRow("fraction") << edited("3,10,0,0", "3,10.5,0,0") << QStringLiteral("expected an integer");
        QTest::addRow("exponent") << edited("3,10,0,0", "3,1e3,0,0") << QStringLiteral("expected an integer");
        QTest::addRow("huge number") << edited("3,10,0,0", "3,99999999999999999999999,0,0")
                                     << QStringLiteral("number out of range");
        QTest::addRow("just over 32 bits")
            << edited("3,10,0,0", "3,4294967296,0,0") << QStringLiteral("number out of range");
        QTest::addRow("missing separator") << edited("3,10,0,0", "3 10,0,0") << QStringLiteral("expected ',' or ']'");
        QTest::addRow("partial node") << edited("1,1,3,10,0,0]", "1,1,3,10,0]")
                                      << QStringLiteral("not a whole number of 6-field nodes");
        QTest::addRow("partial edge") << edited(R"("edges":[1,1,6])", R"("edges":[1,1])")
                                      << QStringLiteral("not a whole number of 3-field edges");
        QTest::addRow("node type out of range")
            << edited("1,1,3,10,0,0", "7,1,3,10,0,0") << QStringLiteral("node 1: type 7 out of range");
        QTest::addRow("node name out of range")
            << edited("1,1,3,10,0,0", "1,2,3,10,0,0") << QStringLiteral("node 1: name 2 out of range");
        QTest::addRow("edge target out of range") << edited(R"("edges":[1,1,6])", R"("edges":[1,1,12])")
                                                  << QStringLiteral("edge 0: to_node 12 is not a node");
        QTest::addRow("edge target inside a node")
            << edited(R"("edges":[1,1,6])", R"("edges":[1,1,5])") << QStringLiteral("edge 0: to_node 5 is not a node");
        QTest::addRow("edge name out of range")
            << edited(R"("edges":[1,1,6])", R"("edges":[1,5,6])") << QStringLiteral("edge 0: name 5 out of range");
        QTest::addRow("edge type out of range")
            << edited(R"("edges":[1,1,6])", R"("edges":[3,1,6])") << QStringLiteral("edge 0: type 3 out of range");
        QTest::addRow("edge counts past the edges")
            << edited("1,1,3,10,0,0", "1,1,3,10,5,0") << QStringLiteral("runs past the 1 edges");
        QTest::addRow("edge counts short of the edges")
            << edited("0,0,1,0,1,0", "0,0,1,0,0,0") << QStringLiteral("adds up to 0");
        QTest::addRow("no nodes") << edited("[0,0,1,0,1,0,1,1,3,10,0,0]", "[]") << QStringLiteral("no nodes");
        QTest::addRow("no meta") << edited(R"("meta")", R"("mota")") << QStringLiteral("no snapshot.meta");
        QTest::addRow("no self_size field")
            << edited(R"("self_size")", R"("size")") << QStringLiteral("lacks type, name, id, self_size or edge_count");
        QTest::addRow("no to_node field")
            << edited(R"("to_node")", R"("target")") << QStringLiteral("lacks type, name_or_index or to_node");
        QTest::addRow("no type names") << edited(R"([["synthetic","object"],)", R"(["string",)")
                                       << QStringLiteral("lacks the node or edge type names");
        QTest::addRow("duplicate nodes") << edited(R"("edges")", R"("nodes":[],"edges")")
                                         << QStringLiteral("duplicate \"nodes\"");
        QTest::addRow("unbalanced unknown section")
            << edited(R"("strings")", R"("samples":[1,{]},"strings")") << QStringLiteral("unbalanced");
        QTest::addRow("bad escape") << edited(R"(["","A"])", R"(["","A\x"])") << QStringLiteral("bad escape");
        QTest::addRow("bad unicode escape")
            << edited(R"(["","A"])", R"(["","A\u12g4"])") << QStringLiteral("bad \\u escape");
        QTest::addRow("unterminated deep nesting")
            << QByteArray("{\"x\":" + QByteArray(1000000, '[')) << QStringLiteral("truncated");
    }

    void malformed()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, error);
        QString message;
        QVERIFY(!HeapSnapshot::parse(bytes, &message));
        QVERIFY2(message.contains(error), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestHeapSnapshot)
#include "tst_heapsnapshot.moc"
