#include "TargetSpec.h"

#include <QRegularExpression>

namespace heapwatch {

namespace {

bool fail(QString* error, const QString& message)
{
    if (error) {
        *error = message;
    }
    return false;
}

// Host names and user names go to libssh, never to a shell, but a leading '-' could still be read as an
// option by a ProxyCommand and whitespace is never valid: refuse both early with a clear message.
bool isPlainWord(const QString& s)
{
    if (s.isEmpty() || s.startsWith(QLatin1Char('-'))) {
        return false;
    }
    for (const QChar c : s) {
        if (c.isSpace() || c.unicode() < 0x20 || c == QLatin1Char('/') || c == QLatin1Char('\'')
            || c == QLatin1Char('"') || c == QLatin1Char('`') || c == QLatin1Char('$') || c == QLatin1Char(';')) {
            return false;
        }
    }
    return true;
}

} // namespace

bool TargetSpec::isValidContainerName(const QString& name)
{
    static const QRegularExpression re(QStringLiteral("\\A[a-zA-Z0-9][a-zA-Z0-9_.-]*\\z"));
    return name.size() <= 255 && re.match(name).hasMatch();
}

std::optional<TargetSpec> TargetSpec::parse(const QString& text, QString* error, Container container)
{
    TargetSpec spec;
    QString rest = text;
    const QString scheme = QStringLiteral("ssh://");
    const bool hasScheme = rest.startsWith(scheme, Qt::CaseInsensitive);
    if (hasScheme) {
        rest = rest.mid(scheme.size());
    }
    const qsizetype slash = rest.indexOf(QLatin1Char('/'));
    if (slash < 0) {
        fail(error,
             QStringLiteral("target '%1' names no container: use ssh://[user@]host[:port]/CONTAINER, "
                            "HOST/CONTAINER or local/CONTAINER")
                 .arg(text));
        return std::nullopt;
    }
    QString authority = rest.left(slash);
    spec.container = rest.mid(slash + 1);
    const bool hostOnly = container == Container::Optional && spec.container.isEmpty();
    if (!hostOnly && !isValidContainerName(spec.container)) {
        fail(error,
             QStringLiteral("invalid container name '%1': docker names match [a-zA-Z0-9][a-zA-Z0-9_.-]*; "
                            "nothing was run")
                 .arg(spec.container));
        return std::nullopt;
    }
    if (!hasScheme && authority == QLatin1String("local")) {
        spec.kind = Kind::Local;
        return spec;
    }
    const qsizetype at = authority.lastIndexOf(QLatin1Char('@'));
    if (at >= 0) {
        spec.user = authority.left(at);
        authority = authority.mid(at + 1);
        if (!isPlainWord(spec.user)) {
            fail(error, QStringLiteral("invalid user name '%1' in target '%2'").arg(spec.user, text));
            return std::nullopt;
        }
    }
    // [v6::addr]:port, host:port or host
    if (authority.startsWith(QLatin1Char('['))) {
        const qsizetype close = authority.indexOf(QLatin1Char(']'));
        if (close < 0) {
            fail(error, QStringLiteral("unbalanced '[' in target '%1'").arg(text));
            return std::nullopt;
        }
        const QString after = authority.mid(close + 1);
        spec.host = authority.mid(1, close - 1);
        if (!after.isEmpty() && !after.startsWith(QLatin1Char(':'))) {
            fail(error, QStringLiteral("unexpected '%1' after the address in target '%2'").arg(after, text));
            return std::nullopt;
        }
        authority = after.isEmpty() ? QString() : QStringLiteral("x") + after;
    } else {
        const qsizetype colon = authority.indexOf(QLatin1Char(':'));
        spec.host = colon < 0 ? authority : authority.left(colon);
        authority = colon < 0 ? QString() : authority.mid(colon);
    }
    if (authority.contains(QLatin1Char(':'))) {
        bool ok = false;
        const int port = authority.mid(authority.indexOf(QLatin1Char(':')) + 1).toInt(&ok);
        if (!ok || port < 1 || port > 65535) {
            fail(error, QStringLiteral("invalid port in target '%1'").arg(text));
            return std::nullopt;
        }
        spec.port = port;
    }
    if (!isPlainWord(spec.host)) {
        fail(error, QStringLiteral("invalid host '%1' in target '%2'").arg(spec.host, text));
        return std::nullopt;
    }
    return spec;
}

QString TargetSpec::toString() const
{
    if (kind == Kind::Local) {
        return QStringLiteral("local/") + container;
    }
    QString s = QStringLiteral("ssh://");
    if (!user.isEmpty()) {
        s += user + QLatin1Char('@');
    }
    s += host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    if (port > 0) {
        s += QLatin1Char(':') + QString::number(port);
    }
    return s + QLatin1Char('/') + container;
}

} // namespace heapwatch
