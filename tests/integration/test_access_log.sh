#!/usr/bin/env bash
# access.log as Netdata 1.37.1 writes it: the same requests to a real Netdata
# parent and to tributary give lines of the same shape in each one's
# access.log ("<date>: <n>: <tid> '[localhost]:<port>' 'CONNECTED'", then
# 'DISCONNECTED', then 'DATA' (sent/all = B/B bytes -0%, prep/sent/total =
# x/y/z ms) <code> '<url>'), B being the body size the client got;
#   * `[logs] access = none` writes none; the 1.37.1 key `[global] access
#     log` names another file;
#   * logrotate: access.log renamed, SIGHUP, the next request goes to a new
#     access.log.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$H_HARNESS/tribconf.sh"

T=$(h_tmpdir)
NPORT=$(h_free_port)
TPORT=$(h_free_port)
NDPEER_PROC=none NDPEER_HOSTNAME=nd-access-$$ h_ndpeer parent "$NPORT" "$T/nd"
tc_instance "$T/trib" trib-access-$$ "127.0.0.1:$TPORT"
tc_start trib "$T/trib"
h_wait_http "$TPORT" /api/v1/info 20
bash "$H_NDPEER" wait-http "$NPORT" 30 || h_fail "the Netdata parent did not come up"

for port in "$NPORT" "$TPORT"; do
  for path in "/api/v1/info" "/api/v1/charts" "/api/v1/data?chart=no.such&after=-5" "/api/v1/nosuch"; do
    curl -s -o "$T/body" --noproxy '*' "http://127.0.0.1:$port$path" || true
    echo "$port $path $(stat -c %s "$T/body")" >> "$T/sizes"
  done
done

check_log() { # FILE PORT: every request of $T/sizes for PORT has its three lines
  python3 - "$1" "$2" "$T/sizes" <<'PY'
import re, sys
log, port, sizes = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(log, errors="replace").read()
head = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d: (\d+): \d+ '\[localhost\]:(\d+)' "
for line in open(sizes):
    p, path, size = line.split()
    if p != port:
        continue
    data = re.search(head + r"'DATA' \(sent/all = " + size + "/" + size +
                     r" bytes -0%, prep/sent/total = \d+\.\d\d/\d+\.\d\d/\d+\.\d\d ms\) (\d{3}) '"
                     + re.escape(path) + "'$", text, re.M)
    if not data:
        sys.exit(f"{log}: no DATA line for {path} ({size} bytes)")
    n, peer = data.group(1), data.group(2)
    for what in ("CONNECTED", "DISCONNECTED"):
        if not re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d: " + n + r": \d+ '\[localhost\]:"
                         + peer + "' '" + what + "'$", text, re.M):
            sys.exit(f"{log}: no {what} line for request {n} ({path})")
    print(f"{path}: {data.group(3)}", file=sys.stderr)
PY
}
h_wait_for -t 10 -m "Netdata's access.log has every request" check_log "$T/nd/log/access.log" "$NPORT"
h_wait_for -t 10 -m "tributary's access.log has every request" check_log "$T/trib/log/access.log" "$TPORT"

# logrotate
mv "$T/trib/log/access.log" "$T/trib/log/access.log.1"
kill -HUP "$(h_pid trib)"
h_wait_log "$T/trib/log/error.log" "SIGHUP received" 10
h_http_get "http://127.0.0.1:$TPORT/api/v1/info?after-rotate=1" > /dev/null
h_wait_for -t 10 -m "a new access.log after SIGHUP" grep -q "after-rotate=1" "$T/trib/log/access.log"
if grep -q "after-rotate" "$T/trib/log/access.log.1"; then h_fail "the rotated file got the new line"; fi
h_stop "$(h_pid trib)"

# none, and the 1.37.1 key
for conf in "[logs]
    access = none" "[global]
    access log = $T/trib/log/other-access.log"; do
  rm -f "$T/trib/log/access.log"
  cp "$T/trib/conf/netdata.conf" "$T/netdata.conf.orig" 2>/dev/null || true
  printf '%s\n' "$conf" >> "$T/trib/conf/netdata.conf"
  tc_start trib2 "$T/trib"
  h_wait_http "$TPORT" "/api/v1/info?probe=1" 20
  h_stop "$(h_pid trib2)"
  [ ! -e "$T/trib/log/access.log" ] || h_fail "access.log written with: $conf"
  cp "$T/netdata.conf.orig" "$T/trib/conf/netdata.conf"
done
h_assert_contains "$(cat "$T/trib/log/other-access.log")" "'/api/v1/info?probe=1'" "[global] access log file"
h_pass
