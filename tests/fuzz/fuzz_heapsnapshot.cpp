// libFuzzer entry point; see FuzzHeapSnapshot.h.
#include "FuzzHeapSnapshot.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    heapwatch::fuzz::heapSnapshot(data, size);
    return 0;
}
