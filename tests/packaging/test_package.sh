#!/usr/bin/env bash
# shellcheck disable=SC2015 # "check && pass || fail" is used throughout: pass never fails.
# Packaging test: builds the Debian package and the tarball with CPack from a finished build tree, checks
# what they hold, validates the desktop entry and the AppStream metadata, extracts the .deb into a temporary
# root and runs the installed heapwatch from there. Nothing is installed on this machine, unless
# HEAPWATCH_TEST_DPKG_INSTALL=1 (for a throwaway CI machine, as root): then the .deb is also installed with
# dpkg -i and apt-get -f install, and /usr/bin/heapwatch is run.
#
#   test_package.sh BUILD_DIR SOURCE_DIR VERSION CPACK
set -euo pipefail

build_dir=$1
source_dir=$2
version=$3
cpack=${4:-cpack}

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
pass() { echo "ok:   $*"; }
die() {
    echo "FAIL: $*" >&2
    exit 1
}
need() {
    command -v "$1" >/dev/null 2>&1 || die "'$1' is missing: install the Debian package '$2' (installer/dev.sh deps does)"
}

need dpkg-deb dpkg
need dpkg-shlibdeps dpkg-dev
need desktop-file-validate desktop-file-utils
need appstreamcli appstream
need tar tar
need gzip gzip

work=$(mktemp -d "${TMPDIR:-/tmp}/heapwatch-packaging.XXXXXX")
trap 'rm -rf "$work"' EXIT

[ -x "$build_dir/app/heapwatch" ] || die "$build_dir/app/heapwatch is not built"

# --- Build the packages --------------------------------------------------------------------------
# -B keeps the packages and CPack's staging area out of the build tree.
echo "== cpack -G 'DEB;TGZ' in $build_dir"
if ! (cd "$build_dir" && "$cpack" -G "DEB;TGZ" -B "$work/out") >"$work/cpack.log" 2>&1; then
    cat "$work/cpack.log" >&2
    die "cpack failed"
fi
shopt -s nullglob
debs=("$work"/out/heapwatch_*.deb)
tgzs=("$work"/out/heapwatch-*.tar.gz)
shopt -u nullglob
[ ${#debs[@]} -eq 1 ] || die "expected one heapwatch_*.deb, found: ${debs[*]:-none} ($(ls "$work/out"))"
[ ${#tgzs[@]} -eq 1 ] || die "expected one heapwatch-*.tar.gz, found: ${tgzs[*]:-none}"
deb=${debs[0]}
tgz=${tgzs[0]}
arch=$(dpkg --print-architecture)
[ "$(basename "$deb")" = "heapwatch_${version}_${arch}.deb" ] && pass "file name $(basename "$deb")" \
    || fail "file name $(basename "$deb"), expected heapwatch_${version}_${arch}.deb"

# --- Contents ------------------------------------------------------------------------------------
dpkg-deb -c "$deb" >"$work/contents"
echo "== dpkg-deb -c $(basename "$deb")"
awk '{print $1, $2, $NF}' "$work/contents"

required=(
    ./usr/bin/heapwatch
    ./usr/share/applications/heapwatch.desktop
    ./usr/share/metainfo/dev.heapwatch.heapwatch.metainfo.xml
    ./usr/share/icons/hicolor/scalable/apps/heapwatch.svg
    ./usr/share/heapwatch/thresholds.json
    ./usr/share/man/man1/heapwatch.1.gz
    ./usr/share/doc/heapwatch/copyright
    ./usr/share/doc/heapwatch/changelog.gz
    ./usr/share/doc/heapwatch/README.md
)
for size in 16 24 32 48 64 128 256; do
    required+=("./usr/share/icons/hicolor/${size}x${size}/apps/heapwatch.png")
done
for path in "${required[@]}"; do
    if awk '{print $NF}' "$work/contents" | grep -qxF -- "$path"; then
        pass "package holds $path"
    else
        fail "package lacks $path"
    fi
done
line=$(awk '$NF == "./usr/bin/heapwatch"' "$work/contents")
case "$line" in
-rwxr-xr-x\ root/root*) pass "usr/bin/heapwatch is -rwxr-xr-x root/root" ;;
*) fail "usr/bin/heapwatch mode/owner: $line" ;;
esac
# The console's window and the commands beyond an offline `check` are modules the executable loads when they are
# wanted (LIBDIR/heapwatch).
for name in console commands; do
    module=$(awk '{print $NF}' "$work/contents" | grep -E "^\./usr/lib/([a-z0-9_-]+/)?heapwatch/heapwatch-$name\.so\$" || true)
    [ -n "$module" ] && pass "package holds the $name module $module" || fail "package lacks usr/lib/heapwatch/heapwatch-$name.so"
done
if awk '{print $NF}' "$work/contents" \
    | grep -vE '^\./(usr/?|usr/(bin|share)(/.*)?|(usr/)?lib/?|(usr/)?lib/systemd(/.*)?|usr/lib/([a-z0-9_-]+/)?(heapwatch(/heapwatch-(console|commands)\.so)?/?)?)?$' \
        >"$work/stray"; then
    fail "files outside usr/bin, usr/share, the modules and the systemd unit directory: $(tr '\n' ' ' <"$work/stray")"
else
    pass "every file is under usr/bin, usr/share, usr/lib/heapwatch or the systemd unit directory"
fi

# --- Control fields ------------------------------------------------------------------------------
echo "== dpkg-deb -f"
dpkg-deb -f "$deb" | tee "$work/control"
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = heapwatch ] && pass "Package: heapwatch" || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] && pass "Version: $version" || fail "Version: $(field Version), expected $version"
[ "$(field Architecture)" = "$arch" ] && pass "Architecture: $arch" || fail "Architecture: $(field Architecture)"
for f in Section Maintainer Description Homepage Priority; do
    [ -n "$(field "$f")" ] && pass "$f: $(field "$f" | head -1)" || fail "$f is empty"
