// The headless commands that need more than QtCore (`serve`, `snapshot`, `export` and `check` of a container) as a
// module (heapwatch-commands) that the executable loads only for them: `check --replay` and `check --demo`, which a
// monitoring system may run every minute, start with QtCore alone. Shared by app/main.cpp and the module.
#pragma once

#include <QStringList>

class QTextStream;

namespace heapwatch {

// The module's entry point (extern "C"), looked up by name: runs verb ("check", "serve", "snapshot" or "export")
// with its arguments (argv after the verb) in the QCoreApplication the executable made; returns the exit code.
using CommandMain = int (*)(const char* verb, const QStringList* arguments, QTextStream* out, QTextStream* err);
constexpr const char* kCommandMainSymbol = "heapwatch_command_main";

} // namespace heapwatch
