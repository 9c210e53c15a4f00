#!/usr/bin/env bash
# Health compared with a REAL Netdata 1.37.1 parent: one fake child's stream is
# fanned out (ndrelay.py) to a tributary parent and to a Netdata parent, both
# with the same health.d file (stock files off). The alerts use calc with
# dimension variables, a lookup minus a dimension, and a template; the child's
# dimensions keep constant differences, so the statuses do not depend on when
# each parent evaluates. Both parents must list the same alerts with the same
# status, and values within 1.5 of each other.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$H_HARNESS/tribconf.sh"

KEY=$(cat /proc/sys/kernel/random/uuid)
T=$(h_tmpdir)
NPORT=$(h_free_port)
TPORT=$(h_free_port)
CHILD=hvn-child-$$

cat > "$T/compare.conf" <<'CONF'
 alarm: diff_warn
    on: fake.c0
  calc: $d1 - $d0
 every: 1s
  warn: $this > 5
  crit: $this > 15

 alarm: diff_crit
    on: fake.c0
  calc: $d2 - $d0
 every: 1s
  warn: $this > 5
  crit: $this > 15

 alarm: ratio
    on: fake.c0
  calc: $d2 / $d1 * 10
 every: 1s
  warn: $this > 5 && $this < 50

 alarm: lookup_max
    on: fake.c1
lookup: max -5s unaligned of d2
 every: 1s
  calc: $this - $d0
  warn: $this > 15
  crit: $this > 25

template: tmpl_clear
      on: fake.c2
  calc: $d0 * 0
 every: 1s
  warn: $this > 1
CONF

# ------------------------------------------------------------ the real parent
NDPEER_HEALTH=yes NDPEER_PROC=none NDPEER_HOSTNAME=hvn-netdata-$$ \
NDPEER_EXTRA_CONF=$'[health]\n    enable stock health configuration = no' \
  h_ndpeer parent "$NPORT" "$T/nd" "$KEY"
cp "$T/compare.conf" "$T/nd/etc/health.d/compare.conf"
bash "$H_NDPEER" wait-http "$NPORT" 40 || h_fail "netdata parent did not start"

# ------------------------------------------------------------ tributary
tc_instance "$T/tr" "hvn-tributary-$$" "127.0.0.1:$TPORT"
mkdir -p "$T/tr/conf/health.d"
cp "$T/compare.conf" "$T/tr/conf/health.d/"
cat >> "$T/tr/conf/netdata.conf" <<CONF
[health]
    enabled = yes
    enable stock health configuration = no
[directories]
    health config = $T/tr/conf/health.d
CONF
printf '[%s]\n    enabled = yes\n    default postpone alarms on connect seconds = 60\n' "$KEY" \
  > "$T/tr/conf/stream.conf"
tc_start tributary "$T/tr"
h_wait_http "$TPORT" /api/v1/info 20

# ------------------------------------------------------------ one child, both parents
h_start relay python3 "$H_HARNESS/ndrelay.py" --listen 127.0.0.1:0 --port-file "$T/relay.port" \
  --upstream "127.0.0.1:$TPORT" --upstream2 "127.0.0.1:$NPORT"
h_wait_for -t 10 -m "relay port" test -s "$T/relay.port"
h_start child python3 "$H_HARNESS/ndfakechild.py" --dest "127.0.0.1:$(cat "$T/relay.port")" \
  --key "$KEY" --hostname "$CHILD" --charts 3 --dims 3 --iterations 240 --interval 1 --timeout 30

alarms() { # PORT FILE
  h_http_get "http://127.0.0.1:$1/host/$CHILD/api/v1/alarms?all" > "$2.tmp" && mv "$2.tmp" "$2"
}
settled() { # PORT FILE : every compared alert evaluated (not UNINITIALIZED)
  alarms "$1" "$2" || return 1
  python3 - "$2" <<'PY'
import json, sys
a = json.load(open(sys.argv[1])).get("alarms", {})
keys = ["fake.c0.diff_warn", "fake.c0.diff_crit", "fake.c0.ratio", "fake.c1.lookup_max", "fake.c2.tmpl_clear"]
sys.exit(0 if all(k in a and a[k]["status"] not in ("UNINITIALIZED", "UNDEFINED") for k in keys) else 1)
PY
}
# Both apply 60 s of `postpone alarms on connect` first.
h_wait_for -t 150 -m "tributary evaluated the alerts" settled "$TPORT" "$T/tr.json"
h_wait_for -t 150 -m "netdata evaluated the alerts" settled "$NPORT" "$T/nd.json"
alarms "$TPORT" "$T/tr.json"

python3 - "$T/tr.json" "$T/nd.json" <<'PY' || h_fail "tributary and Netdata disagree"
import json, sys
tr = json.load(open(sys.argv[1]))["alarms"]
nd = json.load(open(sys.argv[2]))["alarms"]
want = {"fake.c0.diff_warn": ("WARNING", 10), "fake.c0.diff_crit": ("CRITICAL", 20),
        "fake.c0.ratio": ("WARNING", 10), "fake.c1.lookup_max": ("WARNING", 20),
        "fake.c2.tmpl_clear": ("CLEAR", 0)}
bad = []
for k, (status, value) in want.items():
    t, n = tr[k], nd[k]
    print("%-22s tributary %-8s %8.3f   netdata %-8s %8.3f" % (k, t["status"], t["value"], n["status"], n["value"]), file=sys.stderr)
    if t["status"] != n["status"] or t["status"] != status:
        bad.append(k + " status")
    if abs(t["value"] - n["value"]) > 1.5 or abs(t["value"] - value) > 1.5:
        bad.append(k + " value")
    for field in ("units", "calc", "calc_parsed", "warn", "warn_parsed", "crit", "crit_parsed",
                  "lookup_method", "lookup_after", "lookup_options", "update_every", "info"):
        if t.get(field) != n.get(field):
            bad.append("%s %s: %r vs %r" % (k, field, t.get(field), n.get(field)))
if bad:
    print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
h_alive "$(h_pid tributary)" || h_fail "tributary died"
h_pass
