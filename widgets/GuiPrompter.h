// The GUI side of the SSH Prompter: a worker thread's question is posted to the GUI thread (queued, never
// a blocking queued call), shown as a window-modal dialog, and the worker waits on a condition variable.
// cancelPending() wakes the worker at once with Reject / nullopt and closes the dialog, so stopping a
// source can never deadlock against a dialog the user has not answered.
#pragma once

#include "Prompter.h"

#include <QList>
#include <QMutex>
#include <QObject>
#include <QPointer>
#include <QWaitCondition>
#include <memory>

class QDialog;
class QWidget;

namespace heapwatch {

class GuiPrompter : public QObject, public Prompter
{
    Q_OBJECT
public:
    explicit GuiPrompter(QWidget* dialogParent, QObject* parent = nullptr);
    ~GuiPrompter() override;

    HostKeyDecision confirmHostKey(const HostKeyQuestion& question) override;
    std::optional<QString> askSecret(const SecretQuestion& question) override;
    void cancelPending() override;
    void resetCancel() override;

private:
    struct Pending;
    bool waitFor(const std::shared_ptr<Pending>& pending);

    QPointer<QWidget> m_parent;
    QList<QPointer<QDialog>> m_dialogs; // open dialogs of this prompter; GUI thread only
    QMutex m_mutex;
    QWaitCondition m_wake;
    bool m_cancelled = false;
};

} // namespace heapwatch
