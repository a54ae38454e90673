// Add or edit a remote target: an SSH host (with the aliases of ~/.ssh/config offered) or this machine,
// the container, and the connection options. "List containers" runs `docker ps` once on the host (in a
// worker thread, with the dialog's own prompter for host keys and secrets) and offers the running
// containers in the container box; the name can always be typed.
#pragma once

#include "TargetConfig.h"

#include <QDialog>
#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QStandardItemModel;

namespace heapwatch {

class ContainerLister;
class GuiPrompter;
struct ContainerListRequest;
struct ContainerListResult;

class TargetDialog : public QDialog
{
    Q_OBJECT
public:
    explicit TargetDialog(QWidget* parent = nullptr);
    ~TargetDialog() override;

    void setEntry(const TargetConfig& entry);
    TargetConfig entry() const;
    // The target string for the fields ("ssh://ops@web1:2222/pangolin", "web1/pangolin", "local/pangolin").
    QString targetString() const;

    // Starts listing the containers of the host in the fields (the "List containers" button).
    void listContainers();
    bool isListing() const;
    // What listContainers() asks for, from the fields.
    ContainerListRequest listRequest() const;

private:
    QString targetString(const QString& container) const;
    void validate();
    void showListing(const ContainerListResult& result);
    void forgetListing(); // the host changed: a listing of the old one no longer applies

    QComboBox* m_where;
    QComboBox* m_host;
    QLineEdit* m_user;
    QSpinBox* m_port;
    QComboBox* m_container;
    QStandardItemModel* m_containers; // name, image, status of the last listing
    QPushButton* m_list;
    QLabel* m_listStatus;
    QLineEdit* m_identity;
    QLineEdit* m_knownHosts;
    QComboBox* m_engine;
    QCheckBox* m_sudo;
    QCheckBox* m_acceptNew;
    QSpinBox* m_sinceHours;
    QLabel* m_preview;
    QPushButton* m_ok = nullptr;
    // Declared first, destroyed last: the lister's destructor cancels its question and lets go of the prompter.
    std::unique_ptr<GuiPrompter> m_prompter;
    std::unique_ptr<ContainerLister> m_lister;
};

} // namespace heapwatch
