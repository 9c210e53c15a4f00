#!/usr/bin/env bash
# Issue 16, findings 4 and 8: what a hostile or broken child sends never
# leaves an API request hanging and never floods or garbles the log.
#   * finding 4: a fake child sends invalid UTF-8 in a host LABEL, a CHART
#     title, family and id, a DIMENSION id and name and a CLABEL value:
#     /api/v1/info (localhost and /host/X/), /charts, /chart, /data (json,
#     csv), /allmetrics?format=prometheus and /alarms all answer 200 within
#     a deadline with valid UTF-8, the JSON ones parse, the Prometheus text
#     is valid exposition format (promtool), and invalid bytes read '_'
#     (Netdata's replacement); a child whose hostname has a quote, a
#     backslash and non-ASCII, as do its family and names: every
#     Prometheus format and option still parses (promtool);
#   * finding 8: a child with a 7,500-character hostname (what fits in the
#     8 KB request URL) and a bad command
#     of raw garbage bytes: every log line stays short (peer text cut at 200
#     bytes with a "...[N more bytes]" marker), garbage is written as \xNN,
#     the log is valid UTF-8 without control characters;
#   * finding 8: `[logs] errors to trigger flood protection` = 25 within
#     `errors flood protection period` = 15: a storm of malformed requests
#     makes the parent log Netdata's "LOG FLOOD PROTECTION too many logs"
#     once and then drop error lines; the first error after the period logs
#     "resuming logging ... (prevented N logs ...)".
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"

FAKE=$H_HARNESS/ndfakechild.py
uuid() { cat /proc/sys/kernel/random/uuid; }
KEY=$(uuid)
BAD_GUID=$(uuid)
LONG_GUID=$(uuid)
PORT=$(h_free_port)
T=$(h_tmpdir)
PERIOD=15
THRESHOLD=25

mkdir -p "$T/conf"
cat > "$T/conf/netdata.conf" <<CONF
[global]
    hostname = hostile-parent-$$
[db]
    mode = ram
[web]
    bind to = 127.0.0.1:$PORT
[logs]
    errors flood protection period = $PERIOD
    errors to trigger flood protection = $THRESHOLD
[directories]
    log = $T/log
    cache = $T/cache
    lib = $T/lib
CONF
printf '[%s]\n    enabled = yes\n    default memory mode = ram\n' "$KEY" > "$T/conf/stream.conf"

h_start tributary "$TRIBUTARY_BIN" run --config-dir "$T/conf"
h_wait_http "$PORT" /api/v1/info 20
LOG=$T/log/error.log
h_wait_for -t 10 -m "error.log" test -f "$LOG"

# ---------------------------------------------------------------- finding 4
# Invalid UTF-8 everywhere a child names something: \xff (never valid),
# \xc3\x28 (bad continuation), \xed\xa0\x80 (a surrogate), a lone \x80.
python3 - "$T/bad.txt" "$T/round.txt" <<'PY'
import sys, time
now = int(time.time())
b = b''
b += b'LABEL "bad_label" = 1 "value \xff\xfe here"\n'
b += b'LABEL "k\xc3\x28" = 1 "ok"\n'
b += b'OVERWRITE labels\n'
b += (b'CHART "bad.c\x80" "badname" "Title \xc3\x28 \xed\xa0\x80 end" "units \xff" "fam\xff" '
      b'"bad.ctx" "line" 1000 1 "" "plugin" "module"\n')
b += b'CLABEL "clabel" "v\xf4\x90\x80\x80v" 1\nCLABEL_COMMIT\n'
b += b'DIMENSION "d\xff1" "name \xe2\x82\x28 x" "absolute" 1 1 ""\n'
b += b'DIMENSION "d2" "plain" "absolute" 1 1 ""\n'
b += b'CHART_DEFINITION_END %d %d %d\n' % (now, now, now)
open(sys.argv[1], 'wb').write(b)
# one row a second (BEGIN without microseconds: the parent's clock)
open(sys.argv[2], 'wb').write(b'BEGIN "bad.c\x80"\nSET "d\xff1" = 5\nSET "d2" = 7\nEND\n')
PY
h_start badchild python3 "$FAKE" --dest "127.0.0.1:$PORT" --key "$KEY" \
  --guid "$BAD_GUID" --hostname badutf8 --raw-after "$T/bad.txt" \
  --raw-rounds "$T/round.txt" --iterations 240 --interval 1 --timeout 10

