#!/usr/bin/env bash
# Netdata's own dashboard (Debian's netdata-web, `[directories] web`) on a
# tributary parent with a real Netdata 1.37.1 child streaming into it:
#  - /api/v1/data?options=jsonwrap|... of the child's system.cpu on the parent
#    has the shape the child's own Netdata gives for the same query (keys in
#    order, their types, dimensions, points, labels, the window, values of a
#    past window within 1 %), also for format=array and `dimensions`;
#  - headless Chromium (dashboard_browser.py) loads `/`, sees the parent and
#    the child, and the child's page draws system.cpu with a moving legend;
#  - no path leaves the web folder over HTTP (test_web_files.sh has more).
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

WEB=/usr/share/netdata/web
[ -f "$WEB/index.html" ] || h_fail "$WEB/index.html is missing (ndpeer.sh install installs netdata-web)"
command -v chromium > /dev/null || h_fail "chromium is not installed (.ci/install-deps.sh installs it)"

KEY=$(cat /proc/sys/kernel/random/uuid)
PPORT=$(h_free_port)
CPORT=$(h_free_port)
T=$(h_tmpdir)
PARENT=dash-parent-$$
CHILD=dash-child-$$
PBASE=http://127.0.0.1:$PPORT
CBASE=http://127.0.0.1:$CPORT

tc_instance "$T/p" "$PARENT" "127.0.0.1:$PPORT"
echo "    web = $WEB" >> "$T/p/conf/netdata.conf"
cat > "$T/p/conf/stream.conf" <<CONF
[$KEY]
    enabled = yes
    allow from = *
    default memory mode = ram
CONF
tc_start parent "$T/p"
h_wait_http "$PPORT" /api/v1/info 20
NDPEER_PROC=small NDPEER_HOSTNAME=$CHILD h_ndpeer child "$CPORT" "$T/child" "127.0.0.1:$PPORT" "$KEY"
h_wait_http "$CPORT" /api/v1/info 30
h_wait_for -t 30 -m "the child's system.cpu on the parent" \
  h__http_ok "$PBASE/host/$CHILD/api/v1/data?chart=system.cpu&after=-5&points=1"

# Traversal over HTTP, against Debian's folder (it has symlinks out).
code() { curl -sS --noproxy '*' --max-time 5 --path-as-is -o /dev/null -w '%{http_code}' "$PBASE$1"; }
h_assert_eq 403 "$(code /../../../etc/passwd)" "/../ is refused"
h_assert_eq 403 "$(code /%2e%2e/%2e%2e/%2e%2e/etc/passwd)" "encoded /../ is refused"
h_assert_eq 403 "$(code /css%2f..%2f..%2f..%2f..%2fetc%2fpasswd)" "encoded / and .. are refused"
h_assert_eq 403 "$(code /css/font-awesome.min.css)" "a symlink out of the folder is refused"
h_assert_eq 200 "$(code /index.html)" "index.html is served"

# jsonwrap as the child's own Netdata answers it, for a window in the past.
history_ok() { # 15 s stored on the parent: the window below is whole on both
  h_http_get "$PBASE/host/$CHILD/api/v1/data?chart=system.cpu&after=-1&points=1&options=jsonwrap" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d["last_entry"] - d["first_entry"] >= 15 else 1)'
}
h_wait_for -t 40 -m "15 s of the child's history on the parent" history_ok
python3 - "$PBASE/host/$CHILD" "$CBASE" <<'PY' || h_fail "jsonwrap differs from Netdata's"
import json, sys, urllib.request
trib, nd = sys.argv[1], sys.argv[2]
def get(base, q):
    with urllib.request.urlopen(base + "/api/v1/data?" + q, timeout=5) as r:
        return json.loads(r.read())
last = get(nd, "chart=system.cpu&after=-1&points=1&options=jsonwrap")["last_entry"]
fails = []
queries = [
  "chart=system.cpu&format=json&after=%d&before=%d&points=5&group=average&options=jsonwrap" % (last - 12, last - 3),
  "chart=system.cpu&format=json&after=%d&before=%d&points=10&group=average&gtime=0&options=ms%%7Cflip%%7Cjsonwrap%%7Cnonzero" % (last - 12, last - 3),
  "chart=system.cpu&format=array&after=%d&before=%d&points=3&group=average&gtime=0&options=absolute%%7Cjsonwrap%%7Cnonzero" % (last - 12, last - 3),
  "chart=mem.available&format=array&after=%d&before=%d&points=3&options=absolute%%7Cpercentage%%7Cjsonwrap%%7Cnonzero" % (last - 12, last - 3),
  "chart=system.cpu&format=json&after=%d&before=%d&points=4&options=jsonwrap%%7Cnull2zero&dimensions=user%%7Csystem" % (last - 12, last - 3),
]
def close(a, b):
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 0.01 * max(abs(a), abs(b)) + 0.05
    return a == b
for q in queries:
    a, b = get(trib, q), get(nd, q)
    if list(a.keys()) != list(b.keys()):
        fails.append("%s: keys %s vs Netdata %s" % (q, list(a), list(b)))
        continue
    for k in b:
        if type(a[k]) != type(b[k]) and not (isinstance(a[k], (int, float)) and isinstance(b[k], (int, float))):
            fails.append("%s: %s is %s, Netdata %s" % (q, k, type(a[k]).__name__, type(b[k]).__name__))
    for k in ("api", "view_update_every", "update_every", "before", "after", "group", "options",
              "dimension_names", "dimension_ids", "dimensions", "points", "format"):
        if a[k] != b[k]:
            fails.append("%s: %s = %r, Netdata %r" % (q, k, a[k], b[k]))
    res_a, res_b = a["result"], b["result"]
    if isinstance(res_b, dict):
        if res_a["labels"] != res_b["labels"]:
            fails.append("%s: labels %r vs %r" % (q, res_a["labels"], res_b["labels"]))
        if not close(res_a["data"], res_b["data"]):
            fails.append("%s: data %r vs Netdata %r" % (q, res_a["data"], res_b["data"]))
    elif not close(res_a, res_b):
        fails.append("%s: result %r vs Netdata %r" % (q, res_a, res_b))
    for k in ("min", "max", "view_latest_values"):
        if not close(a[k], b[k]):
            fails.append("%s: %s %r vs Netdata %r" % (q, k, a[k], b[k]))
for f in fails:
    print("jsonwrap: " + f, file=sys.stderr)
sys.exit(1 if fails else 0)
PY
h_log "jsonwrap, array, dimensions and options match Netdata's for a past window"

python3 "$TRIBUTARY_SOURCE_DIR/tests/integration/dashboard_browser.py" \
  "$PBASE" "$PARENT" "$CHILD" "$T/chromium" || h_fail "Netdata's dashboard in Chromium (log: $T/chromium.log)"
h_pass
