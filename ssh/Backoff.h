// Reconnect delays: 1 s doubling to 60 s, each with ±20 % jitter so that many consoles that lost the same
// server do not knock on it in the same second.
#pragma once

#include <QtGlobal>

namespace heapwatch {

class Backoff
{
public:
    explicit Backoff(qint64 firstMs = 1000, qint64 maxMs = 60000);
    // The delay before the next attempt; each call doubles the next one up to the maximum.
    qint64 next();
    void reset() { m_attempt = 0; }
    int attempt() const { return m_attempt; }

private:
    qint64 m_firstMs;
    qint64 m_maxMs;
    int m_attempt = 0;
};

} // namespace heapwatch