# GET with a deadline: the status code, the body in FILE; never hangs.
get() { # PATH FILE -> prints the HTTP status
  curl -s --noproxy '*' --max-time 10 -o "$2" -w '%{http_code}' \
    "http://127.0.0.1:$PORT$1" || echo "no-answer"
}
charts_ready() {
  [ "$(get /host/badutf8/api/v1/charts "$T/charts.json")" = 200 ] \
    && grep -q '"bad.c_"' "$T/charts.json"
}
h_wait_for -t 30 -m "the bad child's chart in /charts" charts_ready
# one second of data stored
data_ready() {
  [ "$(get "/host/badutf8/api/v1/data?chart=bad.badname&after=-60&format=json" "$T/data.json")" = 200 ] \
    && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["data"] else 1)' "$T/data.json"
}
h_wait_for -t 30 -m "data of the bad chart" data_ready

check_json() { # NAME PATH
  local code
  code=$(get "$2" "$T/$1.body")
  h_assert_eq 200 "$code" "$1: $2 answers"
  python3 - "$T/$1.body" <<'PY' || h_fail "$1: not valid UTF-8 JSON: $(head -c 300 "$T/$1.body")"
import json, sys
json.loads(open(sys.argv[1], 'rb').read().decode('utf-8'))
PY
  H_PASSED=$((H_PASSED + 1))
}
check_json info_all /api/v1/info
check_json info_host /host/badutf8/api/v1/info
check_json charts /host/badutf8/api/v1/charts
check_json chart "/host/badutf8/api/v1/chart?chart=bad.badname"
check_json data "/host/badutf8/api/v1/data?chart=bad.badname&after=-60"
check_json alarms /host/badutf8/api/v1/alarms
check_json alarm_log /host/badutf8/api/v1/alarm_log
check_json actors /api/v1/actors

# What the fixed text reads: invalid bytes are '_', valid text is kept.
python3 - "$T" <<'PY' || h_fail "invalid bytes are not shown as '_' (see above)"
import json, sys
t = sys.argv[1]
info = json.load(open(t + '/info_host.body'))
assert info['host_labels'].get('bad_label') == 'value __ here', info['host_labels']
assert 'k_(' in info['host_labels'], info['host_labels']
charts = json.load(open(t + '/charts.body'))['charts']
c = charts['bad.c_']
assert c['title'] == 'Title _( ___ end (%s)' % c['name'], c['title']
assert c['family'] == 'fam_', c['family']
assert c['units'] == 'units _', c['units']
assert c['dimensions']['d_1']['name'] == 'name __( x', c['dimensions']
assert c['chart_labels']['clabel'] == 'v____v', c['chart_labels']
data = json.load(open(t + '/data.body'))
assert data['labels'] == ['time', 'name __( x', 'plain'], data['labels']
PY
H_PASSED=$((H_PASSED + 1))

code=$(get "/host/badutf8/api/v1/data?chart=bad.badname&after=-60&format=csv" "$T/data.csv")
h_assert_eq 200 "$code" "csv data answers"
python3 -c 'import sys; open(sys.argv[1],"rb").read().decode("utf-8")' "$T/data.csv" \
  || h_fail "csv is not valid UTF-8"

