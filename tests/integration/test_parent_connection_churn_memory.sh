#!/usr/bin/env bash
# Closed connections are freed (issue 16, finding 9): a parent that refused
# thousands of STREAM requests (wrong API key) and answered thousands of API
# requests, one connection each, does not keep their memory. Until the
# per-connection timers moved to the listener, every connection stayed in
# memory for good (~1.7 KB each plus its receiver, if any).
#
# Warm-up: WARMUP connections, then VmRSS; then CHURN more connections, wait
# for their first-request timers (5 s here) to pass, VmRSS again: the growth
# must stay below LIMIT_KB (CHURN x 1.7 KB would be ~10 MB).
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$H_HARNESS/tribconf.sh"

WARMUP=${WARMUP:-2000}
CHURN=${CHURN:-6000}
LIMIT_KB=${LIMIT_KB:-2048}
T=$(h_tmpdir)
KEY=$(cat /proc/sys/kernel/random/uuid)
PORT=$(h_free_port)
tc_instance "$T/p" churn-parent "127.0.0.1:$PORT"
cat >> "$T/p/conf/netdata.conf" <<CONF
[web]
    timeout for first request = 5
[health]
    enabled = no
CONF
printf '[%s]\n    enabled = yes\n    allow from = *\n' "$KEY" > "$T/p/conf/stream.conf"
tc_start parent "$T/p"
PID=$H_LAST_PID
h_wait_http "$PORT" /api/v1/info 20

# churn N: N connections one after the other, alternating a STREAM request
# with a key the parent does not know and an API request; each reads the
# answer until the parent closes
churn() {
  python3 - "$PORT" "$1" <<'PY'
import socket, sys, uuid
port, n = int(sys.argv[1]), int(sys.argv[2])
bad = str(uuid.uuid4())
answered = 0
for i in range(n):
    if i % 2 == 0:
        req = ("STREAM key=%s&hostname=churn-%d&registry_hostname=churn-%d&machine_guid=%s"
               "&update_every=1&os=linux&timezone=Etc/UTC&hops=1&tags=&ver=15352"
               " HTTP/1.1\r\nUser-Agent: netdata/v1.37.1\r\nAccept: */*\r\n\r\n"
               % (bad, i, i, uuid.uuid4())).encode()
    else:
        req = b"GET /api/v1/info HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(req)
    got = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        got += b
    s.close()
    if got:
        answered += 1
print(answered)
PY
}
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$PID/status"; }

n=$(churn "$WARMUP")
[ "$n" -eq "$WARMUP" ] || h_fail "warm-up: $n of $WARMUP connections answered"
sleep 6 # the 5 s first-request timers of the warm-up connections fire
before=$(rss_kb)
n=$(churn "$CHURN")
[ "$n" -eq "$CHURN" ] || h_fail "churn: $n of $CHURN connections answered"
sleep 6 # ... and those of the churn
after=$(rss_kb)
h_alive "$PID" || h_fail "the parent died"
h_log "VmRSS after $WARMUP warm-up connections: $before kB; after $CHURN more: $after kB (+$((after - before)) kB)"
[ $((after - before)) -lt "$LIMIT_KB" ] \
  || h_fail "VmRSS grew by $((after - before)) kB over $CHURN closed connections (limit $LIMIT_KB kB)"
h_pass
