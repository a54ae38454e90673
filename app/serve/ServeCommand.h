// `heapwatch serve`: watch targets headless and export them over HTTP for Prometheus.
#pragma once

#include <QStringList>

class QTextStream;

namespace heapwatch {

class ServeCommand
{
public:
    // arguments as after "heapwatch serve". Needs a QCoreApplication; runs its event loop until SIGINT or
    // SIGTERM and returns the exit code (0 after a signal, 2 for bad arguments or a listen failure).
    static int run(const QStringList& arguments, QTextStream& out, QTextStream& err);

    // The token from --token-file/--token-env or the config's token_file/token_env; empty when none is set.
    // False and *error when one is named but unreadable or empty. *warning for a token file others can read.
    static bool readToken(const QString& file, const QString& env, QByteArray* token, QString* error, QString* warning);
};

} // namespace heapwatch
