#include "HostKeyDialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace heapwatch {

HostKeyDialog::HostKeyDialog(const HostKeyQuestion& q, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Unknown host key"));
    setObjectName(QStringLiteral("hostKeyDialog"));
    const QString hostPort = q.port == 22 ? q.host : QStringLiteral("[%1]:%2").arg(q.host).arg(q.port);

    auto* text = new QLabel(this);
    text->setTextFormat(Qt::PlainText); // host names come from the user's config: never markup
    text->setWordWrap(true);
    text->setText(tr("The authenticity of host %1 can't be established.\n"
                     "Compare this %2 key fingerprint with the one the server's administrator gives you "
                     "(ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) before you trust it:")
                      .arg(hostPort, q.keyType));
    auto* fingerprint = new QLineEdit(q.fingerprint, this);
    fingerprint->setReadOnly(true);
    fingerprint->setObjectName(QStringLiteral("fingerprint"));
    fingerprint->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    fingerprint->setMinimumWidth(fingerprint->fontMetrics().horizontalAdvance(q.fingerprint) + 24);
    auto* where = new QLabel(this);
    where->setTextFormat(Qt::PlainText);
    where->setWordWrap(true);
    where->setText(tr("\"Trust and save\" adds the key to %1.")
                       .arg(q.knownHostsFile.isEmpty() ? tr("~/.ssh/known_hosts") : q.knownHostsFile));

    auto* buttons = new QDialogButtonBox(this);
    QPushButton* reject = buttons->addButton(tr("Reject"), QDialogButtonBox::RejectRole);
    QPushButton* once = buttons->addButton(tr("Trust once"), QDialogButtonBox::AcceptRole);
    QPushButton* save = buttons->addButton(tr("Trust and save"), QDialogButtonBox::AcceptRole);
    reject->setDefault(true); // Enter must never trust a key by accident
    connect(reject, &QPushButton::clicked, this, [this] {
        m_decision = HostKeyDecision::Reject;
        QDialog::reject();
    });
    connect(once, &QPushButton::clicked, this, [this] {
        m_decision = HostKeyDecision::AcceptOnce;
        accept();
    });
    connect(save, &QPushButton::clicked, this, [this] {
        m_decision = HostKeyDecision::AcceptAndSave;
        accept();
    });

    auto* icon = new QLabel(this);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(40, 40));
    auto* row = new QHBoxLayout;
    row->addWidget(icon, 0, Qt::AlignTop);
    auto* col = new QVBoxLayout;
    col->addWidget(text);
    col->addWidget(fingerprint);
    col->addWidget(where);
    row->addLayout(col, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(buttons);
}

} // namespace heapwatch
