#!/usr/bin/env bash
# Runs one fuzz target for a given time, after seeding its corpus.
#
#   fuzz/run.sh TARGET SECONDS [extra libFuzzer options...]
#
# TARGET: parse_vir, compile_vir, asm_wat, validate_wasm or spec_script.
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`); works on the stable
# toolchain through RUSTC_BOOTSTRAP=1 (AddressSanitizer on). The final
# statistics (executions, cov:, ft:) are printed at the end and the whole
# log is kept in fuzz/logs/TARGET-<date>.log; a crash is saved under
# fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/run.sh TARGET SECONDS [libFuzzer options...]}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS [libFuzzer options...]}
shift 2

# Inputs larger than this are not tried (seeds larger are cut).
case "$target" in
    compile_vir) max_len=4096 ;;
    spec_script) max_len=8192 ;;
    *) max_len=16384 ;;
esac

# The seeds for asm_wat and validate_wasm are made with the release CLI.
if [ ! -x ../target/release/vitte-wat ]; then
    (cd .. && cargo build --release)
fi
./seed.py "$target"

mkdir -p logs
log="logs/$target-$(date -u +%Y%m%dT%H%M%SZ).log"
echo "fuzzing $target for ${seconds}s; log: fuzz/$log"
# -timeout: one input running longer than this is reported as a hang.
# -rss_limit_mb: wasmtime reserves address space, not RSS; 4 GB of RSS is a leak.
set +e
options=(-max_total_time="$seconds" -max_len="$max_len" -timeout=60 -rss_limit_mb=4096
    -print_final_stats=1 "$@")
if [ -n "${NO_BUILD:-}" ]; then
    # NO_BUILD=1: run the binary `cargo fuzz build` made, as it is (what
    # `cargo fuzz run` runs after building).
    mkdir -p "artifacts/$target"
    nice -n "${NICE:-10}" "target/x86_64-unknown-linux-gnu/release/$target" \
        -artifact_prefix="artifacts/$target/" "${options[@]}" "corpus/$target" >"$log" 2>&1
else
    RUSTC_BOOTSTRAP=1 nice -n "${NICE:-10}" cargo fuzz run "$target" "corpus/$target" -- \
        "${options[@]}" >"$log" 2>&1
fi
status=$?
set -e
# The last progress line (executions, cov:, ft:, corpus, exec/s), the final
# statistics, and any crash report.
grep -E '^#[0-9]+' "$log" | tail -1
grep -E '^stat::|^Done [0-9]+ runs|^==[0-9]+==|panicked|^SUMMARY|^artifact_prefix|Test unit written' "$log" || true
echo "exit status: $status"
exit "$status"
