#include "HistorySettings.h"

#include "Format.h"
#include "HistoryReader.h"
#include "HistoryStore.h"

#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace heapwatch {

HistorySettings::HistorySettings(HistoryStore* store, int fullDays, int rollupDays, QWidget* parent)
    : QGroupBox(tr("History on disk"), parent)
    , m_store(store)
    , m_full(new QSpinBox(this))
    , m_rollup(new QSpinBox(this))
    , m_where(new QLabel(this))
    , m_table(new QTableWidget(0, 2, this))
    , m_forget(new QPushButton(tr("Forget this target's history"), this))
{
    setObjectName(QStringLiteral("historySettings"));
    m_full->setObjectName(QStringLiteral("historyFullDays"));
    m_full->setRange(1, 90);
    m_full->setSuffix(tr(" days"));
    m_full->setValue(fullDays);
    m_rollup->setObjectName(QStringLiteral("historyRollupDays"));
    m_rollup->setRange(1, 3650);
    m_rollup->setSuffix(tr(" days"));
    m_rollup->setValue(rollupDays);
    // The rollups outlive the samples they summarise.
    connect(m_full, &QSpinBox::valueChanged, this, [this](int days) { m_rollup->setMinimum(days); });
    m_rollup->setMinimum(fullDays);
    m_where->setWordWrap(true);
    m_where->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_where->setText(store ? tr("Stored in %1").arg(store->path())
                           : tr("Not kept on disk in this run (the store could not be opened): see the status bar."));
    m_table->setObjectName(QStringLiteral("historyTargets"));
    m_table->setHorizontalHeaderLabels({tr("Target"), tr("Disk use")});
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setMaximumHeight(160);
    m_forget->setObjectName(QStringLiteral("forgetHistory"));
    m_forget->setEnabled(false);
    connect(m_table, &QTableWidget::itemSelectionChanged, this,
            [this] { m_forget->setEnabled(m_store && !m_table->selectedItems().isEmpty()); });
    connect(m_forget, &QPushButton::clicked, this, &HistorySettings::forgetSelected);

    auto* form = new QFormLayout;
    form->addRow(tr("Every sample for"), m_full);
    form->addRow(tr("One-minute min/max/mean and events for"), m_rollup);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_where);
    layout->addWidget(m_table);
    layout->addWidget(m_forget, 0, Qt::AlignLeft);
    refresh();
}

int HistorySettings::fullDays() const
{
    return m_full->value();
}

int HistorySettings::rollupDays() const
{
    return std::max(m_rollup->value(), m_full->value());
}

void HistorySettings::refresh()
{
    m_table->setRowCount(0);
    if (!m_store)
        return;
    m_store->flush().waitForFinished(); // show what was written until now
    HistoryReader reader(m_store->path());
    QString error;
    if (!reader.open(&error)) {
        m_where->setText(tr("Stored in %1 (cannot read it: %2)").arg(m_store->path(), error));
        return;
    }
    for (const StoredTarget& t : reader.targets()) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        auto* name = new QTableWidgetItem(t.displayName);
        name->setToolTip(t.key);
        name->setData(Qt::UserRole, t.key);
        m_table->setItem(row, 0, name);
        auto* use = new QTableWidgetItem(format::bytes(double(reader.diskUse(t.key))));
        use->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(row, 1, use);
    }
}

bool HistorySettings::forget(const QString& key)
{
    if (!m_store)
        return false;
    const bool forgotten = m_store->forget(key).result();
    refresh();
    return forgotten;
}

void HistorySettings::forgetSelected()
{
    const QList<QTableWidgetItem*> selected = m_table->selectedItems();
    if (selected.isEmpty())
        return;
    const QTableWidgetItem* name = m_table->item(selected.front()->row(), 0);
    const QString key = name->data(Qt::UserRole).toString();
    if (QMessageBox::question(this, tr("Forget history"),
                              tr("Delete every stored sample and event of %1?\n%2").arg(name->text(), key))
        != QMessageBox::Yes)
        return;
    forget(key);
}

} // namespace heapwatch
