#!/usr/bin/env bash
# Health on a tributary parent for a streamed child, with postponement:
#   * the parent reads its own health.d (stock files off) with an alarm on the
#     child's chart fake.c1 (lookup of d0, which grows by 1 each second from
#     1000) and a foreach template on fake.c2;
#   * `postpone alarms on connect seconds = 6` in the API key section: the
#     parent logs "postponing health checks for 6 seconds" at connect, the
#     monitor's postponed_until shows in /api/v1/actors, and nothing is linked or
#     evaluated before "resuming health checks" (at least 5 s later by the
#     log's own clock);
#   * then /host/<child>/api/v1/alarms?all lists the alarm and the template
#     instances, the alarm goes WARNING then CRITICAL as the value crosses
#     1015 and 1025 (its value within the range the child sent), and
#     alarm_log shows UNINITIALIZED -> ... -> CRITICAL transitions;
#     alarm_count counts it; alarms (without all) lists only raised ones;
#   * `health enabled by default = auto`: when the child goes away its alerts
#     freeze at their last status and alarms says "status": false;
#   * the alarm's `exec` script gets Netdata's 29 notification arguments for
#     the WARNING and the CRITICAL transitions (not for the first CLEAR).
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$H_HARNESS/tribconf.sh"

KEY=$(cat /proc/sys/kernel/random/uuid)
T=$(h_tmpdir)
PORT=$(h_free_port)
BASE=http://127.0.0.1:$PORT
CHILD=health-child-$$

tc_instance "$T/p" "health-parent-$$" "127.0.0.1:$PORT"
mkdir -p "$T/p/conf/health.d"
cat >> "$T/p/conf/netdata.conf" <<CONF
[health]
    enabled = yes
    enable stock health configuration = no
[directories]
    health config = $T/p/conf/health.d
CONF
cat > "$T/p/conf/stream.conf" <<CONF
[$KEY]
    enabled = yes
    default memory mode = ram
    default postpone alarms on connect seconds = 6
    health enabled by default = auto
CONF
cat > "$T/notify.sh" <<SCRIPT
#!/bin/sh
printf '%s\n' "\$#" "\$@" > "$T/notify.\$3.args"
SCRIPT
chmod +x "$T/notify.sh"
cat > "$T/p/conf/health.d/fake.conf" <<CONF
 alarm: fake_level
  exec: $T/notify.sh
    on: fake.c1
lookup: average -2s unaligned of d0
 every: 1s
 units: things
  warn: \$this > 1015
  crit: \$this > 1025
  info: level of the first fake dimension

template: fake_dim
      on: fake.c2
  lookup: max -2s unaligned foreach d0,d2
   every: 1s
    warn: \$this > 100000
CONF
tc_start parent "$T/p"
h_wait_http "$PORT" /api/v1/info 20
PLOG=$T/p/log/error.log

h_start child python3 "$H_HARNESS/ndfakechild.py" --dest "127.0.0.1:$PORT" --key "$KEY" \
  --hostname "$CHILD" --charts 3 --dims 3 --iterations 60 --interval 1 --timeout 20
h_wait_log "$PLOG" "HEALTH $CHILD: postponing health checks for 6 seconds" 20

# While postponed: the monitor shows until when, and nothing is linked.
actors=$(h_http_get "$BASE/api/v1/actors")
h_assert_contains "$actors" "\"HEALTH $CHILD\"" "the child's health monitor in /api/v1/actors"
if ! grep -q "HEALTH $CHILD: resuming health checks" "$PLOG"; then
  echo "$actors" | python3 -c '
import json, sys, time
for a in json.load(sys.stdin)["actors"]:
    if a["name"] == "HEALTH " + sys.argv[1]:
        sys.exit(0 if a["counters"]["postponed_until"] > time.time() - 2 else 1)
sys.exit(1)' "$CHILD" || h_fail "no postponed_until in the health monitor: $actors"
fi
early=$(h_http_get "$BASE/host/$CHILD/api/v1/alarms?all")
if ! grep -q "HEALTH $CHILD: resuming health checks" "$PLOG"; then
  case "$early" in *fake_level*) h_fail "an alarm was linked while health was postponed" ;; esac
fi

h_wait_log "$PLOG" "HEALTH $CHILD: resuming health checks" 20
python3 - "$PLOG" "$CHILD" <<'PY' || h_fail "health resumed less than 5 s after it was postponed"
import re, sys, datetime
def when(pattern):
    for line in open(sys.argv[1]):
        if pattern in line:
            return datetime.datetime.strptime(line[:19], "%Y-%m-%d %H:%M:%S")
a = when("HEALTH %s: postponing health checks" % sys.argv[2])
b = when("HEALTH %s: resuming health checks" % sys.argv[2])
sys.exit(0 if a and b and (b - a).total_seconds() >= 5 else 1)
PY

