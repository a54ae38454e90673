#include "ExportActions.h"

#include "SampleCsvWriter.h"
#include "StateReport.h"
#include "Target.h"

#include <QApplication>
#include <QDateTime>
#include <QFileDialog>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSaveFile>
#include <QWidget>

namespace heapwatch {

QString ExportActions::baseName(const Target& target)
{
    QString name = target.name();
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.-]+")), QStringLiteral("-"));
    return QStringLiteral("heapwatch-%1-%2")
        .arg(name, QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
}

void ExportActions::chartsPng(QWidget* parent, QWidget* charts, const Target& target)
{
    const QString path
        = QFileDialog::getSaveFileName(parent, QObject::tr("Export charts"), baseName(target) + QStringLiteral(".png"),
                                       QObject::tr("PNG images (*.png)"));
    if (path.isEmpty())
        return;
    if (!charts->grab().save(path, "PNG"))
        QMessageBox::warning(parent, QObject::tr("Export failed"), QObject::tr("Could not write %1").arg(path));
}

void ExportActions::samplesCsv(QWidget* parent, const Target& target, qint64 t0, qint64 t1)
{
    const QString path
        = QFileDialog::getSaveFileName(parent, QObject::tr("Export samples"), baseName(target) + QStringLiteral(".csv"),
                                       QObject::tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    QSaveFile file(path);
    QApplication::setOverrideCursor(Qt::WaitCursor); // a week of one-second rows takes a moment to write
    const bool ok = file.open(QIODevice::WriteOnly) && SampleCsvWriter::write(target.state(), t0, t1, &file) >= 0
        && file.commit();
    QApplication::restoreOverrideCursor();
    if (!ok)
        QMessageBox::warning(parent, QObject::tr("Export failed"),
                             QObject::tr("Could not write %1: %2").arg(path, file.errorString()));
}

void ExportActions::incidentReport(QWidget* parent, const Target& target, qint64 t0, qint64 t1)
{
    const QString path
        = QFileDialog::getSaveFileName(parent, QObject::tr("Export incident report"),
                                       baseName(target) + QStringLiteral(".md"), QObject::tr("Markdown (*.md)"));
    if (path.isEmpty())
        return;
    const ReportInput input {target.state(), target.assessment(), target.thresholds(),
                             QDateTime::currentMSecsSinceEpoch()};
    const QString md = markdownReport(input, target.name(), t0, t1);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(md.toUtf8()) < 0 || !file.commit())
        QMessageBox::warning(parent, QObject::tr("Export failed"),
                             QObject::tr("Could not write %1: %2").arg(path, file.errorString()));
}

} // namespace heapwatch
