#include "TargetListModel.h"

#include "AlertSilencer.h"
#include "Format.h"
#include "LevelStyle.h"
#include "Target.h"

#include <QDateTime>
#include <algorithm>

namespace heapwatch {

TargetListModel::TargetListModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

QString TargetListModel::staleText(const std::vector<StreamHealth>& streams, qint64 nowMs)
{
    QStringList parts;
    for (const StreamHealth& h : streams) {
        if (h.up() || h.state == StreamHealth::State::Waiting)
            continue;
        parts << (h.lastDataMs >= 0 ? QStringLiteral("%1 %2").arg(toString(h.stream), format::age(nowMs - h.lastDataMs))
                                    : QStringLiteral("%1 %2").arg(toString(h.stream), toString(h.state)));
    }
    return tr("stale: %1").arg(parts.join(QStringLiteral(", ")));
}

QString TargetListModel::containerText(ConnectionStatus::Container container, const QString& name,
                                       const std::optional<ContainerInfo>& info, qint64 nowMs)
{
    using C = ConnectionStatus::Container;
    switch (container) {
    case C::Stopped:
        // When it stopped, from the engine's own FinishedAt (a server clock ahead of ours reads "just now").
        if (info && !info->running && info->finishedAtMs > 0)
            return tr("container stopped %1").arg(format::age(std::max<qint64>(0, nowMs - info->finishedAtMs)));
        return tr("container stopped");
    case C::Absent:
        return tr("waiting for container %1").arg(name);
    case C::Paused:
        return tr("paused");
    case C::EngineError:
        return tr("engine not answering");
    case C::Unknown:
    case C::Running:
        break;
    }
    return {};
}

TargetListModel::Liveness TargetListModel::liveness(const Target& target, const QString& name, qint64 nowMs)
{
    const ConnectionStatus& c = target.state().connection();
    Liveness out;
    out.text = toString(c.state);
    // A connection problem outranks the memory verdict: stale data must not look fine. Only sources that are
    // not watched over a connection (a saved log: idle or finished) have no connection to lose.
    out.live = c.state == ConnectionStatus::State::Idle || c.state == ConnectionStatus::State::Finished;
    if (c.state == ConnectionStatus::State::Reconnecting && c.retryInSeconds > 0)
        out.text = tr("reconnecting in %1 s").arg(c.retryInSeconds);
    if (c.state != ConnectionStatus::State::Connected)
        return out;
    // Live only while every stream flows: a stopped or absent container, or a silent stream, says so.
    using C = ConnectionStatus::Container;
    const std::vector<StreamHealth> streams = streamHealth(target.state(), nowMs);
    if (c.container == C::Stopped || c.container == C::Absent || c.container == C::Paused
        || c.container == C::EngineError)
        out.text = containerText(c.container, name, target.state().info(), nowMs);
    else if (!allStreamsUp(streams))
        out.text = staleText(streams, nowMs);
    // A paused app prints nothing and its streams may still look fresh for a while: not live either.
    out.live = allStreamsUp(streams) && c.container != C::Paused;
    return out;
}

void TargetListModel::summarize(Row& row) const
{
    row.snooze = m_silencer ? m_silencer->snoozeText(row.entry.key(), QDateTime::currentDateTime()) : QString();
    if (!row.target) {
        row.level = Level::Unknown;
        row.connection = row.error.isEmpty() ? tr("not opened") : tr("failed");
        return;
    }
    const Liveness l = liveness(*row.target, row.entry.displayName(), QDateTime::currentMSecsSinceEpoch());
    row.level = l.live ? row.target->assessment().overall : Level::Unknown;
    row.connection = l.text;
}

int TargetListModel::addTarget(const TargetConfig& entry, Target* target, const QString& error)
{
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    Row r {entry, target, error, Level::Unknown, {}, {}};
    summarize(r);
    m_rows.push_back(std::move(r));
    endInsertRows();
    return row;
}

void TargetListModel::replaceTarget(int row, const TargetConfig& entry, Target* target, const QString& error)
{
    if (row < 0 || row >= int(m_rows.size()))
        return;
    Row& r = m_rows[size_t(row)];
    r.entry = entry;
    r.target = target;
    r.error = error;
    summarize(r);
    Q_EMIT dataChanged(index(row), index(row));
}

void TargetListModel::removeTarget(int row)
{
    if (row < 0 || row >= int(m_rows.size()))
        return;
    beginRemoveRows({}, row, row);
    m_rows.erase(m_rows.begin() + row);
    endRemoveRows();
}

int TargetListModel::indexOf(const QString& key) const
{
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].entry.key() == key)
            return int(i);
    }
    return -1;
}

