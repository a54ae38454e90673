// Add or edit a remote target: an SSH host (with the aliases of ~/.ssh/config offered) or this machine,
// the container, and the connection options. The container is typed: the SSH library offers no
// `docker ps` listing to pick it from yet.
#pragma once

#include "TargetEntry.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace heapwatch {

class TargetDialog : public QDialog
{
    Q_OBJECT
public:
    explicit TargetDialog(QWidget* parent = nullptr);

    void setEntry(const TargetEntry& entry);
    TargetEntry entry() const;
    // The target string for the fields ("ssh://ops@web1:2222/pangolin", "web1/pangolin", "local/pangolin").
    QString targetString() const;

    // Host aliases of an ssh_config file (Host lines without wildcards or negations), in file order.
    static QStringList sshConfigAliases(const QString& path);

private:
    void validate();

    QComboBox* m_where;
    QComboBox* m_host;
    QLineEdit* m_user;
    QSpinBox* m_port;
    QLineEdit* m_container;
    QLineEdit* m_identity;
    QLineEdit* m_knownHosts;
    QComboBox* m_engine;
    QCheckBox* m_sudo;
    QCheckBox* m_acceptNew;
    QSpinBox* m_sinceHours;
    QLabel* m_preview;
    QPushButton* m_ok = nullptr;
};

} // namespace heapwatch