done
depends=$(field Depends)
# shlibdeps' work: the libraries heapwatch links against, with versions.
depends_names=$(tr ',' '\n' <<<"$depends" | sed 's/^ *//; s/[ (].*//')
for lib in libqt6core6 libqt6widgets6 libqt6charts6 libssh-4 libc6 libqt6svg6 libqt6sql6-sqlite; do
    grep -qx -- "$lib" <<<"$depends_names" && pass "Depends names $lib" || fail "Depends lacks $lib: '$depends'"
done
grep -q "(>= " <<<"$depends" && pass "Depends carries versions (dpkg-shlibdeps ran)" \
    || fail "Depends has no versions, dpkg-shlibdeps did not run: '$depends'"
[ "$(field Description | wc -l)" -gt 1 ] && pass "Description has a long part" || fail "Description has no long part"

# apt can satisfy Depends on this machine (a dry run: nothing is installed).
if command -v apt-get >/dev/null 2>&1; then
    if apt-get install --simulate -q "$deb" >"$work/apt-sim" 2>&1 && grep -q '^Inst heapwatch ' "$work/apt-sim"; then
        pass "apt-get install --simulate resolves the dependencies"
    else
        sed 's/^/      /' "$work/apt-sim" >&2
        fail "apt-get install --simulate $(basename "$deb") failed"
    fi
fi

# --- Extract, validate, run ----------------------------------------------------------------------
root=$work/root
dpkg-deb -x "$deb" "$root"

echo "== desktop-file-validate"
dfv_code=0
dfv=$(desktop-file-validate "$root/usr/share/applications/heapwatch.desktop" 2>&1) || dfv_code=$?
[ -z "$dfv" ] || echo "$dfv"
if [ "$dfv_code" -ne 0 ] || grep -q 'error:' <<<"$dfv"; then
    fail "desktop-file-validate reports errors"
else
    pass "desktop-file-validate (hints only are fine)"
fi
exec_cmd=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$root/usr/share/applications/heapwatch.desktop" | head -1)
[ -x "$root/usr/bin/$exec_cmd" ] && pass "Exec=$exec_cmd is usr/bin/$exec_cmd" || fail "Exec=$exec_cmd is not in usr/bin"
icon=$(sed -n 's/^Icon=//p' "$root/usr/share/applications/heapwatch.desktop")
[ -f "$root/usr/share/icons/hicolor/scalable/apps/$icon.svg" ] && pass "Icon=$icon is in hicolor" \
    || fail "Icon=$icon has no hicolor/scalable icon"

echo "== appstreamcli validate --no-net"
if appstreamcli validate --no-net "$root/usr/share/metainfo/dev.heapwatch.heapwatch.metainfo.xml"; then
    pass "appstreamcli validate"
else
    fail "appstreamcli validate"
