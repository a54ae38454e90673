// Asks for a key passphrase, a password or a keyboard-interactive answer. The answer goes straight back
// to the SSH worker; the dialog keeps no copy after it closes.
#pragma once

#include "Prompter.h"

#include <QDialog>

class QLineEdit;

namespace heapwatch {

class SecretDialog : public QDialog
{
    Q_OBJECT
public:
    SecretDialog(const SecretQuestion& question, QWidget* parent = nullptr);
    ~SecretDialog() override;

    QString answer() const;

private:
    QLineEdit* m_edit;
};

} // namespace heapwatch
