// The history store in Settings: how long it keeps every sample and the one-minute rollups, where it is, and
// per stored target the disk it uses, with "Forget this target's history".
#pragma once

#include <QGroupBox>
#include <QPointer>

class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace heapwatch {

class HistoryStore;

class HistorySettings : public QGroupBox
{
    Q_OBJECT
public:
    // store may be nullptr (history not kept on disk): the retention is still editable for the next start.
    HistorySettings(HistoryStore* store, int fullDays, int rollupDays, QWidget* parent = nullptr);

    int fullDays() const;
    int rollupDays() const;
    // Reads the stored targets and their disk use again.
    void refresh();
    // Deletes what the store holds of key (the button asks first); false when nothing was stored.
    bool forget(const QString& key);

private:
    void forgetSelected();

    QPointer<HistoryStore> m_store;
    QSpinBox* m_full;
    QSpinBox* m_rollup;
    QLabel* m_where;
    QTableWidget* m_table;
    QPushButton* m_forget;
};

} // namespace heapwatch
