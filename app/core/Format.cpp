#include "Format.h"

#include <QDateTime>
#include <QLocale>
#include <cmath>

namespace heapwatch::format {

QString dash()
{
    return QStringLiteral("—");
}

QString number(double value, int decimals)
{
    if (!isKnown(value))
        return dash();
    return QString::number(value, 'f', decimals);
}

QString mib(double value, int decimals)
{
    if (!isKnown(value))
        return dash();
    return QStringLiteral("%1 MiB").arg(value, 0, 'f', decimals);
}

QString percent(double value, int decimals)
{
    if (!isKnown(value))
        return dash();
    return QStringLiteral("%1%").arg(value, 0, 'f', decimals);
}

QString count(qint64 value)
{
    return value < 0 ? dash() : QString::number(value);
}

QString bytes(double value)
{
    if (!isKnown(value) || value < 0)
        return dash();
    static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (value >= 1024.0 && u < 4) {
        value /= 1024.0;
        ++u;
    }
    return u == 0 ? QStringLiteral("%1 B").arg(qint64(value))
                  : QStringLiteral("%1 %2").arg(value, 0, 'f', value < 10 ? 2 : 1).arg(QLatin1String(units[u]));
}

QString bytesPerSecond(double value)
{
    if (!isKnown(value) || value < 0)
        return dash();
    // Network rates read in decimal units, like every other tool that shows them.
    static const char* const units[] = {"B/s", "kB/s", "MB/s", "GB/s"};
    int u = 0;
    while (value >= 1000.0 && u < 3) {
        value /= 1000.0;
        ++u;
    }
    return QStringLiteral("%1 %2").arg(value, 0, 'f', u == 0 ? 0 : 1).arg(QLatin1String(units[u]));
}

QString duration(qint64 ms)
{
    if (ms < 0)
        return dash();
    const qint64 s = ms / 1000;
    const qint64 d = s / 86400, h = (s % 86400) / 3600, m = (s % 3600) / 60, sec = s % 60;
    if (d > 0)
        return h > 0 ? QStringLiteral("%1 d %2 h").arg(d).arg(h) : QStringLiteral("%1 d").arg(d);
    if (h > 0)
        return m > 0 ? QStringLiteral("%1 h %2 min").arg(h).arg(m) : QStringLiteral("%1 h").arg(h);
    if (m > 0)
        return sec > 0 && m < 10 ? QStringLiteral("%1 min %2 s").arg(m).arg(sec) : QStringLiteral("%1 min").arg(m);
    return QStringLiteral("%1 s").arg(sec);
}

QString age(qint64 ms)
{
    if (ms < 0)
        return dash();
    if (ms < 1500)
        return QStringLiteral("just now");
    return QStringLiteral("%1 ago").arg(duration(ms));
}

QString dateTime(qint64 msSinceEpoch)
{
    if (msSinceEpoch < 0)
        return dash();
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString time(qint64 msSinceEpoch)
{
    if (msSinceEpoch < 0)
        return dash();
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch).toString(QStringLiteral("HH:mm:ss"));
}

QString flagTrend(const Flag& flag)
{
    if (flag.trend == QLatin1String("rising"))
        return QStringLiteral("↑ rising");
    if (flag.trend == QLatin1String("falling"))
        return QStringLiteral("↓ falling");
    if (flag.trend == QLatin1String("steady"))
        return QStringLiteral("→ steady");
    return flag.trend;
}

} // namespace heapwatch::format

namespace heapwatch::format {
QString plainToolTip(const QString& text)
{
    if (text.isEmpty())
        return {};
    QString shown = text.size() > 2000 ? text.left(2000) + QStringLiteral("…") : text;
    return QStringLiteral("<p style='white-space:pre-wrap'>%1</p>").arg(shown.toHtmlEscaped());
}
} // namespace heapwatch::format
