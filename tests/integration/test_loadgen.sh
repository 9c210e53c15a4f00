#!/usr/bin/env bash
# `tributary loadgen` against both kinds of parent:
#  * a tributary parent: 10 plain + 10 lz4 children x 5 charts x 4 dims at
#    once; /api/v1/info lists all 20, /host/<name>/api/v1/data has the
#    loadgen's values (constant dimensions exact, counters a rate of
#    100..160/s, gauges within 0..1000), the loadgen saw no refusal and no
#    disconnect, and lz4 was granted to the lz4 children only;
#  * a real Netdata 1.37.1 parent (ndpeer.sh): it answers every chart with
#    REPLAY_CHART, takes the empty replays and mirrors all 20 hosts with data.
# Also: loadgen refuses non-loopback destinations.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

KEY=$(cat /proc/sys/kernel/random/uuid)
T=$(h_tmpdir)
N=10 M=5 D=4

# ------------------------------------------------------------ refusals of loadgen itself
rc=0
"$TRIBUTARY_BIN" loadgen --destination 10.1.2.3:19999 --api-key "$KEY" --duration 1 \
  > "$T/nonloop.out" 2> "$T/nonloop.err" || rc=$?
h_assert_eq 2 "$rc" "exit code for a non-loopback destination"
h_assert_contains "$(cat "$T/nonloop.err")" "not a loopback address" "non-loopback refusal message"
rc=0
"$TRIBUTARY_BIN" loadgen --destination example.com:19999 --api-key "$KEY" --duration 1 \
  > /dev/null 2> "$T/dns.err" || rc=$?
h_assert_eq 2 "$rc" "exit code for a host name"

# ------------------------------------------------------------ helpers
# start_loadgen NAME PORT PREFIX SEED lz4|plain DURATION
start_loadgen() {
  local mode=--lz4
  [ "$5" = lz4 ] || mode=--no-lz4
  h_start "$1" "$TRIBUTARY_BIN" loadgen --destination "127.0.0.1:$2" --api-key "$KEY" \
    --children $N --charts $M --dims $D --update-every 1 --duration "$6" \
    --hostname-prefix "$3" --seed "$4" "$mode" --reconnect-delay 1 --json "$T/$1.json"
}

# all_streaming NAME: the loadgen's last stats line has every child up, every chart streaming
all_streaming() {
  tail -n 1 "$H_TMP/$1.out" 2>/dev/null | grep -q "up=$N/$N streaming=$N "
}

# check_host BASEURL HOSTNAME CHILD_INDEX: rows of lg.c2 carry the loadgen's values
check_host() {
  h_http_get "$1/host/$2/api/v1/data?chart=lg.c2&after=-8&format=json" > "$T/data-$2.json" || return 1
  python3 - "$T/data-$2.json" "$3" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
child = int(sys.argv[2])
labels = d["labels"]
rows = [dict(zip(labels, r)) for r in d["data"]]
rows = [r for r in rows if all(r.get(k) is not None for k in ("d0", "d1", "d2", "d3"))]
# a chart's first points are partial on a Netdata parent (interpolation of the
# first collection): judge the rows after the two oldest
rows = sorted(rows, key=lambda r: r["time"])[2:]
if len(rows) < 3:
    print("only %d complete rows" % len(rows), file=sys.stderr); sys.exit(1)
want = (child + 1) * 10000 + 2 * 10 + 2          # constant_value(child, chart 2, dim 2)
bad = [r for r in rows if abs(r["d2"] - want) > 1e-6 * want
       or not (90 <= r["d0"] <= 170) or not (0 <= r["d1"] <= 1000)]
if bad:
    print("unexpected values (want d2=%d, d0 rate 100..160, d1 0..1000): %s" % (want, bad[:3]), file=sys.stderr)
    sys.exit(1)
PY
}

# info_lists BASEURL PREFIX...: /api/v1/info mirrored_hosts has PREFIX-0000..PREFIX-(N-1) of each prefix
info_lists() {
  local base=$1; shift
  h_http_get "$base/api/v1/info" > "$T/info.json" || return 1
  python3 - "$T/info.json" "$N" "$@" <<'PY'
import json, sys
hosts = set(json.load(open(sys.argv[1])).get("mirrored_hosts", []))
n = int(sys.argv[2])
missing = ["%s-%04d" % (p, i) for p in sys.argv[3:] for i in range(n) if "%s-%04d" % (p, i) not in hosts]
if missing:
    print("missing from mirrored_hosts: %s" % missing[:5], file=sys.stderr); sys.exit(1)
PY
}

