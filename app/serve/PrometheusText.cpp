#include "PrometheusText.h"

#include <charconv>
#include <cmath>

namespace heapwatch {

void PrometheusText::family(const char* name, Type type, const char* help)
{
    m_name = name;
    m_text += "# HELP " + m_name + ' ' + escapeHelp(help) + '\n';
    m_text += "# TYPE " + m_name + (type == Type::Counter ? " counter\n" : " gauge\n");
}

void PrometheusText::sample(const MetricLabels& labels, double value)
{
    if (std::isnan(value))
        return;
    m_text += m_name;
    if (!labels.empty()) {
        m_text += '{';
        bool first = true;
        for (const auto& [name, labelValue] : labels) {
            if (!first)
                m_text += ',';
            first = false;
            m_text += name.toUtf8() + "=\"" + escapeLabelValue(labelValue) + '"';
        }
        m_text += '}';
    }
    m_text += ' ' + formatValue(value) + '\n';
}

QByteArray PrometheusText::escapeLabelValue(const QString& value)
{
    const QByteArray utf8 = value.toUtf8();
    QByteArray out;
    out.reserve(utf8.size());
    for (const char c : utf8) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

QByteArray PrometheusText::escapeHelp(const QByteArray& help)
{
    QByteArray out = help;
    out.replace('\\', "\\\\");
    out.replace('\n', "\\n");
    return out;
}

QByteArray PrometheusText::formatValue(double value)
{
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    // std::to_chars gives the shortest text that reads back exactly ("352950681.6"; %.17g would print 17 digits).
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return QByteArray(buffer, int(result.ptr - buffer));
}

} // namespace heapwatch
