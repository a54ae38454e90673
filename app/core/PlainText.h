// Text from a server is shown to a person (GUI, terminal, reports) and must never act on the display: no
// escape or control characters, no bidirectional overrides that reorder what is read.
#pragma once

#include <QString>

namespace heapwatch {

// Removes C0 controls (except tab), DEL, C1 controls (U+0080–U+009F) and bidirectional embedding, override
// and isolate characters; truncates to maxChars without splitting a surrogate pair.
QString plainText(QString text, qsizetype maxChars = 4096);

} // namespace heapwatch
