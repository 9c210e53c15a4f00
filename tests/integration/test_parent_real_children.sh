#!/usr/bin/env bash
# A tributary parent with three REAL Netdata 1.37.1 children streaming at
# once: one without compression (plain text), two with lz4. Each child must
# show up in /api/v1/info mirrored_hosts (plus the parent itself), have its
# charts (system.cpu among them) under /host/<name>/api/v1/charts, return
# system.uptime rows whose values increase with time, export
# netdata_system_uptime_seconds_average in its prometheus allmetrics, and
# tributary's error.log must say "receiving metrics..." for each of them.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

KEY=$(cat /proc/sys/kernel/random/uuid)
TPORT=$(h_free_port)
T=$(h_tmpdir)
PARENT_HOST=trib-parent-$$
CHILDREN=(rc-plain-$$ rc-lz4a-$$ rc-lz4b-$$)
COMP=(no yes yes)
GUIDS=()
for _ in "${CHILDREN[@]}"; do GUIDS+=("$(cat /proc/sys/kernel/random/uuid)"); done

# ------------------------------------------------------------ tributary
tc_instance "$T/trib" $PARENT_HOST "127.0.0.1:$TPORT"
cat > "$T/trib/conf/stream.conf" <<CONF
[stream]
    enable compression = yes

[$KEY]
    enabled = yes
    allow from = *
    default memory mode = ram
CONF
h_start tributary "$TRIBUTARY_BIN" run --config-dir "$T/trib/conf"
h_wait_http "$TPORT" /api/v1/info 20
TLOG=$T/trib/log/error.log
h_wait_for -t 10 -m "tributary error.log exists" test -f "$TLOG"
BASE=http://127.0.0.1:$TPORT

# ------------------------------------------------------------ three children
for i in 0 1 2; do
  NDPEER_PROC=small NDPEER_COMPRESSION=${COMP[i]} NDPEER_HOSTNAME=${CHILDREN[i]} \
    h_ndpeer child 0 "$T/child$i" "127.0.0.1:$TPORT" "$KEY" "${GUIDS[i]}"
done

# mirrored_hosts: the parent and all three children, each reachable
info_has_all() {
  h_http_get "$BASE/api/v1/info" > "$T/info.json" || return 1
  python3 - "$T/info.json" "$PARENT_HOST" "${CHILDREN[@]}" <<'PY'
import json, sys
info = json.load(open(sys.argv[1]))
want = sys.argv[2:]
hosts = info.get("mirrored_hosts", [])
if not all(h in hosts for h in want):
    sys.exit(1)
status = {s.get("hostname"): s for s in info.get("mirrored_hosts_status", [])}
sys.exit(0 if all(status.get(h, {}).get("reachable") is True for h in want[1:]) else 1)
PY
}
h_wait_for -t 40 -m "mirrored_hosts lists $PARENT_HOST ${CHILDREN[*]} (children reachable)" info_has_all
h_log "mirrored_hosts: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["mirrored_hosts"])' "$T/info.json")"
info=$(cat "$T/info.json")
for h in "$PARENT_HOST" "${CHILDREN[@]}"; do
  h_assert_contains "$info" "\"$h\"" "mirrored_hosts"
done
for g in "${GUIDS[@]}"; do
  h_assert_contains "$info" "\"$g\"" "child machine GUID in /api/v1/info"
done

# ------------------------------------------------------------ per child
h_assert_eq "$PARENT_HOST" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["mirrored_hosts"][0])' "$T/info.json")" \
  "first of mirrored_hosts is the parent itself"

