# tests/harness/tribconf.sh - sourced after lib.sh by the child/proxy tests.
#
#   tc_instance DIR HOSTNAME BIND [DB_MODE]
#       writes DIR/conf/netdata.conf: [global] hostname, [db] mode (ram),
#       [web] bind to = BIND (always a loopback address: the default `*`
#       would listen on every interface), and
#       [directories] log/cache/lib inside DIR. stream.conf is the caller's
#       (DIR/conf/stream.conf); tc_instance writes an empty one if missing.
#   tc_limits DIR CHARTS DIMS
#       sets [db] max charts per host / max dimensions per host in
#       DIR/conf/netdata.conf (after tc_instance).
#   tc_no_proc DIR        [plugins] proc = no (no /proc collector: a quiet relay)
#   tc_accept_key DIR KEY [LINE...]
#       writes DIR/conf/stream.conf accepting API key KEY from anywhere into
#       ram, plus each LINE (e.g. "health enabled by default = no").
#   tc_start NAME DIR     h_start NAME tributary run --config-dir DIR/conf
#   tc_info_json URL FILE /api/v1/info into FILE (non-zero on failure)
#   tc_hops FILE HOST     "reachable hops" of HOST in FILE's mirrored_hosts_status
# shellcheck shell=bash

tc_instance() {
  local dir=$1 host=$2 bind=$3 mode=${4:-ram}
  mkdir -p "$dir/conf" "$dir/log" "$dir/cache" "$dir/lib"
  {
    echo "[global]"
    echo "    hostname = $host"
    echo "[db]"
    echo "    mode = $mode"
    echo "    update every = 1"
    echo "[web]"
    echo "    bind to = $bind"
    echo "[directories]"
    echo "    log = $dir/log"
    echo "    cache = $dir/cache"
    echo "    lib = $dir/lib"
  } > "$dir/conf/netdata.conf"
  [ -e "$dir/conf/stream.conf" ] || : > "$dir/conf/stream.conf"
}

tc_limits() { # DIR CHARTS DIMS
  sed -i "s/^\[db\]\$/[db]\n    max charts per host = $2\n    max dimensions per host = $3/" \
    "$1/conf/netdata.conf"
}

tc_no_proc() { # DIR
  sed -i 's/^\[web\]$/[plugins]\n    proc = no\n[web]/' "$1/conf/netdata.conf"
}

tc_accept_key() { # DIR KEY [LINE...]
  local dir=$1 key=$2 line
  shift 2
  {
    echo "[$key]"
    echo "    enabled = yes"
    echo "    allow from = *"
    echo "    default memory mode = ram"
    for line in "$@"; do echo "    $line"; done
  } > "$dir/conf/stream.conf"
}

tc_start() {
  h_start "$1" "$TRIBUTARY_BIN" run --config-dir "$2/conf"
}

tc_info_json() {
  h_http_get "$1/api/v1/info" > "$2.tmp" && mv "$2.tmp" "$2"
}

tc_hops() { # FILE HOST
  python3 - "$1" "$2" <<'PY'
import json, sys
try:
    info = json.load(open(sys.argv[1]))
except Exception:
    print("error"); sys.exit(0)
s = [x for x in info.get("mirrored_hosts_status", []) if x.get("hostname") == sys.argv[2]]
print("%s %s" % (json.dumps(s[0].get("reachable")), s[0].get("hops")) if s else "missing")
PY
}
