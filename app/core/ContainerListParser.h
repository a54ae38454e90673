// Parses the container listing of `docker ps --format '{{json .}}'` (one object per line) and of
// `podman ps --format json` (one array, possibly pretty-printed) into plain entries for a picker.
// The output comes from a server and is untrusted: every text is sanitised and capped, the number of
// entries and the size of a line are bounded, and what cannot be read is counted, never guessed.
#pragma once

#include <QByteArrayView>
#include <QString>
#include <vector>

namespace heapwatch {

// One container as `docker ps` lists it (not ContainerInfo: that is the inspect state of a watched one).
struct ContainerListEntry
{
    QString name; // the first name, without a leading '/'; always a valid docker container name
    QString image;
    QString state; // running, paused, restarting, … (may be empty on old podman)
    QString status; // "Up 37 seconds"
    QString id; // as printed (short on docker, full on podman)
};

struct ContainerListing
{
    std::vector<ContainerListEntry> containers; // in the CLI's order (newest first)
    int malformed = 0; // lines or objects that were not a container with a valid name
    bool truncated = false; // more than kMaxContainers: the rest were dropped
};

class ContainerListParser
{
public:
    static constexpr int kMaxContainers = 2000;
    static constexpr qsizetype kMaxLineBytes = 64 * 1024; // a longer line is counted as malformed
    static constexpr qsizetype kMaxFieldChars = 256;

    static ContainerListing parse(QByteArrayView output);

    // docker's rule for container names: [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 255 characters.
    static bool isValidName(const QString& name);
};

} // namespace heapwatch
