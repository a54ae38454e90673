#include "SummaryHeader.h"

#include "Assessment.h"
#include "Format.h"
#include "LevelStyle.h"
#include "PlainText.h"
#include "StateReport.h"
#include "Target.h"
#include "TargetListModel.h"

#include <QDateTime>
#include <QEvent>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace heapwatch {

namespace {

Level flagLevel(const Assessment& a, const char* id)
{
    const Flag* f = a.flag(QString::fromLatin1(id));
    return f ? f->level : Level::Unknown;
}

QString flagNote(const Assessment& a, const char* id)
{
    const Flag* f = a.flag(QString::fromLatin1(id));
    return f ? f->note : QString();
}

} // namespace

SummaryHeader::SummaryHeader(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("summaryHeader"));
    auto* outer = new QHBoxLayout(this);
    outer->setContentsMargins(8, 6, 8, 6);
    outer->setSpacing(14);

    // Verdict block: name, level pill and the worst flag in words.
    auto* verdict = new QVBoxLayout;
    verdict->setSpacing(3);
    m_name = new QLabel(this);
    m_name->setTextFormat(Qt::PlainText); // target names come from the user and the server
    QFont nameFont = m_name->font();
    nameFont.setBold(true);
    nameFont.setPointSizeF(nameFont.pointSizeF() + 1.5);
    m_name->setFont(nameFont);
    m_badge = new QLabel(this);
    m_badge->setAlignment(Qt::AlignCenter);
    m_badge->setMinimumWidth(96);
    m_badge->setMaximumWidth(140);
    m_verdict = new QLabel(this);
    m_verdict->setTextFormat(Qt::PlainText);
    m_verdict->setFixedWidth(190);
    verdict->addWidget(m_name);
    verdict->addWidget(m_badge, 0, Qt::AlignLeft);
    verdict->addWidget(m_verdict);
    m_hold = new QLabel(this);
    m_hold->setObjectName(QStringLiteral("alertHold"));
    m_hold->setTextFormat(Qt::PlainText);
    m_hold->setFixedWidth(190);
    m_hold->hide();
    verdict->addWidget(m_hold);
    verdict->addStretch();
    outer->addLayout(verdict);

    auto* line = new QFrame(this);
    line->setFrameShape(QFrame::VLine);
    line->setFrameShadow(QFrame::Sunken);
    outer->addWidget(line);

    auto* grid = new QGridLayout;
    grid->setHorizontalSpacing(18);
    grid->setVerticalSpacing(6);
    // Two rows of six: the process as the app reports it, then the container as the engine does.
    const std::pair<const char*, QString> tiles[] = {
        {"rss", tr("RSS")},
        {"heap", tr("Heap used / total")},
        {"heap_usage", tr("Heap usage")},
        {"external", tr("External")},
        {"array_buffers", tr("Array buffers")},
        {"growth", tr("RSS growth")},
        {"container_memory", tr("Container memory")},
        {"cpu", tr("CPU")},
        {"status", tr("Status")},
        {"uptime", tr("Uptime")},
        {"restarts", tr("Restarts")},
        {"cache_hit_rate", tr("Cache hit rate")},
    };
    for (int i = 0; i < int(std::size(tiles)); ++i)
        addTile(QString::fromLatin1(tiles[i].first), tiles[i].second, i / 6, i % 6);
    for (int c = 0; c < 6; ++c)
        grid->setColumnStretch(c, c == 5 ? 2 : 1); // growth and cache carry the longest notes
    for (const QString& key : std::as_const(m_order)) {
        const Tile& t = m_tiles[key];
        auto* box = new QVBoxLayout;
        box->setSpacing(0);
        box->addWidget(t.caption);
        box->addWidget(t.value);
        box->addWidget(t.note);
        const int index = int(m_order.indexOf(key));
        grid->addLayout(box, index / 6, index % 6, Qt::AlignTop);
    }
    outer->addLayout(grid, 1);
    refresh(nullptr);
}

void SummaryHeader::addTile(const QString& key, const QString& caption, int, int)
{
    Tile t;
    QFont small = font();
    small.setPointSizeF(std::max(7.0, small.pointSizeF() - 1));
    t.caption = new QLabel(caption, this);
    t.value = new QLabel(this);
    t.note = new TwoLineNote(this);
    for (QLabel* l : {t.caption, t.value})
        l->setTextFormat(Qt::PlainText); // values come from the server's log lines: never rich text
    t.value->setObjectName(QStringLiteral("value_") + key);
    QFont valueFont = t.value->font();
    valueFont.setBold(true);
    valueFont.setPointSizeF(valueFont.pointSizeF() + 1.5);
    t.value->setFont(valueFont);
    t.caption->setFont(small);
    // Notes wrap rather than widen the header (the window must fit a 1366-pixel screen with its docks), in
    // exactly two lines, the second elided (the whole note is the tooltip): a header whose height followed its
    // text would resize every chart below it whenever a counter gained a digit, a relayout of a tenth of a second.
    t.note->setFont(small);
    m_tiles.insert(key, t);
    m_order << key;
}

