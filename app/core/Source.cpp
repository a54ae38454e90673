#include "Source.h"

namespace heapwatch {

QString toString(ConnectionStatus::State state)
{
    using S = ConnectionStatus::State;
    switch (state) {
    case S::Idle:
        return QStringLiteral("idle");
    case S::Connecting:
        return QStringLiteral("connecting");
    case S::Connected:
        return QStringLiteral("connected");
    case S::Reconnecting:
        return QStringLiteral("reconnecting");
    case S::AuthenticationFailed:
        return QStringLiteral("authentication failed");
    case S::HostKeyRefused:
        return QStringLiteral("host key refused");
    case S::Failed:
        return QStringLiteral("failed");
    case S::Finished:
        return QStringLiteral("finished");
    }
    return QStringLiteral("unknown");
}

namespace {
// Queued signals between the source threads and the GUI carry these by value.
const int kRegistered = [] {
    qRegisterMetaType<IngestBatch>("heapwatch::IngestBatch");
    qRegisterMetaType<ConnectionStatus>("heapwatch::ConnectionStatus");
    qRegisterMetaType<Level>("heapwatch::Level");
    return 0;
}();
} // namespace

QString toString(ConnectionStatus::Container container)
{
    using C = ConnectionStatus::Container;
    switch (container) {
    case C::Unknown:
        return QStringLiteral("unknown");
    case C::Running:
        return QStringLiteral("running");
    case C::Paused:
        return QStringLiteral("paused");
    case C::Stopped:
        return QStringLiteral("stopped");
    case C::Absent:
        return QStringLiteral("absent");
    case C::EngineError:
        return QStringLiteral("engine error");
    }
    return QString();
}

bool Source::readHistory(const std::function<void(const IngestBatch&)>&, QString* error)
{
    *error = QStringLiteral("%1 streams its data; it has no history to read at once").arg(targetName());
    return false;
}

QStringList ConnectionStatus::sourceLines() const
{
    QStringList lines;
    for (const auto& [name, source] :
         {std::pair {QLatin1String("stats"), &statsSource}, std::pair {QLatin1String("logs"), &logsSource},
          std::pair {QLatin1String("events"), &eventsSource}}) {
        if (!source->isEmpty())
            lines << name + QStringLiteral(": ") + *source;
    }
    return lines;
}

} // namespace heapwatch
