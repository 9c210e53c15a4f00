#!/usr/bin/env bash
# A tributary node whose parent stops reading: tests/harness/ndstallparent.py
# accepts the STREAM handshake (version=11200: no compression, no
# replication) and then reads nothing, with SO_RCVBUF 4096.
# The node has `buffer size bytes = 200000` and streams its localhost and,
# for "many charts", a proxied fake child (ndfakechild.py: 300 charts x 8
# dimensions every 0.05 s; the node's own /proc charts alone make ~3 KB/s and
# would need minutes to fill the ~2 MB the kernel absorbs plus 200000 bytes).
# Product bugs found along the way are collected (BUG: lines) and fail the
# test together at the end. Asserts:
#   * the node logs "too many data pending - buffer is 200000 bytes long, Y
#     unsent - we have sent Z bytes in total, W on this connection. Closing
#     connection to flush the data." with Y > 200000 and Z >= W, and
#     reconnects each time (the parent sees >= 9 connections for 8 overflows);
#   * its RSS (/proc/PID/status VmRSS, sampled every 0.2 s) stays below
#     200 MB, and does not grow by >= 150 kB at each of the 3 overflow cycles
#     5 -> 8 (keeping a dropped 200000-byte buffer would; cycles 1-4 are
#     allocator warm-up);
#   * an overflowed connection is really closed: the node never holds more
#     than 3 established connections to the parent (localhost, current, one
#     being replaced);
#   * once the parent reads again (flag file), the node's newest connection
#     stays open and streams BEGIN lines of the proxied host and of the node's
#     localhost, with no further overflow;
#   * a second node ("stuck": buffer size bytes = 100000000, so it never
#     overflows, and a parent connection that is never read) has data queued
#     beyond the kernel's socket buffer; SIGTERM must still end it within
#     10 s (Netdata closes its sockets at exit whatever is pending).
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$H_HARNESS/tribconf.sh"

KEY_DOWN=$(cat /proc/sys/kernel/random/uuid)
KEY_UP=$(cat /proc/sys/kernel/random/uuid)
T=$(h_tmpdir)
NODE=bp-node-$$
FAKE=bp-fake-$$
STUCK=bp-stuck-node-$$
STUCK_FAKE=bp-stuck-fake-$$
XPORT=$(h_free_port)
SXPORT=$(h_free_port)
RSS_LIMIT_KB=$((200 * 1024))
CYCLES=8

# ------------------------------------------------------------ the stalling parent
h_start stall python3 "$H_HARNESS/ndstallparent.py" --listen 127.0.0.1:0 \
  --port-file "$T/stall.port" --status "$T/stall.json" --read-flag "$T/read.flag" \
  --rcvbuf 4096 --never-read "hostname=bp-stuck-"
h_wait_for -t 10 -m "ndstallparent port file" test -s "$T/stall.port"
SPORT=$(cat "$T/stall.port")

# ------------------------------------------------------------ the tributary nodes
node_conf() { # DIR BUFFER_BYTES
  cat > "$1/conf/stream.conf" <<CONF
[stream]
    enabled = yes
    destination = 127.0.0.1:$SPORT
    api key = $KEY_UP
    buffer size bytes = $2
    reconnect delay seconds = 1
    timeout seconds = 120
    enable compression = no

[$KEY_DOWN]
    enabled = yes
    allow from = *
    default memory mode = none
    default proxy enabled = yes
    default proxy destination = 127.0.0.1:$SPORT
    default proxy api key = $KEY_UP
CONF
}
tc_instance "$T/node" "$NODE" "127.0.0.1:$XPORT"
node_conf "$T/node" 200000
tc_start node "$T/node"; NPID=$H_LAST_PID
tc_instance "$T/stuck" "$STUCK" "127.0.0.1:$SXPORT"
node_conf "$T/stuck" 100000000
tc_start stuck "$T/stuck"; SPID=$H_LAST_PID
h_wait_http "$XPORT" /api/v1/info 20
h_wait_http "$SXPORT" /api/v1/info 20
NLOG=$T/node/log/error.log

# Sampler, every 0.2 s: "epoch_ms rss_kb conns" where conns = the node's
# established TCP connections to the stalling parent (ss, by pid).
h_start rss python3 -c '
import subprocess, sys, time
pid, port, out = sys.argv[1], sys.argv[2], sys.argv[3]
with open(out, "a", buffering=1) as f:
    while True:
        try:
            rss = [l.split()[1] for l in open("/proc/%s/status" % pid) if l.startswith("VmRSS:")][0]
        except (OSError, IndexError):
            break
        ss = subprocess.run(["ss", "-Htnp", "state", "established", "( dport = :%s )" % port],
                            capture_output=True, text=True).stdout
        conns = sum(1 for l in ss.splitlines() if "pid=%s," % pid in l)
        f.write("%d %s %d\n" % (time.time() * 1000, rss, conns))
        time.sleep(0.2)
