#!/usr/bin/env bash
# The explorer page in a real browser (README, Exploring the pipeline):
# `vitte-wat explore` on examples/fib.vir, on every golden case
# (tests/cases/*.vir) and on a linked program, each opened in headless
# Chromium with a `#select=FUNC:LINE` fragment, which opens the function
# and applies the same highlight as hovering that IR line (one code path in
# the page's script). Fails on a console error or an uncaught exception,
# when a page lacks the three columns, when its CFG has not as many nodes
# as the IR function has blocks, or when the highlighted WAT lines are not
# those the embedded data links to the line. Installs Chromium from Debian
# when it is missing. Screenshots: target/browser/explore*.png.
#
#   tests/browser/explore.sh        (after `cargo build --release`)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/browser/explore
mkdir -p "$out"

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "explore.sh: installing Chromium (Debian package chromium)"
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq chromium >/dev/null
    browser=$(command -v chromium)
fi
echo "explore.sh: $("$browser" --version 2>/dev/null | head -1)"

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
flags=(--headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$home"
    --window-size=1400,900 --virtual-time-budget=2000 --enable-logging=stderr --v=0)
vw=target/release/vitte-wat

fail() {
    echo "explore.sh: $1" >&2
    exit 1
}

# check NAME PAGE: opens PAGE once per function (the first instruction line
# with code selected), then checks the DOM against the page's own data.
check() {
    local name=$1 page=$2
    # The selections to make, one per function: FUNC:LINE WAT-LINES BLOCKS,
    # read from the embedded JSON (the expectations come from the data the
    # Rust side wrote, the result from what the browser's script did).
    python3 - "$page" >"$out/$name.plan" <<'PY'
import json, re, sys, urllib.parse
html = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<script type="application/json" id="data">(.*?)</script>', html, re.S)
data = json.loads(m.group(1))
for f in data["funcs"]:
    lines = [l for l in f["ir"] if l["inst"] and any(w["l"] == l["n"] for w in f["wat"])]
    if not lines:
        continue
    l = lines[0]
    wat = sorted(k for k, w in enumerate(f["wat"]) if w["l"] in [l["n"]] + l["via"])
    print(urllib.parse.quote(f["name"], safe="") + ":" + str(l["n"]),
          ",".join(map(str, wat)), len(f["cfg"]["blocks"]))
PY
    [ -s "$out/$name.plan" ] || fail "$name: no function with code"
    local k=0
    while read -r select wat blocks; do
        k=$((k + 1))
        local dom="$out/$name.$k.dom.html" log="$out/$name.$k.log"
        "$browser" "${flags[@]}" --dump-dom "file://$PWD/$page#select=$select" \
            2>"$log" >"$dom" || fail "$name: chromium failed (see $log)"
        if grep -qE 'Uncaught|:CONSOLE[:(]' "$log"; then
            fail "$name #select=$select: console message or error (see $log)"
        fi
        if grep -qiE 'ERR_FILE_NOT_FOUND|ERR_ACCESS_DENIED|This page contains the following errors' "$dom"; then
            fail "$name: the browser shows an error page (see $dom)"
        fi
        for col in 'col ir' 'col wat' 'col bin' 'col side'; do
            grep -q "class=\"$col\"" "$dom" || fail "$name #select=$select: no column '$col' (see $dom)"
        done
        # Only the selected function is rendered, so these count its own.
        local nodes
        nodes=$(grep -o '<g class="node[^"]*"' "$dom" | wc -l)
        [ "$nodes" -eq "$blocks" ] || fail "$name #select=$select: the CFG has $nodes nodes, the IR $blocks blocks"
        local got
        got=$(grep -o '<div class="l[^"]*hl"[^>]*data-w="[0-9]*"' "$dom" | sed 's/.*data-w="//; s/"$//' | sort -n | paste -sd, -)
        [ "$got" = "$wat" ] || fail "$name #select=$select: highlighted WAT lines [$got], linked [$wat] (see $dom)"
    done <"$out/$name.plan"
    echo "explore.sh: $name: $k functions ok"
}

"$vw" explore examples/fib.vir -o "$out/fib.html"
check fib "$out/fib.html"
"$browser" "${flags[@]}" --screenshot="$out/../explore.png" "file://$PWD/$out/fib.html#select=fib:18" \
    2>>"$out/fib.1.log" >/dev/null
[ -s "$out/../explore.png" ] || fail "no screenshot"

for case in tests/cases/*.vir; do
    name=$(basename "$case" .vir)
    "$vw" explore "$case" -o "$out/$name.html"
    check "$name" "$out/$name.html"
done

# A linked program: three modules linked into one .vir, then explored.
"$vw" link tests/link/three_modules/{a,b,c}.vir -o "$out/linked.vir"
"$vw" explore "$out/linked.vir" -o "$out/linked.html"
check linked "$out/linked.html"
echo "explore.sh: ok; screenshot target/browser/explore.png"
