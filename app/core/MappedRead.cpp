#include "MappedRead.h"

#include <algorithm>
#include <atomic>
#include <csetjmp>
#include <csignal>
#include <cstring>
#include <mutex>
#include <sys/mman.h>
#include <unistd.h>

namespace heapwatch {
namespace {

// The guard of the copy running on this thread, null when none: the SIGBUS handler jumps back to it.
thread_local sigjmp_buf* t_guard = nullptr;
struct sigaction g_previous = {};

// Faults inside a guarded copy end that copy; any other goes where it went before this handler was installed
// (by default the process dies of it, as it would have without us).
void onBusError(int signal, siginfo_t* info, void* context)
{
    if (sigjmp_buf* guard = t_guard) {
        t_guard = nullptr;
        siglongjmp(*guard, 1);
    }
    if ((g_previous.sa_flags & SA_SIGINFO) && g_previous.sa_sigaction) {
        g_previous.sa_sigaction(signal, info, context);
    } else if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) {
        g_previous.sa_handler(signal);
    } else {
        // Back to the default action; returning runs the faulting access again, which now ends the process.
        ::sigaction(SIGBUS, &g_previous, nullptr);
    }
}

bool installHandler()
{
    struct sigaction action = {};
    action.sa_sigaction = onBusError;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    return ::sigaction(SIGBUS, &action, &g_previous) == 0;
}

bool handlerInstalled()
{
    static std::once_flag once;
    static bool installed = false;
    std::call_once(once, [] { installed = installHandler(); });
    return installed;
}

// memcpy under the guard: true when all n bytes were copied. Between sigsetjmp and the jump back nothing but the
// copy runs, so there is no local state to lose.
bool guardedCopy(char* to, const char* from, size_t n)
{
    sigjmp_buf guard;
    if (sigsetjmp(guard, 1) != 0)
        return false; // t_guard was cleared by the handler; the signal mask restored by siglongjmp
    t_guard = &guard;
    std::atomic_signal_fence(std::memory_order_seq_cst);
    std::memcpy(to, from, n);
    std::atomic_signal_fence(std::memory_order_seq_cst);
    t_guard = nullptr;
    return true;
}

// Bytes copied per guarded copy when one fails: the part before the fault is found a page at a time.
constexpr size_t kPageProbe = 4096;

} // namespace

MappedRange::MappedRange(int fd, qint64 offset, qint64 size)
    : m_size(size)
{
    if (fd < 0 || offset < 0 || size <= 0 || !handlerInstalled())
        return;
    const qint64 page = ::sysconf(_SC_PAGESIZE);
    if (page <= 0)
        return;
    const qint64 start = offset - offset % page;
    m_mappingBytes = size_t(offset - start + size);
    void* mapping = ::mmap(nullptr, m_mappingBytes, PROT_READ, MAP_SHARED, fd, off_t(start));
    if (mapping == MAP_FAILED)
        return;
    ::madvise(mapping, m_mappingBytes, MADV_SEQUENTIAL);
    m_mapping = mapping;
    m_data = static_cast<char*>(mapping) + (offset - start);
}

MappedRange::~MappedRange()
{
    if (m_mapping)
        ::munmap(m_mapping, m_mappingBytes);
}

qsizetype MappedRange::copy(qint64 offset, char* buffer, qsizetype size) const
{
    if (!m_data || offset < 0 || offset >= m_size || size <= 0)
        return 0;
    size = qsizetype(std::min<qint64>(size, m_size - offset));
    if (guardedCopy(buffer, m_data + offset, size_t(size)))
        return size;
    // Cut short: keep what lies before the first page that faults.
    qsizetype copied = 0;
    while (copied < size) {
        const size_t n = std::min<size_t>(kPageProbe, size_t(size - copied));
        if (!guardedCopy(buffer + copied, m_data + offset + copied, n))
            break;
        copied += qsizetype(n);
    }
    return copied;
}

} // namespace heapwatch
