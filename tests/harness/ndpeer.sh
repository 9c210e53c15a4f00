#!/usr/bin/env bash
# ndpeer.sh - the real Netdata agent (Debian bookworm, v1.37.1) as a test peer.
#
# Every instance lives in its own directory under a temporary root (never
# /etc/netdata, never /var), listens on loopback only, streams to loopback
# only, and runs a patched system-info.sh that cannot probe cloud metadata.
#
#   ndpeer.sh install                          install the packages (root); service never started
#   ndpeer.sh parent PORT DIR [APIKEY]         start a parent on 127.0.0.1:PORT, print its PID
#   ndpeer.sh child PORT DIR DEST APIKEY [GUID]
#                                              start a child streaming to DEST (loopback only),
#                                              web server on 127.0.0.1:PORT (0 = none), print PID
#   ndpeer.sh stop PID                         TERM, wait up to 20 s, then KILL (netdata only)
#   ndpeer.sh wait-http PORT [SECONDS]         wait until /api/v1/info answers (HTTP or HTTPS)
#   ndpeer.sh tls-certs DIR                    make a test CA and a localhost server cert in DIR
#
# Knobs (environment, all optional):
#   NDPEER_HOSTNAME     reported hostname            (ndpeer-parent / ndpeer-child)
#   NDPEER_GUID         machine GUID                 (random; a child's 5th argument wins)
#   NDPEER_MODE         [db] mode: dbengine|ram|save|alloc|none  (parent dbengine, child ram)
#   NDPEER_COMPRESSION  yes|no stream compression    (yes)
#   NDPEER_REPLICATION  yes|no replication           (yes)
#   NDPEER_REPL_STEP    seconds per replication step (600)
#   NDPEER_PROC         small|full|none collectors   (small: stat, uptime, loadavg, meminfo,
#                       net/dev = 25 charts; none: no collectors, so a child never streams)
#   NDPEER_HEALTH       yes|no health engine         (no)
#   NDPEER_BIND         127.0.0.1 | ::1 web address  (127.0.0.1)
#   NDPEER_EXTRA_CONF   text appended to netdata.conf
#   NDPEER_EXTRA_STREAM text appended to stream.conf
#   NDPEER_OWNER_PID    if set, a watchdog stops the agent once this process is gone
#   NDPEER_ROOT         temp root every DIR must be inside (${TMPDIR:-/tmp})
# TLS (unset = plain):
#   NDPEER_TLS_CERT + NDPEER_TLS_KEY  [web] ssl certificate / key: the web server (and a
#                       parent's streaming port) speaks TLS
#   NDPEER_SSL_MODE     -|force|optional   '^SSL=MODE' on the bind line ('-' = none)
#   NDPEER_TLS_VERSION, NDPEER_TLS_CIPHERS  [web] tls version / tls ciphers
#   NDPEER_SSL          yes|no  child: stream over TLS (DEST gets ':SSL')
#   NDPEER_SKIP_VERIFY  yes|no  child: [stream] ssl skip certificate verification
#   NDPEER_CAFILE, NDPEER_CAPATH  child: [stream] CAfile / CApath
#
# DIR layout: etc/ (netdata.conf, stream.conf) plugins.d/ (patched system-info.sh only)
#             cache/ lib/ log/ (error.log, access.log, stdout.log) pid apikey guid
set -euo pipefail

ND_BIN=${NETDATA_BIN:-/usr/sbin/netdata}
ND_STOCK_CONF=/usr/lib/netdata/conf.d
ND_STOCK_PLUGINS=/usr/lib/netdata/plugins.d
ND_WEB=/usr/share/netdata/web
ND_VERSION=v1.37.1

fail() { echo "ndpeer: $*" >&2; exit 1; }

# ----------------------------------------------------------------- checks

is_loopback_host() { # HOST -> 0 when it is a loopback name or address
  case "$1" in
    127.*|::1|localhost) return 0 ;;
    *) return 1 ;;
  esac
}

# DEST as netdata's [stream] destination: space-separated [tcp:]HOST[%IF][:PORT][:SSL]
check_destinations() {
  local dest host
  [ -n "${1// /}" ] || fail "no destination given"
  for dest in $1; do
    dest=${dest#tcp:}
    dest=${dest%:SSL}
    case "$dest" in
      \[*) host=${dest#[}; host=${host%%]*} ;;
      *) host=${dest%%:*} ;;
    esac
    host=${host%%\%*}
    is_loopback_host "$host" || fail "destination '$dest' is not loopback"
  done
}

check_port() {
  case "$1" in ''|*[!0-9]*) fail "bad port '$1'" ;; esac
  [ "$1" -le 65535 ] || fail "bad port '$1'"
}

