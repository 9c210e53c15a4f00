#!/usr/bin/env bash
# A real Netdata 1.37.1 child streaming to a tributary parent dies (SIGKILL)
# and comes back with the same machine GUID and directory:
#   * tributary logs "read failed: end of file" and "disconnected (completed
#     N updates)." (N > 0) for it, and marks the host unreachable;
#   * the restarted child is accepted again (no "already streaming" refusal on
#     either side), /api/v1/info shows it reachable, and new system.uptime
#     data arrives (/api/v1/chart last_entry passes the one before the kill,
#     /api/v1/data rows after the restart increase).
# Then a fake child that sends an unknown command (BOGUS 1 2) right after its
# handshake is disconnected by the parent, while the real child on the same
# parent keeps streaming (its last_entry keeps advancing).
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

KEY=$(cat /proc/sys/kernel/random/uuid)
GUID=$(cat /proc/sys/kernel/random/uuid)
BOGUS_GUID=$(cat /proc/sys/kernel/random/uuid)
HOST=recon-child-$$
BOGUS_HOST=recon-bogus-$$
BADSET_GUID=$(cat /proc/sys/kernel/random/uuid)
BADSET_HOST=recon-badset-$$
TPORT=$(h_free_port)
T=$(h_tmpdir)
BASE=http://127.0.0.1:$TPORT

tc_instance "$T/trib" recon-parent-$$ "127.0.0.1:$TPORT"
cat > "$T/trib/conf/stream.conf" <<CONF
[$KEY]
    enabled = yes
    allow from = *
    default memory mode = ram
CONF
h_start tributary "$TRIBUTARY_BIN" run --config-dir "$T/trib/conf"
h_wait_http "$TPORT" /api/v1/info 20
TLOG=$T/trib/log/error.log
h_wait_for -t 10 -m "tributary error.log" test -f "$TLOG"

RECEIVING="STREAM $HOST \[receive from .*\] ?: receiving metrics\.\.\."
receivers() { grep -cE "$RECEIVING" "$TLOG" || true; }

last_entry() { # -> last_entry of the child's system.uptime (0 if unknown)
  h_http_get "$BASE/host/$HOST/api/v1/chart?chart=system.uptime" \
    | python3 -c 'import json,sys; print(int(json.load(sys.stdin).get("last_entry") or 0))' 2>/dev/null \
    || echo 0
}
reachable() { # HOSTNAME -> prints true|false|missing from mirrored_hosts_status
  h_http_get "$BASE/api/v1/info" | python3 -c '
import json, sys
s = [x for x in json.load(sys.stdin)["mirrored_hosts_status"] if x["hostname"] == sys.argv[1]]
print(json.dumps(s[0]["reachable"]) if s else "missing")' "$1" 2>/dev/null || echo error
}
is_reachable() { [ "$(reachable "$1")" = "$2" ]; }
after() { [ "$(last_entry)" -gt "$1" ]; }

# ------------------------------------------------ first life of the child
NDPEER_PROC=small NDPEER_HOSTNAME=$HOST h_ndpeer child 0 "$T/child" "127.0.0.1:$TPORT" "$KEY" "$GUID"
CHILD=$H_LAST_PID
h_wait_log "$TLOG" "$RECEIVING" 20
h_wait_for -t 20 -m "$HOST reachable" is_reachable "$HOST" true
h_wait_for -t 20 -m "system.uptime of $HOST on tributary" after 0
first=$(last_entry)
h_wait_for -t 10 -m "$HOST's last_entry advancing (first life)" after "$((first + 1))"
h_log "first life: last_entry $first -> $(last_entry)"

# ------------------------------------------------ SIGKILL the child
# The agent's helpers (spawn server) share its session; remember them so they
# can be ended by pid once the agent itself is gone.
helpers=$(ps -e -o pid=,sid= | awk -v s="$CHILD" '$2 == s && $1 != s { print $1 }')
[ "$(cat "/proc/$CHILD/comm" 2>/dev/null)" = netdata ] || h_fail "pid $CHILD is not the netdata child"
kill -KILL "$CHILD"
for p in $helpers; do
  if [ "$(ps -o sid= -p "$p" 2>/dev/null | tr -d ' ')" = "$CHILD" ]; then kill -KILL "$p" 2>/dev/null || true; fi
done
gone() { ! h_alive "$CHILD"; }
h_wait_for -t 10 -m "the killed child is gone" gone
before_kill=$(last_entry)

h_wait_log "$TLOG" "STREAM $HOST \[receive from .*\] ?: read failed: end of file" 15
h_wait_log "$TLOG" "STREAM $HOST \[receive from .*\] ?: disconnected \(completed [0-9]+ updates\)\." 10
updates=$(grep -oE "STREAM $HOST \[receive from .*\] ?: disconnected \(completed [0-9]+ updates\)" "$TLOG" \
  | tail -1 | grep -oE '[0-9]+ updates' | grep -oE '[0-9]+')
[ "${updates:-0}" -gt 0 ] || h_fail "the receiver completed $updates updates before the kill"
H_PASSED=$((H_PASSED + 1))
h_wait_for -t 10 -m "$HOST unreachable after the kill" is_reachable "$HOST" false
h_log "child killed: $updates updates, last_entry $before_kill, reachable=false"

