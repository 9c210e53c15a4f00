#!/usr/bin/env bash
# `cleanup orphan hosts after secs` (here 1.37.1's legacy [global] name, 20 s):
#   * two tributary children stream into a tributary parent (memory mode map,
#     so each has files under the parent's cache directory); both stop;
#   * child B comes back before the period: it is kept, with its files;
#   * child A does not: no sooner than 20 s after it left, the parent logs
#     Netdata's "Host '...' with machine guid '...' is obsolete - cleaning
#     up.", A is gone from /api/v1/info, /host/A/... answers 404 and its
#     directory of map files is deleted;
#   * issue 16's finding: 2,000 short-lived children with new GUIDs (loadgen,
#     20 rounds of 100) do not pile up: the host count stays bounded during
#     the churn and comes back to the parent and B once it stops.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

KEY=$(cat /proc/sys/kernel/random/uuid)
LOADKEY=$(cat /proc/sys/kernel/random/uuid)
GA=$(cat /proc/sys/kernel/random/uuid)
GB=$(cat /proc/sys/kernel/random/uuid)
A=orphan-a-$$
B=orphan-b-$$
PPORT=$(h_free_port)
T=$(h_tmpdir)
PBASE=http://127.0.0.1:$PPORT
# Long enough for B to stop, be seen gone and come back on a loaded machine
CLEANUP=20

tc_instance "$T/parent" orphan-parent-$$ "127.0.0.1:$PPORT"
printf '[global]\n    cleanup orphan hosts after seconds = %s\n[health]\n    enabled = no\n' "$CLEANUP" \
  >> "$T/parent/conf/netdata.conf"
cat > "$T/parent/conf/stream.conf" <<CONF
[$KEY]
    enabled = yes
    allow from = *
    default memory mode = map
    default history = 60
[$LOADKEY]
    enabled = yes
    allow from = *
    default memory mode = ram
    default history = 10
    health enabled by default = no
CONF
tc_start parent "$T/parent"
h_wait_http "$PPORT" /api/v1/info 20
PLOG=$T/parent/log/error.log

child() { # NAME GUID : a tributary child streaming to the parent
  local dir=$T/$1
  tc_instance "$dir" "$1" "127.0.0.1:$(h_free_port)"
  printf '[health]\n    enabled = no\n' >> "$dir/conf/netdata.conf"
  mkdir -p "$dir/lib/registry"
  echo "$2" > "$dir/lib/registry/netdata.public.unique.id"
  printf '[stream]\n    enabled = yes\n    destination = 127.0.0.1:%s\n    api key = %s\n' \
    "$PPORT" "$KEY" > "$dir/conf/stream.conf"
  tc_start "$1" "$dir"
}

reachable() { # HOSTNAME -> true|false|missing
  h_http_get "$PBASE/api/v1/info" | python3 -c '
import json, sys
s = [x for x in json.load(sys.stdin)["mirrored_hosts_status"] if x["hostname"] == sys.argv[1]]
print(json.dumps(s[0]["reachable"]) if s else "missing")' "$1" 2>/dev/null || echo error
}
is_reachable() { [ "$(reachable "$1")" = "$2" ]; }
host_count() {
  h_http_get "$PBASE/api/v1/info" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["mirrored_hosts"]))'
}
has_map_files() { compgen -G "$T/parent/cache/$1/*.tmap" > /dev/null; }
no_dir() { [ ! -e "$T/parent/cache/$1" ]; }

# ------------------------------------------------ both children stream
child "$A" "$GA"
PID_A=$H_LAST_PID
child "$B" "$GB"
PID_B=$H_LAST_PID
h_wait_for -t 30 -m "$A reachable" is_reachable "$A" true
h_wait_for -t 30 -m "$B reachable" is_reachable "$B" true
h_wait_for -t 20 -m "$A's map files on the parent" has_map_files "$GA"
h_wait_for -t 20 -m "$B's map files on the parent" has_map_files "$GB"

