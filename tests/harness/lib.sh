# tests/harness/lib.sh - sourced by tests/integration/test_*.sh.
#
#   . "$(dirname "$0")/../harness/lib.sh"
#
# Gives every test one temp dir ($H_TMP, removed at exit), free loopback ports,
# background processes that are always stopped (EXIT/INT/TERM trap), bounded
# waits and assertions. A test ends with h_pass; any h_fail, failing command
# under `set -e`, or a missing h_pass makes it fail with "0 passed, 1 failed".
#
# Environment: TRIBUTARY_BIN, TRIBUTARY_SOURCE_DIR, TRIBUTARY_TEST_DATA (set by
# ctest; defaults derived from this file), H_KEEP=1 keeps $H_TMP for debugging,
# H_WAIT_SECONDS is the default bound of h_wait_for (30).
# shellcheck shell=bash

[ -z "${H_LIB_LOADED:-}" ] || return 0
H_LIB_LOADED=1

case $- in
  *m*) echo "lib.sh: job control (set -m) is not supported" >&2; exit 2 ;;
esac

H_HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
H_NDPEER=$H_HARNESS/ndpeer.sh
H_TEST_NAME=$(basename "$0" .sh)
: "${TRIBUTARY_SOURCE_DIR:=$(cd "$H_HARNESS/../.." && pwd -P)}"
: "${TRIBUTARY_TEST_DATA:=$TRIBUTARY_SOURCE_DIR/tests/data}"
: "${TRIBUTARY_BIN:=$TRIBUTARY_SOURCE_DIR/build/bin/tributary}"
: "${H_WAIT_SECONDS:=30}"
export TRIBUTARY_SOURCE_DIR TRIBUTARY_TEST_DATA TRIBUTARY_BIN

H_TMP=$(mktemp -d "/tmp/tributary-${H_TEST_NAME}.XXXXXX")
H_PIDS=()        # started by h_start, in start order
H_PID_NAMES=()   # their names
H_ND_PIDS=()     # netdata agents started by h_ndpeer
H_ND_DIRS=()     # their instance dirs
H_LAST_PID=
H_PASSED=0
H_CLEANED=0
H_T0=$SECONDS
# The test's stderr as it was at start: failures and log dumps go there even
# when h_fail runs inside a redirected command.
exec {H_ERR}>&2 {H_OUT}>&1

# ndpeer.sh agents stop themselves if this shell vanishes without its trap.
export NDPEER_OWNER_PID=$$
export NDPEER_ROOT=/tmp

h_log() { echo "[$H_TEST_NAME +$((SECONDS - H_T0))s] $*" >&"$H_ERR"; }

# ------------------------------------------------------------------ files, ports

