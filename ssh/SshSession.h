// One libssh session: options from the target and ~/.ssh/config, a non-blocking connect that a stop request
// can interrupt, the host-key check and the authentication chain. Used only by the thread that created it
// (libssh's threading rule); the session is non-blocking after connect() so one thread can pump many
// channels.
#pragma once

#include "LibSsh.h"
#include "TargetConfig.h"
#include "TargetSpec.h"

#include <QString>
#include <atomic>
#include <functional>
#include <optional>

namespace heapwatch {

class Prompter;

struct SshConnectParams
{
    QString user; // empty: ~/.ssh/config or the local user
    QString host; // name, address or ~/.ssh/config alias
    int port = 0; // 0: ~/.ssh/config or 22
    QString identityFile; // tried first, before ~/.ssh/config's and the default identities
    QString knownHostsFile; // empty: ~/.ssh/known_hosts (or UserKnownHostsFile from the config)
    bool acceptNewHostKey = false;
    Prompter* prompter = nullptr;
    int connectTimeoutMs = 15000;

    // The connection a target asks for: its address and its login options (the one place they are copied).
    static SshConnectParams forTarget(const TargetSpec& address, const TargetConfig& config, Prompter* prompter);
};

// Secrets typed during this run, kept in memory only, so that a reconnect does not ask again.
struct SecretCache
{
    std::optional<QString> passphrase;
    std::optional<QString> password;
    void clear();
    ~SecretCache() { clear(); }
};

class SshSession
{
public:
    enum class Result
    {
        Ok,
        HostKeyRefused,
        AuthenticationFailed,
        Unreachable,
        Failed,
        Cancelled
    };

    SshSession(SshConnectParams params, const std::atomic<bool>* cancel, SecretCache* secrets);
    ~SshSession();
    SshSession(const SshSession&) = delete;
    SshSession& operator=(const SshSession&) = delete;

    // Configures, connects, verifies the host key and authenticates. On failure *message says why.
    Result connect(QString* message);

    ssh_session handle() const { return m_session.get(); }
    // "host:port" as connected to (after ~/.ssh/config), for messages and the connection status.
    QString address() const;
    const QString& user() const { return m_user; }
    const QString& knownHostsFile() const { return m_knownHostsFile; }

    // False once the transport failed or the server closed the connection.
    bool isAlive() const;
    // Waits up to timeoutMs for the socket to become readable. Once connected it also processes what
    // arrived: libssh only reads the socket for a channel that has no EOF yet, so without this an EOF
    // followed by a late exit-status/close on the last open channel would never be seen.
    // False when the connection failed.
    bool waitReadable(int timeoutMs) const;

    // Calls f until it returns something other than again, polling the socket in between. Returns
    // SSH_ERROR when cancelled or after timeoutMs.
    int retry(const std::function<int()>& f, int again, int timeoutMs) const;

    bool cancelled() const { return m_cancel && m_cancel->load(); }

    // The last libssh error text.
    QString errorString() const;

private:
    bool configure(QString* message);

    SshConnectParams m_params;
    const std::atomic<bool>* m_cancel;
    SecretCache* m_secrets;
    libssh::SessionPtr m_session;
    ssh_event m_event = nullptr; // drives packet processing for every channel once connected
    ssh_callbacks_struct m_callbacks {};
    QString m_host;
    int m_port = 22;
    QString m_user;
    QString m_knownHostsFile;
    bool m_passphraseAsked = false;
    QString m_passphraseTyped;

    friend class SshAuthenticator;
    static int authCallback(const char* prompt, char* buf, size_t len, int echo, int verify, void* userdata);
};

} // namespace heapwatch
