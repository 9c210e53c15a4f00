#!/usr/bin/env bash
# soak.sh - minutes of well-behaved plus misbehaving loadgen children against
# one tributary parent (not part of ctest).
#
#   TRIBUTARY_BIN=build-bench/bin/tributary bash tests/bench/soak.sh
#
# Env: DURATION (s, 300), CHILDREN (50), CHARTS (20), DIMS (10), LZ4 (yes),
# BAD (fraction of CHILDREN per misbehaviour, 0.1): cut lines (then close),
# unknown commands, slowloris handshakes that never finish, wrong API keys.
#
# Pass criteria:
#  * no well-behaved child was refused, disconnected or had collections dropped;
#  * for every well-behaved child, the rows stored for lg.c0 (its constant
#    dimension d2 non-null, via /host/<name>/api/v1/data) have no hole between
#    the first and the last stored row, and number the BEGIN/END rounds the
#    loadgen sent for lg.c0 minus at most LOSS_TOLERANCE (2): a row at second s
#    is interpolated from collections on both sides of s, so the last
#    collection has no row yet (1 expected), plus 1 of slack;
#  * the parent is still up; its VmRSS, sampled every 10 s, is reported
#    first vs last (and max); growth above RSS_GROWTH_PCT (10) from the first
#    sample taken after 60 s of warm-up to the last fails.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"

DURATION=${DURATION:-300}
CHILDREN=${CHILDREN:-50}
CHARTS=${CHARTS:-20}
DIMS=${DIMS:-10}
LZ4=${LZ4:-yes}
BAD=${BAD:-0.1}
LOSS_TOLERANCE=${LOSS_TOLERANCE:-2}
RSS_GROWTH_PCT=${RSS_GROWTH_PCT:-10}
KEY=$(cat /proc/sys/kernel/random/uuid)
T=$(h_tmpdir)
PORT=$(h_free_port)
RETENTION=$((DURATION + 600))
lzflag=--lz4
[ "$LZ4" = yes ] || lzflag=--no-lz4

mkdir -p "$T/trib/conf"
cat > "$T/trib/conf/netdata.conf" <<CONF
[global]
    hostname = soak-parent
[db]
    mode = ram
    update every = 1
    retention = $RETENTION
[web]
    bind to = 127.0.0.1:$PORT
[directories]
    log = $T/trib/log
    cache = $T/trib/cache
    lib = $T/trib/lib
[health]
    enabled = no
CONF
cat > "$T/trib/conf/stream.conf" <<CONF
[stream]
    enable compression = yes

[$KEY]
    enabled = yes
    allow from = *
    default memory mode = ram
    default history = $RETENTION
CONF
h_start tributary "$TRIBUTARY_BIN" run --config-dir "$T/trib/conf"
PPID_=$H_LAST_PID
h_wait_http "$PORT" /api/v1/info 30

h_start loadgen "$TRIBUTARY_BIN" loadgen --destination "127.0.0.1:$PORT" --api-key "$KEY" \
  --children "$CHILDREN" --charts "$CHARTS" --dims "$DIMS" --update-every 1 \
  --duration "$DURATION" $lzflag --hostname-prefix soak --seed 7 --reconnect-delay 2 \
  --misbehave "cut:$BAD" --misbehave "unknown:$BAD" --misbehave "slowloris:$BAD" \
  --misbehave "badkey:$BAD" --report-every 10 --json "$T/loadgen.json"
LGPID=$H_LAST_PID
h_log "soak: $CHILDREN good children x $CHARTS x $DIMS + ${BAD} x $CHILDREN of each misbehaviour, $DURATION s, load $(cut -d' ' -f1-3 /proc/loadavg)"

# VmRSS every 10 s while the loadgen runs (bounded by DURATION + 60 s)
: > "$T/rss.tsv"
deadline=$((SECONDS + DURATION + 60))
while h_alive "$LGPID" && [ "$SECONDS" -lt "$deadline" ]; do
  h_alive "$PPID_" || h_fail "tributary parent died during the soak"
  echo "$SECONDS $(awk '/^VmRSS:/ {print $2}' "/proc/$PPID_/status")" >> "$T/rss.tsv"
  for _ in $(seq 1 50); do h_alive "$LGPID" || break; sleep 0.2; done
done
h_alive "$PPID_" || h_fail "tributary parent died during the soak"
h_stop "$LGPID" 10
h_wait_for -t 10 -m "loadgen report" test -s "$T/loadgen.json"
tail -n 2 "$H_TMP/loadgen.out" >&2

# rows stored per good host vs rounds sent
h_http_get "http://127.0.0.1:$PORT/api/v1/info" > "$T/info.json"
python3 - "$T/loadgen.json" "$PORT" "$DURATION" "$LOSS_TOLERANCE" "$T/rss.tsv" "$RSS_GROWTH_PCT" <<'PY' || h_fail "soak check failed (see above)"
import json, statistics, sys, urllib.request
lg = json.load(open(sys.argv[1]))
port, duration, tol = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rss = [tuple(map(int, l.split())) for l in open(sys.argv[5]) if len(l.split()) == 2]
growth_pct = float(sys.argv[6])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
errs = []
g, b = lg["good"], lg["misbehaving"]
print("loadgen good: %s" % json.dumps(g))
print("loadgen misbehaving: %s" % json.dumps(b))
if g["refusals"] or g["disconnects"] or g["dropped"]:
    errs.append("well-behaved children refused/disconnected/dropped: %s" % g)
losses = []
holes_total = []
window = duration + 120
for h in lg["hosts"]:
    if h["kind"] != "good":
        continue
    url = ("http://127.0.0.1:%s/host/%s/api/v1/data?chart=lg.c0&after=-%d&before=0&points=%d&group=average&format=json"
           % (port, h["hostname"], window, window))
    d = json.load(opener.open(url, timeout=10))
    i = d["labels"].index("d2")
    rows = sorted(d["data"], key=lambda r: r[0])
    have = [k for k, r in enumerate(rows) if r[i] is not None]
    stored = len(have)
    holes = (have[-1] - have[0] + 1 - stored) if have else 0
    losses.append(h["rounds_c0"] - stored)
    holes_total.append(holes)
    if holes or not 0 <= h["rounds_c0"] - stored <= tol:
        errs.append("%s: sent %d rounds of lg.c0, %d rows stored, %d holes between the first and last row"
                    % (h["hostname"], h["rounds_c0"], stored, holes))
print("per-host sent-minus-stored rows of lg.c0: min %d max %d total %d over %d hosts; holes %d"
      % (min(losses), max(losses), sum(losses), len(losses), sum(holes_total)))
if rss:
    warm = [r for t, r in rss if t - rss[0][0] >= 60] or [r for _, r in rss]
    print("parent VmRSS (kB): first %d, first after 60 s %d, last %d, max %d, samples %d"
          % (rss[0][1], warm[0], rss[-1][1], max(r for _, r in rss), len(rss)))
    print("VmRSS series: %s" % [r for _, r in rss])
    if warm[-1] > warm[0] * (1 + growth_pct / 100):
        errs.append("VmRSS grew %.1f%% after warm-up (%d -> %d kB)"
                    % (100.0 * (warm[-1] - warm[0]) / warm[0], warm[0], warm[-1]))
if errs:
    print("FAILED: " + "; ".join(errs[:10]), file=sys.stderr)
    sys.exit(1)
PY
h_log "tributary error.log: $(wc -l < "$T/trib/log/error.log" 2>/dev/null || echo 0) lines"
h_pass