# ------------------------------------------------ second life, same GUID and dir
NDPEER_PROC=small NDPEER_HOSTNAME=$HOST h_ndpeer child 0 "$T/child" "127.0.0.1:$TPORT" "$KEY" "$GUID"
two_receivers() { [ "$(receivers)" -ge 2 ]; }
h_wait_for -t 30 -m "a second 'receiving metrics...' for $HOST" two_receivers
h_wait_for -t 20 -m "$HOST reachable again" is_reachable "$HOST" true
h_wait_for -t 20 -m "new system.uptime data after the reconnect" after "$((before_kill + 2))"
if grep -qE "multiple connections for same host|REJECTED - ALREADY CONNECTED" "$TLOG"; then
  h_fail "tributary refused the restarted child: $(grep -E 'multiple connections|ALREADY' "$TLOG" | head -3)"
fi
if grep -q "remote server rejected this stream" "$T/child/log/error.log"; then
  h_fail "the restarted child was rejected: $(grep 'rejected this stream' "$T/child/log/error.log" | head -2)"
fi
h_assert_eq 2 "$(receivers)" "receivers started for $HOST"
new_rows_increase() { # rows newer than the kill: at least 3, uptime increasing
  h_http_get "$BASE/host/$HOST/api/v1/data?chart=system.uptime&after=-10&format=json" > "$T/uptime2.json" \
    || return 1
  python3 - "$T/uptime2.json" "$before_kill" <<'PY'
import json, sys
rows = sorted((r for r in json.load(open(sys.argv[1]))["data"] if r[1] is not None), key=lambda r: r[0])
new = [r for r in rows if r[0] > int(sys.argv[2])]
vals = [r[1] for r in new]
sys.exit(0 if len(new) >= 3 and all(b > a for a, b in zip(vals, vals[1:])) else 1)
PY
}
h_wait_for -t 15 -m "3 increasing system.uptime rows after the reconnect" new_rows_increase
H_PASSED=$((H_PASSED + 1))
h_log "second life: accepted, last_entry $(last_entry)"

# ------------------------------------------------ unknown command from a fake child
# fake_child GUID HOST LINE: streams LINE after the handshake; exits 0 once the
# parent closed the connection.
fake_child() {
python3 - "$TPORT" "$KEY" "$1" "$2" "$3" <<'PY'
import socket, sys, time
port, key, guid, host, line = sys.argv[1:]
req = ("STREAM key=%s&hostname=%s&registry_hostname=%s&machine_guid=%s&update_every=1&os=linux"
       "&timezone=Etc/UTC&abbrev_timezone=UTC&utc_offset=0&hops=1&ml_capable=0&ml_enabled=0&mc_version=0"
       "&tags=&ver=15352&NETDATA_SYSTEM_OS_NAME=unknown&NETDATA_HOST_IS_K8S_NODE=false"
       "&NETDATA_SYSTEM_KERNEL_NAME=Linux&NETDATA_SYSTEM_ARCHITECTURE=x86_64&NETDATA_PROTOCOL_VERSION=1.1"
       " HTTP/1.1\r\nUser-Agent: netdata/v1.37.1\r\nAccept: */*\r\n\r\n" % (key, host, host, guid))
s = socket.create_connection(("127.0.0.1", int(port)), timeout=10)  # loopback only
s.sendall(req.encode())
reply = s.recv(1024)
print("reply:", reply)
if not reply.startswith(b"Hit me baby, push them over with the version="):
    sys.exit(1)
time.sleep(0.3)
s.sendall(line.encode() + b"\n")
deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    s.settimeout(max(0.1, deadline - time.monotonic()))
    try:
        data = s.recv(65536)
    except socket.timeout:
        break
    except ConnectionError:
        data = b""
    if not data:
        print("closed: yes")
        sys.exit(0)
    print("after:", data)
print("closed: no")
sys.exit(1)
PY
}
fake_child "$BOGUS_GUID" "$BOGUS_HOST" "BOGUS 1 2" > "$T/bogus.out" 2>&1 \
  || h_fail "bogus child: $(cat "$T/bogus.out")"
h_assert_contains "$(cat "$T/bogus.out")" "closed: yes" "the parent disconnects a child that sends BOGUS"
h_wait_log "$TLOG" "STREAM $BOGUS_HOST \[receive from .*\] ?: disconnected \(completed [0-9]+ updates\)\." 10
h_wait_for -t 10 -m "$BOGUS_HOST unreachable" is_reachable "$BOGUS_HOST" false
# the real child is unaffected
mark=$(last_entry)
h_wait_for -t 15 -m "$HOST's data keeps advancing after the BOGUS child was dropped" after "$((mark + 2))"
h_assert_eq 2 "$(receivers)" "receivers for $HOST (no reconnect caused by the BOGUS child)"
h_assert_eq true "$(reachable "$HOST")" "$HOST reachable after the BOGUS child"
h_log "bogus child dropped; $HOST last_entry $mark -> $(last_entry)"

# Netdata 1.37.1 drops the link without naming the keyword; if tributary names
# it ("sent command 'X' which is not known by netdata"), X must be the keyword.
if grep -q "STREAM $BOGUS_HOST .*sent command '" "$TLOG"; then
  grep -qE "STREAM $BOGUS_HOST .*sent command 'BOGUS' which is not known by netdata" "$TLOG" \
    || h_fail "the unknown-command log line does not name the command 'BOGUS': $(grep "sent command" "$TLOG")"
fi

# ------------------------------------------------ a line that does not parse
# The log names the line itself: a stream changed on the way reads differently
# from a peer that sends what the parent does not understand.
fake_child "$BADSET_GUID" "$BADSET_HOST" 'SET "d7" = 427d81' > "$T/badset.out" 2>&1 \
  || h_fail "bad SET child: $(cat "$T/badset.out")"
h_wait_log "$TLOG" "STREAM $BADSET_HOST .*cannot parse line 1 'SET \"d7\" = 427d81': .*not an integer.*Disabling it" 10

h_pass
