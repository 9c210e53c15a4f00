#!/usr/bin/env bash
# TLS streaming is wire compatible with a REAL Netdata 1.37.1 agent, both ways
# (certificates from `ndpeer.sh tls-certs`: a test CA and a localhost leaf).
#   A. a Netdata child with `:SSL` and CAfile = ca.pem (verification on) streams
#      to a tributary parent whose port is `^SSL=force`: the parent's HTTPS
#      (checked against ca.pem) /api/v1/info lists it reachable, hops 1, and
#      /host/<child>/api/v1/charts has system.cpu; the child logs no SSL error.
#      A plain GET to that parent gets `301` with `Location: https://...`.
#   B. a plain Netdata child on the same force port is refused: tributary logs
#      "...always use encrypted connections, ... hostname '<child>'.", the
#      child logs "remote node response is not understood, is it Netdata?" and
#      never becomes reachable.
#   C. a tributary child with `:SSL` and CAfile = ca.pem streams to a Netdata
#      parent with TLS on a force port (receive-only): its HTTPS /api/v1/info
#      lists the child reachable, hops 1, with system.cpu and system.uptime;
#      the child logs its established link and no SSL error.
#   D. a tributary child with `:SSL`, no CAfile and verification on refuses the
#      same parent's certificate (verify result 20, "Closing the stream
#      connection...") and is not reachable on it afterwards.
# Both parents listen with `^SSL=force`, so a link at all means TLS. At the
# end A's and C's links are checked again: one link each, still no SSL error
# (a wrong byte on the wire, e.g. a clear-text REPLAY_CHART, makes the real
# agent drop and reconnect within a second).
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$H_HARNESS/tribconf.sh"

T=$(h_tmpdir)
KEY=$(cat /proc/sys/kernel/random/uuid)
CERTS=$(bash "$H_NDPEER" tls-certs "$T/certs") || h_fail "ndpeer.sh tls-certs failed"
CA=$CERTS/ca.pem
TPORT=$(h_free_port)   # tributary parent, ^SSL=force
NPORT=$(h_free_port)   # netdata parent, ^SSL=force
ND_TLS=nd-tls-$$ ND_PLAIN=nd-plain-$$ TC_TLS=tc-tls-$$ TC_NOCA=tc-noca-$$
TBASE=https://127.0.0.1:$TPORT
NBASE=https://127.0.0.1:$NPORT
SSL_ERRORS='SSL cannot connect|SSL RFC4158|server SSL certificate is not valid|SSL Handshake error|SSL error|cannot write to SSL'

# https_get URL : body on stdout, the server's certificate checked against ca.pem;
# loopback only, no proxy, 5 s bound, non-zero on error or HTTP >= 400.
https_get() {
  h__check_loopback_url "$1"
  curl -s -f --noproxy '*' --max-time 5 --cacert "$CA" -- "$1"
}
info_json() { https_get "$1/api/v1/info" > "$2.tmp" && mv "$2.tmp" "$2"; }
hops_are() { # BASE HOST WANT : "reachable hops" of HOST on BASE is WANT
  info_json "$1" "$T/info-$2.json" || return 1
  [ "$(tc_hops "$T/info-$2.json" "$2")" = "$3" ]
}
has_charts() { # BASE HOST CHART...
  local base=$1 host=$2; shift 2
  https_get "$base/host/$host/api/v1/charts" > "$T/charts-$host.json" || return 1
  python3 - "$T/charts-$host.json" "$@" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])).get("charts", {})
sys.exit(0 if c and all(w in c for w in sys.argv[2:]) else 1)
PY
}
no_ssl_errors() { # LOG WHO
  if grep -E "$SSL_ERRORS" "$1" > "$T/ssl-errors.txt"; then
    h_fail "$2 logged SSL errors: $(head -3 "$T/ssl-errors.txt")"
  fi
  H_PASSED=$((H_PASSED + 1))
}