fi
grep -q '<launchable type="desktop-id">heapwatch.desktop</launchable>' \
    "$root/usr/share/metainfo/dev.heapwatch.heapwatch.metainfo.xml" \
    && pass "metainfo launches heapwatch.desktop" || fail "metainfo does not name heapwatch.desktop as launchable"
grep -q "<release version=\"$version\"" "$root/usr/share/metainfo/dev.heapwatch.heapwatch.metainfo.xml" \
    && pass "metainfo has a release $version" || fail "metainfo has no <release version=\"$version\">"

for size in 16 24 32 48 64 128 256; do
    png=$root/usr/share/icons/hicolor/${size}x${size}/apps/heapwatch.png
    if command -v file >/dev/null 2>&1; then
        file -b "$png" | grep -q "PNG image data, $size x $size" || fail "$png is not a ${size}x${size} PNG: $(file -b "$png")"
    fi
done

man=$root/usr/share/man/man1/heapwatch.1.gz
if gzip -t "$man" && zcat "$man" | grep -q "^\.TH HEAPWATCH 1 .*\"heapwatch $version\""; then
    pass "man page is gzipped, version $version"
else
    fail "man page is not a gzipped heapwatch.1 of version $version"
fi
if command -v groff >/dev/null 2>&1; then
    if zcat "$man" | groff -man -t -ww -z 2>"$work/groff" && [ ! -s "$work/groff" ]; then
        pass "man page renders without groff warnings"
    else
        fail "groff: $(cat "$work/groff")"
    fi
fi

bin=$root/usr/bin/heapwatch
if command -v readelf >/dev/null 2>&1; then
    if readelf -d "$bin" | grep -E 'R(UN)?PATH' >"$work/rpath"; then
        fail "the packaged binary carries an RPATH/RUNPATH: $(cat "$work/rpath")"
    else
        pass "no RPATH/RUNPATH in the packaged binary"
    fi
fi
if command -v file >/dev/null 2>&1; then
    file -b "$bin" | grep -q ', stripped' && pass "usr/bin/heapwatch is stripped" || fail "usr/bin/heapwatch is not stripped: $(file -b "$bin")"
fi
if ldd "$bin" | grep 'not found' >"$work/ldd"; then
    fail "unresolved libraries: $(cat "$work/ldd")"
else
    pass "every library of the packaged binary resolves on this system"
fi
# The executable maps QtCore alone: the console module links Qt Gui, Widgets and Charts, the commands module libssh,
# QtSql, QtNetwork and QtHttpServer.
if ldd "$bin" | grep -E 'libQt6(Widgets|Gui|Charts|Sql|Network|HttpServer)|libssh|libcrypto' >"$work/extralibs"; then
    fail "usr/bin/heapwatch links libraries its modules are for: $(tr '\n' ' ' <"$work/extralibs")"
else
    pass "usr/bin/heapwatch links no Qt library but QtCore, and not libssh (the modules do)"
fi
for name in console commands; do
    path=$(awk '{print $NF}' "$work/contents" | grep -E "/heapwatch/heapwatch-$name\.so\$" || true)
    if [ -z "$path" ]; then
        continue # reported above
    elif ldd "$root/${path#./}" | grep 'not found' >"$work/moduleldd"; then
        fail "unresolved libraries of the $name module: $(cat "$work/moduleldd")"
    else
        pass "every library of the $name module resolves on this system"
    fi
done

export QT_QPA_PLATFORM=offscreen
run() { # run NAME EXPECTED_EXIT COMMAND...: output in $work/NAME.out
    local name=$1 expected=$2 code=0
    shift 2
    timeout 60 "$@" >"$work/$name.out" 2>"$work/$name.err" || code=$?
    if [ "$code" -ne "$expected" ]; then
        fail "$* exited $code, expected $expected"
        sed 's/^/      /' "$work/$name.out" "$work/$name.err" | head -20 >&2
        return 1
    fi
    return 0
}

echo "== the installed heapwatch"
if run version 0 "$bin" --version; then
    grep -qx "heapwatch $version" "$work/version.out" && pass "heapwatch --version: $(cat "$work/version.out")" \
        || fail "heapwatch --version printed '$(cat "$work/version.out")', expected 'heapwatch $version'"
fi
if run help 0 "$bin" --help; then
    for opt in --demo --replay --stats --no-restore --version check; do
        grep -q -- "$opt" "$work/help.out" || fail "heapwatch --help does not mention $opt"
    done
    pass "heapwatch --help"
