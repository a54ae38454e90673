#include "Duration.h"

#include "SafeMath.h"

#include <QRegularExpression>

namespace heapwatch {

std::optional<qint64> parseDuration(const QString& input)
{
    static const QRegularExpression part(QStringLiteral("(\\d{1,12})([smhd]?)"));
    constexpr qint64 kMaxSeconds = 10LL * 365 * 24 * 3600;
    const QString text = input.trimmed();
    if (text.isEmpty())
        return std::nullopt;
    qint64 total = 0;
    qsizetype at = 0;
    auto it = part.globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        if (m.capturedStart() != at)
            return std::nullopt;
        at = m.capturedEnd();
        const qint64 n = m.captured(1).toLongLong();
        const QString unit = m.captured(2);
        const qint64 scale = unit == QLatin1String("m") ? 60
            : unit == QLatin1String("h")                ? 3600
            : unit == QLatin1String("d")                ? 86400
                                                        : 1;
        if (n > kMaxSeconds / scale)
            return std::nullopt;
        total = safe::add(total, n * scale); // "1h1h1h…" has as many parts as the text is long
        if (total > kMaxSeconds)
            return std::nullopt;
    }
    if (at != text.size())
        return std::nullopt;
    return total;
}

} // namespace heapwatch
