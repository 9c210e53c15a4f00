#!/usr/bin/env bash
# Hardening, finding 6 (descriptor exhaustion): the parent runs with a limit
# of 256 descriptors and a client holds 400 idle sockets to it, opening a new
# one for every one the parent closes (so the parent stays at its limit).
# Before, CAF's doorman spun on the readable listening socket (85-100 % CPU,
# no log line, the API unreachable). Now:
#   * one "POLLFD: LISTENER: accept() ... failed: Too many open files" line;
#   * the parent's CPU over 10 s (utime+stime, /proc/PID/stat) below 20 % of
#     a core;
#   * while the idle sockets hold it at its limit, /api/v1/info answers (the
#     parent makes room by closing connections that sent no request; before,
#     a request waited behind every idle socket in the accept queue);
#   * a child that was streaming before keeps a value for every second;
#   * once the idle sockets are closed, the API answers again and the
#     listener logs that it accepts again.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

KEY=$(cat /proc/sys/kernel/random/uuid)
TPORT=$(h_free_port)
T=$(h_tmpdir)
BASE=http://127.0.0.1:$TPORT
GOOD=fd-good-$$
IDLE=${IDLE:-400}

tc_instance "$T/trib" fd-parent-$$ "127.0.0.1:$TPORT"
cat > "$T/trib/conf/stream.conf" <<CONF
[$KEY]
    enabled = yes
    allow from = *
    default memory mode = ram
CONF
h_start tributary prlimit --nofile=256:256 "$TRIBUTARY_BIN" run --config-dir "$T/trib/conf"
PARENT=$H_LAST_PID
h_wait_http "$TPORT" /api/v1/info 20
TLOG=$T/trib/log/error.log
[ "$(awk '/Max open files/ { print $4 }' "/proc/$PARENT/limits")" = 256 ] \
  || h_fail "the parent does not run with 256 descriptors: $(grep 'Max open files' "/proc/$PARENT/limits")"

h_start good python3 "$H_HARNESS/ndfakechild.py" --dest "127.0.0.1:$TPORT" --key "$KEY" \
  --hostname "$GOOD" --charts 1 --dims 1 --iterations 120 --interval 1 --expect-accept
good_rows() {
  h_http_get "$BASE/host/$GOOD/api/v1/data?chart=fake.c0&after=-5&format=json" 2>/dev/null \
    | python3 -c 'import json,sys; sys.exit(0 if any(r[1] is not None for r in json.load(sys.stdin)["data"]) else 1)'
}
h_wait_for -t 20 -m "data of $GOOD" good_rows

# The idle sockets: connect, send nothing, hold until $T/release exists.
t_start=$(date +%s)
cat > "$T/idle.py" <<'PY'
import resource, select, socket, sys, time, os
port, n, release = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n + 64)), hard))
def connect():
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", port))
        return s
    except OSError:
        s.close()
        return None
socks, failed, reopened = {}, 0, 0
for _ in range(n):
    s = connect()
    if s is None:
        failed += 1
    else:
        socks[s.fileno()] = s
print("open: %d failed: %d" % (len(socks), failed), flush=True)
# Every socket the parent closes is replaced at once.
poller = select.poll()
for fd in socks:
    poller.register(fd, select.POLLIN)
deadline = time.monotonic() + 150
while not os.path.exists(release) and time.monotonic() < deadline:
    for fd, _ in poller.poll(200):
        poller.unregister(fd)
        socks.pop(fd).close()
        s = connect()
        if s is not None:
            reopened += 1
            socks[s.fileno()] = s
            poller.register(s.fileno(), select.POLLIN)
for s in socks.values():
    s.close()
print("closed (%d reopened)" % reopened, flush=True)
PY
h_start idle python3 "$T/idle.py" "$TPORT" "$IDLE" "$T/release"
IDLEPID=$H_LAST_PID
ACCEPT_FAILED="POLLFD: LISTENER: accept\(\) on .* failed: Too many open files"
h_wait_log "$TLOG" "$ACCEPT_FAILED" 30
h_wait_for -t 60 -m "the idle sockets opened" grep -q "^open:" "$T/idle.out"
h_log "idle sockets: $(cat "$T/idle.out")"

hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$PARENT/stat"; }
c0=$(cpu_ticks); n0=$(date +%s%N)
sleep 10
c1=$(cpu_ticks); n1=$(date +%s%N)
pct=$(( (c1 - c0) * 100 * 1000000000 / hz / (n1 - n0) ))
h_log "out of descriptors: parent CPU ${pct} % of a core over 10 s"
[ "$pct" -lt 20 ] || h_fail "the parent used ${pct} % of a core while out of descriptors"
H_PASSED=$((H_PASSED + 1))
h_assert_eq 1 "$(grep -cE "$ACCEPT_FAILED" "$TLOG")" "accept() failure lines"

# The API while the idle sockets hold every descriptor.
[ ! -e "$T/release" ] && grep -q "^open:" "$T/idle.out" && ! grep -q "^closed" "$T/idle.out" \
  || h_fail "the idle sockets are not held any more"
a0=$(date +%s%N)
curl -s --noproxy '*' --max-time 15 -o "$T/info.json" -w '%{http_code}' "$BASE/api/v1/info" > "$T/info.code" \
  || h_fail "/api/v1/info got no answer while out of descriptors (curl: $?)"
h_log "out of descriptors: /api/v1/info answered in $(( ($(date +%s%N) - a0) / 1000000 )) ms"
h_assert_eq 200 "$(cat "$T/info.code")" "HTTP status of /api/v1/info while out of descriptors"
python3 - "$T/info.json" "$GOOD" <<'PY' || h_fail "/api/v1/info while out of descriptors: $(head -c 300 "$T/info.json")"
import json, sys
info = json.load(open(sys.argv[1]))
sys.exit(0 if sys.argv[2] in info["mirrored_hosts"] else 1)
PY
H_PASSED=$((H_PASSED + 1))
grep -q "accepting on .* again" "$TLOG" && h_log "note: exhaustion was over before the API request"

: > "$T/release"
h_wait_for -t 30 -m "the idle sockets closed" grep -q "^closed" "$T/idle.out"
h_log "idle sockets: $(tail -1 "$T/idle.out")"
t_end=$(date +%s)
h_wait_http "$TPORT" /api/v1/info 30
h_wait_log "$TLOG" "POLLFD: LISTENER: accepting on .* again" 30

# Every second of the exhaustion has a value of the good child.
h_http_get "$BASE/host/$GOOD/api/v1/data?chart=fake.c0&after=$t_start&before=$t_end&format=json" > "$T/good.json"
python3 - "$T/good.json" "$((t_start + 1))" "$((t_end - 1))" <<'PY' || h_fail "the streaming child lost seconds while descriptors were exhausted"
import json, sys
rows = json.load(open(sys.argv[1]))["data"]
lo, hi = int(sys.argv[2]), int(sys.argv[3])
have = {r[0] for r in rows if r[1] is not None}
missing = [t for t in range(lo, hi + 1) if t not in have]
print("good child: %d seconds checked, missing %s" % (hi - lo + 1, missing[:20]), file=sys.stderr)
sys.exit(1 if missing else 0)
PY
H_PASSED=$((H_PASSED + 1))
h_pass
