#include "HostKeyVerifier.h"

#include "PlainText.h"
#include "Prompter.h"

#include <QFile>

namespace heapwatch {

namespace {

HostKeyVerifier::Result make(HostKeyVerifier::Outcome outcome, QString message, QString fingerprint = {})
{
    return {outcome, std::move(message), std::move(fingerprint)};
}

QString describeLines(const std::vector<HostKeyVerifier::KnownLine>& lines, const QString& file)
{
    QStringList parts;
    for (const auto& l : lines) {
        parts << QStringLiteral("%1 %2 (%3 line %4)").arg(l.keyType, l.fingerprint, file).arg(l.lineNumber);
    }
    return parts.join(QStringLiteral(", "));
}

} // namespace

QString HostKeyVerifier::fingerprint(ssh_key key)
{
    unsigned char* raw = nullptr;
    size_t len = 0;
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &raw, &len) != SSH_OK) {
        return {};
    }
    libssh::HashPtr hash(raw);
    const QByteArray b64 = QByteArray(reinterpret_cast<const char*>(hash.get()), qsizetype(len))
                               .toBase64(QByteArray::Base64Encoding | QByteArray::OmitTrailingEquals);
    return QStringLiteral("SHA256:") + QString::fromLatin1(b64);
}

QString HostKeyVerifier::knownHostsName(const QString& host, int port)
{
    if (port == 22 || port <= 0) {
        return host;
    }
    return QStringLiteral("[%1]:%2").arg(host).arg(port);
}

std::vector<HostKeyVerifier::KnownLine> HostKeyVerifier::findLines(const QString& file, const QString& host, int port)
{
    std::vector<KnownLine> out;
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        return out;
    }
    const QByteArray name = knownHostsName(host, port).toUtf8();
    int number = 0;
    while (!f.atEnd()) {
        QByteArray line = f.readLine(1 << 20).trimmed();
        ++number;
        if (line.isEmpty() || line.startsWith('#')) {
            continue;
        }
        ssh_knownhosts_entry* raw = nullptr;
        if (ssh_known_hosts_parse_line(name.constData(), line.constData(), &raw) != SSH_OK || !raw) {
            if (raw) {
                ssh_knownhosts_entry_free(raw);
            }
            continue;
        }
        libssh::KnownHostsEntryPtr entry(raw);
        KnownLine k;
        k.lineNumber = number;
        k.keyType = QString::fromLatin1(ssh_key_type_to_char(ssh_key_type(entry->publickey)));
        k.fingerprint = fingerprint(entry->publickey);
        out.push_back(k);
    }
    return out;
}

HostKeyVerifier::Result HostKeyVerifier::verify(ssh_session session, const QString& host, int port,
                                                const QString& knownHostsFile, bool acceptNew, Prompter* prompter)
{
    ssh_key rawKey = nullptr;
    if (ssh_get_server_publickey(session, &rawKey) != SSH_OK) {
        return make(Outcome::Error,
                    QStringLiteral("cannot read the host key of %1:%2: %3")
                        .arg(host)
                        .arg(port)
                        .arg(oneLine(QString::fromUtf8(ssh_get_error(session)), 600)));
    }
    libssh::KeyPtr key(rawKey);
    const QString fp = fingerprint(key.get());
    const QString type = QString::fromLatin1(ssh_key_type_to_char(ssh_key_type(key.get())));
    const QString where = QStringLiteral("%1:%2").arg(host).arg(port);
    const QString removeHint
        = QStringLiteral("ssh-keygen -R '%1' -f '%2'").arg(knownHostsName(host, port), knownHostsFile);

    const ssh_known_hosts_e state = ssh_session_is_known_server(session);
    switch (state) {
    case SSH_KNOWN_HOSTS_OK:
        return make(Outcome::Trusted, {}, fp);
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER: {
        // Refused either way, as OpenSSH does; the message says which line to remove if the change is expected.
        const bool changed = state == SSH_KNOWN_HOSTS_CHANGED;
        const auto lines = findLines(knownHostsFile, host, port);
        const QString known = !lines.empty() ? describeLines(lines, knownHostsFile)
            : changed                        ? QStringLiteral("another key (%1)").arg(knownHostsFile)
                                             : QStringLiteral("another key type (%1)").arg(knownHostsFile);
        const QString what = changed
            ? QStringLiteral("host key for %1 has CHANGED: the server offers %2 %3 but known_hosts has %4. Someone "
                             "could be intercepting the connection; if the server was reinstalled, remove the old "
                             "line (%5) and connect again")
            : QStringLiteral("host key for %1 is of another type than the one known: the server offers %2 %3 but "
                             "known_hosts has %4. Refusing, as OpenSSH does; if the server changed its keys, remove "
                             "the old line (%5) and connect again");
        return make(Outcome::Refused, what.arg(where, type, fp, known, removeHint), fp);
    }
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND: {
        HostKeyDecision decision = HostKeyDecision::Reject;
        if (acceptNew) {
            decision = HostKeyDecision::AcceptAndSave;
        } else if (prompter) {
            decision = prompter->confirmHostKey({host, port, type, fp, knownHostsFile});
        }
        if (decision == HostKeyDecision::Reject) {
            return make(Outcome::Refused,
                        QStringLiteral("host key for %1 is not known (%2 %3); run with --accept-new-host-key to "
                                       "trust it, or add it to %4 (ssh-keyscan -p %5 %6 >> %4)")
                            .arg(where, type, fp, knownHostsFile)
                            .arg(port)
                            .arg(host),
                        fp);
        }
        if (decision == HostKeyDecision::AcceptAndSave && ssh_session_update_known_hosts(session) != SSH_OK) {
            return make(Outcome::Error,
                        QStringLiteral("cannot write the host key of %1 to %2: %3")
                            .arg(where, knownHostsFile, oneLine(QString::fromUtf8(ssh_get_error(session)), 600)),
                        fp);
        }
        return make(Outcome::Trusted, {}, fp);
    }
    case SSH_KNOWN_HOSTS_ERROR:
        break;
    }
    return make(Outcome::Error,
                QStringLiteral("cannot check the host key of %1 against %2: %3")
                    .arg(where, knownHostsFile, oneLine(QString::fromUtf8(ssh_get_error(session)), 600)),
                fp);
}

} // namespace heapwatch
