#include "SnapshotPreflight.h"

#include "Format.h"

#include <QMutex>
#include <QSet>
#include <cmath>

namespace heapwatch {
namespace {

QMutex& locksMutex()
{
    static QMutex m;
    return m;
}

QSet<QString>& heldLocks()
{
    static QSet<QString> held;
    return held;
}

QString mb(qint64 bytes)
{
    return format::bytes(double(bytes));
}

} // namespace

double SnapshotPreflight::expectedPauseSeconds(qint64 heapUsedBytes)
{
    if (heapUsedBytes <= 0)
        return 0;
    return double(heapUsedBytes) / (100.0 * 1024 * 1024) * SnapshotLimits::kPauseSecondsPer100MB;
}

SnapshotVerdict SnapshotPreflight::judge(const SnapshotMemory& memory, const SnapshotLimits& limits)
{
    SnapshotVerdict v;
    if (memory.heapUsed <= 0) {
        v.reason = QStringLiteral("the app's heap size is unknown: no snapshot without it");
        return v;
    }
    v.pauseSeconds = expectedPauseSeconds(memory.heapUsed);
    v.neededBytes = qint64(std::ceil(limits.headroomFactor * double(memory.heapUsed)));
    if (memory.limit > 0 && memory.usage >= 0)
        v.freeBytes = std::max<qint64>(0, memory.limit - memory.usage);
    else if (memory.available >= 0)
        v.freeBytes = memory.available;

    if (memory.heapUsed > limits.maxHeapBytes) {
        v.reason = QStringLiteral("refused: the heap holds %1, over the %2 a snapshot may take (--max-heap)")
                       .arg(mb(memory.heapUsed), mb(limits.maxHeapBytes));
        return v;
    }
    if (v.freeBytes < 0) {
        v.reason
            = QStringLiteral("refused: the container's free memory is unknown (heap used %1)").arg(mb(memory.heapUsed));
        return v;
    }
    const QString freeText = memory.limit > 0
        ? QStringLiteral("%1 free (limit %2 − usage %3)").arg(mb(v.freeBytes), mb(memory.limit), mb(memory.usage))
        : QStringLiteral("%1 available on the machine (no container limit)").arg(mb(v.freeBytes));
    if (v.freeBytes < v.neededBytes) {
        v.reason = QStringLiteral("refused: %1 is less than %2 × the heap used %3 = %4; a snapshot could get the "
                                  "container killed")
                       .arg(freeText)
                       .arg(limits.headroomFactor)
                       .arg(mb(memory.heapUsed), mb(v.neededBytes));
        return v;
    }
    v.allowed = true;
    v.reason = QStringLiteral("heap used %1, %2: the app pauses for about %3 s")
                   .arg(mb(memory.heapUsed), freeText)
                   .arg(std::max(1.0, std::round(v.pauseSeconds)));
    return v;
}

SnapshotTargetLock::SnapshotTargetLock(QString targetKey)
    : m_key(std::move(targetKey))
{
    QMutexLocker lock(&locksMutex());
    if (!heldLocks().contains(m_key)) {
        heldLocks().insert(m_key);
        m_acquired = true;
    }
}

SnapshotTargetLock::~SnapshotTargetLock()
{
    if (!m_acquired)
        return;
    QMutexLocker lock(&locksMutex());
    heldLocks().remove(m_key);
}

} // namespace heapwatch