int TargetListModel::indexOf(const Target* target) const
{
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].target == target)
            return int(i);
    }
    return -1;
}

Target* TargetListModel::targetAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? m_rows[size_t(row)].target.data() : nullptr;
}

const TargetConfig* TargetListModel::entryAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? &m_rows[size_t(row)].entry : nullptr;
}

QString TargetListModel::errorAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? m_rows[size_t(row)].error : QString();
}

std::vector<TargetConfig> TargetListModel::entries() const
{
    std::vector<TargetConfig> out;
    for (const Row& r : m_rows)
        out.push_back(r.entry);
    return out;
}

Level TargetListModel::worstLevel() const
{
    Level worst = Level::Unknown;
    for (const Row& r : m_rows) {
        if (levelSeverity(r.level) > levelSeverity(worst))
            worst = r.level;
    }
    return worst;
}

void TargetListModel::refresh()
{
    for (size_t i = 0; i < m_rows.size(); ++i) {
        Row& r = m_rows[i];
        const Level level = r.level;
        const QString connection = r.connection;
        const QString snooze = r.snooze;
        summarize(r);
        // Only the roles that changed (name and host do not change here).
        QList<int> roles;
        if (r.level != level)
            roles << LevelRole << Qt::DecorationRole << Qt::ToolTipRole;
        if (r.connection != connection)
            roles << ConnectionRole << Qt::DisplayRole << Qt::ToolTipRole;
        if (r.snooze != snooze)
            roles << SnoozeRole << Qt::DisplayRole << Qt::ToolTipRole;
        if (!roles.isEmpty())
            Q_EMIT dataChanged(index(int(i)), index(int(i)), roles);
    }
}

int TargetListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant TargetListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        // The state on a line of its own: elided behind the host it lost its age ("root@web1:…stopped 4 s ago");
        // a snooze on a third line, never elided either.
        return QStringLiteral("%1 · %2\n%3").arg(r.entry.displayName(), r.entry.hostName(), r.connection)
            + (r.snooze.isEmpty() ? QString() : QStringLiteral("\n") + r.snooze);
    case Qt::DecorationRole:
        return LevelStyle::icon(r.level);
    case Qt::ToolTipRole: {
        QString tip = QStringLiteral("%1\n%2: %3").arg(r.entry.location, levelTitle(r.level), r.connection);
        if (!r.error.isEmpty())
            tip += QLatin1Char('\n') + r.error;
        else if (r.target && !r.target->state().connection().message.isEmpty())
            tip += QLatin1Char('\n') + r.target->state().connection().message;
        if (!r.snooze.isEmpty())
            tip += QLatin1Char('\n') + tr("Alerts %1: no desktop notification, no webhook").arg(r.snooze);
        return format::plainToolTip(tip);
    }
    case KeyRole:
        return r.entry.key();
    case LevelRole:
        return int(r.level);
    case ConnectionRole:
        return r.connection;
    case HostRole:
        return r.entry.hostName();
    case ErrorRole:
        return r.error;
    case SnoozeRole:
        return r.snooze;
    default:
        break;
    }
    return {};
}

} // namespace heapwatch
