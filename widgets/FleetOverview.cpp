#include "FleetOverview.h"

#include "FleetOverviewDelegate.h"
#include "FleetOverviewModel.h"
#include "LevelStyle.h"

#include <QDateTime>
#include <QEvent>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QListView>
#include <QScreen>
#include <QStyleHints>
#include <QVBoxLayout>

namespace heapwatch {

bool desktopIsDark()
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    const Qt::ColorScheme scheme = QGuiApplication::styleHints()->colorScheme();
    if (scheme != Qt::ColorScheme::Unknown)
        return scheme == Qt::ColorScheme::Dark;
#endif
    return QGuiApplication::palette().color(QPalette::Window).lightness() < 128;
}

FleetOverview::FleetOverview(TargetListModel* targets, QWidget* parent)
    : QWidget(parent)
    , m_model(new FleetOverviewModel(targets, this))
    , m_delegate(new FleetOverviewDelegate(m_model, this))
    , m_view(new QListView(this))
    , m_title(new QLabel(tr("Fleet overview"), this))
    , m_summary(new QLabel(this))
    , m_hint(new QLabel(this))
{
    setObjectName(QStringLiteral("fleetOverview"));
    m_view->setObjectName(QStringLiteral("fleetOverviewView"));
    m_view->setModel(m_model);
    m_view->setItemDelegate(m_delegate);
    m_view->setUniformItemSizes(true); // every card has the same height: no per-row measuring with 50 targets
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->installEventFilter(this);
    m_view->viewport()->setAutoFillBackground(true);
    m_view->setBackgroundRole(QPalette::Window);
    m_view->viewport()->setBackgroundRole(QPalette::Window);

    m_title->setObjectName(QStringLiteral("fleetOverviewTitle"));
    m_summary->setObjectName(QStringLiteral("fleetOverviewSummary"));
    m_hint->setObjectName(QStringLiteral("fleetOverviewHint"));
    m_hint->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    auto* head = new QHBoxLayout;
    head->addWidget(m_title);
    head->addSpacing(12);
    head->addWidget(m_summary, 1);
    head->addSpacing(16);
    head->addWidget(m_hint);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 4);
    layout->setSpacing(6);
    layout->addLayout(head);
    layout->addWidget(m_view, 1);
    setAutoFillBackground(true);

    connect(m_view, &QListView::clicked, this, [this](const QModelIndex& index) {
        if (index.isValid())
            Q_EMIT openRequested(index.data(FleetOverviewModel::KeyRole).toString());
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        if (m_view->currentIndex().isValid() || m_model->rowCount() == 0)
            return;
        m_view->setCurrentIndex(m_model->index(0));
    });
    applyLook();
}

void FleetOverview::refresh(bool force)
{
    if (!isVisible())
        return;
    if (!force && m_sinceRefresh.isValid() && m_sinceRefresh.elapsed() < 900)
        return;
    QElapsedTimer took;
    took.start();
    m_sinceRefresh.start();
    // The desktop switched between light and dark (no event reaches a widget with a palette of its own on
    // every platform): the wall follows within a second.
    if (m_wall && desktopIsDark() != m_wallDark)
        applyLook();
    m_model->refresh(QDateTime::currentMSecsSinceEpoch());
    updateTitle();
    // The dataChanged of the rows that changed scheduled their repaint: do it now, so that the time covers it.
    m_view->viewport()->repaint();
    m_lastRefreshMs = double(took.nsecsElapsed()) / 1e6;
}

void FleetOverview::updateTitle()
{
    const FleetOverviewModel::Counts c = m_model->counts();
    const int rows = m_model->rowCount();
    QStringList parts {rows == 1 ? tr("1 target") : tr("%1 targets").arg(rows)};
    const bool dark = LevelStyle::isDark(palette());
    auto part = [&](int n, const QString& word, Level level) {
        if (n > 0)
            parts << QStringLiteral("<span style=\"color:%1\"><b>%2</b> %3</span>")
                         .arg(LevelStyle::color(level, dark).name())
                         .arg(n)
                         .arg(word);
    };
    part(c.critical, tr("critical"), Level::Critical);
    part(c.warning, tr("warning"), Level::Warning);
    part(c.notLive, tr("not live"), Level::Unknown);
    part(c.unknown, tr("unknown"), Level::Unknown);
    part(c.ok, tr("ok"), Level::Ok);
    m_summary->setText(parts.join(QStringLiteral(" · ")));
    if (m_wall)
        m_hint->setText(tr("%1 · ↑↓ select · Enter opens · Esc returns · F11 leaves the wall")
                            .arg(QTime::currentTime().toString(QStringLiteral("HH:mm"))));
}

