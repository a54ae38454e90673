// `heapwatch snapshot`: reads V8 heap snapshots on the desktop. --summary FILE: per class count, shallow and
// retained size, the largest objects and how they are held; --diff OLD NEW: what grew between two snapshots
// of one process.
#pragma once

#include <QStringList>

class QTextStream;

namespace heapwatch {

class SnapshotCommand
{
public:
    // arguments as after "heapwatch snapshot". Returns 0 on success, 2 on a usage error or an unreadable
    // snapshot.
    static int run(const QStringList& arguments, QTextStream& out, QTextStream& err);
};

} // namespace heapwatch
