#!/usr/bin/env bash
# What `run --profile` costs (README, Profiling): each bench/programs/NAME.vir
# run by `vitte-wat run --invoke NAME N` with and without `--profile
# OUT.json` at the default interval (1 ms), alternating, RUNS times each
# (default 5); the best wall and CPU times of each, whole process (the
# compile cache warm), and the slowdowns. Prints a Markdown section on stdout. Goal: under
# 10%.
#
# With valgrind installed, each program is also run once each way under
# `valgrind --tool=cachegrind` (PROFILE_INSTRUCTIONS=0 skips it): instruction
# counts do not depend on the machine's load, so they say what sampling
# costs when the times cannot (a shared machine, a VM's stolen time).
# valgrind runs one thread at a time, so it takes fewer samples than a native
# run: the cost per sample is measured there, then scaled by the native run's
# samples, against the plain run's instructions.
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

# time_ms CMD...: the command's wall and CPU (user + system) times in ms.
time_ms() {
    local TIMEFORMAT='%R %U %S' t
    t=$({ time "$@" >/dev/null 2>&1; } 2>&1)
    echo "$t" | awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }'
}
# best COLUMN TIMES...: the smallest of column 1 (wall) or 2 (CPU).
best() {
    local column=$1
    shift
    printf '%s\n' "$@" | cut -d' ' -f"$column" | sort -n | head -1
}
pct() { awk -v p="$1" -v q="$2" 'BEGIN { printf "%+.1f%%", (q - p) * 100 / p }'; }
# instructions CMD...: the instructions cachegrind counts for the command.
instructions() {
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
        sed -n 's/.*I *refs: *//p' | tr -d ,
}
# samples JSON: the samples of every thread of a Firefox profile.
samples() { grep -o '"samples":{"length":[0-9]*' "$1" | grep -o '[0-9]*$' | awk '{ s += $1 } END { print s + 0 }'; }
count_instructions=0
if [ "${PROFILE_INSTRUCTIONS:-1}" != 0 ] && command -v valgrind >/dev/null; then
    count_instructions=1
fi

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
    pw=$(best 1 "${plain[@]}") qw=$(best 1 "${profiled[@]}")
    pc=$(best 2 "${plain[@]}") qc=$(best 2 "${profiled[@]}")
    samples=$(samples "$out/$name.json")
    row="| \`$name $arg\` | $pw | $qw | $(pct "$pw" "$qw") | $pc | $qc | $(pct "$pc" "$qc") | $samples |"
    if [ "$count_instructions" = 1 ]; then
        ip=$(instructions "${run[@]}")
        iq=$(instructions "${run[@]}" --profile "$out/$name.vg.json")
        vs=$(samples "$out/$name.vg.json")
        row+=$(awk -v p="$ip" -v q="$iq" -v vs="$vs" -v s="$samples" 'BEGIN {
            per = vs > 0 ? (q - p) / vs : 0
            printf " %.1f | %d | %.0f | %+.2f%% |", p / 1e6, vs, per, per * s * 100 / p }')
    fi
    rows+=("$row")
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo "## Profiling overhead: \`run --profile\` against \`run\`"
echo
echo "\`bench/profile.sh $runs\`: each program of \`bench/programs/\` run by \`vitte-wat run NAME.vir"
echo "--invoke NAME N\`, and the same with \`--profile OUT.json\` (sampling every 1 ms, the"
echo "default, and writing the Firefox profile), alternating, $runs times each; best wall time and"
echo "best CPU time (user + system, the sampler's thread included) of the whole process, the"
echo "compile cache warm. Both printed the same result. Goal: under 10%. On a shared machine the"
echo "CPU times are the steadier figure."
if [ "$count_instructions" = 1 ]; then
    echo
    echo "The instruction columns: each run once under \`valgrind --tool=cachegrind\` (the whole"
    echo "process, every thread), plain and profiled. valgrind runs one thread at a time, so the"
    echo "sampled run takes fewer samples there; *instructions per sample* is the difference over"
    echo "those samples (the one-time costs of profiling included, so an overestimate), and the last"
    echo "column that cost times the native run's samples, against the plain run's instructions: the"
    echo "work sampling adds, independent of the machine's load."
fi
echo
echo "- Machine: $(nproc) cores, $(uname -sr); $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD)."
echo "- Load average (1, 5, 15 min): $load_before before, $load_after after."
echo
header="| program | wall, \`run\` (ms) | wall, \`--profile\` (ms) | wall slowdown | CPU, \`run\` (ms) | CPU, \`--profile\` (ms) | CPU slowdown | samples |"
rule="|---|---:|---:|---:|---:|---:|---:|---:|"
if [ "$count_instructions" = 1 ]; then
    header+=" instructions, \`run\` (M) | samples under valgrind | instructions per sample | instructions added at the native samples |"
    rule+="---:|---:|---:|---:|"
fi
echo "$header"
echo "$rule"
printf '%s\n' "${rows[@]}"
