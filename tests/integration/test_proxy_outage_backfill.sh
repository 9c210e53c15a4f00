#!/usr/bin/env bash
# A proxy's outage is back-filled at the top parent (issue 16, finding 7).
#
# Two chains, all databases dbengine, run side by side:
#   A. tributary child -> tributary proxy -> tributary parent
#   B. tributary child -> tributary proxy -> REAL Netdata 1.37.1 parent
# Both proxies are killed with SIGKILL, stay down for OUTAGE (60) s and are
# started again on their databases. Meanwhile the children keep collecting.
# When the proxy is back, the child replicates the outage to the proxy and
# the proxy must serve it to its parent: each parent's /api/v1/data has a
# value for every second of [kill - 10, restart + 5] for every dimension of
# system.uptime, system.cpu and system.ctxt, within a deadline.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$H_HARNESS/tribconf.sh"

OUTAGE=${OUTAGE:-60}
CHARTS="system.uptime system.cpu system.ctxt"
KEY_DOWN=$(cat /proc/sys/kernel/random/uuid)   # children -> proxies
KEY_UP=$(cat /proc/sys/kernel/random/uuid)     # proxies -> parents
T=$(h_tmpdir)

proxy_conf() { # DIR UPSTREAM_PORT
  cat > "$1/conf/stream.conf" <<CONF
[$KEY_DOWN]
    enabled = yes
    allow from = *
    default memory mode = dbengine
    default proxy enabled = yes
    default proxy destination = 127.0.0.1:$2
    default proxy api key = $KEY_UP
CONF
}
child_conf() { # DIR PROXY_PORT
  cat > "$1/conf/stream.conf" <<CONF
[stream]
    enabled = yes
    destination = 127.0.0.1:$2
    api key = $KEY_DOWN
    reconnect delay seconds = 1
CONF
}

# parent A: tributary; parent B: Netdata 1.37.1
PA_PORT=$(h_free_port); PB_PORT=$(h_free_port)
tc_instance "$T/pa" "pob-parent-$$" "127.0.0.1:$PA_PORT" dbengine
printf '[%s]\n    enabled = yes\n    allow from = *\n    default memory mode = dbengine\n' "$KEY_UP" \
  > "$T/pa/conf/stream.conf"
tc_start parent-a "$T/pa"
NDPEER_PROC=none NDPEER_MODE=dbengine NDPEER_HOSTNAME=pob-ndparent-$$ \
  h_ndpeer parent "$PB_PORT" "$T/pb" "$KEY_UP"
h_wait_http "$PA_PORT" /api/v1/info 20
bash "$H_NDPEER" wait-http "$PB_PORT" 40 || h_fail "netdata parent did not start"

declare -A PXPORT CHILD PARENT
PARENT[a]=$PA_PORT; PARENT[b]=$PB_PORT
for c in a b; do
  PXPORT[$c]=$(h_free_port)
  CHILD[$c]=pob-child-$c-$$
  tc_instance "$T/px-$c" "pob-proxy-$c-$$" "127.0.0.1:${PXPORT[$c]}" dbengine
  proxy_conf "$T/px-$c" "${PARENT[$c]}"
  tc_start "proxy-$c" "$T/px-$c"
  h_wait_http "${PXPORT[$c]}" /api/v1/info 20
  tc_instance "$T/child-$c" "${CHILD[$c]}" "127.0.0.1:$(h_free_port)" dbengine
  child_conf "$T/child-$c" "${PXPORT[$c]}"
  tc_start "child-$c" "$T/child-$c"
done

# missing PORT HOST AFTER BEFORE -> prints what is missing at the parent in
# [AFTER, BEFORE] ("" when every second of every dimension has a value)
missing() {
  python3 - "$@" $CHARTS <<'PY'
import json, sys, urllib.request
port, host, after, before = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
out = []
for chart in sys.argv[5:]:
    url = ("http://127.0.0.1:%s/host/%s/api/v1/data?chart=%s&after=%d&before=%d"
           "&points=%d&group=average&format=json" % (port, host, chart, after, before,
                                                     before - after + 1))
    try:
        d = json.load(opener.open(url, timeout=10))
    except Exception as e:
        out.append("%s: %s" % (chart, e))
        continue
    rows = {r[0]: r[1:] for r in d["data"]}
    labels = d["labels"][1:]
    holes = {}
    for t in range(after, before + 1):
        r = rows.get(t)
        for i, name in enumerate(labels):
            if r is None or r[i] is None:
                holes.setdefault(name, []).append(t)
    for name, ts in holes.items():
        out.append("%s.%s: %d of %d s missing (%d..%d)"
                   % (chart, name, len(ts), before - after + 1, ts[0], ts[-1]))
    if not labels:
        out.append("%s: no dimensions" % chart)
print("; ".join(out))
PY
}
# wait_complete SECONDS WHAT PORT HOST AFTER BEFORE: polls `missing` until it
# is empty; AFTER/BEFORE "recent" mean the 10 s before the last 3, each poll.
wait_complete() {
  local secs=$1 what=$2 port=$3 host=$4 a=$5 b=${6:-} m deadline=$((SECONDS + $1)) now
  while :; do
    now=$(date +%s)
    if [ "$a" = recent ]; then
      m=$(missing "$port" "$host" $((now - 12)) $((now - 3)) 2>&1 || true)
    else
      m=$(missing "$port" "$host" "$a" "$b" 2>&1 || true)
    fi
    [ -z "$m" ] && return 0
    [ "$SECONDS" -lt "$deadline" ] || h_fail "timed out after ${secs}s waiting for $what: $m"
    sleep 1
  done
}

for c in a b; do
  wait_complete 60 "chain $c: ${CHILD[$c]} data on the parent" "${PARENT[$c]}" "${CHILD[$c]}" recent
done
h_log "both chains stream; waiting 15 s of history before the outage"
start=$(date +%s)
h_wait_for -t 30 -m "15 s of history" bash -c "[ \$(date +%s) -ge $((start + 15)) ]"

kill_at=$(date +%s)
for c in a b; do
  pid=$(h_pid "proxy-$c")
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
done
h_log "proxies killed (SIGKILL) at $kill_at; down for $OUTAGE s"
h_wait_for -t $((OUTAGE + 30)) -m "$OUTAGE s of outage" bash -c "[ \$(date +%s) -ge $((kill_at + OUTAGE)) ]"
up_at=$(date +%s)
for c in a b; do
  tc_start "proxy-$c-2" "$T/px-$c"
done
h_log "proxies restarted at $up_at"

after=$((kill_at - 10)); before=$((up_at + 5))
h_wait_for -t 30 -m "the window's end ($before) has passed" bash -c "[ \$(date +%s) -ge $((before + 3)) ]"
for c in a b; do
  wait_complete 90 "chain $c: every second of [$after, $before] on the parent (kill $kill_at, restart $up_at)" \
    "${PARENT[$c]}" "${CHILD[$c]}" "$after" "$before"
  h_log "chain $c: every second of [$after, $before] for $CHARTS is on the parent"
done
for n in parent-a child-a child-b proxy-a-2 proxy-b-2; do
  h_alive "$(h_pid "$n")" || h_fail "$n died"
done
h_pass
