#!/usr/bin/env bash
# Charts collected every 1, 2, 5 and 10 s answer /api/v1/data as a real
# Netdata 1.37.1 parent does, in ram and in dbengine. One real child (ram;
# its system.load is collected every 5 s) and loadgen children (every 1, 2, 5
# and 10 s; ram and dbengine, by API key) stream through
# tests/harness/ndrelay.py into a Netdata and a tributary parent at once.
# Then every chart is asked over one absolute window with `points` below,
# equal to and above the points the chart stores there (one per second, and
# three per second), and `points=0`: row times, row counts and values must
# be equal. An absolute window with `points` steps by the second in 1.37.1
# (virtual points), interpolating between stored points; docs/storage.md
# "Queries".
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

# Two API keys: children sending with KEY_DB are stored in dbengine, with
# KEY_RAM in ram, on both parents.
KEY_DB=$(cat /proc/sys/kernel/random/uuid)
KEY_RAM=$(cat /proc/sys/kernel/random/uuid)
CHILD_GUID=$(cat /proc/sys/kernel/random/uuid)
CHILD_HOST=ue-child-$$
NPORT=$(h_free_port)
TPORT=$(h_free_port)
RPORT=$(h_free_port)
T=$(h_tmpdir)

NDPEER_MODE=dbengine NDPEER_REPLICATION=no NDPEER_COMPRESSION=no NDPEER_HOSTNAME=nd-parent \
NDPEER_EXTRA_STREAM="[$KEY_RAM]
    type = api
    enabled = yes
    allow from = *
    default memory mode = ram
    health enabled by default = no
    default proxy enabled = no
    enable compression = no
    enable replication = no" \
  h_ndpeer parent "$NPORT" "$T/nd" "$KEY_DB"

tc_instance "$T/trib" trib-parent "127.0.0.1:$TPORT" dbengine
printf '[%s]\n    enabled = yes\n    default memory mode = dbengine\n[%s]\n    enabled = yes\n    default memory mode = ram\n' \
  "$KEY_DB" "$KEY_RAM" > "$T/trib/conf/stream.conf"
h_start tributary "$TRIBUTARY_BIN" run --config-dir "$T/trib/conf"
h_start relay python3 "$H_HARNESS/ndrelay.py" --listen "127.0.0.1:$RPORT" \
  --port-file "$T/relay.port" --upstream "127.0.0.1:$NPORT" --upstream2 "127.0.0.1:$TPORT"
h_wait_http "$TPORT" /api/v1/info 20
bash "$H_NDPEER" wait-http "$NPORT" 30 || h_fail "the Netdata parent did not come up"
h_wait_for -t 10 -m "relay listening" test -s "$T/relay.port"

# The real child streams to ram (its system.load is collected every 5 s);
# loadgen children every 1 (dbengine only), 2, 5 and 10 s to both.
NDPEER_COMPRESSION=no NDPEER_HOSTNAME=$CHILD_HOST \
  h_ndpeer child 0 "$T/child" "127.0.0.1:$RPORT" "$KEY_RAM" "$CHILD_GUID"
start_loadgen() { # MODE UE NAME: host lg-MODEUE-$$-0000
  local key=$KEY_DB seed=100
  [ "$1" = db ] || { key=$KEY_RAM seed=200; }
  h_start "$3" "$TRIBUTARY_BIN" loadgen --destination "127.0.0.1:$RPORT" \
    --api-key "$key" --children 1 --charts 2 --dims 2 --update-every "$2" \
    --duration 300 --hostname-prefix "lg-$1$2-$$" --seed $((seed + $2)) --no-lz4 \
    --reconnect-delay 1
}
LOADGENS=()
for mode in db ram; do
  for ue in 1 2 5 10; do
    [ "$mode$ue" != ram1 ] || continue
    start_loadgen "$mode" "$ue" "loadgen-$mode$ue"
    LOADGENS+=("lg-$mode$ue-$$-0000")
    sleep 1
  done
