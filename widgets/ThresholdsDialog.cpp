#include "ThresholdsDialog.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace heapwatch {

QDoubleSpinBox* ThresholdsDialog::addField(const std::function<double&(Thresholds&)>& ref, double max, int decimals)
{
    auto* box = new QDoubleSpinBox(this);
    box->setRange(0, max);
    box->setDecimals(decimals);
    box->setAlignment(Qt::AlignRight);
    Thresholds defaults = Thresholds::defaults();
    box->setToolTip(tr("Seed default: %1").arg(ref(defaults)));
    m_fields.push_back({box, ref});
    return box;
}

ThresholdsDialog::ThresholdsDialog(const QString& targetName, const Thresholds& thresholds, QWidget* parent)
    : QDialog(parent)
    , m_base(thresholds)
{
    setWindowTitle(tr("Thresholds — %1").arg(targetName));
    setObjectName(QStringLiteral("thresholdsDialog"));
    auto* flags = new QGroupBox(tr("Red flags"), this);
    auto* grid = new QGridLayout(flags);
    grid->addWidget(new QLabel(tr("<b>Metric</b>"), flags), 0, 0);
    grid->addWidget(new QLabel(tr("<b>Warning</b>"), flags), 0, 1);
    grid->addWidget(new QLabel(tr("<b>Critical</b>"), flags), 0, 2);
    grid->addWidget(new QLabel(tr("<b>Seed default</b>"), flags), 0, 3);
    int row = 1;
    auto pair = [&](const QString& label, ThresholdPair Thresholds::*member, double max, int decimals,
                    const QString& unit) {
        grid->addWidget(new QLabel(label, flags), row, 0);
        QDoubleSpinBox* w = addField([member](Thresholds& t) -> double& { return (t.*member).warning; }, max, decimals);
        QDoubleSpinBox* c
            = addField([member](Thresholds& t) -> double& { return (t.*member).critical; }, max, decimals);
        w->setSuffix(unit);
        c->setSuffix(unit);
        grid->addWidget(w, row, 1);
        grid->addWidget(c, row, 2);
        const Thresholds d = Thresholds::defaults();
        grid->addWidget(
            new QLabel(QStringLiteral("%1 / %2%3").arg((d.*member).warning).arg((d.*member).critical).arg(unit), flags),
            row, 3);
        ++row;
    };
    pair(tr("RSS memory (above)"), &Thresholds::rssMiB, 1e6, 0, tr(" MiB"));
    pair(tr("Heap usage (above)"), &Thresholds::heapUsagePercent, 100, 1, QStringLiteral(" %"));
    pair(tr("Memory growth (above)"), &Thresholds::growthMiBPerHour, 1e5, 1, tr(" MiB/h"));
    pair(tr("Cache hit rate (below)"), &Thresholds::cacheHitRatePercent, 100, 1, QStringLiteral(" %"));
    pair(tr("Buffer overflows (events)"), &Thresholds::bufferOverflows, 1e6, 0, QString());
    pair(tr("Container memory (above)"), &Thresholds::containerMemoryPercent, 100, 1, QStringLiteral(" %"));
    pair(tr("Heap limit fit (above)"), &Thresholds::heapLimitFitPercent, 1000, 1, QStringLiteral(" %"));
    pair(tr("GC pause (above, --trace-gc)"), &Thresholds::gcPauseMs, 1e7, 1, tr(" ms"));

    auto* growth = new QGroupBox(tr("Growth and recommendations"), this);
    auto* g = new QGridLayout(growth);
    row = 0;
    auto single = [&](const QString& label, double Thresholds::*member, double max, int decimals, const QString& unit) {
        g->addWidget(new QLabel(label, growth), row, 0);
        QDoubleSpinBox* box = addField([member](Thresholds& t) -> double& { return t.*member; }, max, decimals);
        box->setSuffix(unit);
        g->addWidget(box, row, 1);
        g->addWidget(new QLabel(tr("default %1%2").arg(Thresholds::defaults().*member).arg(unit), growth), row, 2);
        ++row;
    };
    single(tr("Growth window"), &Thresholds::growthWindowMinutes, 7 * 24 * 60, 0, tr(" min"));
    single(tr("Warm-up skipped after a start"), &Thresholds::growthWarmupMinutes, 24 * 60, 0, tr(" min"));
    single(tr("Minimum observation"), &Thresholds::growthMinObservationMinutes, 24 * 60, 0, tr(" min"));
    single(tr("\"Approaching\" margin"), &Thresholds::approachingFraction, 1, 3, QString());
    single(tr("Increase heap limit when RSS above"), &Thresholds::increaseHeapRssMiB, 1e6, 0, tr(" MiB"));
    single(tr("Cache maxKeys of the app"), &Thresholds::cacheMaxKeys, 1e9, 0, QString());
    single(tr("Heap limit assumed when unknown"), &Thresholds::defaultHeapLimitMiB, 1e6, 0, tr(" MiB"));

    // How flags are judged in time: event windows, restart loops, sustain, hysteresis and flapping.
    auto* timing = new QGroupBox(tr("In time"), this);
    auto* tg = new QGridLayout(timing);
    row = 0;
    auto timed = [&](const QString& label, const std::function<double&(Thresholds&)>& ref, double max, int decimals,
                     const QString& unit) {
        tg->addWidget(new QLabel(label, timing), row, 0);
        QDoubleSpinBox* box = addField(ref, max, decimals);
        box->setSuffix(unit);
        tg->addWidget(box, row, 1);
        Thresholds d = Thresholds::defaults();
        tg->addWidget(new QLabel(tr("default %1%2").arg(ref(d)).arg(unit), timing), row, 2);
        ++row;
    };
    timed(
        tr("Events count for (overflows, restarts)"), [](Thresholds& t) -> double& { return t.eventWindowMinutes; },
        365 * 24 * 60, 0, tr(" min"));
    timed(
        tr("Restart loop: restarts"), [](Thresholds& t) -> double& { return t.restartLoopRestarts; }, 1e6, 0,
        QString());
    timed(
        tr("Restart loop: within"), [](Thresholds& t) -> double& { return t.restartLoopWindowMinutes; }, 7 * 24 * 60, 0,
        tr(" min"));
    timed(
        tr("Heap usage: samples beyond a line"), [](Thresholds& t) -> double& { return t.heapUsageSustain.samples; },
        1e6, 0, QString());
    timed(
        tr("RSS: time beyond a line"), [](Thresholds& t) -> double& { return t.rssSustain.seconds; }, 7 * 24 * 3600, 0,
        tr(" s"));
    timed(
        tr("Container memory: time beyond a line"),
        [](Thresholds& t) -> double& { return t.containerMemorySustain.seconds; }, 7 * 24 * 3600, 0, tr(" s"));
    timed(
        tr("Leave a level when inside its line by"), [](Thresholds& t) -> double& { return t.clearFraction; }, 0.5, 3,
        QString());
    timed(
        tr("Keep a level at least"), [](Thresholds& t) -> double& { return t.minDwellSeconds; }, 24 * 3600, 0,
        tr(" s"));
    timed(
        tr("Flapping: more changes than"), [](Thresholds& t) -> double& { return t.flapChanges; }, 1e6, 0, QString());
    timed(
        tr("Flapping: within"), [](Thresholds& t) -> double& { return t.flapWindowMinutes; }, 24 * 60, 0, tr(" min"));

    auto* buttons = new QDialogButtonBox(
        QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults, this);
    buttons->button(QDialogButtonBox::RestoreDefaults)->setText(tr("Restore defaults"));
    connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
            [this] { load(Thresholds::defaults()); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(flags);
    layout->addWidget(growth);
    layout->addWidget(timing);
    layout->addWidget(buttons);
    load(thresholds);
}

void ThresholdsDialog::load(const Thresholds& thresholds)
{
    Thresholds t = thresholds;
    for (Field& f : m_fields)
        f.box->setValue(f.ref(t));
}

Thresholds ThresholdsDialog::thresholds() const
{
    Thresholds t = m_base;
    for (const Field& f : m_fields)
        f.ref(t) = f.box->value();
    return t;
}

} // namespace heapwatch
