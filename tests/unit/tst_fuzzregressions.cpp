// Replays every input the fuzzers ever found a problem with (tests/fuzz/regressions/<target>/) and every
// fixture through the fuzz targets' code, under the normal build (and the ASan preset).
#include "../fuzz/FuzzHeapSnapshot.h"
#include "../fuzz/FuzzTargets.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTest>

using namespace heapwatch;

class TestFuzzRegressions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void replay_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("path");
        const QString tests = QStringLiteral(HEAPWATCH_TESTS_DIR);
        QDirIterator kept(tests + QStringLiteral("/fuzz/regressions"), QDir::Files, QDirIterator::Subdirectories);
        while (kept.hasNext()) {
            const QString path = kept.next();
            if (path.endsWith(QLatin1String(".md")))
                continue;
            QTest::addRow("%s", qPrintable(QDir(tests).relativeFilePath(path)))
                << QFileInfo(path).dir().dirName() << path;
        }
        QDirIterator fixtures(tests + QStringLiteral("/fixtures"), QDir::Files, QDirIterator::Subdirectories);
        while (fixtures.hasNext()) {
            const QString path = fixtures.next();
            for (const char* target : {"logparser", "statsparser", "cgroupstatsparser", "inspectparser", "thresholds",
                                       "heapsnapshot", "enginelogfile"})
                QTest::addRow("%s %s", target, qPrintable(QDir(tests).relativeFilePath(path)))
                    << QString::fromLatin1(target) << path;
        }
    }

    void replay()
    {
        QFETCH(QString, target);
        QFETCH(QString, path);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray input = file.readAll();
        const auto* data = reinterpret_cast<const uint8_t*>(input.constData());
        const size_t size = size_t(input.size());
        if (target == QLatin1String("logparser"))
            fuzz::logParser(data, size);
        else if (target == QLatin1String("statsparser"))
            fuzz::statsParser(data, size);
        else if (target == QLatin1String("cgroupstatsparser"))
            fuzz::cgroupStatsParser(data, size);
        else if (target == QLatin1String("inspectparser"))
            fuzz::inspectParser(data, size);
        else if (target == QLatin1String("thresholds"))
            fuzz::thresholds(data, size);
        else if (target == QLatin1String("heapsnapshot"))
            fuzz::heapSnapshot(data, size);
        else if (target == QLatin1String("enginelogfile"))
            fuzz::engineLogFile(data, size);
        else
            QFAIL(qPrintable(QStringLiteral("unknown fuzz target directory %1").arg(target)));
    }
};

QTEST_GUILESS_MAIN(TestFuzzRegressions)
#include "tst_fuzzregressions.moc"
