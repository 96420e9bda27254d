#!/usr/bin/env bash
# What `run --profile` costs (README, Profiling): each bench/programs/NAME.vir
# run by `vitte-wat run --invoke NAME N` with and without `--profile
# OUT.json` at the default interval (1 ms), alternating, RUNS times each
# (default 5); the best wall time of each, whole process (the compile cache
# warm), and the slowdown. Prints a Markdown section on stdout. Goal: under
# 10%.
#
#   bench/profile.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
out=target/bench-profile
mkdir -p "$out"
# name and workload (the i32 argument; sieve, matmul, quicksort and strsearch
# are at their arrays' sizes): each run takes some 0.1-0.6 s here.
workloads=(fib:35 sieve:4000000 matmul:160 quicksort:1000000 nbody:1000000 fnv:20000 bintree:22 strsearch:1048576)

cargo build --release --locked --quiet --bin vitte-wat
vw=target/release/vitte-wat

# time_ms CMD...: the command's wall time in ms.
now_ns() { date +%s%N; }
time_ms() {
    local t0 t1
    t0=$(now_ns)
    "$@" >/dev/null
    t1=$(now_ns)
    echo $(((t1 - t0) / 1000000))
}
min() { printf '%s\n' "$@" | sort -n | head -1; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()
for w in "${workloads[@]}"; do
    name=${w%%:*}
    arg=${w#*:}
    run=("$vw" run "bench/programs/$name.vir" --invoke "$name" "$arg")
    # Warm the compile cache, and check the two print the same result.
    plain_out=$("${run[@]}")
    prof_out=$("${run[@]}" --profile "$out/$name.json")
    [ "$plain_out" = "$prof_out" ] || { echo "$name: the profiled run printed $prof_out, not $plain_out" >&2; exit 1; }
    plain=() profiled=()
    for _ in $(seq "$runs"); do
        plain+=("$(time_ms "${run[@]}")")
        profiled+=("$(time_ms "${run[@]}" --profile "$out/$name.json")")
    done
    p=$(min "${plain[@]}")
    q=$(min "${profiled[@]}")
    samples=$(grep -o '"samples":{"length":[0-9]*' "$out/$name.json" | grep -o '[0-9]*$')
    rows+=("| \`$name $arg\` | $p | $q | $(awk -v p="$p" -v q="$q" 'BEGIN { printf "%+.1f%%", (q - p) * 100 / p }') | $samples |")
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo "## Profiling overhead: \`run --profile\` against \`run\`"
echo
echo "\`bench/profile.sh $runs\`: each program of \`bench/programs/\` run by \`vitte-wat run NAME.vir"
echo "--invoke NAME N\`, and the same with \`--profile OUT.json\` (sampling every 1 ms, the"
echo "default, and writing the Firefox profile), alternating, $runs times each; best wall time of"
echo "the whole process (the compile cache warm). Both printed the same result. Goal: under 10%."
echo
echo "- Machine: $(nproc) cores, $(uname -sr); $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD)."
echo "- Load average (1, 5, 15 min): $load_before before, $load_after after."
echo
echo "| program | \`run\` best (ms) | \`run --profile\` best (ms) | slowdown | samples |"
echo "|---|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
