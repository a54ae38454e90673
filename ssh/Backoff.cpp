#include "Backoff.h"

#include <QRandomGenerator>

namespace heapwatch {

Backoff::Backoff(qint64 firstMs, qint64 maxMs)
    : m_firstMs(firstMs)
    , m_maxMs(maxMs)
{
}

qint64 Backoff::next()
{
    const qint64 base = qMin(m_maxMs, m_firstMs << qMin(m_attempt, 16));
    ++m_attempt;
    const double jitter = 0.8 + 0.4 * QRandomGenerator::global()->generateDouble();
    return qMax<qint64>(1, qint64(double(base) * jitter));
}

} // namespace heapwatch
