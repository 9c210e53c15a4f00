#!/usr/bin/env bash
# fan_out.sh - what each extra parent costs a proxy that streams the same
# hosts to several parents at once (`parallel destinations`, issue 14).
# Not part of ctest.
#
#   TRIBUTARY_BIN=build/bin/tributary bash tests/bench/fan_out.sh
#
# loadgen children -> a tributary proxy (memory mode none, no spool) -> N
# tributary parents (ram), for N = 1, 2, 3 in turn. For each N, after the
# children stream, the proxy's CPU seconds (utime+stime of /proc/PID/stat)
# over SECS seconds and its VmRSS at the end are printed with the samples
# the loadgen sent meanwhile.
#
# Env: SECS (60), CHILDREN (20), CHARTS (20), DIMS (10), FANS ("1 2 3").
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

SECS=${SECS:-60}
CHILDREN=${CHILDREN:-20}
CHARTS=${CHARTS:-20}
DIMS=${DIMS:-10}
FANS=${FANS:-1 2 3}
KEY=$(cat /proc/sys/kernel/random/uuid)
HZ=$(getconf CLK_TCK)
T=$(h_tmpdir)

cpu_s() { awk -v hz="$HZ" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

echo "parents  proxy_cpu_s  samples  cpu_s_per_1M_samples  proxy_rss_MB"
for n in $FANS; do
  R=$T/run$n
  first= groups= ports=()
  for i in $(seq 1 "$n"); do
    port=$(h_free_port)
    tc_instance "$R/parent$i" "fan-parent$i" "127.0.0.1:$port"
    tc_accept_key "$R/parent$i" "$KEY" "health enabled by default = no"
    tc_no_proc "$R/parent$i"
    tc_start "parent$n-$i" "$R/parent$i"
    h_wait_http "$port" /api/v1/info 20
    ports+=("$port")
    if [ -z "$first" ]; then first=127.0.0.1:$port
    else groups="$groups${groups:+ | }127.0.0.1:$port"; fi
  done
  PPORT=$(h_free_port)
  tc_instance "$R/proxy" fan-proxy "127.0.0.1:$PPORT" none
  tc_no_proc "$R/proxy"
  cat > "$R/proxy/conf/stream.conf" <<CONF
[stream]
    enabled = no
    spool disk space MB = 0
[$KEY]
    enabled = yes
    allow from = *
    default memory mode = none
    health enabled by default = no
    default proxy enabled = yes
    default proxy api key = $KEY
    default proxy destination = $first
    default proxy parallel destinations = $groups
CONF
  tc_start "proxy$n" "$R/proxy"
  PROXY=$H_LAST_PID
  h_wait_http "$PPORT" /api/v1/info 20
  h_start "lg$n" "$TRIBUTARY_BIN" loadgen --destination "127.0.0.1:$PPORT" --api-key "$KEY" \
    --children "$CHILDREN" --charts "$CHARTS" --dims "$DIMS" --duration $((SECS + 60)) \
    --seed 77 --hostname-prefix "fan$n" --report-every 0 --json "$R/lg.json"
  sleep 20 # every child connected and its charts relayed
  c0=$(cpu_s "$PROXY")
  sleep "$SECS"
  c1=$(cpu_s "$PROXY")
  rss=$(rss_mb "$PROXY")
  for port in "${ports[@]}"; do # every parent mirrors every child
    hosts=$(h_http_get "http://127.0.0.1:$port/api/v1/info" \
      | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["mirrored_hosts"]))')
    [ "$hosts" -gt "$CHILDREN" ] || h_fail "parent on $port mirrors $hosts hosts, not $CHILDREN + 1"
  done
  samples=$((CHILDREN * CHARTS * DIMS * SECS))
  awk -v n="$n" -v c0="$c0" -v c1="$c1" -v s="$samples" -v r="$rss" \
    'BEGIN { printf "%7d  %11.2f  %7d  %20.2f  %12s\n", n, c1 - c0, s, (c1 - c0) / s * 1e6, r }'
  h_stop "$(h_pid "lg$n")"
  h_stop "$PROXY"
  for i in $(seq 1 "$n"); do h_stop "$(h_pid "parent$n-$i")"; done
done
h_pass
