#include "SshConfig.h"

#include <QFile>
#include <QRegularExpression>

namespace heapwatch {

QStringList sshConfigAliases(const QString& path)
{
    QStringList out;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return out;
    // Only `Host` keywords are read; everything else in the file is libssh's business.
    while (!file.atEnd() && out.size() < 500) {
        const QString line = QString::fromUtf8(file.readLine(4096)).trimmed();
        if (!line.startsWith(QLatin1String("Host"), Qt::CaseInsensitive) || line.size() < 5)
            continue;
        const QChar sep = line.at(4);
        if (!sep.isSpace() && sep != QLatin1Char('='))
            continue; // HostName, HostKeyAlias, …
        const QStringList words = line.mid(5).split(QRegularExpression(QStringLiteral("[\\s=]+")), Qt::SkipEmptyParts);
        for (const QString& w : words) {
            if (w.contains(QLatin1Char('*')) || w.contains(QLatin1Char('?')) || w.startsWith(QLatin1Char('!')))
                continue;
            if (!out.contains(w))
                out << w;
        }
    }
    return out;
}

} // namespace heapwatch
