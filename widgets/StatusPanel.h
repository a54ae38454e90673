// The status bar's permanent fields: connection state of the current target, age of its last sample,
// lines skipped because heapwatch could not keep up (only while there are any), bytes per second received,
// and heapwatch's own RSS.
#pragma once

#include <QElapsedTimer>
#include <QObject>

class QLabel;
class QStatusBar;

namespace heapwatch {

class Target;

class StatusPanel : public QObject
{
    Q_OBJECT
public:
    explicit StatusPanel(QStatusBar* bar);

    void refresh(const Target* target);
    QString connectionText() const;
    QString ageText() const;
    QString rateText() const;
    QString skippedText() const; // "12 345 lines skipped (overload)", empty when none were
    bool isSkippedShown() const;
    QString ownRssText() const;

private:
    QLabel* m_connection;
    QLabel* m_age;
    QLabel* m_rate;
    QLabel* m_skipped;
    QLabel* m_rss;
    const Target* m_target = nullptr;
    quint64 m_lastBytes = 0;
    QElapsedTimer m_rateClock;
    double m_rateBps = 0;
};

} // namespace heapwatch
