#!/usr/bin/env bash
# SIGHUP on a running tributary parent, with two established streams (a real
# Netdata 1.37.1 child through ndpeer.sh and a tributary child):
#   * stream.conf edited (the children's key disabled, a new key added) and
#     `[web] bind to` changed, then HUP: "configuration reloaded", one
#     "[web] bind to changed ... needs a restart" line, the port stays; both
#     children stay on the same connection (one "receiving metrics" each on
#     the parent, one "initializing communication" in each child's log) and
#     their system.uptime keeps a row every second across the reload; each
#     is named as refused for new connections;
#   * a new child with the new key is accepted without a restart, a new one
#     with the disabled key gets Netdata's "Forbidding access" line;
#   * a broken stream.conf: its file:line problem, "configuration reload
#     failed, keeping the running configuration", and the running settings
#     stay (the new key still accepted);
#   * a health.d alarm added: listed in the Netdata child's /api/v1/alarms
#     on the parent after HUP;
#   * logrotate: error.log renamed, HUP, new lines go to a new error.log;
#   * the tributary child's `send charts matching` widened, HUP on the child:
#     the parent gets the new chart, the child keeps its connection;
#   * SIGTERM: exit code 0 and "databases flushed, exiting".
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

KEY1=$(cat /proc/sys/kernel/random/uuid)
KEY2=$(cat /proc/sys/kernel/random/uuid)
ND_GUID=$(cat /proc/sys/kernel/random/uuid)
ND_HOST=hup-nd-$$
TC_HOST=hup-trib-$$
PORT=$(h_free_port)
PORT2=$(h_free_port)
T=$(h_tmpdir)
BASE=http://127.0.0.1:$PORT

# ------------------------------------------------------------ the parent
tc_instance "$T/p" hup-parent-$$ "127.0.0.1:$PORT"
mkdir -p "$T/p/conf/health.d"
cat >> "$T/p/conf/netdata.conf" <<CONF
[health]
    enabled = yes
    enable stock health configuration = no
    run at least every seconds = 1
[directories]
    health config = $T/p/conf/health.d
CONF
write_stream_conf() { # KEY1_ENABLED [EXTRA]
  cat > "$T/p/conf/stream.conf" <<CONF
[$KEY1]
    enabled = $1
    allow from = *
    default memory mode = ram
    health enabled by default = yes
    default postpone alarms on connect seconds = 0
${2:-}
CONF
}
write_stream_conf yes
tc_start parent "$T/p"
PARENT=$H_LAST_PID
h_wait_http "$PORT" /api/v1/info 20
TLOG=$T/p/log/error.log
h_wait_for -t 10 -m "parent error.log" test -f "$TLOG"

# ------------------------------------------------------------ two children
NDPEER_PROC=small NDPEER_HOSTNAME=$ND_HOST h_ndpeer child 0 "$T/nd" "127.0.0.1:$PORT" "$KEY1" "$ND_GUID"
tc_instance "$T/c" "$TC_HOST" "127.0.0.1:$(h_free_port)"
cat > "$T/c/conf/stream.conf" <<CONF
[stream]
    enabled = yes
    destination = 127.0.0.1:$PORT
    api key = $KEY1
    send charts matching = system.uptime
CONF
tc_start child "$T/c"
CHILD=$H_LAST_PID
CLOG=$T/c/log/error.log

# The parent's whole log: the logrotate step below moves the first part away.
plog() { cat "$TLOG.1" "$TLOG" 2>/dev/null; }
receiving() { plog | grep -cE "STREAM $1 \[receive from .*\] ?: receiving metrics\.\.\." || true; }
has_chart() { h_http_get "$BASE/host/$1/api/v1/chart?chart=$2" > /dev/null 2>&1; }
last_entry() {
  h_http_get "$BASE/host/$1/api/v1/chart?chart=system.uptime" \
    | python3 -c 'import json,sys; print(int(json.load(sys.stdin).get("last_entry") or 0))' 2>/dev/null \
    || echo 0
}
after() { [ "$(last_entry "$1")" -gt "$2" ]; }
h_wait_for -t 30 -m "$ND_HOST streaming" has_chart "$ND_HOST" system.uptime
h_wait_for -t 30 -m "$TC_HOST streaming" has_chart "$TC_HOST" system.uptime
h_assert_eq 1 "$(receiving "$ND_HOST")" "receivers of $ND_HOST before the reload"
h_assert_eq 1 "$(receiving "$TC_HOST")" "receivers of $TC_HOST before the reload"
peer_of() { grep -oE "STREAM $1 \[receive from \[[^]]*\]:[0-9]+\]" "$TLOG" | head -1; }
ND_PEER=$(peer_of "$ND_HOST")
TC_PEER=$(peer_of "$TC_HOST")
if has_chart "$TC_HOST" system.load; then h_fail "system.load of $TC_HOST streamed before the filter allowed it"; fi
# The first live point after a connect is a gap by design (the dimensions
# need one live collection): start the every-second window once both hosts
# have data past it.
t0=$(( $(date +%s) + 2 ))
h_wait_for -t 20 -m "$ND_HOST data before the reload" after "$ND_HOST" "$t0"
h_wait_for -t 20 -m "$TC_HOST data before the reload" after "$TC_HOST" "$t0"