fi
if run checkhelp 0 "$bin" check --help; then
    for opt in --demo --replay --stats --json --thresholds; do
        grep -q -- "$opt" "$work/checkhelp.out" || fail "heapwatch check --help does not mention $opt"
    done
    pass "heapwatch check --help"
fi
expected_first='HEAPWATCH CRITICAL - heap usage 97.6%'
if run demo 2 "$bin" check --demo; then
    first=$(head -1 "$work/demo.out")
    [[ $first == "$expected_first"* ]] && pass "heapwatch check --demo exits 2: $first" \
        || fail "heapwatch check --demo first line: '$first', expected it to start with '$expected_first'"
fi
cmp -s "$root/usr/share/heapwatch/thresholds.json" "$source_dir/resources/thresholds.json" \
    && pass "usr/share/heapwatch/thresholds.json is resources/thresholds.json" \
    || fail "usr/share/heapwatch/thresholds.json differs from resources/thresholds.json"
# The shipped thresholds file is the defaults: same verdict with it.
if run demothresholds 2 "$bin" check --demo --thresholds "$root/usr/share/heapwatch/thresholds.json"; then
    [[ $(head -1 "$work/demothresholds.out") == "$expected_first"* ]] \
        && pass "heapwatch check --demo --thresholds usr/share/heapwatch/thresholds.json exits 2" \
        || fail "with the shipped thresholds: $(head -1 "$work/demothresholds.out")"
fi
run badoption 3 "$bin" check --no-such-option && pass "heapwatch check --no-such-option exits 3 (UNKNOWN)"
# A command of the commands module, found where the package installs it.
if run snapshothelp 0 "$bin" snapshot --help; then
    grep -q -- '--summary' "$work/snapshothelp.out" && pass "heapwatch snapshot --help (the commands module loads)" \
        || fail "heapwatch snapshot --help printed no --summary: $(head -3 "$work/snapshothelp.out")"
fi
# The console loads its module from the package's LIBDIR/heapwatch: still running after 3 s (timeout's 124)
# means the window came up on the offscreen platform. A throwaway HOME keeps the user's settings out of it.
mkdir -p "$work/home"
if QT_QPA_PLATFORM=offscreen HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_DATA_HOME=$work/home/.local/share \
    timeout 3 "$bin" --demo --no-restore >"$work/console.out" 2>&1; then
    fail "the packaged console exited at once: $(head -5 "$work/console.out")"
else
    code=$?
    [ "$code" -eq 124 ] && pass "the packaged console starts (its module loads) and runs the demo" \
        || fail "the packaged console exited $code: $(head -5 "$work/console.out")"
fi

# --- Tarball -------------------------------------------------------------------------------------
echo "== $(basename "$tgz")"
tar -tzf "$tgz" >"$work/tgz"
top=$(basename "$tgz" .tar.gz)
for path in bin/heapwatch share/applications/heapwatch.desktop share/heapwatch/thresholds.json \
    share/icons/hicolor/scalable/apps/heapwatch.svg share/man/man1/heapwatch.1.gz; do
    grep -qxE "(\./)?$top/$path" "$work/tgz" && pass "tarball holds $top/$path" || fail "tarball lacks $top/$path"
done

# --- Optional: a real installation (CI machines only) ----------------------------------------------
if [ "${HEAPWATCH_TEST_DPKG_INSTALL:-0}" = 1 ]; then
    echo "== dpkg -i (HEAPWATCH_TEST_DPKG_INSTALL=1)"
    [ "$(id -u)" -eq 0 ] || die "HEAPWATCH_TEST_DPKG_INSTALL=1 needs root"
    dpkg -i "$deb" || DEBIAN_FRONTEND=noninteractive apt-get -f install -y -qq --no-install-recommends
    dpkg-query -W -f='${Status}\n' heapwatch | grep -q "install ok installed" && pass "dpkg -i heapwatch" \
        || fail "heapwatch is not installed after dpkg -i"
    run sysversion 0 /usr/bin/heapwatch --version && pass "/usr/bin/heapwatch --version"
    run sysdemo 2 /usr/bin/heapwatch check --demo && pass "/usr/bin/heapwatch check --demo exits 2"
fi

if [ "$failures" -ne 0 ]; then
    echo "packaging: $failures check(s) failed" >&2
    exit 1
fi
echo "packaging: all checks passed ($(basename "$deb"), $(basename "$tgz"))"