void SummaryHeader::set(const QString& key, const QString& value, const QString& note, Level level, bool judged)
{
    Tile& t = m_tiles[key];
    t.value->setText(value);
    // Values never clip: the column is at least as wide as the value (notes wrap instead).
    t.value->setMinimumWidth(t.value->sizeHint().width());
    t.note->setNote(note);
    t.value->setToolTip(note);
    t.level = level;
    t.judged = judged;
}

QString SummaryHeader::text(const QString& key) const
{
    if (key == QLatin1String("overall"))
        return m_badge->text().trimmed();
    const auto it = m_tiles.find(key);
    return it == m_tiles.end() ? QString() : it->value->text();
}

QString SummaryHeader::note(const QString& key) const
{
    if (key == QLatin1String("overall"))
        return m_verdictText;
    const auto it = m_tiles.find(key);
    return it == m_tiles.end() ? QString() : it->note->note();
}

Level SummaryHeader::level(const QString& key) const
{
    if (key == QLatin1String("overall"))
        return m_overall;
    const auto it = m_tiles.find(key);
    return it == m_tiles.end() ? Level::Unknown : it->level;
}

void SummaryHeader::refresh(const Target* target)
{
    if (!target) {
        m_name->setText(tr("No target"));
        setVerdict(tr("Add a target (Ctrl+N), open a saved log (Ctrl+O) or start the demo (Ctrl+D)."));
        m_overall = Level::Unknown;
        m_live = true;
        for (const QString& key : std::as_const(m_order))
            set(key, format::dash());
        restyle();
        return;
    }
    const TargetState& st = target->state();
    const Assessment& a = target->assessment();
    const qint64 now = target->now();
    m_name->setText(target->name());
    m_overall = a.overall;
    m_live = true;

    // The verdict names the worst flag, like the first line of `heapwatch check`.
    const Flag* worst = nullptr;
    for (const Flag& f : a.flags) {
        if (f.level == Level::Unknown)
            continue;
        if (!worst || int(f.level) > int(worst->level))
            worst = &f;
    }
    QString verdict;
    if (worst && worst->level != Level::Ok)
        verdict = flagReading(*worst);
    else if (worst)
        verdict = tr("All red flags within their thresholds");
    else
        verdict = tr("Waiting for data…");
    // Like the sidebar: the verdict of a target that is not live is its last one, not a current all-clear.
    const TargetListModel::Liveness liveness = TargetListModel::liveness(
        *target, target->name().section(QLatin1Char('/'), -1), QDateTime::currentMSecsSinceEpoch());
    if (!liveness.live) {
        m_overall = Level::Unknown;
        m_live = false;
        // A target that never had anything to judge has no last verdict to show: what went wrong is the news (a
        // saved log with nothing in it to judge, whose one known flag, no overflows in its lines, would read as all
        // clear).
        const QString& why = st.connection().message;
        if (!st.hasSomethingToJudge() && !why.isEmpty())
            verdict = tr("%1: %2").arg(liveness.text, oneLine(why));
        else
            verdict = tr("%1 · last verdict: %2").arg(liveness.text, verdict);
    }
    setVerdict(verdict);

    const auto& mem = st.lastMemory();
    const double heapLimit = st.heapLimitMiB();
    if (mem) {
        QString rssNote = flagNote(a, "rss");
        if (rssNote.isEmpty() && isKnown(heapLimit))
            rssNote = tr("%1 of heap limit %2")
                          .arg(format::percent(mem->rssMiB / heapLimit * 100, 1), format::mib(heapLimit, 0));
        set(QStringLiteral("rss"), format::mib(mem->rssMiB), rssNote, flagLevel(a, "rss"), true);
        set(QStringLiteral("heap"),
            QStringLiteral("%1 / %2").arg(format::number(mem->heapUsedMiB), format::mib(mem->heapTotalMiB)),
            isKnown(heapLimit) ? tr("limit %1").arg(format::mib(heapLimit, 0)) : tr("no heap limit known"));
        const double usage = mem->heapTotalMiB > 0 ? mem->heapUsedMiB / mem->heapTotalMiB * 100 : kUnknown;
        set(QStringLiteral("heap_usage"), format::percent(usage), flagNote(a, "heap_usage"), flagLevel(a, "heap_usage"),
            true);
        set(QStringLiteral("external"), format::mib(mem->externalMiB));
        set(QStringLiteral("array_buffers"), format::mib(mem->arrayBuffersMiB));
    } else {
        for (const char* key : {"rss", "heap", "heap_usage", "external", "array_buffers"})
            set(QString::fromLatin1(key), format::dash(), tr("no Memory: lines yet"));
    }

    const GrowthResult& g = a.growth;
    QString growthNote = flagNote(a, "memory_growth");
    if (g.projectedLimitAtMs > 0)
        growthNote = tr("%1 reached in %2").arg(g.projectedLimitName, format::duration(g.projectedLimitAtMs - now));
    set(QStringLiteral("growth"),
        isKnown(g.rssMiBPerHour) ? QStringLiteral("%1 MiB/h").arg(g.rssMiBPerHour, 0, 'f', 1) : format::dash(),
        growthNote, flagLevel(a, "memory_growth"), true);

    const auto& stats = st.lastStats();
    const double limit = st.containerLimitMiB();
    if (stats) {
        const double used = stats->memUsageBytes / (1024.0 * 1024.0);
        double pct = stats->memPercent;
        if (!isKnown(pct) && isKnown(limit) && limit > 0)
            pct = used / limit * 100;
        set(QStringLiteral("container_memory"), format::mib(used),
            isKnown(limit) ? tr("of %1 (%2)").arg(format::mib(limit), format::percent(pct)) : tr("no limit"),
            flagLevel(a, "container_memory"), true);
        set(QStringLiteral("cpu"), format::percent(stats->cpuPercent, 2),
            stats->pids >= 0 ? tr("%1 processes").arg(stats->pids) : QString());
    } else {
        set(QStringLiteral("container_memory"), format::dash(), tr("no container stats"));
        set(QStringLiteral("cpu"), format::dash());
    }

    const auto& info = st.info();
    if (info) {
        Level statusLevel = Level::Ok;
        if (info->health == QLatin1String("unhealthy") || info->oomKilled
            || (!info->running && !info->status.isEmpty()))
            statusLevel = Level::Critical;
        else if (info->health == QLatin1String("starting") || info->status == QLatin1String("restarting"))
            statusLevel = Level::Warning;
        QString health = info->health.isEmpty() || info->health == QLatin1String("none") ? QString() : info->health;
        set(QStringLiteral("status"), info->status.isEmpty() ? format::dash() : info->status,
            health.isEmpty() ? info->image : tr("health: %1").arg(health), statusLevel, true);
    } else {
        set(QStringLiteral("status"), format::dash(), tr("no inspect data"));
    }
    const qint64 started = st.lastStartMs() > 0 ? st.lastStartMs() : (info ? info->startedAtMs : -1);
    const bool today = started > 0 && now - started < 20 * 3600 * 1000;
    set(QStringLiteral("uptime"), started > 0 ? format::duration(now - started) : format::dash(),
        started > 0 ? tr("since %1").arg(today ? format::time(started) : format::dateTime(started)) : QString());
    const int restartCount = info ? info->restartCount : -1;
    set(QStringLiteral("restarts"), restartCount >= 0 ? QString::number(restartCount) : format::dash(),
        tr("%1 while watched").arg(st.restartsWhileWatched())
            + (st.oomKills() > 0 ? tr(", %1 OOM kills").arg(st.oomKills()) : QString()),
        flagLevel(a, "restarts"), true);

    const auto& cache = st.lastCache();
    if (cache) {
        set(QStringLiteral("cache_hit_rate"), format::percent(cache->hitRatePercent, 2),
            tr("%1 keys · %2 hits · %3 misses")
                .arg(format::count(cache->keys), format::count(cache->hits), format::count(cache->misses)),
            flagLevel(a, "cache_hit_rate"), true);
    } else {
        set(QStringLiteral("cache_hit_rate"), format::dash(), tr("no cache stats yet (logged every 5 min)"));
    }
    restyle();
}

