// The console (Qt Gui, Widgets, Charts) as a module the heapwatch executable loads with dlopen only when the
// window is wanted: `check`, `serve`, `snapshot` and `export` then start without mapping and relocating the GUI
// libraries (half the start-up of a `check --replay` of a small log).
#include "ConsoleOptions.h"
#include "HistoryStore.h"
#include "MainWindow.h"
#include "SettingsDialog.h"

#include <QApplication>
#include <QIcon>
#include <QTextStream>

extern "C" Q_DECL_EXPORT int heapwatch_console_main(int argc, char** argv)
{
    QApplication app(argc, argv);
    heapwatch::setIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("heapwatch"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/heapwatch/icons/heapwatch.svg")));
    QApplication::setDesktopFileName(QStringLiteral("heapwatch"));

    QCommandLineParser parser;
    heapwatch::ConsoleOptions options;
    options.addTo(parser);
    parser.process(app);
    QString error;
    const auto targets = options.targets.read(parser, &error);
    if (!targets) {
        QTextStream(stderr) << "heapwatch: " << error << '\n';
        return 2;
    }

    // One history store for every target; one that cannot be opened (a read-only home, a newer schema) leaves
    // the console watching with history in memory only.
    const heapwatch::AppSettings settings = heapwatch::AppSettings::load();
    heapwatch::HistoryOptions historyOptions;
    historyOptions.fullRetentionMs = settings.historyFullDays * heapwatch::HistoryOptions::kDay;
    historyOptions.rollupRetentionMs = settings.historyRollupDays * heapwatch::HistoryOptions::kDay;
    heapwatch::HistoryStore history(historyOptions);
    QString historyError;
    if (!history.open(&historyError)) {
        historyError = QStringLiteral("%1: %2").arg(history.path(), historyError);
        QTextStream(stderr) << "heapwatch: history is not kept on disk: " << historyError << '\n';
    }
    heapwatch::MainWindow window;
    window.setHistoryStore(history.isOpen() ? &history : nullptr, historyError);
    if (!parser.isSet(options.fresh) && targets->empty())
        window.restoreSession();
    for (const heapwatch::TargetConfig& target : *targets)
        window.openTarget(target);
    if (targets->size() >= 2)
        window.showOverview(); // several targets on the command line: start on the fleet overview
    window.show();
    return QApplication::exec();
}
