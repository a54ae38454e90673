// The targets of the window for the sidebar: container and host, connection state, and a badge coloured
// by the target's worst level. The model does not own the targets; the window does.
#pragma once

#include "Samples.h"
#include "StreamHealth.h"
#include "TargetConfig.h"

#include <QAbstractListModel>
#include <QPointer>
#include <optional>
#include <vector>

namespace heapwatch {

class AlertSilencer;
class Target;

class TargetListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role
    {
        KeyRole = Qt::UserRole + 1,
        LevelRole,
        ConnectionRole,
        HostRole,
        ErrorRole,
        SnoozeRole // "snoozed until 14:05", empty when the target's alerts are not snoozed
    };

    explicit TargetListModel(QObject* parent = nullptr);

    // The snoozes to show (the window owns them); null: none shown.
    void setSilencer(const AlertSilencer* silencer) { m_silencer = silencer; }

    // target may be null: an entry that could not be opened stays listed with its error.
    int addTarget(const TargetConfig& entry, Target* target, const QString& error = {});
    void replaceTarget(int row, const TargetConfig& entry, Target* target, const QString& error = {});
    void removeTarget(int row);
    int indexOf(const QString& key) const;
    int indexOf(const Target* target) const;
    Target* targetAt(int row) const;
    const TargetConfig* entryAt(int row) const;
    QString errorAt(int row) const;
    std::vector<TargetConfig> entries() const;
    Level worstLevel() const; // over every target, for the tray

    // Re-reads levels and connection states; emits dataChanged only for rows whose text or badge changed.
    void refresh();

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

public:
    // "stale: logs 4 min ago, stats down": the streams of a live target that do not flow.
    static QString staleText(const std::vector<StreamHealth>& streams, qint64 nowMs);
    // What the sidebar and the header say of a target: "connected", "reconnecting in 5 s", "paused",
    // "stale: logs 4 min ago"…; live is false when its verdict must not be shown as current (connecting,
    // reconnecting or failed, a container that does not run, a stream that does not flow). name: the
    // container's.
    struct Liveness
    {
        QString text;
        bool live = true;
    };
    static Liveness liveness(const Target& target, const QString& name, qint64 nowMs);
    // "container stopped 2 min ago", "waiting for container badger", "paused": a container that does not
    // run, by name (its sidebar entry); empty for a running one.
    static QString containerText(ConnectionStatus::Container container, const QString& name,
                                 const std::optional<ContainerInfo>& info, qint64 nowMs);

private:
    struct Row
    {
        TargetConfig entry;
        QPointer<Target> target;
        QString error;
        Level level = Level::Unknown;
        QString connection;
        QString snooze;
    };
    void summarize(Row& row) const;
    std::vector<Row> m_rows;
    const AlertSilencer* m_silencer = nullptr;
};

} // namespace heapwatch