# ------------------------------------------------------------ tributary parent (TLS, force)
tc_instance "$T/tparent" "tp-$$" "127.0.0.1:$TPORT^SSL=force"
awk -v c="$CERTS/server.pem" -v k="$CERTS/server.key" \
  '{ print } /^    bind to = / { print "    ssl certificate = " c; print "    ssl key = " k }' \
  "$T/tparent/conf/netdata.conf" > "$T/nc.tmp" && mv "$T/nc.tmp" "$T/tparent/conf/netdata.conf"
cat > "$T/tparent/conf/stream.conf" <<CONF
[$KEY]
    enabled = yes
    allow from = *
    default memory mode = ram
CONF
tc_start tparent "$T/tparent"
TLOG=$T/tparent/log/error.log

# ------------------------------------------------------------ netdata parent (TLS, force)
NDPEER_PROC=none NDPEER_MODE=ram NDPEER_HOSTNAME=nd-parent-$$ NDPEER_SSL_MODE=force \
  NDPEER_TLS_CERT=$CERTS/server.pem NDPEER_TLS_KEY=$CERTS/server.key \
  h_ndpeer parent "$NPORT" "$T/nparent" "$KEY"

h_wait_for -t 20 -m "tributary parent answers HTTPS" info_json "$TBASE" "$T/tparent-info.json"
bash "$H_NDPEER" wait-http "$NPORT" 40 || h_fail "netdata parent did not start"
h_wait_for -t 10 -m "netdata parent answers HTTPS verified by ca.pem" info_json "$NBASE" "$T/nparent-info.json"

# ------------------------------------------------------------ start all four children
NDPEER_HOSTNAME=$ND_TLS NDPEER_SSL=yes NDPEER_SKIP_VERIFY=no NDPEER_CAFILE=$CA \
  h_ndpeer child 0 "$T/nd-tls" "127.0.0.1:$TPORT" "$KEY"
NDPEER_HOSTNAME=$ND_PLAIN h_ndpeer child 0 "$T/nd-plain" "127.0.0.1:$TPORT" "$KEY"

tc_child() { # NAME HOSTNAME EXTRA_STREAM_LINES
  tc_instance "$T/$1" "$2" "127.0.0.1:$(h_free_port)"
  cat > "$T/$1/conf/stream.conf" <<CONF
[stream]
    enabled = yes
    destination = 127.0.0.1:$NPORT:SSL
    api key = $KEY
    reconnect delay seconds = 1
    timeout seconds = 60
    ssl skip certificate verification = no
$3
CONF
  tc_start "$1" "$T/$1"
}
tc_child tc-tls "$TC_TLS" "    CAfile = $CA"
tc_child tc-noca "$TC_NOCA" ""

# ------------------------------------------------------------ A. netdata child -> tributary (TLS)
h_wait_for -t 40 -m "$ND_TLS reachable, hops 1, on the tributary parent (HTTPS)" \
  hops_are "$TBASE" "$ND_TLS" "true 1"
h_wait_for -t 30 -m "charts of $ND_TLS (system.cpu) on the tributary parent" \
  has_charts "$TBASE" "$ND_TLS" system.cpu
h_assert_contains "$(cat "$T/charts-$ND_TLS.json")" '"system.cpu"' "A: charts of $ND_TLS"
h_log "A: $ND_TLS has $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["charts"]))' "$T/charts-$ND_TLS.json") charts on the tributary parent"
no_ssl_errors "$T/nd-tls/log/error.log" "A: netdata TLS child"

# plain HTTP to the TLS parent: redirected to https
h__check_loopback_url "http://127.0.0.1:$TPORT/"
headers=$(curl -s --noproxy '*' --max-time 5 -o /dev/null -D - "http://127.0.0.1:$TPORT/api/v1/info" | tr -d '\r') \
  || h_fail "A: plain GET to the tributary parent failed"
h_assert_contains "$(printf '%s\n' "$headers" | head -1)" " 301" "A: plain GET status"
h_assert_contains "$headers" "Location: https://127.0.0.1:$TPORT/api/v1/info" "A: plain GET redirect"

