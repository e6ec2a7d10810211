#!/bin/sh
# A LAUNCHER for the sweep tests: logs each stage command (one short line, appended) to
# $SWEEP_TEST_LOG, optionally waits $SWEEP_TEST_DELAY seconds (to widen the window an
# interruption test kills in), then runs the command — as `srun` would on a cluster.
echo "$*" >> "$SWEEP_TEST_LOG"
[ -n "$SWEEP_TEST_DELAY" ] && sleep "$SWEEP_TEST_DELAY"
exec "$@"
