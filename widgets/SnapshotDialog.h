// Target > Heap snapshot…: says what will happen and asks first, then takes the snapshot in a worker thread
// (SnapshotCapture over the target's SSH login, or on this machine) with progress and Cancel, keeps it under
// the application data directory (snapshots/<target>/<time>.heapsnapshot) and shows the top constructors
// and, when an earlier snapshot of the same target is there, what grew since. The pause becomes a chart
// marker of the target.
#pragma once

#include "SnapshotCapture.h"
#include "TargetConfig.h"
#include "TargetState.h"

#include <QDialog>
#include <QPointer>
#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QTableWidget;
class QTabWidget;

namespace heapwatch {

class Target;

struct SnapshotViewRows
{
    QString file;
    QString previousFile; // empty: no earlier snapshot of this target
    QString error; // reading a snapshot failed
    // Summary: constructor, count, shallow, retained. Comparison: constructor, count delta, size delta,
    // added, freed.
    QList<QStringList> summary;
    QList<QStringList> comparison;
    HeapGrowthEvidence growth; // the comparison's top growers, for the target's leak advice
    bool idsMatched = true; // false: new and freed are each constructor's net change (HeapDiff::idsMatched)
};

class SnapshotDialog : public QDialog
{
    Q_OBJECT
public:
    SnapshotDialog(const TargetConfig& config, Target* target, QWidget* parent = nullptr);
    ~SnapshotDialog() override; // cancels a running snapshot; the helper then closes the inspector

    // Where the snapshots of a target are kept.
    static QString directoryFor(const TargetConfig& config);
    // For tests: the first page's explanation, the result tables.
    QString explanation() const;
    QTableWidget* summaryTable() const { return m_summary; }
    QTableWidget* comparisonTable() const { return m_comparison; }

    void start(); // the "Take snapshot" button
    void reject() override; // Cancel, Close, Escape: a running snapshot is cancelled

Q_SIGNALS:
    void finishedWith(const heapwatch::SnapshotCaptureResult& result);

private:
    struct Run;
    void onEvent(const SnapshotHelperEvent& e);
    void onCaptured(const SnapshotCaptureResult& result, qint64 startedMs);
    void onRead(const SnapshotViewRows& rows);

    TargetConfig m_config;
    QPointer<Target> m_target;
    std::shared_ptr<Run> m_run;
    QStackedWidget* m_pages;
    QLabel* m_intro;
    QLabel* m_status;
    QProgressBar* m_progress;
    QPushButton* m_take;
    QPushButton* m_cancel;
    QTabWidget* m_tabs;
    QTableWidget* m_summary;
    QTableWidget* m_comparison;
};

} // namespace heapwatch
