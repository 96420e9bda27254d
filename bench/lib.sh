# Shared by bench/assembly.sh and bench/throughput.sh: timing commands in
# interleaved rounds and summarising them. Sourced, not run.
#
# Each round runs every command once, one after the other (hyperfine -N,
# one run each), so the ratio of two commands is taken within a round, on
# the same load; a summary gives medians and min-max over the rounds.

set -euo pipefail

bench_die() {
    echo "bench: $*" >&2
    exit 1
}

bench_need() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || bench_die "$tool not found (apt-get install -y wabt binaryen hyperfine)"
    done
}

# Builds the release binary and the generators; sets VITTE and GEN_DIR.
bench_build() {
    local root
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    (cd "$root" && cargo build --release --locked --quiet --bin vitte-wat --example gen_ir --example gen_wat) >&2
    local target
    target=${CARGO_TARGET_DIR:-$root/target}
    VITTE=$target/release/vitte-wat
    GEN_DIR=$target/release/examples
    BENCH_DIR=${BENCH_DIR:-$target/bench}
    mkdir -p "$BENCH_DIR"
}

# bench_rounds OUT ROUNDS NAME CMD [NAME CMD]...: appends
# "round<TAB>name<TAB>wall<TAB>cpu" lines to OUT (cpu = user + system).
bench_rounds() {
    local out=$1 rounds=$2
    shift 2
    local -a names=() cmds=()
    while (($#)); do
        names+=("$1")
        cmds+=("$2")
        shift 2
    done
    local csv round i
    csv=$(mktemp)
    # One untimed warm-up of each command (page cache, binaries).
    for i in "${!cmds[@]}"; do
        bash -c "${cmds[$i]}" >/dev/null 2>&1 || bench_die "failed: ${cmds[$i]}"
    done
    for ((round = 1; round <= rounds; round++)); do
        hyperfine -N --runs 1 --style none --export-csv "$csv" "${cmds[@]}" >/dev/null 2>&1 ||
            bench_die "hyperfine failed in round $round"
        # command,mean,stddev,median,user,system,min,max; rows in command order.
        awk -F, -v round="$round" -v names="$(printf '%s\n' "${names[@]}")" '
            BEGIN { n = split(names, name, "\n") }
            NR > 1 { printf "%d\t%s\t%.6f\t%.6f\n", round, name[NR - 1], $2, $5 + $6 }
        ' "$csv" >>"$out"
    done
    rm -f "$csv"
}

# bench_median FILE NAME COLUMN: median, min and max of one command's
# column (3 = wall, 4 = cpu), as "median min max".
bench_stats() {
    awk -F'\t' -v name="$2" -v col="$3" '$2 == name { print $col }' "$1" | sort -g |
        awk '{ v[NR] = $1 } END {
            if (NR == 0) { print "nan nan nan"; exit }
            m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%.3f %.3f %.3f\n", m, v[1], v[NR]
        }'
}

# bench_ratio FILE A B COLUMN: the ratio A/B taken in each round; prints
# "median min max" of those ratios.
bench_ratio() {
    awk -F'\t' -v a="$2" -v b="$3" -v col="$4" '
        $2 == a { ta[$1] = $col }
        $2 == b { tb[$1] = $col }
        END { for (r in ta) if ((r in tb) && tb[r] > 0) print ta[r] / tb[r] }
    ' "$1" | sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "nan nan nan"; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.2f %.2f %.2f\n", m, v[1], v[NR]
    }'
}

# The machine and the load, for the section's header.
bench_machine() {
    local cpu cores mem
    cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
    cores=$(nproc)
    mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo "?")
    echo "$cores cores ($cpu), $mem; $(uname -sr); $(date -u +%Y-%m-%d)"
}

bench_load() {
    cut -d' ' -f1-3 /proc/loadavg
}