# h_tmpdir [NAME] -> prints $H_TMP, or $H_TMP/NAME (created)
h_tmpdir() {
  if [ $# -eq 0 ]; then echo "$H_TMP"; return 0; fi
  mkdir -p "$H_TMP/$1" && echo "$H_TMP/$1"
}

# h_free_port -> a TCP port on 127.0.0.1 the kernel reports free right now
# and that no running test was handed: a port handed out but not bound yet
# is free to the kernel, which gave one to two callers of a test (a CI run of
# test_sighup_reload: the child's API took the port the test kept for a new
# bind address, so it "answered without a restart"). Tests run side by side,
# so the ledger of handed-out ports is machine-wide ("PORT PID" lines under
# flock; lines of tests that have ended are dropped).
H_PORT_LEDGER=${H_PORT_LEDGER:-/tmp/tributary-test-ports.ledger}
h_free_port() {
  local p _ out
  out=$(
    exec {lock}>> "$H_PORT_LEDGER.lock"
    flock "$lock"
    touch "$H_PORT_LEDGER"
    # Keep only lines whose test is still running.
    while read -r lp lpid; do
      if [ -n "$lpid" ] && kill -0 "$lpid" 2> /dev/null; then echo "$lp $lpid"; fi
    done < "$H_PORT_LEDGER" > "$H_PORT_LEDGER.new"
    mv "$H_PORT_LEDGER.new" "$H_PORT_LEDGER"
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      p=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()')
      if ! grep -q "^$p " "$H_PORT_LEDGER"; then
        echo "$p $$" >> "$H_PORT_LEDGER"
        echo "$p"
        exit 0
      fi
    done
  ) || true
  if [ -n "$out" ]; then echo "$out"; return 0; fi
  # Called in $(...), h_fail's exit would end only that subshell and leave
  # the caller with an empty port: end the test itself too.
  [ "$BASHPID" = "$$" ] || kill -TERM "$$"
  h_fail "h_free_port: the kernel gave only ports running tests already have"
}

# ------------------------------------------------------------------ processes

# h_start NAME CMD... : run CMD in the background, stdout to $H_TMP/NAME.out,
# stderr to $H_TMP/NAME.err; sets H_LAST_PID (also in $H_TMP/NAME.pid).
# Call it directly, not in $(...), or the pid is lost to the trap.
h_start() {
  [ $# -ge 2 ] || h_fail "usage: h_start NAME CMD..."
  local name=$1; shift
  "$@" > "$H_TMP/$name.out" 2> "$H_TMP/$name.err" < /dev/null &
  H_LAST_PID=$!
  H_PIDS+=("$H_LAST_PID")
  H_PID_NAMES+=("$name")
  echo "$H_LAST_PID" > "$H_TMP/$name.pid"
  h_log "started $name (pid $H_LAST_PID): $*"
}

# h_pid NAME -> pid of a process started with h_start
h_pid() { cat "$H_TMP/$1.pid"; }

h_alive() { [ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

h_descendants() { # PID -> all descendant pids, deepest last
  local c
  for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$c"; h_descendants "$c"
  done
}

# h_stop PID [SECONDS]: TERM (the process and its descendants), wait up to
# SECONDS (10), then KILL. Returns 0 once the process is gone.
h_stop() {
  local pid=$1 secs=${2:-10} kids deadline
  case "$pid" in ''|*[!0-9]*) h_log "h_stop: bad pid '$pid'"; return 1 ;; esac
  h_alive "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
  kids=$(h_descendants "$pid")
  # shellcheck disable=SC2086
  kill -TERM "$pid" $kids 2>/dev/null || true
  deadline=$((SECONDS + secs))
  while h_alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
  if h_alive "$pid"; then
    h_log "pid $pid ignored TERM for ${secs}s: KILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  local k
  for k in $kids; do
    if h_alive "$k"; then kill -KILL "$k" 2>/dev/null || true; fi
  done
  wait "$pid" 2>/dev/null || true
  return 0
}

# h_ndpeer parent|child ARGS... : start a real Netdata agent through
# ndpeer.sh (same arguments); sets H_LAST_PID. Stopped by the trap.
h_ndpeer() {
  local role=$1 out rc=0 dir
  case "$role" in
    parent) dir=$3 ;;
    child) dir=$3 ;;
    *) h_fail "h_ndpeer: role must be parent or child" ;;
  esac
  out=$(bash "$H_NDPEER" "$@" 2> "$H_TMP/ndpeer.err") || rc=$?
  if [ "$rc" != 0 ] || [ -z "$out" ]; then
    cat "$H_TMP/ndpeer.err" >&2
    h_fail "ndpeer.sh $role failed (rc $rc)"
  fi
  H_LAST_PID=$out
  H_ND_PIDS+=("$out")
  H_ND_DIRS+=("$dir")
  h_log "started netdata $role (pid $out) in $dir"
}

# h_ndpeer_stop PID : stop one agent now (the trap skips it afterwards)
h_ndpeer_stop() {
  bash "$H_NDPEER" stop "$1" > /dev/null || h_log "ndpeer.sh stop $1 failed"
}

# ------------------------------------------------------------------ waits

# h_wait_for [-t SECONDS] [-m MESSAGE] CMD... : run CMD every 0.2 s until it
# succeeds; h_fail after SECONDS ($H_WAIT_SECONDS).
h_wait_for() {
  local secs=$H_WAIT_SECONDS msg=
  while [ $# -gt 0 ]; do
    case "$1" in
      -t) secs=$2; shift 2 ;;
      -m) msg=$2; shift 2 ;;
      --) shift; break ;;
      *) break ;;
    esac
  done
  [ $# -gt 0 ] || h_fail "usage: h_wait_for [-t SECONDS] [-m MSG] CMD..."
  h_poll "$secs" "$@" || h_fail "timed out after ${secs}s waiting for: ${msg:-$*}"
}

# h_poll SECONDS CMD...: runs CMD every 0.2 s until it succeeds (returns 0)
# or SECONDS pass (returns 1).
h_poll() {
  local secs=$1 deadline
  shift
  deadline=$(( $(date +%s%N) / 1000000 + ${secs%.*} * 1000 ))
  while :; do
    if "$@"; then return 0; fi
    if [ $(( $(date +%s%N) / 1000000 )) -ge "$deadline" ]; then
      return 1
    fi
    sleep 0.2
  done
}

