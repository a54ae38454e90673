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
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    QHeaderView* h = m_view->horizontalHeader();
    h->setSectionResizeMode(QHeaderView::ResizeToContents);
    h->setSectionResizeMode(RedFlagModel::NotesColumn, QHeaderView::Stretch);
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
        showTimeline({});
        return;
    }
    const Assessment& a = target->assessment();
    m_model->setAssessment(a, target->now());
    const auto entries = timelineOf(a);
    QStringList lines;
    for (auto it = entries.rbegin(); it != entries.rend() && lines.size() < kTimelineRows; ++it)
        lines << format::dateTime(it->atMs) + QStringLiteral("  ") + it->text(QStringLiteral("→"));
    showTimeline(lines);
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