# ------------------------------------------------------------ reload: key disabled, new key, bind to
write_stream_conf no "[$KEY2]
    enabled = yes
    default memory mode = ram"
sed -i "s|bind to = 127.0.0.1:$PORT|bind to = 127.0.0.1:$PORT 127.0.0.1:$PORT2|" "$T/p/conf/netdata.conf"
kill -HUP "$PARENT"
h_wait_log "$TLOG" "configuration reloaded: " 10
h_alive "$PARENT" || h_fail "the parent died on SIGHUP"
h_wait_log "$TLOG" "CONFIG: \[web\] bind to changed from '127.0.0.1:$PORT' to '127.0.0.1:$PORT 127.0.0.1:$PORT2': needs a restart to take effect" 5
h_assert_eq 1 "$(grep -c 'needs a restart' "$TLOG")" "one needs-a-restart line (only bind to changed that way)"
h_wait_log "$TLOG" "CONFIG: \[$KEY2\] added" 5
h_wait_log "$TLOG" "STREAM $ND_HOST \[receive from .*\]: the reloaded configuration refuses this child .*established stream stays connected" 5
h_wait_log "$TLOG" "STREAM $TC_HOST \[receive from .*\]: the reloaded configuration refuses this child" 5
if curl -s --noproxy '*' --max-time 2 "http://127.0.0.1:$PORT2/api/v1/info" > /dev/null; then
  h_fail "the new bind to address answers without a restart"
fi
h_http_get "$BASE/api/v1/info" > /dev/null || h_fail "the parent's port stopped answering after HUP"
H_PASSED=$((H_PASSED + 1))

# Both streams continue on the same connection, a row every second.
mark=$(( $(date +%s) + 6 ))
h_wait_for -t 20 -m "$ND_HOST data 6 s past the reload" after "$ND_HOST" "$mark"
h_wait_for -t 20 -m "$TC_HOST data 6 s past the reload" after "$TC_HOST" "$mark"
every_second() { # HOST FROM: system.uptime has a value for every second since FROM
  h_http_get "$BASE/host/$1/api/v1/data?chart=system.uptime&after=$2&before=$((mark))&format=json&points=0" > "$T/rows-$1.json" || return 1
  python3 - "$T/rows-$1.json" "$2" "$mark" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["data"]
have = {r[0] for r in rows if r[1] is not None}
want = set(range(int(sys.argv[2]) + 1, int(sys.argv[3])))
missing = sorted(want - have)
if missing:
    print("missing seconds:", missing, file=sys.stderr); sys.exit(1)
PY
}
every_second "$ND_HOST" "$t0" || h_fail "$ND_HOST has gaps across the reload"
every_second "$TC_HOST" "$t0" || h_fail "$TC_HOST has gaps across the reload"
h_assert_eq 1 "$(receiving "$ND_HOST")" "receivers of $ND_HOST after the reload (no reconnect)"
h_assert_eq 1 "$(receiving "$TC_HOST")" "receivers of $TC_HOST after the reload (no reconnect)"
h_assert_eq "$ND_PEER" "$(grep -oE "STREAM $ND_HOST \[receive from \[[^]]*\]:[0-9]+\]" "$TLOG" | sort -u)" "$ND_HOST's connection (peer port)"
h_assert_eq "$TC_PEER" "$(grep -oE "STREAM $TC_HOST \[receive from \[[^]]*\]:[0-9]+\]" "$TLOG" | sort -u)" "$TC_HOST's connection (peer port)"
h_assert_eq 1 "$(grep -c 'initializing communication' "$T/nd/log/error.log")" "connects in the Netdata child's log"
h_assert_eq 1 "$(grep -c 'initializing communication' "$CLOG")" "connects in the tributary child's log"
if grep -qE "disconnected|read failed" "$TLOG"; then h_fail "a stream was dropped: $(grep -E 'disconnected|read failed' "$TLOG")"; fi

