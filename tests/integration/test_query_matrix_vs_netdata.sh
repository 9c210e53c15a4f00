#!/usr/bin/env bash
# The query API answers as a real Netdata 1.37.1 parent does, over a matrix
# of requests. One real child (ram), two loadgen children (every 1 and
# 2 s) and three with every algorithm, multipliers/divisors, counter
# resets and gaps (`loadgen --variety`, every 1, 5 and 10 s) stream
# through tests/harness/ndrelay.py into a Netdata parent and a
# tributary parent at once (both ram, health off). Then
# tests/harness/query_matrix.py sends the same request to both for a sample
# of charts: /api/v1/data over windows x group x options x dimensions x
# format, and /api/v1/chart, charts, alarms, alarm_log, alarm_count,
# alarms_values under /host/<hostname>/ and /host/<GUID>/, plus malformed
# queries. Status, content type and body must agree (numbers within the
# storage-number rounding; masked fields and the accepted differences are
# listed in docs/api.md "Query parity"). options=jsonwrap is compared by
# its own test; allmetrics by test_api_allmetrics_vs_netdata.sh.
# QM_MODE=dbengine runs the same matrix with both parents on dbengine with
# `storage tiers = 3` (test_query_matrix_vs_netdata_dbengine.sh).
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

KEY=$(cat /proc/sys/kernel/random/uuid)
CHILD_GUID=$(cat /proc/sys/kernel/random/uuid)
CHILD_HOST=qm-child-$$
NPORT=$(h_free_port)
TPORT=$(h_free_port)
RPORT=$(h_free_port)
T=$(h_tmpdir)
MODE=${QM_MODE:-ram}
case "$MODE" in ram | dbengine) ;; *) h_fail "QM_MODE must be ram or dbengine" ;; esac

NDPEER_MODE=$MODE NDPEER_REPLICATION=no NDPEER_COMPRESSION=no NDPEER_HOSTNAME=qm-parent-$$ \
  NDPEER_EXTRA_CONF=$(printf '[db]\n    storage tiers = 3') \
  h_ndpeer parent "$NPORT" "$T/nd" "$KEY"
tc_instance "$T/trib" qm-parent-$$ "127.0.0.1:$TPORT" "$MODE"
sed -i 's/^\[db\]$/[db]\n    storage tiers = 3/' "$T/trib/conf/netdata.conf"
printf '[%s]\n    enabled = yes\n    default memory mode = %s\n    health enabled by default = no\n' "$KEY" "$MODE" > "$T/trib/conf/stream.conf"
h_start tributary "$TRIBUTARY_BIN" run --config-dir "$T/trib/conf"
h_start relay python3 "$H_HARNESS/ndrelay.py" --listen "127.0.0.1:$RPORT" \
  --port-file "$T/relay.port" --upstream "127.0.0.1:$NPORT" --upstream2 "127.0.0.1:$TPORT"
h_wait_http "$TPORT" /api/v1/info 20
bash "$H_NDPEER" wait-http "$NPORT" 30 || h_fail "the Netdata parent did not come up"
h_wait_for -t 10 -m "relay listening" test -s "$T/relay.port"

NDPEER_COMPRESSION=no NDPEER_HOSTNAME=$CHILD_HOST \
  h_ndpeer child 0 "$T/child" "127.0.0.1:$RPORT" "$KEY" "$CHILD_GUID"
# Each host on both parents before the next connects (streams connecting
# at once through the relay sometimes never reach tributary;
# test_query_update_every_vs_netdata.sh).
on_both() {
  h_http_get "http://127.0.0.1:$NPORT/host/$1/api/v1/charts" > /dev/null 2>&1 \
    && h_http_get "http://127.0.0.1:$TPORT/host/$1/api/v1/charts" > /dev/null 2>&1
}
h_wait_for -t 40 -m "the child on both parents" on_both "$CHILD_HOST"
LOADGENS=()
for ue in 1 2; do
  h_start "loadgen$ue" "$TRIBUTARY_BIN" loadgen --destination "127.0.0.1:$RPORT" \
    --api-key "$KEY" --children 1 --charts 2 --dims 3 --update-every "$ue" \
    --duration 300 --hostname-prefix "qm-lg$ue-$$" --seed $((300 + ue)) --no-lz4 \
    --reconnect-delay 1
  LOADGENS+=("qm-lg$ue-$$-0000")
  h_wait_for -t 30 -m "loadgen $ue on both parents" on_both "qm-lg$ue-$$-0000"
done
# Every algorithm, multipliers and divisors, counter resets and gaps
# (loadgen --variety), collected every 1, 5 and 10 s.
for ue in 1 5 10; do
  h_start "variety$ue" "$TRIBUTARY_BIN" loadgen --destination "127.0.0.1:$RPORT" \
    --api-key "$KEY" --children 1 --charts 4 --dims 5 --update-every "$ue" --variety \
    --duration 300 --hostname-prefix "qm-var$ue-$$" --seed $((400 + ue)) --no-lz4 \
    --reconnect-delay 1
  LOADGENS+=("qm-var$ue-$$-0000")
  h_wait_for -t 30 -m "variety loadgen $ue on both parents" on_both "qm-var$ue-$$-0000"
done

QM_MODE=$MODE python3 "$H_HARNESS/query_matrix.py" "$NPORT" "$TPORT" "$CHILD_HOST" "$CHILD_GUID" \
  "${LOADGENS[@]}" > "$T/matrix.log" 2>&1 \
  || { cat "$T/matrix.log"; h_fail "answers differ from Netdata 1.37.1"; }
grep -a "^differs\|^accepted" "$T/matrix.log" | head -20 || true
tail -1 "$T/matrix.log"
h_pass
