// Parses `docker inspect` / `podman inspect` JSON and `docker events --format '{{json .}}'` lines.
#pragma once

#include "Samples.h"

#include <QByteArrayView>
#include <QString>
#include <optional>

namespace heapwatch {

class InspectParser
{
public:
    // Accepts the array `docker inspect` prints, a single object, or the compact object produced by
    // kInspectTemplate. Config.Env is scanned for NODE_OPTIONS only; every other variable is discarded.
    // Returns nullopt with *error set on anything that is not an inspect object.
    static std::optional<ContainerInfo> parse(QByteArrayView json, QString* error = nullptr);

    // Timestamps as both CLIs print them: RFC 3339 (docker) and "2026-11-27 12:20:33.836543581 +0000 UTC"
    // (podman). Zero times ("0001-01-01T00:00:00Z") and garbage give -1.
    static qint64 parseTimestampMs(QByteArrayView text);

    // Extracts N from "--max-old-space-size=N" (or "--max_old_space_size N") in a NODE_OPTIONS value.
    static double heapLimitFromNodeOptions(const QString& nodeOptions);

    // A server-side Go template that prints a compact JSON object with State, RestartCount, Id, Name,
    // HostConfig.Memory and only the NODE_OPTIONS entry of Config.Env, so no other variable leaves the host.
    static const char* inspectTemplate();
};

class EventParser
{
public:
    // One JSON line of `docker events`/`podman events --format '{{json .}}'` → event; nullopt if malformed.
    static std::optional<ContainerEvent> parseLine(QByteArrayView line);
};

} // namespace heapwatch
