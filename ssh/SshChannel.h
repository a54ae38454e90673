// One exec channel on a non-blocking session: started with a command line, drained without blocking
// (stdout AND stderr: they share one receive window, an unread stderr would stall the channel), its exit
// status delivered by libssh's callback (ssh_channel_get_exit_status can block).
#pragma once

#include "LibSsh.h"

#include <QByteArray>
#include <QString>
#include <memory>
#include <optional>

namespace heapwatch {

class SshSession;

class SshChannel
{
public:
    // Opens a session channel and runs command. nullptr with *error set on failure.
    static std::unique_ptr<SshChannel> exec(SshSession& session, const QByteArray& command, QString* error);
    ~SshChannel(); // closes the channel: the server closes the command's stdin, the wrapper kills it
    SshChannel(const SshChannel&) = delete;
    SshChannel& operator=(const SshChannel&) = delete;

    // Closes the command's stdin (EOF) and keeps the channel, to read until the command has ended.
    void sendEof();
    // Sends bytes to the command's stdin, waiting (up to timeoutMs) for the channel's window. False on a
    // channel error or a timeout.
    bool write(SshSession& session, const QByteArray& bytes, int timeoutMs);
    // Appends what has arrived. Returns false on a channel or session error.
    bool read(QByteArray& out, QByteArray& err);
    // The remote side sent EOF and its exit status (or closed): nothing more will come.
    bool isFinished() const;
    // Exit status, or 128 + signal number, or -1 when the server sent none.
    int exitStatus() const { return m_exitStatus.value_or(-1); }

private:
    explicit SshChannel(libssh::ChannelPtr channel);
    static void onExitStatus(ssh_session, ssh_channel, int status, void* userdata);
    static void onExitSignal(ssh_session, ssh_channel, const char* signal, int core, const char* errmsg,
                             const char* lang, void* userdata);

    libssh::ChannelPtr m_channel;
    ssh_channel_callbacks_struct m_callbacks {};
    std::optional<int> m_exitStatus;
    bool m_eof = false;
};

} // namespace heapwatch
