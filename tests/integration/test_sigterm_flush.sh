#!/usr/bin/env bash
# SIGTERM (and SIGINT) stop tributary the way a service manager expects: exit
# code 0, "received signal 15 (SIGTERM), shutting down", "databases flushed,
# exiting", and what it stored is on disk: started again on the same
# directories, localhost's system.uptime has the rows collected before the
# stop, for [db] mode = save (the whole ring written at stop) and dbengine
# (the open pages flushed at stop).
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

T=$(h_tmpdir)

uptime_rows() { # BASE AFTER BEFORE -> number of rows with a value in [AFTER, BEFORE]
  h_http_get "$1/api/v1/data?chart=system.uptime&after=$2&before=$3&points=0&format=json" \
    | python3 -c '
import json, sys
lo, hi = int(sys.argv[1]), int(sys.argv[2])
rows = json.load(sys.stdin)["data"]
print(sum(1 for r in rows if r[1] is not None and lo <= r[0] <= hi))' "$2" "$3" 2>/dev/null || echo 0
}
has_rows() { [ "$(uptime_rows "$1" "$2" "$3")" -ge "$4" ]; }

for mode in save dbengine; do
  for sig in TERM INT; do
    name=$mode-$sig
    PORT=$(h_free_port)
    BASE=http://127.0.0.1:$PORT
    tc_instance "$T/$name" "flush-$name-$$" "127.0.0.1:$PORT" "$mode"
    tc_start "$name" "$T/$name"
    pid=$H_LAST_PID
    h_wait_http "$PORT" /api/v1/info 20
    t0=$(date +%s)
    h_wait_for -t 20 -m "$name: 5 rows of system.uptime" has_rows "$BASE" "$t0" "$((t0 + 100))" 5
    t1=$(date +%s)
    kill -"$sig" "$pid"
    rc=0
    wait "$pid" || rc=$?
    h_assert_eq 0 "$rc" "$name: exit code"
    log=$T/$name/log/error.log
    signo=15; [ "$sig" = INT ] && signo=2
    h_wait_log "$log" "received signal $signo \(SIG$sig\), shutting down" 2
    h_wait_log "$log" "databases flushed, exiting" 2
    # Same directories again: the rows collected before the stop are there.
    tc_start "$name-again" "$T/$name"
    h_wait_http "$PORT" /api/v1/info 20
    # (the chart exists again once the collector ran)
    h_wait_for -t 15 -m "$name: 4 rows from before the stop after restarting (got $(uptime_rows "$BASE" "$t0" "$((t1 - 1))"))" \
      has_rows "$BASE" "$t0" "$((t1 - 1))" 4
    kept=$(uptime_rows "$BASE" "$t0" "$((t1 - 1))")
    H_PASSED=$((H_PASSED + 1))
    h_log "$name: $kept rows kept across the stop"
    h_stop "$H_LAST_PID"
  done
done
h_pass
