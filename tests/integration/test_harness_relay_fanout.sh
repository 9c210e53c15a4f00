#!/usr/bin/env bash
# tests/harness/ndrelay.py with real agents: one real Netdata 1.37.1 child
# streams through the relay, which forwards to parent A and fans the same bytes
# out to parent B (B's replies are discarded). Both parents must mirror the
# child, and the tee files must hold the handshake of each side.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"

KEY=$(cat /proc/sys/kernel/random/uuid)
CHILD_GUID=$(cat /proc/sys/kernel/random/uuid)
CHILD_HOST=relay-child-$$
APORT=$(h_free_port)
BPORT=$(h_free_port)
T=$(h_tmpdir)

NDPEER_HOSTNAME=parent-a h_ndpeer parent "$APORT" "$T/a" "$KEY"
NDPEER_HOSTNAME=parent-b h_ndpeer parent "$BPORT" "$T/b" "$KEY"
bash "$H_NDPEER" wait-http "$APORT" 30 || h_fail "parent A did not come up"
bash "$H_NDPEER" wait-http "$BPORT" 30 || h_fail "parent B did not come up"

h_start relay python3 "$H_HARNESS/ndrelay.py" --listen 127.0.0.1:0 --port-file "$T/relay.port" \
  --upstream "127.0.0.1:$APORT" --upstream2 "127.0.0.1:$BPORT" --tee "$T/tee"
h_wait_for -t 10 -m "relay port file" test -s "$T/relay.port"
RPORT=$(cat "$T/relay.port")

# web port 0: the child needs no web server here
NDPEER_HOSTNAME=$CHILD_HOST h_ndpeer child 0 "$T/child" "127.0.0.1:$RPORT" "$KEY" "$CHILD_GUID"

mirrors_child() { # PORT
  h_http_get "http://127.0.0.1:$1/api/v1/info" > "$T/info.$1.json" || return 1
  python3 - "$T/info.$1.json" "$CHILD_GUID" <<'EOF'
import json, sys
info = json.load(open(sys.argv[1]))
status = {h["guid"]: h for h in info.get("mirrored_hosts_status", [])}
sys.exit(0 if status.get(sys.argv[2], {}).get("reachable") is True else 1)
EOF
}
h_wait_for -t 90 -m "parent A mirrors $CHILD_HOST" mirrors_child "$APORT"
h_wait_for -t 60 -m "parent B mirrors $CHILD_HOST" mirrors_child "$BPORT"

# both parents store the child's charts
has_cpu_chart() { # PORT
  h_http_get "http://127.0.0.1:$1/host/$CHILD_HOST/api/v1/charts" | grep -q '"system.cpu"'
}
h_wait_for -t 60 -m "system.cpu of the child on A" has_cpu_chart "$APORT"
h_wait_for -t 60 -m "system.cpu of the child on B" has_cpu_chart "$BPORT"

# tee: the child's request, A's reply (forwarded) and B's reply (discarded)
h_assert_eq "STREAM key=$KEY&" "$(head -c $((12 + ${#KEY})) "$T/tee/1.c2p")" "teed request"
prompt="Hit me baby, push them over with the version="
h_assert_eq "$prompt" "$(head -c ${#prompt} "$T/tee/1.p2c")" "teed reply of A"
h_assert_eq "$prompt" "$(head -c ${#prompt} "$T/tee/1.p2c2")" "teed reply of B"
h_wait_log "$T/relay.out" "^conn 1 from 127\.0\.0\.1:" 5

h_pass
