// The console's home page once it watches two targets or more: every target on one screen, the one that
// needs the operator first (FleetOverviewModel's urgency order). A click or Enter opens a target's page.
// The wall mode is the same page in large type, in the desktop's light or dark, driven by the keyboard.
#pragma once

#include <QElapsedTimer>
#include <QWidget>

class QLabel;
class QListView;

namespace heapwatch {

class FleetOverviewDelegate;
class FleetOverviewModel;
class TargetListModel;

class FleetOverview : public QWidget
{
    Q_OBJECT
public:
    explicit FleetOverview(TargetListModel* targets, QWidget* parent = nullptr);

    FleetOverviewModel* model() const { return m_model; }
    QListView* view() const { return m_view; }

    // Re-reads the targets: at most once a second and only while the page is visible, unless forced
    // (a forced refresh still needs the page visible: nobody sees it otherwise).
    void refresh(bool force = false);
    // How long the last refresh took to update the model and repaint (ms), for the benchmark.
    double lastRefreshMs() const { return m_lastRefreshMs; }

    void setWallMode(bool on);
    bool wallMode() const { return m_wall; }
    // Selects the row of a target (by its key), e.g. the one just left with Escape.
    void selectKey(const QString& key);
    QString currentKey() const;

Q_SIGNALS:
    void openRequested(const QString& key);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void applyLook();
    void updateTitle();
    void updateSparklineWidth();
    int wallPixelSize() const;

    FleetOverviewModel* m_model;
    FleetOverviewDelegate* m_delegate;
    QListView* m_view;
    QLabel* m_title;
    QLabel* m_summary;
    QLabel* m_hint;
    QElapsedTimer m_sinceRefresh;
    double m_lastRefreshMs = 0;
    bool m_wall = false;
    bool m_wallDark = false; // the scheme the wall was drawn in
    bool m_applyingLook = false;
};

// The desktop's colour scheme is dark (Qt 6.5: QStyleHints::colorScheme; before: the palette's window
// colour is darker than its text).
bool desktopIsDark();

} // namespace heapwatch
