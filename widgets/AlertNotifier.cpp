#include "AlertNotifier.h"

#include "Format.h"
#include "PlainText.h"
#include "StateReport.h"

#include <QDateTime>
#include <algorithm>

namespace heapwatch {

QString Alert::title() const
{
    // Desktop notifications, the tray, webhooks: one plain line whatever a name or note holds.
    if (!grouped.empty())
        return oneLine(QStringLiteral("%1: %2 (%3 flags)").arg(targetName, levelName(level)).arg(grouped.size() + 1),
                       300);
    QString text = QStringLiteral("%1: %2 %3").arg(targetName, metric, levelName(level));
    if (flapping)
        text += QStringLiteral(" (flapping)");
    return oneLine(text, 300);
}

QString Alert::sinceText() const
{
    if (sinceMs < 0)
        return {};
    const QDateTime since = QDateTime::fromMSecsSinceEpoch(sinceMs);
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(atMs);
    return since.toString(since.date() == at.date() ? QStringLiteral("HH:mm") : QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString Alert::message() const
{
    if (!grouped.empty()) {
        // Each flag of the group: what it is, its level when it differs from the group's, and since when.
        QStringList parts;
        auto part = [this](const Alert& a) {
            QStringList notes;
            if (a.level != level)
                notes << levelName(a.level);
            if (a.flapping)
                notes << QStringLiteral("flapping");
            if (!a.sinceText().isEmpty())
                notes << QStringLiteral("since ") + a.sinceText();
            return QStringLiteral("%1 %2").arg(a.metric, a.value)
                + (notes.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(notes.join(QStringLiteral(", "))));
        };
        parts << part(*this);
        for (const Alert& a : grouped)
            parts << part(a);
        return oneLine(parts.join(QStringLiteral(", ")), 1000);
    }
    QString text = reading;
    if (!sinceText().isEmpty())
        text += QStringLiteral(" since ") + sinceText();
    if (!note.isEmpty())
        text += QStringLiteral(", ") + note;
    if (previous != Level::Unknown)
        text += QStringLiteral(" — was %1").arg(levelName(previous));
    return oneLine(text, 1000);
}

QString Alert::text() const
{
    if (!grouped.empty())
        return oneLine(QStringLiteral("%1: %2 — %3").arg(targetName, levelName(level), message()), 1300);
    return oneLine(QStringLiteral("%1 — %2").arg(title(), message()), 1300);
}

AlertNotifier::AlertNotifier(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<heapwatch::Alert>();
}

void AlertNotifier::observe(const QString& targetKey, const QString& targetName, const Assessment& assessment,
                            qint64 wallMs, qint64 monotonicMs)
{
    std::vector<Alert> fresh;
    for (const Flag& f : assessment.flags) {
        FlagState& st = m_flags[targetKey + QLatin1Char('\n') + f.id];
        const Level previous = st.level;
        st.level = f.level;
        const bool alarming = f.level == Level::Warning || f.level == Level::Critical;
        if (f.flapping) {
            // One alert when it starts to flap (its note names the range); its changes meanwhile are not news.
            const bool started = !st.flapping;
            st.flapping = true;
            if (!started || !alarming) {
                if (f.level != previous)
                    ++m_suppressed;
                continue;
            }
        } else {
            st.flapping = false;
            if (f.level == previous || levelSeverity(f.level) <= levelSeverity(previous))
                continue; // not a transition into something worse
            if (!alarming)
                continue;
            const bool recent = st.notifiedAtMs >= 0 && monotonicMs - st.notifiedAtMs < m_minIntervalMs;
            if (recent && levelSeverity(f.level) <= levelSeverity(st.notifiedLevel)) {
                ++m_suppressed;
                continue;
            }
        }
        st.notifiedLevel = f.level;
        st.notifiedAtMs = monotonicMs;
        Alert a;
        a.targetKey = targetKey;
        a.targetName = targetName;
        a.flagId = f.id;
        a.metric = f.metric;
        a.previous = previous;
        a.level = f.level;
        a.value = formatFlagValue(f);
        a.threshold = formatFlagThreshold(f, f.level == Level::Critical);
        a.reading = flagReading(f);
        a.note = f.note;
        a.flapping = f.flapping;
        a.sinceMs = f.sinceMs;
        a.atMs = wallMs;
        fresh.push_back(std::move(a));
    }

    auto it = m_pending.find(targetKey);
    if (it == m_pending.end() && fresh.empty())
        return;
    if (it == m_pending.end())
        it = m_pending.insert(targetKey, Pending {monotonicMs, {}});
    for (Alert& a : fresh) {
        // A flag already waiting in the group (warning, now critical) keeps its place and its "was".
        auto same
            = std::find_if(it->alerts.begin(), it->alerts.end(), [&a](const Alert& p) { return p.flagId == a.flagId; });
        if (same == it->alerts.end()) {
            it->alerts.push_back(std::move(a));
        } else {
            a.previous = same->previous;
            *same = std::move(a);
        }
    }
    if (monotonicMs - it->firstMs >= m_groupWindowMs)
        emitGroup(targetKey);
}

void AlertNotifier::emitGroup(const QString& targetKey)
{
    Pending pending = m_pending.take(targetKey);
    if (pending.alerts.empty())
        return;
    // The worst flag leads (the table's order among equals); the others ride along.
    std::stable_sort(pending.alerts.begin(), pending.alerts.end(),
                     [](const Alert& x, const Alert& y) { return levelSeverity(x.level) > levelSeverity(y.level); });
    Alert lead = std::move(pending.alerts.front());
    lead.grouped.assign(std::make_move_iterator(pending.alerts.begin() + 1),
                        std::make_move_iterator(pending.alerts.end()));
    Q_EMIT alert(lead);
}

void AlertNotifier::forget(const QString& targetKey)
{
    m_pending.remove(targetKey);
    const QString prefix = targetKey + QLatin1Char('\n');
    for (auto it = m_flags.begin(); it != m_flags.end();) {
        if (it.key().startsWith(prefix))
            it = m_flags.erase(it);
        else
            ++it;
    }
}

} // namespace heapwatch
