// What `heapwatch serve` watches and how it listens: from the command line and an optional JSON file
// (schema in the README, section "heapwatch serve"). Parsing is strict, as for the thresholds file: an
// unknown key or a wrong type is an error that names it, because a typo in a daemon's config must not
// silently fall back to a default.
#pragma once

#include "TargetConfig.h"
#include "Thresholds.h"

#include <QHostAddress>
#include <QJsonObject>
#include <QString>
#include <optional>
#include <vector>

namespace heapwatch {

struct ServeConfig
{
    static constexpr quint16 kDefaultPort = 9464; // the port of the default listen address
    QString listen = QStringLiteral("127.0.0.1:9464");
    QString tokenFile;
    QString tokenEnv;
    // recent_problems (the application's log text) in /api/v1/targets without a token.
    bool exposeLogs = false;
    // Thresholds layers applied in order on top of the defaults: the file's "thresholds", then --thresholds.
    std::vector<QJsonObject> thresholdLayers;
    std::vector<TargetConfig> targets;

    // Merges a config file into *this. False and *error (naming the file and the key) on any problem.
    bool loadFile(const QString& path, QString* error);

    // The thresholds of one target: defaults, the global layers, the target's own keys.
    std::optional<Thresholds> thresholdsFor(const TargetConfig& target, QString* error) const;

    // "127.0.0.1:9464", "[::1]:9464", "localhost:9464", "0.0.0.0:9464". Host names other than localhost are
    // refused: the address a daemon listens on must not depend on DNS.
    static bool parseListen(const QString& text, QHostAddress* address, quint16* port, QString* error);
    // A JSON object from a file (thresholds files given by path); nullopt and *error otherwise.
    static std::optional<QJsonObject> readJsonObject(const QString& path, QString* error);
};

} // namespace heapwatch
