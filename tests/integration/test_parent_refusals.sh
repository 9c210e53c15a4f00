#!/usr/bin/env bash
# Refusals of a tributary parent, checked against the exact bytes a real
# Netdata 1.37.1 parent sends (tests/data/netdata-1.37.1/parent-reply-*.bin)
# and Netdata's error.log wording:
#   * wrong API key, API key with `allow from = 10.*`, `[GUID] enabled = no`,
#     GUID with `allow from = 10.*`, malformed GUID: reply ==
#     parent-reply-denied.bin, the parent closes, "... Forbidding access."
#     and an access line with Netdata's status word;
#   * a second connection for the GUID of a real child that is streaming:
#     reply == parent-reply-already-streaming.bin, "multiple connections for
#     same host detected - existing connection is active", and the real child
#     keeps streaming;
#   * a real Netdata child with a wrong key: tributary forbids it and the
#     child's own error.log says "remote server denied access";
#   * rate limit (`[web] accept a streaming request every seconds`, separate
#     instance): the first request after start is accepted (Netdata 1.37.1
#     refuses it too, because its timestamp starts at 0 — docs/protocol.md "Parent checks", step 3;
#     tributary deliberately does not copy that quirk, which only delays the
#     first child by the whole limit), a request once the limit has passed is
#     accepted, and one right after it gets "The server is too busy now to
#     accept this request. Try later." + "too busy to accept new streaming
#     request. Will be allowed in N secs.".
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"

FIX=$TRIBUTARY_TEST_DATA/netdata-1.37.1
FAKE=$H_HARNESS/ndfakechild.py
uuid() { cat /proc/sys/kernel/random/uuid; }
KEY=$(uuid)            # enabled, from anywhere
IPKEY=$(uuid)          # enabled, allow from = 10.*
WRONG_KEY=$(uuid)      # in no section
OFF_GUID=$(uuid)       # [GUID] enabled = no
IP_GUID=$(uuid)        # [GUID] allow from = 10.*
CHILD_GUID=$(uuid)     # the real child that streams
BADKEY_GUID=$(uuid)    # the real child with a wrong key
CHILD_HOST=ref-child-$$
BADKEY_HOST=ref-badkey-$$
TPORT=$(h_free_port)
RPORT=$(h_free_port)
T=$(h_tmpdir)
RATE=5

# write_conf DIR PORT HOSTNAME EXTRA_WEB STREAM_CONF_TEXT
write_conf() {
  mkdir -p "$1/conf"
  cat > "$1/conf/netdata.conf" <<CONF
[global]
    hostname = $3
[db]
    mode = ram
[web]
    bind to = 127.0.0.1:$2
$4
[directories]
    log = $1/log
    cache = $1/cache
    lib = $1/lib
CONF
  printf '%s\n' "$5" > "$1/conf/stream.conf"
}

write_conf "$T/trib" "$TPORT" "ref-parent-$$" "" "[$KEY]
    enabled = yes
    allow from = *
    default memory mode = ram

[$IPKEY]
    enabled = yes
    allow from = 10.*
    default memory mode = ram

[$OFF_GUID]
    enabled = no

[$IP_GUID]
    enabled = yes
    allow from = 10.*"

write_conf "$T/rate" "$RPORT" "ref-rate-$$" "    accept a streaming request every seconds = $RATE" "[$KEY]
    enabled = yes
    default memory mode = ram"

h_start tributary "$TRIBUTARY_BIN" run --config-dir "$T/trib/conf"
h_wait_http "$TPORT" /api/v1/info 20
TLOG=$T/trib/log/error.log
h_wait_for -t 10 -m "tributary error.log" test -f "$TLOG"

# Real children first (they need a second or two to collect): one streams with
# the right key, one tries a wrong key.
NDPEER_PROC=small NDPEER_HOSTNAME=$CHILD_HOST \
  h_ndpeer child 0 "$T/child" "127.0.0.1:$TPORT" "$KEY" "$CHILD_GUID"
NDPEER_PROC=small NDPEER_HOSTNAME=$BADKEY_HOST \
  h_ndpeer child 0 "$T/badkey" "127.0.0.1:$TPORT" "$WRONG_KEY" "$BADKEY_GUID"

