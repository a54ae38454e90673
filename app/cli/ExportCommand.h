// `heapwatch export TARGET [--since D] [--until T] [--format csv|json] [--store PATH]`: a target's stored
// history, read from the history store without connecting to anything. One row per sample time with every
// column of the three rings (container stats, the app's Memory lines, its Cache stats lines), empty where a
// ring has no row at that time, and the target's events.
#pragma once

#include <QStringList>

class QTextStream;

namespace heapwatch {

class ExportCommand
{
public:
    // arguments as after "heapwatch export". Returns 0 on success, 2 on a usage error, an unknown target or
    // an unreadable store.
    static int run(const QStringList& arguments, QTextStream& out, QTextStream& err);
};

} // namespace heapwatch
