// heapwatch: the GUI console, and the headless `check`, `serve`, `snapshot` and `export` commands.
//
// The executable itself maps QtCore alone: enough for `check --replay` and `check --demo`, which a monitoring
// system may run every minute. The console (Qt Gui/Widgets/Charts) is a module loaded only when the window is
// wanted (heapwatch-console), and the commands that need libssh, QtSql, QtNetwork or QtHttpServer another
// (heapwatch-commands: `serve`, `snapshot`, `export`, `check` of a container). Mapping and relocating the
// libraries a command does not use was most of its start-up: the executable needs 17 shared libraries, with the
// commands module 33, with the console 63 and more.
#include "CheckCommand.h"
#include "CommandModule.h"
#include "ConsoleOptions.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLibrary>
#include <QTextStream>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <malloc.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace {

// The directory of the running executable (no QCoreApplication may exist yet).
QString executableDir(const char* argv0)
{
    const QFileInfo self(QStringLiteral("/proc/self/exe"));
    if (self.exists())
        return QFileInfo(self.canonicalFilePath()).absolutePath();
    return QFileInfo(QFile::decodeName(argv0)).absolutePath();
}

// Resolves symbol in the module name: beside the executable in a build tree, else where the package installs
// the modules (HEAPWATCH_MODULE_DIR, relative to the executable's directory). nullptr and *errors when neither
// loads. A loaded module stays loaded until the process ends.
QFunctionPointer resolveModule(const char* argv0, const QString& name, const char* symbol, QString* errors)
{
    const QString dir = executableDir(argv0);
    for (const QString& candidate :
         {dir + QLatin1Char('/') + name, QDir::cleanPath(dir + QStringLiteral("/" HEAPWATCH_MODULE_DIR "/") + name)}) {
        QLibrary module(candidate);
        if (const QFunctionPointer entry = module.resolve(symbol))
            return entry;
        *errors += QStringLiteral("\n  ") + module.errorString();
    }
    return nullptr;
}

