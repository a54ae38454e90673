// `heapwatch check`: judges one target headless and prints the verdict as a monitoring plugin does.
#pragma once

#include <QStringList>

class QTextStream;

namespace heapwatch {

class CheckCommand
{
public:
    // arguments as after "heapwatch check" (argv without program name and verb). Returns the exit code:
    // 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (unreadable input, nothing recognisable, connection failure).
    static int run(const QStringList& arguments, QTextStream& out, QTextStream& err);
};

} // namespace heapwatch
