// libssh, included once with our warnings relaxed (it is C: its macros use old-style casts), plus RAII
// owners for every C handle we keep. Destroy channels before their session: ssh_free() frees the
// session's channels, so a ChannelPtr outliving its SessionPtr would free twice.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wpedantic"
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#pragma GCC diagnostic pop

#include <memory>

namespace heapwatch::libssh {

struct SessionDeleter
{
    void operator()(ssh_session_struct* s) const
    {
        if (ssh_is_connected(s)) {
            ssh_disconnect(s);
        }
        ssh_free(s);
    }
};
struct ChannelDeleter
{
    void operator()(ssh_channel_struct* c) const { ssh_channel_free(c); }
};
struct KeyDeleter
{
    void operator()(ssh_key_struct* k) const { ssh_key_free(k); }
};
struct KnownHostsEntryDeleter
{
    void operator()(ssh_knownhosts_entry* e) const { ssh_knownhosts_entry_free(e); }
};
struct CharDeleter
{
    void operator()(char* p) const { ssh_string_free_char(p); }
};
struct HashDeleter
{
    void operator()(unsigned char* p) const { ssh_clean_pubkey_hash(&p); }
};

using SessionPtr = std::unique_ptr<ssh_session_struct, SessionDeleter>;
using ChannelPtr = std::unique_ptr<ssh_channel_struct, ChannelDeleter>;
using KeyPtr = std::unique_ptr<ssh_key_struct, KeyDeleter>;
using KnownHostsEntryPtr = std::unique_ptr<ssh_knownhosts_entry, KnownHostsEntryDeleter>;
using CharPtr = std::unique_ptr<char, CharDeleter>;
using HashPtr = std::unique_ptr<unsigned char, HashDeleter>;

} // namespace heapwatch::libssh