' "$NPID" "$SPORT" "$T/rss.txt"

# ------------------------------------------------------------ many charts: fake children
h_start fake python3 "$H_HARNESS/ndfakechild.py" --dest "127.0.0.1:$XPORT" --key "$KEY_DOWN" \
  --hostname "$FAKE" --charts 300 --dims 8 --iterations 1000000 --interval 0.05 --timeout 20
h_start stuckfake python3 "$H_HARNESS/ndfakechild.py" --dest "127.0.0.1:$SXPORT" --key "$KEY_DOWN" \
  --hostname "$STUCK_FAKE" --charts 100 --dims 8 --iterations 1000000 --interval 0.1 --timeout 20

OVERFLOW_RE="STREAM $FAKE \[send to 127\.0\.0\.1:$SPORT\]: too many data pending - buffer is 200000 bytes long, [0-9]+ unsent - we have sent [0-9]+ bytes in total, [0-9]+ on this connection\. Closing connection to flush the data\."
overflows() { grep -cE "$OVERFLOW_RE" "$NLOG" 2>/dev/null || true; }
overflows_at_least() { [ "$(overflows)" -ge "$1" ]; }
rss_now() { tail -n 1 "$T/rss.txt" | awk '{print $2}'; }
# Product bugs found are collected here and reported together at the end, so
# one bug does not hide the next.
BUGS=()
bug() { h_log "BUG: $*"; BUGS+=("$*"); }
# a node's established connections to the stalling parent: "count send-q-bytes"
node_conns() { # PID
  ss -Htnp state established "( dport = :$SPORT )" | grep "pid=$1," | awk '{n++; q += $2} END {print n + 0, q + 0}'
}

RSS_AT=()
for k in $(seq 1 $CYCLES); do
  h_wait_for -t 25 -m "overflow #$k ('too many data pending') for $FAKE" overflows_at_least "$k"
  h_alive "$NPID" || h_fail "the node died after $((k - 1)) overflows"
  RSS_AT+=("$(rss_now)")
  h_log "overflow #$k: RSS $(rss_now) kB, node->parent connections/Send-Q: $(node_conns "$NPID")"
done

# unsent > buffer size and total >= this connection on every overflow line
python3 - "$NLOG" "$FAKE" <<'PY' || h_fail "an overflow line reports unsent <= 200000 bytes or total < this connection"
import re, sys
rx = re.compile(r"STREAM %s \[send to [^]]+\]: too many data pending - buffer is 200000 bytes long, (\d+) unsent - we have sent (\d+) bytes in total, (\d+) on this connection" % re.escape(sys.argv[2]))
vals = [tuple(map(int, m.groups())) for m in map(rx.search, open(sys.argv[1], errors="replace")) if m]
print("overflow lines (unsent, total, this connection): %s" % vals, file=sys.stderr)
sys.exit(0 if vals and all(u > 200000 and t >= c for u, t, c in vals) else 1)
PY

# reconnects: the parent saw one connection per overflow, plus the current one
fake_conns() {
  python3 - "$T/stall.json" "$FAKE" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(sum(1 for c in s["conns"] if "hostname=%s&" % sys.argv[2] in c["request"]))
PY
}
conns_at_least() { [ "$(fake_conns)" -ge "$1" ]; }
h_wait_for -t 10 -m ">= $((CYCLES + 1)) connections of $FAKE at the stalling parent" conns_at_least $((CYCLES + 1))
h_wait_log "$NLOG" "STREAM $FAKE: attempting to connect to '127\.0\.0\.1:$SPORT'" 1

# ------------------------------------------------------------ memory
python3 - "$T/rss.txt" "$RSS_LIMIT_KB" "${RSS_AT[@]}" > "$T/rss-verdict.txt" <<'PY' || bug "RSS: $(cat "$T/rss-verdict.txt")"
import sys
samples = [int(l.split()[1]) for l in open(sys.argv[1]) if len(l.split()) == 3]
limit = int(sys.argv[2])
at = [int(x) for x in sys.argv[3:]]
peak = max(samples)
print("RSS: %d samples, min %d kB, peak %d kB, at overflows %s" % (len(samples), min(samples), peak, at), file=sys.stderr)
if peak >= limit:
    print("RSS peak %d kB >= %d kB" % (peak, limit)); sys.exit(1)
later = at[-4:]
steps = [b - a for a, b in zip(later, later[1:])]
if all(d >= 150 for d in steps):
    print("RSS grew by >= 150 kB at each of the last 3 overflow cycles: %s (steps %s)" % (at, steps)); sys.exit(1)
if later[-1] - later[0] > 8 * 1024:
    print("RSS grew by %d kB over the last 3 overflow cycles: %s" % (later[-1] - later[0], at)); sys.exit(1)
PY

