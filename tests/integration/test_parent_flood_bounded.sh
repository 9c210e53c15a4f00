#!/usr/bin/env bash
# Hardening, finding 5 (read backpressure): a child that sends valid rows as
# fast as its socket takes them for 30 s must be slowed, not buffered.
#   * the parent's RSS grows by less than 200 MB over the flood (before the
#     backpressure it grew ~60 MB/s, 1.8 GB after 30 s);
#   * every row the flooder got accepted is stored by the end (the host's
#     "rows" counter reaches the rows sent once the flooder stops);
#   * a well-behaved child streaming at the same time keeps a value for every
#     second of the flood.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

KEY=$(cat /proc/sys/kernel/random/uuid)
TPORT=$(h_free_port)
T=$(h_tmpdir)
BASE=http://127.0.0.1:$TPORT
FLOOD_S=${FLOOD_S:-30}
GOOD=good-child-$$

tc_instance "$T/trib" flood-parent-$$ "127.0.0.1:$TPORT"
cat > "$T/trib/conf/stream.conf" <<CONF
[$KEY]
    enabled = yes
    allow from = *
    default memory mode = ram
    default history = 3600
CONF
tc_start tributary "$T/trib"
PARENT=$H_LAST_PID
h_wait_http "$TPORT" /api/v1/info 20

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$PARENT/status"; }

# The well-behaved child: 2 charts, one row a second for the whole test.
h_start good python3 "$H_HARNESS/ndfakechild.py" --dest "127.0.0.1:$TPORT" --key "$KEY" \
  --hostname "$GOOD" --charts 2 --dims 2 --iterations $((FLOOD_S + 25)) --interval 1 --expect-accept
GOODPID=$H_LAST_PID
good_rows() {
  h_http_get "$BASE/host/$GOOD/api/v1/data?chart=fake.c0&after=-5&format=json" 2>/dev/null \
    | python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; sys.exit(0 if any(r[1] is not None for r in d) else 1)'
}
h_wait_for -t 20 -m "data of $GOOD" good_rows

base=$(rss_kb)
t_start=$(date +%s)
h_start flood python3 "$H_HARNESS/ndflood.py" --dest "127.0.0.1:$TPORT" --key "$KEY" \
  --hostname flood-$$ --charts 10 --dims 10 --flood "$FLOOD_S"
FLOOD=$H_LAST_PID
peak=$base
while h_alive "$FLOOD"; do
  r=$(rss_kb); [ "$r" -gt "$peak" ] && peak=$r
  sleep 0.5
done
t_end=$(date +%s)
wait "$FLOOD" || h_fail "the flooder failed: $(cat "$T/flood.out")"
sent_rows=$(sed -n 's/^flooded: [0-9]* bytes \([0-9]*\) rows.*/\1/p' "$T/flood.out")
h_log "flood: $(grep flooded "$T/flood.out"); RSS ${base} kB -> peak ${peak} kB (+$(( (peak - base) / 1024 )) MB)"
[ -n "$sent_rows" ] && [ "$sent_rows" -gt 1000 ] || h_fail "the flooder sent too little: $(cat "$T/flood.out")"
[ $((peak - base)) -lt $((200 * 1024)) ] \
  || h_fail "parent RSS grew by $(( (peak - base) / 1024 )) MB under the flood (limit 200 MB)"
H_PASSED=$((H_PASSED + 1))

host_rows() {
  h_http_get "$BASE/api/v1/actors" | python3 -c '
import json, sys
a = [x for x in json.load(sys.stdin)["actors"] if x["kind"] == "host" and x["name"] == sys.argv[1]]
print(a[0]["counters"]["rows"] if a else 0)' "flood-$$"
}
all_stored() { [ "$(host_rows)" -ge "$sent_rows" ]; }
h_wait_for -t 30 -m "all $sent_rows flooded rows routed (host rows $(host_rows))" all_stored

# Every second of the flood has a value of the good child.
h_wait_for -t 60 -m "the good child finished" test ! -e "/proc/$GOODPID"
h_http_get "$BASE/host/$GOOD/api/v1/data?chart=fake.c0&after=$t_start&before=$t_end&format=json" > "$T/good.json"
python3 - "$T/good.json" "$((t_start + 2))" "$((t_end - 1))" <<'PY' || h_fail "the good child lost seconds during the flood"
import json, sys
rows = json.load(open(sys.argv[1]))["data"]
lo, hi = int(sys.argv[2]), int(sys.argv[3])
have = {r[0] for r in rows if r[1] is not None}
missing = [t for t in range(lo, hi + 1) if t not in have]
print("good child: %d seconds checked, missing %s" % (hi - lo + 1, missing[:20]), file=sys.stderr)
sys.exit(1 if missing else 0)
PY
H_PASSED=$((H_PASSED + 1))
h_pass
