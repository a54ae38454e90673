// Node's `--trace-gc` lines: one per garbage collection, written by V8 to stdout.
//   [1:0x5581c0e0a000]   123456 ms: Mark-Compact 210.3 (218.0) -> 198.1 (219.0) MB, 120.5 / 0.0 ms  (average mu …
//   [1:0x5581c0e0a000]      171 ms: Scavenge 3.9 (4.0) -> 3.7 (5.0) MB, 2.61 / 0.00 ms  (average mu = 1.000, …
// Node 22 adds "pooled: 0.0 MB, " before the pause, and V8 may put "(reduce)" / "(interleaved)" after the name.
#pragma once

#include "Samples.h"

namespace heapwatch::gctrace {

// The line's start, "[pid:0xaddress] … N ms: ", at p: what tells a trace-gc line from any other.
bool looksLikeTrace(const char* p, const char* e);
// Reads the collection of a line that looksLikeTrace. False (malformed) when a number is missing or the
// collector's name is not one of V8's (Scavenge, Minor …, Mark-Compact, Mark-sweep …). Leaves out.atMs.
bool parse(const char* p, const char* e, GcSample& out);

} // namespace heapwatch::gctrace
