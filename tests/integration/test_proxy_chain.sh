#!/usr/bin/env bash
# Proxies: a received host whose API key section says `default proxy enabled =
# yes` is streamed on with hops + 1.
#  1. REAL Netdata child -> tributary proxy (default memory mode = ram, and the
#     proxy streams its own localhost too) -> REAL Netdata parent: the top
#     parent's /api/v1/info mirrored_hosts_status has the child with hops 2
#     and the proxy with hops 1, both reachable, and the top parent serves
#     the child's system.cpu rows.
#  2. tributary child -> tributary proxy with `default memory mode = none`
#     (headless) -> tributary parent: the parent mirrors the child with hops 2
#     and has its system.uptime rows.
#  3. the same with the proxy in ram mode: parent shows hops 2, and the proxy
#     itself serves /host/<child>/api/v1/data.
# Each proxy logs the established link for the proxied host upstream.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$H_HARNESS/tribconf.sh"

KEY_DOWN=$(cat /proc/sys/kernel/random/uuid)   # children -> proxies
KEY_UP=$(cat /proc/sys/kernel/random/uuid)     # proxies -> top parents
T=$(h_tmpdir)

proxy_conf() { # DIR UPSTREAM_PORT MEMORY_MODE
  cat > "$1/conf/stream.conf" <<CONF
[stream]
    enabled = yes
    destination = 127.0.0.1:$2
    api key = $KEY_UP
    reconnect delay seconds = 1

[$KEY_DOWN]
    enabled = yes
    allow from = *
    default memory mode = $3
    default proxy enabled = yes
    default proxy destination = 127.0.0.1:$2
    default proxy api key = $KEY_UP
CONF
}

status_is() { # BASE HOST "reachable hops"
  local f=$T/info-$RANDOM.json
  tc_info_json "$1" "$f" || return 1
  [ "$(tc_hops "$f" "$2")" = "$3" ]
}
has_rows() { # BASE HOST CHART
  local f=$T/rows-$RANDOM.json
  h_http_get "$1/host/$2/api/v1/data?chart=$3&after=-5&format=json" > "$f" || return 1
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if sum(1 for r in d["data"] if any(v for v in r[1:] if v is not None)) >= 2 else 1)' "$f"
}

# ============================================================ 1. netdata -> tributary -> netdata
TOP_PORT=$(h_free_port); PX1_PORT=$(h_free_port)
TOP=http://127.0.0.1:$TOP_PORT
NDCHILD=pc-ndchild-$$; PX1=pc-proxy-ram1-$$
NDPEER_PROC=none NDPEER_HOSTNAME=pc-ndtop-$$ h_ndpeer parent "$TOP_PORT" "$T/ndtop" "$KEY_UP"
bash "$H_NDPEER" wait-http "$TOP_PORT" 40 || h_fail "netdata top parent did not start"

tc_instance "$T/px1" "$PX1" "127.0.0.1:$PX1_PORT"
proxy_conf "$T/px1" "$TOP_PORT" ram
tc_start proxy1 "$T/px1"
h_wait_http "$PX1_PORT" /api/v1/info 20

NDPEER_PROC=small NDPEER_HOSTNAME=$NDCHILD h_ndpeer child 0 "$T/ndchild" "127.0.0.1:$PX1_PORT" "$KEY_DOWN"

h_wait_for -t 40 -m "top netdata parent: $PX1 reachable hops 1" status_is "$TOP" "$PX1" "true 1"
h_wait_for -t 40 -m "top netdata parent: $NDCHILD reachable hops 2" status_is "$TOP" "$NDCHILD" "true 2"
h_wait_for -t 30 -m "system.cpu rows of $NDCHILD on the top netdata parent" has_rows "$TOP" "$NDCHILD" system.cpu
h_wait_for -t 10 -m "$NDCHILD on the proxy itself (hops 1)" status_is "http://127.0.0.1:$PX1_PORT" "$NDCHILD" "true 1"
h_wait_log "$T/px1/log/error.log" "STREAM $NDCHILD \[send to 127\.0\.0\.1:$TOP_PORT\]: established link with negotiated capabilities" 10
h_log "part 1 ok: netdata child -> tributary proxy -> netdata parent"

# ============================================================ 2 + 3. tributary -> tributary -> tributary
TP_PORT=$(h_free_port)
TP=http://127.0.0.1:$TP_PORT
tc_instance "$T/tp" "pc-tribtop-$$" "127.0.0.1:$TP_PORT"
cat > "$T/tp/conf/stream.conf" <<CONF
[$KEY_UP]
    enabled = yes
    allow from = *
    default memory mode = ram
CONF
tc_start tribtop "$T/tp"
h_wait_http "$TP_PORT" /api/v1/info 20

declare -A PXPORT CHILD
for mode in none ram; do
  PXPORT[$mode]=$(h_free_port)
  CHILD[$mode]=pc-child-$mode-$$
  tc_instance "$T/px-$mode" "pc-proxy-$mode-$$" "127.0.0.1:${PXPORT[$mode]}"
  proxy_conf "$T/px-$mode" "$TP_PORT" "$mode"
  tc_start "proxy-$mode" "$T/px-$mode"
  h_wait_http "${PXPORT[$mode]}" /api/v1/info 20
  tc_instance "$T/child-$mode" "${CHILD[$mode]}" "127.0.0.1:$(h_free_port)"
  cat > "$T/child-$mode/conf/stream.conf" <<CONF
[stream]
    enabled = yes
    destination = 127.0.0.1:${PXPORT[$mode]}
    api key = $KEY_DOWN
    reconnect delay seconds = 1
CONF
  tc_start "child-$mode" "$T/child-$mode"
done

for mode in none ram; do
  c=${CHILD[$mode]}
  h_wait_for -t 30 -m "tributary top parent: $c (via $mode proxy) reachable hops 2" status_is "$TP" "$c" "true 2"
  h_wait_for -t 10 -m "tributary top parent: proxy pc-proxy-$mode-$$ hops 1" status_is "$TP" "pc-proxy-$mode-$$" "true 1"
  h_wait_for -t 20 -m "system.uptime rows of $c on the tributary top parent" has_rows "$TP" "$c" system.uptime
  h_wait_log "$T/px-$mode/log/error.log" "STREAM $c \[send to 127\.0\.0\.1:$TP_PORT\]: established link with negotiated capabilities" 10
done
# the ram proxy keeps a db for the child and serves it
h_wait_for -t 20 -m "ram proxy serves /host/${CHILD[ram]}/api/v1/data" has_rows "http://127.0.0.1:${PXPORT[ram]}" "${CHILD[ram]}" system.uptime
h_wait_for -t 10 -m "ram proxy mirrors ${CHILD[ram]} (hops 1)" status_is "http://127.0.0.1:${PXPORT[ram]}" "${CHILD[ram]}" "true 1"
# the headless proxy still knows the host
h_wait_for -t 10 -m "headless proxy mirrors ${CHILD[none]} (hops 1)" status_is "http://127.0.0.1:${PXPORT[none]}" "${CHILD[none]}" "true 1"
if has_rows "http://127.0.0.1:${PXPORT[none]}" "${CHILD[none]}" system.uptime; then
  h_log "note: the headless (memory mode none) proxy answers /api/v1/data with rows"
fi
for n in proxy1 tribtop proxy-none proxy-ram child-none child-ram; do
  h_alive "$(h_pid "$n")" || h_fail "$n died"
done
h_pass
