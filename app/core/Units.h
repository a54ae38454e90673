// Size and percentage parsing shared by the parsers.
#pragma once

#include <QByteArrayView>

namespace heapwatch::units {

inline constexpr double kMiB = 1024.0 * 1024.0;

// How to read a bare "MB"/"KB"/"GB": the Node app divides by 1024², docker/podman output is decimal.
enum class MbMeaning
{
    Binary,
    Decimal
};

// "336.6MB", "139.6MiB", "1.05GB", "7.205 MB", "656B", "1.57kB" → bytes. Returns NaN for "--", empty,
// negative, non-finite or unparsable input. B KB kB MB GB TB KiB MiB GiB TiB are understood.
double parseSize(QByteArrayView text, MbMeaning mb);

// "97.5%" or "97.5" → 97.5; NaN for "--" and garbage.
double parsePercent(QByteArrayView text);

// A plain finite decimal number, NaN otherwise ("1e309", "nan" and "-" give NaN).
double parseNumber(QByteArrayView text);

} // namespace heapwatch::units
