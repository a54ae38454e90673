#include "StatusPanel.h"

#include "Format.h"
#include "LevelStyle.h"
#include "ProcessStats.h"
#include "Target.h"
#include "TargetListModel.h"

#include <QDateTime>
#include <QLabel>
#include <QLocale>
#include <QStatusBar>
#include <utility>

namespace heapwatch {

StatusPanel::StatusPanel(QStatusBar* bar)
    : QObject(bar)
    , m_connection(new QLabel(bar))
    , m_age(new QLabel(bar))
    , m_rate(new QLabel(bar))
    , m_skipped(new QLabel(bar))
    , m_rss(new QLabel(bar))
{
    for (QLabel* l : {m_connection, m_age, m_rate, m_skipped, m_rss}) {
        l->setTextFormat(Qt::PlainText); // connection messages come from the server and the SSH layer
        l->setContentsMargins(6, 0, 6, 0);
    }
    m_connection->setObjectName(QStringLiteral("statusConnection"));
    m_age->setObjectName(QStringLiteral("statusAge"));
    m_rate->setObjectName(QStringLiteral("statusRate"));
    m_skipped->setObjectName(QStringLiteral("statusSkipped"));
    m_rss->setObjectName(QStringLiteral("statusOwnRss"));
    m_age->setMinimumWidth(m_age->fontMetrics().horizontalAdvance(QStringLiteral("last sample 2026-01-14 10:05:00"))
                           + 12);
    m_rate->setMinimumWidth(m_rate->fontMetrics().horizontalAdvance(QStringLiteral("999.9 MiB read")) + 12);
    m_rss->setMinimumWidth(m_rss->fontMetrics().horizontalAdvance(QStringLiteral("heapwatch RSS 999.9 MiB")) + 12);
    m_age->setToolTip(tr("Age of the last sample of the current target"));
    m_rate->setToolTip(tr("Bytes per second received for the current target"));
    m_rss->setToolTip(tr("heapwatch's own resident memory"));
    m_skipped->setToolTip(tr("Log lines of the current target that heapwatch received but could not show: the "
                             "server sent more than the window could keep up with. The latest value of each "
                             "kind of line was kept."));
    m_skipped->setStyleSheet(
        QStringLiteral("QLabel { color: %1; font-weight: bold; }").arg(LevelStyle::color(Level::Warning).name()));
    // The connection line can be long (server messages): it may be cut, its tool tip has it all.
    m_connection->setMinimumWidth(120);
    m_connection->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    bar->addPermanentWidget(m_connection, 1);
    bar->addPermanentWidget(m_age);
    bar->addPermanentWidget(m_skipped);
    bar->addPermanentWidget(m_rate);
    bar->addPermanentWidget(m_rss);
    refresh(nullptr);
}

void StatusPanel::refresh(const Target* target)
{
    m_rss->setText(tr("heapwatch RSS %1").arg(format::bytes(double(ProcessStats::residentBytes()))));
    if (!target) {
        m_target = nullptr;
        m_connection->setText(tr("No target"));
        m_age->setText(QString());
        m_rate->setText(QString());
        m_skipped->clear();
        m_skipped->hide();
        return;
    }
    const TargetState& st = target->state();
    const ConnectionStatus& c = st.connection();
    QString text = QStringLiteral("%1 — %2").arg(target->name(), toString(c.state));
    if (!c.host.isEmpty())
        text += QStringLiteral(" · %1").arg(c.host);
    if (!c.engine.isEmpty())
        text += QStringLiteral(" (%1)").arg(c.engine);
    if (c.state == ConnectionStatus::State::Reconnecting && c.retryInSeconds > 0)
        text += tr(" · retry in %1 s").arg(c.retryInSeconds);
    if (!c.message.isEmpty())
        text += QStringLiteral(" · ") + c.message;
    if (c.state == ConnectionStatus::State::Connected) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const std::vector<StreamHealth> streams = streamHealth(st, now);
        if (!allStreamsUp(streams) && staleForMs(streams, now) >= 0)
            text += QStringLiteral(" · ") + TargetListModel::staleText(streams, now);
    }
    // A fallback to `docker stats` costs the server more: said in the panel; the usual source in the tooltip.
    if (c.statsSource.startsWith(QLatin1String("docker stats (")))
        text += QStringLiteral(" · stats: ") + c.statsSource;
    m_connection->setText(text);
    // Where each stream's data comes from, in the tooltip.
    QString sources = text;
    for (const QString& line : c.sourceLines())
        sources += QLatin1Char('\n') + line;
    m_connection->setToolTip(format::plainToolTip(sources));

    const qint64 last = st.lastDataMs();
    if (last < 0)
        m_age->setText(tr("no samples yet"));
    else if (target->isLive())
        m_age->setText(tr("last sample %1").arg(format::age(QDateTime::currentMSecsSinceEpoch() - last)));
    else
        m_age->setText(tr("last sample %1").arg(format::dateTime(last)));

    const quint64 skipped = st.logCounters().skipped;
    if (skipped > 0) {
        m_skipped->setText(tr("%1 lines skipped (overload)").arg(QLocale().toString(skipped)));
        m_skipped->show();
    } else {
        m_skipped->clear();
        m_skipped->hide();
    }

    // Bytes per second over the refresh interval, smoothed so that the figure does not jitter.
    const quint64 bytes = st.bytesReceived();
    if (target != m_target || !m_rateClock.isValid()) {
        m_target = target;
        m_lastBytes = bytes;
        m_rateBps = 0;
        m_rateClock.start();
    } else if (m_rateClock.elapsed() >= 900) {
        const double seconds = double(m_rateClock.restart()) / 1000.0;
        const double now = double(bytes - std::min(bytes, m_lastBytes)) / seconds;
        m_rateBps = m_rateBps == 0 ? now : 0.7 * m_rateBps + 0.3 * now;
        m_lastBytes = bytes;
    }
    m_rate->setText(target->isLive() ? format::bytesPerSecond(m_rateBps)
                                     : tr("%1 read").arg(format::bytes(double(bytes))));
}

QString StatusPanel::connectionText() const
{
    return m_connection->text();
}
QString StatusPanel::ageText() const
{
    return m_age->text();
}
QString StatusPanel::rateText() const
{
    return m_rate->text();
}
QString StatusPanel::skippedText() const
{
    return m_skipped->text();
}
bool StatusPanel::isSkippedShown() const
{
    return !m_skipped->isHidden();
}
QString StatusPanel::ownRssText() const
{
    return m_rss->text();
}

} // namespace heapwatch
