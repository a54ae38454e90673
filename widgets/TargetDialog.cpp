#include "TargetDialog.h"

#include "ContainerLister.h"
#include "GuiPrompter.h"
#include "SshConfig.h"
#include "TargetSpec.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace heapwatch {

namespace {
QWidget* withBrowse(QLineEdit* edit, QWidget* parent, const QString& caption)
{
    auto* box = new QWidget(parent);
    auto* row = new QHBoxLayout(box);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(edit, 1);
    auto* browse = new QToolButton(box);
    browse->setText(QStringLiteral("…"));
    QObject::connect(browse, &QToolButton::clicked, box, [edit, box, caption] {
        const QString start = edit->text().isEmpty() ? QDir::homePath() + QStringLiteral("/.ssh") : edit->text();
        const QString path = QFileDialog::getOpenFileName(box, caption, start);
        if (!path.isEmpty())
            edit->setText(path);
    });
    row->addWidget(browse);
    return box;
}
} // namespace

TargetDialog::TargetDialog(QWidget* parent)
    : QDialog(parent)
    , m_where(new QComboBox(this))
    , m_host(new QComboBox(this))
    , m_user(new QLineEdit(this))
    , m_port(new QSpinBox(this))
    , m_container(new QComboBox(this))
    , m_containers(new QStandardItemModel(0, 3, this))
    , m_list(new QPushButton(tr("List containers"), this))
    , m_listStatus(new QLabel(this))
    , m_identity(new QLineEdit(this))
    , m_knownHosts(new QLineEdit(this))
    , m_engine(new QComboBox(this))
    , m_sudo(new QCheckBox(tr("Run docker/podman with sudo -n"), this))
    , m_acceptNew(
          new QCheckBox(tr("Accept a new host key without asking (like StrictHostKeyChecking=accept-new)"), this))
    , m_sinceHours(new QSpinBox(this))
    , m_preview(new QLabel(this))
    , m_prompter(std::make_unique<GuiPrompter>(this))
    , m_lister(std::make_unique<ContainerLister>())
{
    setWindowTitle(tr("Target"));
    setObjectName(QStringLiteral("targetDialog"));
    m_where->addItem(tr("Remote host over SSH"), QStringLiteral("ssh"));
    m_where->addItem(tr("This machine (local docker/podman)"), QStringLiteral("local"));
    m_host->setEditable(true);
    m_host->addItems(sshConfigAliases(QDir::homePath() + QStringLiteral("/.ssh/config")));
    m_host->setCurrentText({});
    m_host->lineEdit()->setPlaceholderText(tr("host name, address or ~/.ssh/config alias"));
    m_user->setPlaceholderText(tr("from ~/.ssh/config or your user name"));
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("default"));
    m_container->setObjectName(QStringLiteral("container"));
    m_container->setEditable(true);
    m_container->setInsertPolicy(QComboBox::NoInsert);
    m_containers->setHorizontalHeaderLabels({tr("Name"), tr("Image"), tr("Status")});
    m_container->setModel(m_containers);
    m_container->setModelColumn(0);
    // The popup shows what `docker ps` said about each container; choosing one puts its name in the box.
    auto* view = new QTreeView(m_container);
    view->setRootIsDecorated(false);
    view->setItemsExpandable(false);
    view->setAllColumnsShowFocus(true);
    view->setMinimumWidth(520);
    m_container->setView(view);
    m_container->setCurrentIndex(-1);
    m_container->lineEdit()->setPlaceholderText(tr("container name, e.g. pangolin"));
    m_container->setToolTip(tr("Type the container name as `docker ps` shows it, or list the running containers."));
    m_list->setObjectName(QStringLiteral("listContainers"));
    m_list->setToolTip(tr("Run `docker ps` on the host (over SSH with the options below) and offer its containers"));
    m_listStatus->setObjectName(QStringLiteral("containerListStatus"));
    m_listStatus->setTextFormat(Qt::PlainText); // errors quote the server
    m_listStatus->setWordWrap(true);
    m_listStatus->hide();
    m_identity->setPlaceholderText(tr("agent and default keys"));
    m_knownHosts->setPlaceholderText(QStringLiteral("~/.ssh/known_hosts"));
    m_engine->addItem(tr("detect"), QString());
    m_engine->addItem(QStringLiteral("docker"), QStringLiteral("docker"));
    m_engine->addItem(QStringLiteral("podman"), QStringLiteral("podman"));
    m_sinceHours->setRange(0, 168);
    m_sinceHours->setSuffix(tr(" h"));
    m_sinceHours->setValue(6);
    m_sinceHours->setToolTip(tr("History read from `docker logs --since` when connecting"));
    m_preview->setTextFormat(Qt::PlainText);
    m_preview->setWordWrap(true);

    auto* form = new QFormLayout;
    form->addRow(tr("Where"), m_where);
    form->addRow(tr("Host"), m_host);
    form->addRow(tr("User"), m_user);
    form->addRow(tr("Port"), m_port);
    auto* containerRow = new QWidget(this);
    auto* containerLayout = new QHBoxLayout(containerRow);
    containerLayout->setContentsMargins(0, 0, 0, 0);
    containerLayout->addWidget(m_container, 1);
    containerLayout->addWidget(m_list);
    form->addRow(tr("Container"), containerRow);
    form->addRow(QString(), m_listStatus);
    form->addRow(tr("Identity file"), withBrowse(m_identity, this, tr("Private key")));
    form->addRow(tr("known_hosts file"), withBrowse(m_knownHosts, this, tr("known_hosts file")));
    form->addRow(tr("Engine"), m_engine);
    form->addRow(tr("History on connect"), m_sinceHours);
    form->addRow(QString(), m_sudo);
    form->addRow(QString(), m_acceptNew);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_preview);
    layout->addWidget(buttons);

    for (QLineEdit* e : {m_user, m_identity, m_knownHosts})
        connect(e, &QLineEdit::textChanged, this, &TargetDialog::validate);
    connect(m_container, &QComboBox::currentTextChanged, this, &TargetDialog::validate);
    connect(m_host, &QComboBox::currentTextChanged, this, &TargetDialog::validate);
    connect(m_port, &QSpinBox::valueChanged, this, &TargetDialog::validate);
    connect(m_host, &QComboBox::currentTextChanged, this, &TargetDialog::forgetListing);
    connect(m_user, &QLineEdit::textChanged, this, &TargetDialog::forgetListing);
    connect(m_port, &QSpinBox::valueChanged, this, &TargetDialog::forgetListing);
    connect(m_where, &QComboBox::currentIndexChanged, this, &TargetDialog::forgetListing);
    connect(m_list, &QPushButton::clicked, this, &TargetDialog::listContainers);
    connect(m_lister.get(), &ContainerLister::finished, this, &TargetDialog::showListing);
    connect(m_where, &QComboBox::currentIndexChanged, this, [this, form] {
        const bool ssh = m_where->currentData().toString() == QLatin1String("ssh");
        for (QWidget* w :
             std::initializer_list<QWidget*> {m_host, m_user, m_port, m_identity, m_knownHosts, m_acceptNew}) {
            w->setEnabled(ssh);
            if (QWidget* label = form->labelForField(w))
                label->setEnabled(ssh);
        }
        validate();
    });
    validate();
}

