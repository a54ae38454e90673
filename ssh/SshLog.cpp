#include "SshLog.h"

Q_LOGGING_CATEGORY(lcSsh, "heapwatch.ssh", QtInfoMsg)
