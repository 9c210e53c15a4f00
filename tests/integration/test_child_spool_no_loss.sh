#!/usr/bin/env bash
# No loss without a database (issue 14): a REAL Netdata 1.37.1 parent (ram,
# replication on) gets, at the same time,
#   * a tributary child with `memory mode = none` (direct), and
#   * a chain: tributary child (none) -> tributary proxy (none) -> the parent.
# The parent stops for OUTAGE seconds (60 by default; the issue's 5 minutes
# with OUTAGE=300). Meanwhile the direct child is killed with SIGKILL and
# started again. When the parent is back, it asks both chains for the gap
# (REPLAY_CHART), answered from the spools under [directories] cache; for
# every chart of both children the parent's /api/v1/data has a value for
# every second of the outage. The direct child may lose only the second
# before its kill and the seconds it was not running. The spools are cleared
# once the parent has replicated them.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$H_HARNESS/tribconf.sh"

OUTAGE=${OUTAGE:-60}
KEY=$(cat /proc/sys/kernel/random/uuid)
T=$(h_tmpdir)
PPORT=$(h_free_port)
PXPORT=$(h_free_port)
DIRECT=spool-direct-$$
CHAINED=spool-chained-$$

# ------------------------------------------------------------ real parent
start_parent() {
  NDPEER_PROC=none NDPEER_MODE=ram NDPEER_HOSTNAME=spool-ndparent-$$ \
    h_ndpeer parent "$PPORT" "$T/parent" "$KEY"
  PARENT_PID=$H_LAST_PID
  bash "$H_NDPEER" wait-http "$PPORT" 40 || h_fail "netdata parent did not start"
}
start_parent

# ------------------------------------------------------------ tributary peers
child_conf() { # DIR DEST_PORT
  cat > "$1/conf/stream.conf" <<CONF
[stream]
    enabled = yes
    destination = 127.0.0.1:$2
    api key = $KEY
    reconnect delay seconds = 1
    timeout seconds = 60
    spool disk space MB = 64
CONF
}
tc_instance "$T/px" "spool-proxy-$$" "127.0.0.1:$PXPORT" none
cat > "$T/px/conf/stream.conf" <<CONF
[$KEY]
    enabled = yes
    allow from = *
    default memory mode = none
    default proxy enabled = yes
    default proxy destination = 127.0.0.1:$PPORT
    default proxy api key = $KEY
[stream]
    reconnect delay seconds = 1
    spool disk space MB = 64
CONF
tc_start proxy "$T/px"
h_wait_http "$PXPORT" /api/v1/info 20
tc_instance "$T/direct" "$DIRECT" "127.0.0.1:$(h_free_port)" none
child_conf "$T/direct" "$PPORT"
tc_start direct "$T/direct"
tc_instance "$T/chained" "$CHAINED" "127.0.0.1:$(h_free_port)" none
child_conf "$T/chained" "$PXPORT"
tc_start chained "$T/chained"