TargetDialog::~TargetDialog()
{
    m_lister.reset(); // cancels a pending question of m_prompter and waits for the worker
}

QString TargetDialog::targetString() const
{
    return targetString(m_container->currentText().trimmed());
}

QString TargetDialog::targetString(const QString& container) const
{
    if (m_where->currentData().toString() == QLatin1String("local"))
        return QStringLiteral("local/") + container;
    const QString host = m_host->currentText().trimmed();
    const QString user = m_user->text().trimmed();
    if (user.isEmpty() && m_port->value() == 0)
        return host + QLatin1Char('/') + container;
    QString s = QStringLiteral("ssh://");
    if (!user.isEmpty())
        s += user + QLatin1Char('@');
    s += host;
    if (m_port->value() > 0)
        s += QLatin1Char(':') + QString::number(m_port->value());
    return s + QLatin1Char('/') + container;
}

void TargetDialog::validate()
{
    QString error;
    const QString target = targetString();
    const auto spec = TargetSpec::parse(target, &error);
    if (m_where->currentData().toString() == QLatin1String("ssh") && m_host->currentText().trimmed().isEmpty())
        error = tr("Enter a host.");
    else if (m_container->currentText().trimmed().isEmpty())
        error = tr("Enter the container name.");
    m_ok->setEnabled(error.isEmpty() && spec.has_value());
    m_preview->setText(error.isEmpty() ? tr("Target: %1").arg(target) : error);
}

