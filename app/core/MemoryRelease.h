// Keeping the console's resident memory close to what it uses. glibc keeps freed memory in its arenas: a week
// of chunks arriving, saved to the history store and then dropped leaves MiBs free but resident, spread over
// the heap where the automatic top-only trim never reaches. No-ops without glibc.
#pragma once

namespace heapwatch {

// Fixes malloc's mmap threshold at its default (128 KiB). Left dynamic, glibc raises it to the size of every
// large block freed, and from then on the history's large transient buffers (a backfill's batches, a restore's
// chunks) are carved out of the heap, where the long-lived rows around them pin their pages. Call once, early.
void tuneAllocator();

// Gives the free pages of every arena back to the system (malloc_trim): after the rings dropped chunks.
void releaseFreedMemory();

} // namespace heapwatch