# ------------------------------------------------ both leave; B comes back in time
h_stop "$PID_A"
h_stop "$PID_B"
left_ms=$(( $(date +%s%N) / 1000000 ))
h_wait_for -t 20 -m "$A unreachable" is_reachable "$A" false
h_wait_for -t 20 -m "$B unreachable" is_reachable "$B" false
tc_start "$B-again" "$T/$B"
h_wait_for -t 20 -m "$B reachable again" is_reachable "$B" true
back_ms=$(( $(date +%s%N) / 1000000 ))
[ $((back_ms - left_ms)) -lt $((CLEANUP * 1000)) ] \
  || h_fail "$B took $((back_ms - left_ms)) ms to come back; the test needs it back within ${CLEANUP}s"
h_log "$B back $((back_ms - left_ms)) ms after it left"

# ------------------------------------------------ A is cleaned up, B is not
h_wait_for -t 30 -m "$A removed from /api/v1/info" is_reachable "$A" missing
gone_ms=$(( $(date +%s%N) / 1000000 ))
[ $((gone_ms - left_ms)) -ge $((CLEANUP * 1000)) ] \
  || h_fail "$A was removed $((gone_ms - left_ms)) ms after it left, before ${CLEANUP}s"
h_log "$A removed $((gone_ms - left_ms)) ms after it left"
h_wait_log "$PLOG" "Host '$A' with machine guid '$GA' is obsolete - cleaning up\." 5
if h_http_get "$PBASE/host/$A/api/v1/info" > /dev/null 2>&1; then
  h_fail "/host/$A/api/v1/info still answers"
fi
code=$(curl -s -o /dev/null -w '%{http_code}' --noproxy '*' --max-time 5 "$PBASE/host/$GA/api/v1/charts")
h_assert_eq 404 "$code" "/host/<A's GUID>/api/v1/charts after the cleanup"
h_wait_for -t 10 -m "$A's directory deleted" no_dir "$GA"
# B outlives the period by far, with its files.
sleep_until=$((SECONDS + CLEANUP + 3))
while [ "$SECONDS" -lt "$sleep_until" ]; do
  is_reachable "$B" true || h_fail "$B (back in time) is $(reachable "$B")"
  sleep 0.5
done
has_map_files "$GB" || h_fail "$B's map files are gone"
if grep -q "machine guid '$GB' is obsolete" "$PLOG"; then h_fail "$B was cleaned up"; fi
[ "$(host_count)" = 2 ] || h_fail "hosts on the parent: $(host_count), want 2 (itself and $B)"

# ------------------------------------------------ 2,000 short-lived children
# A round's hosts leave when it ends and must be gone CLEANUP s later, plus
# the parent's 1 s check and slack for a loaded machine: at any moment the
# parent may hold the rounds that ended within that window, never more. The
# bound follows the rounds' real pace (a fixed number failed once when a
# loaded machine ran the rounds faster than the cleanup caught up).
WINDOW_S=$((CLEANUP + 8))
ends=()
for round in $(seq 1 20); do
  "$TRIBUTARY_BIN" loadgen --destination "127.0.0.1:$PPORT" --api-key "$LOADKEY" \
    --children 100 --charts 2 --dims 2 --duration 2 --ramp 0.5 --report-every 0 \
    --hostname-prefix "churn$round" > "$T/loadgen-$round.out" 2>&1 \
    || { cat "$T/loadgen-$round.out"; h_fail "loadgen round $round failed"; }
  ends+=("$(date +%s)")
  n=$(host_count)
  now=$(date +%s)
  recent=0
  for e in "${ends[@]}"; do [ $((now - e)) -le "$WINDOW_S" ] && recent=$((recent + 1)); done
  allowed=$((2 + 100 * recent))
  h_log "round $round: $n hosts on the parent ($recent rounds ended within ${WINDOW_S}s: at most $allowed)"
  [ "$n" -le "$allowed" ] || h_fail "$n hosts on the parent after round $round, more than $allowed"
done
gone_all() { [ "$(host_count)" = 2 ]; }
h_wait_for -t 30 -m "the churn's hosts cleaned up (2 hosts left)" gone_all
churned=$(grep -c "is obsolete - cleaning up\." "$PLOG" || true)
[ "$churned" -ge 2001 ] || h_fail "$churned cleanup lines, want 2,000 + 1"
is_reachable "$B" true || h_fail "$B is $(reachable "$B") after the churn"
h_pass
