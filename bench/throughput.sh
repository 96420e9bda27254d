#!/usr/bin/env bash
# Compile throughput, IR to validated wasm: `vitte-wat build --time-passes`
# on generated programs of 1,000, 10,000 and 100,000 functions, on one
# function of 10,000 and 100,000 blocks, on loops nested 100 and 1,000 deep
# and on 4,000 and 40,000 blocks whose values all stay live to the last one
# (40,000, not 100,000: wasm caps a function at 50,000 locals, and those
# values are all live at once), on 4,000 and 40,000 values live across as many
# diamonds (a head branching to two arms that join at the next head), on a
# `switch` of 4,000 and 40,000 arms each using a value of its own; growth
# ratios taken within each round; the phase split; and
# `vitte-wat build` of the 10,000-function program against `wat2wasm` alone
# assembling the WAT that vitte-wat emits for it.
#
#   bench/throughput.sh [ROUNDS]      (default 3; prints a markdown section)
#
# Needs wabt (wat2wasm). Environment: BENCH_DIR (default target/bench),
# SEED (default 1), SIZES (default "1000 10000 100000").

source "$(dirname "$0")/lib.sh"

rounds=${1:-3}
seed=${SEED:-1}
read -r -a sizes <<<"${SIZES:-1000 10000 100000}"
bench_need wat2wasm
bench_build

declare -a inputs=()
declare -A what=()
for n in "${sizes[@]}"; do
    f=$BENCH_DIR/functions-$n.vir
    "$GEN_DIR/gen_ir" --functions "$n" --seed "$seed" -o "$f"
    inputs+=("functions-$n")
    what[functions-$n]="gen_ir --functions $n --seed $seed"
done
for n in 10000 100000; do
    "$GEN_DIR/gen_ir" --blocks "$n" --seed "$seed" -o "$BENCH_DIR/blocks-$n.vir"
    inputs+=("blocks-$n")
    what[blocks-$n]="gen_ir --blocks $n --seed $seed"
done
for d in 100 1000; do
    "$GEN_DIR/gen_ir" --nest "$d" -o "$BENCH_DIR/nest-$d.vir"
    inputs+=("nest-$d")
    what[nest-$d]="gen_ir --nest $d"
done
for n in 4000 40000; do
    "$GEN_DIR/gen_ir" --live "$n" --seed "$seed" -o "$BENCH_DIR/live-$n.vir"
    inputs+=("live-$n")
    what[live-$n]="gen_ir --live $n --seed $seed"
done
for n in 4000 40000; do
    "$GEN_DIR/gen_ir" --diamonds "$n" --seed "$seed" -o "$BENCH_DIR/diamonds-$n.vir"
    inputs+=("diamonds-$n")
    what[diamonds-$n]="gen_ir --diamonds $n --seed $seed"
done
for n in 4000 40000; do
    "$GEN_DIR/gen_ir" --switch "$n" -o "$BENCH_DIR/switch-$n.vir"
    inputs+=("switch-$n")
    what[switch-$n]="gen_ir --switch $n"
done
# The WAT we emit for the middle size, for wat2wasm.
mid=${sizes[1]:-${sizes[0]}}
"$VITTE" emit "$BENCH_DIR/functions-$mid.vir" -o "$BENCH_DIR/functions-$mid.wat"

times=$(mktemp)
phases=$(mktemp)
trap 'rm -f "$times" "$phases"' EXIT
load_before=$(bench_load)
TIMEFORMAT='bash-time: %R %U %S'

# run ROUND NAME CMD...: one timed run; "round name wall cpu" to $times,
# "round name pass seconds" to $phases.
run() {
    local round=$1 name=$2 out
    shift 2
    out=$({ time "$@" >/dev/null 2>"$BENCH_DIR/.stderr"; } 2>&1) || bench_die "failed: $* ($(cat "$BENCH_DIR/.stderr"))"
    awk -v r="$round" -v n="$name" '{ printf "%d\t%s\t%.6f\t%.6f\n", r, n, $2, $3 + $4 }' <<<"$out" >>"$times"
    awk -v r="$round" -v n="$name" '$1 == "time-passes:" { printf "%d\t%s\t%s\t%s\n", r, n, $2, $3 }' \
        "$BENCH_DIR/.stderr" >>"$phases"
}

for name in "${inputs[@]}"; do # warm-up
    "$VITTE" build --direct "$BENCH_DIR/$name.vir" -o "$BENCH_DIR/$name.wasm"
done
for ((round = 1; round <= rounds; round++)); do
    for name in "${inputs[@]}"; do
        run "$round" "$name" "$VITTE" build --direct --time-passes "$BENCH_DIR/$name.vir" -o "$BENCH_DIR/$name.wasm"
    done
    run "$round" "text-$mid" "$VITTE" build --time-passes "$BENCH_DIR/functions-$mid.vir" -o "$BENCH_DIR/functions-$mid.text.wasm"
    run "$round" "wat2wasm-$mid" wat2wasm --enable-memory64 "$BENCH_DIR/functions-$mid.wat" -o "$BENCH_DIR/functions-$mid.wabt.wasm"
done
cmp -s "$BENCH_DIR/functions-$mid.wasm" "$BENCH_DIR/functions-$mid.text.wasm" ||
    bench_die "build --direct and build wrote different bytes for functions-$mid"
load_after=$(bench_load)

