#!/usr/bin/env bash
# Issue 16, finding 2: a full disk failed silently (no log line, an empty
# datafile per failed page, memory growing, every point of the outage lost,
# "dbengine-meta.tdm.tmp: No space left on device" at shutdown).
#
# A dbengine parent (page cache 1 MB: the budget of points waiting for the
# disk) keeps its cache directory on a 24 MB tmpfs and is fed by
# `tributary loadgen` (1 child, 100 charts x 50 dims). Then the tmpfs is
# filled:
#   * one "storage write failed ... No space left on device" line for the
#     child's host, and no second one while the disk stays full;
#   * /api/v1/info shows the host's storage "degraded" with the error, and
#     dropped_points > 0 once the budget is used; pending_points stops
#     growing (bounded memory), RSS grows < 40 MB;
#   * no empty or header-only datafile, no stray .tmp;
# then space is freed:
#   * "storage writes work again" is logged, the status is "ok", new points
#     are stored, and survive a clean restart;
# then the disk is filled again and the parent stopped (SIGTERM): it exits,
# a restart on a freed disk reads the history from before the second fill.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"
CHECK="python3 $(dirname "$0")/../harness/storage_check.py"

[ "$(id -u)" = 0 ] || { h_log "needs root for a tmpfs mount: skipped"; h_pass; }

KEY=$(cat /proc/sys/kernel/random/uuid)
T=$(h_tmpdir)
PORT=$(h_free_port)
BASE=http://127.0.0.1:$PORT
HOST=full-$$-0000
CACHE=$T/trib/cache
PID=
tc_instance "$T/trib" full-parent-$$ "127.0.0.1:$PORT" dbengine
sed -i 's/^\[db\]$/[db]\n    dbengine page cache size MB = 1/' "$T/trib/conf/netdata.conf"
cat > "$T/trib/conf/stream.conf" <<CONF
[$KEY]
    enabled = yes
    allow from = *
    default memory mode = dbengine
CONF
LOG=$T/trib/log/error.log
mount -t tmpfs -o size=24m tmpfs "$CACHE"
# The mount goes before lib.sh removes the temp dir.
trap 'rc=$?; [ -n "$PID" ] && h_stop "$PID" 5; umount -l "$CACHE" 2>/dev/null; h__cleanup $rc' EXIT

h_start loadgen "$TRIBUTARY_BIN" loadgen --destination "127.0.0.1:$PORT" --api-key "$KEY" \
  --children 1 --charts 100 --dims 50 --update-every 1 --duration 100000 \
  --hostname-prefix "full-$$" --seed 9 --no-lz4 --reconnect-delay 1

