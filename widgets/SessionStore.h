// What the window keeps in QSettings: the open targets (reconnected on the next start), the selected one,
// the chart range, and per target its thresholds and acknowledged recommendations. Target keys hold
// slashes and colons, which QSettings would read as groups, so they are stored base64url-encoded.
#pragma once

#include "TargetConfig.h"
#include "Thresholds.h"

#include <QSet>
#include <optional>
#include <vector>

namespace heapwatch {

class SessionStore
{
public:
    static std::vector<TargetConfig> targets();
    static void setTargets(const std::vector<TargetConfig>& entries);
    static QString currentKey();
    static void setCurrentKey(const QString& key);
    static int range(int fallback);
    static void setRange(int range);

    static std::optional<Thresholds> thresholds(const QString& targetKey);
    static void setThresholds(const QString& targetKey, const Thresholds& thresholds);
    static void clearThresholds(const QString& targetKey);
    static QSet<QString> acknowledged(const QString& targetKey);
    static void setAcknowledged(const QString& targetKey, const QSet<QString>& keys);

    static QString encodeKey(const QString& targetKey);
};

} // namespace heapwatch
