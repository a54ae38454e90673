#include "DashboardPage.h"

#include "ChartGrid.h"
#include "SummaryHeader.h"

#include <QFrame>
#include <QVBoxLayout>

namespace heapwatch {

DashboardPage::DashboardPage(ChartViewport* viewport, QWidget* parent)
    : QWidget(parent)
    , m_header(new SummaryHeader(this))
    , m_charts(new ChartGrid(viewport, this))
{
    setObjectName(QStringLiteral("dashboardPage"));
    auto* frame = new QFrame(this);
    frame->setFrameShape(QFrame::StyledPanel);
    frame->setBackgroundRole(QPalette::Base);
    frame->setAutoFillBackground(true);
    auto* frameLayout = new QVBoxLayout(frame);
    frameLayout->setContentsMargins(0, 0, 0, 0);
    frameLayout->addWidget(m_header);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(6);
    layout->addWidget(frame);
    layout->addWidget(m_charts, 1);
}

void DashboardPage::setTarget(const Target* target)
{
    m_target = target;
    m_header->refresh(target);
    m_charts->setTarget(target);
}

void DashboardPage::refresh(bool force, bool header)
{
    if (header || force)
        m_header->refresh(m_target);
    m_charts->refresh(force);
}

} // namespace heapwatch
