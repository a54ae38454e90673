// Target::recordHistory apart from the rest of Target: the one place that constructs a HistoryRecorder, so that
// linking Target alone (the offline `check` in the executable) does not pull in the history store and QtSql.
#include "HistoryRecorder.h"
#include "Target.h"

namespace heapwatch {

void Target::recordHistory(HistoryStore* store, const QString& key, const QString& displayName)
{
    auto recorder = std::make_unique<HistoryRecorder>(store, key, displayName);
    recorder->attach(m_state);
    m_recorder = std::move(recorder);
    m_saveTimer.setInterval(HistoryRecorder::kSaveIntervalMs);
    m_saveTimer.setTimerType(Qt::CoarseTimer);
    connect(&m_saveTimer, &QTimer::timeout, this, &Target::saveHistory, Qt::UniqueConnection);
}

} // namespace heapwatch
