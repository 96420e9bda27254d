#!/usr/bin/env bash
# Start-up of `vitte-wat run` (not a test): what a large module costs before
# its first instruction, cold (Cranelift compiles), from the compile cache,
# and from a `.cwasm` (`vitte-wat compile`). Prints a Markdown section.
#
#   bench/startup.sh [RUNS]        (default 9 runs of each, after 1 warm-up)
#
# Needs hyperfine. The module is bench/gen-big.sh's (4,000 functions);
# inputs and the cache live under target/bench-startup/.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-9}
out=target/bench-startup
rm -rf "$out"
mkdir -p "$out/cache"
cargo build --release --locked --quiet --bin vitte-wat
vw=target/release/vitte-wat
bash bench/gen-big.sh 4000 >"$out/big.vir"
"$vw" build "$out/big.vir" -o "$out/big.wasm"
"$vw" compile "$out/big.wasm" -o "$out/big.cwasm"
export VITTE_CACHE_DIR=$PWD/$out/cache
inv="--invoke f3999 1"
labels=("big.wasm --no-cache (Cranelift compiles)" "big.wasm, cache hit" "big.cwasm (AOT)" "big.vir --no-cache" "big.vir, cache hit")
commands=("$vw run $out/big.wasm --no-cache $inv" "$vw run $out/big.wasm $inv" "$vw run $out/big.cwasm $inv"
    "$vw run $out/big.vir --no-cache $inv" "$vw run $out/big.vir $inv")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# One warm-up run each: it fills the cache for the "cache hit" lines.
hyperfine -N --style none --warmup 1 --runs "$runs" --export-csv "$out/startup.csv" "${commands[@]}" >/dev/null 2>&1
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo "## Start-up: cold compile vs the compile cache vs AOT"
echo
echo "What \`vitte-wat run\` costs before the guest's first instruction for a large module:"
echo "\`bench/gen-big.sh 4000\` (4,000 public functions, each a three-iteration loop of integer"
echo "arithmetic that calls the previous one; $(wc -l <"$out/big.vir") lines of IR, $(stat -c %s "$out/big.wasm") bytes of wasm64),"
echo "\`vitte-wat run FILE --invoke f3999 1\` (the 4,000 calls themselves take well under a"
echo "millisecond). \`hyperfine -N --warmup 1 --runs $runs\` with \`VITTE_CACHE_DIR\` set to a fresh"
echo "directory; the warm-up of a \"cache hit\" line fills the cache. The \`.cwasm\` is"
echo "\`vitte-wat compile big.wasm -o big.cwasm\`. For a \`.vir\` the lowering (parse, verify, lower,"
echo "print, assemble, validate) runs every time; only wasmtime's compilation is cached."
echo
echo "Load average before: $load_before; after: $load_after. CPU is user + sys, hyperfine's mean."
echo
echo "| input | median wall (s) | min–max (s) | CPU (s) | cold / this (wall) | cold / this (CPU) |"
echo "|---|---:|---:|---:|---:|---:|"
awk -F, -v labels="$(printf '%s\n' "${labels[@]}")" '
BEGIN { n = split(labels, L, "\n") }
NR > 1 {
    i = NR - 1; med[i] = $4; cpu[i] = $5 + $6; lo[i] = $7; hi[i] = $8
}
END {
    for (i = 1; i <= 5; i++) {
        c = (i <= 3) ? 1 : 4
        printf "| `%s` | %.3f | %.3f–%.3f | %.3f | %.1f× | %.1f× |\n", L[i], med[i], lo[i], hi[i], cpu[i], med[c] / med[i], cpu[c] / cpu[i]
    }
}' "$out/startup.csv"
echo
echo "The last two columns compare each line with the cold line of the same input (\`big.wasm\`"
echo "for the first three, \`big.vir\` for the last two), from the same run."
