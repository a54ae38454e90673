#include "Prompter.h"

namespace heapwatch {

void Prompter::secretAccepted(const SecretQuestion&, const QString&) { }

void Prompter::secretRejected(const SecretQuestion&) { }

} // namespace heapwatch