check_uuid() {
  [[ $1 =~ ^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$ ]] \
    || fail "'$1' is not a UUID (netdata 1.37.1 wants UUID keys and GUIDs)"
}

check_yes_no() { # NAME VALUE
  case "$2" in yes|no) ;; *) fail "$1 must be yes or no (got '$2')" ;; esac
}

# DIR -> absolute path, created; must sit inside the temp root
instance_dir() {
  local root dir
  root=$(cd "${NDPEER_ROOT:-${TMPDIR:-/tmp}}" && pwd -P) || fail "no temp root"
  [ "$root" != / ] || fail "NDPEER_ROOT must not be /"
  dir=$(realpath -m -- "$1") || fail "bad dir '$1'"
  case "$dir/" in
    "$root"/?*) ;;
    *) fail "instance dir '$dir' is not inside the temp root '$root'" ;;
  esac
  case "$dir/" in
    /etc/*|/var/*|/usr/*) fail "refusing instance dir '$dir'" ;;
  esac
  mkdir -p "$dir"
  (cd "$dir" && pwd -P)
}

readable_path() { # PATH -> absolute path of a readable file or directory
  [ -r "$1" ] || fail "cannot read '$1'"
  if [ -d "$1" ]; then (cd "$1" && pwd -P)
  else echo "$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")"; fi
}

new_uuid() { cat /proc/sys/kernel/random/uuid; }

# ----------------------------------------------------------------- install

cmd_install() {
  if [ -x "$ND_BIN" ] && "$ND_BIN" -V 2>&1 | grep -q "$ND_VERSION" \
     && [ -r "$ND_STOCK_PLUGINS/system-info.sh" ]; then
    echo "netdata $ND_VERSION already installed"
    return 0
  fi
  [ "$(id -u)" = 0 ] || fail "install needs root"
  export DEBIAN_FRONTEND=noninteractive
  # The package must not start its own agent: that one would use /etc/netdata,
  # listen on 19999 and run the stock system-info.sh (cloud metadata probe).
  local policy=/usr/sbin/policy-rc.d ours=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    ours=1
  fi
  local pkgs=(netdata-core netdata-plugins-bash netdata-web) rc=0
  apt-get install -y -q --no-install-recommends "${pkgs[@]}" \
    || { apt-get update -q && apt-get install -y -q --no-install-recommends "${pkgs[@]}"; } \
    || rc=$?
  [ "$ours" = 0 ] || rm -f "$policy"
  [ "$rc" = 0 ] || fail "apt-get install failed ($rc)"
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now netdata >/dev/null 2>&1 || true
  fi
  "$ND_BIN" -V 2>&1 | grep -q "$ND_VERSION" \
    || echo "ndpeer: warning: expected netdata $ND_VERSION, got $("$ND_BIN" -V 2>&1)" >&2
  echo "installed $("$ND_BIN" -V 2>&1)"
}

# ----------------------------------------------------------------- config

# The stock system-info.sh curls 169.254.169.254 and metadata.google.internal
# when it detects a VM. Our private plugins dir holds only a copy with that
# block switched off, so neither it nor any other external plugin (such as
# anonymous-statistics.sh) can reach the network.
write_system_info() { # DIR
  local out=$1/plugins.d/system-info.sh
  mkdir -p "$1/plugins.d"
  sed 's|^if \[ "${VIRTUALIZATION}" != "none" \] && command -v curl > /dev/null 2>&1; then$|if false; then # ndpeer: cloud metadata probe disabled|' \
    "$ND_STOCK_PLUGINS/system-info.sh" > "$out"
  chmod 755 "$out"
  grep -q '^if false; then # ndpeer: cloud metadata probe disabled$' "$out" \
    || fail "could not disable the cloud probe in system-info.sh"
  # No curl (or wget) may remain outside the disabled block or comments.
  awk '/^if false; then # ndpeer:/ { off = 1; next }
       off && /^fi$/ { off = 0; next }
       !off && !/^[[:space:]]*#/ && /(curl|wget)/ { bad = 1; print FILENAME ":" NR ": " $0 > "/dev/stderr" }
       END { exit bad }' "$out" \
    || fail "patched system-info.sh still has an active network call"
}

web_section() { # PORT
  local port=$1 host=${NDPEER_BIND:-127.0.0.1} addr
  case "$host" in
    127.0.0.1) addr=127.0.0.1 ;;
    ::1) addr='[::1]' ;;
    *) fail "NDPEER_BIND must be 127.0.0.1 or ::1 (got '$host')" ;;
  esac
  if [ "$port" = 0 ]; then
    echo "    mode = none"
  else
    echo "    mode = static-threaded"
  fi
  # Always an explicit loopback bind: even with mode = none nothing else applies.
  case "${NDPEER_SSL_MODE:--}" in
    -|'') echo "    bind to = $addr:$port" ;;
    force|optional)
      echo "    bind to = $addr:$port=dashboard|registry|badges|management|streaming|netdata.conf^SSL=$NDPEER_SSL_MODE" ;;
    *) fail "NDPEER_SSL_MODE must be -, force or optional" ;;
  esac
  if [ -n "${NDPEER_TLS_CERT:-}${NDPEER_TLS_KEY:-}" ]; then
    [ -n "${NDPEER_TLS_CERT:-}" ] && [ -n "${NDPEER_TLS_KEY:-}" ] \
      || fail "set both NDPEER_TLS_CERT and NDPEER_TLS_KEY"
    echo "    ssl certificate = $(readable_path "$NDPEER_TLS_CERT")"
    echo "    ssl key = $(readable_path "$NDPEER_TLS_KEY")"
  fi
  [ -z "${NDPEER_TLS_VERSION:-}" ] || echo "    tls version = $NDPEER_TLS_VERSION"
  [ -z "${NDPEER_TLS_CIPHERS:-}" ] || echo "    tls ciphers = $NDPEER_TLS_CIPHERS"
  local what
  for what in connections dashboard badges streaming netdata.conf management; do
    echo "    allow $what from = *"
    echo "    allow $what by dns = no"
  done
  echo "    enable gzip compression = no"
  echo "    web server threads = 2"
}

proc_sections() {
  case "${NDPEER_PROC:-small}" in
    none|full) return 0 ;;
    small) ;;
    *) fail "NDPEER_PROC must be small, full or none" ;;
  esac
  echo
  echo "[plugin:proc]"
  local m
  for m in /proc/stat /proc/uptime /proc/loadavg /proc/meminfo /proc/net/dev; do
    echo "    $m = yes"
  done
  for m in /proc/sys/kernel/random/entropy_avail /proc/pressure /proc/interrupts \
           /proc/softirqs /proc/vmstat /sys/kernel/mm/ksm /sys/block/zram \
           /sys/devices/system/edac/mc /sys/devices/system/node /proc/pagetypeinfo \
           /proc/net/wireless /proc/net/sockstat /proc/net/sockstat6 /proc/net/netstat \
           /proc/net/sctp/snmp /proc/net/softnet_stat /proc/net/ip_vs/stats \
           /sys/class/infiniband /proc/net/stat/conntrack /proc/net/stat/synproxy \
           /proc/diskstats /proc/mdstat /proc/net/rpc/nfsd /proc/net/rpc/nfs \
           /proc/spl/kstat/zfs/arcstats /proc/spl/kstat/zfs/pool/state /sys/fs/btrfs \
           ipc /sys/class/power_supply; do
    echo "    $m = no"
  done
  echo
  echo "[plugin:proc:/proc/stat]"
  for m in "per cpu core utilization" "cpu interrupts" "keep per core files open" \
           "keep cpuidle files open" core_throttle_count package_throttle_count \
           "cpu frequency" "cpu idle states"; do
    echo "    $m = no"
  done
  for m in "context switches" "processes started" "processes running"; do
    echo "    $m = yes"
  done
}

write_netdata_conf() { # ROLE PORT DIR HOSTNAME MODE
  local role=$1 port=$2 dir=$3 host=$4 mode=$5
  local repl=${NDPEER_REPLICATION:-yes} health=${NDPEER_HEALTH:-no} proc=yes
  check_yes_no NDPEER_REPLICATION "$repl"
  check_yes_no NDPEER_HEALTH "$health"
  [ "${NDPEER_PROC:-small}" != none ] || proc=no
  local web procs
  web=$(web_section "$port")
  procs=$(proc_sections)
  mkdir -p "$dir/etc/health.d" "$dir/cache" "$dir/lib/registry" "$dir/lib/lock" "$dir/log"
  cat > "$dir/etc/netdata.conf" <<EOF
# tests/harness/ndpeer.sh: $role
[global]
    run as user = root
    hostname = $host
    process scheduling policy = keep
    OOM score = keep

[db]
    mode = $mode
    update every = 1
    retention = 3600
    enable replication = $repl
    seconds to replicate = 86400
    seconds per replication step = ${NDPEER_REPL_STEP:-600}
    dbengine page cache size MB = 32
    dbengine disk space MB = 256
    dbengine multihost disk space MB = 256
    cleanup obsolete charts after secs = 3600
    cleanup orphan hosts after secs = 3600

[directories]
    config = $dir/etc
    stock config = $ND_STOCK_CONF
    log = $dir/log
    web = $ND_WEB
    cache = $dir/cache
    lib = $dir/lib
    home = $dir
    lock = $dir/lib/lock
    plugins = $dir/plugins.d
    health config = $dir/etc/health.d
    stock health config = $ND_STOCK_CONF/health.d
    registry = $dir/lib/registry

[logs]
    debug = $dir/log/debug.log
    error = $dir/log/error.log
    access = $dir/log/access.log
    health = $dir/log/health.log
    facility = daemon
    errors flood protection period = 0

[environment variables]
    TZ = UTC

[web]
$web

[registry]
    enabled = no
    netdata unique id file = $dir/lib/registry/netdata.public.unique.id

[health]
    enabled = $health

[ml]
    enabled = no

[statsd]
    enabled = no

[plugins]
    enable running new plugins = no
    check for new plugins every = 3600
    proc = $proc
EOF
  local p
  for p in diskspace cgroups tc idlejitter timex "netdata monitoring" apps charts.d \
           python.d go.d node.d ebpf perf slabinfo nfacct fping ioping cups freeipmi \
           xenstat logs-management; do
    echo "    $p = no" >> "$dir/etc/netdata.conf"
  done
  [ -z "$procs" ] || printf '%s\n' "$procs" >> "$dir/etc/netdata.conf"
  [ -z "${NDPEER_EXTRA_CONF:-}" ] || printf '\n%s\n' "$NDPEER_EXTRA_CONF" >> "$dir/etc/netdata.conf"
  # Anonymous statistics: opted out twice (this file and DO_NOT_TRACK at start),
  # and the script that would send them is not in our plugins dir anyway.
  : > "$dir/etc/.opt-out-from-anonymous-statistics"
  write_system_info "$dir"
}

# ----------------------------------------------------------------- start / stop

# Stops the agent once NDPEER_OWNER_PID is gone (a test killed with SIGKILL
# cannot run its trap). Exits by itself when the agent exits.
start_watchdog() { # AGENT_PID DIR
  local agent=$1 owner=${NDPEER_OWNER_PID:-} self=$0
  [ -n "$owner" ] || return 0
  kill -0 "$owner" 2>/dev/null || fail "NDPEER_OWNER_PID $owner is not running"
  (
    trap '' HUP INT
    while kill -0 "$agent" 2>/dev/null; do
      if ! kill -0 "$owner" 2>/dev/null; then
        bash "$self" stop "$agent" >/dev/null 2>&1 || true
        break
      fi
      sleep 1
    done
  ) > /dev/null 2>&1 < /dev/null &
  echo $! > "$2/watchdog.pid"
}

start_agent() { # DIR -> prints PID
  local dir=$1 pid comm i
  [ -x "$ND_BIN" ] || fail "netdata is not installed (run: $0 install)"
  rm -f "$dir/netdata.pid" "$dir/pid"
  # -D keeps it in the foreground so $! is the agent itself; setsid gives it a
  # session of its own (pid = sid), so stop can find every helper it spawns.
  DO_NOT_TRACK=1 setsid "$ND_BIN" -D -c "$dir/etc/netdata.conf" -P "$dir/netdata.pid" \
    > "$dir/log/stdout.log" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$dir/pid"
  for i in 1 2 3 4 5; do
    sleep 0.1
    comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
    [ -n "$comm" ] || break
  done
  if ! kill -0 "$pid" 2>/dev/null; then
    tail -n 20 "$dir/log/stdout.log" "$dir/log/error.log" >&2 2>/dev/null || true
    fail "netdata exited at start (see $dir/log)"
  fi
  [ "$comm" = netdata ] || fail "pid $pid is '$comm', not netdata (is the caller in job-control mode?)"
  start_watchdog "$pid" "$dir"
  echo "$pid"
}

cmd_parent() {
  [ $# -ge 2 ] || fail "usage: ndpeer.sh parent PORT DIR [APIKEY]"
  local port=$1 dir key=${3:-$(new_uuid)}
  check_port "$port"; [ "$port" != 0 ] || fail "a parent needs a port"
  check_uuid "$key"
  dir=$(instance_dir "$2")
  local host=${NDPEER_HOSTNAME:-ndpeer-parent} mode=${NDPEER_MODE:-dbengine}
  local guid=${NDPEER_GUID:-$(new_uuid)} comp=${NDPEER_COMPRESSION:-yes}
  local repl=${NDPEER_REPLICATION:-yes}
  check_uuid "$guid"; check_yes_no NDPEER_COMPRESSION "$comp"
  write_netdata_conf parent "$port" "$dir" "$host" "$mode"
  printf '%s' "$guid" > "$dir/lib/registry/netdata.public.unique.id"
  cat > "$dir/etc/stream.conf" <<EOF
# tests/harness/ndpeer.sh: parent
[stream]
    enabled = no
    enable compression = $comp

[$key]
    type = api
    enabled = yes
    allow from = *
    default memory mode = $mode
    health enabled by default = ${NDPEER_HEALTH:-no}
    default postpone alarms on connect seconds = 60
    default proxy enabled = no
    enable compression = $comp
    enable replication = $repl
EOF
  [ -z "${NDPEER_EXTRA_STREAM:-}" ] || printf '\n%s\n' "$NDPEER_EXTRA_STREAM" >> "$dir/etc/stream.conf"
  echo "$key" > "$dir/apikey"
  echo "$guid" > "$dir/guid"
  start_agent "$dir"
}

cmd_child() {
  [ $# -ge 4 ] || fail "usage: ndpeer.sh child PORT DIR DEST APIKEY [GUID]"
  local port=$1 dir dest=$3 key=$4 guid=${5:-${NDPEER_GUID:-$(new_uuid)}}
  check_port "$port"; check_uuid "$key"; check_uuid "$guid"
  check_destinations "$dest"
  local ssl=${NDPEER_SSL:-no}
  check_yes_no NDPEER_SSL "$ssl"
  if [ "$ssl" = yes ]; then case "$dest" in *:SSL) ;; *) dest="$dest:SSL" ;; esac; fi
  [ -z "${NDPEER_SKIP_VERIFY:-}" ] || check_yes_no NDPEER_SKIP_VERIFY "$NDPEER_SKIP_VERIFY"
  dir=$(instance_dir "$2")
  local host=${NDPEER_HOSTNAME:-ndpeer-child} mode=${NDPEER_MODE:-ram}
  local comp=${NDPEER_COMPRESSION:-yes}
  check_yes_no NDPEER_COMPRESSION "$comp"
  write_netdata_conf child "$port" "$dir" "$host" "$mode"
  printf '%s' "$guid" > "$dir/lib/registry/netdata.public.unique.id"
  {
    echo "# tests/harness/ndpeer.sh: child"
    echo "[stream]"
    echo "    enabled = yes"
    echo "    destination = $dest"
    echo "    api key = $key"
    echo "    timeout seconds = 60"
    echo "    default port = 19999"
    echo "    send charts matching = *"
    echo "    buffer size bytes = 10485760"
    echo "    reconnect delay seconds = 5"
    echo "    initial clock resync iterations = 60"
    echo "    enable compression = $comp"
    [ -z "${NDPEER_SKIP_VERIFY:-}" ] || echo "    ssl skip certificate verification = $NDPEER_SKIP_VERIFY"
    [ -z "${NDPEER_CAFILE:-}" ] || echo "    CAfile = $(readable_path "$NDPEER_CAFILE")"
    [ -z "${NDPEER_CAPATH:-}" ] || echo "    CApath = $(readable_path "$NDPEER_CAPATH")/"
    [ -z "${NDPEER_EXTRA_STREAM:-}" ] || printf '\n%s\n' "$NDPEER_EXTRA_STREAM"
  } > "$dir/etc/stream.conf"
  echo "$key" > "$dir/apikey"
  echo "$guid" > "$dir/guid"
  start_agent "$dir"
}

session_members() { # SID -> pids in that session (the agent's helpers)
  ps -e -o pid=,sid= | awk -v s="$1" '$2 == s { print $1 }'
}

cmd_stop() {
  [ $# -ge 1 ] || fail "usage: ndpeer.sh stop PID"
  local pid=$1 i comm sid left
  case "$pid" in ''|*[!0-9]*) fail "bad pid '$pid'" ;; esac
  comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
  if [ -z "$comm" ]; then echo "pid $pid not running"; return 0; fi
  [ "$comm" = netdata ] || fail "pid $pid is '$comm', not netdata"
  sid=$(ps -o sid= -p "$pid" | tr -d ' ')
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do
    [ -e "/proc/$pid" ] || break
    # a zombie (our own child) counts as gone
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] || break
    sleep 0.2
  done
  if [ -e "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; then
    kill -KILL "$pid" 2>/dev/null || true
    echo "killed $pid (no exit 20 s after TERM)"
  else
    echo "stopped $pid"
  fi
  # Helpers of the agent (the spawn server) share its session: end them by pid.
  if [ "$sid" = "$pid" ]; then
    for i in 1 2 3 4 5 6 7 8 9 10; do
      left=$(session_members "$sid")
      [ -n "$left" ] || break
      # shellcheck disable=SC2086
      kill -TERM $left 2>/dev/null || true
      [ "$i" -lt 5 ] || kill -KILL $left 2>/dev/null || true
      sleep 0.2
    done
  fi
}

cmd_wait_http() {
  [ $# -ge 1 ] || fail "usage: ndpeer.sh wait-http PORT [SECONDS]"
  local port=$1 secs=${2:-30}
  check_port "$port"
  python3 - "$port" "$secs" <<'EOF' || fail "127.0.0.1:$port did not answer /api/v1/info within $secs s"
import ssl, sys, time, urllib.request
port, secs = sys.argv[1], float(sys.argv[2])
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
# no proxies: only 127.0.0.1, whatever http_proxy says
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                     urllib.request.HTTPSHandler(context=ctx))
deadline = time.monotonic() + secs
while True:
    for scheme in ("http", "https"):
        try:
            opener.open("%s://127.0.0.1:%s/api/v1/info" % (scheme, port), timeout=2).read()
            sys.exit(0)
        except Exception:
            pass
    if time.monotonic() >= deadline:
        sys.exit(1)
    time.sleep(0.25)
EOF
}

cmd_tls_certs() {
  [ $# -ge 1 ] || fail "usage: ndpeer.sh tls-certs DIR"
  command -v openssl >/dev/null || fail "openssl is not installed"
  local d
  mkdir -p "$1"; d=$(cd "$1" && pwd -P)
  if [ ! -s "$d/ca.pem" ] || [ ! -s "$d/ca.key" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
      -keyout "$d/ca.key" -out "$d/ca.pem" -subj "/CN=tributary test CA" \
      -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" >/dev/null 2>&1 \
      || fail "openssl: test CA failed"
    rm -f "$d/server.pem"
  fi
  if [ ! -s "$d/server.pem" ] || [ ! -s "$d/server.key" ]; then
    printf '%s\n' "basicConstraints=CA:FALSE" \
      "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" \
      "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" > "$d/server.ext"
    openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$d/server.key" \
      -out "$d/server.csr" -subj "/CN=localhost" >/dev/null 2>&1 || fail "openssl: server key failed"
    openssl x509 -req -sha256 -days 825 -in "$d/server.csr" -CA "$d/ca.pem" \
      -CAkey "$d/ca.key" -CAcreateserial -out "$d/server.pem" -extfile "$d/server.ext" \
      >/dev/null 2>&1 || fail "openssl: signing failed"
  fi
  openssl verify -CAfile "$d/ca.pem" "$d/server.pem" >/dev/null 2>&1 \
    || fail "server.pem does not verify against ca.pem"
  chmod 600 "$d/ca.key" "$d/server.key"
  echo "$d"
}

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

case "${1:-}" in
  install) shift; cmd_install "$@" ;;
  parent) shift; cmd_parent "$@" ;;
  child) shift; cmd_child "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  wait-http) shift; cmd_wait_http "$@" ;;
  tls-certs) shift; cmd_tls_certs "$@" ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
