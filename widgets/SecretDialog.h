// Asks for a key passphrase, a password or a keyboard-interactive answer. The answer goes straight back
// to the SSH worker; the dialog keeps no copy after it closes. For a question that may be remembered
// (SecretQuestion::rememberKey) it offers "Remember in the system keyring", enabled only when a keyring
// is available; it is off by default.
#pragma once

#include "Prompter.h"

#include <QDialog>

class QCheckBox;
class QLineEdit;

namespace heapwatch {

class SecretDialog : public QDialog
{
    Q_OBJECT
public:
    SecretDialog(const SecretQuestion& question, QWidget* parent = nullptr, bool keyringAvailable = false);
    ~SecretDialog() override;

    QString answer() const;
    // The user ticked "Remember in the system keyring" (never true when it was not offered).
    bool remember() const;

private:
    QLineEdit* m_edit;
    QCheckBox* m_remember = nullptr;
};

} // namespace heapwatch
