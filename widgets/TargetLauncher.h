// Creates, starts and disposes of the window's targets. Remote targets of one host (same user, host, port,
// identity and known_hosts) share one GuiPrompter, and so one pool of SSH connections (SshHost shares a host
// only among sources with the same prompter): one host-key question and one password question per host,
// not per container. Every source's start() and stop() return at once (see ssh/SshHost.h), so a target is
// started and disposed of here the same way whatever its kind.
#pragma once

#include "TargetConfig.h"

#include <QHash>
#include <QObject>
#include <QPointer>

class QWidget;

namespace heapwatch {

class GuiPrompter;
class HistoryStore;
class Target;

class TargetLauncher : public QObject
{
    Q_OBJECT
public:
    TargetLauncher(QWidget* dialogParent, QObject* parent = nullptr);
    ~TargetLauncher() override;

    // nullptr with *error when the entry cannot be opened. The target is a child of targetParent.
    Target* create(const TargetConfig& entry, QObject* targetParent, QString* error);
    // Remote targets record into the store (nullptr: history is not kept); the demo and saved logs do not (the
    // demo is made up, a saved log is on disk already).
    void setHistoryStore(HistoryStore* store);
    HistoryStore* historyStore() const;
    void start(Target* target, const TargetConfig& entry);
    void dispose(Target* target);
    // Cancels the pending SSH questions of a target's host; forget() also drops the host's prompter once no
    // other target of that host uses it (target removed).
    void forget(const QString& key);
    void cancelPrompts(const QString& key);

    // What the targets of one host share: user@host:port, identity, known_hosts, host-key policy.
    static QString hostKey(const TargetConfig& entry);

private:
    QPointer<QWidget> m_dialogParent;
    QPointer<HistoryStore> m_history;
    QHash<QString, GuiPrompter*> m_prompters; // by hostKey()
    QHash<QString, QString> m_hostOfTarget; // target key -> hostKey()
};

} // namespace heapwatch
