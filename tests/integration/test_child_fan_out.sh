#!/usr/bin/env bash
# Fan-out: one tributary child streams its host to three parents at once —
# two REAL Netdata 1.37.1 parents and a tributary parent — through
# `destination` plus `parallel destinations = A | B` (one sender, buffer,
# negotiation and replication per group):
#   * all three mirror the child (hops 1) with the same system.uptime values;
#   * one Netdata parent stops reading for 60 s (SIGSTOP): the other two keep
#     every second, each at most a second staler than before the stall;
#   * that parent is then shut down for 20 s and restarted: it gets the gap
#     by replication from the child (every second of the outage), while the
#     others never miss one.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$H_HARNESS/tribconf.sh"

KEY=$(cat /proc/sys/kernel/random/uuid)
T=$(h_tmpdir)
STALL=${FANOUT_STALL_SECONDS:-60}
OUTAGE=${FANOUT_OUTAGE_SECONDS:-20}
CHILD=fan-child-$$
ND1=$(h_free_port); ND2=$(h_free_port); TP=$(h_free_port)
declare -A URL=([nd1]=http://127.0.0.1:$ND1 [nd2]=http://127.0.0.1:$ND2 [trib]=http://127.0.0.1:$TP)

nd_parent() { # NAME PORT
  NDPEER_PROC=none NDPEER_HOSTNAME="$1-$$" h_ndpeer parent "$2" "$T/$1" "$KEY"
  echo "$H_LAST_PID" > "$T/$1.ndpid"
  bash "$H_NDPEER" wait-http "$2" 40 || h_fail "netdata parent $1 did not start"
}
nd_parent nd1 "$ND1"
nd_parent nd2 "$ND2"
tc_instance "$T/trib" fan-parent-$$ "127.0.0.1:$TP"
printf '[%s]\n    enabled = yes\n    default memory mode = ram\n' "$KEY" > "$T/trib/conf/stream.conf"
tc_start trib "$T/trib"
h_wait_http "$TP" /api/v1/info 20

CPORT=$(h_free_port)
CHILD_URL=http://127.0.0.1:$CPORT
tc_instance "$T/child" "$CHILD" "127.0.0.1:$CPORT"
cat > "$T/child/conf/stream.conf" <<CONF
[stream]
    enabled = yes
    destination = tcp:127.0.0.1:$ND1
    parallel destinations = tcp:127.0.0.1:$ND2 | tcp:127.0.0.1:$TP
    api key = $KEY
    reconnect delay seconds = 1
    timeout seconds = 600
CONF
"$TRIBUTARY_BIN" check-config --config-dir "$T/child/conf" > "$T/check.out" 2>&1 \
  || { cat "$T/check.out" >&2; h_fail "the fan-out config does not check"; }
grep -q "unknown key" "$T/check.out" && h_fail "parallel destinations is not a known key"
tc_start child "$T/child"

mirrored() { # NAME
  tc_info_json "${URL[$1]}" "$T/info-$1.json" && [ "$(tc_hops "$T/info-$1.json" "$CHILD")" = "true 1" ]
}
for p in nd1 nd2 trib; do
  h_wait_for -t 40 -m "$p mirrors $CHILD (hops 1)" mirrored "$p"
done

# series DATA_URL AFTER BEFORE -> "t:v ..." of the stored seconds
series() {
  h_http_get "$1/api/v1/data?chart=system.uptime&after=$2&before=$3&format=json&options=seconds" \
    | python3 -c 'import json,sys; print(" ".join("%d:%s" % (r[0], r[1]) for r in sorted(json.load(sys.stdin)["data"]) if r[1] is not None))' 2>/dev/null
}
uptime() { series "${URL[$1]}/host/$CHILD" "$2" "$3"; } # PARENT AFTER BEFORE
# missing PARENT AFTER BEFORE -> the seconds the child stored but the parent
# did not. A second the child itself never collected (a loaded machine delays
# its collector) is no streaming loss, so it is not counted.
missing() {
  local own theirs
  own=$(series "$CHILD_URL" "$2" "$3") || own=""
  theirs=$(uptime "$@") || theirs=""
  python3 -c 'import sys
seconds = lambda text: {int(x.split(":")[0]) for x in text.split()}
after, before = int(sys.argv[1]), int(sys.argv[2])
own, theirs = seconds(sys.argv[3]), seconds(sys.argv[4])
window = range(after, before + 1)
if sum(t not in own for t in window) > 5:  # the child itself must have collected
    print("child-lacks:" + ",".join(str(t) for t in window if t not in own))
else:
    print(" ".join(str(t) for t in window if t in own and t not in theirs))' \
    "$2" "$3" "$own" "$theirs"
}
none_missing() { # PARENT AFTER BEFORE
  local m; m=$(missing "$@"); echo "$1 misses: $m" > "$T/missing-$1.err"; [ -z "$m" ]
}
newest() { # URL -> the newest stored second of the child's system.uptime there
  h_http_get "$1/api/v1/data?chart=system.uptime&after=-30&format=json&options=seconds" \
    | python3 -c 'import json,sys; print(max([r[0] for r in json.load(sys.stdin)["data"] if r[1] is not None] or [0]))' 2>/dev/null
}
lag() { # PARENT -> seconds its newest point is behind the child's own newest
  local c p; c=$(newest "$CHILD_URL") || c=0; p=$(newest "${URL[$1]}/host/$CHILD") || p=0
  echo $((c - p))
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# ------------------------------------------------------------ same values everywhere
same_values() {
  local now a b c; now=$(date +%s)
  a=$(uptime nd1 $((now - 12)) $((now - 4))); b=$(uptime nd2 $((now - 12)) $((now - 4)))
  c=$(uptime trib $((now - 12)) $((now - 4)))
  echo "nd1: $a | nd2: $b | trib: $c" > "$T/same.err"
  [ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" = "$c" ] && [ "$(echo "$a" | wc -w)" -ge 8 ]
}
h_wait_for -t 30 -m "the three parents hold the same system.uptime (same.err)" same_values
H_PASSED=$((H_PASSED + 1))
# How far behind the child each parent is (its newest point against the
# child's own): sampled for 10 s, then through the stall. Medians, because a
# loaded machine makes single queries slow.
base=""
until [ "$(echo $base | wc -w)" -ge 10 ]; do
  for p in nd1 trib; do base="$base $(lag "$p")"; done
  sleep 1
done
base_lag=$(echo $base | median)
h_log "three parents mirror $CHILD with equal values (ports nd1 $ND1, nd2 $ND2, trib $TP); lag before: $base"

# ------------------------------------------------------------ a stalled parent
stall_at=$(date +%s)
kill -STOP "$(cat "$T/nd2.ndpid")"
h_log "nd2 stopped reading (SIGSTOP) for ${STALL}s"
during=""
until [ "$(date +%s)" -ge $((stall_at + STALL)) ]; do
  for p in nd1 trib; do during="$during $(lag "$p")"; done
  sleep 1
done
kill -CONT "$(cat "$T/nd2.ndpid")"
stall_lag=$(echo $during | median)
worst=$(echo $during | tr ' ' '\n' | grep . | sort -n | tail -1)
h_log "nd2 reads again; lag of the others during the stall: median ${stall_lag}s, worst ${worst}s (before: median ${base_lag}s)"
[ "$stall_lag" -le $((base_lag + 1)) ] && [ "$worst" -le $((base_lag + 8)) ] \
  || h_fail "a stalled parent delayed the others: median ${stall_lag}s / worst ${worst}s behind the child (was ${base_lag}s): $during"
# A deadline, not one look: the newest second may still be on its way.
for p in nd1 trib; do
  h_wait_for -t 10 -m "$p has every second of nd2's stall (missing-$p.err)" \
    none_missing "$p" $((stall_at - 5)) $((stall_at + STALL))
done
H_PASSED=$((H_PASSED + 1))
caught_up() { [ -z "$(missing nd2 $((stall_at - 5)) $((stall_at + STALL)))" ]; }
h_wait_for -t 60 -m "nd2 has every second of its stall once it reads again" caught_up

# ------------------------------------------------------------ a parent away
down_at=$(date +%s)
h_ndpeer_stop "$(cat "$T/nd2.ndpid")"
h_log "nd2 shut down for ${OUTAGE}s"
h_wait_for -t $((OUTAGE + 10)) -m "${OUTAGE}s of outage" bash -c "[ \$(date +%s) -ge $((down_at + OUTAGE)) ]"
up_at=$(date +%s)
nd_parent nd2 "$ND2"
h_wait_for -t 40 -m "nd2 mirrors $CHILD again" mirrored nd2
gap_filled() {
  local m; m=$(missing nd2 $((down_at + 1)) $((up_at + 3)))
  echo "nd2 misses: $m" > "$T/gap.err"
  [ -z "$m" ]
}
h_wait_for -t 60 -m "nd2 gets its outage [$((down_at + 1)), $((up_at + 3))] by replication (gap.err)" gap_filled
for p in nd1 trib; do
  h_wait_for -t 10 -m "$p has every second while nd2 was away (missing-$p.err)" \
    none_missing "$p" $((down_at - 5)) $((up_at + 3))
done
grep -q "STREAM $CHILD \[send to 127.0.0.1:$ND2\]: established link" "$T/child/log/error.log" \
  || h_fail "the child did not log its link to nd2"
h_alive "$(h_pid child)" || h_fail "the child died"
h_log "nd2 replicated $((up_at - down_at)) s of outage; nd1 and trib never missed a second"
h_pass
