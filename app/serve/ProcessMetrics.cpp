#include "ProcessMetrics.h"

#include "Samples.h"

#include <QDir>
#include <QFile>
#include <sys/resource.h>
#include <unistd.h>

namespace heapwatch {
namespace {

QByteArray readProcFile(const char* path)
{
    // /proc files report a size of 0, so read until EOF rather than trusting size().
    QFile file(QString::fromLatin1(path));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

// Seconds since the epoch at which the machine booted (`btime` of /proc/stat); NaN when unreadable.
double bootTimeSeconds()
{
    const QByteArray stat = readProcFile("/proc/stat");
    for (const QByteArray& line : stat.split('\n')) {
        if (line.startsWith("btime ")) {
            bool ok = false;
            const double value = line.mid(6).trimmed().toDouble(&ok);
            return ok ? value : kUnknown;
        }
    }
    return kUnknown;
}

} // namespace

ProcessMetrics ProcessMetrics::read()
{
    ProcessMetrics m {kUnknown, kUnknown, kUnknown, kUnknown, kUnknown, kUnknown};
    const double ticks = double(sysconf(_SC_CLK_TCK));
    const double pageSize = double(sysconf(_SC_PAGESIZE));

    // The command name (field 2) is in parentheses and may itself contain spaces or ')': fields are
    // counted from the last ')'.
    const QByteArray stat = readProcFile("/proc/self/stat");
    const int close = stat.lastIndexOf(')');
    if (close > 0 && ticks > 0) {
        const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
        // fields[0] is field 3 (state): utime is field 14, stime 15, starttime 22, vsize 23, rss 24.
        auto field = [&fields](int number) {
            const int index = number - 3;
            return index < fields.size() ? fields.at(index).toDouble() : kUnknown;
        };
        m.cpuSeconds = (field(14) + field(15)) / ticks;
        m.virtualBytes = field(23);
        m.residentBytes = field(24) * pageSize;
        const double boot = bootTimeSeconds();
        if (isKnown(boot))
            m.startTimeSeconds = boot + field(22) / ticks;
    }

    const QDir fds(QStringLiteral("/proc/self/fd"));
    if (fds.exists())
        m.openFds = double(fds.entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System).size());

    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        m.maxFds = double(limit.rlim_cur);
    return m;
}

} // namespace heapwatch
