#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in their own build tree and runs them, seeded with the
# real CLI captures and every input kept in tests/fuzz/regressions/<target>/.
#
#   run-fuzzers.sh SOURCE_DIR BUILD_DIR replay RUNS      (the fuzz_parsers test, CI)
#       Deterministic: replays the kept regressions one by one, then runs RUNS mutations per target from a
#       fixed seed (-seed=1 -runs=RUNS) on a fresh corpus. The same commit always gives the same verdict.
#       A finding is left in BUILD_DIR/artifacts/<target>/ and printed; the source tree is not written.
#   run-fuzzers.sh SOURCE_DIR BUILD_DIR explore SECONDS  (installer/dev.sh fuzz [SECONDS])
#       Open-ended: random seeds, SECONDS per target, the corpus kept in BUILD_DIR/corpus between runs. A
#       finding is copied to tests/fuzz/regressions/<target>/, where tst_fuzzregressions and the replay mode
#       run it from then on.
# Fails (exit 1) on any crash, hang, leak, sanitizer report or broken property (FuzzTargets.h).
set -euo pipefail
src=$1
build=$2
mode=${3:-replay}
amount=${4:-}
case "$mode" in
replay) amount=${amount:-20000} ;;
explore) amount=${amount:-300} ;;
*)
    echo "run-fuzzers: mode is 'replay RUNS' or 'explore SECONDS', not '$mode'" >&2
    exit 2
    ;;
esac
[[ "$amount" =~ ^[0-9]+$ ]] || { echo "run-fuzzers: '$amount' is not a whole number" >&2; exit 2; }
command -v clang++ >/dev/null || { echo "run-fuzzers: clang++ is missing (Debian: clang, libclang-rt-dev)" >&2; exit 1; }

mkdir -p "$build"
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DHEAPWATCH_FUZZ=ON >"$build.configure.log" 2>&1 || { cat "$build.configure.log"; exit 1; }
cmake --build "$build" -j 2 --target fuzz_logparser fuzz_statsparser fuzz_cgroupstatsparser fuzz_inspectparser fuzz_thresholds \
    fuzz_heapsnapshot fuzz_enginelogfile

fixtures=$src/tests/fixtures
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
common=(-timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1)

# run NAME SEED_FILE...: one target; non-zero when it found something.
run() {
    local name=$1
    shift
    local exe=$build/tests/fuzz/fuzz_$name dir=$build/corpus/$name artifacts=$build/artifacts/$name/
    local log=$build/fuzz_$name.log kept=$src/tests/fuzz/regressions/$name
    rm -rf "$artifacts"
    mkdir -p "$artifacts"
    [ "$mode" = replay ] && rm -rf "$dir"
    mkdir -p "$dir"
    for f in "$@"; do cp "$f" "$dir/$(basename "$(dirname "$f")")-$(basename "$f")"; done
    local regressions=()
    if [ -d "$kept" ]; then
        while IFS= read -r -d '' f; do regressions+=("$f"); done < <(find "$kept" -type f ! -name '*.md' -print0 | sort -z)
    fi

    if [ "$mode" = replay ]; then
        # Each kept input once, by name: a regression fails here before any mutation runs.
        if [ ${#regressions[@]} -gt 0 ] && ! "$exe" "${common[@]}" "${regressions[@]}" >"$log.replay" 2>&1; then
            echo "FAIL: fuzz_$name: a kept regression fails again"
            tail -40 "$log.replay"
            return 1
        fi
        [ ${#regressions[@]} -gt 0 ] && cp "${regressions[@]}" "$dir/"
        if ! "$exe" "${common[@]}" -seed=1 -runs="$amount" -artifact_prefix="$artifacts" "$dir" >"$log" 2>&1; then
            echo "FAIL: fuzz_$name found a problem (seed 1, $amount runs); the input is in $artifacts"
            echo "      keep it: cp $artifacts* $kept/"
            tail -40 "$log"
            return 1
        fi
        echo "fuzz_$name: ${#regressions[@]} regressions replayed, $(grep -oE 'number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$') runs from seed 1, peak RSS $(grep -oE 'peak_rss_mb: *[0-9]+' "$log" | grep -oE '[0-9]+$') MB, no finding"
        return 0
    fi

    [ ${#regressions[@]} -gt 0 ] && cp "${regressions[@]}" "$dir/"
    if ! "$exe" "${common[@]}" -max_total_time="$amount" -artifact_prefix="$artifacts" "$dir" >"$log" 2>&1; then
        echo "FAIL: fuzz_$name found a problem; the input is kept in tests/fuzz/regressions/$name/"
        tail -40 "$log"
        mkdir -p "$kept"
        cp "$artifacts"* "$kept/" 2>/dev/null || true
        return 1
    fi
    echo "fuzz_$name: ${amount} s, $(ls "$dir" | wc -l) corpus inputs, $(grep -oE 'number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$') runs, peak RSS $(grep -oE 'peak_rss_mb: *[0-9]+' "$log" | grep -oE '[0-9]+$') MB, no finding"
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
run cgroupstatsparser "$src"/tests/fuzz/regressions/cgroupstatsparser/* & a=$!
run heapsnapshot "$fixtures"/heapsnap/*.heapsnapshot & b=$!
wait $a || failed=1
wait $b || failed=1
run enginelogfile "$src"/tests/fuzz/regressions/enginelogfile/* || failed=1
exit $failed
