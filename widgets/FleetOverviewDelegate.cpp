#include "FleetOverviewDelegate.h"

#include "Assessment.h"
#include "FleetOverviewModel.h"
#include "LevelStyle.h"

#include <QPainter>
#include <QPainterPath>
#include <QRegularExpression>

namespace heapwatch {

namespace {

// Shares of the row's width: who and what (identity and flags), the three sparklines, growth.
constexpr double kIdentityShare = 0.30;
constexpr double kSparkShare = 0.47;
constexpr double kSparkGapShare = 0.012;

QColor mix(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

// The font a factor larger or smaller, whether it was set in points or in pixels (the wall sets pixels).
QFont scaled(const QFont& font, double factor, bool bold = false)
{
    QFont f = font;
    if (font.pixelSize() > 0)
        f.setPixelSize(std::max(1, int(std::lround(font.pixelSize() * factor))));
    else
        f.setPointSizeF(font.pointSizeF() * factor);
    f.setBold(bold);
    return f;
}

// "heap limit reached in 1 h 20 min" wraps before "1 h 20 min", never inside it.
QString unbreakableDurations(QString text)
{
    static const QRegularExpression inside(QStringLiteral("(?<=\\d) (?=\\S)|(?<=\\bd|\\bh|\\bs|\\bmin) (?=\\d)"));
    return text.replace(inside, QString(QChar::Nbsp));
}

QString elided(const QFontMetrics& fm, const QString& text, double width)
{
    return fm.elidedText(text, Qt::ElideRight, int(width));
}

} // namespace

FleetOverviewDelegate::FleetOverviewDelegate(const FleetOverviewModel* model, QObject* parent)
    : QStyledItemDelegate(parent)
    , m_model(model)
{
}

int FleetOverviewDelegate::sparklineWidth(int rowWidth)
{
    return std::max(16, int(rowWidth * (kSparkShare / 3 - kSparkGapShare)));
}

QSize FleetOverviewDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const
{
    const int em = QFontMetrics(option.font).height();
    // Three lines of text (the name a size larger) and the margins of the card.
    return QSize(em * 40, int(em * 4.6));
}

void FleetOverviewDelegate::paint(QPainter* p, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    if (!index.isValid() || index.row() >= m_model->rowCount())
        return;
    const FleetRow& row = m_model->row(index.row());
    const QPalette& pal = option.palette;
    const bool dark = LevelStyle::isDark(pal);
    const QFont base = option.font;
    const QFontMetricsF fm(base);
    const double em = fm.height();
    const double gap = std::max(2.0, em * 0.25);
    const QRectF card = QRectF(option.rect).adjusted(gap, gap / 2, -gap, -gap / 2);
    const Level shown = row.live ? row.level : Level::Unknown;
    const QColor levelColor = LevelStyle::color(shown, dark);
    const QColor text = pal.color(QPalette::Text);
    const QColor dim = mix(text, pal.color(QPalette::Base), 0.42);
    const bool highlighted = row.highlightUntilMs >= 0;
    const bool current = option.state & QStyle::State_Selected;

    p->save();
    p->setRenderHint(QPainter::Antialiasing, true);
    // The card: a faint tint of a bad level; a stronger one and a frame while a level change is news.
    const double radius = em * 0.35;
    QColor background = pal.color(QPalette::Base);
    if (highlighted)
        background = mix(background, levelColor, dark ? 0.30 : 0.22);
    else if (shown == Level::Critical || shown == Level::Warning)
        background = mix(background, levelColor, dark ? 0.10 : 0.06);
    QPainterPath path;
    path.addRoundedRect(card, radius, radius);
    p->fillPath(path, background);
    const QColor frame = highlighted ? levelColor
        : current                    ? pal.color(QPalette::Highlight)
                                     : mix(pal.color(QPalette::Base), text, 0.14);
    p->setPen(QPen(frame, highlighted || current ? std::max(2.0, em * 0.14) : 1.0));
    p->setBrush(Qt::NoBrush);
    p->drawPath(path);
    // The level stripe.
    const double stripe = std::max(4.0, em * 0.38);
    p->save();
    p->setClipRect(QRectF(card.left(), card.top(), stripe, card.height()));
    p->fillPath(path, levelColor);
    p->restore();

    const double pad = em * 0.7;
    const QRectF inner = card.adjusted(stripe + pad, pad * 0.6, -pad, -pad * 0.6);
    const double w = card.width();
    const double lineH = inner.height() / 3;

    // Identity: name and host; level and liveness; the flags that make the level.
    const QRectF who(inner.left(), inner.top(), w * kIdentityShare - stripe - pad, inner.height());
    const QFont nameFont = scaled(base, 1.2, true);
    const QFontMetricsF nameFm(nameFont);
    p->setFont(nameFont);
    p->setPen(text);
    const QString name = elided(QFontMetrics(nameFont), row.name, who.width() * 0.7);
    const QRectF nameRect(who.left(), who.top(), who.width(), lineH);
    p->drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter, name);
    p->setFont(base);
    p->setPen(dim);
    const double afterName = nameFm.horizontalAdvance(name) + em * 0.5;
    p->drawText(nameRect.adjusted(afterName, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
                elided(QFontMetrics(base), row.host, nameRect.width() - afterName));

    const QRectF stateRect(who.left(), who.top() + lineH, who.width(), lineH);
    const QFont bold = scaled(base, 1.0, true);
    p->setFont(bold);
    p->setPen(levelColor);
    const QString word = row.live ? levelTitle(row.level) : tr("NOT LIVE");
    p->drawText(stateRect, Qt::AlignLeft | Qt::AlignVCenter, word);
    const double afterWord = QFontMetricsF(bold).horizontalAdvance(word) + em * 0.5;
    p->setFont(base);
    // Liveness: a dot, green while the data flows, the warning colour when it does not.
    const QColor liveColor = LevelStyle::color(row.live ? Level::Ok : Level::Warning, dark);
    const double dot = em * 0.32;
    p->setPen(Qt::NoPen);
    p->setBrush(liveColor);
    p->drawEllipse(QPointF(stateRect.left() + afterWord + dot / 2, stateRect.center().y()), dot / 2, dot / 2);
    p->setPen(row.live ? dim : liveColor);
    const double afterDot = afterWord + dot + em * 0.3;
    p->drawText(stateRect.adjusted(afterDot, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
                elided(QFontMetrics(base), row.liveness, stateRect.width() - afterDot));

    const QRectF flagsRect(who.left(), who.top() + 2 * lineH, who.width(), lineH);
    QString flags = row.flags.join(QStringLiteral(" · "));
    if (flags.isEmpty())
        flags = row.assessed == Level::Ok ? tr("no red flags") : QString();
    else if (!row.live)
        flags = tr("last known: %1").arg(flags);
    p->setPen(row.flags.isEmpty() || !row.live ? dim : text);
    p->drawText(flagsRect, Qt::AlignLeft | Qt::AlignVCenter, elided(QFontMetrics(base), flags, flagsRect.width()));

    // Three sparklines of the last hour: caption and value above, the line below.
    const QFont small = scaled(base, 0.85);
    const QFontMetricsF smallFm(small);
    const double sparkW = sparklineWidth(int(w));
    const double sparkGap = w * kSparkGapShare;
    double x = card.left() + w * kIdentityShare + sparkGap;
    const std::pair<const Sparkline*, Level> sparks[]
        = {{&row.rss, row.rssLevel}, {&row.heap, row.heapLevel}, {&row.container, row.containerLevel}};
    const QColor limitColor = mix(text, pal.color(QPalette::Base), 0.35);
    for (const auto& [line, level] : sparks) {
        const QRectF top(x, inner.top(), sparkW, smallFm.height() * 1.2);
        p->setFont(small);
        p->setPen(dim);
        p->drawText(top, Qt::AlignLeft | Qt::AlignVCenter, line->caption);
        const QFont valueFont = scaled(small, 1.0, true);
        p->setFont(valueFont);
        p->setPen(text);
        // The value with its limit; without the limit when that does not fit; without the caption at last.
        const QFontMetricsF valueFm(valueFont);
        const double captionW = smallFm.horizontalAdvance(line->caption) + em * 0.4;
        const QString value
            = valueFm.horizontalAdvance(line->value) <= top.width() - captionW ? line->value : line->shortValue;
        if (valueFm.horizontalAdvance(value) > top.width() - captionW) {
            p->fillRect(top, background); // the caption gives way to the number
            p->drawText(top, Qt::AlignRight | Qt::AlignVCenter, elided(QFontMetrics(valueFont), value, top.width()));
        } else {
            p->drawText(top, Qt::AlignRight | Qt::AlignVCenter, value);
        }
        const QRectF plot(x, top.bottom() + em * 0.2, sparkW, inner.bottom() - top.bottom() - em * 0.2);
        p->fillRect(plot, mix(pal.color(QPalette::Base), text, dark ? 0.05 : 0.03));
        const QColor lineColor
            = level == Level::Unknown ? mix(text, pal.color(QPalette::Base), 0.3) : LevelStyle::color(level, dark);
        if (line->isEmpty()) {
            p->setPen(dim);
            p->drawText(plot, Qt::AlignCenter, tr("no data in the last hour"));
        } else {
            paintSparkline(*p, plot, *line, lineColor, limitColor);
        }
        x += sparkW + sparkGap;
    }

    // Growth and the projected time to a limit (or why there is none yet), on two lines when it needs them.
    const QRectF growth(x + sparkGap, inner.top(), card.right() - pad - x - sparkGap, inner.height());
    p->setFont(nameFont);
    p->setPen(row.timeToLimitMs >= 0 ? levelColor : text);
    const QRectF growthLine(growth.left(), growth.top(), growth.width(), lineH);
    p->drawText(growthLine, Qt::AlignLeft | Qt::AlignVCenter,
                elided(QFontMetrics(nameFont), row.growth, growth.width()));
    const double afterGrowth = nameFm.horizontalAdvance(row.growth) + em * 0.4;
    p->setFont(small);
    p->setPen(dim);
    if (smallFm.horizontalAdvance(tr("RSS growth")) <= growth.width() - afterGrowth)
        p->drawText(growthLine.adjusted(afterGrowth, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, tr("RSS growth"));
    p->setFont(base);
    p->setPen(row.timeToLimitMs >= 0 ? text : dim);
    const QRectF projection(growth.left(), growth.top() + lineH, growth.width(), 2 * lineH);
    const QFontMetrics pfm(base);
    // Word-wrapped into two lines at most; a longer note is cut at the end of the second.
    QString proj = unbreakableDurations(row.projection);
    const QRect needed = pfm.boundingRect(projection.toRect(), Qt::TextWordWrap, proj);
    if (needed.height() > projection.height() + 1)
        proj = pfm.elidedText(proj, Qt::ElideRight, int(projection.width() * 1.8));
    p->drawText(projection, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, proj);
    p->restore();
}

} // namespace heapwatch
