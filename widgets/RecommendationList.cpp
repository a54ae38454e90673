#include "RecommendationList.h"

#include "Assessment.h"
#include "RecommendationModel.h"
#include "Target.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace heapwatch {

RecommendationList::RecommendationList(QWidget* parent)
    : QWidget(parent)
    , m_model(new RecommendationModel(this))
    , m_view(new QTableView(this))
    , m_summary(new QLabel(this))
    , m_detail(new QPlainTextEdit(this))
    , m_ack(new QPushButton(tr("Acknowledge"), this))
    , m_copy(new QPushButton(tr("Copy action"), this))
{
    setObjectName(QStringLiteral("recommendationList"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(RecommendationModel::TitleColumn, QHeaderView::Stretch);
    m_view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter); // over the titles' text
    // The detail pane shows the evidence and the action in full; the list stays one readable column.
    m_view->setColumnHidden(RecommendationModel::EvidenceColumn, true);
    m_view->setColumnHidden(RecommendationModel::ActionColumn, true);
    m_view->setTextElideMode(Qt::ElideRight);

    m_summary->setTextFormat(Qt::PlainText);
    m_detail->setReadOnly(true);
    m_detail->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_detail->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_detail->setPlaceholderText(tr("Select a recommendation to see its evidence and action."));

    auto* detailBox = new QWidget(this);
    auto* detailLayout = new QVBoxLayout(detailBox);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_detail, 1);
    // The counts above the buttons, not beside them: the dock stays narrow enough for the window to fit a
    // laptop's screen with its docks open.
    detailLayout->addWidget(m_summary);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_copy);
    buttons->addWidget(m_ack);
    detailLayout->addLayout(buttons);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_view);
    split->addWidget(detailBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &RecommendationList::showCurrent);
    connect(m_model, &QAbstractItemModel::modelReset, this, &RecommendationList::showCurrent);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &RecommendationList::showCurrent);
    connect(m_ack, &QPushButton::clicked, this, [this] {
        const int row = m_view->currentIndex().row();
        m_model->acknowledge(row, !m_model->isAcknowledged(row));
    });
    connect(m_copy, &QPushButton::clicked, this, [this] {
        if (const auto* r = m_model->recommendationAt(m_view->currentIndex().row()))
            QApplication::clipboard()->setText(r->action);
    });
    showCurrent();
}

void RecommendationList::refresh(const Target* target)
{
    const QString currentKey = [this] {
        const auto* r = m_model->recommendationAt(m_view->currentIndex().row());
        return r ? RecommendationModel::ackKey(*r) : QString();
    }();
    if (!target)
        m_model->clear();
    else
        m_model->setRecommendations(target->assessment().recommendations);
    // Keep the selection on the same rule across resets, and select the first one when none is.
    int row = m_model->rowCount() > 0 ? 0 : -1;
    for (int i = 0; i < m_model->rowCount(); ++i) {
        if (RecommendationModel::ackKey(*m_model->recommendationAt(i)) == currentKey)
            row = i;
    }
    if (row >= 0 && m_view->currentIndex().row() != row)
        m_view->setCurrentIndex(m_model->index(row, 0));
    m_summary->setText(tr("%1 active, %2 acknowledged")
                           .arg(m_model->unacknowledgedCount())
                           .arg(m_model->rowCount() - m_model->unacknowledgedCount()));
}

void RecommendationList::showCurrent()
{
    const int row = m_view->currentIndex().row();
    const Recommendation* r = m_model->recommendationAt(row);
    m_ack->setEnabled(r != nullptr);
    m_copy->setEnabled(r != nullptr && !r->action.isEmpty());
    if (!r) {
        m_detail->clear();
        return;
    }
    m_ack->setText(m_model->isAcknowledged(row) ? tr("Unacknowledge") : tr("Acknowledge"));
    const QString text = tr("%1\n[%2 · %3]\n\nEvidence: %4\n\nAction:\n%5")
                             .arg(r->title, r->id, levelName(r->level), r->evidence, r->action);
    if (m_detail->toPlainText() != text)
        m_detail->setPlainText(text);
}

} // namespace heapwatch