h__check_loopback_url() { # URL
  local rest host
  rest=${1#*://}
  rest=${rest%%/*}
  rest=${rest##*@}
  case "$rest" in
    \[*) host=${rest#[}; host=${host%%]*} ;;
    *) host=${rest%%:*} ;;
  esac
  case "$host" in
    127.*|localhost|::1) return 0 ;;
    *) h_fail "refusing non-loopback URL '$1'" ;;
  esac
}

# h_http_get URL : body on stdout; non-zero on connection error or HTTP >= 400.
# Loopback URLs only; proxies ignored; 5 s bound.
h_http_get() {
  h__check_loopback_url "$1"
  curl -s -f --noproxy '*' --max-time 5 -- "$1"
}

# h_wait_http PORT PATH [SECONDS] : until http://127.0.0.1:PORT/PATH answers < 400
h_wait_http() {
  local port=$1 path=${2#/} secs=${3:-$H_WAIT_SECONDS}
  h_wait_for -t "$secs" -m "http://127.0.0.1:$port/$path" h__http_ok "http://127.0.0.1:$port/$path"
}
h__http_ok() { h_http_get "$1" > /dev/null; }

# h_wait_log FILE REGEX SECONDS : until FILE has a line matching the ERE
h_wait_log() {
  local file=$1 re=$2 secs=${3:-$H_WAIT_SECONDS}
  h_wait_for -t "$secs" -m "/$re/ in $file" grep -sqE -- "$re" "$file"
}

# ------------------------------------------------------------------ assertions

# h_fail MSG : report, print the logs, exit 1 (the trap stops everything)
h_fail() {
  echo "FAIL: $*" >&"$H_ERR"
  exit 1
}

# h_assert_eq EXPECTED ACTUAL [WHAT]
h_assert_eq() {
  if [ "$1" != "$2" ]; then
    h_fail "${3:-values differ}: expected [$1], got [$2]"
  fi
  H_PASSED=$((H_PASSED + 1))
}

# h_promtool FILE [WHAT] : FILE is Prometheus text `promtool check metrics`
# parses (Debian's promtool, .ci/install-deps.sh). Exit 3, lint remarks only
# (Netdata's names: counters without _total, no HELP), passes; so does
# 1.37.1's `# TYPE` repeated before each sample of a metric (types=yes),
# which Prometheus's scraper takes: promtool reads the first of each.
h_promtool() {
  command -v promtool > /dev/null || h_fail "promtool is missing (.ci/install-deps.sh)"
  local rc=0 out
  out=$(awk '/^# TYPE /{ if (seen[$3]++) next } { print }' "$1" \
    | promtool check metrics 2>&1) || rc=$?
  [ "$rc" = 0 ] || [ "$rc" = 3 ] \
    || h_fail "${2:-$1}: promtool check metrics ($rc): $(echo "$out" | head -c 400)"
}

# h_assert_contains HAYSTACK NEEDLE [WHAT]  (fixed string)
h_assert_contains() {
  case "$1" in
    *"$2"*) H_PASSED=$((H_PASSED + 1)) ;;
    *) h_fail "${3:-missing text}: [$2] not in [$(printf '%s' "$1" | head -c 400)]" ;;
  esac
}

# h_pass : the test succeeded; prints the summary line and exits 0
h_pass() {
  H_DONE=1
  h_log "ok (${H_PASSED} checks)"
  exit 0
}

# ------------------------------------------------------------------ cleanup

h__dump_logs() {
  local f
  for f in "$H_TMP"/*.out "$H_TMP"/*.err; do
    [ -s "$f" ] || continue
    echo "--- $f (last 20 lines)" >&2; tail -n 20 "$f" >&2
  done
  for f in "${H_ND_DIRS[@]}"; do
    [ -s "$f/log/error.log" ] || continue
    echo "--- $f/log/error.log (last 20 lines)" >&2; tail -n 20 "$f/log/error.log" >&2
  done
}

h__cleanup() {
  local rc=$1 i pid
  [ "$H_CLEANED" = 0 ] || return 0
  H_CLEANED=1
  trap - EXIT INT TERM
  set +e
  if [ "$rc" = 0 ] && [ -z "${H_DONE:-}" ]; then
    echo "FAIL: the test ended without h_pass" >&"$H_ERR"
    rc=1
  fi
  if [ "$rc" != 0 ]; then h__dump_logs >&"$H_ERR" 2>&1; fi
  # Our own processes first (newest first), then the agents in parallel.
  for ((i = ${#H_PIDS[@]} - 1; i >= 0; i--)); do
    h_stop "${H_PIDS[i]}" 5
  done
  local stoppers=()
  for pid in "${H_ND_PIDS[@]}"; do
    bash "$H_NDPEER" stop "$pid" > /dev/null 2>&1 &
    stoppers+=("$!")
  done
  for pid in "${stoppers[@]}"; do wait "$pid"; done
  for ((i = 0; i < ${#H_ND_DIRS[@]}; i++)); do
    pid=$(cat "${H_ND_DIRS[i]}/watchdog.pid" 2>/dev/null)
    if [ -n "$pid" ] && h_alive "$pid"; then kill -TERM "$pid" 2>/dev/null; fi
  done
  if [ -n "${H_KEEP:-}" ]; then
    echo "kept $H_TMP" >&"$H_ERR"
  else
    rm -rf "$H_TMP"
  fi
  if [ "$rc" = 0 ]; then echo "1 passed, 0 failed" >&"$H_OUT"
  else echo "0 passed, 1 failed" >&"$H_OUT"; fi
  exit "$rc"
}

trap 'h__cleanup $?' EXIT
trap 'echo "interrupted" >&2; exit 130' INT
trap 'echo "terminated" >&2; exit 143' TERM
