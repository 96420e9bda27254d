#!/usr/bin/env bash
# Assembly speed: `vitte-wat asm` against `wat2wasm` (WABT) and `wasm-as`
# (Binaryen) on the same generated memory64 WAT (about 28 MB, 20,000
# functions of about 75 i64 instructions, folded syntax).
#
#   bench/assembly.sh [ROUNDS]        (default 7; prints a markdown section)
#
# Needs wabt, binaryen and hyperfine (apt-get install -y wabt binaryen hyperfine).
# Environment: BENCH_DIR (inputs and outputs; default target/bench),
# ASM_FUNCTIONS (default 20000), SEED (default 1).

source "$(dirname "$0")/lib.sh"

rounds=${1:-7}
functions=${ASM_FUNCTIONS:-20000}
seed=${SEED:-1}
bench_need hyperfine wat2wasm wasm-as
bench_build

wat=$BENCH_DIR/asm.wat
"$GEN_DIR/gen_wat" --functions "$functions" --seed "$seed" -o "$wat"
bytes=$(stat -c %s "$wat")
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
load_before=$(bench_load)

times=$(mktemp)
trap 'rm -f "$times"' EXIT
bench_rounds "$times" "$rounds" \
    "vitte-wat asm" "$VITTE asm $wat -o $BENCH_DIR/asm.vitte.wasm" \
    "wat2wasm" "wat2wasm --enable-memory64 $wat -o $BENCH_DIR/asm.wabt.wasm" \
    "wasm-as" "wasm-as --enable-memory64 $wat -o $BENCH_DIR/asm.binaryen.wasm"
load_after=$(bench_load)

# The phase split of one more run of ours.
phases=$("$VITTE" asm "$wat" -o "$BENCH_DIR/asm.vitte.wasm" --time-passes 2>&1 >/dev/null |
    awk '$1 == "time-passes:" && $2 != "peak-rss" { printf "%s%s %.3f s", sep, $2, $3; sep = ", " }')

cat <<MD
## Assembly: \`vitte-wat asm\` against wat2wasm and wasm-as

\`bench/assembly.sh $rounds\`: one generated memory64 module in folded WAT
(\`cargo run --release --example gen_wat -- --functions $functions --seed $seed\`:
$mb MB, $functions functions of about 75 i64 instructions: arithmetic, loads and
stores with offsets, a block and a loop with \`br_if\`, an \`if\`, a call), assembled
by each tool to a file. $rounds rounds; each round runs the three commands once,
one after the other, so each ratio is taken within a round; medians over the
rounds, min-max in brackets. CPU = user + system. \`vitte-wat asm\` also validates
its output and writes a name section (wat2wasm and wasm-as do neither by default).

- Machine: $(bench_machine). $(wat2wasm --version | sed 's/^/WABT /'), $(wasm-as --version | sed 's/wasm-as version/Binaryen/').
- Load average (1, 5, 15 min): $load_before before, $load_after after.

| command | wall median (s) [min-max] | CPU median (s) [min-max] | MB/s (wall) |
|---|---|---|---:|
MD
for name in "vitte-wat asm" "wat2wasm" "wasm-as"; do
    case $name in
    "vitte-wat asm") cmd="vitte-wat asm asm.wat -o out.wasm" ;;
    wat2wasm) cmd="wat2wasm --enable-memory64 asm.wat -o out.wasm" ;;
    wasm-as) cmd="wasm-as --enable-memory64 asm.wat -o out.wasm" ;;
    esac
    read -r wm wlo whi <<<"$(bench_stats "$times" "$name" 3)"
    read -r cm clo chi <<<"$(bench_stats "$times" "$name" 4)"
    rate=$(awk -v b="$bytes" -v t="$wm" 'BEGIN { printf "%.1f", b / 1e6 / t }')
    echo "| \`$cmd\` | $wm [$wlo-$whi] | $cm [$clo-$chi] | $rate |"
done
cat <<MD

| ratio, pair by pair (≤ 1.00: ours is faster) | wall median [min-max] | CPU median [min-max] |
|---|---|---|
MD
for peer in wat2wasm wasm-as; do
    read -r wm wlo whi <<<"$(bench_ratio "$times" "vitte-wat asm" "$peer" 3)"
    read -r cm clo chi <<<"$(bench_ratio "$times" "vitte-wat asm" "$peer" 4)"
    echo "| vitte-wat asm / $peer | $wm [$wlo-$whi] | $cm [$clo-$chi] |"
done
cat <<MD

Phases of one more \`vitte-wat asm --time-passes\` run: $phases.
Outputs: vitte-wat $(stat -c %s "$BENCH_DIR/asm.vitte.wasm") bytes (with names),
wat2wasm $(stat -c %s "$BENCH_DIR/asm.wabt.wasm"), wasm-as $(stat -c %s "$BENCH_DIR/asm.binaryen.wasm").
MD
