#include "SecretStore.h"

#ifdef HEAPWATCH_HAVE_KEYCHAIN
#    include <QEventLoop>
#    include <QTimer>
#    include <qt6keychain/keychain.h>
#endif

namespace heapwatch {

#ifdef HEAPWATCH_HAVE_KEYCHAIN

namespace {

// Runs a QtKeychain job to completion; a keyring that does not answer in 10 s counts as an error.
bool runJob(QKeychain::Job& job)
{
    QEventLoop loop;
    bool timedOut = false;
    QObject::connect(&job, &QKeychain::Job::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, [&] {
        timedOut = true;
        loop.quit();
    });
    job.setAutoDelete(false);
    job.start();
    loop.exec();
    return !timedOut && job.error() == QKeychain::NoError;
}

} // namespace

bool SecretStore::isAvailable()
{
    return true;
}

std::optional<QString> SecretStore::read(const QString& key)
{
    QKeychain::ReadPasswordJob job(QString::fromLatin1(kService));
    job.setKey(key);
    if (!runJob(job)) {
        return std::nullopt;
    }
    return job.textData();
}

bool SecretStore::write(const QString& key, const QString& secret, QString* error)
{
    QKeychain::WritePasswordJob job(QString::fromLatin1(kService));
    job.setKey(key);
    job.setTextData(secret);
    const bool ok = runJob(job);
    if (!ok && error) {
        *error = job.errorString().isEmpty() ? QStringLiteral("the keyring did not answer") : job.errorString();
    }
    return ok;
}

void SecretStore::remove(const QString& key)
{
    QKeychain::DeletePasswordJob job(QString::fromLatin1(kService));
    job.setKey(key);
    runJob(job);
}

#else

bool SecretStore::isAvailable()
{
    return false;
}

std::optional<QString> SecretStore::read(const QString&)
{
    return std::nullopt;
}

bool SecretStore::write(const QString&, const QString&, QString* error)
{
    if (error) {
        *error = QStringLiteral("heapwatch was built without QtKeychain");
    }
    return false;
}

void SecretStore::remove(const QString&) { }

#endif

} // namespace heapwatch
