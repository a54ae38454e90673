#include "SnapshotHelperOutput.h"

#include "PlainText.h"

namespace heapwatch {
namespace {

constexpr qsizetype kMaxLine = 4096; // the helper's lines are short; a longer one is not the helper's

bool kindOf(const QByteArray& word, SnapshotHelperEvent::Kind* kind)
{
    using K = SnapshotHelperEvent::Kind;
    static const struct
    {
        const char* word;
        K kind;
    } table[] = {{"start", K::Start},       {"inspector", K::Inspector}, {"preflight", K::Preflight},
                 {"progress", K::Progress}, {"snapshot", K::Snapshot},   {"done", K::Done},
                 {"stopped", K::Stopped},   {"error", K::Error}};
    for (const auto& e : table) {
        if (word == e.word) {
            *kind = e.kind;
            return true;
        }
    }
    return false;
}

} // namespace

qint64 SnapshotHelperEvent::number(const QString& key, qint64 fallback) const
{
    bool ok = false;
    const qint64 v = fields.value(key).toLongLong(&ok);
    return ok ? v : fallback;
}

bool SnapshotHelperOutput::parseLine(const QByteArray& line, SnapshotHelperEvent* event)
{
    if (line.size() > kMaxLine)
        return false;
    const QList<QByteArray> words = line.trimmed().split(' ');
    if (words.size() < 2 || words[0] != kTag)
        return false;
    SnapshotHelperEvent e;
    if (!kindOf(words[1], &e.kind))
        return false;
    for (qsizetype i = 2; i < words.size(); ++i) {
        const qsizetype eq = words[i].indexOf('=');
        if (eq <= 0)
            return false;
        e.fields.insert(QString::fromUtf8(words[i].left(eq)), plainText(QString::fromUtf8(words[i].mid(eq + 1)), 300));
    }
    *event = std::move(e);
    return true;
}

std::vector<SnapshotHelperEvent> SnapshotHelperOutput::feed(const QByteArray& bytes)
{
    std::vector<SnapshotHelperEvent> events;
    m_pending.append(bytes);
    qsizetype start = 0;
    for (;;) {
        const qsizetype nl = m_pending.indexOf('\n', start);
        if (nl < 0)
            break;
        const QByteArray line = m_pending.mid(start, nl - start);
        start = nl + 1;
        SnapshotHelperEvent e;
        if (parseLine(line, &e)) {
            events.push_back(std::move(e));
        } else if (!line.trimmed().isEmpty()) {
            ++m_foreign;
            m_lastForeign = plainText(QString::fromUtf8(line), 300).trimmed();
        }
    }
    m_pending.remove(0, start);
    if (m_pending.size() > kMaxLine) { // no newline for too long: not the helper's, drop it
        ++m_foreign;
        m_pending.clear();
    }
    return events;
}

SnapshotMemory SnapshotHelperOutput::memoryOf(const SnapshotHelperEvent& e)
{
    SnapshotMemory m;
    m.heapUsed = e.number(QStringLiteral("heap_used"));
    m.heapTotal = e.number(QStringLiteral("heap_total"));
    m.limit = e.number(QStringLiteral("mem_limit"));
    m.usage = e.number(QStringLiteral("mem_usage"));
    m.available = e.number(QStringLiteral("mem_available"));
    m.objects = e.number(QStringLiteral("objects"));
    m.counted = e.fields.contains(QStringLiteral("objects"));
    return m;
}

} // namespace heapwatch
