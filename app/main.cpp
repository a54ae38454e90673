// heapwatch: the GUI console, and the headless `check` and `serve` commands.
#include "CheckCommand.h"
#include "MainWindow.h"
#include "ServeCommand.h"

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

int runCheck(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    setIdentity();
    QStringList arguments = QCoreApplication::arguments();
    arguments.remove(0, 2); // program name and "check"
    QTextStream out(stdout);
    QTextStream err(stderr);
    return heapwatch::CheckCommand::run(arguments, out, err);
}

int runServe(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    setIdentity();
    QStringList arguments = QCoreApplication::arguments();
    arguments.remove(0, 2); // program name and "serve"
    QTextStream out(stdout);
    QTextStream err(stderr);
    return heapwatch::ServeCommand::run(arguments, out, err);
}

// The GUI's command line, shared by the informational path (no display needed) and the real one.
struct GuiOptions
{
    QCommandLineOption demo {QStringLiteral("demo"), QStringLiteral("Open the built-in demo host.")};
    QCommandLineOption replay {QStringLiteral("replay"),
                               QStringLiteral("Open a saved `docker logs --timestamps` file as a target."),
                               QStringLiteral("LOGFILE")};
    QCommandLineOption stats {QStringLiteral("stats"), QStringLiteral("With --replay: a saved `docker stats` output."),
                              QStringLiteral("STATSFILE")};
    QCommandLineOption fresh {QStringLiteral("no-restore"),
                              QStringLiteral("Do not reconnect the targets of the last session.")};

    void addTo(QCommandLineParser& parser) const
    {
        parser.setApplicationDescription(
            QStringLiteral("Live memory console for Node.js containers over SSH.\n\n"
                           "Subcommands:\n"
                           "  check    judge one target headless (heapwatch check --help)\n"
                           "  serve    export targets to Prometheus over HTTP (heapwatch serve --help)"));
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addPositionalArgument(QStringLiteral("targets"),
                                     QStringLiteral("Targets to open: ssh://[user@]host[:port]/CONTAINER, "
                                                    "HOST/CONTAINER or local/CONTAINER."),
                                     QStringLiteral("[TARGET...]"));
        parser.addOptions({demo, replay, stats, fresh});
    }
};

} // namespace

int main(int argc, char** argv)
{
    // `check` must run on a machine without a display, so it never creates a QApplication.
    if (argc >= 2 && qstrcmp(argv[1], "check") == 0)
        return runCheck(argc, argv);
    if (argc >= 2 && qstrcmp(argv[1], "serve") == 0)
        return runServe(argc, argv);

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
        GuiOptions options;
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
    GuiOptions options;
    options.addTo(parser);
    parser.process(app);
    const QCommandLineOption& demo = options.demo;
    const QCommandLineOption& replay = options.replay;
    const QCommandLineOption& stats = options.stats;
    const QCommandLineOption& fresh = options.fresh;

    heapwatch::MainWindow window;
    const bool explicitTargets = parser.isSet(demo) || parser.isSet(replay) || !parser.positionalArguments().isEmpty();
    if (!parser.isSet(fresh) && !explicitTargets)
        window.restoreSession();
    if (parser.isSet(demo))
        window.openDemo();
    if (parser.isSet(replay))
        window.openLog(parser.value(replay), parser.value(stats));
    for (const QString& target : parser.positionalArguments())
        window.openRemote(target);
    window.show();
    return QApplication::exec();
}
