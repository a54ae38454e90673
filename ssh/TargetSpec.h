// What a target string names: an SSH host and a container on it, or a container on this machine.
#pragma once

#include <QString>
#include <optional>

namespace heapwatch {

struct TargetSpec
{
    enum class Kind
    {
        Ssh,
        Local
    };
    Kind kind = Kind::Ssh;
    QString user; // empty: from ~/.ssh/config or the local user name
    QString host; // a host name, an address or a ~/.ssh/config alias
    int port = 0; // 0: from ~/.ssh/config or 22
    QString container;

    enum class Container
    {
        Required,
        Optional // a host alone ("ssh://ops@web1:2222/", "web1/", "local/"): listing its containers
    };
    // Accepts `ssh://[user@]host[:port]/CONTAINER`, `[user@]HOST/CONTAINER` and `local/CONTAINER`.
    // Returns nullopt with *error set when the string is not one of these or the container name is not
    // a valid docker name: such a target is never run.
    static std::optional<TargetSpec> parse(const QString& text, QString* error,
                                           Container container = Container::Required);

    // docker's rule for container names: [a-zA-Z0-9][a-zA-Z0-9_.-]* (names are all we put on a command line).
    static bool isValidContainerName(const QString& name);

    // "ssh://user@host:port/container" with the parts that were given, or "local/container".
    QString toString() const;
};

} // namespace heapwatch
