#include "ProcessStats.h"

#include <QFile>
#include <sys/resource.h>

namespace heapwatch {

qint64 ProcessStats::residentBytes()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray all = f.readAll();
    const qsizetype at = all.indexOf("VmRSS:");
    if (at < 0)
        return -1;
    const qsizetype end = all.indexOf('\n', at);
    const QByteArray field = all.mid(at + 6, end < 0 ? -1 : end - at - 6).trimmed(); // "35200 kB"
    bool ok = false;
    const qint64 kb = field.split(' ').value(0).toLongLong(&ok);
    return ok ? kb * 1024 : -1;
}

qint64 ProcessStats::cpuTimeUs()
{
    rusage usage {};
    if (getrusage(RUSAGE_SELF, &usage) != 0)
        return -1;
    return qint64(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000 + usage.ru_utime.tv_usec
        + usage.ru_stime.tv_usec;
}

} // namespace heapwatch
