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

double SnapshotPreflight::expectedPauseSeconds(qint64 heapUsedBytes, qint64 objects)
{
    if (heapUsedBytes <= 0)
        return 0;
    const double byHeap = double(heapUsedBytes) / (100.0 * 1024 * 1024) * SnapshotLimits::kPauseSecondsPer100MB;
    const double byObjects = objects > 0 ? double(objects) / 1e6 * SnapshotLimits::kPauseSecondsPerMillionObjects : 0;
    return std::max(byHeap, byObjects);
}

qint64 SnapshotPreflight::neededMemory(const SnapshotMemory& memory, const SnapshotLimits& limits)
{
    const double heap = double(std::max<qint64>(memory.heapUsed, 0));
    const double estimate = memory.objects > 0
        ? SnapshotLimits::kBytesPerObject * double(memory.objects) + SnapshotLimits::kHeapCopies * heap
        : SnapshotLimits::kUnknownCountFactor * heap;
    return qint64(std::ceil(std::max(estimate, limits.headroomFactor * heap)));
}

namespace {

// The rules on the numbers, with neededBytes and how it was reckoned (for the refusal's text).
SnapshotVerdict verdictFor(const SnapshotMemory& memory, const SnapshotLimits& limits, qint64 neededBytes,
                           const QString& how)
{
    SnapshotVerdict v;
    if (memory.heapUsed <= 0) {
        v.reason = QStringLiteral("the app's heap size is unknown: no snapshot without it");
        return v;
    }
    v.pauseSeconds = SnapshotPreflight::expectedPauseSeconds(memory.heapUsed, memory.objects);
    v.neededBytes = neededBytes;
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
        v.reason = QStringLiteral("refused: %1 is less than the %2 a snapshot would take (%3; never less than %4 × "
                                  "the heap); a snapshot could get the container killed")
                       .arg(freeText, mb(v.neededBytes), how)
                       .arg(limits.headroomFactor);
        return v;
    }
    v.allowed = true;
    v.reason = QStringLiteral("heap used %1%2, %3; the snapshot needs about %4: the app pauses for about %5 s")
                   .arg(mb(memory.heapUsed),
                        memory.objects > 0 ? QStringLiteral(" in %1 objects").arg(memory.objects) : QString(), freeText,
                        mb(v.neededBytes))
                   .arg(std::max(1.0, std::round(v.pauseSeconds)));
    return v;
}

} // namespace

SnapshotVerdict SnapshotPreflight::judgeBeforeCount(const SnapshotMemory& memory, const SnapshotLimits& limits)
{
    const double factor = std::max(limits.headroomFactor, SnapshotLimits::kHeapCopies);
    return verdictFor(memory, limits, qint64(std::ceil(factor * double(std::max<qint64>(memory.heapUsed, 0)))),
                      QStringLiteral("at least %1 × the heap used %2, before its objects are counted")
                          .arg(factor)
                          .arg(mb(memory.heapUsed)));
}

SnapshotVerdict SnapshotPreflight::judge(const SnapshotMemory& memory, const SnapshotLimits& limits)
{
    const QString how = memory.objects > 0 ? QStringLiteral("%1 objects × %2 B + %3 × the heap used %4")
                                                 .arg(memory.objects)
                                                 .arg(SnapshotLimits::kBytesPerObject)
                                                 .arg(SnapshotLimits::kHeapCopies)
                                                 .arg(mb(memory.heapUsed))
                                           : QStringLiteral("%1 × the heap used %2, its objects not counted")
                                                 .arg(SnapshotLimits::kUnknownCountFactor)
                                                 .arg(mb(memory.heapUsed));
    return verdictFor(memory, limits, neededMemory(memory, limits), how);
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
