// Checks a connected session's host key against known_hosts the way OpenSSH does, and words the refusal so
// that an operator can act on it: both SHA256 fingerprints and the known_hosts line to fix.
#pragma once

#include "LibSsh.h"

#include <QString>
#include <vector>

namespace heapwatch {

class Prompter;

class HostKeyVerifier
{
public:
    enum class Outcome
    {
        Trusted,
        Refused,
        Error
    };
    struct Result
    {
        Outcome outcome = Outcome::Error;
        QString message; // why it was refused, or the error
        QString fingerprint; // the server's key, "SHA256:…"
    };

    // host/port: what the session connected to (after ~/.ssh/config); knownHostsFile: the file libssh reads
    // (for messages and for the line search). Unknown keys: acceptNew trusts and saves them without asking,
    // else prompter->confirmHostKey() decides; without a prompter they are refused.
    static Result verify(ssh_session session, const QString& host, int port, const QString& knownHostsFile,
                         bool acceptNew, Prompter* prompter);

    // "SHA256:…" (OpenSSH's format, base64 without padding) of a public key; empty on error.
    static QString fingerprint(ssh_key key);
    // The name known_hosts uses for host:port: "host" for port 22, else "[host]:port".
    static QString knownHostsName(const QString& host, int port);

    struct KnownLine
    {
        int lineNumber = 0; // 1-based
        QString keyType;
        QString fingerprint;
    };
    // Every line of file that names host:port (plain, wildcard or hashed), with its key's fingerprint.
    static std::vector<KnownLine> findLines(const QString& file, const QString& host, int port);
};

} // namespace heapwatch
