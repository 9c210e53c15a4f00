#!/usr/bin/env bash
# Nothing lost across a parent outage: a tributary child keeps collecting
# while its tributary parent (dbengine) is down; when the parent is back it
# asks for the gap (REPLAY_CHART) and the child answers from its own db, so
# the parent's system.uptime has a value for every second of the outage.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

T=$(h_tmpdir)
KEY=$(cat /proc/sys/kernel/random/uuid)
PPORT=$(h_free_port)
CPORT=$(h_free_port)
tc_instance "$T/p" repl-parent "127.0.0.1:$PPORT" dbengine
printf '[%s]\n    enabled = yes\n    default memory mode = dbengine\n' "$KEY" > "$T/p/conf/stream.conf"
tc_instance "$T/c" repl-child "127.0.0.1:$CPORT"
cat > "$T/c/conf/stream.conf" <<CONF
[stream]
    enabled = yes
    destination = 127.0.0.1:$PPORT
    api key = $KEY
    reconnect delay seconds = 1
CONF

tc_start parent1 "$T/p"
h_wait_http "$PPORT" /api/v1/info 20
tc_start child "$T/c"
uptime_rows() { # -> number of non-null uptime values on the parent in [after, before]
  h_http_get "http://127.0.0.1:$PPORT/host/repl-child/api/v1/data?chart=system.uptime&after=$1&before=$2&format=json" \
    | python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin)["data"] if r[1] is not None))'
}
has_rows() { [ "$(uptime_rows -10 0 2>/dev/null || echo 0)" -ge 5 ]; }
h_wait_for -t 30 -m "the child's data on the parent" has_rows

# The outage: the parent stops (flushing its db), the child keeps collecting.
down_at=$(date +%s)
h_stop "$(h_pid parent1)"
h_wait_for -t 10 -m "the child notices" grep -q "connection closed by far end\|could not connect" "$T/c/log/error.log"
sleep_until=$((down_at + 8))
h_wait_for -t 20 -m "8 s of outage" bash -c "[ \$(date +%s) -ge $sleep_until ]"
up_at=$(date +%s)
tc_start parent2 "$T/p"
h_wait_http "$PPORT" /api/v1/info 20

# The gap [down_at+1, up_at-1] must be filled by replication.
gap_filled() {
  local n; n=$(uptime_rows $((down_at + 1)) $((up_at - 1)) 2>/dev/null || echo 0)
  [ "$n" -ge $((up_at - down_at - 2)) ]
}
h_wait_for -t 30 -m "the outage [$((down_at + 1)), $((up_at - 1))] replicated" gap_filled
# And the seconds before the outage are there after the restart too.
before_ok() { [ "$(uptime_rows $((down_at - 6)) $((down_at - 2)) 2>/dev/null || echo 0)" -ge 4 ]; }
h_wait_for -t 10 -m "pre-outage data on the restarted parent" before_ok
h_log "outage of $((up_at - down_at)) s: $(uptime_rows $((down_at + 1)) $((up_at - 1))) values replicated"
h_pass
