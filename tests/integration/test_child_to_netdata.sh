#!/usr/bin/env bash
# Two tributary children stream their own /proc metrics to a REAL Netdata
# 1.37.1 parent (receive-only: NDPEER_PROC=none), one with lz4 compression,
# one without (each has its own [directories] lib, hence its own machine GUID):
#   * the parent's mirrored_hosts lists both, reachable, with hops 1;
#   * /host/<child>/api/v1/charts on the parent has system.cpu, system.uptime,
#     system.load, system.ram (and net.<iface> when this machine has a non-lo
#     interface that moved bytes);
#   * values are sane: the child's system.uptime on the parent is within 5 s of
#     /proc/uptime read at the same time; system.ram free+used+cached+buffers
#     is within 5% of MemTotal (MiB);
#   * the parent shows the child's OS name, CPU count, kernel and RAM (the
#     NETDATA_SYSTEM_* facts of the STREAM request) in /host/<child>/api/v1/info;
#   * the parent's error.log shows "established link with negotiated
#     capabilities" with COMPRESSION for the lz4 child and without it for the
#     plain one; each child logs its own established link and "enabling
#     metrics streaming...".
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$H_HARNESS/tribconf.sh"

KEY=$(cat /proc/sys/kernel/random/uuid)
PPORT=$(h_free_port)
T=$(h_tmpdir)
PBASE=http://127.0.0.1:$PPORT
CHILDREN=(tc-lz4-$$ tc-plain-$$)
COMP=(yes no)

# ------------------------------------------------------------ real parent
NDPEER_PROC=none NDPEER_COMPRESSION=yes NDPEER_HOSTNAME=nd-parent-$$ \
  h_ndpeer parent "$PPORT" "$T/parent" "$KEY"
bash "$H_NDPEER" wait-http "$PPORT" 40 || h_fail "netdata parent did not start"
PLOG=$T/parent/log/error.log

# ------------------------------------------------------------ two tributary children
CPORTS=($(h_free_port) $(h_free_port))
for i in 0 1; do
  d=$T/child$i
  tc_instance "$d" "${CHILDREN[i]}" "127.0.0.1:${CPORTS[i]}"
  cat > "$d/conf/stream.conf" <<CONF
[stream]
    enabled = yes
    destination = tcp:127.0.0.1:$PPORT
    api key = $KEY
    enable compression = ${COMP[i]}
    reconnect delay seconds = 1
    timeout seconds = 60
CONF
  tc_start "child$i" "$d"
done

info_has_children() {
  tc_info_json "$PBASE" "$T/info.json" || return 1
  local h
  for h in "${CHILDREN[@]}"; do
    [ "$(tc_hops "$T/info.json" "$h")" = "true 1" ] || return 1
  done
}
h_wait_for -t 40 -m "parent mirrors ${CHILDREN[*]} (reachable, hops 1)" info_has_children
h_assert_contains "$(cat "$T/info.json")" "\"${CHILDREN[0]}\"" "mirrored_hosts"
h_assert_contains "$(cat "$T/info.json")" "\"${CHILDREN[1]}\"" "mirrored_hosts"

# distinct machine GUIDs
g0=$(python3 -c 'import json,sys; i=json.load(open(sys.argv[1])); print(i["mirrored_hosts_status"][i["mirrored_hosts"].index(sys.argv[2])]["guid"])' "$T/info.json" "${CHILDREN[0]}" 2>/dev/null || echo x0)
g1=$(python3 -c 'import json,sys; i=json.load(open(sys.argv[1])); print(i["mirrored_hosts_status"][i["mirrored_hosts"].index(sys.argv[2])]["guid"])' "$T/info.json" "${CHILDREN[1]}" 2>/dev/null || echo x1)
[ "$g0" != "$g1" ] || h_fail "both children have machine GUID $g0"

# a non-lo interface that moved bytes -> net.<iface> is expected
NET_IFACE=$(awk -F'[: ]+' 'NR > 2 { sub(/^ +/, ""); split($0, a, /[: ]+/); if (a[1] != "lo" && (a[2] + a[10]) > 0) { print a[1]; exit } }' /proc/net/dev)
h_log "non-lo interface with traffic: ${NET_IFACE:-none}"

has_charts() { # HOST
  h_http_get "$PBASE/host/$1/api/v1/charts" > "$T/charts-$1.json" || return 1
  python3 - "$T/charts-$1.json" "$NET_IFACE" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])).get("charts", {})
want = ["system.cpu", "system.uptime", "system.load", "system.ram"]
if sys.argv[2]:
    want.append("net." + sys.argv[2])
missing = [w for w in want if w not in c]
sys.exit(1 if missing else 0)
PY
}

uptime_close() { # HOST
  h_http_get "$PBASE/host/$1/api/v1/data?chart=system.uptime&after=-10&format=json" > "$T/uptime-$1.json" || return 1
  python3 - "$T/uptime-$1.json" <<'PY'
import json, sys
proc = float(open("/proc/uptime").read().split()[0])
d = json.load(open(sys.argv[1]))
rows = [r for r in d.get("data", []) if r[1] is not None]
if not rows:
    sys.exit(1)
latest = max(rows, key=lambda r: r[0])[1]
print("uptime on parent %.1f, /proc/uptime %.1f" % (latest, proc), file=sys.stderr)
sys.exit(0 if abs(latest - proc) <= 5 else 1)
PY
}