# Closing an overflowed connection must close its socket at once (Netdata
# close()s it): at any sample the node holds at most 3 connections to the
# parent (localhost, the current one, one being replaced).
conn_max=$(awk 'NF == 3 && $3 > m { m = $3 } END { print m + 0 }' "$T/rss.txt")
conn_series=$(awk 'NF == 3 { printf "%s ", $3 }' "$T/rss.txt" | tr -s ' ' | tail -c 300)
h_log "node->parent established connections, max $conn_max; samples: ...$conn_series"
if [ "$conn_max" -gt 3 ]; then
  bug "overflowed connections stay open: the node held $conn_max established connections to the non-reading parent (expected <= 3: localhost + current + one closing); per-sample counts: ...$conn_series"
fi

# ------------------------------------------------------------ the parent reads again
before_flag=$(overflows)
touch "$T/read.flag"
h_log "read flag set after $before_flag overflows"
latest_streams() { # HOST MIN_BEGINS -> the newest connection of HOST is open with >= MIN_BEGINS
  python3 - "$T/stall.json" "$1" "$2" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
if not s["flag"]:
    sys.exit(1)
cs = [c for c in s["conns"] if "hostname=%s&" % sys.argv[2] in c["request"]]
sys.exit(0 if cs and cs[-1]["open"] and cs[-1]["begins"] >= int(sys.argv[3]) else 1)
PY
}
h_wait_for -t 30 -m "the newest connection of $FAKE streams >= 3000 BEGIN lines after the flag" latest_streams "$FAKE" 3000
h_wait_for -t 20 -m "the node's localhost ($NODE) streams BEGIN lines after the flag" latest_streams "$NODE" 30
# ... and keeps streaming on that connection: 2 s later it is still open, with more rows
last_begins() {
  python3 - "$T/stall.json" "$FAKE" <<'PY'
import json, sys
cs = [c for c in json.load(open(sys.argv[1]))["conns"] if "hostname=%s&" % sys.argv[2] in c["request"]]
print("%d %d" % (cs[-1]["id"], cs[-1]["begins"]))
PY
}
read -r cid b0 < <(last_begins)
more_begins() { local c b; read -r c b < <(last_begins); [ "$c" = "$cid" ] && [ "$b" -ge $((b0 + 3000)) ]; }
h_wait_for -t 20 -m "3000 more BEGIN lines on connection $cid of $FAKE" more_begins
read -r cid2 b1 < <(last_begins)
h_assert_eq "$cid" "$cid2" "the streaming connection of $FAKE after the flag"
after_flag=$(overflows)
[ "$after_flag" -le $((before_flag + 1)) ] || h_fail "overflows continued after the parent read again ($before_flag -> $after_flag)"
h_log "after the flag: connection $cid, BEGIN lines $b0 -> $b1; overflows $before_flag -> $after_flag"
h_alive "$NPID" || h_fail "the node died"

# ------------------------------------------------------------ shutdown with data queued
# The stuck node's proxied connection has never been read: once its kernel
# Send-Q is full (>= 1 MB and not growing), everything else waits in the node.
stuck_q() { node_conns "$SPID" | awk '{print $2}'; }
q_full() { local a b; a=$(stuck_q); sleep 0.5; b=$(stuck_q); [ "$a" -ge 1000000 ] && [ "$b" -le $((a + 8192)) ]; }
h_wait_for -t 30 -m "the stuck node's Send-Q full (>= 1 MB, not growing)" q_full
grep -q "STREAM $STUCK_FAKE \[send to 127\.0\.0\.1:$SPORT\]: enabling metrics streaming" "$T/stuck/log/error.log" \
  || h_fail "the stuck node never streamed $STUCK_FAKE"
h_log "stuck node: connections/Send-Q $(node_conns "$SPID"); SIGTERM"
kill -TERM "$SPID"
t0=$(date +%s%N)
exited=0
for _ in $(seq 1 100); do
  if ! h_alive "$SPID"; then exited=1; break; fi
  sleep 0.1
done
if [ "$exited" = 0 ]; then
  h_log "stuck node still running 10 s after SIGTERM: connections/Send-Q $(node_conns "$SPID"); threads:" \
    "$(for t in /proc/"$SPID"/task/*; do printf '%s:%s ' "$(cat "$t/comm")" "$(cat "$t/wchan")"; done 2>/dev/null)"
  h_log "last log line: $(tail -n 1 "$T/stuck/log/error.log")"
  bug "tributary did not exit within 10 s of SIGTERM while data was queued for a parent that does not read (connections/Send-Q $(node_conns "$SPID"))"
else
  h_log "stuck node exited $(( ($(date +%s%N) - t0) / 1000000 )) ms after SIGTERM"
fi
if [ "${#BUGS[@]}" -gt 0 ]; then
  for b in "${BUGS[@]}"; do echo "BUG: $b" >&2; done
  h_fail "${#BUGS[@]} product bug(s) found (see BUG: lines)"
fi
h_pass
