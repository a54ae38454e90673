// Opt-in remembering of SSH secrets in the system keyring (QtKeychain: Secret Service, KWallet, macOS
// Keychain, Windows Credential Store). Nothing is ever written to a file by heapwatch itself. Built only
// when CMake finds Qt6Keychain (HEAPWATCH_HAVE_KEYCHAIN); otherwise every call reports "unavailable".
// The calls block on a local event loop: use them from a thread with an event loop (the GUI thread, e.g.
// inside a Prompter implementation before showing its dialog), never from an SSH worker.
#pragma once

#include <QString>
#include <optional>

namespace heapwatch {

class SecretStore
{
public:
    static bool isAvailable(); // compiled in (a keyring service may still be missing at run time)

    // SecretQuestion::rememberKey → the stored secret; nullopt when absent or the keyring is unavailable.
    static std::optional<QString> read(const QString& key);
    // false when the keyring refused (no service on a headless machine, locked, …): *error says why.
    static bool write(const QString& key, const QString& secret, QString* error = nullptr);
    static void remove(const QString& key);

    static constexpr const char* kService = "heapwatch";
};

} // namespace heapwatch
