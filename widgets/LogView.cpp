#include "LogView.h"

#include "LogFilterProxy.h"
#include "ProblemLogModel.h"
#include "Target.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QTableView>
#include <QVBoxLayout>

namespace heapwatch {

LogView::LogView(QWidget* parent)
    : QWidget(parent)
    , m_model(new ProblemLogModel(this))
    , m_proxy(new LogFilterProxy(this))
    , m_search(new QLineEdit(this))
    , m_level(new QComboBox(this))
    , m_count(new QLabel(this))
    , m_view(new QTableView(this))
{
    setObjectName(QStringLiteral("logView"));
    m_proxy->setSourceModel(m_model);
    m_search->setPlaceholderText(tr("Search the log (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    for (int f = int(LogFilterProxy::Filter::All); f <= int(LogFilterProxy::Filter::HeapOom); ++f)
        m_level->addItem(LogFilterProxy::filterLabel(LogFilterProxy::Filter(f)), f);
    m_count->setTextFormat(Qt::PlainText);

    m_view->setModel(m_proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    QHeaderView* h = m_view->horizontalHeader();
    h->setSectionResizeMode(ProblemLogModel::TimeColumn, QHeaderView::ResizeToContents);
    h->setSectionResizeMode(ProblemLogModel::LevelColumn, QHeaderView::ResizeToContents);
    h->setSectionResizeMode(ProblemLogModel::KindColumn, QHeaderView::ResizeToContents);
    h->setSectionResizeMode(ProblemLogModel::MessageColumn, QHeaderView::Stretch);

    auto* copy = new QAction(tr("Copy"), m_view);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this, &LogView::copySelection);
    m_view->addAction(copy);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_search, 1);
    bar->addWidget(m_level);
    bar->addWidget(m_count);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 2, 0, 0);
    layout->setSpacing(3);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);

    connect(m_search, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_proxy->setSearchText(text);
        updateCount();
    });
    connect(m_level, &QComboBox::currentIndexChanged, this, [this] {
        m_proxy->setLevelFilter(LogFilterProxy::Filter(m_level->currentData().toInt()));
        updateCount();
    });
    // Follow the newest line only while the operator is looking at the bottom.
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this] {
        QScrollBar* sb = m_view->verticalScrollBar();
        if (sb->value() >= sb->maximum() - 2 * m_view->verticalHeader()->defaultSectionSize())
            QMetaObject::invokeMethod(m_view, &QTableView::scrollToBottom, Qt::QueuedConnection);
    });
    connect(m_proxy, &QAbstractItemModel::modelReset, m_view, &QTableView::scrollToBottom);
    updateCount();
}

void LogView::refresh(const Target* target)
{
    if (!target) {
        m_model->clear();
    } else {
        if (target != m_target)
            m_model->clear(); // another target: its rows are not a continuation of ours
        m_model->setProblems(target->state().problems());
    }
    m_target = target;
    updateCount();
}

void LogView::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void LogView::updateCount()
{
    const int shown = m_proxy->rowCount(), all = m_model->rowCount();
    m_count->setText(shown == all ? tr("%n line(s)", nullptr, all) : tr("%1 of %2").arg(shown).arg(all));
}

void LogView::copySelection()
{
    QStringList lines;
    const auto rows = m_view->selectionModel()->selectedRows();
    for (const QModelIndex& proxyIndex : rows) {
        const Problem* p = m_model->problemAt(m_proxy->mapToSource(proxyIndex).row());
        if (p)
            lines << QStringLiteral("%1 [%2] %3")
                         .arg(proxyIndex.siblingAtColumn(ProblemLogModel::TimeColumn).data().toString(),
                              ProblemLogModel::kindName(p->kind), p->text);
    }
    if (!lines.isEmpty())
        QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
}

} // namespace heapwatch
