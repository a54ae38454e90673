#include "GuiPrompter.h"

#include "HostKeyDialog.h"
#include "SecretDialog.h"

#include <QThread>
#include <QWidget>
#include <utility>

namespace heapwatch {

struct GuiPrompter::Pending
{
    bool done = false;
    HostKeyDecision decision = HostKeyDecision::Reject;
    std::optional<QString> secret;
    QPointer<QDialog> dialog;
};

GuiPrompter::GuiPrompter(QWidget* dialogParent, QObject* parent)
    : QObject(parent)
    , m_parent(dialogParent)
{
}

GuiPrompter::~GuiPrompter()
{
    cancelPending();
}

bool GuiPrompter::waitFor(const std::shared_ptr<Pending>& pending)
{
    QMutexLocker lock(&m_mutex);
    while (!pending->done && !m_cancelled)
        m_wake.wait(&m_mutex);
    return pending->done && !m_cancelled;
}

HostKeyDecision GuiPrompter::confirmHostKey(const HostKeyQuestion& question)
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_cancelled)
            return HostKeyDecision::Reject;
    }
    auto pending = std::make_shared<Pending>();
    auto show = [this, pending, question] {
        auto* dialog = new HostKeyDialog(question, m_parent);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setWindowModality(Qt::WindowModal);
        pending->dialog = dialog;
        m_dialogs.append(dialog);
        connect(dialog, &QDialog::finished, this, [this, pending, dialog] {
            QMutexLocker lock(&m_mutex);
            pending->decision = dialog->decision();
            pending->done = true;
            m_wake.wakeAll();
        });
        dialog->open();
    };
    if (QThread::currentThread() == thread()) {
        // Asked from the GUI thread itself (a source that authenticates synchronously): a local loop.
        HostKeyDialog dialog(question, m_parent);
        dialog.exec();
        return dialog.decision();
    }
    QMetaObject::invokeMethod(this, show, Qt::QueuedConnection);
    if (!waitFor(pending))
        return HostKeyDecision::Reject;
    return pending->decision;
}

std::optional<QString> GuiPrompter::askSecret(const SecretQuestion& question)
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_cancelled)
            return std::nullopt;
    }
    if (QThread::currentThread() == thread()) {
        SecretDialog dialog(question, m_parent);
        if (dialog.exec() != QDialog::Accepted)
            return std::nullopt;
        return dialog.answer();
    }
    auto pending = std::make_shared<Pending>();
    QMetaObject::invokeMethod(
        this,
        [this, pending, question] {
            auto* dialog = new SecretDialog(question, m_parent);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->setWindowModality(Qt::WindowModal);
            pending->dialog = dialog;
            m_dialogs.append(dialog);
            connect(dialog, &QDialog::finished, this, [this, pending, dialog](int result) {
                QMutexLocker lock(&m_mutex);
                if (result == QDialog::Accepted)
                    pending->secret = dialog->answer();
                pending->done = true;
                m_wake.wakeAll();
            });
            dialog->open();
        },
        Qt::QueuedConnection);
    if (!waitFor(pending))
        return std::nullopt;
    return pending->secret;
}

void GuiPrompter::cancelPending()
{
    {
        QMutexLocker lock(&m_mutex);
        m_cancelled = true;
        m_wake.wakeAll();
    }
    // Close dialogs still on screen; their answers no longer have anyone waiting for them.
    QMetaObject::invokeMethod(
        this,
        [this] {
            const auto dialogs = std::exchange(m_dialogs, {});
            for (const QPointer<QDialog>& d : dialogs) {
                if (d)
                    d->reject();
            }
        },
        Qt::QueuedConnection);
}

void GuiPrompter::resetCancel()
{
    QMutexLocker lock(&m_mutex);
    m_cancelled = false;
}

} // namespace heapwatch
