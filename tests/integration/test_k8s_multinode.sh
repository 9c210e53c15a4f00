#!/usr/bin/env bash
# The three tiers the Helm chart deploys, one network namespace per pod, with
# the very configs it renders (deploy/k8s/tributary-with-proxy.yaml, which
# tests/deploy/check_helm.sh keeps equal to `helm template` with
# tests/deploy/values-proxy.yaml): two node monitors (children) -> two
# proxies -> two parents. The pods' DNS names become namespace addresses.
#
#   edge switch: node-a, node-d, proxy-0, proxy-1     (10.77.213.0/24)
#   core switch: proxy-0, proxy-1, parent-0, parent-1 (10.77.214.0/24)
#
#  1. every child reaches a parent through a proxy (hops 2), each on the
#     parent its rendezvous order names first;
#  2. the proxies' links to the core switch go down for 60 s and come back:
#     each child's parent then holds every second of system.uptime across
#     the cut (replication from the proxies' RAM, or the held connection);
#  3. node-d goes away for good: its parent removes it after `[db] cleanup
#     orphan hosts after secs` (set to 15 here), node-a stays.
#
# Root only (network namespaces). The blackhole guard keeps the test's
# prefix from ever leaving the machine from the root namespace.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"

[ "$(id -u)" = 0 ] || h_fail "needs root (network namespaces)"
T=$(h_tmpdir)
MANIFEST=$TRIBUTARY_SOURCE_DIR/deploy/k8s/tributary-with-proxy.yaml
KEY=$(cat /proc/sys/kernel/random/uuid)
CUT_SECONDS=${K8S_CUT_SECONDS:-60}
ORPHAN_SECS=15
SVC=svc.cluster.local
GUARD=10.77.212.0/22
EDGE=10.77.213
CORE=10.77.214
NS_PREFIX=tk$$
SW=${NS_PREFIX}-sw
NODES=(node-a node-d proxy-0 proxy-1 parent-0 parent-1)
GUARD_ADDED=

