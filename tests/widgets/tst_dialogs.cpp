// Dialogs: the SSH prompter answers a worker thread's host-key and password questions through real dialogs
// and never deadlocks (cancelPending() releases a waiting worker and closes its dialog); the thresholds
// editor restores the defaults; the target dialog offers ~/.ssh/config aliases, builds target strings and
// lists the running containers (the local engine path, with tests/ssh/fake-docker.sh as `docker` on PATH);
// a secret is remembered only when the user ticks the box and the keyring is available, is answered from the
// keyring on the next first attempt without a dialog, and is deleted from it when the server rejects it.
#include "GuiPrompter.h"
#include "HostKeyDialog.h"
#include "SecretDialog.h"
#include "SshConfig.h"
#include "TargetDialog.h"
#include "ThresholdsDialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScopeGuard>
#include <QSettings>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTemporaryFile>
#include <QTest>
#include <QThread>
#include <QWidget>
#include <atomic>

using namespace heapwatch;

namespace {
HostKeyQuestion hostKeyQuestion()
{
    HostKeyQuestion q;
    q.host = QStringLiteral("127.0.0.1");
    q.port = 2222;
    q.keyType = QStringLiteral("ssh-ed25519");
    q.fingerprint = QStringLiteral("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU");
    q.knownHostsFile = QStringLiteral("/tmp/known_hosts");
    return q;
}

template<typename T> T* waitForDialog(QWidget* parent)
{
    T* found = nullptr;
    const bool appeared = QTest::qWaitFor(
        [&] {
            const auto list = parent->findChildren<T*>();
            for (T* d : list) {
                if (d->isVisible())
                    found = d;
            }
            return found != nullptr;
        },
        5000);
    return appeared ? found : nullptr;
}

// An in-memory keyring (no keyring daemon in the tests); counts what the prompter does with it.
class FakeKeyring : public Keyring
{
public:
    bool available = true;
    QHash<QString, QString> store;
    int reads = 0;
    int writes = 0;
    int removes = 0;
    bool wrongThread = false;

    bool isAvailable() const override { return available; }
    std::optional<QString> read(const QString& key) override
    {
        check();
        ++reads;
        if (!store.contains(key))
            return std::nullopt;
        return store.value(key);
    }
    bool write(const QString& key, const QString& secret, QString*) override
    {
        check();
        ++writes;
        store.insert(key, secret);
        return true;
    }
    void remove(const QString& key) override
    {
        check();
        ++removes;
        store.remove(key);
    }

private:
    void check() { wrongThread |= QThread::currentThread() != qApp->thread(); }
};

SecretQuestion passwordQuestion(int attempt = 1)
{
    SecretQuestion q;
    q.kind = SecretQuestion::Kind::Password;
    q.user = QStringLiteral("ops");
    q.host = QStringLiteral("127.0.0.1");
    q.port = 2222;
    q.prompt = QStringLiteral("Password for ops@127.0.0.1:");
    q.attempt = attempt;
    q.rememberKey = QStringLiteral("ssh-password:ops@127.0.0.1:2222");
    return q;
}

// Asks q from a worker thread, as an SSH host does; returns the answer once the worker is done.
class Asker
{
public:
    Asker(Prompter& p, const SecretQuestion& q)
        : m_thread(QThread::create([this, &p, q] { m_answer = p.askSecret(q); }))
    {
        m_thread->start();
    }
    ~Asker()
    {
        wait();
        m_thread->wait();
        delete m_thread;
    }
    // Keeps the GUI thread's event loop running: the prompter reads the keyring there.
    bool wait()
    {
        return QTest::qWaitFor([this] { return m_thread->isFinished(); }, 5000);
    }
    std::optional<QString> answer() const { return m_answer; }

private:
    std::optional<QString> m_answer;
    QThread* m_thread;
};

// Reports to the prompter from a worker thread, as SshAuthenticator does.
void fromWorker(const std::function<void()>& f)
{
    QThread* t = QThread::create(f);
    t->start();
    t->wait();
    delete t;
}

bool writeFile(const QString& path, const QByteArray& data, bool executable = false)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(data) != data.size())
        return false;
    if (executable)
        f.setPermissions(f.permissions() | QFileDevice::ExeOwner | QFileDevice::ReadOwner);
    return true;
}

