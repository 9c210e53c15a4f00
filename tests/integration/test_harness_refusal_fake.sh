#!/usr/bin/env bash
# tests/harness/ndfakechild.py against a REAL Netdata 1.37.1 parent, so later
# tests can trust it against tributary: a wrong API key gets exactly the bytes
# of parent-reply-denied.bin, a valid key gets "Hit me baby, push them over
# with the version=..." (15296 for our default ver=15352, as in
# parent-reply-nocomp.bin), and with chart definitions the parent asks for a
# replay of each chart and then mirrors the fake host.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"

FIX=$TRIBUTARY_TEST_DATA/netdata-1.37.1
FAKE=$H_HARNESS/ndfakechild.py
KEY=$(cat /proc/sys/kernel/random/uuid)
WRONG_KEY=$(cat /proc/sys/kernel/random/uuid)
PPORT=$(h_free_port)
T=$(h_tmpdir)

h_ndpeer parent "$PPORT" "$T/parent" "$KEY"
bash "$H_NDPEER" wait-http "$PPORT" 30 || h_fail "parent web server did not come up"

# 1. wrong API key: the denial text, then the parent closes
python3 "$FAKE" --dest "127.0.0.1:$PPORT" --key "$WRONG_KEY" --hostname fake-denied \
  --reply-out "$T/denied.bin" --timeout 10 > "$T/denied.out" || h_fail "fake child (wrong key) failed: $(cat "$T/denied.out")"
h_assert_eq "$(cat "$FIX/parent-reply-denied.bin")" "$(cat "$T/denied.bin")" "reply to a wrong API key"
cmp -s "$FIX/parent-reply-denied.bin" "$T/denied.bin" || h_fail "denied reply differs byte-wise"
h_assert_contains "$(cat "$T/denied.out")" "closed: yes" "parent closes after denying"

# 2. valid key: accepted with the capabilities a real parent grants
FAKE_GUID=$(cat /proc/sys/kernel/random/uuid)
python3 "$FAKE" --dest "127.0.0.1:$PPORT" --key "$KEY" --guid "$FAKE_GUID" --hostname fake-ok \
  --expect-accept --reply-out "$T/ok.bin" --charts 2 --dims 2 --iterations 3 --interval 0.5 \
  --hold 1 --timeout 15 > "$T/ok.out" || h_fail "fake child (valid key) failed: $(cat "$T/ok.out")"
reply=$(cat "$T/ok.bin")
prompt="Hit me baby, push them over with the version="
h_assert_eq "$prompt" "${reply:0:${#prompt}}" "reply to a valid key"
h_assert_eq "$(cat "$FIX/parent-reply-nocomp.bin")" "$reply" "granted capabilities for ver=15352"
h_assert_eq 2 "$(grep -c '^replay: REPLAY_CHART "fake\.c[01]" ' "$T/ok.out")" "REPLAY_CHART per chart"
h_assert_contains "$(cat "$T/ok.out")" "iterations: 3" "metric rounds sent"

# 3. the parent logged both, and mirrors the fake host with its charts
h_wait_log "$T/parent/log/error.log" "API key '$WRONG_KEY' is not allowed" 10
h_wait_log "$T/parent/log/error.log" "STREAM fake-ok \[receive from .*\]: established link" 10
h_assert_contains "$(h_http_get "http://127.0.0.1:$PPORT/api/v1/info")" "\"fake-ok\"" "parent mirrored_hosts"
charts=$(h_http_get "http://127.0.0.1:$PPORT/host/fake-ok/api/v1/charts") || h_fail "no charts of fake-ok"
h_assert_contains "$charts" '"fake.c0"' "charts of the fake host"
h_assert_contains "$charts" '"fake.c1"' "charts of the fake host"

h_pass
