#include "AlertNotifier.h"

#include "Format.h"
#include "PlainText.h"

namespace heapwatch {

QString Alert::title() const
{
    // Desktop notifications, the tray, webhooks: one plain line whatever a name or note holds.
    QString text = QStringLiteral("%1: %2 %3").arg(targetName, metric, levelName(level));
    if (flapping)
        text += QStringLiteral(" (flapping)");
    return oneLine(text, 300);
}

QString Alert::message() const
{
    QString text = QStringLiteral("%1 %2 (%3)").arg(metric, value, threshold);
    if (!note.isEmpty())
        text += QStringLiteral(", ") + note;
    if (previous != Level::Unknown)
        text += QStringLiteral(" — was %1").arg(levelName(previous));
    return oneLine(text, 1000);
}

AlertNotifier::AlertNotifier(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<heapwatch::Alert>();
}

void AlertNotifier::observe(const QString& targetKey, const QString& targetName, const Assessment& assessment,
                            qint64 wallMs, qint64 monotonicMs)
{
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
        a.value = format::flagValue(f);
        a.threshold = format::flagThreshold(f, f.level == Level::Critical);
        a.note = f.note;
        a.flapping = f.flapping;
        a.atMs = wallMs;
        Q_EMIT alert(a);
    }
}

void AlertNotifier::forget(const QString& targetKey)
{
    const QString prefix = targetKey + QLatin1Char('\n');
    for (auto it = m_flags.begin(); it != m_flags.end();) {
        if (it.key().startsWith(prefix))
            it = m_flags.erase(it);
        else
            ++it;
    }
}

} // namespace heapwatch
