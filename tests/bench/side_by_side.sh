#!/usr/bin/env bash
# side_by_side.sh - the same `tributary loadgen` workload into a real Netdata
# 1.37.1 parent (tests/harness/ndpeer.sh, NDPEER_PROC=none: it only receives)
# and into a tributary parent, one after the other, for each size.
#
#   TRIBUTARY_BIN=build-bench/bin/tributary bash tests/bench/side_by_side.sh [CxMxD ...]
#
# Sizes default to 20x20x10 100x50x10 200x100x10 (children x charts x dims).
# Env knobs: WARMUP (s, 20) after every chart streams, MEASURE (s, 40),
# LZ4 (yes|no, yes), MODE (ram), RETENTION (entries, 3600), PARENTS
# ("netdata tributary"), STREAM_WAIT (s, 180: bound on the time until every
# chart of every child streams, i.e. replication done), BENCH_OUT (markdown
# table copied there, results as JSON lines next to it), HISTORY (s, 0: every
# loadgen child claims that much history and answers REPLAY_CHART with it, so
# the parent backfills C×M×D×HISTORY samples first and its rings start full).
#
# Both parents: [db] mode = MODE, retention = RETENTION, update every 1,
# replication on, stream compression on, no health, no ML, no collectors of
# their own. Measured per parent and size (after warm-up):
#   CPU s / 1M samples  (utime+stime delta of the parent / samples the loadgen
#                        sent in the window; loadgen backlog reported)
#   RSS/dim steady      (median VmRSS in the window - idle VmRSS) / live dims
#   RSS/dim peak        (VmHWM at the end - idle VmRSS) / live dims
#   refused / dropped   loadgen's refusals, dropped collections (samples),
#                       disconnects of well-behaved children
#   backfill            with HISTORY: the samples replayed / the parent's CPU s
#                       from the loadgen's start until every chart streams, and
#                       / the wall seconds of that phase
# Loopback only; every process started is stopped (lib.sh trap).
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(20x20x10 100x50x10 200x100x10)
WARMUP=${WARMUP:-20}
MEASURE=${MEASURE:-40}
LZ4=${LZ4:-yes}
MODE=${MODE:-ram}
RETENTION=${RETENTION:-3600}
PARENTS=${PARENTS:-"netdata tributary"}
STREAM_WAIT=${STREAM_WAIT:-180}
HISTORY=${HISTORY:-0}
BENCH=$(cd "$(dirname "$0")" && pwd -P)
KEY=$(cat /proc/sys/kernel/random/uuid)
T=$(h_tmpdir)
RESULTS=$T/results.jsonl
: > "$RESULTS"
lzflag=--lz4
[ "$LZ4" = yes ] || lzflag=--no-lz4

vmrss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

start_tributary() { # PORT DIR -> sets PARENT_PID
  mkdir -p "$2/conf"
  cat > "$2/conf/netdata.conf" <<CONF
[global]
    hostname = sbs-tributary
[db]
    mode = $MODE
    update every = 1
    retention = $RETENTION
    enable replication = yes
[web]
    bind to = 127.0.0.1:$1
[directories]
    log = $2/log
    cache = $2/cache
    lib = $2/lib
[health]
    enabled = no
CONF
  cat > "$2/conf/stream.conf" <<CONF
[stream]
    enable compression = yes

[$KEY]
    enabled = yes
    allow from = *
    default memory mode = $MODE
    health enabled by default = no
    enable compression = yes
    enable replication = yes
CONF
  h_start "tributary-$3" "$TRIBUTARY_BIN" run --config-dir "$2/conf"
  PARENT_PID=$H_LAST_PID
  h_wait_http "$1" /api/v1/info 30
}

start_netdata() { # PORT DIR -> sets PARENT_PID
  NDPEER_PROC=none NDPEER_MODE=$MODE NDPEER_COMPRESSION=yes NDPEER_REPLICATION=yes \
    NDPEER_HOSTNAME=sbs-netdata \
    NDPEER_EXTRA_CONF="[db]
    retention = $RETENTION" \
    h_ndpeer parent "$1" "$2" "$KEY"
  PARENT_PID=$H_LAST_PID
  bash "$H_NDPEER" wait-http "$1" 60 || h_fail "netdata parent did not start"
}

