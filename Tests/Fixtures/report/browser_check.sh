#!/usr/bin/env bash
# Headless-Chromium check of a FairPipe HTML report, for CI.
#
#   browser_check.sh REPORT.html [SCREENSHOT.png]
#
# Loads the report with the network disabled, then fails (exit 1) when
#   - the browser logs a console error or an uncaught exception,
#   - the report tries to load anything (it must be self-contained),
#   - the rendered DOM lacks a report section or has no drawn chart marks.
# Optionally writes a full-page screenshot. Needs `chromium` (apt-get install chromium).
set -euo pipefail

html=${1:?usage: browser_check.sh REPORT.html [SCREENSHOT.png]}
shot=${2:-}
[ -f "$html" ] || { echo "browser_check: $html: no such file" >&2; exit 66; }
browser=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
[ -n "$browser" ] || { echo "browser_check: chromium not found (apt-get install chromium)" >&2; exit 69; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
url="file://$(cd "$(dirname "$html")" && pwd)/$(basename "$html")"
# No network at all: any attempt to fetch shows up as a failed request in the log.
flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-extensions
       --user-data-dir="$work/profile" --proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>'
       --enable-logging=stderr --v=0 --virtual-time-budget=3000)

"$browser" "${flags[@]}" --dump-dom "$url" >"$work/dom.html" 2>"$work/log.txt" || {
    echo "browser_check: chromium failed" >&2; cat "$work/log.txt" >&2; exit 1; }

status=0
if grep -E 'CONSOLE\(|Uncaught|console\.error' "$work/log.txt" | grep -viE 'dbus|gcm|fontconfig' >"$work/console.txt"; then
    echo "browser_check: console errors:" >&2; cat "$work/console.txt" >&2; status=1
fi
if grep -E 'net::ERR_|Failed to load resource' "$work/log.txt" >"$work/net.txt"; then
    echo "browser_check: the report tried to load something:" >&2; cat "$work/net.txt" >&2; status=1
fi
for section in verdict data group-metrics disparities charts mitigation recommendations model-card provenance; do
    grep -q "<section id=\"$section\"" "$work/dom.html" || { echo "browser_check: section $section missing" >&2; status=1; }
done
marks=$(grep -o 'class="mark' "$work/dom.html" | wc -l)
charts=$(grep -o '<svg class="chart"' "$work/dom.html" | wc -l)
echo "browser_check: $charts charts, $marks marks drawn"
[ "$marks" -gt 0 ] || { echo "browser_check: no chart marks in the DOM" >&2; status=1; }
# The sorting script must have run: it leaves the DOM intact, so check that scripts executed at all.
grep -q '<table class="sortable"' "$work/dom.html" || echo "browser_check: note: no sortable tables"

if [ -n "$shot" ]; then
    "$browser" "${flags[@]}" --hide-scrollbars --window-size=1280,${HEIGHT:-9000} --screenshot="$shot" "$url" \
        >/dev/null 2>>"$work/log.txt" || { echo "browser_check: screenshot failed" >&2; status=1; }
    [ -s "$shot" ] && echo "browser_check: screenshot $shot"
fi
exit $status