status_of() { # ALERT-KEY -> status in alarms?all
  h_http_get "$BASE/host/$CHILD/api/v1/alarms?all" > "$T/alarms.json" || return 1
  python3 - "$T/alarms.json" "$1" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["alarms"].get(sys.argv[2])
print(a["status"] if a else "missing")
PY
}
is_status() { [ "$(status_of "$1")" = "$2" ]; }
# Listed in any state: on a slow machine the first poll may already see
# WARNING; the alarm log below proves the CLEAR -> WARNING transition.
listed() { [ "$(status_of "$1")" != missing ]; }
h_wait_for -t 20 -m "fake.c1.fake_level listed" listed fake.c1.fake_level
h_wait_for -t 30 -m "fake.c1.fake_level WARNING" is_status fake.c1.fake_level WARNING
h_wait_for -t 30 -m "fake.c1.fake_level CRITICAL" is_status fake.c1.fake_level CRITICAL

python3 - "$T/alarms.json" <<'PY' || h_fail "alarms?all content"
import json, sys
j = json.load(open(sys.argv[1]))
a = j["alarms"]
assert j["status"] is True, j["status"]
lvl = a["fake.c1.fake_level"]
assert lvl["units"] == "things" and lvl["lookup_method"] == "average", lvl
assert lvl["lookup_after"] == -2 and "unaligned" in lvl["lookup_options"], lvl
assert 1025 < lvl["value"] < 1100, lvl["value"]
# Netdata prints expressions HTML-escaped here.
assert lvl["warn"] == "$this &gt; 1015" and lvl["crit"] == "$this &gt; 1025", lvl
assert set(k for k in a if k.startswith("fake.c2.")) == {"fake.c2.fake_dim_d0", "fake.c2.fake_dim_d2"}, list(a)
assert a["fake.c2.fake_dim_d2"]["status"] == "CLEAR", a["fake.c2.fake_dim_d2"]
PY

raised=$(h_http_get "$BASE/host/$CHILD/api/v1/alarms")
h_assert_contains "$raised" "fake.c1.fake_level" "raised alarms"
case "$raised" in *fake_dim*) h_fail "a CLEAR alert in /api/v1/alarms without all" ;; esac
h_assert_eq "[1]" "$(h_http_get "$BASE/host/$CHILD/api/v1/alarm_count?status=CRITICAL")" "alarm_count CRITICAL"
h_http_get "$BASE/host/$CHILD/api/v1/info" > "$T/info.json"
python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["alarms"]; sys.exit(0 if a["critical"] == 1 and a["normal"] >= 2 else 1)' "$T/info.json" \
  || h_fail "alarm counts in /host/$CHILD/api/v1/info: $(head -c 300 "$T/info.json")"

h_http_get "$BASE/host/$CHILD/api/v1/alarm_log" > "$T/log.json"
python3 - "$T/log.json" <<'PY' || h_fail "alarm_log transitions"
import json, sys
log = [e for e in json.load(open(sys.argv[1])) if e["name"] == "fake_level"]
seq = [(e["old_status"], e["status"]) for e in reversed(log)]
assert seq[0] == ("UNINITIALIZED", "UNINITIALIZED"), seq
assert ("CLEAR", "WARNING") in seq and ("WARNING", "CRITICAL") in seq, seq
ids = [e["unique_id"] for e in log]
assert ids == sorted(ids, reverse=True), ids
PY
h_assert_contains "$(cat "$PLOG")" "alarm 'fake.c1.fake_level' is CRITICAL" "the notification line"
notified() { [ "$(ls "$T"/notify.*.args 2>/dev/null | wc -l)" -ge 2 ]; }
h_wait_for -t 10 -m "the exec script ran for WARNING and CRITICAL" notified
python3 - "$T" "$CHILD" <<'PY' || h_fail "notification arguments"
import glob, sys
runs = [open(f).read().split("\n") for f in sorted(glob.glob(sys.argv[1] + "/notify.*.args"))]
assert len(runs) == 2, runs
for r in runs:
    assert r[0] == "29", r
    args = r[1:30]
    assert args[1] == sys.argv[2] and args[6] == "fake_level" and args[7] == "fake.c1", args
    assert args[8] == "fake" and args[16] == "things", args
assert [(r[10], r[11]) for r in runs] == [("WARNING", "CLEAR"), ("CRITICAL", "WARNING")], [(r[10], r[11]) for r in runs]
assert runs[1][21] == "$this > 1025", runs[1][21]
assert len(runs[1][29]) == 36, runs[1][29]   # the child's machine GUID
PY

# auto: the child leaves, its alerts freeze
h_stop "$(h_pid child)"
h_wait_log "$PLOG" "HEALTH $CHILD: the host disconnected: health checks paused" 20
frozen=$(h_http_get "$BASE/host/$CHILD/api/v1/alarms?all")
h_assert_contains "$frozen" '"status": false' "alarms of a disconnected auto child"
h_assert_eq CRITICAL "$(status_of fake.c1.fake_level)" "frozen status"

# localhost of a parent with health: stock files off, nothing listed, enabled.
h_assert_contains "$(h_http_get "$BASE/api/v1/alarms")" '"status": true' "localhost health"
h_alive "$(h_pid parent)" || h_fail "the parent died"
h_pass