# ------------------------------------------------------------ new connections follow the new rules
loadgen() { # NAME KEY PREFIX
  "$TRIBUTARY_BIN" loadgen --destination "127.0.0.1:$PORT" --api-key "$2" --children 1 \
    --charts 1 --dims 1 --duration 3 --hostname-prefix "$3" --reconnect-delay 60 \
    > "$T/$1.out" 2>&1 || true
}
loadgen lg-new "$KEY2" hup-new-$$
h_wait_for -t 10 -m "the new key's child on the parent" has_chart "hup-new-$$-0000" lg.c0
loadgen lg-old "$KEY1" hup-old-$$
h_wait_log "$TLOG" "API key '$KEY1' is not allowed\. Forbidding access\." 10
if has_chart "hup-old-$$-0000" lg.c0; then h_fail "the disabled key's new child was accepted"; fi
H_PASSED=$((H_PASSED + 1))

# ------------------------------------------------------------ a broken stream.conf
write_stream_conf no "[$KEY2]
    enabled = maybe"
bad_line=$(grep -n 'enabled = maybe' "$T/p/conf/stream.conf" | cut -d: -f1)
kill -HUP "$PARENT"
h_wait_log "$TLOG" "configuration reload failed, keeping the running configuration" 10
h_wait_log "$TLOG" "CONFIG: $T/p/conf/stream.conf:$bad_line: " 2
loadgen lg-new2 "$KEY2" hup-new2-$$
h_wait_for -t 10 -m "the running configuration still accepts the new key" has_chart "hup-new2-$$-0000" lg.c0
h_alive "$PARENT" || h_fail "the parent died on a broken stream.conf"

# ------------------------------------------------------------ health.d
write_stream_conf no "[$KEY2]
    enabled = yes
    default memory mode = ram"
cat > "$T/p/conf/health.d/hup.conf" <<'CONF'
 alarm: hup_uptime_alarm
    on: system.uptime
  calc: $uptime
 every: 1s
  warn: $this < 0
CONF
kill -HUP "$PARENT"
h_wait_log "$TLOG" "HEALTH: health.d changed: 1 alerts" 10
alarm_listed() {
  h_http_get "$BASE/host/$ND_HOST/api/v1/alarms?all" | grep -q "hup_uptime_alarm"
}
h_wait_for -t 20 -m "the new alarm on $ND_HOST" alarm_listed
h_assert_eq 1 "$(receiving "$ND_HOST")" "receivers of $ND_HOST after the health reload"

# ------------------------------------------------------------ logrotate
mv "$TLOG" "$TLOG.1"
kill -HUP "$PARENT"
h_wait_for -t 10 -m "a new error.log after HUP" test -f "$TLOG"
h_wait_log "$TLOG" "SIGHUP received: log file reopened" 10
h_wait_log "$TLOG" "configuration reloaded: " 10
sz=$(stat -c %s "$TLOG.1")
loadgen lg-old2 "$KEY1" hup-old2-$$
h_wait_log "$TLOG" "API key '$KEY1' is not allowed\. Forbidding access\." 10
h_assert_eq "$sz" "$(stat -c %s "$TLOG.1")" "size of the rotated error.log.1 (no new lines)"

# ------------------------------------------------------------ the child's send charts matching
sed -i 's|send charts matching = system.uptime|send charts matching = system.uptime system.load|' "$T/c/conf/stream.conf"
kill -HUP "$CHILD"
h_wait_log "$CLOG" "send charts matching is now 'system.uptime system.load': 1 charts added" 10
h_wait_for -t 15 -m "system.load of $TC_HOST on the parent" has_chart "$TC_HOST" system.load
h_assert_eq 1 "$(receiving "$TC_HOST")" "receivers of $TC_HOST after its own reload"
h_assert_eq 1 "$(grep -c 'initializing communication' "$CLOG")" "connects in the tributary child's log after its reload"

# ------------------------------------------------------------ SIGTERM
kill -TERM "$PARENT"
rc=0
wait "$PARENT" || rc=$?
h_assert_eq 0 "$rc" "the parent's exit code on SIGTERM"
h_wait_log "$TLOG" "received signal 15 \(SIGTERM\), shutting down" 2
h_wait_log "$TLOG" "databases flushed, exiting" 2
h_pass
