// heapwatch: the GUI console, and the headless `check` and `serve` commands.
#include "CheckCommand.h"
#include "ExportCommand.h"
#include "HistoryStore.h"
#include "MainWindow.h"
#include "ServeCommand.h"
#include "SettingsDialog.h"
#include "SnapshotCommand.h"
#include "TargetOptions.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QIcon>
#include <QTextStream>
#include <cstdio>

namespace {

void setIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("heapwatch"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("heapwatch.dev"));
    QCoreApplication::setApplicationName(QStringLiteral("heapwatch"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HEAPWATCH_VERSION));
}

// `check` and `serve` run headless: no QApplication, so no display is needed.
int runCommand(int argc, char** argv, int (*command)(const QStringList&, QTextStream&, QTextStream&))
{
    QCoreApplication app(argc, argv);
    setIdentity();
    QStringList arguments = QCoreApplication::arguments();
    arguments.remove(0, 2); // program name and the verb
    QTextStream out(stdout);
    QTextStream err(stderr);
    return command(arguments, out, err);
}

// The console's command line: the targets to open (one option set with check and serve) and --no-restore.
// Shared by the informational path (no display needed) and the real one.
struct ConsoleOptions
{
    heapwatch::TargetOptions targets;
    QCommandLineOption fresh {QStringLiteral("no-restore"),
                              QStringLiteral("Do not reconnect the targets of the last session.")};

    void addTo(QCommandLineParser& parser) const
    {
        parser.setApplicationDescription(
            QStringLiteral("Live memory console for Node.js containers over SSH.\n\n"
                           "Subcommands:\n"
                           "  check    judge one target headless (heapwatch check --help)\n"
                           "  serve    export targets to Prometheus over HTTP (heapwatch serve --help)\n"
                           "  snapshot take, summarise or compare V8 heap snapshots (heapwatch snapshot --help)\n"
                           "  export   print a target's stored history as CSV or JSON (heapwatch export --help)"));
        parser.addHelpOption();
        parser.addVersionOption();
        targets.addTo(parser, true);
        parser.addOption(fresh);
    }
};

} // namespace

int main(int argc, char** argv)
{
    // `check` must run on a machine without a display, so it never creates a QApplication.
    if (argc >= 2 && qstrcmp(argv[1], "check") == 0)
        return runCommand(argc, argv, &heapwatch::CheckCommand::run);
    if (argc >= 2 && qstrcmp(argv[1], "serve") == 0)
        return runCommand(argc, argv, &heapwatch::ServeCommand::run);
    if (argc >= 2 && qstrcmp(argv[1], "snapshot") == 0)
        return runCommand(argc, argv, &heapwatch::SnapshotCommand::run);
    if (argc >= 2 && qstrcmp(argv[1], "export") == 0)
        return runCommand(argc, argv, &heapwatch::ExportCommand::run);

    // --help and --version must work over SSH and in a plain terminal, so they are answered before a
    // QApplication (which needs a display) exists.
    bool informational = false;
    for (int i = 1; i < argc; ++i) {
        for (const char* flag : {"-h", "--help", "--help-all", "-?", "-v", "--version"})
            informational = informational || qstrcmp(argv[i], flag) == 0;
    }
    if (informational) {
        QCoreApplication app(argc, argv);
        setIdentity();
        QCommandLineParser parser;
        ConsoleOptions options;
        options.addTo(parser);
        parser.process(app); // prints and exits
        return 0;
    }

    QApplication app(argc, argv);
    setIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("heapwatch"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/heapwatch/icons/heapwatch.svg")));
    QApplication::setDesktopFileName(QStringLiteral("heapwatch"));

    QCommandLineParser parser;
    ConsoleOptions options;
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
