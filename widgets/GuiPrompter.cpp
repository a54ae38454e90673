#include "GuiPrompter.h"

#include "HostKeyDialog.h"
#include "SecretDialog.h"
#include "SecretStore.h"

#include <QSettings>
#include <QThread>
#include <QWidget>
#include <utility>

namespace heapwatch {

bool SystemKeyring::isAvailable() const
{
    return SecretStore::isAvailable();
}

QString SystemKeyring::markerKey(const QString& rememberKey)
{
    // QSettings treats '/' and '\' as group separators: keep the key one level deep.
    QString k = rememberKey;
    k.replace(QLatin1Char('/'), QLatin1Char('_')).replace(QLatin1Char('\\'), QLatin1Char('_'));
    return QStringLiteral("keyring/") + k;
}

std::optional<QString> SystemKeyring::read(const QString& key)
{
    if (!QSettings().value(markerKey(key), false).toBool())
        return std::nullopt;
    return SecretStore::read(key);
}

bool SystemKeyring::write(const QString& key, const QString& secret, QString* error)
{
    if (!SecretStore::write(key, secret, error))
        return false;
    QSettings().setValue(markerKey(key), true);
    return true;
}

void SystemKeyring::remove(const QString& key)
{
    QSettings().remove(markerKey(key));
    SecretStore::remove(key);
}

struct GuiPrompter::Pending
{
    bool done = false;
    HostKeyDecision decision = HostKeyDecision::Reject;
    std::optional<QString> secret;
    bool remember = false;
    QPointer<QDialog> dialog;
};

GuiPrompter::GuiPrompter(QWidget* dialogParent, QObject* parent, std::shared_ptr<Keyring> keyring)
    : QObject(parent)
    , m_parent(dialogParent)
    , m_keyring(keyring ? std::move(keyring) : std::make_shared<SystemKeyring>())
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

std::optional<QString> GuiPrompter::rememberedSecret(const SecretQuestion& question)
{
    // Only a first attempt: a later one means the server just rejected an answer (perhaps this one).
    if (question.rememberKey.isEmpty() || question.attempt > 1)
        return std::nullopt;
    const QString key = question.rememberKey;
    if (QThread::currentThread() == thread()) {
        if (!m_keyring->isAvailable())
            return std::nullopt;
        return m_keyring->read(key);
    }
    auto pending = std::make_shared<Pending>();
    QMetaObject::invokeMethod(
        this,
        [this, pending, key] {
            std::optional<QString> secret;
            if (m_keyring->isAvailable())
                secret = m_keyring->read(key);
            QMutexLocker lock(&m_mutex);
            pending->secret = std::move(secret);
            pending->done = true;
            m_wake.wakeAll();
        },
        Qt::QueuedConnection);
    if (!waitFor(pending))
        return std::nullopt;
    return std::move(pending->secret);
}

std::optional<QString> GuiPrompter::askWithDialog(const SecretQuestion& question)
{
    const bool canRemember = !question.rememberKey.isEmpty();
    if (QThread::currentThread() == thread()) {
        SecretDialog dialog(question, m_parent, canRemember && m_keyring->isAvailable());
        if (dialog.exec() != QDialog::Accepted)
            return std::nullopt;
        if (canRemember) {
            QMutexLocker lock(&m_mutex);
            m_rememberRequested.insert(question.rememberKey, dialog.remember());
        }
        return dialog.answer();
    }
    auto pending = std::make_shared<Pending>();
    QMetaObject::invokeMethod(
        this,
        [this, pending, question, canRemember] {
            auto* dialog = new SecretDialog(question, m_parent, canRemember && m_keyring->isAvailable());
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->setWindowModality(Qt::WindowModal);
            pending->dialog = dialog;
            m_dialogs.append(dialog);
            connect(dialog, &QDialog::finished, this, [this, pending, dialog](int result) {
                QMutexLocker lock(&m_mutex);
                if (result == QDialog::Accepted) {
                    pending->secret = dialog->answer();
                    pending->remember = dialog->remember();
                }
                pending->done = true;
                m_wake.wakeAll();
            });
            dialog->open();
        },
        Qt::QueuedConnection);
    if (!waitFor(pending))
        return std::nullopt;
    if (canRemember && pending->secret) {
        QMutexLocker lock(&m_mutex);
        m_rememberRequested.insert(question.rememberKey, pending->remember);
    }
    return std::move(pending->secret);
}

std::optional<QString> GuiPrompter::askSecret(const SecretQuestion& question)
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_cancelled)
            return std::nullopt;
        m_fromKeyring.remove(question.rememberKey);
        m_rememberRequested.remove(question.rememberKey);
    }
    if (std::optional<QString> remembered = rememberedSecret(question)) {
        QMutexLocker lock(&m_mutex);
        if (m_cancelled)
            return std::nullopt;
        m_fromKeyring.insert(question.rememberKey);
        return remembered;
    }
    return askWithDialog(question);
}

void GuiPrompter::onKeyringThread(std::function<void()> work)
{
    if (QThread::currentThread() == thread())
        work();
    else
        QMetaObject::invokeMethod(this, std::move(work), Qt::QueuedConnection);
}

void GuiPrompter::secretAccepted(const SecretQuestion& question, const QString& secret)
{
    if (question.rememberKey.isEmpty())
        return;
    bool store = false;
    {
        QMutexLocker lock(&m_mutex);
        // A secret that came from the keyring is already there.
        store = !m_fromKeyring.remove(question.rememberKey) && m_rememberRequested.take(question.rememberKey);
    }
    if (!store)
        return;
    const QString key = question.rememberKey;
    onKeyringThread([this, key, copy = QString(secret)]() mutable {
        QString error;
        if (!m_keyring->isAvailable() || !m_keyring->write(key, copy, &error))
            qWarning("heapwatch: the secret for %s could not be remembered: %s", qPrintable(key), qPrintable(error));
        copy.fill(QChar(0));
    });
}

void GuiPrompter::secretRejected(const SecretQuestion& question)
{
    if (question.rememberKey.isEmpty())
        return;
    bool forget = false;
    {
        QMutexLocker lock(&m_mutex);
        forget = m_fromKeyring.remove(question.rememberKey);
        m_rememberRequested.remove(question.rememberKey);
    }
    if (!forget)
        return;
    // A remembered secret the server no longer accepts (changed password, new passphrase): delete it, so
    // that the next question shows the dialog again instead of failing with it forever.
    const QString key = question.rememberKey;
    onKeyringThread([this, key] { m_keyring->remove(key); });
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
