#!/usr/bin/env bash
# Hardening, finding 5 (bounded cost per child): `[db] max charts per host`
# and `[db] max dimensions per host` (netdata.conf).
#   * child A defines 30 charts against a limit of 20: charts 21..30 are
#     refused with one line naming the host, the chart and the limit; their
#     rows are ignored; the stream stays up; the host has 20 charts and
#     their data;
#   * child B defines 5 charts of 20 dimensions against a limit of 50
#     dimensions: the third chart keeps 10 dimensions, the 11th is refused
#     with one line; charts 4 and 5 are refused (the host is full);
#   * at disconnect each child's refusals are counted in one line.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

KEY=$(cat /proc/sys/kernel/random/uuid)
TPORT=$(h_free_port)
T=$(h_tmpdir)
BASE=http://127.0.0.1:$TPORT
A=limit-a-$$
B=limit-b-$$

tc_instance "$T/trib" limits-parent-$$ "127.0.0.1:$TPORT"
tc_limits "$T/trib" 20 50
tc_accept_key "$T/trib" "$KEY"
"$TRIBUTARY_BIN" check-config --config-dir "$T/trib/conf" > "$T/check.out" 2>&1 \
  || h_fail "check-config refused the limits: $(cat "$T/check.out")"
tc_start tributary "$T/trib"
h_wait_http "$TPORT" /api/v1/info 20
TLOG=$T/trib/log/error.log

h_start a python3 "$H_HARNESS/ndflood.py" --dest "127.0.0.1:$TPORT" --key "$KEY" \
  --hostname "$A" --charts 30 --dims 1 --flood 3 --hold 6
APID=$H_LAST_PID
h_start b python3 "$H_HARNESS/ndflood.py" --dest "127.0.0.1:$TPORT" --key "$KEY" \
  --hostname "$B" --charts 5 --dims 20 --flood 3 --hold 6
BPID=$H_LAST_PID

h_wait_log "$TLOG" "chart 'flood\.c20' of host '$A' refused: the host has 20 charts, the limit of \[db\] max charts per host \(20\); its data are ignored" 20
h_wait_log "$TLOG" "dimension 'd10' of chart 'flood\.c2' of host '$B' refused: the host has 50 dimensions, the limit of \[db\] max dimensions per host \(50\)" 20

charts_of() { # HOST -> "charts dimensions" from /host/H/api/v1/charts
  h_http_get "$BASE/host/$1/api/v1/charts" | python3 -c '
import json, sys
c = json.load(sys.stdin)["charts"]
print(len(c), sum(len(x["dimensions"]) for x in c.values()))'
}
has_data() { # HOST CHART: points stored (the flooder's rows run ahead of the clock)
  h_http_get "$BASE/host/$1/api/v1/chart?chart=$2" 2>/dev/null \
    | python3 -c 'import json,sys; sys.exit(0 if int(json.load(sys.stdin).get("last_entry") or 0) > 0 else 1)'
}
h_wait_for -t 20 -m "data of $A's flood.c0" has_data "$A" flood.c0
h_wait_for -t 20 -m "data of $B's flood.c2" has_data "$B" flood.c2
h_assert_eq "20 20" "$(charts_of "$A")" "$A's charts and dimensions"
h_assert_eq "3 50" "$(charts_of "$B")" "$B's charts and dimensions"

wait "$APID" || h_fail "child A was disconnected: $(cat "$T/a.out")"
wait "$BPID" || h_fail "child B was disconnected: $(cat "$T/b.out")"
h_assert_contains "$(cat "$T/a.out")" "flooded:" "child A's rows"
h_wait_log "$TLOG" "host '$A': 10 charts and 0 dimensions refused so far" 20
h_wait_log "$TLOG" "host '$B': 2 charts and 10 dimensions refused so far" 20
n_a=$(grep -c "of host '$A' refused" "$TLOG" || true)
n_b=$(grep -c "of host '$B' refused" "$TLOG" || true)
h_assert_eq 1 "$n_a" "refusal lines naming a chart of $A"
h_assert_eq 2 "$n_b" "refusal lines of $B (one for its dimensions, one for its charts)"
if grep -E "STREAM ($A|$B) .*(Disabling it|does not exist)" "$TLOG"; then
  h_fail "a refused chart's rows broke the stream"
fi
h_pass
