// The GUI side of the SSH Prompter: a worker thread's question is posted to the GUI thread (queued, never
// a blocking queued call), shown as a window-modal dialog, and the worker waits on a condition variable.
// cancelPending() wakes the worker at once with Reject / nullopt and closes the dialog, so stopping a
// source can never deadlock against a dialog the user has not answered.
//
// Remembering secrets is opt-in per question: the secret dialog offers "Remember in the system keyring"
// when the keyring is available. A remembered secret is answered on the next connection without a dialog;
// if the server rejects it, it is deleted from the keyring and the user is asked again. The keyring is only
// ever touched in the GUI thread (QtKeychain needs an event loop), and only for keys the user opted in for.
#pragma once

#include "Prompter.h"

#include <QHash>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QWaitCondition>
#include <memory>

class QDialog;
class QWidget;

namespace heapwatch {

// Where remembered secrets go. The default is the system keyring (SecretStore); tests substitute one.
// Every call is made in the GUI thread.
class Keyring
{
public:
    virtual ~Keyring() = default;
    virtual bool isAvailable() const = 0;
    virtual std::optional<QString> read(const QString& key) = 0;
    virtual bool write(const QString& key, const QString& secret, QString* error) = 0;
    virtual void remove(const QString& key) = 0;
};

// SecretStore, plus a marker in QSettings ("keyring/<key>" = true, never the secret) so that the keyring
// is not even opened for a key the user never asked to remember (a locked wallet would prompt otherwise).
class SystemKeyring : public Keyring
{
public:
    bool isAvailable() const override;
    std::optional<QString> read(const QString& key) override;
    bool write(const QString& key, const QString& secret, QString* error) override;
    void remove(const QString& key) override;

    static QString markerKey(const QString& rememberKey);
};

class GuiPrompter : public QObject, public Prompter
{
    Q_OBJECT
public:
    // keyring null: the system keyring.
    explicit GuiPrompter(QWidget* dialogParent, QObject* parent = nullptr, std::shared_ptr<Keyring> keyring = {});
    ~GuiPrompter() override;

    HostKeyDecision confirmHostKey(const HostKeyQuestion& question) override;
    std::optional<QString> askSecret(const SecretQuestion& question) override;
    void secretAccepted(const SecretQuestion& question, const QString& secret) override;
    void secretRejected(const SecretQuestion& question) override;
    void cancelPending() override;
    void resetCancel() override;

private:
    struct Pending;
    bool waitFor(const std::shared_ptr<Pending>& pending);
    // The keyring's answer for a first attempt the user opted in for; nullopt otherwise. Any thread.
    std::optional<QString> rememberedSecret(const SecretQuestion& question);
    std::optional<QString> askWithDialog(const SecretQuestion& question);
    void onKeyringThread(std::function<void()> work); // runs work in the GUI thread, without waiting

    QPointer<QWidget> m_parent;
    std::shared_ptr<Keyring> m_keyring;
    QList<QPointer<QDialog>> m_dialogs; // open dialogs of this prompter; GUI thread only
    QMutex m_mutex;
    QWaitCondition m_wake;
    bool m_cancelled = false;
    // Guarded by m_mutex. Keys whose last answer came from the keyring / should be stored once accepted.
    QSet<QString> m_fromKeyring;
    QHash<QString, bool> m_rememberRequested;
};

} // namespace heapwatch
