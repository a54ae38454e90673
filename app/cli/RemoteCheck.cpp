#include "RemoteCheck.h"

#include "CheckCommand.h"
#include "PlainText.h"
#include "SafeMath.h"
#include "SourceFactory.h"
#include "Target.h"

#include <QEventLoop>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QTextStream>
#include <QTimer>

namespace heapwatch {
namespace {

// Without --watch: how long to wait for the backfill and a first stats sample before judging what is there.
constexpr int kDefaultDeadlineMs = 60 * 1000;

bool isFatal(ConnectionStatus::State s)
{
    return s == ConnectionStatus::State::AuthenticationFailed || s == ConnectionStatus::State::HostKeyRefused
        || s == ConnectionStatus::State::Failed;
}

} // namespace

std::unique_ptr<Target> RemoteCheck::watch(const TargetConfig& config, qint64 watchSeconds,
                                           const Thresholds& thresholds, QTextStream& err, QString* error)
{
    const QString spec = config.location;
    auto source = createSource(config, SourceContext {}, error);
    if (!source)
        return nullptr;
    auto target = std::make_unique<Target>(std::move(source), thresholds);
    // The streams' notes (the container's presence, where its stats and log come from) are for the console's
    // and serve's logs; a check prints its verdict, and the report names the sources. A cron job would mail
    // the notes on every run. Warnings stay; QT_LOGGING_RULES (applied after these rules) brings the notes back.
    QLoggingCategory::setFilterRules(QStringLiteral("default.info=false"));

    QEventLoop loop;
    QString failure;
    bool backfilled = false;
    auto doneIfReady = [&] {
        if (watchSeconds < 0 && backfilled && !target->state().stats().isEmpty())
            loop.quit();
    };
    QObject::connect(target.get(), &Target::connectionChanged, &loop, [&](const ConnectionStatus& status) {
        using C = ConnectionStatus::Container;
        const bool noContainer = status.state == ConnectionStatus::State::Connected
            && (status.container == C::Absent || status.container == C::EngineError);
        if (isFatal(status.state)) {
            failure = status.message.isEmpty() ? toString(status.state) : oneLine(status.message);
            loop.quit();
        } else if (noContainer && watchSeconds < 0 && target->state().lastDataMs() < 0) {
            // A one-shot check does not wait for a container that is not there (serve and the console do).
            failure = oneLine(status.message);
            loop.quit();
        } else if (status.state == ConnectionStatus::State::Reconnecting && !status.message.isEmpty()) {
            err << "heapwatch check: " << oneLine(status.message) << "; reconnecting in " << status.retryInSeconds
                << " s\n";
            err.flush();
        }
    });
    QObject::connect(target.get(), &Target::backfillFinished, &loop, [&] {
        backfilled = true;
        doneIfReady();
    });
    QObject::connect(target.get(), &Target::changed, &loop, doneIfReady);
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    deadline.start(watchSeconds >= 0 ? int(std::min<qint64>(safe::mul(watchSeconds, 1000), INT_MAX))
                                     : kDefaultDeadlineMs);

    target->start();
    loop.exec();
    target->stop();

    if (!failure.isEmpty()) {
        *error = failure;
        return nullptr;
    }
    if (!backfilled && target->state().lastDataMs() < 0) {
        *error = QStringLiteral("no data from %1 within %2 s (%3)")
                     .arg(spec)
                     .arg(deadline.interval() / 1000)
                     .arg(toString(target->state().connection().state));
        return nullptr;
    }
    return target;
}

int CheckCommand::run(const QStringList& arguments, QTextStream& out, QTextStream& err)
{
    return run(arguments, out, err, &RemoteCheck::watch);
}

} // namespace heapwatch
