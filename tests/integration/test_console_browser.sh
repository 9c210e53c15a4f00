#!/usr/bin/env bash
# The web console as an operator sees it: a tributary child streams into a
# tributary parent; `/` sends a browser to /console; the console's JSON
# endpoints list the child (tree link, stream row with samples/s); headless
# Chromium (tests/integration/console_browser.py) renders the tree, the
# child's row with samples/s above zero, plots that get new points, sorting
# and drill-down, without errors in the page. Then the parent stops and the
# child's own console shows its sender's reconnect and reason.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

command -v chromium > /dev/null || h_fail "chromium is not installed (.ci/install-deps.sh installs it)"

KEY=$(cat /proc/sys/kernel/random/uuid)
PPORT=$(h_free_port)
CPORT=$(h_free_port)
CHILD=console-child-$$
T=$(h_tmpdir)
PBASE=http://127.0.0.1:$PPORT
CBASE=http://127.0.0.1:$CPORT

tc_instance "$T/parent" console-parent-$$ "127.0.0.1:$PPORT"
cat > "$T/parent/conf/stream.conf" <<CONF
[$KEY]
    enabled = yes
    allow from = *
    default memory mode = ram
CONF
# No web files: `/` is the console's (test_web_files.sh covers the folder).
echo "    web = $T/no-web" >> "$T/parent/conf/netdata.conf"
tc_instance "$T/child" "$CHILD" "127.0.0.1:$CPORT"
cat > "$T/child/conf/stream.conf" <<CONF
[stream]
    enabled = yes
    destination = 127.0.0.1:$PPORT
    api key = $KEY
    reconnect delay seconds = 1
CONF
tc_start parent "$T/parent"
PARENT=$H_LAST_PID
h_wait_http "$PPORT" /api/v1/info 20
tc_start child "$T/child"
h_wait_http "$CPORT" /api/v1/info 20

# `/` redirects to the console; the page and its script are served.
head=$(curl -sS -o /dev/null -D - "$PBASE/")
h_assert_contains "$head" "302 Found" "/ answers 302"
h_assert_contains "$head" "Location: /console" "/ sends the browser to /console"
h_assert_contains "$(h_http_get "$PBASE/console")" "<title>tributary console</title>" "/console is the page"
h_assert_contains "$(h_http_get "$PBASE/console/console.js")" "/api/v1/console/" "the script is served"
code=$(curl -sS -o /dev/null -w '%{http_code}' "$PBASE/console/nothing.js")
h_assert_eq 404 "$code" "an unknown console file is 404"
code=$(curl -sS -o /dev/null -w '%{http_code}' "$PBASE/api/v1/console/series?after=x")
h_assert_eq 400 "$code" "a bad 'after' is 400"

# The JSON the page draws from.
child_streams() { # -> "<samples_per_s> <direction>" of the child on the parent
  h_http_get "$PBASE/api/v1/console/streams" | python3 -c '
import json, sys
rows = [h for h in json.load(sys.stdin)["hosts"] if h["hostname"] == sys.argv[1]]
print("%s %s" % (rows[0]["samples_per_s"], rows[0]["direction"]) if rows else "missing")' "$CHILD"
}
streaming() { child_streams | grep -qE '^[0-9.]*[1-9][0-9.]* inbound$'; }
h_wait_for -t 30 -m "the child's stream row with samples/s > 0" streaming
h_log "child on the parent: $(child_streams)"
tree_ok=$(h_http_get "$PBASE/api/v1/console/actors" | python3 -c '
import json, sys
a = json.load(sys.stdin)["actors"]
by_id = {x["id"]: x for x in a}
reg = [x for x in a if x["kind"] == "registry"][0]
host = [x for x in a if x["kind"] == "host" and x["name"] == sys.argv[1]][0]
rx = [x for x in a if x["kind"] == "receiver" and x["host"] == host["id"]]
conn = by_id.get(rx[0]["parent"], {}) if len(rx) == 1 else {}
lis = by_id.get(conn.get("parent"), {})
print(host["parent"] == reg["id"] and conn.get("kind") == "connection"
      and conn["labels"]["kind"] == "stream" and lis.get("kind") == "listener"
      and lis["parent"] == reg["id"] and lis["counters"]["open_connections"] >= 1)' "$CHILD")
h_assert_eq True "$tree_ok" "the child's host is under the registry; its receiver under its connection, under a listener"
charts_ok=$(h_http_get "$PBASE/api/v1/console/actors?host=$CHILD&charts=1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
c = d["actors"]
print(d["charts"] > 0 and len(c) == min(d["charts"], d["limit"])
      and all(x["kind"] == "chart" for x in c))')
h_assert_eq True "$charts_ok" "the charts drill-down lists the child's chart actors"
code=$(curl -sS -o /dev/null -w '%{http_code}' "$PBASE/api/v1/console/actors?host=nobody-$$&charts=1")
h_assert_eq 404 "$code" "the drill-down of an unknown host is 404"

# The page in a real browser.
python3 "$TRIBUTARY_SOURCE_DIR/tests/integration/console_browser.py" \
  "$PBASE/" "$CHILD" "$T/chromium" || h_fail "the console in Chromium (log: $T/chromium.log)"

# A sender restart shows on the child's console once its parent is gone.
h_stop "$PARENT"
sender() { # -> "<reconnects>|<state>|<last_reason>" of the child's sender
  h_http_get "$CBASE/api/v1/console/streams" | python3 -c '
import json, sys
s = json.load(sys.stdin)["senders"]
print("%s|%s|%s" % (s[0]["reconnects"], s[0]["state"], s[0]["last_reason"]) if s else "missing")'
}
restarted() { sender | grep -qE '^[1-9][0-9]*\|[a-z]+\|.+'; }
h_wait_for -t 20 -m "the child's sender shows a reconnect and its reason" restarted
h_log "child's sender: $(sender)"
h_pass
