#include "LevelStyle.h"

#include "Assessment.h"

#include <QGuiApplication>
#include <QHash>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace heapwatch {

bool LevelStyle::isDark(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < palette.color(QPalette::WindowText).lightness();
}

bool LevelStyle::isDark()
{
    return isDark(QGuiApplication::palette());
}

QColor LevelStyle::color(Level level, bool dark)
{
    // Darker hues on light backgrounds and lighter ones on dark backgrounds keep text contrast ≥ 4.5:1.
    switch (level) {
    case Level::Ok:
        return dark ? QColor(0x4c, 0xc0, 0x7a) : QColor(0x1e, 0x84, 0x49);
    case Level::Warning:
        return dark ? QColor(0xf0, 0xb4, 0x29) : QColor(0xb3, 0x6b, 0x00);
    case Level::Critical:
        return dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc6, 0x28, 0x28);
    case Level::Unknown:
        break;
    }
    return dark ? QColor(0x9a, 0xa4, 0xb2) : QColor(0x6b, 0x75, 0x85);
}

QColor LevelStyle::color(Level level)
{
    return color(level, isDark());
}

QColor LevelStyle::tint(Level level, bool dark, int alpha)
{
    QColor c = color(level, dark);
    c.setAlpha(alpha);
    return c;
}

static QPixmap badgePixmap(Level level, int size)
{
    QPixmap pm(size, size);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor fill = LevelStyle::color(level, false);
    p.setPen(Qt::NoPen);
    p.setBrush(fill);
    const qreal m = size * 0.06;
    p.drawEllipse(QRectF(m, m, size - 2 * m, size - 2 * m));
    // The symbol is drawn as strokes, not text, so the badge looks the same with every font.
    QPen pen(Qt::white, size * 0.13, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    const qreal s = size;
    switch (level) {
    case Level::Ok: {
        QPainterPath path;
        path.moveTo(s * 0.28, s * 0.52);
        path.lineTo(s * 0.44, s * 0.67);
        path.lineTo(s * 0.72, s * 0.35);
        p.drawPath(path);
        break;
    }
    case Level::Warning:
        p.drawLine(QPointF(s * 0.5, s * 0.26), QPointF(s * 0.5, s * 0.56));
        p.drawPoint(QPointF(s * 0.5, s * 0.74));
        break;
    case Level::Critical:
        p.drawLine(QPointF(s * 0.33, s * 0.33), QPointF(s * 0.67, s * 0.67));
        p.drawLine(QPointF(s * 0.67, s * 0.33), QPointF(s * 0.33, s * 0.67));
        break;
    case Level::Unknown: {
        QFont f = p.font();
        f.setPixelSize(int(s * 0.62));
        f.setBold(true);
        p.setFont(f);
        p.setPen(Qt::white);
        p.drawText(QRectF(0, 0, s, s), Qt::AlignCenter, QStringLiteral("?"));
        break;
    }
    }
    return pm;
}

QIcon LevelStyle::icon(Level level)
{
    static QHash<int, QIcon> cache;
    if (const auto it = cache.constFind(int(level)); it != cache.constEnd())
        return *it;
    QIcon icon;
    for (int size : {16, 24, 32, 48})
        icon.addPixmap(badgePixmap(level, size));
    return *cache.insert(int(level), icon);
}

QIcon LevelStyle::trayIcon(Level level)
{
    static QHash<int, QIcon> cache;
    if (const auto it = cache.constFind(int(level)); it != cache.constEnd())
        return *it;
    QIcon icon;
    const QIcon base(QStringLiteral(":/heapwatch/icons/heapwatch.svg"));
    for (int size : {16, 22, 32, 64}) {
        QPixmap pm = base.pixmap(size, size);
        if (pm.isNull()) {
            pm = QPixmap(size, size);
            pm.fill(QColor(0x1f, 0x2a, 0x37));
        }
        QPainter p(&pm);
        p.setRenderHint(QPainter::Antialiasing);
        const int d = qMax(7, size / 2);
        p.drawPixmap(size - d, size - d, badgePixmap(level, d));
        p.end();
        icon.addPixmap(pm);
    }
    return *cache.insert(int(level), icon);
}

int LevelStyle::urgency(Level level)
{
    switch (level) {
    case Level::Critical:
        return 3;
    case Level::Warning:
        return 2;
    case Level::Unknown:
        return 1;
    case Level::Ok:
        break;
    }
    return 0;
}

QString LevelStyle::symbol(Level level)
{
    switch (level) {
    case Level::Ok:
        return QStringLiteral("✓");
    case Level::Warning:
        return QStringLiteral("▲");
    case Level::Critical:
        return QStringLiteral("✖");
    case Level::Unknown:
        break;
    }
    return QStringLiteral("?");
}

QString LevelStyle::statusText(Level level)
{
    return levelName(level);
}

} // namespace heapwatch
