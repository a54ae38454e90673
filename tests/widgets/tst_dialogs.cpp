// Dialogs: the SSH prompter answers a worker thread's host-key and password questions through real dialogs
// and never deadlocks (cancelPending() releases a waiting worker and closes its dialog); the thresholds
// editor restores the seed defaults; the target dialog offers ~/.ssh/config aliases and builds target strings.
#include "GuiPrompter.h"
#include "HostKeyDialog.h"
#include "SecretDialog.h"
#include "TargetDialog.h"
#include "ThresholdsDialog.h"

#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
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

    void thresholdsRestoreDefaults()
    {
        Thresholds custom;
        custom.rssMiB = {500, 600};
        custom.cacheHitRatePercent = {40, 20};
        ThresholdsDialog dialog(QStringLiteral("pangolin"), custom);
        QCOMPARE(dialog.thresholds().rssMiB.warning, 500.0);
        QCOMPARE(dialog.thresholds().cacheHitRatePercent.critical, 20.0);
        QPushButton* restore = button(&dialog, QStringLiteral("Restore seed defaults"));
        QVERIFY(restore);
        restore->click();
        const Thresholds t = dialog.thresholds();
        QCOMPARE(t.rssMiB.warning, 350.0);
        QCOMPARE(t.rssMiB.critical, 370.0);
        QCOMPARE(t.heapUsagePercent.critical, 95.0);
        QCOMPARE(t.cacheHitRatePercent.warning, 50.0);
        QCOMPARE(t.growthMinObservationMinutes, 30.0);
    }

    void targetDialog()
    {
        QTemporaryFile config;
        QVERIFY(config.open());
        config.write("Host web1 web2\n  HostName 10.0.0.1\nHost *.internal !bastion\nHost=db\nHostName ignored\n");
        config.close();
        QCOMPARE(TargetDialog::sshConfigAliases(config.fileName()),
                 QStringList({QStringLiteral("web1"), QStringLiteral("web2"), QStringLiteral("db")}));

        TargetDialog dialog;
        dialog.setEntry(TargetEntry::remote(QStringLiteral("ssh://ops@web1:2222/pangolin")));
        QCOMPARE(dialog.targetString(), QStringLiteral("ssh://ops@web1:2222/pangolin"));
        dialog.setEntry(TargetEntry::remote(QStringLiteral("web1/pangolin")));
        QCOMPARE(dialog.targetString(), QStringLiteral("web1/pangolin"));
        dialog.setEntry(TargetEntry::remote(QStringLiteral("local/pangolin")));
        QCOMPARE(dialog.targetString(), QStringLiteral("local/pangolin"));
        QCOMPARE(dialog.entry().location, QStringLiteral("local/pangolin"));
    }
};

QTEST_MAIN(TestDialogs)
#include "tst_dialogs.moc"