code=$(get "/host/badutf8/api/v1/allmetrics?format=prometheus" "$T/prom.txt")
h_assert_eq 200 "$code" "allmetrics answers"
python3 - "$T/prom.txt" <<'PY' || h_fail "not valid Prometheus text: $(head -c 600 "$T/prom.txt")"
import re, sys
text = open(sys.argv[1], 'rb').read().decode('utf-8')
label = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
line = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*\{' + label + r'(?:,' + label + r')*\} \S+( -?\d+)?$')
lines = text.rstrip('\n').split('\n')
assert len(lines) >= 3, lines
for l in lines:
    assert line.match(l), repr(l)
# names=yes (1.37.1's default): the chart label is its "type.name"
assert any('chart="bad.badname"' in l and 'dimension="name __( x"' in l for l in lines), lines
PY
h_promtool "$T/prom.txt" "allmetrics of the invalid UTF-8 child"
H_PASSED=$((H_PASSED + 1))
h_log "finding 4: every API answer is valid with invalid UTF-8 from the child"

# Quotes, backslashes and non-ASCII in a hostname (URL-encoded in the STREAM
# request; a decoded newline is refused there as by 1.37.1), a family, chart
# and dimension names: every Prometheus answer still parses (promtool).
ODD_GUID=$(uuid)
python3 - "$T/odd.txt" "$T/odd-round.txt" <<'PY'
import sys, time
now = int(time.time())
b = (b"CHART 'odd.c1' 'na\"me' 'Title' 'units' 'fa\"m\\ily \xc3\xa9\xe6\x97\xa5' "
     b"'odd.ctx' 'line' 1000 1 '' 'plugin' 'module'\n")
b += b"DIMENSION 'd1' 'd\xc3\xa9j\xc3\xa0 \"q\" \\b' 'incremental' 1 1 ''\n"
b += b"DIMENSION 'd2' 'plain' 'absolute' -1 8 ''\n"
b += b'CHART_DEFINITION_END %d %d %d\n' % (now, now, now)
open(sys.argv[1], 'wb').write(b)
open(sys.argv[2], 'wb').write(b"BEGIN 'odd.c1'\nSET 'd1' = 5\nSET 'd2' = 7\nEND\n")
PY
h_start oddchild python3 "$FAKE" --dest "127.0.0.1:$PORT" --key "$KEY" \
  --guid "$ODD_GUID" --hostname 'q%22b%5Cs-%C3%A9%E6%97%A5' --raw-after "$T/odd.txt" \
  --raw-rounds "$T/odd-round.txt" --iterations 240 --interval 1 --timeout 10
odd_ready() {
  [ "$(get "/host/$ODD_GUID/api/v1/allmetrics?format=prometheus&server=w" "$T/odd0.txt")" = 200 ] \
    && grep -q '^netdata_odd_ctx' "$T/odd0.txt"
}
h_wait_for -t 30 -m "the odd child's metrics in allmetrics" odd_ready
n=0
for q in "/host/$ODD_GUID/api/v1/allmetrics?format=prometheus&help=yes&types=yes" \
         "/host/$ODD_GUID/api/v1/allmetrics?format=prometheus&source=as-collected&help=yes&types=yes" \
         "/host/$ODD_GUID/api/v1/allmetrics?format=prometheus&names=no&source=sum" \
         "/api/v1/allmetrics?format=prometheus_all_hosts&help=yes"; do
  n=$((n + 1))
  h_assert_eq 200 "$(get "$q&server=odd$n" "$T/odd$n.txt")" "$q answers"
  h_promtool "$T/odd$n.txt" "$q"
done
grep -q 'instance="q\\"b\\\\s-é日"' "$T/odd4.txt" \
  || h_fail "the odd hostname is not escaped in prometheus_all_hosts: $(grep -m3 "instance=\"q" "$T/odd4.txt"; grep -m2 odd "$T/odd4.txt")"
grep -q 'family="fa\\"m\\\\ily é日"' "$T/odd1.txt" \
  || h_fail "the odd family is not escaped: $(grep -m1 family= "$T/odd1.txt")"
H_PASSED=$((H_PASSED + 1))
h_log "quotes, backslashes and non-ASCII: every Prometheus answer parses"