all_streaming() { # LOADGEN_NAME N
  tail -n 1 "$H_TMP/$1.out" 2>/dev/null | grep -q "up=$2/$2 streaming=$2 "
}

run_one() { # PARENT SIZE
  local parent=$1 size=$2 n m d port dir lgname lgpid base idle meas
  IFS=x read -r n m d <<< "$size"
  port=$(h_free_port)
  dir=$T/$parent-$size
  if [ "$parent" = netdata ]; then start_netdata "$port" "$dir"
  else start_tributary "$port" "$dir" "$size"; fi
  sleep 3
  idle=$(vmrss "$PARENT_PID")
  lgname=lg-$parent-$size
  local t_start=$SECONDS c_start t0_ns histflag=()
  [ "$HISTORY" -gt 0 ] && histflag=(--history "$HISTORY")
  c_start=$(cpu_ticks "$PARENT_PID")
  t0_ns=$(date +%s%N)
  # duration: time to stream every chart (<= STREAM_WAIT) + warm-up + window + slack
  h_start "$lgname" "$TRIBUTARY_BIN" loadgen --destination "127.0.0.1:$port" --api-key "$KEY" \
    --children "$n" --charts "$m" --dims "$d" --update-every 1 \
    --duration $((WARMUP + MEASURE + STREAM_WAIT + 15)) --ramp 2 --reconnect-delay 5 $lzflag \
    --hostname-prefix "sbs-$parent-$n-$m-$d" --seed 42 --json "$T/$lgname.json" "${histflag[@]}"
  lgpid=$H_LAST_PID
  h_wait_for -t "$STREAM_WAIT" -m "$parent $size: all children streaming" all_streaming "$lgname" "$n"
  local t_up=$SECONDS c_up up_ns
  c_up=$(cpu_ticks "$PARENT_PID")
  up_ns=$(date +%s%N)
  h_log "$parent $size: every chart streaming after $((t_up - t_start)) s"
  sleep "$WARMUP"
  meas=$(python3 "$BENCH/procmeter.py" --pid "$PARENT_PID" --loadgen-pid "$lgpid" \
    --loadgen-out "$H_TMP/$lgname.out" --seconds "$MEASURE")
  # a parent that keeps up has recent rows of the last chart of the last child
  base=http://127.0.0.1:$port
  local rows
  rows=$(h_http_get "$base/host/sbs-$parent-$n-$m-$d-$(printf %04d $((n - 1)))/api/v1/data?chart=lg.c$((m - 1))&after=-10&format=json" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(1 for r in d["data"] if any(v is not None for v in r[1:])))' \
    2>/dev/null || echo "?")
  h_stop "$lgpid" 10
  # the loadgen writes its JSON at exit (TERM = normal end)
  h_wait_for -t 10 -m "loadgen report" test -s "$T/$lgname.json"
  python3 - "$parent" "$size" "$idle" "$rows" "$((t_up - t_start))" "$T/$lgname.json" "$meas" \
    "$HISTORY" "$(( (c_up - c_start) ))" "$(getconf CLK_TCK)" "$(( (up_ns - t0_ns) / 1000000 ))" >> "$RESULTS" <<'PY'
import json, statistics, sys
parent, size, idle, rows, stream_s, lgjson, meas = sys.argv[1:8]
history, fill_ticks, hz, fill_ms = map(int, sys.argv[8:12])
n, m, d = map(int, size.split("x"))
lg = json.load(open(lgjson))
me = json.loads(meas)
dims = n * m * d
idle = int(idle)
steady = statistics.median(me["rss_kb"])
r = {
    "parent": parent, "size": size, "dims": dims,
    "rate": me["samples"] / me["wall_s"],
    "cpu_pct": 100 * me["cpu_s"] / me["wall_s"],
    "cpu_per_m": me["cpu_s"] / me["samples"] * 1e6 if me["samples"] else None,
    "idle_mb": idle / 1024,
    "steady_b_per_dim": (steady - idle) * 1024 / dims,
    "peak_b_per_dim": (me["hwm_kb"] - idle) * 1024 / dims,
    "rss_first_mb": me["rss_kb"][0] / 1024, "rss_last_mb": me["rss_kb"][-1] / 1024,
    "backlog0": me["backlog0"], "backlog1": me["backlog1"],
    "refusals": lg["good"]["refusals"], "dropped": lg["good"]["dropped"],
    "disconnects": lg["good"]["disconnects"], "discarded_bytes": lg["good"]["discarded_bytes"],
    "loadgen_cpu_pct": 100 * me["loadgen_cpu_s"] / me["wall_s"],
    "recent_rows": rows, "all_streaming_after_s": int(stream_s),
}
if history > 0:
    replayed = dims * history
    cpu = fill_ticks / hz
    r.update({"history": history, "backfill_samples": replayed, "backfill_cpu_s": cpu,
              "backfill_m_per_cpu_s": replayed / cpu / 1e6 if cpu else None,
              "backfill_m_per_s": replayed / (fill_ms / 1000) / 1e6})
print(json.dumps(r))
PY
  h_log "$(tail -n 1 "$RESULTS")"
  # A disconnect's cause is in the parent's log, which goes with $T unless
  # H_KEEP=1: show its errors here.
  if [ "$(tail -n 1 "$RESULTS" | python3 -c 'import json, sys; print(json.load(sys.stdin)["disconnects"])')" != 0 ]; then
    grep -hs "ERROR" "$T/$parent-$size/log/error.log" | grep -v "end of file" | head -n 20 \
      | while IFS= read -r line; do h_log "parent: $line"; done || true
  fi
  if [ "$parent" = netdata ]; then h_ndpeer_stop "$PARENT_PID"; else h_stop "$PARENT_PID" 20; fi
}