ram_close() { # HOST
  h_http_get "$PBASE/host/$1/api/v1/data?chart=system.ram&after=-10&format=json" > "$T/ram-$1.json" || return 1
  python3 - "$T/ram-$1.json" <<'PY'
import json, sys
total = None
for line in open("/proc/meminfo"):
    if line.startswith("MemTotal:"):
        total = int(line.split()[1]) / 1024.0
d = json.load(open(sys.argv[1]))
labels = d["labels"]
rows = [r for r in d.get("data", []) if all(v is not None for v in r)]
if not rows or not all(x in labels for x in ("free", "used", "cached", "buffers")):
    sys.exit(1)
r = max(rows, key=lambda r: r[0])
s = sum(abs(r[labels.index(x)]) for x in ("free", "used", "cached", "buffers"))
print("ram sum %.1f MiB, MemTotal %.1f MiB" % (s, total), file=sys.stderr)
sys.exit(0 if abs(s - total) <= 0.05 * total else 1)
PY
}

for h in "${CHILDREN[@]}"; do
  h_wait_for -t 30 -m "charts of $h on the parent (system.cpu/uptime/load/ram${NET_IFACE:+, net.$NET_IFACE})" has_charts "$h"
  h_wait_for -t 20 -m "system.uptime of $h within 5 s of /proc/uptime" uptime_close "$h"
  h_wait_for -t 20 -m "system.ram of $h sums to MemTotal within 5%" ram_close "$h"
  h_log "$h: $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["charts"]))' "$T/charts-$h.json") charts on the parent"
done

# ------------------------------------------------------------ system info
# The parent shows the child's OS and hardware from the STREAM request.
info_matches() { # HOST
  h_http_get "$PBASE/host/$1/api/v1/info" > "$T/hostinfo-$1.json" || return 1
  python3 - "$T/hostinfo-$1.json" <<'PY'
import json, os, sys
i = json.load(open(sys.argv[1]))
name = ""
if os.path.exists("/etc/os-release"):
    for line in open("/etc/os-release"):
        if line.startswith("NAME="):
            name = line.split("=", 1)[1].strip().strip('"')
cpus = sum(1 for l in open("/proc/cpuinfo") if l.startswith("processor"))
ok = i.get("os_name") == name and i.get("cores_total") == str(cpus) \
     and i.get("kernel_name") == os.uname().sysname and int(i.get("ram_total") or 0) > 0
if not ok:
    print("child info on the parent: %r" % {k: i.get(k) for k in ("os_name", "cores_total", "kernel_name", "ram_total")}, file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}
h_wait_for -t 20 -m "the parent shows ${CHILDREN[0]}'s OS and hardware" info_matches "${CHILDREN[0]}"

# ------------------------------------------------------------ negotiated capabilities
for i in 0 1; do
  h=${CHILDREN[i]}
  h_wait_log "$PLOG" "STREAM $h \[receive from [^]]*\]\]?:? ?.*established link with negotiated capabilities" 10
  caps=$(grep -E "STREAM $h \[receive from .*established link with negotiated capabilities" "$PLOG" | tail -1)
  ccaps=$(grep -E "STREAM $h \[send to .*\]: established link with negotiated capabilities" "$T/child$i/log/error.log" | tail -1)
  [ -n "$ccaps" ] || h_fail "child $h did not log its established link"
  grep -q "STREAM $h \[send to .*\]: enabling metrics streaming\.\.\." "$T/child$i/log/error.log" \
    || h_fail "child $h did not log 'enabling metrics streaming...'"
  if [ "${COMP[i]}" = yes ]; then
    h_assert_contains "$caps" "COMPRESSION" "parent's negotiated capabilities for lz4 child $h"
    h_assert_contains "$ccaps" "COMPRESSION" "lz4 child $h's negotiated capabilities"
  else
    case "$caps $ccaps" in *COMPRESSION*) h_fail "compression negotiated with plain child $h: [$caps] [$ccaps]" ;; esac
  fi
  # The child's own /api/v1/info tells its streaming state as 1.37.1 does
  # ("stream-compression": what the link negotiated), and one version:
  # the Netdata one where Netdata clients read it, tributary's own beside it.
  h_http_get "http://127.0.0.1:${CPORTS[i]}/api/v1/info" > "$T/own-info-$i.json"
  h_http_get "http://127.0.0.1:${CPORTS[i]}/api/v1/allmetrics?format=prometheus" > "$T/own-prom-$i.txt"
  own=$("$TRIBUTARY_BIN" --version)
  python3 - "$T/own-info-$i.json" "$T/own-prom-$i.txt" "${COMP[i]}" "${own#tributary }" <<'PY' || h_fail "child $h's /api/v1/info streaming state or version"
import json, sys
i = json.load(open(sys.argv[1]))
prom = open(sys.argv[2]).read().splitlines()[0]
want = {"stream-enabled": True, "stream-compression": sys.argv[3] == "yes",
        "version": "v1.37.1", "tributary-version": sys.argv[4]}
got = {k: i.get(k) for k in want}
print(f"info {got}; {prom}", file=sys.stderr)
assert got == want, f"{got} != {want}"
assert ',version="v1.37.1"' in prom, prom
PY
  # one link per child, no reconnect loop
  n=$(grep -cE "STREAM $h \[receive from .*established link with negotiated capabilities" "$PLOG" || true)
  h_assert_eq 1 "$n" "links the parent established for $h"
done
for i in 0 1; do
  h_alive "$(h_pid "child$i")" || h_fail "tributary child $i died"
done
h_pass
