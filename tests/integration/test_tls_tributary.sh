#!/usr/bin/env bash
# TLS between tributary children and a tributary parent, row by row of the
# streaming README's table (and of spec/netdata-tls-spec.md):
#   * parent with `ssl certificate`/`ssl key`, one `^SSL=force` port (F) and
#     one default port (D); a second parent without TLS (Q);
#   * child `F:SSL` + CAfile=ca.pem: connected, and the wire (teed by a relay)
#     starts with a TLS handshake record and carries no plaintext request or
#     reply;
#   * child `F:SSL` without CAfile: "SSL RFC4158 check ... result with 20",
#     "Closing the stream connection, because the server SSL certificate is
#     not valid.", never connected, and the destination is parked;
#   * child `F:SSL` with `ssl skip certificate verification = yes`: connected,
#     "Netdata is configured to accept invalid SSL certificate.";
#   * plain child to F: the parent logs "The server is configured to always
#     use encrypted connections ... hostname '<child>'." and the child "is it
#     Netdata?";
#   * plain child to D: connected in clear text (the README's row; 1.37.1
#     cannot reply, see docs/protocol.md);
#   * child `Q:SSL`: "SSL cannot connect with the server";
#   * a headless proxy whose `default proxy destination` is `F:SSL` (trust
#     from its [stream] CAfile) relays a plain child: hops 2 on the parent;
#   * web: plain GET on F and D -> 301 to https://, HTTPS GET -> 200.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$H_HARNESS/tribconf.sh"

CERTS=$TRIBUTARY_TEST_DATA/tls
KEY=$(cat /proc/sys/kernel/random/uuid)
T=$(h_tmpdir)
PF=$(h_free_port); PD=$(h_free_port); PQ=$(h_free_port)

https_get() { # URL -> body; non-zero on error or HTTP >= 400
  h__check_loopback_url "$1"
  curl -s -f --noproxy '*' --max-time 5 --cacert "$CERTS/ca.pem" -- "$1"
}

# ------------------------------------------------------------ parents
tc_instance "$T/p" "tls-parent-$$" "127.0.0.1:$PF^SSL=force 127.0.0.1:$PD"
cat >> "$T/p/conf/netdata.conf" <<CONF
[web]
    ssl certificate = $CERTS/server.pem
    ssl key = $CERTS/server.key
CONF
printf '[%s]\n    enabled = yes\n' "$KEY" > "$T/p/conf/stream.conf"
tc_start parent "$T/p"
tc_instance "$T/q" "plain-parent-$$" "127.0.0.1:$PQ"
printf '[%s]\n    enabled = yes\n' "$KEY" > "$T/q/conf/stream.conf"
tc_start plainparent "$T/q"
https_ok() { https_get "$1" > /dev/null; }
h_wait_for -t 20 -m "https on the force port" https_ok "https://127.0.0.1:$PF/api/v1/info"
h_wait_http "$PQ" /api/v1/info 20
PLOG=$T/p/log/error.log

# ------------------------------------------------------------ web
for port in "$PF" "$PD"; do
  head=$(curl -s -i --noproxy '*' --max-time 5 "http://127.0.0.1:$port/api/v1/info?x=1" | head -5 | tr -d '\r')
  h_assert_contains "$head" "HTTP/1.1 301 Moved Permanently" "plain GET on port $port"
  h_assert_contains "$head" "Location: https://127.0.0.1:$port/api/v1/info?x=1" "redirect of port $port"
done
https_ok "https://127.0.0.1:$PD/api/v1/info" || h_fail "HTTPS GET on the default port"

# ------------------------------------------------------------ children
h_start relay python3 "$H_HARNESS/ndrelay.py" --listen 127.0.0.1:0 \
  --port-file "$T/relay.port" --upstream "127.0.0.1:$PF" --tee "$T/tee"
h_wait_for -t 10 -m "relay port" test -s "$T/relay.port"
RELAY=$(cat "$T/relay.port")

child() { # NAME DESTINATION EXTRA-STREAM-LINES
  local d=$T/$1
  tc_instance "$d" "$1-$$" "127.0.0.1:$(h_free_port)"
  printf '[stream]\n    enabled = yes\n    destination = %s\n    api key = %s\n    reconnect delay seconds = 1\n%b' \
    "$2" "$KEY" "$3" > "$d/conf/stream.conf"
  tc_start "$1" "$d"
}
child verified "127.0.0.1:$RELAY:SSL" "    CAfile = $CERTS/ca.pem\n"
child untrusted "127.0.0.1:$PF:SSL" ""
child skipping "127.0.0.1:$PF:SSL" "    ssl skip certificate verification = yes\n"
child plainforce "127.0.0.1:$PF" ""
child plaindefault "127.0.0.1:$PD" ""
child tlstoplain "127.0.0.1:$PQ:SSL" "    ssl skip certificate verification = yes\n"

