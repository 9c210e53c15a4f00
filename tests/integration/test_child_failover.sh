#!/usr/bin/env bash
# A tributary child with `destination = 127.0.0.1:A 127.0.0.1:B` and
# `reconnect delay seconds = 1`:
#   * streams to A (the first destination) and A mirrors it;
#   * A is stopped: the child's link to B is established within reconnect
#     delay + 7 s and B mirrors it (reachable, fresh system.uptime); its log shows "attempting to connect to
#     '127.0.0.1:A'", the established link to A, the failed retry of A, then
#     "attempting to connect to '127.0.0.1:B'" and the established link to B;
#     the child is still running (no crash).
# Other destination kinds, each with its own child:
#   * unix:PATH - twice: a tributary parent with `bind to = unix:PATH
#     127.0.0.1:PORT`, and a real Netdata 1.37.1 parent bound the same way;
#     each must mirror its child, and the child must log the established link
#     over unix:PATH;
#   * [::1]:PORT - a tributary parent with `bind to = [::1]:PORT` mirrors it.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$H_HARNESS/tribconf.sh"

KEY=$(cat /proc/sys/kernel/random/uuid)
T=$(h_tmpdir)
APORT=$(h_free_port); BPORT=$(h_free_port); CPORT=$(h_free_port)
CHILD=fo-child-$$

parent_conf() { # DIR
  cat > "$1/conf/stream.conf" <<CONF
[$KEY]
    enabled = yes
    allow from = *
    default memory mode = ram
CONF
}

mirrors() { # BASE HOST -> true when BASE lists HOST reachable with fresh uptime
  local f=$T/info-$RANDOM.json
  tc_info_json "$1" "$f" || return 1
  [ "$(tc_hops "$f" "$2")" = "true 1" ] || return 1
  h_http_get "$1/host/$2/api/v1/data?chart=system.uptime&after=-3&format=json" > "$f.up" || return 1
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if any(r[1] for r in d["data"]) else 1)' "$f.up"
}

# ------------------------------------------------------------ A and B
for p in A B; do
  mkdir -p "$T/$p/conf"; parent_conf "$T/$p"
done
tc_instance "$T/A" "fo-parent-a-$$" "127.0.0.1:$APORT"
tc_instance "$T/B" "fo-parent-b-$$" "127.0.0.1:$BPORT"
tc_start parentA "$T/A"; PA=$H_LAST_PID
tc_start parentB "$T/B"
h_wait_http "$APORT" /api/v1/info 20
h_wait_http "$BPORT" /api/v1/info 20

tc_instance "$T/child" "$CHILD" "127.0.0.1:$CPORT"
cat > "$T/child/conf/stream.conf" <<CONF
[stream]
    enabled = yes
    destination = 127.0.0.1:$APORT tcp:127.0.0.1:$BPORT
    api key = $KEY
    reconnect delay seconds = 1
    timeout seconds = 10
CONF
tc_start child "$T/child"; CPID=$H_LAST_PID
CLOG=$T/child/log/error.log

h_wait_for -t 30 -m "parent A mirrors $CHILD" mirrors "http://127.0.0.1:$APORT" "$CHILD"
h_wait_log "$CLOG" "STREAM $CHILD: attempting to connect to '127\.0\.0\.1:$APORT' \(default port: [0-9]+\)\.\.\." 5
h_wait_log "$CLOG" "STREAM $CHILD \[send to 127\.0\.0\.1:$APORT\]: established link with negotiated capabilities" 5
if grep -q "send to 127\.0\.0\.1:$BPORT\]: established" "$CLOG"; then
  h_fail "the child connected to B while A was up"
fi

# ------------------------------------------------------------ stop A
h_stop "$PA" 10
h_log "parent A stopped"
t0=$(date +%s%N)
h_wait_log "$CLOG" "STREAM $CHILD \[send to 127\.0\.0\.1:$BPORT\]: established link with negotiated capabilities" 8
h_log "link to B established $(( ($(date +%s%N) - t0) / 1000000 )) ms after A exited"
h_wait_for -t 20 -m "parent B mirrors $CHILD with fresh system.uptime" mirrors "http://127.0.0.1:$BPORT" "$CHILD"
h_log "B has fresh data $(( ($(date +%s%N) - t0) / 1000000 )) ms after A exited"
h_wait_log "$CLOG" "STREAM $CHILD: attempting to connect to '127\.0\.0\.1:$BPORT' \(default port: [0-9]+\)\.\.\." 5
h_wait_log "$CLOG" "STREAM $CHILD \[send to 127\.0\.0\.1:$BPORT\]: enabling metrics streaming\.\.\." 5
# order: the retry started from A (the first destination), then B
python3 - "$CLOG" "$APORT" "$BPORT" "$CHILD" <<'PY' || h_fail "child log does not show A established, A retried, then B established (see $CLOG)"
import re, sys
log, a, b, child = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
lines = open(log, errors="replace").read().splitlines()
def first(rx, start=0):
    for i in range(start, len(lines)):
        if re.search(rx, lines[i]):
            return i
    return None
