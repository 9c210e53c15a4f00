#!/usr/bin/env bash
# callgrind_parent.sh - instructions per sample of a tributary parent under
# `valgrind --tool=callgrind` on a fixed loadgen workload.
#
#   TRIBUTARY_BIN=build/bin/tributary bash tests/bench/callgrind_parent.sh [CxMxD] [SECONDS]
#
# Defaults: 20x20x10 for 20 s. The parent (ram, retention 3600, lz4,
# replication on, no health) runs under callgrind; the counters are zeroed
# once every child streams, the loadgen (--seed 42) runs its time and closes,
# and once every receiver logged its "disconnected (completed N updates)"
# line the counters are dumped. Instructions per sample = instructions since
# the zeroing / (rows received since then x dimensions per chart); the rows
# are the receivers' own: their totals at the end minus their counters read
# (/api/v1/actors) right after the zeroing; that one request is counted too.
#
# HISTORY=S (backfill): each child claims S seconds of history and replays it
# when asked; the counters are zeroed before the loadgen starts and dumped
# once every child streams, and the figure is instructions per replayed
# sample (C x M x D x S; definitions and handshakes are counted too).
# CALLGRIND_KEEP=FILE keeps the dump (for callgrind_annotate).
# Loopback only; every process started is stopped (lib.sh trap).
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"

SIZE=${1:-20x20x10}
SECS=${2:-20}
IFS=x read -r N M D <<< "$SIZE"
KEY=$(cat /proc/sys/kernel/random/uuid)
T=$(h_tmpdir run)
PORT=$(h_free_port)
mkdir -p "$T/conf"
cat > "$T/conf/netdata.conf" <<CONF
[global]
    hostname = cg-parent
[db]
    mode = ram
    update every = 1
    retention = 3600
    enable replication = yes
[web]
    bind to = 127.0.0.1:$PORT
[directories]
    log = $T/log
    cache = $T/cache
    lib = $T/lib
[health]
    enabled = no
CONF
cat > "$T/conf/stream.conf" <<CONF
[stream]
    enable compression = yes

[$KEY]
    enabled = yes
    allow from = *
    default memory mode = ram
    health enabled by default = no
    enable compression = yes
    enable replication = yes
CONF

h_start parent valgrind --tool=callgrind --callgrind-out-file="$T/cg.out" \
  "$TRIBUTARY_BIN" run --config-dir "$T/conf"
PARENT_PID=$H_LAST_PID
h_wait_for -t 300 -m "parent answers" h__http_ok "http://127.0.0.1:$PORT/api/v1/info"

all_streaming() { tail -n 1 "$H_TMP/lg.out" 2>/dev/null | grep -q "up=$N/$N streaming=$N "; }

# The loadgen runs SECS after every child streams (plus the ramp and the
# time to stream, bounded by 120 s).
if [ "${HISTORY:-0}" -gt 0 ]; then
  callgrind_control -z "$PARENT_PID" > /dev/null
  h_start lg "$TRIBUTARY_BIN" loadgen --destination "127.0.0.1:$PORT" --api-key "$KEY" \
    --children "$N" --charts "$M" --dims "$D" --update-every 1 --duration 900 \
    --ramp 2 --reconnect-delay 5 --lz4 --seed 42 --hostname-prefix cg --history "$HISTORY" \
    --json "$T/lg.json"
  h_wait_for -t 900 -m "all children streaming" all_streaming
  callgrind_control -d "$PARENT_PID" > /dev/null
  sleep 1
  h_stop "$H_LAST_PID" 30
  h_stop "$PARENT_PID" 60
  dump=$(ls "$T"/cg.out.* | sort -t. -k3 -n | head -n 1)
  ir=$(sed -n 's/^summary: \([0-9]*\).*/\1/p; s/^totals: \([0-9]*\).*/\1/p' "$dump" | head -n 1)
  [ -z "${CALLGRIND_KEEP:-}" ] || cp "$dump" "$CALLGRIND_KEEP"
  python3 -c 'import json, sys
ir, n, m, d, h = map(int, sys.argv[1:6])
print(json.dumps({"size": sys.argv[6], "history": h, "instructions": ir,
                  "samples_replayed": n * m * d * h,
                  "instructions_per_replayed_sample": round(ir / (n * m * d * h), 1)}))' \
    "$ir" "$N" "$M" "$D" "$HISTORY" "$SIZE"
  h_pass
  exit 0
fi
h_start lg "$TRIBUTARY_BIN" loadgen --destination "127.0.0.1:$PORT" --api-key "$KEY" \
  --children "$N" --charts "$M" --dims "$D" --update-every 1 --duration $((SECS + 120)) \
  --ramp 2 --reconnect-delay 5 --lz4 --seed 42 --hostname-prefix cg --json "$T/lg.json"
LG=$H_LAST_PID
h_wait_for -t 120 -m "all children streaming" all_streaming
receiver_updates() { # retried: a parent under callgrind can be slow to answer
  local body="" try
  for try in 1 2 3 4 5; do
    body=$(h_http_get "http://127.0.0.1:$PORT/api/v1/actors" 2>/dev/null) && [ -n "$body" ] && break
    sleep 1
  done
  echo "$body" | python3 -c '
import json, sys
print(sum(a["counters"].get("updates", 0) for a in json.load(sys.stdin)["actors"] if a["kind"] == "receiver"))'
}
callgrind_control -z "$PARENT_PID" > /dev/null
z_updates=$(receiver_updates)
sleep "$SECS"
h_stop "$LG" 30
h_wait_for -t 120 -m "loadgen report" test -s "$T/lg.json"
h_wait_for -t 600 -m "every receiver done" \
  bash -c "[ \$(grep -ho 'disconnected (completed [0-9]* updates)' '$T/log/'* 2>/dev/null | wc -l) -ge $N ]"
callgrind_control -d "$PARENT_PID" > /dev/null
sleep 1
after=$(grep -ho 'completed [0-9]* updates' "$T/log/"* | awk '{s+=$2} END {print s}')
h_stop "$PARENT_PID" 60
dump=$(ls "$T"/cg.out.* | sort -t. -k3 -n | head -n 1)
ir=$(sed -n 's/^summary: \([0-9]*\).*/\1/p; s/^totals: \([0-9]*\).*/\1/p' "$dump" | head -n 1)
[ -z "${CALLGRIND_KEEP:-}" ] || cp "$dump" "$CALLGRIND_KEEP"
python3 - "$ir" "$after" "$D" "$T/lg.json" "$z_updates" "$SIZE" "$SECS" <<'PY'
import json, re, sys
ir, rows_total, dims, lgjson, zline, size, secs = sys.argv[1:8]
ir, rows_total, dims = int(ir), int(rows_total), int(dims)
lg = json.load(open(lgjson))
samples = (rows_total - int(zline)) * dims
print(json.dumps({"size": size, "seconds": int(secs), "instructions": ir,
                  "samples_measured": samples,
                  "instructions_per_sample": round(ir / samples, 1),
                  "parent_samples_received_total": rows_total * dims,
                  "parent_samples_at_zero": int(zline) * dims,
                  "loadgen_samples_total": lg["good"]["samples"],
                  "loadgen_dropped": lg["good"]["dropped"]}))
PY
h_pass
