// `serve`, `snapshot`, `export` and `check` of a container, with the libraries they need (libssh, QtSql,
// QtNetwork, QtHttpServer), as a module the heapwatch executable loads only for them (see CommandModule.h).
#include "CheckCommand.h"
#include "CommandModule.h"
#include "ExportCommand.h"
#include "ServeCommand.h"
#include "SnapshotCommand.h"

#include <QTextStream>
#include <cstring>

extern "C" Q_DECL_EXPORT int heapwatch_command_main(const char* verb, const QStringList* arguments, QTextStream* out,
                                                    QTextStream* err)
{
    using namespace heapwatch;
    if (std::strcmp(verb, "check") == 0)
        return CheckCommand::run(*arguments, *out, *err);
    if (std::strcmp(verb, "serve") == 0)
        return ServeCommand::run(*arguments, *out, *err);
    if (std::strcmp(verb, "snapshot") == 0)
        return SnapshotCommand::run(*arguments, *out, *err);
    if (std::strcmp(verb, "export") == 0)
        return ExportCommand::run(*arguments, *out, *err);
    *err << "heapwatch: unknown command " << verb << '\n';
    return 2;
}
