#!/usr/bin/env bash
# The profile's HTML report in a real browser (README, Profiling): profiles
# tests/profile/two_loops.vir with `vitte-wat run --profile`, opens the
# report in headless Chromium, and fails unless the rendered page has the
# flame graph's boxes and both tables with @heavy on top, and no error.
# Installs Chromium from Debian (`apt-get install chromium`, as root or
# through sudo) when it is missing. Keeps the screenshot and the DOM as
# artifacts: target/browser/profile.png and profile.dom.html.
#
#   tests/browser/profile.sh        (after `cargo build --release`)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/browser
mkdir -p "$out"

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "profile.sh: installing Chromium (Debian package chromium)"
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq chromium >/dev/null
    browser=$(command -v chromium)
fi
echo "profile.sh: $("$browser" --version 2>/dev/null | head -1)"

# At -O2 @light and @heavy, small leaves, are copied into @main; the profile
# still shows them apart (by the DWARF's inlined frames).
target/release/vitte-wat run tests/profile/two_loops.vir \
    --profile "$out/profile.html" \
    --invoke main 40 1000000 >/dev/null
page="file://$PWD/$out/profile.html"
# A profile directory of its own: no state from, or left to, another run.
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
flags=(--headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$home"
    --window-size=1280,900 --virtual-time-budget=2000)
"$browser" "${flags[@]}" --dump-dom "$page" 2>"$out/chromium.log" >"$out/profile.dom.html"
rm -f "$out/profile.png"
"$browser" "${flags[@]}" --screenshot="$out/profile.png" "$page" 2>>"$out/chromium.log" >/dev/null

fail() {
    echo "profile.sh: $1 (see $out/profile.dom.html, $out/chromium.log)" >&2
    exit 1
}
dom="$out/profile.dom.html"
grep -q '<svg' "$dom" || fail "no flame graph in the rendered page"
rects=$(grep -o '<rect ' "$dom" | wc -l)
[ "$rects" -ge 4 ] || fail "the flame graph has $rects boxes"
rows=$(grep -o '<tr>' "$dom" | wc -l)
[ "$rows" -ge 6 ] || fail "the tables have $rows rows"
grep -q '<td>heavy</td>' "$dom" || fail "@heavy is not in the functions table"
# Chromium's own error pages (a file it cannot read, a page it cannot parse).
if grep -qiE 'ERR_FILE_NOT_FOUND|ERR_ACCESS_DENIED|This page contains the following errors' "$dom"; then
    fail "the browser shows an error"
fi
[ -s "$out/profile.png" ] || fail "no screenshot"
echo "profile.sh: ok: $rects boxes, $rows table rows; screenshot $out/profile.png"
