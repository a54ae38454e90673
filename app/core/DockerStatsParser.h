// Turns `docker stats` / `podman stats` output into StatsSamples. Fed chunk by chunk.
//
// Understands: the default table (docker and podman columns), explicit-template lines
// ({{.ID}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}), `{{json .}}` lines
// (docker's CamelCase keys) and podman's `--format json` arrays (lowercase keys); streaming frames with
// CSI escapes (ESC[2J, ESC[H, ESC[K, ESC[J) and the duplicated lines of docker ≥ 27.4; `--` placeholders;
// binary and decimal units, with or without a space before the unit.
#pragma once

#include "Samples.h"

#include <QByteArray>
#include <QByteArrayView>
#include <vector>

namespace heapwatch {

class DockerStatsParser
{
public:
    // The explicit template heapwatch asks for when it runs `stats` itself.
    static constexpr const char* kTemplate
        = "{{.ID}}\\t{{.CPUPerc}}\\t{{.MemUsage}}\\t{{.MemPerc}}\\t{{.NetIO}}\\t{{.BlockIO}}\\t{{.PIDs}}";

    // Appends one sample per container per frame; receivedAtMs stamps the samples (stats carry no time).
    void feed(QByteArrayView chunk, qint64 receivedAtMs, std::vector<StatsSample>& out);
    void finish(qint64 receivedAtMs, std::vector<StatsSample>& out);

    const ParseCounters& counters() const { return m_counters; }

private:
    enum class Field : quint8
    {
        Ignored,
        Id,
        Name,
        Cpu,
        MemUsage,
        MemPercent,
        NetIO,
        BlockIO,
        Pids
    };
    struct Column
    {
        Field field = Field::Ignored;
        qsizetype start = 0; // byte offset in the header line
    };

    void consumeLine(QByteArrayView line, qint64 receivedAtMs, std::vector<StatsSample>& out);
    void consumeText(QByteArrayView text, qint64 receivedAtMs, std::vector<StatsSample>& out);
    void consumeJsonArray(qint64 receivedAtMs, std::vector<StatsSample>& out);
    void endJson();
    bool parseHeader(QByteArrayView text);
    void newFrame() { m_frameIds.clear(); }
    void frameEscape(char final, QByteArrayView params);
    void emitSample(StatsSample&& sample, std::vector<StatsSample>& out);

    QByteArray m_partial;
    bool m_skipping = false; // inside an oversized line: drop bytes up to the next newline
    // Bracket depth of a JSON text read piecewise, strings skipped: tells where podman's array ends.
    struct JsonDepth
    {
        int depth = 0;
        bool inString = false;
        bool escaped = false;
        void scan(QByteArrayView text);
    };

    QByteArray m_json; // a podman JSON array being collected over several lines
    bool m_collectingJson = false;
    bool m_jsonDropped = false; // over the size limit: the rest of the array is skipped, not buffered
    JsonDepth m_jsonDepth;
    std::vector<Column> m_columns; // column layout of the current table
    std::vector<QString> m_frameIds; // containers already emitted in the current frame (dedup)
    bool m_escapeFramed = false; // the stream draws frames with cursor escapes (docker streaming)
    bool m_sawErase = false; // ... and erases with ESC[J / ESC[2J, which then alone delimit frames
    int m_homesWithoutErase = 0;
    ParseCounters m_counters;
};

// Strips CSI escape sequences (ESC [ … final byte) and other ESC sequences from text.
QByteArray stripEscapes(QByteArrayView text);

} // namespace heapwatch
