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

WINDOW=${1:-60}
PORT=$(h_free_port)
D=$(h_tmpdir)
mkdir -p "$D/conf" "$D/log" "$D/cache" "$D/lib"
cat > "$D/conf/netdata.conf" <<CONF
[global]
    hostname = idle-parent
[db]
    mode = ram
[web]
    bind to = 127.0.0.1:$PORT
[directories]
    log = $D/log
    cache = $D/cache
    lib = $D/lib
[plugins]
    proc = no
[health]
    enabled = no
CONF
printf '[%s]\n    enabled = yes\n    allow from = *\n' "$(cat /proc/sys/kernel/random/uuid)" \
  > "$D/conf/stream.conf"
h_start idle-parent "$TRIBUTARY_BIN" run --config-dir "$D/conf"
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