est_a = first(r"\[send to 127\.0\.0\.1:%s\]: established link" % a)
assert est_a is not None
retry_a = first(r"STREAM %s: attempting to connect to '127\.0\.0\.1:%s'" % (re.escape(child), a), est_a + 1)
assert retry_a is not None, "no retry of A"
try_b = first(r"STREAM %s: attempting to connect to '127\.0\.0\.1:%s'" % (re.escape(child), b), retry_a + 1)
assert try_b is not None, "no attempt of B after A"
est_b = first(r"\[send to 127\.0\.0\.1:%s\]: established link" % b, try_b + 1)
assert est_b is not None
PY
h_alive "$CPID" || h_fail "the child died during failover"
h_wait_for -t 10 -m "child still streams to B" mirrors "http://127.0.0.1:$BPORT" "$CHILD"

# ------------------------------------------------------------ unix: destination
SOCK=$T/p.sock
UPORT=$(h_free_port)
NDPEER_PROC=none NDPEER_HOSTNAME=fo-nd-unix-$$ NDPEER_EXTRA_CONF="[web]
    bind to = unix:$SOCK 127.0.0.1:$UPORT" h_ndpeer parent "$UPORT" "$T/ndunix" "$KEY"
bash "$H_NDPEER" wait-http "$UPORT" 40 || h_fail "netdata parent (unix + tcp) did not start"
h_wait_for -t 10 -m "netdata listens on unix:$SOCK" test -S "$SOCK"
UCHILD=fo-unix-$$
tc_instance "$T/uchild" "$UCHILD" "127.0.0.1:$(h_free_port)"
cat > "$T/uchild/conf/stream.conf" <<CONF
[stream]
    enabled = yes
    destination = unix:$SOCK
    api key = $KEY
    reconnect delay seconds = 1
CONF
tc_start uchild "$T/uchild"

# unix: a tributary parent
TSOCK=$T/t.sock
TUPORT=$(h_free_port)
mkdir -p "$T/TU/conf"; parent_conf "$T/TU"
tc_instance "$T/TU" "fo-parent-tunix-$$" "unix:$TSOCK 127.0.0.1:$TUPORT"
tc_start parentTU "$T/TU"
h_wait_http "$TUPORT" /api/v1/info 20
h_wait_for -t 10 -m "tributary listens on unix:$TSOCK" test -S "$TSOCK"
TUCHILD=fo-tunix-$$
tc_instance "$T/tuchild" "$TUCHILD" "127.0.0.1:$(h_free_port)"
cat > "$T/tuchild/conf/stream.conf" <<CONF
[stream]
    enabled = yes
    destination = unix:$TSOCK
    api key = $KEY
    reconnect delay seconds = 1
CONF
tc_start tuchild "$T/tuchild"

# ------------------------------------------------------------ [::1]:PORT destination
V6PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0)); print(s.getsockname()[1])')
mkdir -p "$T/V6/conf"; parent_conf "$T/V6"
tc_instance "$T/V6" "fo-parent-v6-$$" "[::1]:$V6PORT"
tc_start parentV6 "$T/V6"
h_wait_for -t 20 -m "tributary parent on [::1]:$V6PORT" h__http_ok "http://[::1]:$V6PORT/api/v1/info"
VCHILD=fo-v6-$$
tc_instance "$T/vchild" "$VCHILD" "127.0.0.1:$(h_free_port)"
cat > "$T/vchild/conf/stream.conf" <<CONF
[stream]
    enabled = yes
    destination = [::1]:$V6PORT
    api key = $KEY
    reconnect delay seconds = 1
CONF
tc_start vchild "$T/vchild"

# unix: the real parent mirrors the child, and the child says it went over unix:
h_wait_for -t 30 -m "netdata parent mirrors $UCHILD (over unix:$SOCK)" mirrors "http://127.0.0.1:$UPORT" "$UCHILD"
h_wait_log "$T/uchild/log/error.log" "STREAM $UCHILD: attempting to connect to 'unix:$SOCK'" 5
h_wait_log "$T/uchild/log/error.log" "STREAM $UCHILD \[send to unix:$SOCK\]: established link with negotiated capabilities" 5
h_wait_for -t 30 -m "tributary parent mirrors $TUCHILD (over unix:$TSOCK)" mirrors "http://127.0.0.1:$TUPORT" "$TUCHILD"
h_wait_log "$T/tuchild/log/error.log" "STREAM $TUCHILD \[send to unix:$TSOCK\]: established link with negotiated capabilities" 5
# IPv6
h_wait_for -t 30 -m "tributary parent on [::1] mirrors $VCHILD" mirrors "http://[::1]:$V6PORT" "$VCHILD"
h_wait_log "$T/vchild/log/error.log" "STREAM $VCHILD \[send to \[::1\]:$V6PORT\]: established link with negotiated capabilities" 5

for n in child uchild tuchild vchild parentB parentTU parentV6; do
  h_alive "$(h_pid $n)" || h_fail "$n died"
done
h_pass