# a headless proxy: plain child in, TLS out
PX=$(h_free_port)
tc_instance "$T/px" "tls-proxy-$$" "127.0.0.1:$PX" none
cat > "$T/px/conf/stream.conf" <<CONF
[stream]
    enabled = no
    CAfile = $CERTS/ca.pem
[$KEY]
    enabled = yes
    default memory mode = none
    default proxy enabled = yes
    default proxy destination = 127.0.0.1:$PF:SSL
    default proxy api key = $KEY
CONF
tc_start proxy "$T/px"
h_wait_http "$PX" /api/v1/info 20
child proxied "127.0.0.1:$PX" ""

hops_are() { # HOST "REACHABLE HOPS"
  https_get "https://127.0.0.1:$PF/api/v1/info" > "$T/info.json" || return 1
  [ "$(tc_hops "$T/info.json" "$1")" = "$2" ]
}
reachable() { hops_are "$1" "true 1"; }
for c in verified skipping plaindefault; do
  h_wait_for -t 30 -m "$c-$$ reachable on the parent" reachable "$c-$$"
done
h_wait_for -t 30 -m "proxied-$$ on the parent through the TLS proxy (hops 2)" hops_are "proxied-$$" "true 2"
has_cpu() { https_get "https://127.0.0.1:$PF/host/verified-$$/api/v1/charts" | grep -q '"system.cpu"'; }
h_wait_for -t 20 -m "charts of the verified child" has_cpu

# verified: the wire is TLS from the first byte, no plaintext either way
h_wait_for -t 10 -m "teed bytes" test -s "$T/tee/1.c2p"
first=$(od -An -tx1 -N1 "$T/tee/1.c2p" | tr -d ' ')
h_assert_eq 16 "$first" "first byte the child sent (TLS handshake record)"
if grep -aq "STREAM key=" "$T/tee/1.c2p"; then h_fail "plaintext STREAM request on the wire"; fi
if grep -aq "Hit me baby" "$T/tee/1.p2c"; then h_fail "plaintext reply on the wire"; fi
grep -q "established link with negotiated capabilities" "$T/verified/log/error.log" \
  || h_fail "verified child did not log its link"

# untrusted: refused after the handshake, parked, never connected
ULOG=$T/untrusted/log/error.log
h_wait_log "$ULOG" "SSL RFC4158 check:  We have a invalid certificate, the tests result with 20 and message " 20
h_wait_log "$ULOG" "Closing the stream connection, because the server SSL certificate is not valid\." 5
h_wait_log "$ULOG" "skipping destination '127\.0\.0\.1:$PF:SSL' .*due to last error" 10
if grep -q "established link" "$ULOG"; then h_fail "untrusted child connected"; fi
[ "$(tc_hops "$T/info.json" "untrusted-$$")" = missing ] || h_fail "untrusted child is on the parent"

# skip verification: the start-up line
grep -q "Netdata is configured to accept invalid SSL certificate\." "$T/skipping/log/error.log" \
  || h_fail "skipping child did not log that it accepts invalid certificates"

# plain child on the force port: refused by the parent with Netdata's line
h_wait_log "$PLOG" "The server is configured to always use encrypted connections, please enable the SSL on child with hostname 'plainforce-$$'\." 20
h_wait_log "$T/plainforce/log/error.log" "remote node response is not understood, is it Netdata\?" 10

# TLS child to a parent without TLS
h_wait_log "$T/tlstoplain/log/error.log" "SSL cannot connect with the server: " 20
if grep -q "established link" "$T/tlstoplain/log/error.log"; then h_fail "TLS child connected to a plain parent"; fi

grep -q "STREAM proxied-$$ \[send to 127\.0\.0\.1:$PF:SSL\]: established link" "$T/px/log/error.log" \
  || h_fail "the proxy did not log its TLS link upstream"
for p in parent plainparent verified untrusted skipping plainforce plaindefault tlstoplain proxy proxied; do
  h_alive "$(h_pid "$p")" || h_fail "$p died"
done
h_pass
