#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in their own build tree and runs each for a bounded
# time, seeded with the real CLI captures. Fails on any crash, hang, leak or sanitizer report; the input
# that caused it is copied to tests/fuzz/regressions/<target>/ to be kept as a regression test.
#   run-fuzzers.sh SOURCE_DIR BUILD_DIR [SECONDS_PER_TARGET]
set -euo pipefail
src=$1
build=$2
seconds=${3:-60}
command -v clang++ >/dev/null || { echo "run-fuzzers: clang++ is missing (Debian: clang, libclang-rt-14-dev)" >&2; exit 1; }

cmake -S "$src" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DHEAPWATCH_FUZZ=ON >"$build.configure.log" 2>&1 || { cat "$build.configure.log"; exit 1; }
cmake --build "$build" -j 2 --target fuzz_logparser fuzz_statsparser fuzz_inspectparser fuzz_thresholds

fixtures=$src/tests/fixtures
# run NAME SEED_FILE...: one target with its corpus; non-zero when it found something.
run() {
    local name=$1
    shift
    local dir=$build/corpus/$name artifacts=$build/artifacts/$name/ log=$build/fuzz_$name.log
    rm -rf "$dir" "$artifacts"
    mkdir -p "$dir" "$artifacts"
    for f in "$@"; do cp "$f" "$dir/$(basename "$(dirname "$f")")-$(basename "$f")"; done
    if [ -d "$src/tests/fuzz/regressions/$name" ]; then
        cp "$src/tests/fuzz/regressions/$name"/* "$dir/" 2>/dev/null || true
    fi
    if ! ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$build/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts" "$dir" >"$log" 2>&1; then
        echo "FAIL: fuzz_$name found a problem; the input is kept in tests/fuzz/regressions/$name/"
        tail -40 "$log"
        mkdir -p "$src/tests/fuzz/regressions/$name"
        cp "$artifacts"* "$src/tests/fuzz/regressions/$name/" 2>/dev/null || true
        return 1
    fi
    echo "fuzz_$name: ${seconds} s, $(ls "$dir" | wc -l) corpus inputs, $(grep -oE 'number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$') runs, peak RSS $(grep -oE 'peak_rss_mb: *[0-9]+' "$log" | grep -oE '[0-9]+$') MB, no finding"
}

# Two at a time: the machines have two cores.
failed=0
run logparser "$fixtures"/*/logs-*.txt & a=$!
run statsparser "$fixtures"/*/stats-*.txt & b=$!
wait $a || failed=1
wait $b || failed=1
run inspectparser "$fixtures"/docker-cli-28.2.2/inspect.json "$fixtures"/docker-cli-28.2.2/ps-json.txt \
    "$fixtures"/synthetic/*.jsonl & a=$!
run thresholds "$src/resources/thresholds.json" & b=$!
wait $a || failed=1
wait $b || failed=1
exit $failed