# The median of one pass over the rounds.
phase() {
    awk -F'\t' -v n="$1" -v p="$2" '$2 == n && $3 == p { print $4 }' "$phases" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else printf "%.3f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

cat <<MD
## Compile throughput: \`vitte-wat build\`, IR to validated wasm

\`bench/throughput.sh $rounds\`: generated IR (\`cargo run --release --example gen_ir -- ...\`,
arguments below), each compiled with \`vitte-wat build --direct --time-passes FILE.vir -o FILE.wasm\`
(wasm64, all passes: parse, verify, lower+encode, validate, and writing the file; \`--direct\`
encodes each function's WAT AST to binary as soon as it is lowered, without printing and
assembling text, byte for byte the same output, which the script checks on the middle size).
$rounds rounds; each round compiles every input once, so the growth ratios are taken
within a round; medians over the rounds, min-max in brackets. CPU = user + system, over
all threads: a module of more than 256 functions is parsed, verified, lowered and
encoded on every core, so CPU can exceed wall time.
Peak memory is the process's peak resident set (\`VmHWM\`).

- Machine: $(bench_machine).
- Load average (1, 5, 15 min): $load_before before, $load_after after.

| input | IR size | wall median (s) [min-max] | CPU median (s) | functions/s | IR MB/s | peak memory |
|---|---:|---|---:|---:|---:|---:|
MD
for name in "${inputs[@]}"; do
    bytes=$(stat -c %s "$BENCH_DIR/$name.vir")
    read -r wm wlo whi <<<"$(bench_stats "$times" "$name" 3)"
    read -r cm _ _ <<<"$(bench_stats "$times" "$name" 4)"
    funcs=$(grep -c '^pub fn\|^fn' "$BENCH_DIR/$name.vir")
    [[ $name == functions-* ]] || funcs=0
    rss=$(awk -F'\t' -v n="$name" '$2 == n && $3 == "peak-rss" { print $4 }' "$phases" | sort -g | tail -1)
    awk -v n="$name" -v w="${what[$name]}" -v b="$bytes" -v wm="$wm" -v wlo="$wlo" -v whi="$whi" \
        -v cm="$cm" -v f="$funcs" -v rss="$rss" 'BEGIN {
        fps = f > 0 ? sprintf("%.0f", f / wm) : "-"
        printf "| `%s` | %.1f MB | %s [%s-%s] | %s | %s | %.1f | %.0f MiB |\n",
            w, b / 1e6, wm, wlo, whi, cm, fps, b / 1e6 / wm, rss / 1024 }'
done

cat <<MD

Growth, pair by pair within each round (≤ 11 for a tenfold input is the goal):

| ratio | wall median [min-max] | CPU median [min-max] |
|---|---|---|
MD
ratio_row() {
    read -r wm wlo whi <<<"$(bench_ratio "$times" "$1" "$2" 3)"
    read -r cm clo chi <<<"$(bench_ratio "$times" "$1" "$2" 4)"
    echo "| $3 | $wm [$wlo-$whi] | $cm [$clo-$chi] |"
}
for ((i = 1; i < ${#sizes[@]}; i++)); do
    ratio_row "functions-${sizes[i]}" "functions-${sizes[i - 1]}" "time(${sizes[i]} functions) / time(${sizes[i - 1]})"
done
ratio_row blocks-100000 blocks-10000 "time(100,000 blocks) / time(10,000)"
ratio_row nest-1000 nest-100 "time(loops 1,000 deep) / time(100 deep)"
ratio_row live-40000 live-4000 "time(40,000 live ranges) / time(4,000)"
ratio_row diamonds-40000 diamonds-4000 "time(40,000 values across 40,000 diamonds) / time(4,000)"
ratio_row switch-40000 switch-4000 "time(switch of 40,000 arms) / time(4,000)"

echo
echo "Phase split (median seconds of each pass over the rounds):"
echo
passes=(read parse verify lower+encode lower print assemble validate write total)
printf '| input |'
printf ' %s |' "${passes[@]}"
printf '\n|---|'
printf -- '---:|%.0s' "${passes[@]}"
echo
for name in "${inputs[@]}" "text-$mid"; do
    printf '| %s |' "$name"
    for p in "${passes[@]}"; do
        printf ' %s |' "$(phase "$name" "$p")"
    done
    echo
done

wat_mb=$(awk -v b="$(stat -c %s "$BENCH_DIR/functions-$mid.wat")" 'BEGIN { printf "%.1f", b / 1e6 }')
read -r wm wlo whi <<<"$(bench_stats "$times" "wat2wasm-$mid" 3)"
read -r cm _ _ <<<"$(bench_stats "$times" "wat2wasm-$mid" 4)"
read -r rm rlo rhi <<<"$(bench_ratio "$times" "functions-$mid" "wat2wasm-$mid" 3)"
read -r rc rclo rchi <<<"$(bench_ratio "$times" "functions-$mid" "wat2wasm-$mid" 4)"
read -r tm tlo thi <<<"$(bench_ratio "$times" "text-$mid" "wat2wasm-$mid" 3)"
read -r tc tclo tchi <<<"$(bench_ratio "$times" "text-$mid" "wat2wasm-$mid" 4)"
read -r xm _ _ <<<"$(bench_stats "$times" "text-$mid" 3)"
cat <<MD

\`vitte-wat build --direct\` of the $mid-function program against \`wat2wasm --enable-memory64\`
alone assembling the WAT vitte-wat emits for it (\`vitte-wat emit\`, $wat_mb MB), in the
same rounds: wat2wasm $wm s [$wlo-$whi] wall, $cm s CPU; **build --direct / wat2wasm = $rm
[$rlo-$rhi] wall, $rc [$rclo-$rchi] CPU** (< 1 is the goal). Through the text
(\`vitte-wat build\`, the \`text-$mid\` row above, $xm s): build / wat2wasm = $tm [$tlo-$thi]
wall, $tc [$tclo-$tchi] CPU.
MD