// `check` reads a whole log at once: its rings and the parsing threads' buffers take a few tens of megabytes
// within a tenth of a second, and on a virtual machine each first touch of a 4 KiB page was several microseconds
// of fault (a sixth of the process's time on a million lines). So the heap is one arena that grows in large
// steps, and the kernel is asked to back it with transparent huge pages (where it offers them: madvise mode, as
// Debian's default): a fault per 2 MiB. Nothing is given back while the command runs, and it ends soon.
// The break is first moved up to a page below a 2 MiB boundary: the heap's start is placed at random, and the
// part of it below its first boundary (anything up to 2 MiB, where the first segments' records and read buffers
// went) took 4 KiB faults, up to a few hundred of them. glibc's malloc takes a break moved by someone else (a
// "foreign sbrk") and continues its heap above it, writing its chunk header at the break: in that page, not in the
// 2 MiB above it, which must be untouched when the kernel is asked (a block with a 4 KiB page in it stays in 4 KiB
// pages). The skipped bytes are never touched.
// prefaultBytes: how much of the heap a thread of its own populates at once (replayHeapBytes), while this one goes
// on. A first touch of a huge page costs from about 0.1 ms to several on a virtual machine (whether its host backs
// the page already); on the thread that applies a replay's rows it held up that thread and, through it, the one
// parsing ahead, while during the start-up before the parse, which this thread runs alone, the other processor idles.
void heapOnHugePages(std::size_t prefaultBytes)
{
    mallopt(M_ARENA_MAX, 1); // the parsing threads allocate little, and from the same heap
    constexpr std::uintptr_t kMmapThreshold = 32 << 20; // the most glibc takes
    mallopt(M_MMAP_THRESHOLD, int(kMmapThreshold));
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_TOP_PAD, 64 << 20);
    constexpr std::uintptr_t kHugePage = std::uintptr_t(2) << 20;
    constexpr std::uintptr_t kPage = 4096;
    const auto before = reinterpret_cast<std::uintptr_t>(sbrk(0));
    if (before == std::uintptr_t(-1))
        return;
    std::uintptr_t from = (before + kHugePage - 1) & ~(kHugePage - 1);
    if (from - before < kPage)
        from += kHugePage;
    if (sbrk(intptr_t(from - kPage - before)) == reinterpret_cast<void*>(-1))
        return;
    // Extends the heap, untouched but for the header of the heap's top chunk, which glibc writes where the probe
    // ends, before the advice: the 2 MiB around it stay in 4 KiB pages (512 faults when the heap grows through them).
    // So the probe is nearly as long as a heap block can be (a huge page below the mmap threshold, above which malloc
    // maps a block of its own): a replay's heap reaches that far only past two million lines or so (a million take
    // 10-14 MiB), where the faults are a few percent of its time. (With a 16 MiB probe the logs whose figures jump
    // about reached them, and collapsing them into a huge page at once cost start-up 0.3-5 ms.)
    constexpr std::uintptr_t kProbeBytes = kMmapThreshold - kHugePage;
    void* probe = std::malloc(kProbeBytes);
    const auto end = reinterpret_cast<std::uintptr_t>(sbrk(0));
    const auto at = reinterpret_cast<std::uintptr_t>(probe);
    // Only when malloc is glibc's own on the program break (not a sanitizer's allocator elsewhere): the block
    // then ends in what the break grew by.
    const bool advised = at + kProbeBytes > from && at + kProbeBytes <= end && from < end;
    if (advised)
        madvise(reinterpret_cast<void*>(from), end - from, MADV_HUGEPAGE);
    std::free(probe);
    // Whole huge pages, holding zeros as a first touch would leave them: malloc sees no difference. The thread runs
    // only on a processor nothing else wants (SCHED_IDLE): the pages it populates that the replay never reaches (a
    // log with few Memory lines) then cost the parsing threads nothing. It is never waited for: the process may end
    // (_exit) while it works, which stops it.
    // Each page is faulted in by an atomic OR of zero into its first byte (which leaves whatever malloc may have
    // written there meanwhile), not by MADV_POPULATE_WRITE: that holds the process's mmap lock for reading while it
    // zeroes the pages, and this thread, at idle priority, is preempted holding it while both processors work: the
    // thread that starts the parsing threads (it maps their stacks) waited for it, up to 10 ms of a 45 ms replay, and
    // the parsing began that much later. A fault takes only the heap's own lock (per-VMA locks, Linux 6.4 and later),
    // which nothing that maps memory wants, and on older kernels the mmap lock for one page at a time.
    const std::size_t bytes = std::min<std::size_t>(prefaultBytes, end - from) & ~(kHugePage - 1);
    if (advised && bytes > 0) {
        std::thread([from, bytes] {
            const sched_param idle {};
            sched_setscheduler(0, SCHED_IDLE, &idle); // this thread alone
            for (std::uintptr_t page = from; page < from + bytes; page += kHugePage)
                __atomic_fetch_or(reinterpret_cast<char*>(page), char(0), __ATOMIC_RELAXED);
        }).detach();
    }
}

// About how much heap `check --replay LOGFILE` (argv after the verb) touches: the rings' encoded chunks and the
// segments in flight. A million Memory lines (110 MB) took 8.5 MiB where the figures change little and 15 MiB
// where they jump about; the rings stop growing at their capacity (a week of rows). 0 (no prefault) for another
// check or a log below 8 MB, where a thread costs more than it saves. Only a hint: the arguments are read again,
// properly, by the command.
std::size_t replayHeapBytes(int argc, char** argv)
{
    const char* path = nullptr;
    for (int i = 2; i < argc; ++i) {
        if (qstrcmp(argv[i], "--replay") == 0 && i + 1 < argc)
            path = argv[i + 1];
        else if (qstrncmp(argv[i], "--replay=", 9) == 0)
            path = argv[i] + 9;
    }
    struct stat st;
    // "-": standard input, which a shell may have redirected from the log file itself
    const bool standardInput = path && qstrcmp(path, "-") == 0;
    if (!path || (standardInput ? ::fstat(STDIN_FILENO, &st) : ::stat(path, &st)) != 0 || !S_ISREG(st.st_mode)
        || st.st_size < (8 << 20))
        return 0;
    constexpr std::size_t kMaxBytes = std::size_t(12) << 20;
    return std::min(std::size_t(st.st_size) / 11, kMaxBytes);
}

