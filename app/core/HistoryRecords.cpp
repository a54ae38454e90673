#include "HistoryRecords.h"

#include <QDir>
#include <QStandardPaths>

namespace heapwatch {

QString HistoryOptions::defaultPath()
{
    const QString fromEnv = qEnvironmentVariable("HEAPWATCH_HISTORY");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("history.sqlite"));
}

namespace {
struct KindName
{
    HistoryEventKind kind;
    const char* name;
};
constexpr KindName kKindNames[] = {
    {HistoryEventKind::Restart, "restart"},
    {HistoryEventKind::Recreate, "recreate"},
    {HistoryEventKind::OomKill, "oom_kill"},
    {HistoryEventKind::FlagTransition, "flag"},
    {HistoryEventKind::RecommendationRaised, "recommendation_raised"},
    {HistoryEventKind::RecommendationResolved, "recommendation_resolved"},
    {HistoryEventKind::RecommendationAcknowledged, "recommendation_acknowledged"},
    {HistoryEventKind::ConnectionGap, "connection_gap"},
    {HistoryEventKind::HeapSnapshot, "heap_snapshot"},
};
} // namespace

QString historyEventKindName(HistoryEventKind kind)
{
    for (const KindName& k : kKindNames)
        if (k.kind == kind)
            return QString::fromLatin1(k.name);
    return {};
}

std::optional<HistoryEventKind> historyEventKindFromName(const QString& name)
{
    for (const KindName& k : kKindNames)
        if (name == QLatin1String(k.name))
            return k.kind;
    return std::nullopt;
}

} // namespace heapwatch
