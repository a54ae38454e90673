#include "SnapshotDialog.h"

#include "Format.h"
#include "HeapAnalysis.h"
#include "HeapComparison.h"
#include "HeapSnapshot.h"
#include "NonInteractivePrompter.h"
#include "PlainText.h"
#include "Target.h"
#include "ThreadReaper.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMutex>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QThread>
#include <QVBoxLayout>
#include <cstdlib>

namespace heapwatch {
namespace {

constexpr int kRows = 50;

QString sizeDelta(int64_t v)
{
    return (v > 0       ? QStringLiteral("+")
                : v < 0 ? QStringLiteral("−")
                        : QString())
        + format::bytes(double(std::llabs(v)));
}

// Reads the new snapshot (and the previous one reduced to its digest) into table rows, off the GUI thread.
SnapshotViewRows readSnapshots(const QString& file, const QString& previous)
{
    SnapshotViewRows rows;
    rows.file = file;
    rows.previousFile = previous;
    QString error;
    HeapDigest before;
    if (!previous.isEmpty()) {
        const std::optional<HeapSnapshot> old = HeapSnapshot::load(previous, &error);
        if (old)
            before = HeapDigest::of(HeapAnalysis(*old));
        else
            rows.previousFile.clear();
    }
    const std::optional<HeapSnapshot> snapshot = HeapSnapshot::load(file, &error);
    if (!snapshot) {
        rows.error = error;
        return rows;
    }
    const HeapAnalysis analysis(*snapshot);
    for (const HeapClassRow& c : analysis.classes()) {
        if (rows.summary.size() >= kRows)
            break;
        rows.summary.append({oneLine(c.name, 200), QString::number(c.count), format::bytes(double(c.selfSize)),
                             format::bytes(double(c.retainedSize))});
    }
    if (!rows.previousFile.isEmpty()) {
        const HeapDiff diff = compareSnapshots(before, analysis);
        rows.idsMatched = diff.idsMatched;
        rows.growth.olderAtMs = QFileInfo(rows.previousFile).lastModified().toMSecsSinceEpoch();
        rows.growth.newerAtMs = QFileInfo(file).lastModified().toMSecsSinceEpoch();
        for (const HeapDiffRow& r : diff.rows) {
            if (rows.growth.growers.size() < 3 && r.sizeDelta() > 0 && r.countDelta() > 0)
                rows.growth.growers.append({r.name, r.countDelta(), r.sizeDelta()});
            if (rows.comparison.size() >= kRows)
                break;
            rows.comparison.append(
                {oneLine(r.name, 200),
                 (r.countDelta() > 0 ? QStringLiteral("+") : QString()) + QString::number(r.countDelta()),
                 sizeDelta(r.sizeDelta()), QString::number(r.countAdded), QString::number(r.countRemoved)});
        }
    }
    return rows;
}

QTableWidget* makeTable(const QStringList& headers, const QString& name)
{
    auto* t = new QTableWidget(0, int(headers.size()));
    t->setObjectName(name);
    t->setHorizontalHeaderLabels(headers);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    return t;
}

void fill(QTableWidget* table, const QList<QStringList>& rows)
{
    table->setRowCount(int(rows.size()));
    for (int r = 0; r < rows.size(); ++r) {
        for (int c = 0; c < rows[r].size(); ++c) {
            auto* item = new QTableWidgetItem(rows[r][c]);
            if (c > 0)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            table->setItem(r, c, item);
        }
    }
}

} // namespace

// One snapshot run, shared by the dialog and its worker: results are posted under the lock, and never
// after the dialog let go of it (the model of ContainerLister::Run).
struct SnapshotDialog::Run
{
    std::atomic<bool> cancel {false};
    QMutex mutex;
    SnapshotDialog* owner = nullptr;
    QThread* thread = nullptr;

    // f(SnapshotDialog*) runs in the dialog's thread, unless the dialog is gone by then.
    template<typename F> void post(F f)
    {
        QMutexLocker lock(&mutex);
        if (owner)
            QMetaObject::invokeMethod(
                owner, [o = owner, f] { f(o); }, Qt::QueuedConnection);
    }
    void stop()
    {
        {
            QMutexLocker lock(&mutex);
            owner = nullptr;
        }
        cancel = true;
        if (thread)
            ThreadReaper::adopt(std::exchange(thread, nullptr));
    }
};

SnapshotDialog::SnapshotDialog(const TargetConfig& config, Target* target, QWidget* parent)
    : QDialog(parent)
    , m_config(config)
    , m_target(target)
{
    setObjectName(QStringLiteral("snapshotDialog"));
    setWindowTitle(tr("Heap snapshot of %1").arg(config.displayName()));
    auto* layout = new QVBoxLayout(this);
    m_pages = new QStackedWidget;
    // Above every page: what is happening, and in the end what it cost (the pause, the inspector's state).
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("snapshotStatus"));
    m_status->setWordWrap(true);
    m_status->hide();
    layout->addWidget(m_status);
    layout->addWidget(m_pages);