# all the STREAM log lines tributary wrote (error.log, and access.log if any)
trib_logs() { cat "$TLOG" "$T/trib/log/access.log" 2>/dev/null || true; }
log_has() { trib_logs | grep -qE -- "$1"; }

# deny_case NAME EXPECTED_LOG_ERE ACCESS_STATUS FAKECHILD_ARGS...
deny_case() {
  local name=$1 re=$2 status=$3; shift 3
  python3 "$FAKE" --dest "127.0.0.1:$TPORT" --hostname "ref-$name" --reply-out "$T/$name.bin" \
    --timeout 10 "$@" > "$T/$name.out" || h_fail "$name: fake child failed: $(cat "$T/$name.out")"
  cmp -s "$FIX/parent-reply-denied.bin" "$T/$name.bin" \
    || h_fail "$name: reply is not parent-reply-denied.bin: $(cat "$T/$name.out")"
  H_PASSED=$((H_PASSED + 1))
  h_assert_contains "$(cat "$T/$name.out")" "closed: yes" "$name: the parent closes after denying"
  h_wait_for -t 10 -m "$name: /$re/ in tributary's log" log_has "$re"
  h_wait_for -t 10 -m "$name: access line '$status' in tributary's log" \
    log_has "'$status' host 'ref-$name'"
  h_log "$name: denied as expected"
}

deny_case wrongkey "API key '$WRONG_KEY' is not allowed\. Forbidding access\." \
  "ACCESS DENIED - KEY NOT ENABLED" --key "$WRONG_KEY"
deny_case ipkey "API key '$IPKEY' is not permitted from this IP\. Forbidding access\." \
  "ACCESS DENIED - KEY NOT ALLOWED FROM THIS IP" --key "$IPKEY"
deny_case offguid "machine GUID '$OFF_GUID' is not allowed\. Forbidding access\." \
  "ACCESS DENIED - MACHINE GUID NOT ENABLED" --key "$KEY" --guid "$OFF_GUID"
deny_case ipguid "Machine GUID '$IP_GUID' is not permitted from this IP\. Forbidding access\." \
  "ACCESS DENIED - MACHINE GUID NOT ALLOWED FROM THIS IP" --key "$KEY" --guid "$IP_GUID"
deny_case badguid "machine GUID 'not-a-guid-1234' is not GUID\. Forbidding access\." \
  "ACCESS DENIED - INVALID MACHINE GUID" --key "$KEY" --guid not-a-guid-1234
# none of these hosts may have been created
info=$(h_http_get "http://127.0.0.1:$TPORT/api/v1/info") || h_fail "/api/v1/info"
for n in wrongkey ipkey offguid ipguid badguid; do
  case "$info" in *"\"ref-$n\""*) h_fail "denied host ref-$n is in /api/v1/info" ;; esac
done

# ------------------------------------------------ real child with a wrong key
h_wait_for -t 20 -m "tributary logs the real child's denial with its hostname" \
  log_has "'ACCESS DENIED - KEY NOT ENABLED' host '$BADKEY_HOST'"
h_wait_log "$T/badkey/log/error.log" "remote server denied access, probably we don't have the right API key\?" 20
case "$(h_http_get "http://127.0.0.1:$TPORT/api/v1/info")" in
  *"\"$BADKEY_HOST\""*) h_fail "the denied real child is in mirrored_hosts" ;;
esac

h_log "real child with a wrong key: denied, and it logged the denial"

# ------------------------------------------------ duplicate GUID
h_wait_log "$TLOG" "STREAM $CHILD_HOST \[receive from .*\] ?: receiving metrics\.\.\." 20
uptime_last() { # -> time of the newest non-null system.uptime row of the child (0 = none)
  h_http_get "http://127.0.0.1:$TPORT/host/$CHILD_HOST/api/v1/data?chart=system.uptime&after=-5&format=json" \
    | python3 -c 'import json,sys; print(max([r[0] for r in json.load(sys.stdin)["data"] if r[1] is not None] or [0]))' 2>/dev/null \
    || echo 0
}
child_has_data() { [ "$(uptime_last)" -gt 0 ]; }
h_wait_for -t 20 -m "the real child's system.uptime on tributary" child_has_data
python3 "$FAKE" --dest "127.0.0.1:$TPORT" --key "$KEY" --guid "$CHILD_GUID" --hostname "$CHILD_HOST" \
  --reply-out "$T/dup.bin" --timeout 10 > "$T/dup.out" || h_fail "dup: fake child failed: $(cat "$T/dup.out")"
