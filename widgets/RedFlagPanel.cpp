#include "RedFlagPanel.h"

#include "Format.h"
#include "RedFlagModel.h"
#include "Target.h"
#include "Timeline.h"

#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace heapwatch {

RedFlagPanel::RedFlagPanel(QWidget* parent)
    : QWidget(parent)
    , m_model(new RedFlagModel(this))
    , m_view(new QTableView(this))
    , m_timeline(new QListWidget(this))
{
    setObjectName(QStringLiteral("redFlagPanel"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setShowGrid(false);
    m_view->setWordWrap(true); // notes such as "needs longer observation (12 of 30 min)" wrap, rows grow
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->verticalHeader()->hide();
    // Sized to their contents when the shape of the text changes (fitToContents), not by ResizeToContents
    // headers: those measure every cell again on each dataChanged, i.e. every second, and were a fifth of
    // the console's idle CPU.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    QHeaderView* h = m_view->horizontalHeader();
    h->setSectionResizeMode(QHeaderView::Interactive);
    h->setSectionResizeMode(RedFlagModel::NotesColumn, QHeaderView::Stretch);
    connect(h, &QHeaderView::sectionResized, this, [this](int column) {
        if (column == RedFlagModel::NotesColumn)
            m_view->resizeRowsToContents(); // the notes wrap: their width sets the rows' heights
    });
    h->setHighlightSections(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view, 1);
    auto* title = new QLabel(tr("Timeline"), this);
    title->setObjectName(QStringLiteral("timelineTitle"));
    layout->addWidget(title);
    m_timeline->setObjectName(QStringLiteral("timelineList"));
    m_timeline->setSelectionMode(QAbstractItemView::NoSelection);
    m_timeline->setFocusPolicy(Qt::NoFocus);
    m_timeline->setMaximumHeight(4 * fontMetrics().height() + 8); // compact: the table above is what matters
    layout->addWidget(m_timeline);
    showTimeline({});
}

void RedFlagPanel::refresh(const Target* target)
{
    if (!target) {
        m_model->clear();
        fitToContents();
        showTimeline({});
        return;
    }
    const Assessment& a = target->assessment();
    m_model->setAssessment(a, target->now());
    fitToContents();
    const auto entries = timelineOf(a);
    QStringList lines;
    for (auto it = entries.rbegin(); it != entries.rend() && lines.size() < kTimelineRows; ++it)
        lines << format::dateTime(it->atMs) + QStringLiteral("  ") + it->text(QStringLiteral("→"));
    showTimeline(lines);
}

void RedFlagPanel::fitToContents()
{
    // The length of every cell's text stands for its width: values that tick (17 of 30 min, 336.6 MiB)
    // keep their length, and the columns are measured again only when a length or the rows change.
    std::vector<int> shape;
    shape.reserve(size_t(m_model->rowCount() * m_model->columnCount()) + 1);
    shape.push_back(m_model->rowCount());
    for (int r = 0; r < m_model->rowCount(); ++r)
        for (int c = 0; c < m_model->columnCount(); ++c)
            shape.push_back(int(m_model->index(r, c).data(Qt::DisplayRole).toString().size()));
    if (shape == m_shape)
        return;
    m_shape = std::move(shape);
    for (int c = 0; c < m_model->columnCount(); ++c)
        if (c != RedFlagModel::NotesColumn)
            m_view->resizeColumnToContents(c);
    m_view->resizeRowsToContents();
}

void RedFlagPanel::showTimeline(const QStringList& lines)
{
    if (lines == m_timelineLines && m_timeline->count() > 0)
        return;
    m_timelineLines = lines;
    m_timeline->clear();
    if (lines.isEmpty())
        m_timeline->addItem(tr("No level changes yet"));
    else
        m_timeline->addItems(lines);
}

} // namespace heapwatch