# ---------------------------------------------------------------- finding 8
LONG=$(head -c 7500 /dev/zero | tr '\0' 'h')
printf 'GARBAGE\x01\x02\xff\xfe\x1b[31mred\x7f %s\n' "$(head -c 3000 /dev/zero | tr '\0' 'z')" > "$T/garbage.txt"
python3 "$FAKE" --dest "127.0.0.1:$PORT" --key "$KEY" --guid "$LONG_GUID" \
  --hostname "$LONG" --param registry_hostname=long --raw-after "$T/garbage.txt" \
  --hold 3 --timeout 10 \
  > "$T/longchild.out" 2>&1 || true
h_wait_log "$LOG" "sent command 'GARBAGE" 20
line=$(grep -a "sent command 'GARBAGE" "$LOG" | head -1)
h_assert_contains "$line" 'GARBAGE\x01\x02\xff\xfe\x1b[31mred\x7f' "garbage bytes are escaped as \\xNN"
h_assert_contains "$line" "more bytes]" "the 8000-character hostname is cut with a marker"
python3 - "$LOG" <<'PY' || h_fail "log lines are not bounded and clean (see above)"
import sys
raw = open(sys.argv[1], 'rb').read()
text = raw.decode('utf-8')                       # valid UTF-8 throughout
lines = text.split('\n')
longest = max(len(l.encode()) for l in lines)
assert longest <= 1200, 'a log line of %d bytes' % longest
bad = [l for l in lines if any(ord(c) < 0x20 and c != '\t' or ord(c) == 0x7f for c in l)]
assert not bad, bad[:2]
assert 'h' * 201 not in text, 'a hostname longer than 200 bytes reached the log'
PY
H_PASSED=$((H_PASSED + 1))
h_log "finding 8: log lines bounded and escaped"

# The API still answers for the long-named host, as valid JSON.
check_json info_long "/host/$LONG_GUID/api/v1/info"

# Flood protection: malformed STREAM requests, one error line each
# ("cannot parse the STREAM request").
storm() { # COUNT TAG
  python3 - "$PORT" "$1" "$2" <<'PY'
import socket, sys
port, count, tag = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
for i in range(count):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"STREAM key=%s-%d&hostname=x\r\nHost: \x01\r\n\r\n" % (tag.encode(), i))
    try:
        while s.recv(4096):
            pass
    except OSError:
        pass
    s.close()
PY
}
storm $((THRESHOLD + 15)) storm
h_wait_log "$LOG" "LOG FLOOD PROTECTION too many logs \([0-9]+ logs in [0-9]+ seconds, threshold is set to $THRESHOLD logs in $PERIOD seconds\)\. Preventing more logs from process 'tributary' for [0-9]+ seconds\." 20
h_assert_eq 1 "$(grep -c 'LOG FLOOD PROTECTION too many logs' "$LOG")" "one flood line"
logged=$(grep -c "cannot parse the STREAM request" "$LOG" || true)
[ "$logged" -lt $((THRESHOLD + 15)) ] || h_fail "no error line was dropped ($logged logged)"
H_PASSED=$((H_PASSED + 1))
h_log "flood protection engaged after $THRESHOLD errors ($logged of $((THRESHOLD + 15)) bad requests logged)"
# After the period, the next error line says how many were dropped.
resumed() {
  storm 1 after-flood
  grep -qE "LOG FLOOD PROTECTION resuming logging from process 'tributary' \(prevented [1-9][0-9]* logs in the last $PERIOD seconds\)\." "$LOG"
}
h_wait_for -t $((PERIOD + 20)) -m "flood protection resumes after the period" resumed
h_log "flood protection resumed: $(grep -a 'resuming logging' "$LOG")"

# The bad child kept streaming through all of it.
h_assert_eq 200 "$(get /host/badutf8/api/v1/info "$T/final.json")" "the bad child's host still answers"
h_pass
