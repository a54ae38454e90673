// What the processor can run beyond the build's target. The build targets plain x86-64; the few loops that have an
// AVX2 path (a replay's skipping of lines of no kind, the rings' encoding) choose it at run time, from this.
#pragma once

namespace heapwatch::cpu {

// Whether the processor runs AVX2 code: asked once, the first time. Always false where the compiler cannot ask.
inline bool hasAvx2()
{
#if defined(__x86_64__) && defined(__GNUC__)
    static const bool has = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") != 0;
    }();
    return has;
#else
    return false;
#endif
}

} // namespace heapwatch::cpu
