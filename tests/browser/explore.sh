#!/usr/bin/env bash
# The explorer page in a real browser (README, Exploring the pipeline):
# `vitte-wat explore` on examples/fib.vir, on every golden case
# (tests/cases/*.vir) and on a linked program, each opened in headless
# Chromium with a `#select=FUNC:LINE` fragment, which opens the function
# and applies the same highlight as hovering that IR line (one code path in
# the page's script). Fails on a console error or an uncaught exception,
# when a page lacks the three columns, when its CFG has not as many nodes
# as the IR function has blocks, or when the highlighted WAT lines are not
# those the embedded data links to the line. Then, once a page (its first
# function with a pass that changed something), `#pass=FUNC:K&block=FUNC:B`:
# the pass view must show stage K with as many removed and added lines as
# the data's edit script, and hovering CFG block B must highlight its IR
# lines and the WAT they became. A page made with `--profile` must shade
# the sampled lines. Installs Chromium from Debian when it is missing.
# Screenshots: target/browser/explore*.png.
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

# dom_check DOM: prints, from a dumped DOM, the highlighted IR lines, WAT
# lines and CFG nodes, the pass view's stage and its removed and added
# lines, and the hot (profile-shaded) lines: `KEY v1,v2,...` lines.
dom_check() {
    python3 - "$1" <<'PY'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack = []  # the class of each open div, g or button
        self.found = {"ir": set(), "wat": set(), "node": set(), "stage": set(), "on": set(),
                      "add": 0, "del": 0, "hot_ir": set(), "hot_wat": set()}
    def inside(self, cls):
        return any(cls in c.split() for c in self.stack)
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class") or ""
        words = cls.split()
        f = self.found
        if tag in ("div", "g", "button"):
            if "hl" in words and "l" in words and self.inside("ir") and "data-l" in a:
                f["ir"].add(int(a["data-l"]))
            if "hl" in words and "data-w" in a:
                f["wat"].add(int(a["data-w"]))
            if tag == "g" and "hl" in words:
                f["node"].add(int(a["data-b"]))
            if "passes" in words and "data-stage" in a:
                f["stage"].add(int(a["data-stage"]))
            if tag == "button" and "on" in words:
                f["on"].add(int(a["data-k"]))
            if "l" in words and self.inside("stagecols"):
                f["add"] += "add" in words
                f["del"] += "del" in words
            if "hot" in words and self.inside("ir") and "data-l" in a:
                f["hot_ir"].add(int(a["data-l"]))
            if "hot" in words and "data-w" in a:
                f["hot_wat"].add(int(a["data-w"]))
            self.stack.append(cls)
    def handle_endtag(self, tag):
        if tag in ("div", "g", "button") and self.stack:
            self.stack.pop()
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
for k, v in p.found.items():
    print(k, ",".join(map(str, sorted(v))) if isinstance(v, set) else v)
PY
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
    python3 - "$page" >"$out/$name.extra" <<'PY'
import json, re, sys, urllib.parse
html = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<script type="application/json" id="data">(.*?)</script>', html, re.S)
data = json.loads(m.group(1))
def changes(steps):
    return (sum(1 for s in steps if isinstance(s, str)), sum(-s for s in steps if isinstance(s, int) and s < 0))
for f in data["funcs"]:
    counts = [tuple(a + b for a, b in zip(changes(st["wat"]), changes(st["ir"]))) for st in f["stages"]]
    k = max(range(1, len(counts)), key=lambda k: (sum(counts[k]), -k), default=0)
    code = [l for l in f["ir"] if l["inst"] and l["b"] >= 0 and any(w["l"] == l["n"] for w in f["wat"])]
    if not code or not sum(counts[k]):
        continue
    b = code[-1]["b"]  # the last block with code: not always the entry
    ir = set()
    for l in f["ir"]:
        if l["b"] == b:
            ir.update([l["n"]] + l["via"])
    wat = sorted(i for i, w in enumerate(f["wat"]) if w["l"] in ir)
    name = urllib.parse.quote(f["name"], safe="")
    print("pass=%s:%d&block=%s:%d" % (name, k, name, b), k, counts[k][0], counts[k][1], b,
          ",".join(map(str, sorted(ir))), ",".join(map(str, wat)))
    break
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
    if [ -s "$out/$name.extra" ]; then
        local frag stage adds dels block irl watl
        read -r frag stage adds dels block irl watl <"$out/$name.extra"
        local dom="$out/$name.passes.dom.html" log="$out/$name.passes.log"
        "$browser" "${flags[@]}" --dump-dom "file://$PWD/$page#$frag" \
            2>"$log" >"$dom" || fail "$name: chromium failed (see $log)"
        if grep -qE 'Uncaught|:CONSOLE[:(]' "$log"; then
            fail "$name #$frag: console message or error (see $log)"
        fi
        dom_check "$dom" >"$out/$name.passes.found"
        want="ir $irl
wat $watl
node $block
stage $stage
on $stage
add $adds
del $dels"
        got=$(grep -E '^(ir|wat|node|stage|on|add|del) ' "$out/$name.passes.found")
        [ "$got" = "$want" ] || fail "$name #$frag: the page shows
$got
the data says
$want
(see $dom)"
        echo "explore.sh: $name: pass view (stage $stage: +$adds -$dels) and CFG block $block ok"
    fi
    echo "explore.sh: $name: $k functions ok"
}