void TargetDialog::setEntry(const TargetConfig& entry)
{
    QString err;
    if (const auto spec = TargetSpec::parse(entry.location, &err)) {
        m_where->setCurrentIndex(spec->kind == TargetSpec::Kind::Local ? 1 : 0);
        m_host->setCurrentText(spec->host);
        m_user->setText(spec->user);
        m_port->setValue(spec->port);
        m_container->setEditText(spec->container);
    }
    m_identity->setText(entry.identityFile);
    m_knownHosts->setText(entry.knownHostsFile);
    m_engine->setCurrentIndex(std::max(0, m_engine->findData(entry.engine)));
    m_sudo->setChecked(entry.sudo);
    m_acceptNew->setChecked(entry.acceptNewHostKey);
    m_sinceHours->setValue(int(entry.sinceSeconds / 3600));
    validate();
}

ContainerListRequest TargetDialog::listRequest() const
{
    ContainerListRequest r;
    r.target = entry();
    r.target.location = targetString(QString()); // the host alone: the container is what the list offers
    r.prompter = m_prompter.get();
    return r;
}

bool TargetDialog::isListing() const
{
    return m_lister->isRunning();
}

void TargetDialog::listContainers()
{
    const ContainerListRequest request = listRequest();
    const bool local = m_where->currentData().toString() == QLatin1String("local");
    const QString host = m_host->currentText().trimmed();
    m_listStatus->show();
    m_listStatus->setStyleSheet({});
    if (!local && host.isEmpty()) {
        m_listStatus->setStyleSheet(QStringLiteral("color: #c62828"));
        m_listStatus->setText(tr("Enter a host to list its containers."));
        return;
    }
    m_listStatus->setText(local ? tr("Listing the containers of this machine…")
                                : tr("Listing the containers on %1…").arg(host));
    m_list->setEnabled(false);
    m_lister->start(request);
}

void TargetDialog::showListing(const ContainerListResult& result)
{
    m_list->setEnabled(true);
    m_listStatus->show();
    if (!result.ok) {
        m_listStatus->setStyleSheet(QStringLiteral("color: #c62828"));
        m_listStatus->setText(tr("Cannot list containers: %1").arg(result.error));
        return;
    }
    m_listStatus->setStyleSheet({});
    const QString typed = m_container->currentText();
    m_containers->removeRows(0, m_containers->rowCount());
    for (const ContainerListEntry& c : result.listing.containers) {
        QList<QStandardItem*> row {new QStandardItem(c.name), new QStandardItem(c.image),
                                   new QStandardItem(c.status.isEmpty() ? c.state : c.status)};
        const QString tip = QStringLiteral("%1\n%2\n%3 %4").arg(c.name, c.image, c.id, c.status);
        for (QStandardItem* item : row) {
            item->setEditable(false);
            item->setToolTip(tip);
        }
        m_containers->appendRow(row);
    }
    m_container->setCurrentIndex(m_container->findText(typed));
    m_container->setEditText(typed);
    const int n = int(result.listing.containers.size());
    QString text;
    if (n == 0)
        text = tr("No running containers on %1 (%2).").arg(result.where, result.engine);
    else if (n == 1)
        text = tr("1 running container on %1 (%2): pick it from the list.").arg(result.where, result.engine);
    else
        text = tr("%1 running containers on %2 (%3): pick one from the list.").arg(n).arg(result.where, result.engine);
    if (result.listing.truncated)
        text += QLatin1Char(' ') + tr("The list was cut short.");
    if (result.listing.malformed > 0)
        text += QLatin1Char(' ') + tr("Unreadable lines: %1.").arg(result.listing.malformed);
    m_listStatus->setText(text);
}

void TargetDialog::forgetListing()
{
    if (m_lister->isRunning())
        m_lister->cancel();
    m_list->setEnabled(true);
    if (m_containers->rowCount() == 0 && m_listStatus->isHidden())
        return;
    const QString typed = m_container->currentText();
    m_containers->removeRows(0, m_containers->rowCount());
    m_container->setEditText(typed);
    m_listStatus->clear();
    m_listStatus->hide();
}

TargetConfig TargetDialog::entry() const
{
    TargetConfig e = TargetConfig::remote(targetString());
    e.identityFile = m_identity->text().trimmed();
    e.knownHostsFile = m_knownHosts->text().trimmed();
    e.engine = m_engine->currentData().toString();
    e.sudo = m_sudo->isChecked();
    e.acceptNewHostKey = m_acceptNew->isChecked();
    e.sinceSeconds = qint64(m_sinceHours->value()) * 3600;
    return e;
}

} // namespace heapwatch