# ------------------------------------------------------------------ cleanup
k8s_cleanup() {
  local rc=$1 i n
  set +e
  for ((i = ${#H_PIDS[@]} - 1; i >= 0; i--)); do h_stop "${H_PIDS[i]}" 5; done
  for n in "${NODES[@]}" sw; do
    ip netns del "${NS_PREFIX}-$n" 2> /dev/null
  done
  [ -z "$GUARD_ADDED" ] || ip route del blackhole "$GUARD" 2> /dev/null
  h__cleanup "$rc"
}
trap 'k8s_cleanup $?' EXIT

# ------------------------------------------------------------------ network
# The guard first: the root namespace can never send the test prefix anywhere.
if ! ip route show type blackhole | grep -q "^blackhole $GUARD"; then
  ip route add blackhole "$GUARD"
  GUARD_ADDED=1
fi
# (`ip route get` answers "Invalid argument" for a blackholed address.)
for a in "$EDGE.20" "$CORE.30"; do
  if ip route get "$a" > /dev/null 2>&1; then
    h_fail "the blackhole guard for $GUARD is not in force: $(ip route get "$a")"
  fi
done

ip netns add "$SW"
ip -n "$SW" link set lo up
for br in edge core; do
  ip -n "$SW" link add "br-$br" type bridge
  ip -n "$SW" link set "br-$br" up
done
port=0
plug() { # NODE SWITCH ADDRESS : a veth from NODE's namespace to the switch
  local ns=${NS_PREFIX}-$1 sw=$2 addr=$3
  port=$((port + 1))
  ip link add "eth-$sw" netns "$ns" type veth peer name "p$port-$sw" netns "$SW"
  ip -n "$SW" link set "p$port-$sw" master "br-$sw" up
  ip -n "$ns" addr add "$addr/24" dev "eth-$sw"
  ip -n "$ns" link set "eth-$sw" up
  echo "p$port-$sw" > "$T/port-$1-$sw"
}
for n in "${NODES[@]}"; do
  ip netns add "${NS_PREFIX}-$n"
  ip -n "${NS_PREFIX}-$n" link set lo up
done
plug node-a edge "$EDGE.11"
plug node-d edge "$EDGE.12"
plug proxy-0 edge "$EDGE.20"; plug proxy-0 core "$CORE.20"
plug proxy-1 edge "$EDGE.21"; plug proxy-1 core "$CORE.21"
plug parent-0 core "$CORE.30"
plug parent-1 core "$CORE.31"

# ------------------------------------------------------------------ configs
# The chart's init container fills in @API_KEY@, @POD_NAME@, @NODE_NAME@;
# here extract_conf.py does, then the cluster's names become addresses and
# the pod's volumes become directories.
instance() { # NODE TIER POD_NAME NODE_NAME
  local node=$1 tier=$2 dir=$T/$1
  python3 "$TRIBUTARY_SOURCE_DIR/tests/deploy/extract_conf.py" "$MANIFEST" "$T/render-$node" \
    "API_KEY=$KEY" "POD_NAME=$3" "NODE_NAME=$4"
  mkdir -p "$dir/conf" "$dir/log" "$dir/cache" "$dir/lib" "$dir/host/etc"
  # What the DaemonSet mounts read-only below `host access prefix`.
  ln -s /proc "$dir/host/proc"; ln -s /sys "$dir/host/sys"
  ln -s /etc/os-release "$dir/host/etc/os-release"
  local f
  for f in netdata.conf stream.conf; do
    sed -e "s/tributary-parent-0\.tributary-parent\.tributary\.$SVC/$CORE.30/g" \
        -e "s/tributary-parent-1\.tributary-parent\.tributary\.$SVC/$CORE.31/g" \
        -e "s/tributary-proxy-0\.tributary-proxy\.tributary\.$SVC/$EDGE.20/g" \
        -e "s/tributary-proxy-1\.tributary-proxy\.tributary\.$SVC/$EDGE.21/g" \
        -e "s|= /var/log/tributary|= $dir/log|; s|= /var/cache/tributary|= $dir/cache|" \
        -e "s|= /var/lib/tributary|= $dir/lib|; s|host access prefix = /host|host access prefix = $dir/host|" \
        -e "s/cleanup orphan hosts after secs = [0-9]*/cleanup orphan hosts after secs = $ORPHAN_SECS/" \
        "$T/render-$node/$tier/$f" > "$dir/conf/$f"
  done
  if grep -n "svc\.cluster\.local\|/var/\(log\|lib\|cache\)/tributary" "$dir/conf/"*; then
    h_fail "$node: a cluster name or pod path is left in the config"
  fi
  "$TRIBUTARY_BIN" check-config --config-dir "$dir/conf" > "$T/check-$node.out" 2>&1 \
    || { cat "$T/check-$node.out" >&2; h_fail "$node: the rendered config does not check"; }
}
instance parent-0 parent tributary-parent-0 worker-1
instance parent-1 parent tributary-parent-1 worker-2
instance proxy-0 proxy tributary-proxy-0 worker-1
instance proxy-1 proxy tributary-proxy-1 worker-2
instance node-a child tributary-child-x7k2p node-a
instance node-d child tributary-child-q9m4z node-d
grep -q "destination order = rendezvous" "$T/node-a/conf/stream.conf" || h_fail "the chart's child config lost its rendezvous order"

start() { # NODE
  h_start "$1" ip netns exec "${NS_PREFIX}-$1" "$TRIBUTARY_BIN" run --config-dir "$T/$1/conf"
}
in_ns() { local n=$1; shift; ip netns exec "${NS_PREFIX}-$n" "$@"; }
api() { # NODE PATH : GET on the node's own loopback
  in_ns "$1" curl -s -f --noproxy '*' --max-time 5 "http://127.0.0.1:19999$2"
}
probe_code() { # NODE PATH -> HTTP status
  in_ns "$1" curl -s -o /dev/null -w '%{http_code}' --noproxy '*' --max-time 5 "http://127.0.0.1:19999$2" || true
}
ready() { [ "$(probe_code "$1" /ready)" = 200 ]; }

for n in parent-0 parent-1 proxy-0 proxy-1; do start "$n"; done
for n in parent-0 parent-1 proxy-0 proxy-1; do
  h_wait_for -t 30 -m "$n /ready" ready "$n"
  h_assert_eq 200 "$(probe_code "$n" /alive)" "$n /alive"
done
for n in node-a node-d; do start "$n"; done
for n in node-a node-d; do h_wait_for -t 30 -m "$n /ready" ready "$n"; done

# ------------------------------------------------------------------ 1. placement
status() { # NODE HOST -> "reachable hops" on NODE, or missing
  api "$1" /api/v1/info > "$T/info.json" 2> /dev/null || { echo error; return; }
  python3 - "$T/info.json" "$2" <<'PY'
import json, sys
info = json.load(open(sys.argv[1]))
s = [x for x in info.get("mirrored_hosts_status", []) if x.get("hostname") == sys.argv[2]]
print("%s %s" % (json.dumps(s[0].get("reachable")), s[0].get("hops")) if s else "missing")
PY
}
declare -A HOME_OF
placed() { # CHILD : on exactly one parent, reachable with hops 2
  local p found=
  for p in parent-0 parent-1; do
    if [ "$(status "$p" "$1")" = "true 2" ]; then
      [ -z "$found" ] || return 1
      found=$p
    fi
  done
  [ -n "$found" ] && HOME_OF[$1]=$found
}
for c in node-a node-d; do
  h_wait_for -t 60 -m "$c on a parent through a proxy (hops 2)" placed "$c"
  h_log "$c streams to ${HOME_OF[$c]}"
done
# Each child's proxy and parent are the first of its rendezvous order
# (`destination order = rendezvous`), computed here independently of
# config/rendezvous.cpp: FNV-1a 64 of hostname "\n" entry, splitmix64's
# finalizer, highest weight first. node-a and node-d land on different
# proxies and parents, so both paths carry a node.
first_by_rendezvous() { # HOSTNAME ENTRY...
  python3 - "$@" <<'PY'
import sys
M = (1 << 64) - 1
def fnv(h, s):
    for c in s.encode():
        h = ((h ^ c) * 0x100000001b3) & M
    return h
def mix(z):
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M
    return z ^ (z >> 31)
key, entries = sys.argv[1], sys.argv[2:]
weight = lambda e: mix(fnv(fnv(fnv(0xcbf29ce484222325, key) ^ 0xff, "\n"), e))
print(max(entries, key=weight))
PY
}
declare -A PROXY_ADDR=([proxy-0]=$EDGE.20 [proxy-1]=$EDGE.21)
declare -A PARENT_ADDR=([parent-0]=$CORE.30 [parent-1]=$CORE.31)
for c in node-a node-d; do
  want_px=$(first_by_rendezvous "$c" "$EDGE.20:19999" "$EDGE.21:19999")
  want_pa=$(first_by_rendezvous "$c" "$CORE.30:19999" "$CORE.31:19999")
  h_assert_eq "$want_pa" "${PARENT_ADDR[${HOME_OF[$c]}]}:19999" "$c's parent (rendezvous order)"
  via=
  for px in proxy-0 proxy-1; do
    if [ "$(status "$px" "$c")" = "true 1" ]; then via=$px; fi
  done
  h_assert_eq "$want_px" "${PROXY_ADDR[$via]:-none}:19999" "$c's proxy (rendezvous order)"
  h_wait_for -t 5 -m "$via logs the link of $c to $want_pa" \
    grep -qF "STREAM $c [send to $want_pa]: established link" "$T/$via/log/error.log"
  h_log "$c: via $via to ${HOME_OF[$c]}, as its rendezvous order says"
done
[ "${HOME_OF[node-a]}" != "${HOME_OF[node-d]}" ] || h_fail "node-a and node-d should be on different parents"

# ------------------------------------------------------------------ 2. the cut
uptime_missing() { # PARENT CHILD AFTER BEFORE -> the seconds in [AFTER, BEFORE] without a value
  api "$1" "/host/$2/api/v1/data?chart=system.uptime&after=$3&before=$4&format=json" > "$T/data.json" \
    || { echo "query-failed"; return; }
  python3 - "$T/data.json" "$3" "$4" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
have = {r[0] for r in d["data"] if r[1] is not None}
missing = [t for t in range(int(sys.argv[2]), int(sys.argv[3]) + 1) if t not in have]
print(" ".join(map(str, missing)) if len(missing) < 20 else "%d seconds, %s ... %s" % (len(missing), missing[0], missing[-1]))
PY
}
# The window checked after the cut starts 10 s before it: wait until those
# seconds exist (a child's first point comes ~3 s after it starts).
has_recent() { # PARENT CHILD
  local now; now=$(date +%s)
  [ -z "$(uptime_missing "$1" "$2" $((now - 13)) $((now - 3)))" ]
}
for c in node-a node-d; do
  h_wait_for -t 30 -m "$c: a steady flow on ${HOME_OF[$c]}" has_recent "${HOME_OF[$c]}" "$c"
done

cut_at=$(date +%s)
for px in proxy-0 proxy-1; do ip -n "$SW" link set "$(cat "$T/port-$px-core")" down; done
h_log "cut: the proxies' core links are down for ${CUT_SECONDS}s"
# During the cut the children keep streaming into the proxies.
on_a_proxy() { [ "$(status proxy-0 "$1")" = "true 1" ] || [ "$(status proxy-1 "$1")" = "true 1" ]; }
for c in node-a node-d; do
  h_wait_for -t 20 -m "$c still streams into a proxy during the cut" on_a_proxy "$c"
done
back=$((cut_at + CUT_SECONDS))
h_wait_for -t $((CUT_SECONDS + 20)) -m "${CUT_SECONDS}s of cut" bash -c "[ \$(date +%s) -ge $back ]"
for px in proxy-0 proxy-1; do ip -n "$SW" link set "$(cat "$T/port-$px-core")" up; done
restored_at=$(date +%s)
h_log "restored after $((restored_at - cut_at))s"
for n in parent-0 parent-1 proxy-0 proxy-1 node-a node-d; do
  h_alive "$(h_pid "$n")" || h_fail "$n died during the cut"
done

# Every second from 10 s before the cut to 10 s after the restore, per child,
# on its parent (the one holding it now, with hops 2).
window_complete() { # CHILD
  placed "$1" || return 1
  local m; m=$(uptime_missing "${HOME_OF[$1]}" "$1" $((cut_at - 10)) $((restored_at + 10)))
  echo "seconds missing on ${HOME_OF[$1]}: $m" > "$T/missing-$1.err"
  [ -z "$m" ]
}
for c in node-a node-d; do
  h_wait_for -t 150 -m "$c: every second of [cut-10, restore+10] on its parent (missing-$c.err below)" \
    window_complete "$c"
  h_log "$c: all $((restored_at - cut_at + 21)) seconds of [cut-10, restore+10] on ${HOME_OF[$c]}"
  H_PASSED=$((H_PASSED + 1))
done
if grep -qs "REPLAY\|replicat" "$T"/parent-*/log/error.log; then
  h_log "the parents replicated the gap (their logs mention replication)"
fi

# ------------------------------------------------------------------ 3. a node goes for good
# `[db] cleanup orphan hosts after secs` (registry.cpp remove_orphans) through
# the proxy tier: the proxy stops streaming node-d upstream when it leaves.
gone_parent=${HOME_OF[node-d]}
gone_at=$(date +%s) # before the stop: its stream closes at the signal, not when the stop returns
h_stop "$(h_pid node-d)"
h_log "node-d stopped for good; its parent $gone_parent must drop it after ${ORPHAN_SECS}s"
unreachable() { [ "$(status "$gone_parent" node-d)" = "false 2" ] || [ "$(status "$gone_parent" node-d)" = "false 1" ]; }
h_wait_for -t 30 -m "node-d unreachable on $gone_parent" unreachable
removed() { [ "$(status "$gone_parent" node-d)" = missing ]; }
h_wait_for -t $((ORPHAN_SECS + 45)) -m "node-d removed from $gone_parent (cleanup orphan hosts after secs = $ORPHAN_SECS)" removed
took=$(( $(date +%s) - gone_at ))
[ "$took" -ge "$ORPHAN_SECS" ] || h_fail "node-d removed after ${took}s, before ${ORPHAN_SECS}s"
h_log "node-d removed from $gone_parent after ${took}s"
api "$gone_parent" "/host/node-d/api/v1/info" > /dev/null 2>&1 && h_fail "/host/node-d still answers on $gone_parent"
h_assert_eq "true 2" "$(status "${HOME_OF[node-a]}" node-a)" "node-a stays on ${HOME_OF[node-a]}"
h_pass
