#!/usr/bin/env bash
# External plugins (plugins.d protocol) as collectors of localhost: our own
# counter.plugin, restarted by its supervisor after it exits, and Debian's
# real apps.plugin (it reads /proc only). `[plugins] proc = no` keeps the
# built-in /proc collector off: no system.cpu while the plugins run.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"

T=$(h_tmpdir)
PORT=$(h_free_port)
mkdir -p "$T/conf" "$T/plugins.d"
cp "$TRIBUTARY_TEST_DATA/plugins.d/counter.plugin" "$T/plugins.d/"
APPS=/usr/lib/netdata/plugins.d/apps.plugin
[ -x "$APPS" ] || h_fail "$APPS is missing (the netdata package installs it)"
ln -s "$APPS" "$T/plugins.d/apps.plugin"
cat > "$T/conf/netdata.conf" <<CONF
[global]
    hostname = plugin-node
[db]
    mode = ram
[web]
    bind to = 127.0.0.1:$PORT
[directories]
    log = $T/log
    cache = $T/cache
    lib = $T/lib
    plugins = $T/plugins.d
[plugins]
    proc = no
    counter = yes
    apps = yes
    # a plugin that is not enabled never runs
    missing = no
CONF
# counter.plugin exits after 3 iterations; tributary restarts it.
COUNTER_ITERATIONS=3 h_start tributary "$TRIBUTARY_BIN" run --config-dir "$T/conf"
h_wait_http "$PORT" /api/v1/info 20
LOG=$T/log/error.log

has_chart() { h_http_get "http://127.0.0.1:$PORT/api/v1/charts" | grep -q "\"$1\""; }
h_wait_for -t 20 -m "example.counter defined" has_chart example.counter
h_wait_for -t 30 -m "counter.plugin restarted" \
  bash -c "[ \$(grep -c 'PLUGINSD\[counter\]: started' '$LOG') -ge 2 ]"
h_wait_log "$LOG" "PLUGINSD\[counter\]: the plugin exited" 5

# events are incremental: 10 per second
rate_ok() {
  h_http_get "http://127.0.0.1:$PORT/api/v1/data?chart=example.counter&after=-20&format=json" \
    | python3 -c '
import json, sys
rows = [r for r in json.load(sys.stdin)["data"] if r[1] is not None]
sys.exit(0 if any(abs(r[1] - 10) < 0.5 for r in rows) else 1)'
}
h_wait_for -t 20 -m "example.counter events at 10/s" rate_ok

# apps.plugin: Debian's real plugin feeds apps.* charts
h_wait_for -t 30 -m "apps.cpu from apps.plugin" has_chart apps.cpu
grep -q "PLUGINSD\[missing\]" "$LOG" && h_fail "a disabled plugin was started"
# (apps.plugin defines system.processes_state; system.cpu is the collector's)
if h_http_get "http://127.0.0.1:$PORT/api/v1/charts" | grep -q '"system\.cpu"'; then
  h_fail "[plugins] proc = no, yet the /proc collector defined system.cpu"
fi
h_pass
