#!/usr/bin/env bash
# [stream] send charts matching = !system.cpu system.* !*  on a tributary child
# streaming to a tributary parent: the parent has the child's system.* charts
# (system.uptime, system.load, system.ram) but not system.cpu and nothing
# outside system.* (no net.*, disk.*, mem.*, ...), while the child itself
# still collects all of them (its own /api/v1/charts has system.cpu and, when
# a non-lo interface moved bytes, net.*). Data of an allowed chart flows.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$H_HARNESS/tribconf.sh"

KEY=$(cat /proc/sys/kernel/random/uuid)
PPORT=$(h_free_port)
CPORT=$(h_free_port)
T=$(h_tmpdir)
PBASE=http://127.0.0.1:$PPORT
CBASE=http://127.0.0.1:$CPORT
CHILD=scm-child-$$

tc_instance "$T/parent" "scm-parent-$$" "127.0.0.1:$PPORT"
cat > "$T/parent/conf/stream.conf" <<CONF
[$KEY]
    enabled = yes
    allow from = *
    default memory mode = ram
CONF
tc_start parent "$T/parent"
h_wait_http "$PPORT" /api/v1/info 20

tc_instance "$T/child" "$CHILD" "127.0.0.1:$CPORT"
cat > "$T/child/conf/stream.conf" <<CONF
[stream]
    enabled = yes
    destination = 127.0.0.1:$PPORT
    api key = $KEY
    reconnect delay seconds = 1
    send charts matching = !system.cpu system.* !*
CONF
tc_start child "$T/child"
h_wait_http "$CPORT" /api/v1/info 20

NET_IFACE=$(awk 'NR > 2 { split($0, a, /[: ]+/); if (a[1] == "") { n = 2 } else { n = 1 }
  if (a[n] != "lo" && (a[n+1] + a[n+9]) > 0) { print a[n]; exit } }' /proc/net/dev)

# the child collects everything
child_complete() {
  h_http_get "$CBASE/api/v1/charts" > "$T/child-charts.json" || return 1
  python3 - "$T/child-charts.json" "$NET_IFACE" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])).get("charts", {})
want = ["system.cpu", "system.uptime", "system.load", "system.ram"]
ok = all(w in c for w in want)
if sys.argv[2]:
    ok = ok and any(k.startswith("net.") for k in c)
sys.exit(0 if ok else 1)
PY
}
h_wait_for -t 20 -m "the child's own charts (system.cpu, system.uptime, ...${NET_IFACE:+, net.*})" child_complete

# the parent gets only the matching ones; wait for the allowed set and data
parent_has_allowed() {
  h_http_get "$PBASE/host/$CHILD/api/v1/charts" > "$T/parent-charts.json" || return 1
  python3 - "$T/parent-charts.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])).get("charts", {})
sys.exit(0 if all(w in c for w in ("system.uptime", "system.load", "system.ram")) else 1)
PY
}
h_wait_for -t 30 -m "system.uptime/load/ram of $CHILD on the parent" parent_has_allowed
uptime_rows() {
  h_http_get "$PBASE/host/$CHILD/api/v1/data?chart=system.uptime&after=-5&format=json" > "$T/uptime.json" || return 1
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if sum(1 for r in d["data"] if r[1]) >= 2 else 1)' "$T/uptime.json"
}
h_wait_for -t 20 -m "system.uptime rows of $CHILD on the parent" uptime_rows
# let a few more collection rounds (and any late chart definitions) arrive
first_entry=$(h_http_get "$PBASE/host/$CHILD/api/v1/chart?chart=system.uptime" \
  | python3 -c 'import json,sys; print(int(json.load(sys.stdin).get("last_entry") or 0))')
advanced() {
  local now
  now=$(h_http_get "$PBASE/host/$CHILD/api/v1/chart?chart=system.uptime" \
    | python3 -c 'import json,sys; print(int(json.load(sys.stdin).get("last_entry") or 0))') || return 1
  [ "$now" -ge $((first_entry + 3)) ]
}
h_wait_for -t 20 -m "3 more seconds of system.uptime on the parent" advanced

h_http_get "$PBASE/host/$CHILD/api/v1/charts" > "$T/parent-charts.json" || h_fail "parent charts"
bad=$(python3 - "$T/parent-charts.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])).get("charts", {})
print(" ".join(sorted(k for k in c if k == "system.cpu" or not k.startswith("system."))))
PY
)
h_assert_eq "" "$bad" "charts on the parent that 'send charts matching = !system.cpu system.* !*' excludes"
h_log "parent has $(python3 -c 'import json,sys; print(sorted(json.load(open(sys.argv[1]))["charts"]))' "$T/parent-charts.json")"
h_http_get "$PBASE/host/$CHILD/api/v1/data?chart=system.cpu&after=-5&format=json" > /dev/null 2>&1 \
  && h_fail "/host/$CHILD/api/v1/data?chart=system.cpu answered on the parent"
h_alive "$(h_pid child)" || h_fail "child died"
h_alive "$(h_pid parent)" || h_fail "parent died"
h_pass
