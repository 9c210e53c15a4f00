#!/usr/bin/env bash
# Tier 1 (one aggregate a minute) answers as on a real Netdata 1.37.1
# parent. A loadgen child (every 1 s) streams through
# tests/harness/ndrelay.py into a Netdata and a tributary parent at once,
# both dbengine with `storage tiers = 3`. Once two whole minutes have closed
# after both parents' first one (each parent's first minute starts with its
# own first point), /api/v1/data is asked over those minutes:
#   * `tier=1` with natural points (one row a minute) for average, min, max
#     and sum: a bucket holds the points 1.37.1 puts in it (closed by the
#     first point *starting* after its end, so the one ending a second past
#     the minute still counts; docs/storage.md "Tiers");
#   * no `tier`, one row a minute: the tier 1.37.1 picks (tier 1) and the
#     same rows;
#   * `tier=0` and a `tier` past the agent's tiers (ignored) over the same
#     window with one row per 10 s.
# Row times and counts must be equal, values within float precision.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

KEY=$(cat /proc/sys/kernel/random/uuid)
NPORT=$(h_free_port)
TPORT=$(h_free_port)
RPORT=$(h_free_port)
T=$(h_tmpdir)
HOST=tiers-$$-0000

NDPEER_MODE=dbengine NDPEER_REPLICATION=no NDPEER_COMPRESSION=no NDPEER_HOSTNAME=tiers-nd-$$ \
  NDPEER_EXTRA_CONF=$(printf '[db]\n    storage tiers = 3') \
  h_ndpeer parent "$NPORT" "$T/nd" "$KEY"
tc_instance "$T/trib" tiers-trib-$$ "127.0.0.1:$TPORT" dbengine
sed -i 's/^\[db\]$/[db]\n    storage tiers = 3/' "$T/trib/conf/netdata.conf"
grep -q "storage tiers = 3" "$T/trib/conf/netdata.conf" || h_fail "no [db] section to set storage tiers in"
printf '[%s]\n    enabled = yes\n    default memory mode = dbengine\n    health enabled by default = no\n' \
  "$KEY" > "$T/trib/conf/stream.conf"
h_start tributary "$TRIBUTARY_BIN" run --config-dir "$T/trib/conf"
h_start relay python3 "$H_HARNESS/ndrelay.py" --listen "127.0.0.1:$RPORT" \
  --port-file "$T/relay.port" --upstream "127.0.0.1:$NPORT" --upstream2 "127.0.0.1:$TPORT"
h_wait_http "$TPORT" /api/v1/info 20
bash "$H_NDPEER" wait-http "$NPORT" 30 || h_fail "the Netdata parent did not come up"
h_wait_for -t 10 -m "relay listening" test -s "$T/relay.port"
h_start loadgen "$TRIBUTARY_BIN" loadgen --destination "127.0.0.1:$RPORT" \
  --api-key "$KEY" --children 1 --charts 2 --dims 3 --update-every 1 \
  --duration 600 --hostname-prefix "tiers-$$" --seed 77 --no-lz4 --reconnect-delay 1

python3 - "$NPORT" "$TPORT" "$HOST" > "$T/compare.log" 2>&1 <<'PY' || { cat "$T/compare.log"; grep -a "ERROR\|WARN" "$T/tributary.err" | head -40; h_fail "answers differ"; }
import json, sys, time, urllib.request
nport, tport, host = sys.argv[1:]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
def get(port, path):
    with opener.open(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
        return json.load(r)
ports = (nport, tport)

# Both parents' first points; the first minute that starts after both.
deadline = time.time() + 60
while True:
    try:
        sets = [get(p, f"/host/{host}/api/v1/charts")["charts"] for p in ports]
        if all(sets) and all(c["first_entry"] > 0 for s in sets for c in s.values()):
            break
    except Exception:
        pass
    if time.time() > deadline:
        sys.exit(f"{host} not on both parents with data within 60 s")
    time.sleep(1)
assert set(sets[0]) == set(sets[1]), f"chart sets differ: {sets}"
charts = sorted(sets[0])
first = max(c["first_entry"] for s in sets for c in s.values())
# Minutes ending at e1 and e2 = e1 + 60 are whole on both parents: each
# parent's first bucket ends at the first minute after its first point.
e1 = (first // 60 + 2) * 60
e2 = e1 + 60
# e2 closes with the first point starting after it (ending at e2 + 2); then
# both parents have stored it.
wait = e2 + 6 - time.time()
print(f"first points at {first}; comparing the minutes ending at {e1} and {e2}; waiting {wait:.0f} s")
if wait > 0:
    time.sleep(wait)

def close(x, y):
    # Tier 1 keeps float sums (32 bits on both parents).
    return x == y or (x is not None and y is not None
                      and abs(x - y) <= 1e-6 + max(abs(x), abs(y)) * 2e-6)

calls = mismatches = 0
def compare(chart, q, want_rows):
    global calls, mismatches
    path = f"/host/{host}/api/v1/data?chart={chart}&{q}&format=json"
    nd, tr = (get(p, path) for p in ports)
    calls += 1
    where = f"{chart} {q}"
    if nd["labels"] != tr["labels"]:
        print(f"{where}: labels {nd['labels']} != {tr['labels']}")
        mismatches += 1
        return
    nt, tt = [r[0] for r in nd["data"]], [r[0] for r in tr["data"]]
    if nt != tt or len(nt) != want_rows:
        print(f"{where}: rows {nt} != {tt} (want {want_rows})")
        mismatches += 1
        return
    bad = [(r[0], a, b) for r, s in zip(nd["data"], tr["data"])
           for a, b in zip(r[1:], s[1:]) if not close(a, b)]
    if bad:
        print(f"{where}: {len(bad)} values differ, e.g. @{bad[0][0]} "
              f"netdata {bad[0][1]} tributary {bad[0][2]}")
        mismatches += 1

window = f"after={e1 - 59}&before={e2}"
for chart in charts:
    for group in ("average", "min", "max", "sum"):
        compare(chart, f"{window}&points=0&tier=1&group={group}", 2)
    compare(chart, f"{window}&points=2&group=average", 2)
    compare(chart, f"{window}&points=12&tier=0&group=average", 12)
    compare(chart, f"{window}&points=12&tier=7&group=average", 12)
print(f"tiers: {calls} queries over the minutes ending at {e1} and {e2}, {mismatches} differ")
sys.exit(0 if calls >= 14 and mismatches == 0 else 1)
PY
tail -2 "$T/compare.log"
h_pass
