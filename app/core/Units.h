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

// The unit after a size's number, all of [b, e): "B", "KB"/"kB"/"KiB", "MB"/"MiB", "GB"/"GiB", "TB"/"TiB".
struct SizeUnit
{
    bool ok = false; // false for anything else ("MBs", "xB", empty)
    int exponent = 0; // of 1000 or 1024: B 0, K 1, M 2, G 3, T 4
    bool binary = false; // spelled with an "i" (KiB, MiB, …): 1024-based whatever the CLI
};
SizeUnit readSizeUnit(const char* b, const char* e);

// "336.6MB", "139.6MiB", "1.05GB", "7.205 MB", "656B", "1.57kB" → bytes. Returns NaN for "--", empty,
// negative, non-finite or unparsable input. B KB kB MB GB TB KiB MiB GiB TiB are understood.
double parseSize(QByteArrayView text, MbMeaning mb);

// "97.5%" or "97.5" → 97.5; NaN for "--" and garbage.
double parsePercent(QByteArrayView text);

// A plain finite decimal number, NaN otherwise ("1e309", "nan" and "-" give NaN).
double parseNumber(QByteArrayView text);

} // namespace heapwatch::units
