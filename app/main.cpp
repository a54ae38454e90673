// heapwatch: the GUI console, and the headless `check`, `serve`, `snapshot` and `export` commands.
//
// The console lives in a module (heapwatch-console, Qt Gui/Widgets/Charts) loaded only when the window is
// wanted, so that the commands start with QtCore, QtSql, QtNetwork and libssh alone: 34 shared libraries instead
// of 66, half the start-up of a `check --replay` of a small log.
#include "CheckCommand.h"
#include "ConsoleOptions.h"
#include "ExportCommand.h"
#include "ServeCommand.h"
#include "SnapshotCommand.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLibrary>
#include <QTextStream>
#include <cstdio>

namespace {

// `check` and `serve` run headless: no QApplication, so no display is needed.
int runCommand(int argc, char** argv, int (*command)(const QStringList&, QTextStream&, QTextStream&))
{
    QCoreApplication app(argc, argv);
    heapwatch::setIdentity();
    QStringList arguments = QCoreApplication::arguments();
    arguments.remove(0, 2); // program name and the verb
    QTextStream out(stdout);
    QTextStream err(stderr);
    return command(arguments, out, err);
}

// The directory of the running executable (no QCoreApplication exists yet).
QString executableDir(const char* argv0)
{
    const QFileInfo self(QStringLiteral("/proc/self/exe"));
    if (self.exists())
        return QFileInfo(self.canonicalFilePath()).absolutePath();
    return QFileInfo(QFile::decodeName(argv0)).absolutePath();
}

// Loads the console module: beside the executable in a build tree, else where the package installs it
// (HEAPWATCH_CONSOLE_MODULE_DIR, relative to the executable's directory).
int runConsole(int argc, char** argv)
{
    const QString dir = executableDir(argv[0]);
    QString errors;
    for (const QString& candidate :
         {dir + QStringLiteral("/heapwatch-console"),
          QDir::cleanPath(dir + QStringLiteral("/" HEAPWATCH_CONSOLE_MODULE_DIR "/heapwatch-console"))}) {
        QLibrary module(candidate);
        const auto entry = reinterpret_cast<heapwatch::ConsoleMain>(module.resolve(heapwatch::kConsoleMainSymbol));
        if (entry)
            return entry(argc, argv);
        errors += QStringLiteral("\n  ") + module.errorString();
    }
    QTextStream(stderr) << "heapwatch: cannot load the console (the check, serve, snapshot and export commands "
                           "work without it):"
                        << errors << '\n';
    return 2;
}

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
    // QApplication (which needs a display) exists, and without the console module.
    bool informational = false;
    for (int i = 1; i < argc; ++i) {
        for (const char* flag : {"-h", "--help", "--help-all", "-?", "-v", "--version"})
            informational = informational || qstrcmp(argv[i], flag) == 0;
    }
    if (informational) {
        QCoreApplication app(argc, argv);
        heapwatch::setIdentity();
        QCommandLineParser parser;
        heapwatch::ConsoleOptions options;
        options.addTo(parser);
        parser.process(app); // prints and exits
        return 0;
    }
    return runConsole(argc, argv);
}
