#include "ContainerListParser.h"

#include "PlainText.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

namespace heapwatch {

namespace {

QString text(const QJsonValue& v)
{
    return plainText(v.toString(), ContainerListParser::kMaxFieldChars).trimmed();
}

// docker: "Names":"a,b" (a string, comma-separated); podman: "Names":["a"]. Old CLIs prefix a '/'.
QString firstName(const QJsonValue& v)
{
    QString name;
    if (v.isArray())
        name = v.toArray().at(0).toString();
    else
        name = v.toString().section(QLatin1Char(','), 0, 0);
    name = name.trimmed();
    if (name.startsWith(QLatin1Char('/')))
        name.remove(0, 1);
    return name;
}

QJsonValue field(const QJsonObject& o, const char* upper, const char* lower)
{
    const QJsonValue v = o.value(QLatin1String(upper));
    return v.isUndefined() ? o.value(QLatin1String(lower)) : v;
}

// One ps object → entry; false when it does not name a container we could watch.
bool readEntry(const QJsonObject& o, ContainerListEntry* out)
{
    const QString name = firstName(field(o, "Names", "names"));
    if (!ContainerListParser::isValidName(name))
        return false;
    out->name = name;
    out->image = text(field(o, "Image", "image"));
    const QJsonValue state = field(o, "State", "state");
    out->state = state.isString() ? text(state) : QString(); // podman < 4 gives a number: not shown
    out->status = text(field(o, "Status", "status"));
    QJsonValue id = o.value(QLatin1String("ID"));
    if (id.isUndefined())
        id = field(o, "Id", "id");
    out->id = text(id);
    return true;
}

class Collector
{
public:
    explicit Collector(ContainerListing& listing)
        : m_listing(listing)
    {
    }
    void add(const QJsonValue& v)
    {
        if (m_listing.truncated)
            return;
        ContainerListEntry e;
        if (!v.isObject() || !readEntry(v.toObject(), &e)) {
            ++m_listing.malformed;
            return;
        }
        if (int(m_listing.containers.size()) >= ContainerListParser::kMaxContainers) {
            m_listing.truncated = true;
            return;
        }
        m_listing.containers.push_back(std::move(e));
    }

private:
    ContainerListing& m_listing;
};

} // namespace

bool ContainerListParser::isValidName(const QString& name)
{
    if (name.isEmpty() || name.size() > 255)
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const char16_t c = name.at(i).unicode();
        const bool alnum = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9');
        if (!alnum && (i == 0 || (c != u'_' && c != u'.' && c != u'-')))
            return false;
    }
    return true;
}

ContainerListing ContainerListParser::parse(QByteArrayView output)
{
    ContainerListing listing;
    Collector collect(listing);
    const QByteArrayView all = trimmedBytes(output);
    // podman's `--format json`: one array over many lines. Bounded by the caller's output cap.
    if (all.startsWith('[')) {
        QJsonParseError error {};
        const QJsonDocument doc = QJsonDocument::fromJson(all.toByteArray(), &error);
        if (error.error != QJsonParseError::NoError || !doc.isArray()) {
            listing.malformed = 1;
            return listing;
        }
        for (const QJsonValue& v : doc.array())
            collect.add(v);
        return listing;
    }
    qsizetype pos = 0;
    while (pos < output.size() && !listing.truncated) {
        qsizetype end = output.indexOf('\n', pos);
        if (end < 0)
            end = output.size();
        const QByteArrayView line = trimmedBytes(output.sliced(pos, end - pos));
        pos = end + 1;
        if (line.isEmpty())
            continue;
        if (line.size() > kMaxLineBytes || !line.startsWith('{')) {
            ++listing.malformed;
            continue;
        }
        QJsonParseError error {};
        const QJsonDocument doc = QJsonDocument::fromJson(line.toByteArray(), &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            ++listing.malformed;
            continue;
        }
        collect.add(doc.object());
    }
    return listing;
}

} // namespace heapwatch
