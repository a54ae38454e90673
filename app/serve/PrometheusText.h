// Writes the Prometheus text exposition format 0.0.4: one `# HELP` and `# TYPE` per family, then its
// samples. Escaping and number formatting live here so that no metric can produce a line Prometheus rejects.
#pragma once

#include <QByteArray>
#include <QString>
#include <utility>
#include <vector>

namespace heapwatch {

using MetricLabels = std::vector<std::pair<QString, QString>>; // name, value (names are ours, values any text)

class PrometheusText
{
public:
    static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

    enum class Type
    {
        Gauge,
        Counter
    };

    // Starts a family; every sample() until the next family() belongs to it. A family with no samples is
    // still announced, so that its HELP stays discoverable while the value is unknown.
    void family(const char* name, Type type, const char* help);
    // Writes one sample of the current family. A NaN value is skipped: Prometheus would store it, but for us
    // it only means "not known yet", and an absent series says that without breaking comparisons.
    void sample(const MetricLabels& labels, double value);
    void sample(double value) { sample({}, value); }

    const QByteArray& text() const { return m_text; }

    // `\` → `\\`, `"` → `\"`, newline → `\n`, as the format requires inside label values.
    static QByteArray escapeLabelValue(const QString& value);
    // `\` → `\\`, newline → `\n` (HELP text).
    static QByteArray escapeHelp(const QByteArray& help);
    // The shortest text that reads back as the same double; +Inf/-Inf as Prometheus spells them.
    static QByteArray formatValue(double value);

private:
    QByteArray m_text;
    QByteArray m_name;
};

} // namespace heapwatch
