#include "TwoLineNote.h"

#include <QEvent>
#include <QFontMetrics>
#include <QTextLayout>

namespace heapwatch {

TwoLineNote::TwoLineNote(QWidget* parent)
    : QLabel(parent)
{
    setTextFormat(Qt::PlainText); // notes quote the server's log lines: never rich text
    setWordWrap(false); // the two lines are made here
    setAlignment(Qt::AlignLeft | Qt::AlignTop);
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    setFixedHeight(2 * fontMetrics().lineSpacing() + 1);
}

void TwoLineNote::setNote(const QString& note)
{
    if (note == m_note)
        return;
    m_note = note;
    setToolTip(note);
    refit();
}

QString TwoLineNote::fit(const QString& note, const QFont& font, int width)
{
    const QString flat = QString(note).replace(QLatin1Char('\n'), QLatin1Char(' '));
    const QFontMetrics metrics(font);
    if (width <= 0 || metrics.horizontalAdvance(flat) <= width)
        return flat;
    QTextLayout layout(flat, font);
    layout.beginLayout();
    QTextLine first = layout.createLine();
    first.setLineWidth(width);
    layout.endLayout();
    const int rest = first.textStart() + first.textLength();
    if (rest <= 0 || rest >= flat.size())
        return metrics.elidedText(flat, Qt::ElideRight, width);
    return flat.left(rest).trimmed() + QLatin1Char('\n')
        + metrics.elidedText(flat.mid(rest).trimmed(), Qt::ElideRight, width);
}

void TwoLineNote::resizeEvent(QResizeEvent* event)
{
    QLabel::resizeEvent(event);
    refit();
}

void TwoLineNote::changeEvent(QEvent* event)
{
    QLabel::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        setFixedHeight(2 * fontMetrics().lineSpacing() + 1);
        refit();
    }
}

void TwoLineNote::refit()
{
    const QString shown = fit(m_note, font(), contentsRect().width());
    if (shown != text())
        setText(shown);
}

} // namespace heapwatch
