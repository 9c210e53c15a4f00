#!/usr/bin/env bash
# The harness end to end with the real agent: a Netdata 1.37.1 parent and
# child from tests/harness/ndpeer.sh on free loopback ports; the parent must
# list the child in /api/v1/info mirrored_hosts and the child must log that it
# connected.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"

KEY=$(cat /proc/sys/kernel/random/uuid)
CHILD_GUID=$(cat /proc/sys/kernel/random/uuid)
CHILD_HOST=selftest-child-$$
PPORT=$(h_free_port)
CPORT=$(h_free_port)
T=$(h_tmpdir)

NDPEER_HOSTNAME=selftest-parent h_ndpeer parent "$PPORT" "$T/parent" "$KEY"
bash "$H_NDPEER" wait-http "$PPORT" 30 || h_fail "parent web server did not come up"

NDPEER_HOSTNAME=$CHILD_HOST \
  h_ndpeer child "$CPORT" "$T/child" "127.0.0.1:$PPORT" "$KEY" "$CHILD_GUID"
h_wait_http "$CPORT" /api/v1/info 30

# mirrored_hosts of the parent names the child (and is reachable)
child_mirrored() {
  h_http_get "http://127.0.0.1:$PPORT/api/v1/info" > "$T/info.json" || return 1
  python3 - "$T/info.json" "$CHILD_HOST" "$CHILD_GUID" <<'EOF'
import json, sys
info = json.load(open(sys.argv[1]))
status = {h["guid"]: h for h in info.get("mirrored_hosts_status", [])}
ok = (sys.argv[2] in info.get("mirrored_hosts", [])
      and status.get(sys.argv[3], {}).get("reachable") is True)
sys.exit(0 if ok else 1)
EOF
}
h_wait_for -t 40 -m "$CHILD_HOST in the parent's mirrored_hosts" child_mirrored
h_assert_contains "$(cat "$T/info.json")" "\"$CHILD_HOST\"" "parent mirrored_hosts"

# the child logs the established connection
h_wait_log "$T/child/log/error.log" \
  "STREAM $CHILD_HOST \[send to 127\.0\.0\.1:$PPORT\]: established link with negotiated capabilities" 20
# and the parent's error.log the accepted one
h_wait_log "$T/parent/log/error.log" \
  "STREAM $CHILD_HOST \[receive from .*\]: established link" 20

h_pass