done
# Hosts missing on either parent are skipped (not this test's subject);
# every update_every must be compared. (Hosts used to go missing: the relay
# sends the request and the first stream bytes to tributary in one segment,
# which tributary refused without a log line; it now keeps them.)
python3 - "$NPORT" "$TPORT" "$CHILD_HOST" "${LOADGENS[@]}" > "$T/compare.log" 2>&1 <<'PY' || { cat "$T/compare.log"; grep -a "ERROR\|WARN" "$T/tributary.err" | head -40; h_fail "answers differ"; }
import json, sys, time, urllib.request
nport, tport, child, *loadgens = sys.argv[1:]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
def get(port, path):
    with opener.open(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
        return json.load(r)

ports = (nport, tport)
WINDOW = 20
# The window ends 32 s ago: aligned to a group, its end moves up to
# WINDOW − 1 s later, and every point there (and the one after it, which
# dbengine reads) is stored on both parents. It starts where both have data
# before it. The newest seconds are compared below, apart.
deadline = time.time() + 150
while True:
    before = int(time.time()) - 12 - WINDOW
    after = before - WINDOW + 1
    hosts, missing = {}, []
    for host in [child] + loadgens:
        try:
            sets = [get(p, f"/host/{host}/api/v1/charts")["charts"] for p in ports]
        except Exception as e:  # a host not mirrored yet answers 404
            missing.append(f"{host}: {e}")
            continue
        late = [(k, c["first_entry"], c["last_entry"]) for cs in sets for k, c in cs.items()
                if c["first_entry"] == 0 or c["first_entry"] > after - 2
                or c["last_entry"] < before + WINDOW]
        if late or not all(sets):
            missing.append(f"{host}: {late[:2]}")
        else:
            hosts[host] = sets
    if not missing or (time.time() > deadline and child in hosts):
        break
    if time.time() > deadline:
        sys.exit(f"no common {WINDOW} s window on both parents within 150 s: {missing}")
    time.sleep(2)
for m in missing:
    print(f"skipped {m}")

ues = {}
for host, sets in hosts.items():
    ids = [set(s) for s in sets]
    assert all(x == ids[0] for x in ids), f"{host}: chart sets differ {ids}"
    for c, v in sets[0].items():
        ues[(host, c)] = v["update_every"]
seen_ue = sorted(set(ues.values()))
assert {1, 2, 5, 10} <= set(seen_ue), f"update_every seen: {seen_ue} (skipped: {missing})"

def close(x, y):
    # One step of the 32-bit storage_number (test_parent_values_vs_netdata.sh)
    # plus the printed 7th decimal.
    return x == y or (x is not None and y is not None
                      and abs(x - y) <= 1e-7 + max(abs(x), abs(y)) / 1677721)

calls = mismatches = 0
for (host, chart), ue in sorted(ues.items()):
    stored = max(1, WINDOW // ue)
    for points in sorted({max(1, stored // 2), stored, WINDOW, 3 * WINDOW, 0}):
        q = (f"/host/{host}/api/v1/data?chart={chart}&after={after}&before={before}"
             f"&points={points}&group=average&format=json")
        mode = "dbengine" if host.startswith("lg-db") else "ram"
        nd, tr = get(nport, q), get(tport, q)
        calls += 1
        where = f"{mode} {host} {chart} (every {ue} s) points={points}"
        if nd["labels"] != tr["labels"]:
            print(f"{where}: labels {nd['labels']} != {tr['labels']}")
            mismatches += 1
            continue
        nt = [r[0] for r in nd["data"]]
        tt = [r[0] for r in tr["data"]]
        if nt != tt:
            print(f"{where}: {len(nt)} rows {nt[:3]}..{nt[-3:]} != "
                  f"{len(tt)} rows {tt[:3]}..{tt[-3:]}")
            mismatches += 1
            continue
        bad = [(r[0], a, b) for r, s in zip(nd["data"], tr["data"])
               for a, b in zip(r[1:], s[1:]) if not close(a, b)]
        if bad:
            print(f"{where}: {len(bad)} values differ, e.g. @{bad[0][0]} "
                  f"netdata {bad[0][1]} tributary {bad[0][2]}")
            mismatches += 1
print(f"window [{after}, {before}], update_every {seen_ue}: {calls} queries, "
      f"{mismatches} differ")

# The newest seconds: a window ending 1 s ago, whose aligned end runs past
# the newest stored point; there 1.37.1 plans each dimension's tiers
# (docs/storage.md "Each dimension's tier"). A pair of answers counts only
# when both parents held the same newest point before and after it;
# otherwise it is asked again. A pair that differs is asked again with the
# next newest point, twice (tributary used to close a tier-1 bucket one
# point before Netdata, which changed the plan of a young host for one
# update_every; it cuts buckets as 1.37.1 now, and runs since ask nothing
# again: the count is printed). A difference of the query itself stays.
def newest(host, chart):
    return [get(p, f"/host/{host}/api/v1/charts")["charts"][chart]["last_entry"]
            for p in ports]
def same(nd, tr):
    return nd["data"] == tr["data"] or (
        [r[0] for r in nd["data"]] == [r[0] for r in tr["data"]]
        and all(close(x, y) for r, s in zip(nd["data"], tr["data"])
                for x, y in zip(r[1:], s[1:])))
def ask_held(host, chart, points):
    for attempt in range(40):
        b = int(time.time()) - 1
        q = (f"/host/{host}/api/v1/data?chart={chart}&after={b - WINDOW + 1}"
             f"&before={b}&points={points}&group=average&format=json")
        held = newest(host, chart)
        nd, tr = get(nport, q), get(tport, q)
        if held == newest(host, chart) and held[0] == held[1]:
            return b, held[0], nd, tr
        time.sleep(0.3)
    sys.exit(f"{host} {chart}: the parents never held the same newest point")
edge_calls = edge_retried = 0
for (host, chart), ue in sorted(ues.items()):
    if host == child or ue < 2:
        continue
    for points in (1, 2, 0):
        tries = []
        for attempt in range(3):
            if tries:  # wait for the next newest point
                deadline = time.time() + 3 * ue + 5
                while newest(host, chart)[0] == tries[-1][1] and time.time() < deadline:
                    time.sleep(0.3)
            tries.append(ask_held(host, chart, points))
            edge_calls += 1
            if same(tries[-1][2], tries[-1][3]):
                break
        edge_retried += len(tries) > 1
        b, _, nd, tr = tries[-1]
        if not same(nd, tr):
            print(f"newest seconds {host} {chart} (every {ue} s) before={b} "
                  f"points={points}: netdata {nd['data'][:3]} tributary {tr['data'][:3]}")
            mismatches += 1
print(f"newest seconds: {edge_calls} queries, {edge_retried} asked again; "
      f"{mismatches} differ in all")
sys.exit(0 if calls > 100 and edge_calls >= 18 and mismatches == 0 else 1)
PY
tail -2 "$T/compare.log"
h_pass
