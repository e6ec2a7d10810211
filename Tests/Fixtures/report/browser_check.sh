#!/usr/bin/env bash
# Headless-Chromium check of a FairPipe HTML report, for CI.
#
#   browser_check.sh REPORT.html [SCREENSHOT.png]
#
# Loads the report with the network disabled, then fails (exit 1) when
#   - the browser logs a console error or an uncaught exception,
#   - the report tries to load anything (it must be self-contained),
#   - the rendered DOM lacks a report section or has no drawn chart marks,
#   - a run's report lacks one of the named charts (selection rate, TPR/FPR, ROC, calibration,
#     threshold sweep, before/after, trade-off) or one of them draws no marks,
#   - the page, laid out by Chromium at 1280 px with its sections closed, is taller than
#     MAX_HEIGHT pixels (default 4400: about four screens of 1,080 px; MAX_HEIGHT=0 skips the check).
# Optionally writes a full-page screenshot (the page's own height; HEIGHT=pixels overrides) and,
# with PDF=out.pdf, a printed copy. Needs `chromium` (apt-get install chromium).
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

"$browser" "${flags[@]}" --window-size=1280,800 --dump-dom "$url" >"$work/dom.html" 2>"$work/log.txt" || {
    echo "browser_check: chromium failed" >&2; cat "$work/log.txt" >&2; exit 1; }

status=0
# Chromium logs every console message (any level) and uncaught exception as INFO:CONSOLE;
# the report itself never writes to the console, so any such line is a failure.
if grep -E ':CONSOLE[:(]|Uncaught' "$work/log.txt" >"$work/console.txt"; then
    echo "browser_check: console errors:" >&2; cat "$work/console.txt" >&2; status=1
fi
# External references, in the file and in the DOM after scripts ran (the proxy above makes any
# fetch fail, but Chromium does not log failed fetches at this verbosity, so look for them).
if grep -hoiE '(src|href|action|poster|data)=["'"'"']?[a-z]*:?//[^"'"'"' >]*|url\([^)]*\)|@import[^;]*' "$html" "$work/dom.html" >"$work/net.txt"; then
    echo "browser_check: external references:" >&2; sort -u "$work/net.txt" >&2; status=1
fi
sections="verdict data group-metrics disparities charts mitigation recommendations model-card provenance"
grep -q "<section id=\"pareto\"" "$work/dom.html" && sections="pareto runs seeds"  # the multi-run page
grep -q "<section id=\"over-time\"" "$work/dom.html" && sections="over-time drift week-over-week alerts"  # monitor's page
grep -q '<body class="audit">' "$work/dom.html" && sections="verdict disparities charts group-metrics provenance"  # report --audit
for section in $sections; do
    grep -q "<section id=\"$section\"" "$work/dom.html" || { echo "browser_check: section $section missing" >&2; status=1; }
done
marks=$(grep -o 'class="mark' "$work/dom.html" | wc -l)
charts=$(grep -o '<svg class="chart"' "$work/dom.html" | wc -l)
echo "browser_check: $charts charts, $marks marks drawn"
[ "$marks" -gt 0 ] || { echo "browser_check: no chart marks in the DOM" >&2; status=1; }
# A run's report: each named chart is in the DOM and draws marks (bars, lines or points).
if grep -q '<section id="verdict"' "$work/dom.html"; then
    # A run without scores (no curves.json) or without mitigation says so; those charts are then not asked for.
    named="c[0-9]*-sel:selection-rate c[0-9]*-err:TPR/FPR"
    grep -q 'No curves.json was given' "$work/dom.html" || named="$named c[0-9]*-roc:ROC c[0-9]*-cal:calibration c-sweep:threshold-sweep"
    grep -qE '<body class="audit">|No mitigation was run' "$work/dom.html" || named="$named c-mitigation:before/after c-tradeoff:trade-off"
    for item in $named; do
        id=${item%%:*}; name=${item#*:}
        # The chart's SVG, from its id to its closing tag, with its marks counted.
        drawn=$(awk -v id="$id" 'BEGIN { re = "id=\"" id "\"" }
            !inside && match($0, re) { inside = 1; $0 = substr($0, RSTART) }
            inside { n = index($0, "</svg>"); chunk = n ? substr($0, 1, n) : $0
                     count += gsub(/class="mark/, "", chunk); if (n) exit }
            END { print inside ? count : -1 }' "$work/dom.html")
        if [ "$drawn" -lt 0 ]; then echo "browser_check: chart $name ($id) missing" >&2; status=1
        elif [ "$drawn" -eq 0 ]; then echo "browser_check: chart $name ($id) draws no marks" >&2; status=1
        else echo "browser_check: chart $name: $drawn marks"; fi
    done
fi
# The page height Chromium laid out at 1280 px with every <details> closed (the report's
# script records it as <html data-height=…>).
height=$(grep -o 'data-height="[0-9]*"' "$work/dom.html" | head -1 | tr -dc 0-9)
if [ -n "$height" ] && grep -q '<section id="verdict"' "$work/dom.html"; then
    echo "browser_check: page height ${height} px at 1280 px, sections closed"
    max=${MAX_HEIGHT:-4400}
    if [ "$max" -gt 0 ] && [ "$height" -gt "$max" ]; then
        echo "browser_check: the page is ${height} px tall with its sections closed, over MAX_HEIGHT=$max" >&2; status=1
    fi
fi
# The sorting script marks <html data-script="ready"> when it ran to the end without an exception.
grep -q 'data-script="ready"' "$work/dom.html" || { echo "browser_check: the report's script did not finish" >&2; status=1; }

if [ -n "$shot" ]; then
    "$browser" "${flags[@]}" --hide-scrollbars --window-size=1280,${HEIGHT:-${height:-9000}} --screenshot="$shot" "$url" \
        >/dev/null 2>>"$work/log.txt" || { echo "browser_check: screenshot failed" >&2; status=1; }
    [ -s "$shot" ] && echo "browser_check: screenshot $shot"
fi
# PDF=out.pdf: also print with the report's print stylesheet (one section per page).
if [ -n "${PDF:-}" ]; then
    "$browser" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$PDF" "$url" >/dev/null 2>>"$work/log.txt" \
        || { echo "browser_check: printing failed" >&2; status=1; }
    if [ -s "$PDF" ] && command -v pdfinfo >/dev/null; then
        echo "browser_check: $PDF, $(pdfinfo "$PDF" | awk '/^Pages:/ {print $2}') pages"
    fi
fi
exit $status