# missing HOST AFTER BEFORE [HOLE_FROM HOLE_TO]: every chart of HOST on the
# parent that existed before AFTER (update every 1 s), every dimension, every second in
# [AFTER, BEFORE] (seconds in the hole are allowed to miss). Prints what is
# missing; nothing when complete.
missing() {
  python3 - "$PPORT" "$@" <<'PY'
import json, sys, urllib.request
port, host, after, before = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
hole = (int(sys.argv[5]), int(sys.argv[6])) if len(sys.argv) > 6 else (1, 0)
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
base = "http://127.0.0.1:%s/host/%s/api/v1/" % (port, host)
def get(path):
    return json.load(opener.open(base + path, timeout=10))
try:
    charts = get("charts")["charts"]
except Exception as e:
    print("charts: %s" % e); sys.exit(0)
out, checked = [], 0
for cid, c in sorted(charts.items()):
    ue = int(c.get("update_every", 1))
    if int(c.get("first_entry", 0)) > after - 5 or ue != 1:
        continue  # created during the window, or slower charts (system.load)
    checked += 1
    try:
        d = get("data?chart=%s&after=%d&before=%d&points=%d&group=average"
                "&format=json&options=unaligned" % (cid, after, before, (before - after) // ue + 1))
    except Exception as e:
        out.append("%s: %s" % (cid, e)); continue
    rows = {r[0]: r[1:] for r in d["data"]}
    labels = d["labels"][1:]
    holes = {}
    for t in range(after, before + 1):
        if t % ue or hole[0] <= t <= hole[1]:
            continue
        r = rows.get(t)
        for i, name in enumerate(labels):
            if r is None or r[i] is None:
                holes.setdefault(name, []).append(t)
    for name, ts in holes.items():
        out.append("%s.%s: %d s missing (%d..%d)" % (cid, name, len(ts), ts[0], ts[-1]))
if checked < 5:
    out.append("only %d charts to check" % checked)
print("; ".join(out[:8]) + (" (+%d more)" % (len(out) - 8) if len(out) > 8 else ""))
PY
}
wait_complete() { # SECONDS WHAT HOST AFTER|recent BEFORE [HOLE_FROM HOLE_TO]
  local secs=$1 what=$2 m deadline=$((SECONDS + $1))
  shift 2
  local now
  while :; do
    now=$(date +%s)
    if [ "$2" = recent ]; then
      m=$(missing "$1" $((now - 8)) $((now - 3)) 2>&1 || true)
    else
      m=$(missing "$@" 2>&1 || true)
    fi
    [ -z "$m" ] && return 0
    [ "$SECONDS" -lt "$deadline" ] || h_fail "timed out after ${secs}s waiting for $what: $m"
    sleep 2
  done
}
wait_complete 60 "$DIRECT's data on the parent" "$DIRECT" recent
wait_complete 30 "$CHAINED's data on the parent" "$CHAINED" recent

# ------------------------------------------------------------ the outage
down_at=$(date +%s)
h_ndpeer_stop "$PARENT_PID"
h_log "parent stopped at $down_at; down for $OUTAGE s"
spooling() { grep -q "keeping it on disk" "$1/log/error.log"; }
h_wait_for -t 15 -m "the direct child spools" spooling "$T/direct"
h_wait_for -t 15 -m "the proxy spools" spooling "$T/px"

# Half way: SIGKILL the direct child and start it again at once.
h_wait_for -t $((OUTAGE + 10)) -m "half the outage" bash -c "[ \$(date +%s) -ge $((down_at + OUTAGE / 2)) ]"
kill_at=$(date +%s)
pid=$(h_pid direct)
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
ls "$T"/direct/cache/*/spool/spool-*.seg > /dev/null 2>&1 || h_fail "no spool segment on disk at the kill"
h_log "direct child's spool at the kill: $(python3 "$H_HARNESS/spool_stats.py" "$T"/direct/cache/*/spool/spool-*.seg)"
tc_start direct2 "$T/direct"
h_wait_http "$(sed -n 's/.*bind to = 127.0.0.1://p' "$T/direct/conf/netdata.conf")" /api/v1/info 20
back_at=$(date +%s)
h_log "direct child killed (SIGKILL) at $kill_at, serving again at $back_at"

h_wait_for -t $((OUTAGE + 30)) -m "$OUTAGE s of outage" bash -c "[ \$(date +%s) -ge $((down_at + OUTAGE)) ]"
up_at=$(date +%s)
start_parent
h_log "parent back at $up_at"

# The outage, every second, every chart: the direct child may miss the second
# before its kill up to its first stored row after the restart (its first
# collection is not stored, as in Netdata: +3 s).
wait_complete 90 "$CHAINED's outage [$((down_at + 1)), $((up_at - 1))] on the parent (through the proxy)" \
  "$CHAINED" $((down_at + 1)) $((up_at - 1))
wait_complete 60 "$DIRECT's outage [$((down_at + 1)), $((up_at - 1))] on the parent" \
  "$DIRECT" $((down_at + 1)) $((up_at - 1)) $((kill_at - 1)) $((back_at + 3))
h_log "every second of the ${OUTAGE}s outage is on the parent, for every chart of both children"

# Replicated: the spools are cleared.
cleared() { ! ls "$1"/cache/*/spool/spool-*.seg > /dev/null 2>&1; }
h_wait_for -t 30 -m "the direct child's spool is cleared" cleared "$T/direct"
h_wait_for -t 30 -m "the proxy's spool is cleared" cleared "$T/px"
h_wait_log "$T/direct/log/error.log" "the parent has replicated it" 5
h_pass
