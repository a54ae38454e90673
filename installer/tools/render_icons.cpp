// render_icons: renders the scalable icon to the PNG sizes of the hicolor theme, and optionally to a macOS
// .icns (PNG entries). Not part of the normal build:
//   cmake --build BUILD --target heapwatch-render-icons
// rewrites resources/icons/hicolor/NxN/apps/heapwatch.png and resources/icons/heapwatch.icns from
// resources/icons/heapwatch.svg. It needs the Qt SVG image plugin (libqt6svg6).
#include <QBuffer>
#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QImageReader>
#include <QTextStream>
#include <array>
#include <optional>

namespace {

std::optional<QByteArray> renderPng(const QString& svg, int size, QTextStream& err)
{
    QImageReader reader(svg, "svg");
    reader.setScaledSize(QSize(size, size));
    const QImage image = reader.read();
    if (image.isNull()) {
        err << "render_icons: cannot render " << svg << ": " << reader.errorString()
            << " (is the Qt SVG image plugin, libqt6svg6, installed?)\n";
        return std::nullopt;
    }
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    if (!image.convertToFormat(QImage::Format_ARGB32).save(&buffer, "PNG")) {
        err << "render_icons: cannot encode a " << size << " px PNG\n";
        return std::nullopt;
    }
    return png;
}

bool writeFile(const QString& path, const QByteArray& data, QTextStream& err)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size()) {
        err << "render_icons: cannot write " << path << '\n';
        return false;
    }
    return true;
}

void appendBigEndian32(QByteArray& data, quint32 value)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        data.append(char((value >> shift) & 0xffU));
}

} // namespace

int main(int argc, char** argv)
{
    QGuiApplication app(argc, argv);
    QTextStream err(stderr);
    const QStringList args = QGuiApplication::arguments();
    if (args.size() != 3 && args.size() != 4) {
        err << "usage: render_icons SVG HICOLOR_DIR [ICNS_FILE]\n";
        return 2;
    }
    const QString svg = args.at(1);
    const QDir hicolor(args.at(2));

    constexpr std::array<int, 7> sizes {16, 24, 32, 48, 64, 128, 256};
    for (const int size : sizes) {
        const auto png = renderPng(svg, size, err);
        if (!png)
            return 1;
        const QString dir = QStringLiteral("%1x%1/apps").arg(size);
        if (!hicolor.mkpath(dir)) {
            err << "render_icons: cannot create " << hicolor.filePath(dir) << '\n';
            return 1;
        }
        if (!writeFile(hicolor.filePath(dir + QStringLiteral("/heapwatch.png")), *png, err))
            return 1;
    }

    if (args.size() == 4) {
        // An .icns file: "icns", total length, then (type, length including the 8-byte header, PNG data).
        struct Entry
        {
            const char* type;
            int size;
        };
        constexpr std::array<Entry, 7> entries {
            {{"icp4", 16}, {"icp5", 32}, {"icp6", 64}, {"ic07", 128}, {"ic08", 256}, {"ic09", 512}, {"ic10", 1024}}};
        QByteArray body;
        for (const Entry& entry : entries) {
            const auto png = renderPng(svg, entry.size, err);
            if (!png)
                return 1;
            body.append(entry.type, 4);
            appendBigEndian32(body, quint32(png->size() + 8));
            body.append(*png);
        }
        QByteArray icns("icns");
        appendBigEndian32(icns, quint32(body.size() + 8));
        icns.append(body);
        if (!writeFile(args.at(3), icns, err))
            return 1;
    }
    return 0;
}
