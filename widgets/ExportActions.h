// File > Export: the charts as PNG, the samples of the visible range as CSV, and the incident report of the
// visible range as Markdown, each through a save dialog and an atomic write (QSaveFile).
#pragma once

#include <QString>

class QWidget;

namespace heapwatch {

class Target;

class ExportActions
{
public:
    static void chartsPng(QWidget* parent, QWidget* charts, const Target& target);
    static void samplesCsv(QWidget* parent, const Target& target, qint64 t0, qint64 t1);
    static void incidentReport(QWidget* parent, const Target& target, qint64 t0, qint64 t1);
    // "heapwatch-pangolin-20260114-100500"
    static QString baseName(const Target& target);
};

} // namespace heapwatch
