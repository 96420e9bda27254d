#!/usr/bin/env bash
# The explorer page on a large module (not a test; BENCHMARKS.md, "The
# explorer page"): `vitte-wat explore` of `gen_ir --functions N --seed 1`,
# then the page opened in headless Chromium ROUNDS times, each with a fresh
# profile. Prints, per round, the page's own load time (the `data-load-ms`
# its script writes on <body> once the data is parsed and the list of
# functions built and laid out: from navigation start, the HTML's parsing
# included) and the wall time of `chromium --screenshot` for the page and
# for examples/fib.vir's (the browser's own start-up), then the medians.
#
#   bench/explore-page.sh [FUNCTIONS] [ROUNDS]    (default 1000 and 5)
#
# Needs Chromium (tests/browser/explore.sh installs it) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
rounds=${2:-5}
out=target/bench-explore
mkdir -p "$out"
cargo build --release --locked --quiet --bin vitte-wat --example gen_ir
vw=target/release/vitte-wat
browser=$(command -v chromium || command -v chromium-browser) || {
    echo "explore-page.sh: no chromium (apt-get install -y chromium)" >&2
    exit 1
}
target/release/examples/gen_ir --functions "$n" --seed 1 -o "$out/k.vir"
/usr/bin/time -f "%e s wall, %U s user, %S s system, %M KiB peak RSS" \
    "$vw" explore "$out/k.vir" -o "$out/k.html" 2>"$out/explore.time"
echo "vitte-wat explore ($n functions, $(wc -l <"$out/k.vir") lines):" \
    "$(cat "$out/explore.time"); the page $(stat -c %s "$out/k.html") bytes"
"$vw" explore examples/fib.vir -o "$out/fib.html"

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
flags=(--headless --no-sandbox --disable-gpu --no-first-run --window-size=1400,900)
# wall PAGE [chromium args]: seconds of one chromium run, a fresh profile.
wall() {
    local page=$1
    shift
    rm -rf "$home/p"
    local t0 t1
    t0=$(date +%s%N)
    "$browser" "${flags[@]}" --user-data-dir="$home/p" "$@" "file://$PWD/$page" \
        >"$out/last.out" 2>"$out/last.log"
    t1=$(date +%s%N)
    echo "scale=3; ($t1 - $t0) / 1000000000" | bc
}
echo "round  load-ms  screenshot-s  fib-screenshot-s  (load average $(cut -d' ' -f1-3 /proc/loadavg))"
loads=() shots=() fibs=()
for r in $(seq 1 "$rounds"); do
    wall "$out/k.html" --dump-dom >/dev/null
    load=$(grep -o 'data-load-ms="[0-9]*"' "$out/last.out" | grep -o '[0-9]*')
    [ -n "$load" ] || { echo "explore-page.sh: no data-load-ms (see $out/last.log)" >&2; exit 1; }
    shot=$(wall "$out/k.html" --screenshot="$out/k.png")
    fib=$(wall "$out/fib.html" --screenshot="$out/fib.png")
    echo "$r      $load     $shot         $fib"
    loads+=("$load") shots+=("$shot") fibs+=("$fib")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "median: load $(median "${loads[@]}") ms, screenshot $(median "${shots[@]}") s," \
    "fib's screenshot $(median "${fibs[@]}") s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
