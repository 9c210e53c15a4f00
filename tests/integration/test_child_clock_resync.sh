#!/usr/bin/env bash
# `[stream] initial clock resync iterations`: after a chart definition the
# child sends that many BEGIN lines without microseconds (the parent then
# syncs the chart to its own clock), then BEGIN with the microseconds since
# the previous collection, as a 1.37.1 child does.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

T=$(h_tmpdir)
PPORT=$(h_free_port)
CPORT=$(h_free_port)
KEY=$(cat /proc/sys/kernel/random/uuid)

# A minimal parent: grants VCAPS|HLABELS|CLAIM|CLABELS|FUNCTIONS|BINARY (no
# replication, no compression) and records the BEGIN lines of system.uptime.
cat > "$T/parent.py" <<'PY'
import socket, sys, time
port, out = int(sys.argv[1]), sys.argv[2]
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port)); srv.listen(1); srv.settimeout(30)
conn, _ = srv.accept(); conn.settimeout(1)
buf = b""
while b"\r\n\r\n" not in buf:
    buf += conn.recv(8192)
conn.sendall(b"Hit me baby, push them over with the version=11200")
data, deadline = b"", time.time() + 25
while time.time() < deadline and data.count(b'BEGIN "system.uptime"') < 6:
    try:
        chunk = conn.recv(65536)
    except socket.timeout:
        continue
    if not chunk:
        break
    data += chunk
with open(out, "w") as f:
    for line in data.decode(errors="replace").splitlines():
        if line.startswith('BEGIN "system.uptime"'):
            f.write(line + "\n")
conn.close(); srv.close()
PY
h_start parent python3 "$T/parent.py" "$PPORT" "$T/begins.txt"
tc_instance "$T/c" resync-child "127.0.0.1:$CPORT"
cat > "$T/c/conf/stream.conf" <<CONF
[stream]
    enabled = yes
    destination = 127.0.0.1:$PPORT
    api key = $KEY
    enable compression = no
    initial clock resync iterations = 3
CONF
tc_start child "$T/c"
h_wait_for -t 40 -m "6 BEGIN lines of system.uptime" \
  bash -c "[ -s '$T/begins.txt' ] && [ \$(wc -l < '$T/begins.txt') -ge 6 ]"
mapfile -t begins < "$T/begins.txt"
for i in 0 1 2; do
  h_assert_eq 'BEGIN "system.uptime"' "${begins[$i]}" "BEGIN #$((i + 1)) syncs the clock"
done
for i in 3 4 5; do
  [[ "${begins[$i]}" =~ ^BEGIN\ \"system.uptime\"\ [0-9]+$ ]] \
    || h_fail "BEGIN #$((i + 1)) carries no microseconds: '${begins[$i]}'"
done
h_pass