    m_intro = new QLabel(
        tr("<p>heapwatch runs a small helper under the container's own <code>node</code> "
           "(<code>docker exec</code>, nothing is installed). It opens the app's inspector with SIGUSR1, bound to "
           "127.0.0.1 <b>inside the container</b>, for the duration of the snapshot only, and closes it again, "
           "also on cancel, error or a lost connection.</p>"
           "<p><b>The app stops serving while V8 writes the snapshot: about %1 s per 100 MB of heap</b> "
           "(measured), longer for heaps of many small objects. First the helper counts the heap's objects "
           "(a pause of about a second per million).</p>"
           "<p>A snapshot needs far more memory than the heap: about %2 B per object plus %3× the heap used "
           "(measured: a heap of 79 MB grew the app by 1.7 GB). It is refused when the container has less free "
           "memory than that, or the heap holds more than %4, and while another snapshot of this target "
           "runs.</p>")
            .arg(SnapshotLimits::kPauseSecondsPer100MB)
            .arg(SnapshotLimits::kBytesPerObject)
            .arg(SnapshotLimits::kHeapCopies)
            .arg(format::bytes(double(SnapshotLimits::kDefaultMaxHeapBytes))));
    m_intro->setWordWrap(true);
    m_intro->setTextFormat(Qt::RichText);
    m_pages->addWidget(m_intro);

    auto* running = new QWidget;
    auto* runningLayout = new QVBoxLayout(running);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 0);
    runningLayout->addWidget(m_progress);
    runningLayout->addStretch();
    m_pages->addWidget(running);

    m_tabs = new QTabWidget;
    m_summary
        = makeTable({tr("Constructor"), tr("Count"), tr("Shallow"), tr("Retained")}, QStringLiteral("snapshotSummary"));
    m_comparison = makeTable({tr("Constructor"), tr("# Delta"), tr("Size delta"), tr("# New"), tr("# Freed")},
                             QStringLiteral("snapshotComparison"));
    m_tabs->addTab(m_summary, tr("Summary"));
    m_pages->addWidget(m_tabs);

    auto* buttons = new QDialogButtonBox;
    m_take = buttons->addButton(tr("Take snapshot"), QDialogButtonBox::AcceptRole);
    m_take->setObjectName(QStringLiteral("takeSnapshot"));
    m_cancel = buttons->addButton(QDialogButtonBox::Cancel);
    connect(m_take, &QPushButton::clicked, this, &SnapshotDialog::start);
    connect(m_cancel, &QPushButton::clicked, this, &SnapshotDialog::reject);
    layout->addWidget(buttons);
    resize(640, 480);
}

SnapshotDialog::~SnapshotDialog()
{
    if (m_run)
        m_run->stop();
    if (!m_comparison->parent())
        delete m_comparison; // never shown (no earlier snapshot to compare with): no tab owns it
}

QString SnapshotDialog::directoryFor(const TargetConfig& config)
{
    QString key = config.key();
    key.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.-]+")), QStringLiteral("_"));
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/snapshots/") + key;
}

QString SnapshotDialog::explanation() const
{
    return m_intro->text();
}

void SnapshotDialog::start()
{
    if (m_run)
        return;
    m_take->setEnabled(false);
    m_status->setText(tr("Connecting…"));
    m_status->show();
    m_pages->setCurrentIndex(1);
    const QString dir = directoryFor(m_config);
    QDir().mkpath(dir);
    const QStringList earlier = QDir(dir).entryList({QStringLiteral("*.heapsnapshot")}, QDir::Files, QDir::Name);
    const QString previous = earlier.isEmpty() ? QString() : dir + QLatin1Char('/') + earlier.last();
    const QString file = dir + QLatin1Char('/')
        + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss")) + QStringLiteral(".heapsnapshot");

    auto run = std::make_shared<Run>();
    run->owner = this;
    m_run = run;
    SnapshotCaptureRequest request;
    request.target = m_config;
    if (m_target) { // the target's thresholds (snapshot.max_heap_mib, snapshot.headroom_factor) set the limits
        request.limits.maxHeapBytes = qint64(m_target->thresholds().snapshotMaxHeapMiB * 1024 * 1024);
        request.limits.headroomFactor = m_target->thresholds().snapshotHeadroomFactor;
    }
    request.onEvent = [run](const SnapshotHelperEvent& e) { run->post([e](SnapshotDialog* o) { o->onEvent(e); }); };
    run->thread = QThread::create([run, request, file, previous] {
        const qint64 startedMs = QDateTime::currentMSecsSinceEpoch();
        NonInteractivePrompter prompter(request.target.acceptNewHostKey, false);
        SnapshotCaptureRequest r = request;
        r.prompter = &prompter;
        QFile out(file + QStringLiteral(".part"));
        SnapshotCaptureResult result;
        if (!out.open(QIODevice::WriteOnly)) {
            result.message = QStringLiteral("cannot write %1: %2").arg(out.fileName(), out.errorString());
        } else {
            result = SnapshotCapture::run(r, &out, &run->cancel);
            out.close();
        }
        const bool taken = result.outcome == SnapshotCaptureResult::Outcome::Taken && out.rename(file);
        if (!taken)
            out.remove();
        run->post([result, startedMs](SnapshotDialog* o) { o->onCaptured(result, startedMs); });
        if (taken && !run->cancel) {
            const SnapshotViewRows rows = readSnapshots(file, previous);
            run->post([rows](SnapshotDialog* o) { o->onRead(rows); });
        }
    });
    run->thread->setObjectName(QStringLiteral("heapwatch-snapshot"));
    run->thread->start();
}

