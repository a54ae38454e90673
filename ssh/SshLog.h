// Logging category of the SSH layer: QT_LOGGING_RULES="heapwatch.ssh.debug=true" traces connections,
// commands and their ends (never secrets).
#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcSsh)
