#!/usr/bin/env bash
# A parent configured with a newer Netdata's files (tests/data/config/
# netdata-1.44: a v1.44 netdata.conf and stream.conf with their new keys and
# sections, [logs], [ml], [cloud], [exporting:global], ..., plus three keys no
# Netdata knows):
#   * check-config reports the three unknown keys as warnings at file:line
#     (with a did-you-mean for the typo), the newer keys as notes, and exits
#     0; --strict exits 1;
#   * `run` starts, logs the same warnings with file:line, and a child
#     streams into it; `[logs] level = warning` keeps INFO lines out;
#   * a value it cannot use for a key it knows ([logs] level = loud) still
#     stops `run` with file:line.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

KEY=$(cat /proc/sys/kernel/random/uuid)
PARENT=newer-parent-$$
CHILD=newer-child-$$
PPORT=$(h_free_port)
T=$(h_tmpdir)
PBASE=http://127.0.0.1:$PPORT
SRC=$TRIBUTARY_TEST_DATA/config/netdata-1.44

P=$T/parent
mkdir -p "$P/conf" "$P/log" "$P/cache" "$P/lib"
# [logs] level = warning (v1.44's key): no INFO line may reach the log.
sed -e "s|@HOSTNAME@|$PARENT|g" -e "s|@BIND@|127.0.0.1:$PPORT|g" -e "s|@DIR@|$P|g" \
  -e 's/^\tlevel = info$/\tlevel = warning/' "$SRC/netdata.conf" > "$P/conf/netdata.conf"
grep -q "^.level = warning$" "$P/conf/netdata.conf" || h_fail "no [logs] level line to change"
sed -e "s|@KEY@|$KEY|g" "$SRC/stream.conf" > "$P/conf/stream.conf"
line_of() { grep -nF -- "$2" "$1" | head -1 | cut -d: -f1; }
L_FLOOD=$(line_of "$P/conf/netdata.conf" "flood protection sample")
L_TYPO=$(line_of "$P/conf/netdata.conf" "allow conections from")
L_STEP=$(line_of "$P/conf/stream.conf" "replication_step")
W_FLOOD="$P/conf/netdata.conf:$L_FLOOD: warning: [logs] flood protection sample: unknown key"
W_TYPO="$P/conf/netdata.conf:$L_TYPO: warning: [web] allow conections from: unknown key; did you mean \`allow connections from\`?"
W_STEP="$P/conf/stream.conf:$L_STEP: warning: [$KEY] replication_step: not read by Netdata"

# ------------------------------------------------ check-config
rc=0
"$TRIBUTARY_BIN" check-config --config-dir "$P/conf" > "$T/check.out" 2>&1 || rc=$?
h_assert_eq 0 "$rc" "check-config exit code with warnings only"
out=$(cat "$T/check.out")
h_assert_contains "$out" "$W_FLOOD" "unknown [logs] key"
h_assert_contains "$out" "$W_TYPO" "typo with a did-you-mean"
h_assert_contains "$out" "$W_STEP" "replication_step"
h_assert_contains "$out" "0 errors, 3 warnings," "summary"
h_assert_contains "$out" "[db] dbengine tier 0 retention size: setting of Netdata v2.0 and later, not used by tributary" "a v2 key is a note"
h_assert_contains "$out" "[db] dbengine page type: setting of Netdata v1.44 and later" "a v1.44 key is a note"
h_assert_contains "$out" "zstd compression level: setting of Netdata v1.44 and later" "a v1.44 stream.conf key is a note"
rc=0
"$TRIBUTARY_BIN" check-config --strict --config-dir "$P/conf" > "$T/strict.out" 2>&1 || rc=$?
h_assert_eq 1 "$rc" "check-config --strict exit code with warnings"

# ------------------------------------------------ run starts and logs them
tc_start parent "$P"
h_wait_http "$PPORT" /api/v1/info 20
PLOG=$P/log/error.log
h_wait_for -t 10 -m "parent error.log" test -f "$PLOG"
for w in "$W_FLOOD" "$W_TYPO" "$W_STEP"; do
  h_wait_for -t 10 -m "[$w] in the parent's log" grep -qF -- "$w" "$PLOG"
done
[ "$(grep -c "warning: " "$PLOG" || true)" -ge 3 ] || h_fail "fewer than 3 config warnings logged"

# ------------------------------------------------ a child streams into it
tc_instance "$T/child" "$CHILD" "127.0.0.1:$(h_free_port)"
printf '[stream]\n    enabled = yes\n    destination = 127.0.0.1:%s\n    api key = %s\n' "$PPORT" "$KEY" \
  > "$T/child/conf/stream.conf"
tc_start child "$T/child"
last_entry() {
  h_http_get "$PBASE/host/$CHILD/api/v1/chart?chart=system.uptime" \
    | python3 -c 'import json,sys; print(int(json.load(sys.stdin).get("last_entry") or 0))' 2>/dev/null \
    || echo 0
}
after() { [ "$(last_entry)" -gt "$1" ]; }
h_wait_for -t 30 -m "system.uptime of $CHILD on the parent" after 0
first=$(last_entry)
h_wait_for -t 10 -m "$CHILD's data advancing" after "$((first + 1))"
if grep -q " INFO : " "$PLOG"; then
  grep " INFO : " "$PLOG" | head -3
  h_fail "INFO lines logged with [logs] level = warning"
fi
labels=$(h_http_get "$PBASE/api/v1/info" | python3 -c 'import json,sys; print(json.load(sys.stdin)["host_labels"].get("tier",""))')
h_assert_eq parent "$labels" "[host labels] of the newer netdata.conf"

# ------------------------------------------------ a bad value still stops run
B=$T/bad
mkdir -p "$B/conf"
sed -e 's/^\tlevel = warning$/\tlevel = loud/' "$P/conf/netdata.conf" > "$B/conf/netdata.conf"
cp "$P/conf/stream.conf" "$B/conf/stream.conf"
L_LEVEL=$(line_of "$B/conf/netdata.conf" "level = loud")
rc=0
timeout 20 "$TRIBUTARY_BIN" run --config-dir "$B/conf" > "$T/bad.out" 2>&1 || rc=$?
h_assert_eq 1 "$rc" "run with [logs] level = loud"
h_assert_contains "$(cat "$T/bad.out")" "$B/conf/netdata.conf:$L_LEVEL: [logs] level: \`loud\` is not a log level" "the bad value at file:line"
h_pass
