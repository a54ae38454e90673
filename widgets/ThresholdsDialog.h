// Editor of a target's thresholds: the red-flag lines (the defaults shown beside each field), the growth
// windows and the main recommendation triggers, with "Restore defaults".
#pragma once

#include "Thresholds.h"

#include <QDialog>
#include <functional>
#include <vector>

class QDoubleSpinBox;

namespace heapwatch {

class ThresholdsDialog : public QDialog
{
    Q_OBJECT
public:
    ThresholdsDialog(const QString& targetName, const Thresholds& thresholds, QWidget* parent = nullptr);

    Thresholds thresholds() const;
    void load(const Thresholds& thresholds);

private:
    struct Field
    {
        QDoubleSpinBox* box;
        std::function<double&(Thresholds&)> ref;
    };
    QDoubleSpinBox* addField(const std::function<double&(Thresholds&)>& ref, double max, int decimals);

    Thresholds m_base; // keeps the values this dialog does not show (capacities, rarely tuned triggers)
    std::vector<Field> m_fields;
};

} // namespace heapwatch