void FleetOverview::setWallMode(bool on)
{
    if (m_wall == on)
        return;
    m_wall = on;
    applyLook();
    updateTitle();
}

void FleetOverview::applyLook()
{
    m_applyingLook = true;
    QFont f = QGuiApplication::font();
    QPalette pal = QGuiApplication::palette();
    if (m_wall) {
        f.setPixelSize(wallPixelSize());
        // The desktop's scheme, with more contrast than a desktop window: a wall is looked at, not worked in.
        const bool dark = m_wallDark = desktopIsDark();
        const QColor window = dark ? QColor(0x0f, 0x13, 0x18) : QColor(0xf3, 0xf4, 0xf6);
        const QColor base = dark ? QColor(0x1a, 0x1f, 0x27) : QColor(0xff, 0xff, 0xff);
        const QColor text = dark ? QColor(0xec, 0xee, 0xf1) : QColor(0x14, 0x17, 0x1c);
        for (QPalette::ColorGroup g : {QPalette::Active, QPalette::Inactive, QPalette::Disabled}) {
            pal.setColor(g, QPalette::Window, window);
            pal.setColor(g, QPalette::Base, base);
            pal.setColor(g, QPalette::AlternateBase, base);
            pal.setColor(g, QPalette::Text, text);
            pal.setColor(g, QPalette::WindowText, text);
            pal.setColor(g, QPalette::Highlight, dark ? QColor(0x5b, 0x9c, 0xff) : QColor(0x1f, 0x5f, 0xd6));
            pal.setColor(g, QPalette::PlaceholderText, dark ? QColor(0x9a, 0xa4, 0xb2) : QColor(0x5f, 0x68, 0x75));
        }
        m_hint->setVisible(true);
    } else {
        m_hint->setText(tr("Click or Enter opens a target · Esc returns here"));
    }
    setPalette(pal);
    m_view->setFont(f);
    QFont title = f;
    title.setBold(true);
    if (f.pixelSize() > 0)
        title.setPixelSize(int(f.pixelSize() * 1.3));
    else
        title.setPointSizeF(f.pointSizeF() * 1.3);
    m_title->setFont(title);
    m_summary->setFont(f);
    QFont hint = f;
    if (f.pixelSize() > 0)
        hint.setPixelSize(int(f.pixelSize() * 0.8));
    else
        hint.setPointSizeF(f.pointSizeF() * 0.9);
    m_hint->setFont(hint);
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    m_view->setSpacing(0);
    m_view->doItemsLayout();
    updateSparklineWidth();
    m_applyingLook = false;
}

int FleetOverview::wallPixelSize() const
{
    // Readable from three metres: about 2.6 % of the window's (the screen's) height per line, 28 px at 1080 p.
    const QScreen* s = screen() ? screen() : QGuiApplication::primaryScreen();
    const int h = window()->isFullScreen() || !s ? window()->height() : s->geometry().height();
    return std::max(22, h * 26 / 1000);
}

void FleetOverview::updateSparklineWidth()
{
    const int pixels = FleetOverviewDelegate::sparklineWidth(m_view->viewport()->width());
    if (pixels == m_model->sparklinePixels())
        return;
    m_model->setSparklinePixels(pixels);
    if (isVisible())
        refresh(true);
}

void FleetOverview::selectKey(const QString& key)
{
    const int row = m_model->rowOfKey(key);
    if (row < 0)
        return;
    m_view->setCurrentIndex(m_model->index(row));
    m_view->scrollTo(m_model->index(row));
}

QString FleetOverview::currentKey() const
{
    return m_view->currentIndex().data(FleetOverviewModel::KeyRole).toString();
}

bool FleetOverview::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_view && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) && m_view->currentIndex().isValid()) {
            Q_EMIT openRequested(currentKey());
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void FleetOverview::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    updateSparklineWidth();
    refresh(true);
    if (!m_view->currentIndex().isValid() && m_model->rowCount() > 0)
        m_view->setCurrentIndex(m_model->index(0));
    m_view->setFocus();
}

void FleetOverview::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    if (m_wall && !m_applyingLook && m_view->font().pixelSize() != wallPixelSize())
        applyLook(); // full screen arrived (or the screen changed): the type follows its height
    updateSparklineWidth();
}

void FleetOverview::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    // The desktop switched between light and dark: the wall follows.
    if (event->type() == QEvent::ApplicationPaletteChange && m_wall && !m_applyingLook)
        applyLook();
}

} // namespace heapwatch
