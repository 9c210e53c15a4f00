#!/usr/bin/env bash
# netdata.conf [web] access lists: `allow connections from` (checked when a
# socket is accepted; loopback peers match `localhost`) and `allow streaming
# from` (checked on STREAM, answered with Netdata's 403 text).
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"

T=$(h_tmpdir)
KEY=$(cat /proc/sys/kernel/random/uuid)
write_conf() { # DIR PORT CONNECTIONS STREAMING
  mkdir -p "$1"
  cat > "$1/netdata.conf" <<CONF
[global]
    hostname = acl-parent
[db]
    mode = ram
[web]
    bind to = 127.0.0.1:$2
    allow connections from = $3
    allow streaming from = $4
[directories]
    log = $1/log
    cache = $1/cache
    lib = $1/lib
CONF
  printf '[%s]\n    enabled = yes\n' "$KEY" > "$1/stream.conf"
}

# 1. The API is open to localhost, streaming only to 10.*.
P1=$(h_free_port)
write_conf "$T/a" "$P1" "localhost" "10.*"
h_start a "$TRIBUTARY_BIN" run --config-dir "$T/a"
h_wait_http "$P1" /api/v1/info 20
python3 "$H_HARNESS/ndfakechild.py" --dest "127.0.0.1:$P1" --key "$KEY" \
  --hostname acl-child --reply-out "$T/reply.bin" --timeout 10 > "$T/fake.out" || true
h_assert_eq "You are not allowed to access this resource." "$(cat "$T/reply.bin")" \
  "STREAM refused by allow streaming from"
h_wait_log "$T/a/log/error.log" "not allowed to stream by \[web\] allow streaming from" 5

# 2. No connection at all from loopback.
P2=$(h_free_port)
write_conf "$T/b" "$P2" "10.*" "*"
h_start b "$TRIBUTARY_BIN" run --config-dir "$T/b"
h_wait_log "$T/b/log/error.log" "listening on \[127.0.0.1\]:$P2" 20
if curl -s -f --noproxy '*' -m 5 "http://127.0.0.1:$P2/api/v1/info" > /dev/null; then
  h_fail "a connection from 127.0.0.1 was served despite allow connections from = 10.*"
fi
h_wait_log "$T/b/log/error.log" "connection denied by \[web\] allow connections from" 5
h_pass
