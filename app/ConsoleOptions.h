// The console's command line: the targets to open (one option set with check and serve) and --no-restore.
// Shared by the informational path of the executable (--help, --version: no display, no console module) and the
// console module that runs the window.
#pragma once

#include "TargetOptions.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QCoreApplication>

namespace heapwatch {

struct ConsoleOptions
{
    TargetOptions targets;
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

// The application's identity (settings paths, --version), set by the executable and again by the module.
inline void setIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("heapwatch"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("heapwatch.dev"));
    QCoreApplication::setApplicationName(QStringLiteral("heapwatch"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HEAPWATCH_VERSION));
}

// The console module's entry point (extern "C"), looked up by name by the executable.
using ConsoleMain = int (*)(int argc, char** argv);
constexpr const char* kConsoleMainSymbol = "heapwatch_console_main";

} // namespace heapwatch
