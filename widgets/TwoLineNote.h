// A note under a figure, in at most two lines of its width: what does not fit ends in an ellipsis (the whole
// note is the tooltip), so that a cut note reads as cut. Worked out again when the text or the width changes; its
// width never follows its text, so a note that ticks every second does not lay out the header again.
#pragma once

#include <QLabel>

namespace heapwatch {

class TwoLineNote : public QLabel
{
public:
    explicit TwoLineNote(QWidget* parent = nullptr);

    // The whole note (text() is what is shown of it).
    void setNote(const QString& note);
    const QString& note() const { return m_note; }

    // The note as shown in width pixels of font: its first line as it wraps, and the rest elided in a second.
    static QString fit(const QString& note, const QFont& font, int width);

protected:
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void refit();

    QString m_note;
};

} // namespace heapwatch