# ------------------------------------------------------------ B. plain netdata child -> force port
h_wait_log "$TLOG" "The server is configured to always use encrypted connections, please enable the SSL on child with hostname '$ND_PLAIN'\." 30
h_wait_log "$T/nd-plain/log/error.log" "remote node response is not understood, is it Netdata\?" 30
info_json "$TBASE" "$T/info-b.json" || h_fail "B: tributary parent HTTPS /api/v1/info"
case "$(tc_hops "$T/info-b.json" "$ND_PLAIN")" in
  true*) h_fail "B: plain child $ND_PLAIN is reachable on the force port" ;;
  *) H_PASSED=$((H_PASSED + 1)) ;;
esac

# ------------------------------------------------------------ C. tributary child -> netdata (TLS)
h_wait_for -t 40 -m "$TC_TLS reachable, hops 1, on the netdata parent (HTTPS)" \
  hops_are "$NBASE" "$TC_TLS" "true 1"
h_wait_for -t 30 -m "charts of $TC_TLS (system.cpu, system.uptime) on the netdata parent" \
  has_charts "$NBASE" "$TC_TLS" system.cpu system.uptime
h_assert_contains "$(cat "$T/charts-$TC_TLS.json")" '"system.uptime"' "C: charts of $TC_TLS"
CLOG=$T/tc-tls/log/error.log
h_wait_log "$CLOG" "STREAM $TC_TLS \[send to [^]]*\]: established link with negotiated capabilities" 10
no_ssl_errors "$CLOG" "C: tributary TLS child"
h_log "C: $TC_TLS has $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["charts"]))' "$T/charts-$TC_TLS.json") charts on the netdata parent"

# ------------------------------------------------------------ D. no CAfile: certificate refused
DLOG=$T/tc-noca/log/error.log
h_wait_log "$DLOG" "SSL RFC4158 check:  We have a invalid certificate, the tests result with 20 " 30
h_wait_log "$DLOG" "Closing the stream connection, because the server SSL certificate is not valid\." 5
if grep -q "established link" "$DLOG"; then h_fail "D: $TC_NOCA established a link"; fi
# not reachable on the netdata parent for 5 s after the refusal (C proves that
# parent lists a TLS child within a second or two of its link)
not_reachable_for() { # SECONDS
  local end=$((SECONDS + $1))
  while [ "$SECONDS" -lt "$end" ]; do
    info_json "$NBASE" "$T/info-d.json" || h_fail "D: netdata parent HTTPS /api/v1/info"
    case "$(tc_hops "$T/info-d.json" "$TC_NOCA")" in
      true*) h_fail "D: $TC_NOCA became reachable on the netdata parent" ;;
    esac
    sleep 0.5
  done
}
not_reachable_for 5
H_PASSED=$((H_PASSED + 1))
if grep -q "established link" "$DLOG"; then h_fail "D: $TC_NOCA established a link"; fi

# ------------------------------------------------------------ A and C are stable
no_ssl_errors "$T/nd-tls/log/error.log" "A: netdata TLS child"
no_ssl_errors "$CLOG" "C: tributary TLS child"
h_assert_eq 1 "$(grep -c "established link with negotiated capabilities" "$T/nd-tls/log/error.log" || true)" \
  "A: links established by $ND_TLS (no reconnect loop)"
h_assert_eq 1 "$(grep -cE "STREAM $ND_TLS \[receive from .*receiving metrics\.\.\." "$TLOG" || true)" \
  "A: 'receiving metrics...' for $ND_TLS on the tributary parent"
h_assert_eq 1 "$(grep -c "established link with negotiated capabilities" "$CLOG" || true)" \
  "C: links established by $TC_TLS (no reconnect loop)"
hops_are "$TBASE" "$ND_TLS" "true 1" || h_fail "A: $ND_TLS no longer reachable on the tributary parent"
hops_are "$NBASE" "$TC_TLS" "true 1" || h_fail "C: $TC_TLS no longer reachable on the netdata parent"

for n in tparent tc-tls tc-noca; do
  h_alive "$(h_pid "$n")" || h_fail "tributary $n died"
done
h_pass
