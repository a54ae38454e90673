#include "SecretDialog.h"

#include "PlainText.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace heapwatch {

SecretDialog::SecretDialog(const SecretQuestion& q, QWidget* parent, bool keyringAvailable)
    : QDialog(parent)
    , m_edit(new QLineEdit(this))
{
    setObjectName(QStringLiteral("secretDialog"));
    const QString who
        = QStringLiteral("%1@%2%3").arg(q.user, q.host, q.port == 22 ? QString() : QStringLiteral(":%1").arg(q.port));
    QString title;
    switch (q.kind) {
    case SecretQuestion::Kind::KeyPassphrase:
        title = tr("Key passphrase");
        break;
    case SecretQuestion::Kind::Password:
        title = tr("Password for %1").arg(who);
        break;
    case SecretQuestion::Kind::KeyboardInteractive:
        title = tr("Authentication for %1").arg(who);
        break;
    }
    setWindowTitle(title);
    auto* layout = new QVBoxLayout(this);
    auto addText = [&](const QString& text) {
        if (text.trimmed().isEmpty())
            return;
        auto* l = new QLabel(text, this);
        l->setTextFormat(Qt::PlainText); // prompts and instructions come from the server
        l->setWordWrap(true);
        layout->addWidget(l);
    };
    addText(who);
    addText(plainLines(q.instruction, 2000)); // the SSH layer cleans it too; a dialog must not depend on that
    if (q.attempt > 1)
        addText(tr("The previous answer was rejected (attempt %1).").arg(q.attempt));
    auto* form = new QFormLayout;
    const QString promptText = oneLine(q.prompt, 400);
    auto* prompt = new QLabel(promptText.isEmpty() ? tr("Answer:") : promptText, this);
    prompt->setTextFormat(Qt::PlainText);
    m_edit->setEchoMode(q.echo ? QLineEdit::Normal : QLineEdit::Password);
    m_edit->setObjectName(QStringLiteral("secret"));
    m_edit->setMinimumWidth(260);
    form->addRow(prompt, m_edit);
    layout->addLayout(form);
    if (!q.rememberKey.isEmpty()) {
        // Keyboard-interactive answers have no key: they are often one-time codes and never offered.
        m_remember = new QCheckBox(tr("Remember in the system keyring"), this);
        m_remember->setObjectName(QStringLiteral("remember"));
        m_remember->setChecked(false);
        m_remember->setEnabled(keyringAvailable);
        m_remember->setToolTip(keyringAvailable
                                   ? tr("Stored by the desktop's keyring (Secret Service, KWallet, Keychain), never by "
                                        "heapwatch in a file. Forgotten when the server rejects it.")
                                   : tr("No system keyring: heapwatch was built without QtKeychain."));
        layout->addWidget(m_remember);
    }
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

SecretDialog::~SecretDialog()
{
    // Overwrite the text before the widget frees it: a secret should not linger in freed memory.
    m_edit->setText(QString(m_edit->text().size(), QLatin1Char(' ')));
}

QString SecretDialog::answer() const
{
    return m_edit->text();
}

bool SecretDialog::remember() const
{
    return m_remember && m_remember->isEnabled() && m_remember->isChecked();
}

} // namespace heapwatch