// The headless commands: no QApplication, so no display is needed. `check` of the demo host or a saved log runs
// here; everything else in the commands module.
int runCommand(int argc, char** argv)
{
    heapwatch::setIdentity();
    QStringList arguments;
    for (int i = 2; i < argc; ++i) // after the program's name and the verb
        arguments.append(QString::fromLocal8Bit(argv[i]));
    QTextStream out(stdout);
    QTextStream err(stderr);
    const bool check = qstrcmp(argv[1], "check") == 0;
    if (check) {
        // A check of the demo host or of a saved log needs no event loop, so no QCoreApplication: making one
        // (its event dispatcher, the locale, the library paths) was about 1 ms of the 14 a check of a tiny log
        // takes here.
        heapOnHugePages(replayHeapBytes(argc, argv));
        const int code = heapwatch::CheckCommand::runOffline(arguments, out, err);
        if (code != heapwatch::CheckCommand::kNeedsRemote) {
#if defined(__SANITIZE_ADDRESS__)
            return code; // through exit(), where LeakSanitizer looks
#else
            // Everything is written and closed: the process ends here, without the exit handlers and the
            // libraries' static destructors (up to a millisecond of a 50 ms replay of a million lines).
            out.flush();
            err.flush();
            std::fflush(nullptr);
            _exit(code);
#endif
        }
    }
    QCoreApplication app(argc, argv);
    QString errors;
    const auto entry = reinterpret_cast<heapwatch::CommandMain>(
        resolveModule(argv[0], QStringLiteral("heapwatch-commands"), heapwatch::kCommandMainSymbol, &errors));
    if (!entry) {
        const QString reason = QStringLiteral("cannot load the commands module (serve, snapshot, export and "
                                              "check of a container need it):")
            + errors;
        if (check)
            out << "HEAPWATCH UNKNOWN - heapwatch " << reason.section(QLatin1Char('\n'), 0, 0) << '\n';
        err << "heapwatch: " << reason << '\n';
        return check ? 3 : 2;
    }
    return entry(argv[1], &arguments, &out, &err);
}

int runConsole(int argc, char** argv)
{
    QString errors;
    const auto entry = reinterpret_cast<heapwatch::ConsoleMain>(
        resolveModule(argv[0], QStringLiteral("heapwatch-console"), heapwatch::kConsoleMainSymbol, &errors));
    if (entry)
        return entry(argc, argv);
    QTextStream(stderr) << "heapwatch: cannot load the console (the check, serve, snapshot and export commands "
                           "work without it):"
                        << errors << '\n';
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    // `check` must run on a machine without a display, so it never creates a QApplication.
    for (const char* verb : {"check", "serve", "snapshot", "export"}) {
        if (argc >= 2 && qstrcmp(argv[1], verb) == 0)
            return runCommand(argc, argv);
    }

    // --help and --version must work over SSH and in a plain terminal, so they are answered before a
    // QApplication (which needs a display) exists, and without the console module.
    bool informational = false;
    for (int i = 1; i < argc; ++i) {
        for (const char* flag : {"-h", "--help", "--help-all", "-?", "-v", "--version"})
            informational = informational || qstrcmp(argv[i], flag) == 0;
    }
    if (informational) {
        QCoreApplication app(argc, argv);
        heapwatch::setIdentity();
        QCommandLineParser parser;
        heapwatch::ConsoleOptions options;
        options.addTo(parser);
        parser.process(app); // prints and exits
        return 0;
    }
    return runConsole(argc, argv);
}