"$vw" explore examples/fib.vir -o "$out/fib.html"
check fib "$out/fib.html"
"$browser" "${flags[@]}" --screenshot="$out/../explore.png" "file://$PWD/$out/fib.html#select=fib:18" \
    2>>"$out/fib.1.log" >/dev/null
[ -s "$out/../explore.png" ] || fail "no screenshot"
# The pass view (rotate-loops) and a hovered CFG block (the loop): a screenshot.
"$browser" "${flags[@]}" --screenshot="$out/../explore-passes.png" \
    "file://$PWD/$out/fib.html#pass=fib:8&block=fib:1" 2>>"$out/fib.1.log" >/dev/null
[ -s "$out/../explore-passes.png" ] || fail "no screenshot of the pass view"

for case in tests/cases/*.vir; do
    name=$(basename "$case" .vir)
    "$vw" explore "$case" -o "$out/$name.html"
    check "$name" "$out/$name.html"
done

# A linked program: three modules linked into one .vir, then explored.
"$vw" link tests/link/three_modules/{a,b,c}.vir -o "$out/linked.vir"
"$vw" explore "$out/linked.vir" -o "$out/linked.html"
check linked "$out/linked.html"
# --profile: a run's profile, the sampled lines shaded (IR and WAT).
"$vw" run tests/profile/two_loops.vir --disable-pass inline --profile "$out/two_loops.json" \
    --invoke main 40 1000000 >/dev/null
"$vw" explore tests/profile/two_loops.vir --disable-pass inline --profile "$out/two_loops.json" \
    -o "$out/profile.html"
hot=$(python3 - "$out/profile.html" <<'PY'
import json, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
data = json.loads(re.search(r'id="data">(.*?)</script>', html, re.S).group(1))
f = max(data["funcs"], key=lambda f: max(l["s"] for l in f["ir"]))
top = max(f["ir"], key=lambda l: l["s"])
lines = sorted(l["n"] for l in f["ir"] if l["s"])
wat = sorted(k for k, w in enumerate(f["wat"]) if w["l"] in lines)
print(f["name"] + ":" + str(top["n"]), ",".join(map(str, lines)), ",".join(map(str, wat)))
PY
)
read -r select hot_ir hot_wat <<<"$hot"
dom="$out/profile.dom.html"
"$browser" "${flags[@]}" --dump-dom "file://$PWD/$out/profile.html#select=$select" \
    2>"$out/profile.log" >"$dom" || fail "profile: chromium failed"
grep -qE 'Uncaught|:CONSOLE[:(]' "$out/profile.log" && fail "profile: console message or error (see $out/profile.log)"
found=$(dom_check "$dom")
got="$(echo "$found" | grep '^hot_ir ') / $(echo "$found" | grep '^hot_wat ')"
[ -n "$hot_ir" ] && [ "$got" = "hot_ir $hot_ir / hot_wat $hot_wat" ] \
    || fail "profile: shaded lines $got, sampled: IR $hot_ir, WAT $hot_wat (see $dom)"
echo "explore.sh: --profile: IR lines $hot_ir shaded, and their WAT"
"$browser" "${flags[@]}" --screenshot="$out/../explore-profile.png" \
    "file://$PWD/$out/profile.html#select=$select" 2>>"$out/profile.log" >/dev/null
[ -s "$out/../explore-profile.png" ] || fail "no screenshot of the profile"
echo "explore.sh: ok; screenshots target/browser/explore.png, explore-passes.png, explore-profile.png"
