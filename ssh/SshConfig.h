// What heapwatch reads of ~/.ssh/config itself: the Host aliases a target picker offers. Everything else in
// the file (HostName, User, Port, IdentityFile, ProxyJump, …) is libssh's business when it connects.
#pragma once

#include <QStringList>

namespace heapwatch {

// The concrete aliases of the `Host` lines (patterns with * or ? and negations left out), in file order,
// at most 500; an unreadable file gives none.
QStringList sshConfigAliases(const QString& path);

} // namespace heapwatch
