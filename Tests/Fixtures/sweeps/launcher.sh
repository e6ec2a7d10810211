#!/bin/sh
# A LAUNCHER for the sweep tests: logs each stage command (one short line, appended) to
# $SWEEP_TEST_LOG, optionally waits $SWEEP_TEST_DELAY seconds (to widen the window an
# interruption test kills in), then runs the command — as `srun` would on a cluster.
echo "$*" >> "$SWEEP_TEST_LOG"
[ -n "$SWEEP_TEST_DELAY" ] && sleep "$SWEEP_TEST_DELAY"
# $SWEEP_TEST_HOLD, a shell pattern: a matching stage never starts (it waits until the test
# kills the sweep), so an interruption test knows which runs cannot have finished.
if [ -n "$SWEEP_TEST_HOLD" ]; then
  case "$*" in $SWEEP_TEST_HOLD) sleep 600; exit 1 ;; esac
fi
exec "$@"