# rows of system.uptime: at least 3 non-null values, strictly increasing in time
uptime_increases() { # HOSTNAME
  h_http_get "$BASE/host/$1/api/v1/data?chart=system.uptime&after=-5&format=json" > "$T/uptime-$1.json" || return 1
  python3 - "$T/uptime-$1.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rows = sorted((r for r in d["data"] if r[1] is not None), key=lambda r: r[0])
if len(rows) < 3:
    sys.exit(1)
vals = [r[1] for r in rows]
ok = all(b > a for a, b in zip(vals, vals[1:])) and vals[-1] > 0
if not ok:
    print("uptime not increasing:", rows, file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

has_charts() { # HOSTNAME
  h_http_get "$BASE/host/$1/api/v1/charts" > "$T/charts-$1.json" || return 1
  python3 - "$T/charts-$1.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["charts"]
sys.exit(0 if "system.cpu" in c and "system.uptime" in c and len(c) >= 10 else 1)
PY
}

has_prom_uptime() { # HOSTNAME
  h_http_get "$BASE/host/$1/api/v1/allmetrics?format=prometheus" > "$T/prom-$1.txt" || return 1
  grep -qE '^netdata_system_uptime_seconds_average\{[^}]*\} [0-9.e+]+( [0-9]+)?$' "$T/prom-$1.txt"
}

for i in 0 1 2; do
  h=${CHILDREN[i]}
  h_wait_log "$TLOG" "STREAM $h \[receive from .*\] ?: receiving metrics\.\.\." 10
  h_wait_for -t 20 -m "charts of $h incl. system.cpu" has_charts "$h"
  h_assert_contains "$(cat "$T/charts-$h.json")" '"system.cpu"' "charts of $h"
  # the same host must also be reachable by its machine GUID
  h_http_get "$BASE/host/${GUIDS[i]}/api/v1/charts" > "$T/charts-guid-$i.json" \
    || h_fail "/host/${GUIDS[i]}/api/v1/charts did not answer"
  h_assert_contains "$(cat "$T/charts-guid-$i.json")" '"system.cpu"' "charts of $h by GUID"
  h_wait_for -t 20 -m "increasing system.uptime rows of $h" uptime_increases "$h"
  h_wait_for -t 10 -m "netdata_system_uptime_seconds_average in prometheus of $h" has_prom_uptime "$h"
  h_log "$h: $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["charts"]))' "$T/charts-$h.json") charts, uptime rows $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data"][:3])' "$T/uptime-$h.json")"
done

# compression as configured: lz4 granted to the two lz4 children only, on both sides
for i in 0 1 2; do
  h=${CHILDREN[i]}
  caps=$(grep -E "STREAM $h \[receive from .*\] ?: client willing to stream metrics" "$TLOG" | tail -1)
  [ -n "$caps" ] || h_fail "no 'client willing to stream metrics' line for $h"
  child_caps=$(grep -E "established link with negotiated capabilities" "$T/child$i/log/error.log" | tail -1)
  [ -n "$child_caps" ] || h_fail "$h did not log its negotiated capabilities"
  if [ "${COMP[i]}" = yes ]; then
    h_assert_contains "$caps" " COMPRESSION" "tributary's capabilities for lz4 child $h"
    h_assert_contains "$child_caps" " COMPRESSION" "capabilities logged by lz4 child $h"
  else
    case "$caps$child_caps" in *COMPRESSION*) h_fail "compression negotiated with plain child $h: $caps / $child_caps" ;; esac
  fi
done

# each child got exactly one "receiving metrics..." (no reconnect loop)
for h in "${CHILDREN[@]}"; do
  n=$(grep -cE "STREAM $h \[receive from .*\] ?: receiving metrics\.\.\." "$TLOG" || true)
  h_assert_eq 1 "$n" "'receiving metrics...' lines for $h"
done
# no child was refused or disconnected
if grep -qE "Forbidding access|already streaming|multiple connections|disconnected \(completed" "$TLOG"; then
  h_fail "unexpected refusal/disconnect in tributary's log: $(grep -E 'Forbidding|multiple|disconnected' "$TLOG" | head -5)"
fi
# Netdata 1.37.1 reports its own host as reachable in mirrored_hosts_status
# (host == localhost is always reachable), hops 0.
parent_status=$(python3 - "$T/info.json" "$PARENT_HOST" <<'PY'
import json, sys
info = json.load(open(sys.argv[1]))
s = [x for x in info["mirrored_hosts_status"] if x.get("hostname") == sys.argv[2]]
print("%s %s" % (json.dumps(s[0].get("reachable")), s[0].get("hops")) if s else "missing")
PY
)
h_assert_eq "true 0" "$parent_status" "mirrored_hosts_status of the parent itself (reachable hops)"

h_pass