h_log "load before start: $(cut -d' ' -f1-3 /proc/loadavg); sizes ${SIZES[*]}; warmup $WARMUP s, window $MEASURE s, lz4 $LZ4, mode $MODE, retention $RETENTION"
for size in "${SIZES[@]}"; do
  for parent in $PARENTS; do
    h_log "=== $parent $size (load $(cut -d' ' -f1-3 /proc/loadavg))"
    run_one "$parent" "$size"
  done
done

python3 - "$RESULTS" > "$T/table.md" <<'PY'
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def f(x, p=2):
    return "—" if x is None else ("%.*f" % (p, x))
print("| size (C×M×D) | live dims | parent | all charts streaming after s | samples/s | CPU % of a core | CPU s / 1M samples | idle RSS MB | steady RSS B/dim | peak RSS B/dim | refused / dropped / disconnects | loadgen backlog start→end B | loadgen CPU % |")
print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|")
by = {}
for r in rs:
    by.setdefault(r["size"], {})[r["parent"]] = r
    print("| %s | %d | %s | %s | %.0f | %s | %s | %s | %s | %s | %d / %d / %d | %d→%d | %s |" % (
        r["size"], r["dims"], r["parent"], r.get("all_streaming_after_s", "?"), r["rate"], f(r["cpu_pct"], 1), f(r["cpu_per_m"]),
        f(r["idle_mb"], 1), f(r["steady_b_per_dim"], 0), f(r["peak_b_per_dim"], 0),
        r["refusals"], r["dropped"], r["disconnects"], r["backlog0"], r["backlog1"],
        f(r["loadgen_cpu_pct"], 1)))
print()
print("| size | CPU/1M ratio tributary/netdata | steady RSS/dim ratio | peak RSS/dim ratio |")
print("|---|---:|---:|---:|")
for size, p in by.items():
    if "netdata" in p and "tributary" in p:
        a, b = p["tributary"], p["netdata"]
        def ratio(k):
            return f(a[k] / b[k]) if a[k] and b[k] else "—"
        print("| %s | %s | %s | %s |" % (size, ratio("cpu_per_m"), ratio("steady_b_per_dim"), ratio("peak_b_per_dim")))
back = [r for r in rs if r.get("history")]
if back:
    print()
    print("| size | parent | history s | samples replayed | backfill until every chart streams s | M samples/s | parent CPU s | M samples per CPU s |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in back:
        print("| %s | %s | %d | %d | %s | %s | %s | %s |" % (
            r["size"], r["parent"], r["history"], r["backfill_samples"], r["all_streaming_after_s"],
            f(r["backfill_m_per_s"]), f(r["backfill_cpu_s"]), f(r["backfill_m_per_cpu_s"])))
PY
cat "$T/table.md"
[ -z "${BENCH_OUT:-}" ] || cp "$T/table.md" "$BENCH_OUT"
[ -z "${BENCH_OUT:-}" ] || cp "$RESULTS" "${BENCH_OUT%.md}.jsonl"
h_pass
