// The investigation's "Production Metrics" block as a live header: process memory from the app's log lines,
// container stats, cache performance, growth, and the overall verdict. Each tile's value is coloured by
// the red flag that judges it.
#pragma once

#include "Samples.h"
#include "TwoLineNote.h"

#include <QHash>
#include <QWidget>

class QLabel;

namespace heapwatch {

class Target;

class SummaryHeader : public QWidget
{
    Q_OBJECT
public:
    explicit SummaryHeader(QWidget* parent = nullptr);

    // Re-reads the target's last samples and assessment (nullptr: blank).
    void refresh(const Target* target);
    // Under the verdict: "alerts snoozed until 14:05" for the target shown, empty to hide it.
    void setAlertHold(const QString& text);
    QString alertHold() const;

    // For tests and accessibility: the text, note and level of a tile. Keys: rss, heap, heap_usage,
    // external, array_buffers, growth, container_memory, cpu, status, uptime, restarts, cache_hit_rate,
    // cache_keys, overall.
    QString text(const QString& key) const;
    QString note(const QString& key) const;
    Level level(const QString& key) const;
    QStringList keys() const { return m_order; }

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Tile
    {
        QLabel* caption = nullptr;
        QLabel* value = nullptr;
        TwoLineNote* note = nullptr;
        Level level = Level::Unknown;
        bool judged = false; // coloured by a level (otherwise plain text colour)
    };
    void addTile(const QString& key, const QString& caption, int row, int column);
    void set(const QString& key, const QString& value, const QString& note = {}, Level level = Level::Unknown,
             bool judged = false);
    void restyle();
    void setVerdict(const QString& text);

    QHash<QString, Tile> m_tiles;
    QStringList m_order;
    QLabel* m_name = nullptr;
    QLabel* m_badge = nullptr;
    QLabel* m_verdict = nullptr;
    QLabel* m_hold = nullptr;
    QString m_verdictText;
    Level m_overall = Level::Unknown;
    bool m_live = true; // false: the badge says so instead of a level the data no longer supports
};

} // namespace heapwatch
