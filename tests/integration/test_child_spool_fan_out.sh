#!/usr/bin/env bash
# The spool with fan-out (issue 14): a `memory mode = none` child streams to
# two tributary parents at once (`destination` + `parallel destinations`).
# Both parents stop; the first comes back and replicates the outage from the
# child's spool. The spool must stay until the second parent has it too:
#   * after the first parent has every second of the outage, the child has
#     not deleted its spool;
#   * the second parent, back later, gets every second of the outage too;
#   * then the child logs that the spool was replicated and deletes it.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$H_HARNESS/tribconf.sh"

OUTAGE=${OUTAGE:-30}
KEY=$(cat /proc/sys/kernel/random/uuid)
T=$(h_tmpdir)
CHILD=fanspool-$$
P1=$(h_free_port)
P2=$(h_free_port)

for p in 1 2; do
  port=$P1; [ $p = 2 ] && port=$P2
  tc_instance "$T/p$p" "fanspool-parent$p-$$" "127.0.0.1:$port"
  tc_accept_key "$T/p$p" "$KEY" "health enabled by default = no"
  tc_no_proc "$T/p$p"
done
start_parent() { # N
  local port=$P1
  [ "$1" = 2 ] && port=$P2
  tc_start "parent$1" "$T/p$1"
  eval "PARENT$1=\$H_LAST_PID"
  h_wait_http "$port" /api/v1/info 20
}
start_parent 1
start_parent 2

tc_instance "$T/child" "$CHILD" "127.0.0.1:$(h_free_port)" none
cat > "$T/child/conf/stream.conf" <<CONF
[stream]
    enabled = yes
    destination = 127.0.0.1:$P1
    parallel destinations = 127.0.0.1:$P2
    api key = $KEY
    reconnect delay seconds = 1
    spool disk space MB = 64
CONF
tc_start child "$T/child"
LOG=$T/child/log/error.log

# holes PORT AFTER BEFORE: the seconds in [AFTER, BEFORE] without a value of
# system.uptime on the parent at PORT (all of them while it is unknown).
holes() {
  python3 - "$1" "$CHILD" "$2" "$3" <<'PY'
import json, sys, urllib.request
port, host, after, before = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
url = ("http://127.0.0.1:%s/host/%s/api/v1/data?chart=system.uptime&after=%d&before=%d"
       "&points=0&format=json&options=seconds" % (port, host, after, before))
try:
    with opener.open(url, timeout=10) as r:
        rows = json.load(r)["data"]
except Exception:
    rows = []
have = {int(r[0]) for r in rows if r[1] is not None}
print(sum(1 for t in range(after, before + 1) if t not in have))
PY
}
no_holes() { [ "$(holes "$1" "$2" "$3")" = 0 ]; }
now() { date +%s; }

t=$(now)
h_wait_for -t 40 -m "the child's seconds on parent 1" no_holes "$P1" $((t + 5)) $((t + 8))
h_wait_for -t 20 -m "the child's seconds on parent 2" no_holes "$P2" $((t + 5)) $((t + 8))

h_stop "$PARENT1"
h_stop "$PARENT2"
CUT=$(now)
h_log "both parents stopped at $CUT; outage $OUTAGE s"
sleep "$OUTAGE"
FROM=$((CUT + 2))
TO=$((CUT + OUTAGE - 2))

start_parent 1
h_wait_for -t 60 -m "parent 1 has every second of the outage" no_holes "$P1" "$FROM" "$TO"
sleep 3 # a spool cleared after parent 1 would be gone by now
if grep -q "spool: the parent has replicated it" "$LOG"; then
  h_fail "the child deleted its spool while parent 2 was still away"
fi

start_parent 2
h_wait_for -t 60 -m "parent 2 has every second of the outage" no_holes "$P2" "$FROM" "$TO"
h_wait_log "$LOG" "spool: the parent has replicated it" 30
h_pass
