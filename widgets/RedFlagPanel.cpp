#include "RedFlagPanel.h"

#include "RedFlagModel.h"
#include "Target.h"

#include <QHeaderView>
#include <QTableView>
#include <QVBoxLayout>

namespace heapwatch {

RedFlagPanel::RedFlagPanel(QWidget* parent)
    : QWidget(parent)
    , m_model(new RedFlagModel(this))
    , m_view(new QTableView(this))
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
    layout->addWidget(m_view);
}

void RedFlagPanel::refresh(const Target* target)
{
    if (!target) {
        m_model->clear();
        return;
    }
    m_model->setAssessment(target->assessment(), target->now());
}

} // namespace heapwatch