# final_clean NAME lz4|plain: the loadgen's JSON report: no refusal, no disconnect, samples sent,
# compression granted iff asked for
final_clean() {
  python3 - "$T/$1.json" "$2" "$N" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
g = r["good"]
errs = []
if g["refusals"] or g["disconnects"] or g["dropped"]:
    errs.append("refusals/disconnects/dropped: %s" % g)
if g["samples"] <= 0:
    errs.append("no samples sent")
if g["replays"] < int(sys.argv[3]) * r["charts"]:
    errs.append("only %d REPLAY_CHART answered" % g["replays"])
comp = [h["compressed"] for h in r["hosts"] if h["kind"] == "good"]
want = sys.argv[2] == "lz4"
if any(c != want for c in comp):
    errs.append("compression %s for %s children" % (comp, sys.argv[2]))
if errs:
    print("; ".join(errs), file=sys.stderr); sys.exit(1)
print("samples %d, replays %d, bytes %d" % (g["samples"], g["replays"], g["bytes"]))
PY
}

# ------------------------------------------------------------ tributary parent
TPORT=$(h_free_port)
tc_instance "$T/trib" lg-trib-parent-$$ "127.0.0.1:$TPORT"
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
TBASE=http://127.0.0.1:$TPORT

start_loadgen lg-trib-plain "$TPORT" "lgtp$$" 11 plain 24
start_loadgen lg-trib-lz4 "$TPORT" "lgtz$$" 12 lz4 24
h_wait_for -t 10 -m "plain loadgen: all children streaming" all_streaming lg-trib-plain
h_wait_for -t 10 -m "lz4 loadgen: all children streaming" all_streaming lg-trib-lz4
h_wait_for -t 10 -m "tributary mirrored_hosts lists all 20 loadgen children" \
  info_lists "$TBASE" "lgtp$$" "lgtz$$"
h_assert_eq ok "$(info_lists "$TBASE" "lgtp$$" "lgtz$$" && echo ok)" "tributary mirrored_hosts"
for i in 0 4 9; do
  h_wait_for -t 10 -m "tributary data of lgtp$$-000$i" check_host "$TBASE" "lgtp$$-000$i" "$i"
  h_wait_for -t 10 -m "tributary data of lgtz$$-000$i" check_host "$TBASE" "lgtz$$-000$i" "$i"
done
h_log "tributary rows of lgtz$$-0004: $(head -c 300 "$T/data-lgtz$$-0004.json")"
h_wait_for -t 40 -m "loadgens finished" test -s "$T/lg-trib-lz4.json" -a -s "$T/lg-trib-plain.json"
h_log "tributary plain: $(final_clean lg-trib-plain plain)" || true
h_assert_eq ok "$(final_clean lg-trib-plain plain > /dev/null && echo ok)" "plain loadgen report"
h_assert_eq ok "$(final_clean lg-trib-lz4 lz4 > /dev/null && echo ok)" "lz4 loadgen report"
h_log "tributary: $(grep 'final' "$H_TMP/lg-trib-lz4.out")"
h_stop "$(h_pid tributary)"

# ------------------------------------------------------------ real Netdata 1.37.1 parent
NPORT=$(h_free_port)
NDPEER_PROC=none NDPEER_MODE=ram h_ndpeer parent "$NPORT" "$T/ndparent" "$KEY"
bash "$H_NDPEER" wait-http "$NPORT" 30 || h_fail "netdata parent did not start"
NBASE=http://127.0.0.1:$NPORT
start_loadgen lg-nd-plain "$NPORT" "lgnp$$" 21 plain 24
start_loadgen lg-nd-lz4 "$NPORT" "lgnz$$" 22 lz4 24
h_wait_for -t 15 -m "plain loadgen (netdata): all children streaming" all_streaming lg-nd-plain
h_wait_for -t 15 -m "lz4 loadgen (netdata): all children streaming" all_streaming lg-nd-lz4
h_wait_for -t 15 -m "netdata mirrored_hosts lists all 20 loadgen children" \
  info_lists "$NBASE" "lgnp$$" "lgnz$$"
h_assert_eq ok "$(info_lists "$NBASE" "lgnp$$" "lgnz$$" && echo ok)" "netdata mirrored_hosts"
for i in 0 9; do
  h_wait_for -t 10 -m "netdata data of lgnp$$-000$i" check_host "$NBASE" "lgnp$$-000$i" "$i"
  h_wait_for -t 10 -m "netdata data of lgnz$$-000$i" check_host "$NBASE" "lgnz$$-000$i" "$i"
done
h_wait_for -t 40 -m "loadgens finished" test -s "$T/lg-nd-lz4.json" -a -s "$T/lg-nd-plain.json"
h_assert_eq ok "$(final_clean lg-nd-plain plain > /dev/null && echo ok)" "plain loadgen report (netdata)"
h_assert_eq ok "$(final_clean lg-nd-lz4 lz4 > /dev/null && echo ok)" "lz4 loadgen report (netdata)"
h_log "netdata: $(grep 'final' "$H_TMP/lg-nd-lz4.out")"
n_replay=$(grep -c "REPLAY_CHART\|replication" "$T/ndparent/log/error.log" || true)
h_log "netdata error.log replication lines: $n_replay"
h_pass