// Puts dir first in PATH until the guard goes out of scope.
auto prependPath(const QString& dir)
{
    const QByteArray old = qgetenv("PATH");
    qputenv("PATH", QFile::encodeName(dir) + ':' + old);
    return qScopeGuard([old] { qputenv("PATH", old); });
}

QPushButton* button(QWidget* dialog, const QString& text)
{
    for (QPushButton* b : dialog->findChildren<QPushButton*>()) {
        if (b->text() == text)
            return b;
    }
    return nullptr;
}
} // namespace

class TestDialogs : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location, not the user's
        QCoreApplication::setOrganizationName(QStringLiteral("heapwatch-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_dialogs"));
        QSettings().clear();
    }

    void hostKeyFromWorker()
    {
        QWidget window;
        window.show();
        GuiPrompter prompter(&window);
        std::atomic<int> decision {-1};
        QThread* worker = QThread::create([&] { decision = int(prompter.confirmHostKey(hostKeyQuestion())); });
        worker->start();
        HostKeyDialog* dialog = waitForDialog<HostKeyDialog>(&window);
        QVERIFY(dialog);
        QCOMPARE(dialog->findChild<QLineEdit*>(QStringLiteral("fingerprint"))->text(), hostKeyQuestion().fingerprint);
        QPushButton* reject = button(dialog, QStringLiteral("Reject"));
        QVERIFY(reject && reject->isDefault()); // Enter never trusts a key
        button(dialog, QStringLiteral("Trust once"))->click();
        QVERIFY(worker->wait(5000));
        QCOMPARE(decision.load(), int(HostKeyDecision::AcceptOnce));
        delete worker;
    }

    void cancelReleasesWorker()
    {
        QWidget window;
        window.show();
        GuiPrompter prompter(&window);
        std::atomic<int> decision {-1};
        QThread* worker = QThread::create([&] { decision = int(prompter.confirmHostKey(hostKeyQuestion())); });
        worker->start();
        QPointer<HostKeyDialog> dialog = waitForDialog<HostKeyDialog>(&window);
        QVERIFY(dialog);
        prompter.cancelPending(); // what stopping a source does, from the stopping thread
        QVERIFY(worker->wait(2000));
        QCOMPARE(decision.load(), int(HostKeyDecision::Reject));
        QTRY_VERIFY(!dialog || !dialog->isVisible());
        delete worker;
        // Until reset, new questions are refused at once.
        std::optional<QString> secret = QStringLiteral("x");
        QThread* second = QThread::create([&] { secret = prompter.askSecret(SecretQuestion {}); });
        second->start();
        QVERIFY(second->wait(2000));
        QVERIFY(!secret.has_value());
        delete second;
    }

    void passwordFromWorker()
    {
        QWidget window;
        window.show();
        GuiPrompter prompter(&window);
        std::optional<QString> answer;
        SecretQuestion q;
        q.kind = SecretQuestion::Kind::Password;
        q.user = QStringLiteral("ops");
        q.host = QStringLiteral("web1");
        q.prompt = QStringLiteral("<b>Password:</b>");
        QThread* worker = QThread::create([&] { answer = prompter.askSecret(q); });
        worker->start();
        SecretDialog* dialog = waitForDialog<SecretDialog>(&window);
        QVERIFY(dialog);
        auto* edit = dialog->findChild<QLineEdit*>(QStringLiteral("secret"));
        QCOMPARE(edit->echoMode(), QLineEdit::Password);
        QTest::keyClicks(edit, QStringLiteral("s3cret"));
        dialog->accept();
        QVERIFY(worker->wait(5000));
        QCOMPARE(answer.value_or(QString()), QStringLiteral("s3cret"));
        delete worker;
    }

    // A keyboard-interactive prompt and instruction are the server's text: shown plain, no controls.
    void secretDialogShowsServerTextPlain_data()
    {
        QTest::addColumn<QString>("instruction");
        QTest::addColumn<QString>("prompt");
        QTest::addRow("escapes") << QStringLiteral("Duo\x1b]0;owned\x07 two-factor\r\n\x1b[2Jchoose")
                                 << QStringLiteral("\x1b[31mPasscode:\x1b[0m");
        QTest::addRow("bidi and c1") << QStringLiteral("code \u202efdp.exe \u009b31m")
                                     << QStringLiteral("Passcode\u2066:\u2069");
    }
    void secretDialogShowsServerTextPlain()
    {
        QFETCH(QString, instruction);
        QFETCH(QString, prompt);
        SecretQuestion q = passwordQuestion();
        q.kind = SecretQuestion::Kind::KeyboardInteractive;
        q.rememberKey.clear();
        q.instruction = instruction;
        q.prompt = prompt;
        SecretDialog dialog(q, nullptr, true);
        bool sawPrompt = false;
        for (QLabel* label : dialog.findChildren<QLabel*>()) {
            QCOMPARE(label->textFormat(), Qt::PlainText);
            for (const QChar c : label->text()) {
                const char16_t u = c.unicode();
                QVERIFY2((u >= 0x20 || u == u'\n') && !(u >= 0x7f && u <= 0x9f) && !(u >= 0x202a && u <= 0x202e)
                             && !(u >= 0x2066 && u <= 0x2069),
                         qPrintable(QStringLiteral("U+%1 in %2").arg(int(u), 4, 16).arg(label->text())));
            }
            sawPrompt = sawPrompt || label->text().contains(QLatin1String("Passcode"));
        }
        QVERIFY(sawPrompt);
    }

    void secretDialogRememberOffer()
    {
        SecretQuestion q = passwordQuestion();
        {
            SecretDialog dialog(q, nullptr, true);
            auto* remember = dialog.findChild<QCheckBox*>(QStringLiteral("remember"));
            QVERIFY(remember);
            QVERIFY(remember->isEnabled());
            QVERIFY(!remember->isChecked()); // opt-in
            QVERIFY(!dialog.remember());
            remember->setChecked(true);
            QVERIFY(dialog.remember());
        }
        {
            SecretDialog dialog(q, nullptr, false); // no keyring: offered but disabled
            auto* remember = dialog.findChild<QCheckBox*>(QStringLiteral("remember"));
            QVERIFY(remember);
            QVERIFY(!remember->isEnabled());
            remember->setChecked(true);
            QVERIFY(!dialog.remember());
        }
        q.kind = SecretQuestion::Kind::KeyboardInteractive;
        q.rememberKey.clear(); // one-time codes are never offered
        SecretDialog dialog(q, nullptr, true);
        QVERIFY(!dialog.findChild<QCheckBox*>(QStringLiteral("remember")));
        QVERIFY(!dialog.remember());
    }

    void rememberedSecretTriedFirstAndForgottenWhenRejected()
    {
        QWidget window;
        window.show();
        auto keyring = std::make_shared<FakeKeyring>();
        GuiPrompter prompter(&window, nullptr, keyring);
        const SecretQuestion q = passwordQuestion();

        // 1. Nothing remembered: the dialog asks; the user opts in.
        {
            Asker ask(prompter, q);
            SecretDialog* dialog = waitForDialog<SecretDialog>(&window);
            QVERIFY(dialog);
            auto* remember = dialog->findChild<QCheckBox*>(QStringLiteral("remember"));
            QVERIFY(remember && remember->isEnabled());
            QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("secret")), QStringLiteral("s3cret"));
            remember->setChecked(true);
            dialog->accept();
            QVERIFY(ask.wait());
            QCOMPARE(ask.answer().value_or(QString()), QStringLiteral("s3cret"));
        }
        QCOMPARE(keyring->reads, 1);
        QCOMPARE(keyring->writes, 0); // not before the server accepted it
        fromWorker([&] { prompter.secretAccepted(q, QStringLiteral("s3cret")); });
        QTRY_COMPARE(keyring->store.value(q.rememberKey), QStringLiteral("s3cret"));
        QCOMPARE(keyring->writes, 1);

        // 2. The next connection: answered from the keyring, no dialog.
        {
            Asker ask(prompter, q);
            QVERIFY(ask.wait());
            QCOMPARE(ask.answer().value_or(QString()), QStringLiteral("s3cret"));
        }
        QCOMPARE(keyring->reads, 2);
        QTest::qWait(100);
        for (SecretDialog* d : window.findChildren<SecretDialog*>())
            QVERIFY(!d->isVisible());
        fromWorker([&] { prompter.secretAccepted(q, QStringLiteral("s3cret")); });
        QTest::qWait(50);
        QCOMPARE(keyring->writes, 1); // already there: not written again

        // 3. The password changed on the server: the remembered one is rejected and deleted, the user is asked.
        {
            Asker ask(prompter, q);
            QVERIFY(ask.wait());
            QCOMPARE(ask.answer().value_or(QString()), QStringLiteral("s3cret"));
        }
        fromWorker([&] { prompter.secretRejected(q); });
        QTRY_VERIFY(!keyring->store.contains(q.rememberKey));
        QCOMPARE(keyring->removes, 1);
        const int readsBefore = keyring->reads;
        {
            Asker ask(prompter, passwordQuestion(2));
            SecretDialog* dialog = waitForDialog<SecretDialog>(&window);
            QVERIFY(dialog);
            QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("secret")), QStringLiteral("n3w"));
            dialog->accept(); // not ticked this time
            QVERIFY(ask.wait());
            QCOMPARE(ask.answer().value_or(QString()), QStringLiteral("n3w"));
        }
        QCOMPARE(keyring->reads, readsBefore); // a second attempt never reads the keyring
        fromWorker([&] { prompter.secretAccepted(passwordQuestion(2), QStringLiteral("n3w")); });
        QTest::qWait(50);
        QCOMPARE(keyring->writes, 1);
        QVERIFY(keyring->store.isEmpty());

        // 4. A typed secret that is rejected is never stored, even when the box was ticked.
        {
            Asker ask(prompter, q);
            SecretDialog* dialog = waitForDialog<SecretDialog>(&window);
            QVERIFY(dialog);
            QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("secret")), QStringLiteral("typo"));
            dialog->findChild<QCheckBox*>(QStringLiteral("remember"))->setChecked(true);
            dialog->accept();
            QVERIFY(ask.wait());
        }
        fromWorker([&] { prompter.secretRejected(q); });
        fromWorker([&] { prompter.secretAccepted(passwordQuestion(2), QStringLiteral("later")); });
        QTest::qWait(50);
        QCOMPARE(keyring->writes, 1);
        QCOMPARE(keyring->removes, 1); // it did not come from the keyring: nothing to delete
        QVERIFY(!keyring->wrongThread); // the keyring is only used in the GUI thread
    }

    void unavailableKeyringNeverUsed()
    {
        QWidget window;
        window.show();
        auto keyring = std::make_shared<FakeKeyring>();
        keyring->available = false;
        keyring->store.insert(passwordQuestion().rememberKey, QStringLiteral("stale"));
        GuiPrompter prompter(&window, nullptr, keyring);
        const SecretQuestion q = passwordQuestion();
        Asker ask(prompter, q);
        SecretDialog* dialog = waitForDialog<SecretDialog>(&window); // asked although a secret is "stored"
        QVERIFY(dialog);
        auto* remember = dialog->findChild<QCheckBox*>(QStringLiteral("remember"));
        QVERIFY(remember && !remember->isEnabled());
        remember->setChecked(true);
        QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("secret")), QStringLiteral("pw"));
        dialog->accept();
        QVERIFY(ask.wait());
        QCOMPARE(ask.answer().value_or(QString()), QStringLiteral("pw"));
        fromWorker([&] { prompter.secretAccepted(q, QStringLiteral("pw")); });
        QTest::qWait(50);
        QCOMPARE(keyring->reads, 0);
        QCOMPARE(keyring->writes, 0);
    }

    void systemKeyringOnlyOpensMarkedKeys()
    {
        // No marker in QSettings: the system keyring is not even opened (a locked wallet would prompt).
        SystemKeyring keyring;
        const QString key = QStringLiteral("ssh-password:ops@web/1:22");
        QCOMPARE(SystemKeyring::markerKey(key), QStringLiteral("keyring/ssh-password:ops@web_1:22"));
        QElapsedTimer t;
        t.start();
        QVERIFY(!keyring.read(key).has_value());
        QVERIFY(t.elapsed() < 1000);
        QVERIFY(!QSettings().contains(SystemKeyring::markerKey(key)));
    }

    void thresholdsRestoreDefaults()
    {
        Thresholds custom;
        custom.rssMiB = {500, 600};
        custom.cacheHitRatePercent = {40, 20};
        custom.heapUsageSustain = {4, 0};
        custom.eventWindowMinutes = 240;
        ThresholdsDialog dialog(QStringLiteral("pangolin"), custom);
        QCOMPARE(dialog.thresholds().rssMiB.warning, 500.0);
        QCOMPARE(dialog.thresholds().heapUsageSustain.samples, 4.0);
        QCOMPARE(dialog.thresholds().eventWindowMinutes, 240.0);
        QCOMPARE(dialog.thresholds().cacheHitRatePercent.critical, 20.0);
        QPushButton* restore = button(&dialog, QStringLiteral("Restore defaults"));
        QVERIFY(restore);
        restore->click();
        const Thresholds t = dialog.thresholds();
        QCOMPARE(t.rssMiB.warning, 350.0);
        QCOMPARE(t.rssMiB.critical, 370.0);
        QCOMPARE(t.heapUsagePercent.critical, 95.0);
        QCOMPARE(t.cacheHitRatePercent.warning, 50.0);
        QCOMPARE(t.growthMinObservationMinutes, 30.0);
        QCOMPARE(t.heapUsageSustain.samples, 2.0);
        QCOMPARE(t.eventWindowMinutes, 60.0);
        QCOMPARE(t.rssSustain.seconds, 120.0);
    }

    void targetDialog()
    {
        QTemporaryFile config;
        QVERIFY(config.open());
        config.write("Host web1 web2\n  HostName 10.0.0.1\nHost *.internal !bastion\nHost=db\nHostName ignored\n");
        config.close();
        QCOMPARE(sshConfigAliases(config.fileName()),
                 QStringList({QStringLiteral("web1"), QStringLiteral("web2"), QStringLiteral("db")}));

        TargetDialog dialog;
        dialog.setEntry(TargetConfig::remote(QStringLiteral("ssh://ops@web1:2222/pangolin")));
        QCOMPARE(dialog.targetString(), QStringLiteral("ssh://ops@web1:2222/pangolin"));
        dialog.setEntry(TargetConfig::remote(QStringLiteral("web1/pangolin")));
        QCOMPARE(dialog.targetString(), QStringLiteral("web1/pangolin"));
        dialog.setEntry(TargetConfig::remote(QStringLiteral("local/pangolin")));
        QCOMPARE(dialog.targetString(), QStringLiteral("local/pangolin"));
        QCOMPARE(dialog.entry().location, QStringLiteral("local/pangolin"));
    }

    void targetDialogListsContainers()
    {
        // The fake docker of the SSH tests, as `docker` on this machine's PATH, with a container named okapi.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString state = dir.filePath(QStringLiteral("state"));
        const QString bin = dir.filePath(QStringLiteral("bin"));
        QVERIFY(QDir().mkpath(state) && QDir().mkpath(bin));
        QVERIFY(writeFile(state + QStringLiteral("/name"), "okapi\n"));
        QVERIFY(writeFile(state + QStringLiteral("/id"), "0123456789abcdef0123\n"));
        QVERIFY(writeFile(state + QStringLiteral("/status"), "running\n"));
        const QString script = QStringLiteral(HEAPWATCH_TESTS_DIR) + QStringLiteral("/ssh/fake-docker.sh");
        QVERIFY(QFile::exists(script));
        QVERIFY(writeFile(bin + QStringLiteral("/docker"),
                          QStringLiteral("#!/bin/bash\nexport FAKE_DOCKER_STATE='%1'\nexec /bin/bash '%2' \"$@\"\n")
                              .arg(state, script)
                              .toUtf8(),
                          true));
        const auto restorePath = prependPath(bin);

        TargetDialog dialog;
        dialog.show();
        dialog.setEntry(TargetConfig::remote(QStringLiteral("local/typed")));
        auto* box = dialog.findChild<QComboBox*>(QStringLiteral("container"));
        auto* status = dialog.findChild<QLabel*>(QStringLiteral("containerListStatus"));
        auto* list = dialog.findChild<QPushButton*>(QStringLiteral("listContainers"));
        QVERIFY(box && status && list);
        QVERIFY(box->isEditable());
        QCOMPARE(box->count(), 0);

        list->click();
        QVERIFY(dialog.isListing()); // returned at once: the listing runs in a worker thread
        QVERIFY(!list->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isListing(), 20000);
        QVERIFY(list->isEnabled());
        QCOMPARE(box->count(), 1);
        const auto* model = qobject_cast<QStandardItemModel*>(box->model());
        QVERIFY(model);
        QCOMPARE(model->item(0, 0)->text(), QStringLiteral("okapi"));
        QCOMPARE(model->item(0, 1)->text(), QStringLiteral("<no image>"));
        QCOMPARE(model->item(0, 2)->text(), QStringLiteral("Up 37 seconds"));
        QVERIFY(model->item(0, 0)->toolTip().contains(QStringLiteral("0123456789ab")));
        QVERIFY(status->isVisible());
        QVERIFY2(status->text().contains(QStringLiteral("1 running container on this machine (docker)")),
                 qPrintable(status->text()));
        QCOMPARE(box->currentText(), QStringLiteral("typed")); // what was typed stays until a name is picked
        // HEAPWATCH_SCREENSHOT_DIALOG=path keeps a picture of the dialog with its list.
        if (const QByteArray keep = qgetenv("HEAPWATCH_SCREENSHOT_DIALOG"); !keep.isEmpty())
            QVERIFY(dialog.grab().save(QString::fromLocal8Bit(keep), "PNG"));

        box->setCurrentIndex(0);
        QCOMPARE(dialog.targetString(), QStringLiteral("local/okapi"));
        QCOMPARE(dialog.entry().location, QStringLiteral("local/okapi"));
        // Still free text: a container that is not running (yet) can be typed.
        box->setEditText(QStringLiteral("other"));
        QCOMPARE(dialog.targetString(), QStringLiteral("local/other"));

        QFile invocations(state + QStringLiteral("/invocations.log"));
        QVERIFY(invocations.open(QIODevice::ReadOnly));
        QVERIFY(invocations.readAll().contains(" ps --format {{json .}}"));

        // Another host: the old list no longer applies.
        dialog.setEntry(TargetConfig::remote(QStringLiteral("ssh://ops@web1/pangolin")));
        QCOMPARE(box->count(), 0);
        QVERIFY(status->isHidden());
    }

    void targetDialogShowsListingError()
    {
        // A docker CLI whose daemon is down: the error the CLI printed is shown, the name can still be typed.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(writeFile(dir.filePath(QStringLiteral("docker")),
                          "#!/bin/sh\necho 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is "
                          "the docker daemon running?' >&2\nexit 1\n",
                          true));
        const auto restorePath = prependPath(dir.path());
        TargetDialog dialog;
        dialog.show();
        dialog.setEntry(TargetConfig::remote(QStringLiteral("local/pangolin")));
        auto* status = dialog.findChild<QLabel*>(QStringLiteral("containerListStatus"));
        dialog.listContainers();
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isListing(), 20000);
        QVERIFY(status->isVisible());
        QVERIFY2(status->text().startsWith(QStringLiteral("Cannot list containers: `docker ps` failed on this machine "
                                                          "(exit status 1): Cannot connect to the Docker daemon")),
                 qPrintable(status->text()));
        QCOMPARE(dialog.findChild<QComboBox*>(QStringLiteral("container"))->count(), 0);
        QCOMPARE(dialog.targetString(), QStringLiteral("local/pangolin"));
    }

    void targetDialogNeedsHostToList()
    {
        TargetDialog dialog;
        dialog.show();
        dialog.listContainers();
        QVERIFY(!dialog.isListing());
        auto* status = dialog.findChild<QLabel*>(QStringLiteral("containerListStatus"));
        QCOMPARE(status->text(), QStringLiteral("Enter a host to list its containers."));
    }
};

QTEST_MAIN(TestDialogs)
#include "tst_dialogs.moc"
