#!/usr/bin/env bash
# monitor against a real Prometheus Pushgateway: installs Debian's prometheus (for promtool)
# and prometheus-pushgateway if missing, starts the gateway on 127.0.0.1, runs the monitor on
# a synthetic log with --push, checks fairpipe.prom with promtool, reads the metrics back from
# the gateway's API, then checks that an unreachable gateway is a one-line error that leaves
# the local artefacts intact. Stops the gateway on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release}
PORT=${PUSHGATEWAY_PORT:-19091}

if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus-pushgateway >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus prometheus-pushgateway >/dev/null) \
    || { echo "SKIPPED: cannot install prometheus / prometheus-pushgateway here"; exit 0; }
fi
[ -x "$BIN/monitor" ] || swift build -c release --product monitor

work=$(mktemp -d)
gateway=""
cleanup() { if [ -n "$gateway" ]; then kill "$gateway" 2>/dev/null || true; wait "$gateway" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT

# 70 days of 300 rows, the demo's change moved to day 60.
"$BIN/monitor" demo-log --config configs/monitor-demo.yml --set data.synthetic.drift.from_row=18000 \
  --days 70 --rows-per-day 300 --file "$work/log.csv" --quiet

prometheus-pushgateway --web.listen-address="127.0.0.1:$PORT" --persistence.file="$work/pushgateway.db" >"$work/gateway.log" 2>&1 &
gateway=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/-/ready" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$PORT/-/ready" >/dev/null || { echo "pushgateway did not start"; cat "$work/gateway.log"; exit 1; }

"$BIN/monitor" --config configs/monitor-demo.yml --set fairness.bootstrap.samples=200 --quiet \
  --log "$work/log.csv" --out "$work/monitor" --push "http://127.0.0.1:$PORT" --job fairpipe-ci --instance ci-run
promtool check metrics < "$work/monitor/fairpipe.prom"
echo "promtool: fairpipe.prom passes"

# Read back through the gateway's API: the pushed group and a fairness gauge with job/instance labels.
curl -sf "http://127.0.0.1:$PORT/api/v1/metrics" > "$work/api.json"
grep -q '"job":"fairpipe-ci"' "$work/api.json" || { echo "job label not in the gateway API"; exit 1; }
curl -sf "http://127.0.0.1:$PORT/metrics" > "$work/scrape.txt"
line=$(grep '^fairpipe_disparity{' "$work/scrape.txt" | grep 'metric="demographic_parity_difference"' | grep 'attribute="group"' | grep 'instance="ci-run"' | grep 'job="fairpipe-ci"' | head -1)
[ -n "$line" ] || { echo "fairpipe_disparity not found on the gateway"; exit 1; }
local_value=$(grep '^fairpipe_disparity{metric="demographic_parity_difference",attribute="group"}' "$work/monitor/fairpipe.prom" | awk '{print $2}')
gateway_value=$(echo "$line" | awk '{print $2}')
python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); sys.exit(0 if abs(a - b) <= 1e-12 * max(1, abs(a)) else 1)" "$local_value" "$gateway_value" \
  || { echo "gateway value $gateway_value differs from fairpipe.prom $local_value"; exit 1; }
echo "pushgateway: $line"

# An unreachable gateway: one line on stderr, exit 69, artefacts and manifest intact.
kill "$gateway"; wait "$gateway" 2>/dev/null || true; gateway=""
set +e
"$BIN/monitor" --config configs/monitor-demo.yml --set fairness.bootstrap.samples=200 --quiet \
  --log "$work/log.csv" --out "$work/monitor2" --push "http://127.0.0.1:$PORT" 2>"$work/push.err"
status=$?
set -e
[ "$status" = 69 ] || { echo "unreachable gateway: exit $status, expected 69"; cat "$work/push.err"; exit 1; }
[ "$(grep -c 'error:' "$work/push.err")" = 1 ] || { echo "unreachable gateway: expected one error line"; cat "$work/push.err"; exit 1; }
for f in monitor.json alerts.json junit.xml summary.md fairpipe.prom manifest.json; do
  test -s "$work/monitor2/$f" || { echo "missing $f after a failed push"; exit 1; }
done
echo "unreachable gateway: $(grep 'error:' "$work/push.err")"
echo "monitor + Pushgateway: OK"
