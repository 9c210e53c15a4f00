#!/usr/bin/env bash
# idle_parent.sh - the CPU of a tributary parent with no children: ram, no
# /proc collector, no health, one key enabled. Measured with the scheduler's
# run-time counter of every thread (/proc/PID/task/*/schedstat, nanoseconds),
# which keeps sub-tick costs that utime+stime (10 ms ticks) round away.
#
#   TRIBUTARY_BIN=build/bin/tributary bash tests/bench/idle_parent.sh [SECONDS]
#
# SECONDS defaults to 60; the window opens 5 s after the parent answers.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

WINDOW=${1:-60}
PORT=$(h_free_port)
D=$(h_tmpdir)
tc_instance "$D" idle-parent "127.0.0.1:$PORT"
tc_no_proc "$D"
printf '[health]\n    enabled = no\n' >> "$D/conf/netdata.conf"
tc_accept_key "$D" "$(cat /proc/sys/kernel/random/uuid)"
tc_start idle-parent "$D"
PID=$H_LAST_PID
h_wait_http "$PORT" /api/v1/info 20
sleep 5

run_ns() { cat /proc/"$PID"/task/*/schedstat | awk '{ s += $1 } END { printf "%d\n", s }'; }
a=$(run_ns)
t0=$(date +%s%N)
sleep "$WINDOW"
b=$(run_ns)
t1=$(date +%s%N)
h_log "idle parent: $(python3 -c "print('%.3f' % (($b - $a) / ($t1 - $t0) * 100))") % of one core over ${WINDOW} s (load $(cut -d' ' -f1-3 /proc/loadavg))"
h_stop "$PID"
h_pass
