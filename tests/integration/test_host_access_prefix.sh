#!/usr/bin/env bash
# `[global] host access prefix`: a tributary child monitoring its node from a
# container reads the node's /proc, /sys and /etc/os-release below the prefix,
# as Netdata does. The prefix here is a fake tree with known contents (the
# proc collector's fixtures, a made-up OS, an uptime of 4242 s that never
# moves); a tributary parent must show the child's system facts and its
# system.uptime values from that tree, not from this machine.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

D=$TRIBUTARY_TEST_DATA
KEY=$(cat /proc/sys/kernel/random/uuid)
CHILD=prefix-child-$$
PPORT=$(h_free_port)
CPORT=$(h_free_port)
T=$(h_tmpdir)
PBASE=http://127.0.0.1:$PPORT

# ------------------------------------------------ the node's files, faked
N=$T/node
mkdir -p "$N/proc" "$N/sys" "$N/etc"
cp -r "$D/proc/first/." "$N/proc/"
cp -r "$D/proc/sys/." "$N/sys/"
cp -r "$D/sysinfo/sys/." "$N/sys/"
cp "$D/sysinfo/proc/cpuinfo" "$N/proc/cpuinfo"
echo "4242.00 8000.00" > "$N/proc/uptime"
cat > "$N/etc/os-release" <<'OS'
NAME="Fakeix"
ID=fakeix
ID_LIKE=debian
VERSION="7 (prefix)"
VERSION_ID="7"
OS
ram_kb=$(awk '/^MemTotal:/ { print $2 }' "$N/proc/meminfo")
[ "$ram_kb" != "$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)" ] \
  || h_fail "the fake meminfo has this machine's MemTotal; the test could not tell them apart"

# ------------------------------------------------ parent and child
tc_instance "$T/parent" prefix-parent-$$ "127.0.0.1:$PPORT"
printf '[%s]\n    enabled = yes\n    allow from = *\n    default memory mode = ram\n' "$KEY" \
  > "$T/parent/conf/stream.conf"
tc_start parent "$T/parent"
h_wait_http "$PPORT" /api/v1/info 20

tc_instance "$T/child" "$CHILD" "127.0.0.1:$CPORT"
printf '[global]\n    host access prefix = %s/\n' "$N" >> "$T/child/conf/netdata.conf"
printf '[stream]\n    enabled = yes\n    destination = 127.0.0.1:%s\n    api key = %s\n' "$PPORT" "$KEY" \
  > "$T/child/conf/stream.conf"
"$TRIBUTARY_BIN" check-config --strict --config-dir "$T/child/conf" > "$T/check.out" 2>&1 \
  || { cat "$T/check.out"; h_fail "host access prefix is not a clean setting"; }
tc_start child "$T/child"

# ------------------------------------------------ system facts from the tree
facts() {
  h_http_get "$PBASE/host/$CHILD/api/v1/info" | python3 -c '
import json, sys
j = json.load(sys.stdin)
print(j["os_name"], j["os_id"], j["os_version_id"], j["ram_total"], j["cpu_freq"],
      j["total_disk_space"], j["cores_total"])' 2>/dev/null
}
disk=$(for f in "$N"/sys/block/*/size; do case $f in */loop*) ;; *) cat "$f" ;; esac; done \
  | awk '{ s += $1 } END { printf "%.0f", s * 512 }')
want="Fakeix fakeix 7 $((ram_kb * 1024)) 3000000000 $disk 2"
got_facts() { local f; f=$(facts); [ "$f" = "$want" ] || { echo "$f" > "$T/facts.last"; return 1; }; }
h_wait_for -t 30 -m "the child's system facts from $N on the parent: '$want'" got_facts
h_log "system facts: $(facts)"

# ------------------------------------------------ collected values from the tree
uptimes() { # the child's system.uptime values on the parent, one per line
  h_http_get "$PBASE/host/$CHILD/api/v1/data?chart=system.uptime&after=-10&format=json" \
    | python3 -c 'import json,sys; [print(int(r[1])) for r in json.load(sys.stdin)["data"] if r[1] is not None]' 2>/dev/null
}
three_rows() { [ "$(uptimes | wc -l)" -ge 3 ]; }
h_wait_for -t 30 -m "three system.uptime rows of $CHILD on the parent" three_rows
vals=$(uptimes | sort -u | tr '\n' ' ')
h_assert_eq "4242 " "$vals" "system.uptime comes from $N/proc/uptime"
h_pass
