#!/usr/bin/env bash
# Issue 16, finding 3: 16 flipped bytes in dbengine-meta.tdm hid a host's
# whole history (40 of 22,800 points readable).
#
# A dbengine parent fed by `tributary loadgen` is stopped cleanly; 16 bytes
# of the child's dbengine-meta.tdm are flipped; after a restart every value
# stored before the stop is read back unchanged through /api/v1/data (the
# previous generation .tdm.1 and the datafiles' dimension records). Then the
# same with both generations damaged and the file removed: the datafiles
# alone describe the host.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"
CHECK="python3 $(dirname "$0")/../harness/storage_check.py"

KEY=$(cat /proc/sys/kernel/random/uuid)
T=$(h_tmpdir)
PORT=$(h_free_port)
BASE=http://127.0.0.1:$PORT
HOST=meta-$$-0000
CHARTS="lg.c0 lg.c1 lg.c2"
START=$(date +%s)
tc_instance "$T/trib" meta-parent-$$ "127.0.0.1:$PORT" dbengine
cat > "$T/trib/conf/stream.conf" <<CONF
[$KEY]
    enabled = yes
    allow from = *
    default memory mode = dbengine
CONF
LOG=$T/trib/log/error.log

h_start loadgen "$TRIBUTARY_BIN" loadgen --destination "127.0.0.1:$PORT" --api-key "$KEY" \
  --children 1 --charts 3 --dims 4 --update-every 1 --duration 100000 \
  --hostname-prefix "meta-$$" --seed 5 --no-lz4 --reconnect-delay 1

has_rows() {
  h_http_get "$BASE/host/$HOST/api/v1/data?chart=lg.c2&after=-4&format=json" 2>/dev/null \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if any(v is not None for r in d["data"] for v in r[1:]) else 1)' 2>/dev/null
}
guid_of() {
  h_http_get "$BASE/api/v1/info" | python3 -c '
import json, sys
print([x["guid"] for x in json.load(sys.stdin)["mirrored_hosts_status"] if x["hostname"] == sys.argv[1]][0])' "$1"
}
flip16() { # FILE OFFSET
  python3 - "$1" "$2" <<'PY'
import sys
p, at = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read())
for i in range(at, min(at + 16, len(b))):
    b[i] ^= 0xA5
open(p, "wb").write(bytes(b))
PY
}

start_parent() {
  h_start "parent-$1" "$TRIBUTARY_BIN" run --config-dir "$T/trib/conf"
  PID=$H_LAST_PID
  h_wait_http "$PORT" /api/v1/info 20
  h_wait_for -t 30 -m "rows of $HOST ($1)" has_rows
}

start_parent 1
GUID=$(guid_of "$HOST")
DIR=$T/trib/cache/$GUID
sleep 12
h_stop "$PID"
STOP=$(date +%s)
[ -f "$DIR/dbengine-meta.tdm" ] || h_fail "no $DIR/dbengine-meta.tdm"

# -- round 1: the newest generation damaged
start_parent 2
$CHECK snap "$BASE" "$HOST" "$START" "$STOP" "$T/pre.json" $CHARTS
sleep 3
h_stop "$PID"
STOP=$(date +%s)
flip16 "$DIR/dbengine-meta.tdm" 20
start_parent 3
grep -q "host-db $HOST.*dbengine-meta.tdm" "$LOG" || h_fail "the damaged metadata was not reported"
$CHECK snap "$BASE" "$HOST" "$START" "$STOP" "$T/post.json" $CHARTS
out=$($CHECK compare "$T/pre.json" "$T/post.json" "$STOP") \
  || h_fail "round 1: history lost after a damaged dbengine-meta.tdm"
h_log "round 1 (damaged .tdm): $out"
h_assert_contains "$out" "lost=0" "round 1: nothing lost"

# -- round 2: every generation damaged or gone: the datafiles alone
$CHECK snap "$BASE" "$HOST" "$START" "$(date +%s)" "$T/pre.json" $CHARTS
h_stop "$PID"
STOP=$(date +%s)
flip16 "$DIR/dbengine-meta.tdm" 40
if [ -f "$DIR/dbengine-meta.tdm.1" ]; then flip16 "$DIR/dbengine-meta.tdm.1" 20; fi
start_parent 4
grep -q "host-db $HOST.*rebuilt from the datafiles" "$LOG" \
  || grep -q "host-db $HOST.*taken from the datafiles" "$LOG" \
  || h_fail "no line about the dimensions taken from the datafiles"
$CHECK snap "$BASE" "$HOST" "$START" "$STOP" "$T/post.json" $CHARTS
out=$($CHECK compare "$T/pre.json" "$T/post.json" "$STOP") \
  || h_fail "round 2: history lost with both metadata generations damaged"
h_log "round 2 (both generations damaged): $out"
h_assert_contains "$out" "lost=0" "round 2: nothing lost"
checked=${out#*checked=}
[ "$checked" -gt 100 ] || h_fail "only $checked values checked"
h_stop "$PID"
h_pass
