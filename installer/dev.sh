#!/usr/bin/env bash
# heapwatch developer entry point: installs what is missing (tested on a bare Debian 12; Ubuntu 24.04 has the
# same package names but is untried), builds, and then
#   installer/dev.sh demo    starts the console on the built-in demo host
#   installer/dev.sh test    runs every test (unit, widget, SSH integration, packaging, benchmarks in short mode)
#   installer/dev.sh asan    builds with AddressSanitizer + UBSan (preset asan) and runs every test under it
#   installer/dev.sh fuzz [SECONDS]  fuzzes the parsers on random seeds, SECONDS per target (default 300);
#                            findings are kept in tests/fuzz/regressions/ and replayed by every test run
#   installer/dev.sh deps    only installs the Debian packages
#   installer/dev.sh build   only configures and builds (preset: HEAPWATCH_PRESET, default dev)
# Run it as root or as a user with sudo: only apt-get is run through sudo.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
preset=${HEAPWATCH_PRESET:-dev}
jobs=${HEAPWATCH_JOBS:-$(nproc 2>/dev/null || echo 2)}

# Build and runtime: compiler, CMake, Qt 6 (Core, Widgets, Charts and the OpenGL module its CMake config asks
# for, Network, Test, SVG icons), libssh, QtKeychain. Tests: OpenSSH server and client (loopback sshd), sudo
# (--sudo), clang-format, clang and its sanitizer/libFuzzer runtimes (tests/fuzz/run-fuzzers.sh), packaging
# tools, the sqlite3 shell (its integrity check of a history store a kill -9 left), a font for the rendered
# widget tests, Xvfb for the demo without a display, and a real container engine for the `engine` tests
# (podman with runc serving the Docker API, Debian's docker CLI, node for the container).
# Checked on a bare Debian 12 root by .ci/run: nothing else is needed.
packages=(
    build-essential cmake ninja-build pkg-config git
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev libqt6opengl6-dev libqt6svg6 libgl-dev
    qt6-httpserver-dev qt6-websockets-dev prometheus libqt6sql6-sqlite sqlite3
    libssh-dev qtkeychain-qt6-dev
    openssh-server openssh-client procps sudo
    clang-format clang libclang-rt-dev
    dpkg-dev file desktop-file-utils appstream
    xvfb xauth fonts-dejavu-core tzdata
    podman runc docker.io nodejs curl python3
)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_deps() {
    local missing=()
    for p in "${packages[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$p")
        fi
    done
    if [ ${#missing[@]} -eq 0 ]; then
        echo "dev.sh: all ${#packages[@]} Debian packages are installed"
        return
    fi
    echo "dev.sh: installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {
    cd "$top"
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset" -j "$jobs"
}

case "${1:-}" in
deps)
    install_deps
    ;;
build)
    install_deps
    build
    ;;
demo)
    install_deps
    build
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
        echo "dev.sh: no display found; starting the console on a virtual X server (xvfb-run)." >&2
        echo "        On a desktop session it opens a window directly." >&2
        exec xvfb-run -a "$top/build/$preset/app/heapwatch" --demo --no-restore "${@:2}"
    fi
    exec "$top/build/$preset/app/heapwatch" --demo --no-restore "${@:2}"
    ;;
fuzz)
    install_deps
    seconds=${2:-300}
    exec "$top/tests/fuzz/run-fuzzers.sh" "$top" "$top/build/fuzz-explore" explore "$seconds"
    ;;
asan)
    # Every test under AddressSanitizer (with LeakSanitizer) and UBSan. The asan test preset sets the
    # options that turn any finding into a failure, also in the `heapwatch` children the tests start.
    # Left out: fuzz (it runs in `test`): run-fuzzers.sh builds a clang tree of its own, already ASan + UBSan
    # instrumented. The soak and the flood run here for what the sanitizers find; their RSS and stall limits
    # are judged in `test` only (under ASan RSS is mostly its quarantine, and every instruction costs more).
    install_deps
    preset=asan
    build
    cd "$top"
    ctest --preset asan -j "$jobs" -LE '^fuzz$' "${@:2}"
    ;;
test)
    install_deps
    build
    cd "$top"
    ctest --preset "$preset" -j "$jobs" "${@:2}"
    ;;
*)
    sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