has_rows() { # [AFTER]: values of lg.c2 after AFTER (default: the last 4 s)
  h_http_get "$BASE/host/$HOST/api/v1/data?chart=lg.c2&after=${1:--4}&format=json" 2>/dev/null \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if any(v is not None for r in d["data"] for v in r[1:]) else 1)' 2>/dev/null
}
storage() { # FIELD -> the child's storage.FIELD in /api/v1/info
  h_http_get "$BASE/api/v1/info" | python3 -c '
import json, sys
s = [x for x in json.load(sys.stdin)["mirrored_hosts_status"] if x["hostname"] == sys.argv[1]]
print((s[0].get("storage") or {}).get(sys.argv[2], "")) if s else print("")' "$HOST" "$1"
}
status_is() { [ "$(storage status)" = "$1" ]; }
dropping() { [ "$(storage dropped_points)" -gt 0 ]; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$PID/status"; }
fill() { dd if=/dev/zero of="$CACHE/filler$1" bs=64k 2>/dev/null || true; }
start_parent() {
  h_start "parent-$1" "$TRIBUTARY_BIN" run --config-dir "$T/trib/conf"
  PID=$H_LAST_PID
  h_wait_http "$PORT" /api/v1/info 20
  h_wait_for -t 40 -m "rows of $HOST ($1)" has_rows
}
no_bad_files() {
  local bad
  bad=$(find "$CACHE" -type f \( -name '*.tdf' -size -33c -o -name '*.tmp' \) | head -5)
  [ -z "$bad" ] || h_fail "empty/header-only datafiles or temp files: $bad"
  H_PASSED=$((H_PASSED + 1))
}

start_parent 1
sleep 5
fill 1
FULL_AT=$(date +%s)
h_log "tmpfs full: $(df -k "$CACHE" | tail -1)"
h_wait_log "$LOG" "host-db $HOST.*storage write failed: .*No space left on device" 20
h_wait_for -t 10 -m "degraded in /api/v1/info" status_is degraded
h_assert_contains "$(storage last_error)" "No space left on device" "last_error in /api/v1/info"
h_wait_for -t 60 -m "dropped_points > 0" dropping
P1=$(storage pending_points); R1=$(rss_kb)
sleep 15
P2=$(storage pending_points); R2=$(rss_kb)
h_log "waiting points $P1 -> $P2, dropped $(storage dropped_points), RSS ${R1} -> ${R2} kB"
[ "$P2" -le $((P1 + 5000)) ] || h_fail "waiting points keep growing: $P1 -> $P2"
[ "$((R2 - R1))" -lt 40000 ] || h_fail "RSS grew by $((R2 - R1)) kB in 15 s on a full disk"
n=$(grep -c "host-db $HOST.*storage write failed" "$LOG" || true)
h_assert_eq 1 "$n" "one failure line for the host while the disk is full"
no_bad_files

# -- space comes back
rm -f "$CACHE"/filler*
FREED_AT=$(date +%s)
h_wait_log "$LOG" "host-db $HOST.*storage writes work again" 20
h_wait_for -t 10 -m "ok in /api/v1/info" status_is ok
sleep 6
h_wait_for -t 10 -m "rows after the disk came back" has_rows "$FREED_AT"
$CHECK snap "$BASE" "$HOST" "$((FREED_AT - 30))" "$(date +%s)" "$T/pre.json" lg.c2 lg.c50
h_stop "$PID"; PID=
STOP=$(date +%s)
no_bad_files
start_parent 2
$CHECK snap "$BASE" "$HOST" "$((FREED_AT - 30))" "$STOP" "$T/post.json" lg.c2 lg.c50
out=$($CHECK compare "$T/pre.json" "$T/post.json" "$STOP") \
  || h_fail "points stored after the disk came back were lost at a clean restart"
h_log "after recovery and a clean restart: $out"
h_assert_contains "$out" "lost=0" "nothing lost at the clean restart"

# -- full again, then a clean stop: a handled case, the history stays
sleep 3
$CHECK snap "$BASE" "$HOST" "$((FREED_AT - 30))" "$(date +%s)" "$T/pre.json" lg.c2 lg.c50
fill 2
REFILL=$(date +%s)
h_wait_for -t 20 -m "degraded again" status_is degraded
h_stop "$PID"; PID=
grep -E "host-db $HOST.*(closing the database|Segmentation|terminate)" "$LOG" | tail -3 >&2 || true
no_bad_files
rm -f "$CACHE"/filler*
start_parent 3
$CHECK snap "$BASE" "$HOST" "$((FREED_AT - 30))" "$REFILL" "$T/post.json" lg.c2 lg.c50
out=$($CHECK compare "$T/pre.json" "$T/post.json" "$((REFILL - 5))") \
  || h_fail "history lost after a stop on a full disk"
h_log "after a stop on a full disk: $out"
if grep -q "host-db $HOST.*\(checksum\|corrupt\|unknown dimension\)" "$LOG"; then
  grep "host-db $HOST" "$LOG" | tail -5 >&2
  h_fail "storage found damage after the stop on a full disk"
fi
h_stop "$PID"; PID=
h_pass
