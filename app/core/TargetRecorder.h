// What a Target asks of the recorder that keeps it in the history store (HistoryRecorder, in the store's own
// library): an interface of the core's types, so that Target, and what links it without the store (the
// executable's offline `check`), needs neither the store's code nor QtSql.
#pragma once

#include "Assessment.h"
#include "Source.h"
#include "TargetState.h"

#include <QString>

namespace heapwatch {

class TargetRecorder
{
public:
    // A long history arriving at once (a backfill) is saved, and so dropped from memory, once one of the state's
    // rings holds this many sealed chunks not saved yet, rather than all at the next save.
    static constexpr qint64 kSaveAfterChunks = 8;

    virtual ~TargetRecorder();

    // The target's key in the store (TargetConfig::key()).
    virtual const QString& key() const = 0;
    // What the store holds of the target, to restore before the backfill (*error says why it is empty).
    virtual RestoredHistory restore(qint64 nowMs, QString* error) = 0;
    // The state has taken what restore() returned.
    virtual void restored(const TargetState& state) = 0;
    // Drops from memory what the store has committed and the charts rarely show; returns the chunks dropped.
    virtual qsizetype dropStored(TargetState& state) = 0;
    // The most sealed chunks one of the state's rings holds that were not saved yet.
    virtual qint64 unsavedSealedChunks(const TargetState& state) const = 0;
    // Saves what changed since the last save; judged: the assessment once the backfill is in, else nullptr.
    virtual void save(const TargetState& state, const Assessment* judged, qint64 nowMs) = 0;
    // Outages of the connection after it was up once.
    virtual void noteConnection(const ConnectionStatus& status, qint64 nowMs) = 0;
};

} // namespace heapwatch
