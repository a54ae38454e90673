#include "MemoryRelease.h"

#include <cstdlib> // defines __GLIBC__ (through features.h) on glibc

#ifdef __GLIBC__
#    include <malloc.h>
#endif

namespace heapwatch {

void tuneAllocator()
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 128 * 1024); // setting it at all turns the dynamic adjustment off
#endif
}

void releaseFreedMemory()
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

} // namespace heapwatch
