#!/usr/bin/env bash
# The values a tributary parent stores equal what a real Netdata 1.37.1 parent
# stores for the same stream: one real child streams (compression off, so
# both parents read the same bytes) through tests/harness/ndrelay.py, which
# forwards to the Netdata parent and fans the child's bytes out to tributary.
# Then /api/v1/data of every chart over one window must agree.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

KEY=$(cat /proc/sys/kernel/random/uuid)
CHILD_GUID=$(cat /proc/sys/kernel/random/uuid)
CHILD_HOST=values-child-$$
NPORT=$(h_free_port)
TPORT=$(h_free_port)
T=$(h_tmpdir)

# Netdata parent: ram like ours; no replication, so that it asks the child
# for no past points. The child still answers each chart's empty
# REPLAY_CHART with RDSTATE/RSSTATE/REND, which both parents read: that
# state, not either parent's wall clock, places the chart clock.
NDPEER_MODE=ram NDPEER_REPLICATION=no NDPEER_HOSTNAME=nd-parent \
  h_ndpeer parent "$NPORT" "$T/nd" "$KEY"

tc_instance "$T/trib" trib-parent "127.0.0.1:$TPORT"
cat > "$T/trib/conf/stream.conf" <<CONF
[$KEY]
    enabled = yes
    default memory mode = ram
CONF
h_start tributary "$TRIBUTARY_BIN" run --config-dir "$T/trib/conf"
h_wait_http "$TPORT" /api/v1/info 20
bash "$H_NDPEER" wait-http "$NPORT" 30 || h_fail "the Netdata parent did not come up"

h_start relay python3 "$H_HARNESS/ndrelay.py" --listen 127.0.0.1:0 --port-file "$T/relay.port" \
  --upstream "127.0.0.1:$NPORT" --upstream2 "127.0.0.1:$TPORT"
h_wait_for -t 10 -m "relay port file" test -s "$T/relay.port"
RPORT=$(cat "$T/relay.port")

NDPEER_COMPRESSION=no NDPEER_HOSTNAME=$CHILD_HOST \
  h_ndpeer child 0 "$T/child" "127.0.0.1:$RPORT" "$KEY" "$CHILD_GUID"

has_data() { # PORT: the child's system.cpu has at least 20 stored points
  h_http_get "http://127.0.0.1:$1/host/$CHILD_HOST/api/v1/data?chart=system.cpu&after=-60&format=json" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; sys.exit(0 if sum(1 for r in d if r[1] is not None) >= 20 else 1)'
}
h_wait_for -t 60 -m "20 s of system.cpu on the Netdata parent" has_data "$NPORT"
h_wait_for -t 20 -m "20 s of system.cpu on tributary" has_data "$TPORT"

python3 - "$NPORT" "$TPORT" "$CHILD_HOST" > "$T/compare.log" 2>&1 <<'PY' || { cat "$T/compare.log"; h_fail "values differ"; }
import json, sys, urllib.request
nport, tport, host = sys.argv[1:]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
def get(port, path):
    with opener.open(f"http://127.0.0.1:{port}/host/{host}{path}", timeout=10) as r:
        return json.load(r)
charts = sorted(get(tport, "/api/v1/charts")["charts"])
nd_charts = set(get(nport, "/api/v1/charts")["charts"])
assert charts and set(charts) == nd_charts, f"chart sets differ: {set(charts) ^ nd_charts}"
# One window for every chart: the last 15 s that both parents have stored.
last = min(get(p, "/api/v1/data?chart=system.uptime&after=-5&points=1")["data"][0][0]
           for p in (nport, tport))
after, before = last - 15, last - 1
compared = mismatches = inexact = 0
for chart in charts:
    q = f"/api/v1/data?chart={chart}&after={after}&before={before}&format=json&group=average"
    nd, tr = get(nport, q), get(tport, q)
    assert nd["labels"] == tr["labels"], f"{chart}: labels {nd['labels']} != {tr['labels']}"
    nrows = {r[0]: r[1:] for r in nd["data"]}
    trows = {r[0]: r[1:] for r in tr["data"]}
    for t in sorted(set(nrows) | set(trows)):
        a, b = nrows.get(t), trows.get(t)
        if a is None or b is None:
            print(f"{chart} @{t}: row only on {'tributary' if a is None else 'netdata'}")
            mismatches += 1
            continue
        for label, x, y in zip(nd["labels"][1:], a, b):
            compared += 1
            if x is None and y is None:
                continue
            # Both parents must store the same numbers, bit for bit: the
            # child's RSSTATE/REND fix the chart clock, so no wall clock of
            # either parent enters the math (docs/storage.md, "Where the grid
            # phase comes from"). The only slack is one step of the 32-bit
            # storage_number, because our pack() rounds a double where
            # Netdata rounds a long double: the 24-bit mantissa is scaled by
            # powers of 10 to at least 0xFFFFFF / 10, so a step is at most
            # 1/1677721 of the value (below 1.6e14), or 1e-7 when the value
            # is too small to scale that far (also the printed 7th decimal).
            if x is None or y is None or abs(x - y) > 1e-7 + max(abs(x), abs(y)) / 1677721:
                print(f"{chart}.{label} @{t}: netdata {x} tributary {y}")
                mismatches += 1
            elif x != y:
                inexact += 1
print(f"compared {compared} values of {len(charts)} charts in [{after}, {before}], "
      f"{mismatches} mismatches, {inexact} within one storage_number step")
sys.exit(0 if compared > 100 and mismatches == 0 else 1)
PY
tail -1 "$T/compare.log"
h_pass