void SnapshotDialog::reject()
{
    if (m_run) {
        m_run->stop(); // the channel closes: the helper closes the inspector and exits
        m_run.reset();
    }
    QDialog::reject();
}

void SnapshotDialog::onEvent(const SnapshotHelperEvent& e)
{
    using K = SnapshotHelperEvent::Kind;
    switch (e.kind) {
    case K::Inspector:
        m_status->setText(tr("Inspector %1 inside the container.").arg(e.text(QStringLiteral("state"))));
        break;
    case K::Preflight:
        m_status->setText(tr("Heap used %1; checking the container's free memory…")
                              .arg(format::bytes(double(e.number(QStringLiteral("heap_used"), 0)))));
        break;
    case K::Progress: {
        const qint64 total = e.number(QStringLiteral("total"), 0);
        if (total > 0) {
            m_progress->setRange(0, 1000);
            m_progress->setValue(int(1000 * std::clamp<qint64>(e.number(QStringLiteral("done"), 0), 0, total) / total));
        }
        m_status->setText(tr("Taking the snapshot: the app is paused."));
        break;
    }
    case K::Snapshot:
        if (e.text(QStringLiteral("state")) == QLatin1String("taken"))
            m_status->setText(tr("Snapshot taken (%1); closing the inspector…")
                                  .arg(format::bytes(double(e.number(QStringLiteral("bytes"), 0)))));
        break;
    default:
        break;
    }
}

void SnapshotDialog::onCaptured(const SnapshotCaptureResult& result, qint64 startedMs)
{
    const bool taken = result.outcome == SnapshotCaptureResult::Outcome::Taken;
    if (taken && m_target && result.pauseMs >= 0) {
        // The pause ended when the helper reported it; it began pauseMs before that, after the preflight.
        const qint64 endMs = QDateTime::currentMSecsSinceEpoch();
        m_target->noteHeapSnapshot(
            std::max(startedMs, endMs - result.pauseMs), result.pauseMs,
            QStringLiteral("heap snapshot taken by heapwatch, the app paused for %1 ms").arg(result.pauseMs));
    }
    m_progress->setRange(0, 1);
    m_progress->setValue(1);
    m_status->setText(taken ? tr("Snapshot taken: %1, the app paused for %2 s; inspector %3.")
                                  .arg(format::bytes(double(result.bytes)))
                                  .arg(double(result.pauseMs) / 1000.0, 0, 'f', 1)
                                  .arg(result.inspector)
                            : plainText(result.message, 1000));
    if (!taken) {
        if (m_run)
            m_run->stop(); // the worker is done: the reaper deletes its thread
        m_run.reset();
        m_cancel->setText(tr("Close"));
    }
    Q_EMIT finishedWith(result);
}

void SnapshotDialog::onRead(const SnapshotViewRows& rows)
{
    if (m_run)
        m_run->stop(); // the worker is done: the reaper deletes its thread
    m_run.reset();
    m_cancel->setText(tr("Close"));
    if (!rows.error.isEmpty()) {
        m_status->setText(plainText(rows.error, 1000));
        return;
    }
    fill(m_summary, rows.summary);
    if (!rows.previousFile.isEmpty()) {
        if (m_target && !rows.growth.isEmpty())
            m_target->noteHeapGrowth(rows.growth);
        fill(m_comparison, rows.comparison);
        const int tab
            = m_tabs->addTab(m_comparison, tr("Since %1").arg(QFileInfo(rows.previousFile).completeBaseName()));
        if (!rows.idsMatched)
            m_tabs->setTabToolTip(tab,
                                  tr("The two snapshots were taken in two inspector sessions, whose object ids "
                                     "do not name the same objects: New and Freed are each constructor's "
                                     "net change."));
        m_tabs->setCurrentWidget(m_comparison);
    }
    m_pages->setCurrentIndex(2);
}

} // namespace heapwatch