cmp -s "$FIX/parent-reply-already-streaming.bin" "$T/dup.bin" \
  || h_fail "duplicate GUID: reply is not parent-reply-already-streaming.bin: $(cat "$T/dup.out")"
H_PASSED=$((H_PASSED + 1))
h_assert_contains "$(cat "$T/dup.out")" "closed: yes" "the parent closes after rejecting the duplicate"
h_wait_log "$TLOG" "multiple connections for same host detected - existing connection is active \(within last [0-9]+ sec\), rejecting new connection\." 10
h_wait_for -t 10 -m "access line 'REJECTED - ALREADY CONNECTED'" log_has "'REJECTED - ALREADY CONNECTED' host '$CHILD_HOST'"
# the original stream is untouched: still one receiver, data still advancing
t0=$(uptime_last)
advanced() { [ "$(uptime_last)" -gt "$((t0 + 1))" ]; }
h_wait_for -t 15 -m "the real child's data keeps advancing after the duplicate was refused" advanced
if grep -qE "STREAM $CHILD_HOST .*(disconnected \(completed|read failed)" "$TLOG"; then
  h_fail "the refused duplicate disconnected the streaming child: $(grep -E "STREAM $CHILD_HOST .*disconnected" "$TLOG")"
fi
n=$(grep -cE "STREAM $CHILD_HOST \[receive from .*\] ?: receiving metrics\.\.\." "$TLOG" || true)
h_assert_eq 1 "$n" "receivers started for $CHILD_HOST"
if grep -q "remote server rejected this stream" "$T/child/log/error.log"; then
  h_fail "the real child itself was refused"
fi

h_log "duplicate GUID: refused; the first stream keeps going"

# ------------------------------------------------ rate limit (second instance)
h_start tributary-rate "$TRIBUTARY_BIN" run --config-dir "$T/rate/conf"
h_wait_http "$RPORT" /api/v1/info 20
RLOG=$T/rate/log/error.log
h_wait_for -t 10 -m "rate instance error.log" test -f "$RLOG"
BUSY='The server is too busy now to accept this request. Try later.'
busy_line="too busy to accept new streaming request\. Will be allowed in [0-9]+ secs\."

rate_req() { # NAME -> runs the fake child, reply in $T/NAME.bin
  python3 "$FAKE" --dest "127.0.0.1:$RPORT" --key "$KEY" --hostname "rate-$1" \
    --reply-out "$T/$1.bin" --timeout 10 > "$T/$1.out" || h_fail "rate $1: fake child failed: $(cat "$T/$1.out")"
}
rate_req first
t_first=$(date +%s)
# wait until more than RATE seconds have passed since the first request
past_window() { [ "$(date +%s)" -ge $((t_first + RATE + 1)) ]; }
h_wait_for -t $((RATE + 5)) -m "clock past the rate window" past_window
rate_req second
rate_req third
reply2=$(cat "$T/second.bin")
h_assert_contains "$reply2" "Hit me baby, push them over with the version=" "a request after the rate window is accepted"
h_assert_eq "$BUSY" "$(cat "$T/third.bin")" "reply to a request right after an accepted one"
h_assert_contains "$(cat "$T/third.out")" "closed: yes" "the parent closes after 'too busy'"
h_wait_for -t 10 -m "/$busy_line/ in the rate instance's log" grep -qE "$busy_line" "$RLOG"
n=$(grep -oE "Will be allowed in [0-9]+ secs" "$RLOG" | tail -1 | grep -oE '[0-9]+')
[ "$n" -ge 1 ] && [ "$n" -le "$RATE" ] || h_fail "'Will be allowed in $n secs' is not within 1..$RATE"
H_PASSED=$((H_PASSED + 1))
# Unlike Netdata 1.37.1 (whose rate-limit timestamp starts at 0), the first
# request after start is accepted.
h_assert_contains "$(cat "$T/first.bin")" "Hit me baby, push them over with the version=" \
  "the first stream request after start is accepted"

h_pass
