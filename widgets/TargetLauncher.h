// Creates, starts and disposes of the window's targets. Remote targets get a GuiPrompter each (so that
// stopping one cancels only its own questions); a saved log is read in a worker thread so that a large
// file never freezes the window; a target still reading its file is deleted once the worker let go of it.
#pragma once

#include "TargetEntry.h"

#include <QHash>
#include <QObject>
#include <QPointer>

class QThread;
class QWidget;

namespace heapwatch {

class GuiPrompter;
class Target;

class TargetLauncher : public QObject
{
    Q_OBJECT
public:
    TargetLauncher(QWidget* dialogParent, QObject* parent = nullptr);
    ~TargetLauncher() override;

    // nullptr with *error when the entry cannot be opened. The target is a child of targetParent.
    Target* create(const TargetEntry& entry, QObject* targetParent, QString* error);
    void start(Target* target, const TargetEntry& entry);
    bool isLoading(Target* target) const { return m_loading.contains(target); }
    void dispose(Target* target);
    // Cancels the pending SSH questions of a target and forgets its prompter (target removed).
    void forget(const QString& key);
    void cancelPrompts(const QString& key);

private:
    QPointer<QWidget> m_dialogParent;
    QHash<QString, GuiPrompter*> m_prompters;
    QHash<Target*, QThread*> m_loading;
};

} // namespace heapwatch
