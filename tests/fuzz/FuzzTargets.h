// What each fuzz target does with one input. Shared by the libFuzzer executables and by the unit test
// that replays every input kept in tests/fuzz/regressions, so a crash found once stays fixed.
#pragma once

#include "DockerStatsParser.h"
#include "InspectParser.h"
#include "LogParser.h"
#include "Thresholds.h"
#include "Units.h"

#include <QByteArray>
#include <QByteArrayView>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace heapwatch::fuzz {

// The first byte picks where the input is cut into chunks, so that partial lines, split CRLFs and split
// escape sequences are exercised too.
inline size_t cutPoint(const uint8_t* data, size_t size)
{
    return size ? size_t(data[0]) % (size + 1) : 0;
}

inline void logParser(const uint8_t* data, size_t size)
{
    const char* bytes = reinterpret_cast<const char*>(data);
    const size_t cut = cutPoint(data, size);
    LogParser parser;
    std::vector<LogRecord> out;
    parser.feed(QByteArrayView(bytes, qsizetype(cut)), LogStream::Stdout, out);
    parser.feed(QByteArrayView(bytes + cut, qsizetype(size - cut)), LogStream::Stdout, out);
    parser.feed(QByteArrayView(bytes, qsizetype(size)), LogStream::Stderr, out);
    parser.finish(out);
    LogRecord record;
    LogParser::parseLine(QByteArrayView(bytes, qsizetype(size)), LogStream::Stdout, record);
    parseRfc3339Ns(QByteArrayView(bytes, qsizetype(size)));
    units::parseSize(QByteArrayView(bytes, qsizetype(size)), units::MbMeaning::Binary);
    units::parsePercent(QByteArrayView(bytes, qsizetype(size)));
}

inline void statsParser(const uint8_t* data, size_t size)
{
    const char* bytes = reinterpret_cast<const char*>(data);
    const size_t cut = cutPoint(data, size);
    DockerStatsParser parser;
    std::vector<StatsSample> out;
    parser.feed(QByteArrayView(bytes, qsizetype(cut)), 1000, out);
    parser.feed(QByteArrayView(bytes + cut, qsizetype(size - cut)), 2000, out);
    parser.finish(3000, out);
    stripEscapes(QByteArrayView(bytes, qsizetype(size)));
}

inline void inspectParser(const uint8_t* data, size_t size)
{
    const QByteArrayView view(reinterpret_cast<const char*>(data), qsizetype(size));
    QString error;
    InspectParser::parse(view, &error);
    EventParser::parseLine(view);
    InspectParser::parseTimestampMs(view);
    InspectParser::heapLimitFromNodeOptions(QString::fromUtf8(view));
}

inline void thresholds(const uint8_t* data, size_t size)
{
    QString error;
    Thresholds::fromJson(QByteArray(reinterpret_cast<const char*>(data), qsizetype(size)), &error);
}

} // namespace heapwatch::fuzz