void SummaryHeader::setVerdict(const QString& text)
{
    // One line, elided: a wrapped label inside the header's grid would fight the charts for height.
    m_verdictText = text;
    m_verdict->setText(m_verdict->fontMetrics().elidedText(text, Qt::ElideRight, m_verdict->maximumWidth()));
    m_verdict->setToolTip(format::plainToolTip(text));
}

void SummaryHeader::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        restyle();
}

QString SummaryHeader::alertHold() const
{
    return m_hold->text();
}

void SummaryHeader::setAlertHold(const QString& text)
{
    if (text == m_hold->text())
        return;
    m_hold->setText(text);
    m_hold->setVisible(!text.isEmpty());
}

void SummaryHeader::restyle()
{
    const bool dark = LevelStyle::isDark(palette());
    QColor muted = palette().color(QPalette::WindowText);
    muted.setAlpha(165);
    for (Tile& t : m_tiles) {
        QPalette p = t.value->palette();
        p.setColor(QPalette::WindowText,
                   t.judged && t.level != Level::Unknown ? LevelStyle::color(t.level, dark)
                                                         : palette().color(QPalette::WindowText));
        t.value->setPalette(p);
        QPalette mp = t.caption->palette();
        mp.setColor(QPalette::WindowText, muted);
        t.caption->setPalette(mp);
        t.note->setPalette(mp);
    }
    // The light palette's (darker) level colour in both palettes: white text on it keeps its contrast.
    const QColor c = LevelStyle::color(m_overall, false);
    m_badge->setText(QStringLiteral("  %1  ").arg(m_live ? levelTitle(m_overall) : tr("NOT LIVE")));
    // A filled pill: white on the level colour reads in both palettes. Set only when the level changes:
    // every setStyleSheet() polishes the label again, once a second for nothing.
    const QString sheet = QStringLiteral("QLabel { background: %1; color: white; border-radius: 9px; padding: 2px 10px;"
                                         " font-weight: bold; }")
                              .arg(c.name());
    if (m_badge->styleSheet() != sheet)
        m_badge->setStyleSheet(sheet);
}

} // namespace heapwatch
