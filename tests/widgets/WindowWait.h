// Shared by the tests that drive the real main window: wait until the selected target's history is in.
#pragma once

#include "MainWindow.h"
#include "Target.h"

#include <QCoreApplication>
#include <QSignalSpy>

namespace heapwatch::test {

// True once the current target has delivered its backfill (at most 20 s), with the events it queued handled.
inline bool waitForBackfill(MainWindow& w)
{
    Target* t = w.currentTarget();
    if (!t)
        return false;
    if (!t->backfillDone()) {
        QSignalSpy spy(t, &Target::backfillFinished);
        if (!spy.wait(20000))
            return false;
    }
    QCoreApplication::processEvents();
    return true;
}

} // namespace heapwatch::test
